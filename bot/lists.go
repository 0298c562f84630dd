package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// The list commands of issue 42 (`top gaps`, `slipping`, `late`, `closing`) answer what
// people ask most, over a scope: `mine` (the default: a rep's own accounts, a manager's
// territories, an admin's market), `territory <name>` or `market` (admins only).

// maxListLines is how many lines a list reply shows before "… and N more": a phone
// screen.
const maxListLines = 10

// maxClosingDays bounds `closing in N days`.
const maxClosingDays = 366

// listScope is whose accounts a list command covers.
type listScope struct {
	// Arg is the scope as the command's words: "mine", "territory Northeast", "market".
	Arg string `json:"scope"`
	// Label names it in a header: "your accounts", "Northeast", "the market".
	Label string `json:"label"`
	// territories are the territories read; none with market.
	territories []string
	market      bool
	owner       string // a rep's email: only the accounts they own
}

// scopes are the store scopes a list reads.
func (sc listScope) scopes() []domain.Scope {
	if sc.market {
		return []domain.Scope{domain.AllAccounts}
	}
	out := make([]domain.Scope, len(sc.territories))
	for i, t := range sc.territories {
		out[i] = domain.ForTerritory(t)
	}
	return out
}

// keeps reports whether an account of the scopes read belongs to the list.
func (sc listScope) keeps(owner string) bool {
	return sc.owner == "" || strings.EqualFold(owner, sc.owner)
}

// parseListScope reads `[mine|territory <name>|market]` at the start of args, up to the
// word "in" (which starts a category or a number of days), and returns the scope and
// the rest of args.
func (b *Bot) parseListScope(ctx context.Context, req Request, usage string, args []string) (listScope, []string, error) {
	end := len(args)
	for i, a := range args {
		if strings.EqualFold(a, "in") {
			end = i
			break
		}
	}
	head, rest := args[:end], args[end:]
	first := ""
	if len(head) > 0 {
		first = strings.ToLower(head[0])
	}
	switch {
	case first == "" || first == "mine" && len(head) == 1:
		return b.mineScope(req.Actor), rest, nil
	case first == "market" && len(head) == 1:
		if !req.Actor.All() {
			return listScope{}, nil, domain.Errorf(domain.EFORBIDDEN,
				"The market sums every territory, so it is for admins. Try `%s territory %s`.", usage, firstOr(req.Actor.Territories(), "<yours>"))
		}
		return listScope{Arg: "market", Label: "the market", market: true}, rest, nil
	case first == "territory" && len(head) > 1:
		t, _, err := b.resolveTerritory(ctx, req.Actor, strings.Join(head[1:], " "))
		if err != nil {
			return listScope{}, nil, err
		}
		return listScope{Arg: "territory " + t.Name, Label: t.Name, territories: []string{t.Name}}, rest, nil
	}
	return listScope{}, nil, domain.Errorf(domain.EINVALID,
		"I read %q as neither `mine`, `territory <name>` nor `market`. Usage: `%s [mine|territory <name>|market]`.", strings.Join(head, " "), usage)
}

// mineScope is `mine`: a rep's own accounts, a manager's territories, an admin's market.
func (b *Bot) mineScope(a Actor) listScope {
	switch {
	case a.All():
		return listScope{Arg: "mine", Label: "the market", market: true}
	case a.Person.Role == domain.RoleRep:
		return listScope{Arg: "mine", Label: "your accounts", territories: a.Territories(), owner: a.Person.Email}
	}
	ts := a.Territories()
	label := "your territories"
	if len(ts) == 1 {
		label = ts[0]
	}
	return listScope{Arg: "mine", Label: label, territories: ts}
}

