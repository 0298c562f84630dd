package csvimport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// colType is what a column holds, for a mapping's conversions: a mapped export's dates
// and numbers are rewritten in the standard form before the file's checks read them.
type colType uint8

const (
	text colType = iota
	date
	number
)

// column describes one column of a file.
type column struct {
	name     string
	required bool
	typ      colType
}

// standardFile is one of the Incumbent files: its columns and its reader, which reads
// every source of the file (the file itself, or the exports a mapping reads as it).
type standardFile struct {
	name string // territories.csv …; sales.csv stands for every sales file
	cols []column
	read func(ctx context.Context, r *run, t *table)
}

// section is the file's name in a mapping: "sales" for the sales files.
func (f *standardFile) section() string { return strings.TrimSuffix(f.name, ".csv") }

// standardFiles are the Incumbent files in the order they are read: every file comes
// after the files it refers to.
var standardFiles = []*standardFile{
	{"territories.csv", []column{{"territory", true, text}, {"manager", false, text}, {"digest_channel", false, text},
		{"timezone", false, text}, {"digest_day", false, text}, {"digest_hour", false, number}}, readTerritories},
	{"people.csv", []column{{"email", true, text}, {"name", true, text}, {"role", true, text}, {"territory", false, text},
		{"slack_user_id", false, text}, {"teams_user_id", false, text}}, readPeople},
	{"accounts.csv", []column{{"account_id", true, text}, {"name", true, text}, {"territory", true, text}, {"owner", false, text},
		{"industry", false, text}, {"aliases", false, text}, {"payment_terms_days", false, number}, {"employees", false, number}}, readAccounts},
	{"products.csv", []column{{"sku", true, text}, {"name", true, text}, {"category", true, text}, {"list_price", true, number},
		{"unit_cost", true, number}, {"uses_per_unit", false, number}, {"unit_of_use", false, text}}, readProducts},
	{"sales.csv", []column{{"date", true, date}, {"account_id", true, text}, {"sku", true, text}, {"quantity", true, number},
		{"amount", true, number}, {"cost", false, number}, {"invoice_id", false, text}}, readSales},
	{"potential.csv", []column{{"account_id", true, text}, {"category", true, text}, {"annual_potential", true, number},
		{"competitor", false, text}, {"note", false, text}}, readPotentials},
	{"opportunities.csv", []column{{"opp_id", true, text}, {"account_id", true, text}, {"category", true, text}, {"name", true, text},
		{"value", true, number}, {"stage", true, text}, {"probability", false, number}, {"close_date", false, date},
		{"competitor", false, text}, {"next_step", false, text}}, readOpportunities},
	{"invoices.csv", []column{{"invoice_id", true, text}, {"account_id", true, text}, {"invoice_date", true, date},
		{"due_date", true, date}, {"amount", true, number}, {"paid_date", false, date}}, readInvoices},
	{"commitments.csv", []column{{"account_id", true, text}, {"sku", true, text}, {"period", true, text},
		{"committed_qty", true, number}}, readCommitments},
	{"rfqs.csv", []column{{"rfq_id", true, text}, {"account_id", true, text}, {"date", true, date}, {"category", true, text},
		{"value", false, number}, {"outcome", true, text}}, readRFQs},
	{"competitor_offers.csv", []column{{"competitor", true, text}, {"sku", true, text}, {"account_id", false, text},
		{"competitor_product", false, text}, {"price", true, number}, {"uses_per_unit", false, number},
		{"change_cost", false, number}, {"weaknesses", false, text}}, readCompetitorOffers},
	{"objectives.csv", []column{{"scope", true, text}, {"key", true, text}, {"year", true, number}, {"revenue_target", true, number},
		{"gp_target", false, number}}, readObjectives},
}

// standardFileOf returns the standard file a file of the directory is, nil for none:
// sales.csv and sales-*.csv are sales files.
func standardFileOf(name string) *standardFile {
	if name == "sales.csv" || (strings.HasPrefix(name, "sales-") && strings.HasSuffix(name, ".csv")) {
		name = "sales.csv"
	}
	for _, f := range standardFiles {
		if f.name == name {
			return f
		}
	}
	return nil
}

func readTerritories(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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
			r.managers = append(r.managers, pendingManager{t.file, t.line, t.colName("manager"), tr.Manager})
		}
		return func(ctx context.Context, b domain.ImportBatch) error { return b.PutTerritory(ctx, tr) }
	})
}

// chatIDUse is a row of people.csv that gives a person a chat id.
type chatIDUse struct {
	file       string
	line       int
	email, id  string
	col        string // slack_user_id or teams_user_id
	shown      string // the column as the file names it
	duplicated bool   // an earlier row has the id: already a problem
}

func readPeople(ctx context.Context, r *run, t *table) {
	// A chat id names one person: a second row with it would make whoever uses it that
	// person (the later row won), so a typo could give a rep an admin's view.
	inFile := map[string]*chatIDUse{} // domain.ChatIDKey → the first row with it
	var uses []*chatIDUse
	emails := map[string]bool{} // the people of the import
	chatID := func(col, email string) {
		id := t.str(col)
		if id == "" {
			return
		}
		u := &chatIDUse{file: t.file, line: t.line, email: email, id: id, col: col, shown: t.colName(col)}
		key := domain.ChatIDKey(col, id)
		if first, dup := inFile[key]; dup {
			t.bad(col, "%s is also %s (%s): a chat id names one person", id, t.lineName(first.file, first.line), first.email)
			u.duplicated = true
		} else {
			inFile[key] = u
		}
		uses = append(uses, u)
	}
	t.rows(ctx, func(k *keys) writeFn {
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
	// A chat id someone already stored holds, unless the import lists them too (their row
	// replaces their ids).
	for _, u := range uses {
		holder, ok := r.chatIDs[domain.ChatIDKey(u.col, u.id)]
		if !ok || u.duplicated || holder == u.email || emails[holder] {
			continue
		}
		r.add(Problem{File: u.file, Line: u.line, Column: u.shown,
			Message: fmt.Sprintf("%s is already %s's (in the database): a chat id names one person", u.id, holder)})
	}
}

func readAccounts(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readProducts(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

// readSales reads the sales files: each is a source whose rows replace those imported
// earlier from a file of the same name.
func readSales(ctx context.Context, r *run, t *table) {
	t.each(ctx, func() int { return readSalesFile(r, t, t.file) })
}

func readSalesFile(r *run, t *table, source string) int {
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
			t.bad("quantity", "%s and %s %s have opposite signs (a return has both negative)", t.str("quantity"), t.colName("amount"), t.str("amount"))
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

func readPotentials(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readOpportunities(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readInvoices(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readCommitments(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readRFQs(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readCompetitorOffers(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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

func readObjectives(ctx context.Context, r *run, t *table) {
	t.rows(ctx, func(k *keys) writeFn {
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
