package csvimport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

func readTerritories(r *run, t *table) (int, []pendingManager) {
	cols := []column{{"territory", true}, {"manager", false}, {"digest_channel", false},
		{"timezone", false}, {"digest_day", false}, {"digest_hour", false}}
	var managers []pendingManager
	n := t.rows(cols, func(k *keys) writeFn {
		tr := domain.Territory{
			Name:          t.req("territory"),
			Manager:       t.email("manager", false),
			DigestChannel: t.str("digest_channel"),
			Timezone:      t.str("timezone"),
			DigestDay:     time.Monday,
			DigestHour:    t.integer("digest_hour", 8, 0, 23),
		}
		if tr.Timezone == "" {
			tr.Timezone = "UTC"
		} else if strings.EqualFold(tr.Timezone, "Local") {
			// Go's name for the clock of whatever machine reads it: not a place.
			t.bad("timezone", "%q is the zone of the machine running Incumbent, not a place: give an IANA time zone (e.g. America/Chicago)", tr.Timezone)
		} else if _, err := time.LoadLocation(tr.Timezone); err != nil {
			t.bad("timezone", "%q is not an IANA time zone (e.g. America/Chicago)", tr.Timezone)
		}
		if d := t.str("digest_day"); d != "" {
			wd, err := domain.ParseWeekday(d)
			if err != nil {
				t.bad("digest_day", "%q is not a day (mon…sun)", d)
			}
			tr.DigestDay = wd
		}
		if tr.Name != "" {
			k.unique("territory", tr.Name)
			r.territories[tr.Name] = true
		}
		if tr.Manager != "" {
			managers = append(managers, pendingManager{t.line, tr.Manager})
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutTerritory(ctx, tr) }
	})
	return n, managers
}

// chatIDUse is a row of people.csv that gives a person a chat id.
type chatIDUse struct {
	line       int
	email, id  string
	col        string // slack_user_id or teams_user_id
	duplicated bool   // an earlier row has the id: already a problem
}

func readPeople(r *run, t *table) int {
	cols := []column{{"email", true}, {"name", true}, {"role", true}, {"territory", false},
		{"slack_user_id", false}, {"teams_user_id", false}}
	// A chat id names one person: a second row with it would make whoever uses it that
	// person (the later row won), so a typo could give a rep an admin's view.
	inFile := map[string]*chatIDUse{} // domain.ChatIDKey → the first row with it
	var uses []*chatIDUse
	emails := map[string]bool{} // the people of the file
	chatID := func(col, email string) {
		id := t.str(col)
		if id == "" {
			return
		}
		u := &chatIDUse{line: t.line, email: email, id: id, col: col}
		key := domain.ChatIDKey(col, id)
		if first, dup := inFile[key]; dup {
			t.bad(col, "%s is also on line %d (%s): a chat id names one person", id, first.line, first.email)
			u.duplicated = true
		} else {
			inFile[key] = u
		}
		uses = append(uses, u)
	}
	n := t.rows(cols, func(k *keys) writeFn {
		p := domain.Person{
			Email:       t.email("email", true),
			Name:        t.req("name"),
			Territory:   t.str("territory"),
			SlackUserID: t.str("slack_user_id"),
			TeamsUserID: t.str("teams_user_id"),
		}
		if v := t.req("role"); v != "" {
			role, err := domain.ParseRole(v)
			if err != nil {
				t.bad("role", "%q is not one of rep, manager, admin", v)
			}
			p.Role = role
		}
		if p.Territory != "" && !r.territories[p.Territory] && !r.unread["territories.csv"] {
			t.bad("territory", "unknown territory %q (not in territories.csv or the database)%s", p.Territory, suggest(p.Territory, r.territories))
		}
		if p.Role == domain.RoleRep && p.Territory == "" {
			t.bad("territory", "a rep needs a territory")
		}
		if p.Email != "" {
			k.unique("email", p.Email)
			r.people[p.Email] = true
			emails[p.Email] = true
		}
		chatID("slack_user_id", p.Email)
		chatID("teams_user_id", p.Email)
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutPerson(ctx, p) }
	})
	// A chat id someone already stored holds, unless the file lists them too (their row
	// replaces their ids).
	for _, u := range uses {
		holder, ok := r.chatIDs[domain.ChatIDKey(u.col, u.id)]
		if !ok || u.duplicated || holder == u.email || emails[holder] {
			continue
		}
		t.problem(u.line, u.col, fmt.Sprintf("%s is already %s's (in the database): a chat id names one person", u.id, holder))
	}
	return n
}