// scopeGaps returns the gaps of the scope's accounts at asOf, computed by gaps.
func (b *Bot) scopeGaps(ctx context.Context, gaps *domain.Gaps, sc listScope, asOf time.Time) ([]domain.AccountGap, error) {
	var out []domain.AccountGap
	for _, s := range sc.scopes() {
		part, err := gaps.AccountGaps(ctx, s, asOf)
		if err != nil {
			return nil, err
		}
		for _, g := range part {
			if sc.keeps(g.Owner) {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// scopeAccounts returns the scope's accounts by id.
func (b *Bot) scopeAccounts(ctx context.Context, sc listScope) (map[string]domain.Account, error) {
	out := map[string]domain.Account{}
	for _, s := range sc.scopes() {
		accs, err := b.Store.FindAccounts(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("find accounts: %w", err)
		}
		for _, a := range accs {
			if sc.keeps(a.Owner) {
				out[a.ID] = a
			}
		}
	}
	return out, nil
}

// accountButtons are up to three buttons running verb on the first distinct accounts
// of ids (names by id).
func accountButtons(verb, label string, ids []string, names map[string]string) *Buttons {
	var bs []Button
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || len(bs) == 3 {
			continue
		}
		seen[id] = true
		bs = append(bs, Button{Label: label + " " + names[id], Command: verb + " " + id})
	}
	if len(bs) == 0 {
		return nil
	}
	bs[0].Style = "primary"
	return &Buttons{Buttons: bs}
}

// listReply assembles a list reply: header, lines (at most maxListLines, then "… and N
// more"), buttons and a closing context line.
func listReply(header, lead string, lines []string, buttons *Buttons, note string, data any) Reply {
	blocks := []Block{&Header{Text: header}}
	if n := len(lines); n > maxListLines {
		lines = append(lines[:maxListLines:maxListLines], fmt.Sprintf("… and %d more", n-maxListLines))
	}
	text := lead
	if len(lines) > 0 {
		text += "\n" + strings.Join(lines, "\n")
	}
	blocks = append(blocks, &Text{Text: text})
	if buttons != nil {
		blocks = append(blocks, buttons)
	}
	blocks = append(blocks, &Context{Text: note})
	return Reply{Blocks: blocks, Data: data}
}

// TopGaps is the `top gaps` command's result.
type TopGaps struct {
	Scope    string              `json:"scope"`
	Category string              `json:"category,omitempty"`
	AsOf     domain.Date         `json:"as_of"`
	Count    int                 `json:"count"`
	Gaps     []domain.Whitespace `json:"gaps"`
}

// topCmd handles `top gaps [mine|territory <name>|market] [in <category>]`: the gaps no
// open opportunity covers, ranked as the digest ranks its whitespace.
func (b *Bot) topCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	const usage = "top gaps"
	if len(args) == 0 || !strings.EqualFold(args[0], "gaps") {
		return Reply{}, domain.Errorf(domain.EINVALID, "Top what? Usage: `top gaps [mine|territory <name>|market] [in <category>]`.")
	}
	sc, rest, err := b.parseListScope(ctx, req, usage, args[1:])
	if err != nil {
		return Reply{}, err
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	gaps, err := b.scopeGaps(ctx, b.Gaps, sc, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	grades, err := b.Grades.Book(ctx, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	ranked := domain.RankWhitespace(gaps, domain.Tiers(grades))
	category := ""
	if len(rest) > 0 {
		if len(rest) == 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "In which category? Usage: `top gaps %s in <category>`.", sc.Arg)
		}
		if category, err = matchCategory(gaps, strings.Join(rest[1:], " "), sc.Label); err != nil {
			return Reply{}, err
		}
		ranked = slices.DeleteFunc(ranked, func(w domain.Whitespace) bool { return w.Category != category })
	}
	top := ranked[:min(len(ranked), maxListLines)]
	data := TopGaps{Scope: sc.Arg, Category: category, AsOf: domain.DateOf(req.AsOf), Count: len(ranked), Gaps: top}
	header := "Top gaps — " + sc.Label
	if category != "" {
		header = fmt.Sprintf("Top gaps in %s — %s", category, sc.Label)
	}
	note := fmt.Sprintf("As of %s. Gaps no open opportunity covers, by gross profit weighted by the customer's tier.",
		req.AsOf.Format(domain.DateLayout))
	if len(ranked) == 0 {
		return listReply(header, "Every gap here has an opportunity against it, or there is none.", nil, nil, note, data), nil
	}
	var lines []string
	ids, names := []string{}, map[string]string{}
	for i, w := range ranked {
		lines = append(lines, b.whitespaceLine(i+1, w))
		ids, names[w.AccountID] = append(ids, w.AccountID), w.Name
	}
	var total float64
	for _, w := range ranked {
		total += w.UncoveredGP
	}
	lead := fmt.Sprintf("%s of gross profit with no plan, in %s %s:", b.Money.Format(total), num(float64(len(ranked))), plural(len(ranked), "gap", "gaps"))
	return listReply(header, lead, lines, accountButtons("gap", "Gap of", ids, names), note, data), nil
}

// whitespaceLine is one ranked uncovered gap, as the digest writes it.
func (b *Bot) whitespaceLine(n int, w domain.Whitespace) string {
	m := b.Money
	s := fmt.Sprintf("%d. %s — %s: %s with no plan (%s GP), %s", n, w.Name, w.Category, m.Format(w.Uncovered),
		m.Format(w.UncoveredGP), tierWords(w.Tier))
	if w.Competitor != "" {
		s += ", " + w.Competitor + " holds it"
	}
	return s
}

// matchCategory finds the category typed among the gaps' categories: the same in any
// case or after normalising, else the only one it begins.
func matchCategory(gaps []domain.AccountGap, typed, where string) (string, error) {
	seen := map[string]bool{}
	var all []string
	for _, g := range gaps {
		for _, c := range g.Categories {
			if !seen[c.Category] {
				seen[c.Category] = true
				all = append(all, c.Category)
			}
		}
	}
	slices.SortFunc(all, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	want := strings.Join(nameWords(typed), " ")
	var prefixed []string
	for _, c := range all {
		got := strings.Join(nameWords(c), " ")
		if got == want {
			return c, nil
		}
		if want != "" && strings.HasPrefix(got, want) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0], nil
	}
	if len(all) == 0 {
		return "", domain.Errorf(domain.ENOTFOUND, "No category has business or potential in %s yet.", where)
	}
	return "", domain.Errorf(domain.ENOTFOUND, "No category of %s is %q. Its categories: %s.", where, typed, strings.Join(all, ", "))
}

// parseScopeOnly reads the `[mine|territory <name>|market]` of a command that takes
// nothing else.
func (b *Bot) parseScopeOnly(ctx context.Context, req Request, cmd string, args []string) (listScope, error) {
	sc, rest, err := b.parseListScope(ctx, req, cmd, args)
	if err != nil {
		return listScope{}, err
	}
	if len(rest) > 0 {
		return listScope{}, domain.Errorf(domain.EINVALID, "`%s` takes a scope only. Usage: `%s [mine|territory <name>]`.", cmd, cmd)
	}
	return sc, nil
}

// SlippingList is the `slipping` command's result.
type SlippingList struct {
	Scope string        `json:"scope"`
	AsOf  domain.Date   `json:"as_of"`
	Since domain.Date   `json:"since"`
	Count int           `json:"count"`
	Slips []domain.Slip `json:"accounts"`
}

// slippingCmd handles `slipping [mine|territory <name>]`: the accounts at risk or down a
// tier at the as-of date that were not 30 days earlier, both computed (nothing stored).
func (b *Bot) slippingCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	sc, err := b.parseScopeOnly(ctx, req, "slipping", args)
	if err != nil {
		return Reply{}, err
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	since := domain.SlipDate(req.AsOf)
	now, err := b.scopeGaps(ctx, b.Gaps, sc, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	// The earlier date is computed apart, so that today's cached gaps stay.
	then, err := b.scopeGaps(ctx, &domain.Gaps{Store: b.Gaps.Store}, sc, since)
	if err != nil {
		return Reply{}, err
	}
	gradesNow, err := b.Grades.Book(ctx, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	gradesThen, err := b.Grades.Book(ctx, since)
	if err != nil {
		return Reply{}, err
	}
	slips := domain.Slipping(now, then, domain.Tiers(gradesNow), domain.Tiers(gradesThen))
	data := SlippingList{Scope: sc.Arg, AsOf: domain.DateOf(req.AsOf), Since: domain.DateOf(since), Count: len(slips),
		Slips: slips[:min(len(slips), maxListLines)]}
	header := "Slipping — " + sc.Label
	note := fmt.Sprintf("As of %s, against %s. At risk: revenue of the last three months %s or more below the same months a year earlier.",
		req.AsOf.Format(domain.DateLayout), since.Format(domain.DateLayout), pct(-domain.AtRiskTrend))
	if len(slips) == 0 {
		return listReply(header, fmt.Sprintf("Nothing slipped since %s: no account fell to at risk or down a tier.", since.Format("2 Jan")),
			nil, nil, note, data), nil
	}
	var lines []string
	ids, names := []string{}, map[string]string{}
	for _, s := range slips {
		var why []string
		if s.DownTier {
			why = append(why, fmt.Sprintf("down from %s to %s", s.TierThen, s.TierNow))
		}
		if s.AtRisk && s.Trend != nil {
			why = append(why, "at risk, revenue "+change(*s.Trend))
		}
		lines = append(lines, fmt.Sprintf("• %s: %s", s.Name, strings.Join(why, "; ")))
		ids, names[s.AccountID] = append(ids, s.AccountID), s.Name
	}
	lead := fmt.Sprintf("%s %s slipped since %s:", num(float64(len(slips))), plural(len(slips), "account", "accounts"), since.Format("2 Jan"))
	return listReply(header, lead, lines, accountButtons("grade", "Grade of", ids, names), note, data), nil
}

// LateList is the `late` command's result.
type LateList struct {
	Scope    string             `json:"scope"`
	AsOf     domain.Date        `json:"as_of"`
	Count    int                `json:"count"`
	Overdue  float64            `json:"overdue" money:"amount"`
	Accounts []domain.LatePayer `json:"accounts"`
}

// lateCmd handles `late [mine|territory <name>]`: money owed past its due date, any
// number of days, biggest amount first.
func (b *Bot) lateCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	sc, err := b.parseScopeOnly(ctx, req, "late", args)
	if err != nil {
		return Reply{}, err
	}
	accs, err := b.scopeAccounts(ctx, sc)
	if err != nil {
		return Reply{}, err
	}
	var invoices []domain.Invoice
	for _, s := range sc.scopes() {
		part, err := b.Store.FindOverdueInvoices(ctx, s, req.AsOf, 0)
		if err != nil {
			return Reply{}, fmt.Errorf("find invoices: %w", err)
		}
		for _, inv := range part {
			if _, ok := accs[inv.AccountID]; ok {
				invoices = append(invoices, inv)
			}
		}
	}
	grades, err := b.Grades.Book(ctx, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	name := func(id string) string { return cmp.Or(accs[id].Name, id) }
	late := domain.LatePayers(invoices, req.AsOf, 0, b.Grades.Settings.CostOfCapital, domain.Tiers(grades), name)
	slices.SortStableFunc(late, func(x, y domain.LatePayer) int {
		return cmp.Or(cmp.Compare(y.Overdue, x.Overdue), cmp.Compare(x.AccountID, y.AccountID))
	})
	var total float64
	for _, p := range late {
		total += p.Overdue
	}
	data := LateList{Scope: sc.Arg, AsOf: domain.DateOf(req.AsOf), Count: len(late), Overdue: total,
		Accounts: late[:min(len(late), maxListLines)]}
	header := "Late payments — " + sc.Label
	note := fmt.Sprintf("As of %s: invoices open and past their due date, any number of days. Financing cost at %s a year.",
		req.AsOf.Format(domain.DateLayout), pct(b.Grades.Settings.CostOfCapital))
	if len(late) == 0 {
		return listReply(header, "Nobody owes us money past its due date.", nil, nil, note, data), nil
	}
	m := b.Money
	var lines []string
	ids, names := []string{}, map[string]string{}
	for _, p := range late {
		s := fmt.Sprintf("• %s: %s", p.Name, m.Format(p.Overdue))
		if p.Invoices > 1 {
			s += fmt.Sprintf(" on %d invoices, oldest %d %s late", p.Invoices, p.DaysLate, plural(p.DaysLate, "day", "days"))
		} else {
			s += fmt.Sprintf(", %d %s late", p.DaysLate, plural(p.DaysLate, "day", "days"))
		}
		lines = append(lines, s)
		ids, names[p.AccountID] = append(ids, p.AccountID), p.Name
	}
	lead := fmt.Sprintf("%s past due at %s %s:", m.Format(total), num(float64(len(late))), plural(len(late), "account", "accounts"))
	return listReply(header, lead, lines, accountButtons("grade", "Grade of", ids, names), note, data), nil
}

// ClosingList is the `closing` command's result.
type ClosingList struct {
	Scope         string                      `json:"scope"`
	AsOf          domain.Date                 `json:"as_of"`
	Days          int                         `json:"days"`
	Count         int                         `json:"count"`
	Value         float64                     `json:"value" money:"amount"`
	Opportunities []domain.ClosingOpportunity `json:"opportunities"`
}

// closingCmd handles `closing [mine|territory <name>] [in N days]`: the open
// opportunities expected to close in the next N days (30 by default), soonest first.
func (b *Bot) closingCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	sc, rest, err := b.parseListScope(ctx, req, "closing", args)
	if err != nil {
		return Reply{}, err
	}
	days := domain.DigestClosingDays
	if len(rest) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(strings.Join(rest[1:2], "")))
		unit := strings.ToLower(strings.Join(rest[min(2, len(rest)):], " "))
		if len(rest) < 2 || err != nil || n < 1 || n > maxClosingDays || (unit != "" && unit != "days" && unit != "day") {
			return Reply{}, domain.Errorf(domain.EINVALID,
				"I read %q as no number of days from 1 to %d. Usage: `closing %s in 60 days`.", strings.Join(rest, " "), maxClosingDays, sc.Arg)
		}
		days = n
	}
	accs, err := b.scopeAccounts(ctx, sc)
	if err != nil {
		return Reply{}, err
	}
	var opps []domain.Opportunity
	for _, s := range sc.scopes() {
		part, err := b.Store.FindOpportunities(ctx, s)
		if err != nil {
			return Reply{}, fmt.Errorf("find opportunities: %w", err)
		}
		for _, o := range part {
			if _, ok := accs[o.AccountID]; ok {
				opps = append(opps, o)
			}
		}
	}
	name := func(id string) string { return cmp.Or(accs[id].Name, id) }
	all := domain.ClosingWithin(opps, req.AsOf, days, name)
	var total float64
	for _, o := range all {
		total += o.Value
	}
	data := ClosingList{Scope: sc.Arg, AsOf: domain.DateOf(req.AsOf), Days: days, Count: len(all), Value: total,
		Opportunities: all[:min(len(all), maxListLines)]}
	header := fmt.Sprintf("Closing in %d %s — %s", days, plural(days, "day", "days"), sc.Label)
	note := fmt.Sprintf("As of %s: open opportunities with an expected close date to %s, soonest first.",
		req.AsOf.Format(domain.DateLayout), req.AsOf.AddDate(0, 0, days).Format(domain.DateLayout))
	if len(all) == 0 {
		return listReply(header, "Nothing is expected to close.", nil, nil, note, data), nil
	}
	m := b.Money
	var lines []string
	ids, names := []string{}, map[string]string{}
	for _, o := range all {
		lines = append(lines, fmt.Sprintf("• %s — %s: %s, %s at %s (%s)", o.CloseDate.Time().Format("2 Jan"), o.AccountName,
			o.Name, m.Format(o.Value), pct(o.Probability), o.Stage))
		ids, names[o.AccountID] = append(ids, o.AccountID), o.AccountName
	}
	lead := fmt.Sprintf("%s in %s %s:", m.Format(total), num(float64(len(all))), plural(len(all), "opportunity", "opportunities"))
	return listReply(header, lead, lines, accountButtons("gap", "Gap of", ids, names), note, data), nil
}