func readAccounts(r *run, t *table) int {
	cols := []column{{"account_id", true}, {"name", true}, {"territory", true}, {"owner", false},
		{"industry", false}, {"aliases", false}, {"payment_terms_days", false}, {"employees", false}}
	return t.rows(cols, func(k *keys) writeFn {
		a := domain.Account{
			ID:               t.req("account_id"),
			Name:             t.req("name"),
			Territory:        t.req("territory"),
			Owner:            t.email("owner", false),
			Industry:         t.str("industry"),
			PaymentTermsDays: t.integer("payment_terms_days", 30, 0, 365),
			Employees:        t.integer("employees", 0, 0, 10_000_000),
		}
		for _, al := range strings.Split(t.str("aliases"), ";") {
			if al = strings.TrimSpace(al); al != "" {
				a.Aliases = append(a.Aliases, al)
			}
		}
		if a.Territory != "" && !r.territories[a.Territory] && !r.unread["territories.csv"] {
			t.bad("territory", "unknown territory %q (not in territories.csv or the database)%s", a.Territory, suggest(a.Territory, r.territories))
		}
		if a.Owner != "" && !r.people[a.Owner] && !r.unread["people.csv"] {
			t.bad("owner", "%q is not in people.csv or the database", a.Owner)
		}
		if a.ID != "" {
			k.unique("account_id", a.ID)
			r.accounts[a.ID] = true
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutAccount(ctx, a) }
	})
}

func readProducts(r *run, t *table) int {
	cols := []column{{"sku", true}, {"name", true}, {"category", true}, {"list_price", true},
		{"unit_cost", true}, {"uses_per_unit", false}, {"unit_of_use", false}}
	return t.rows(cols, func(k *keys) writeFn {
		p := domain.Product{
			SKU:         t.req("sku"),
			Name:        t.req("name"),
			Category:    t.req("category"),
			ListPrice:   t.atLeast("list_price", true, 0, 0),
			UnitCost:    t.atLeast("unit_cost", true, 0, 0),
			UsesPerUnit: t.positive("uses_per_unit", false),
			UnitOfUse:   t.str("unit_of_use"),
		}
		if p.SKU != "" {
			k.unique("sku", p.SKU)
			r.products[p.SKU] = p
		}
		if p.Category != "" {
			r.categories[p.Category] = true
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutProduct(ctx, p) }
	})
}

func readSales(r *run, t *table, source string) int {
	cols := []column{{"date", true}, {"account_id", true}, {"sku", true}, {"quantity", true},
		{"amount", true}, {"cost", false}, {"invoice_id", false}}
	if !t.open(cols) {
		return 0
	}
	if !r.failed() {
		r.write(func(ctx context.Context, b domain.ImportBatch) error { return b.ReplaceSales(ctx, source) })
	}
	n := 0
	for t.next() {
		n++
		s := domain.Sale{
			Date:      t.date("date", true),
			AccountID: t.account("account_id", true),
			Quantity:  t.num("quantity", true, 0),
			Amount:    t.num("amount", true, 0),
			InvoiceID: t.str("invoice_id"),
			Source:    source,
		}
		p, ok := t.product("sku")
		s.SKU = p.SKU
		if (s.Quantity < 0 && s.Amount > 0) || (s.Quantity > 0 && s.Amount < 0) {
			t.bad("quantity", "%s and amount %s have opposite signs (a return has both negative)", t.str("quantity"), t.str("amount"))
		}
		if t.str("cost") != "" {
			s.Cost = t.num("cost", false, 0)
		} else if ok {
			s.Cost = s.Quantity * p.UnitCost
		}
		if t.ok() {
			r.write(func(ctx context.Context, b domain.ImportBatch) error { return b.AddSale(ctx, s) })
		}
	}
	return n
}

func readPotentials(r *run, t *table) int {
	cols := []column{{"account_id", true}, {"category", true}, {"annual_potential", true},
		{"competitor", false}, {"note", false}}
	return t.rows(cols, func(k *keys) writeFn {
		p := domain.Potential{
			AccountID:       t.account("account_id", true),
			Category:        t.category("category"),
			AnnualPotential: t.atLeast("annual_potential", true, 0, 0),
			Competitor:      t.str("competitor"),
			Note:            t.str("note"),
		}
		k.unique("category", p.AccountID, p.Category)
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutPotential(ctx, p) }
	})
}

func readOpportunities(r *run, t *table) int {
	cols := []column{{"opp_id", true}, {"account_id", true}, {"category", true}, {"name", true},
		{"value", true}, {"stage", true}, {"probability", false}, {"close_date", false},
		{"competitor", false}, {"next_step", false}}
	return t.rows(cols, func(k *keys) writeFn {
		o := domain.Opportunity{
			ID:         t.req("opp_id"),
			AccountID:  t.account("account_id", true),
			Category:   t.category("category"),
			Name:       t.req("name"),
			Value:      t.atLeast("value", true, 0, 0),
			Stage:      strings.ToLower(t.req("stage")),
			CloseDate:  t.date("close_date", false),
			Competitor: t.str("competitor"),
			NextStep:   t.str("next_step"),
		}
		o.Probability = t.num("probability", false, defaultProbability(o.Stage))
		if o.Probability < 0 || o.Probability > 1 {
			t.bad("probability", "%s is not between 0 and 1", t.str("probability"))
		}
		if o.ID != "" {
			k.unique("opp_id", o.ID)
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutOpportunity(ctx, o) }
	})
}

// defaultProbability is the probability of an opportunity whose row leaves it empty:
// 1 when won, 0 when lost, otherwise 0 (it counts in the pipeline but not in the
// weighted pipeline until someone estimates it).
func defaultProbability(stage string) float64 {
	if stage == "won" {
		return 1
	}
	return 0
}

func readInvoices(r *run, t *table) int {
	cols := []column{{"invoice_id", true}, {"account_id", true}, {"invoice_date", true},
		{"due_date", true}, {"amount", true}, {"paid_date", false}}
	return t.rows(cols, func(k *keys) writeFn {
		i := domain.Invoice{
			ID:          t.req("invoice_id"),
			AccountID:   t.account("account_id", true),
			InvoiceDate: t.date("invoice_date", true),
			DueDate:     t.date("due_date", true),
			Amount:      t.atLeast("amount", true, 0, 0),
			PaidDate:    t.date("paid_date", false),
		}
		if !i.DueDate.IsZero() && !i.InvoiceDate.IsZero() && i.DueDate.Before(i.InvoiceDate) {
			t.bad("due_date", "%s is before the invoice date %s", t.str("due_date"), t.str("invoice_date"))
		}
		if i.ID != "" {
			k.unique("invoice_id", i.ID)
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutInvoice(ctx, i) }
	})
}

func readCommitments(r *run, t *table) int {
	cols := []column{{"account_id", true}, {"sku", true}, {"period", true}, {"committed_qty", true}}
	return t.rows(cols, func(k *keys) writeFn {
		c := domain.Commitment{AccountID: t.account("account_id", true), CommittedQty: t.positive("committed_qty", true)}
		p, _ := t.product("sku")
		c.SKU = p.SKU
		if v := t.req("period"); v != "" {
			m, err := domain.ParseMonth(v)
			if err != nil {
				t.bad("period", "%q is not a month (expected YYYY-MM)", v)
			}
			c.Period = m
		}
		k.unique("period", c.AccountID, t.str("sku"), t.str("period"))
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutCommitment(ctx, c) }
	})
}

func readRFQs(r *run, t *table) int {
	cols := []column{{"rfq_id", true}, {"account_id", true}, {"date", true}, {"category", true},
		{"value", false}, {"outcome", true}}
	return t.rows(cols, func(k *keys) writeFn {
		q := domain.RFQ{
			ID:        t.req("rfq_id"),
			AccountID: t.account("account_id", true),
			Date:      t.date("date", true),
			Category:  t.category("category"),
			Value:     t.atLeast("value", false, 0, 0),
		}
		if v := t.req("outcome"); v != "" {
			o, err := domain.ParseRFQOutcome(v)
			if err != nil {
				t.bad("outcome", "%q is not one of won, lost, pending, not_invited", v)
			}
			q.Outcome = o
		}
		if q.ID != "" {
			k.unique("rfq_id", q.ID)
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutRFQ(ctx, q) }
	})
}

func readCompetitorOffers(r *run, t *table) int {
	cols := []column{{"competitor", true}, {"sku", true}, {"account_id", false},
		{"competitor_product", false}, {"price", true}, {"uses_per_unit", false},
		{"change_cost", false}, {"weaknesses", false}}
	return t.rows(cols, func(k *keys) writeFn {
		o := domain.CompetitorOffer{
			Competitor:        t.req("competitor"),
			AccountID:         t.account("account_id", false),
			CompetitorProduct: t.str("competitor_product"),
			Price:             t.positive("price", true),
			UsesPerUnit:       t.positive("uses_per_unit", false),
			ChangeCost:        t.atLeast("change_cost", false, 0, 0),
			Weaknesses:        t.str("weaknesses"),
		}
		p, _ := t.product("sku")
		o.SKU = p.SKU
		k.unique("competitor", o.Competitor, t.str("sku"), o.AccountID)
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutCompetitorOffer(ctx, o) }
	})
}

func readObjectives(r *run, t *table) int {
	cols := []column{{"scope", true}, {"key", true}, {"year", true}, {"revenue_target", true},
		{"gp_target", false}}
	return t.rows(cols, func(k *keys) writeFn {
		o := domain.Objective{
			Key:           t.req("key"),
			RevenueTarget: t.positive("revenue_target", true),
			GPTarget:      t.atLeast("gp_target", false, 0, 0),
		}
		if t.req("year") != "" {
			o.Year = t.integer("year", 0, 2000, 2100)
		}
		if v := t.req("scope"); v != "" {
			s, err := domain.ParseObjectiveScope(v)
			if err != nil {
				t.bad("scope", "%q is not one of account, territory", v)
			}
			o.Scope = s
		}
		switch {
		case o.Key == "":
		case r.unread["accounts.csv"] || r.unread["territories.csv"]:
		case o.Scope == domain.ScopeAccount && !r.accounts[o.Key]:
			t.bad("key", "unknown account %q (not in accounts.csv or the database)", o.Key)
		case o.Scope == domain.ScopeTerritory && !r.territories[o.Key]:
			t.bad("key", "unknown territory %q (not in territories.csv or the database)%s", o.Key, suggest(o.Key, r.territories))
		}
		k.unique("key", string(o.Scope), o.Key, t.str("year"))
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutObjective(ctx, o) }
	})
}
