package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// Lengths of the lists in gap replies; longer ones end with "and N more".
const (
	maxCategories = 12
	maxAccounts   = 5
	maxPlays      = 3
)

func (b *Bot) gapCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	var last domain.Account
	var lastNote string
	if len(args) == 0 {
		var ok bool
		if last, lastNote, ok = b.lastAccount(ctx, req.Actor); !ok {
			return Reply{}, domain.Errorf(domain.EINVALID, "Gap of what? Usage: `gap <account>`, `gap territory <name>` or `gap market`.")
		}
		args = []string{last.ID}
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	switch strings.ToLower(args[0]) {
	case "territory":
		if len(args) == 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Which territory? Usage: `gap territory <name>`.")
		}
		t, note, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args[1:], " "))
		if err != nil {
			return Reply{}, err
		}
		return b.territoryGap(ctx, t, note, req.AsOf)
	case "market":
		if len(args) > 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "`gap market` takes nothing after it.")
		}
		if !req.Actor.All() {
			return Reply{}, domain.Errorf(domain.EFORBIDDEN,
				"The market view sums every territory, so it is for admins. Try `gap territory %s`.", firstOr(req.Actor.Territories(), "<yours>"))
		}
		m, err := b.Gaps.MarketGap(ctx, req.AsOf)
		if err != nil {
			return Reply{}, err
		}
		return b.marketGapReply(m), nil
	}
	tg, err := b.resolveTarget(ctx, req.Actor, strings.Join(args, " "))
	if err != nil {
		return Reply{}, err
	}
	if tg.isTerr {
		return b.territoryGap(ctx, tg.territory, tg.note, req.AsOf)
	}
	a, note := tg.account, tg.note
	if lastNote != "" {
		note = lastNote
	}
	g, err := b.Gaps.AccountGap(ctx, a.ID, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	reply := b.accountGapReply(g, note, req.AsOf)
	// Suggested trades complete the gap; if they cannot be computed, the gap still goes
	// out.
	sugs, err := b.Deals.SuggestFromGap(ctx, g, req.AsOf)
	if err != nil {
		b.Logger.WarnContext(ctx, "deal suggestions left out of the gap", "account", a.ID, "err", err)
		return reply, nil
	}
	if len(sugs) > 0 {
		text, buttons := b.suggestionLines(a, sugs)
		if len(buttons) > 0 { // a trade to talk about, not only value to lead with
			buttons = append(buttons, Button{Label: "Draft talking points", Command: "talk " + a.ID})
		}
		more := []Block{&Text{Text: "*Suggested deals*\n" + text}}
		if len(buttons) > 0 {
			more = append(more, &Buttons{Buttons: buttons})
		}
		// Before the reply's own buttons and closing line.
		at := len(reply.Blocks) - 1
		for i, bl := range reply.Blocks {
			if _, ok := bl.(*Buttons); ok {
				at = i
			}
		}
		reply.Blocks = append(reply.Blocks[:at:at], append(more, reply.Blocks[at:]...)...)
	}
	return reply, nil
}

func (b *Bot) territoryGap(ctx context.Context, t domain.Territory, note string, asOf time.Time) (Reply, error) {
	r, err := b.Gaps.TerritoryGap(ctx, t.Name, asOf)
	if err != nil {
		return Reply{}, err
	}
	return withNote(b.territoryGapReply(r), note), nil
}

func firstOr(xs []string, def string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

// checkAsOf refuses an as-of date before the first sales line, or any as-of date when
// no sales are loaded: every figure would be zero.
func (b *Bot) checkAsOf(ctx context.Context, asOf time.Time) error {
	first, last, err := b.Store.SalesDates(ctx)
	if err != nil {
		return fmt.Errorf("sales dates: %w", err)
	}
	if first.IsZero() {
		return domain.Errorf(domain.ENOTFOUND, "No sales are loaded yet: import sales.csv with `incumbent import DIR` first.")
	}
	if asOf.Before(first) {
		return domain.Errorf(domain.EINVALID, "The as-of date %s is before any sales: the data runs from %s to %s. Pick a date in that range.",
			asOf.Format(domain.DateLayout), first.Format(domain.DateLayout), last.Format(domain.DateLayout))
	}
	return nil
}

// windowNote is the context line that says what the figures cover.
func windowNote(asOf time.Time) string {
	w := domain.Window(asOf)
	return fmt.Sprintf("As of %s. Current = our sales from %s to %s; potential = the account's annual spend in the category (potential.csv).",
		asOf.Format(domain.DateLayout), w.After.AddDate(0, 0, 1).Format(domain.DateLayout), w.Through.Format(domain.DateLayout))
}

func (b *Bot) accountGapReply(g domain.AccountGap, note string, asOf time.Time) Reply {
	m := b.Money
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — gap", g.Name)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	if len(g.Categories) == 0 {
		blocks = append(blocks,
			&Text{Text: fmt.Sprintf("%s (%s) has no sales in the last 12 months and no potential estimates, so there is no gap to show yet. "+
				"Add its categories to potential.csv (annual spend per category and who holds it) and import again.", g.Name, g.AccountID)},
			&Context{Text: windowNote(asOf)})
		return Reply{Blocks: blocks, Data: g}
	}
	t := g.Totals
	blocks = append(blocks, &Fields{Fields: []Field{
		{"Account", fmt.Sprintf("%s · %s · %s", g.AccountID, g.Territory, orDash(g.Owner))},
		{"Share of wallet", fmt.Sprintf("%s (%s of %s)", pct(t.Share), m.Format(t.Current), m.Format(t.Potential))},
		{"Still to win", fmt.Sprintf("%s (%s gross profit)", m.Format(t.Gap), m.Format(t.GapGP))},
		{"Pipeline", fmt.Sprintf("%s (%s weighted) · %s has no plan", m.Format(t.Pipeline), m.Format(t.WeightedPipeline), m.Format(t.Uncovered))},
	}})

	tbl := &Table{Columns: []Column{{Title: "Category"}, {Title: "Current", Numeric: true}, {Title: "Potential", Numeric: true},
		{Title: "Gap", Numeric: true, Essential: true}, {Title: "Share", Numeric: true, Essential: true}, {Title: "Pipeline", Numeric: true},
		{Title: "Uncovered", Numeric: true}, {Title: "Flags", Essential: true}}}
	var noEstimate []string
	for i, c := range g.Categories {
		if c.PotentialSource == domain.PotentialNone {
			noEstimate = append(noEstimate, c.Category)
		}
		if i >= maxCategories {
			continue
		}
		tbl.Rows = append(tbl.Rows, []string{c.Category, m.Format(c.Current), m.Format(c.Potential), m.Format(c.Gap),
			pct(c.Share), m.Format(c.Pipeline), m.Format(c.Uncovered), flags(c)})
	}
	tbl.More = max(0, len(g.Categories)-maxCategories)
	blocks = append(blocks, tbl)
	if c := b.categoryChart(g.Name+" — current vs potential", g.Name, gapCategories(g.Categories)); c != nil {
		blocks = append(blocks, c)
	}

	if plays := b.plays(g); plays != "" {
		blocks = append(blocks, &Text{Text: "*Biggest plays*\n" + plays})
	}
	if defend := b.defend(g); defend != "" {
		blocks = append(blocks, &Text{Text: "*Defend*\n" + defend})
	}
	if len(noEstimate) > 0 {
		blocks = append(blocks, b.noEstimate(g, noEstimate)...)
	}
	blocks = append(blocks, b.planButtons(g, asOf)...)
	blocks = append(blocks,
		&Buttons{Buttons: []Button{
			{Label: "Grade", Command: "grade " + g.AccountID, Style: "primary"},
			{Label: "Deal ideas", Command: "deal suggest " + g.AccountID},
			{Label: "Growth", Command: "growth " + g.AccountID},
			{Label: "Share in channel", Command: "share"},
		}},
		&Context{Text: windowNote(asOf)})
	return Reply{Blocks: blocks, Data: g}
}

// maxSetPotential is how many "Set potential" buttons a gap reply offers.
const maxSetPotential = 3

// noEstimate says which categories have no potential estimated and, where the store
// records potentials from chat, offers to set them: a button each for the ones we sell
// most of, whose form asks the amount, the competitor and a note.
func (b *Bot) noEstimate(g domain.AccountGap, cats []string) []Block {
	them := "them"
	if len(cats) == 1 {
		them = "it"
	}
	if b.Potentials == nil {
		return []Block{&Context{Text: fmt.Sprintf("No potential estimated for %s: the gap counts %s as fully won. Add %s to potential.csv.",
			joinMore(cats, 5), them, them)}}
	}
	var none []domain.CategoryGap
	for _, c := range g.Categories {
		if c.PotentialSource == domain.PotentialNone {
			none = append(none, c)
		}
	}
	slices.SortStableFunc(none, func(x, y domain.CategoryGap) int { return cmp.Compare(y.Current, x.Current) })
	var bs []Button
	for _, c := range none[:min(len(none), maxSetPotential)] {
		bs = append(bs, Button{Label: "Set potential: " + c.Category, Command: fmt.Sprintf("potential set %s %s", g.AccountID, quoted(c.Category)),
			Form: potentialForm(c.Category)})
	}
	return []Block{
		&Context{Text: fmt.Sprintf("No potential estimated for %s: the gap counts %s as fully won. Estimate %s here (`potential set`) or in potential.csv.",
			joinMore(cats, 5), them, them)},
		&Buttons{Buttons: bs},
	}
}

// flags are the short markers of a category row.
func flags(c domain.CategoryGap) string {
	var f []string
	if c.AtRisk {
		f = append(f, "at risk ("+change(*c.Trend)+")")
	}
	if c.Contested {
		f = append(f, "contested")
	}
	switch c.PotentialSource {
	case domain.PotentialNone:
		f = append(f, "no estimate")
	case domain.PotentialUnderstated:
		f = append(f, "understated")
	}
	return strings.Join(f, ", ")
}

// plays describes the biggest gaps in plain words.
func (b *Bot) plays(g domain.AccountGap) string {
	var lines []string
	for _, c := range g.Categories {
		if len(lines) == maxPlays || c.Gap <= 0 {
			break
		}
		s := fmt.Sprintf("• %s: %s to win", c.Category, b.Money.Format(c.Gap))
		if c.Competitor != "" {
			s += fmt.Sprintf(", %s holds it", c.Competitor)
		}
		switch {
		case c.Pipeline == 0:
			s += ", nothing in pipeline — all of it has no plan"
		case c.Uncovered == 0:
			s += fmt.Sprintf(", %s in pipeline covers it", b.Money.Format(c.Pipeline))
		default:
			s += fmt.Sprintf(", %s in pipeline — %s has no plan", b.Money.Format(c.Pipeline), b.Money.Format(c.Uncovered))
		}
		if c.Contested {
			s += " (a competitor offer is on file)"
		}
		lines = append(lines, s+".")
	}
	return strings.Join(lines, "\n")
}

// defend lists the categories at risk with their trend.
func (b *Bot) defend(g domain.AccountGap) string {
	var lines []string
	for _, c := range g.Categories {
		if c.AtRisk {
			lines = append(lines, fmt.Sprintf("• %s: %s on a year ago (last 3 months), %s in the last 12 months.",
				c.Category, change(*c.Trend), b.Money.Format(c.Current)))
		}
	}
	return strings.Join(lines, "\n")
}

func joinMore(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[:n], ", "), len(xs)-n)
}

func (b *Bot) totalsFields(t domain.GapTotals, accounts int) []Field {
	m := b.Money
	return []Field{
		{"Accounts", fmt.Sprint(accounts)},
		{"Share", fmt.Sprintf("%s (%s of %s)", pct(t.Share), m.Format(t.Current), m.Format(t.Potential))},
		{"Still to win", fmt.Sprintf("%s (%s gross profit)", m.Format(t.Gap), m.Format(t.GapGP))},
		{"Pipeline", fmt.Sprintf("%s (%s weighted) · %s has no plan", m.Format(t.Pipeline), m.Format(t.WeightedPipeline), m.Format(t.Uncovered))},
	}
}

func (b *Bot) categoryTable(cats []domain.CategoryRollup) *Table {
	m := b.Money
	tbl := &Table{Columns: []Column{{Title: "Category"}, {Title: "Current", Numeric: true}, {Title: "Potential", Numeric: true},
		{Title: "Gap", Numeric: true, Essential: true}, {Title: "Share", Numeric: true, Essential: true},
		{Title: "Uncovered", Numeric: true, Essential: true}, {Title: "At risk", Numeric: true}}}
	for i, c := range cats {
		if i == maxCategories {
			break
		}
		tbl.Rows = append(tbl.Rows, []string{c.Category, m.Format(c.Current), m.Format(c.Potential), m.Format(c.Gap),
			pct(c.Share), m.Format(c.Uncovered), fmt.Sprint(c.AtRiskAccounts)})
	}
	tbl.More = max(0, len(cats)-maxCategories)
	return tbl
}

func (b *Bot) accountTable(title string, lines []domain.AccountLine, value func(domain.AccountLine) string, valueTitle string) []Block {
	if len(lines) == 0 {
		return nil
	}
	tbl := &Table{Columns: []Column{{Title: "Account"}, {Title: "Name", Essential: true}, {Title: valueTitle, Numeric: true, Essential: true},
		{Title: "Share", Numeric: true, Essential: true}}}
	for i, l := range lines {
		if i == maxAccounts {
			break
		}
		tbl.Rows = append(tbl.Rows, []string{l.AccountID, l.Name, value(l), pct(ratioOf(l.Current, l.Potential))})
	}
	tbl.More = max(0, len(lines)-maxAccounts)
	return []Block{&Text{Text: "*" + title + "*"}, tbl}
}

func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (b *Bot) territoryGapReply(r domain.Rollup) Reply {
	m := b.Money
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — gap", r.Territory)}}
	if r.Accounts == 0 {
		blocks = append(blocks, &Text{Text: "No accounts in this territory yet."})
		return Reply{Blocks: blocks, Data: r}
	}
	blocks = append(blocks, &Fields{Fields: b.totalsFields(r.Totals, r.Accounts)}, b.categoryTable(r.Categories))
	if c := b.categoryChart(r.Territory+" — current vs potential", r.Territory, rollupCategories(r.Categories)); c != nil {
		blocks = append(blocks, c)
	}
	blocks = append(blocks, b.accountTable("Biggest gaps", r.TopByGap, func(l domain.AccountLine) string { return m.Format(l.Gap) }, "Gap")...)
	blocks = append(blocks, b.accountTable("Biggest gaps with no plan", r.TopByUncovered, func(l domain.AccountLine) string { return m.Format(l.Uncovered) }, "Uncovered")...)
	if len(r.AtRisk) > 0 {
		tbl := &Table{Columns: []Column{{Title: "Account"}, {Title: "Name", Essential: true}, {Title: "Trend", Numeric: true, Essential: true},
			{Title: "Current", Numeric: true}, {Title: "Categories at risk", Essential: true}}}
		for i, l := range r.AtRisk {
			if i == maxAccounts {
				break
			}
			tbl.Rows = append(tbl.Rows, []string{l.AccountID, l.Name, change(*l.Trend), m.Format(l.Current), joinMore(l.AtRiskCategories, 3)})
		}
		tbl.More = max(0, len(r.AtRisk)-maxAccounts)
		blocks = append(blocks, &Text{Text: "*At risk* (last 3 months 20% or more below a year earlier)"}, tbl)
	}
	blocks = append(blocks,
		&Buttons{Buttons: []Button{{Label: "Growth", Command: "growth territory " + r.Territory}, {Label: "Share in channel", Command: "share"}}},
		&Context{Text: windowNote(r.AsOf.Time())})
	return Reply{Blocks: blocks, Data: r}
}

func (b *Bot) marketGapReply(mk domain.Market) Reply {
	m := b.Money
	blocks := []Block{&Header{Text: "Market — gap"}}
	if mk.Accounts == 0 {
		blocks = append(blocks, &Text{Text: "No accounts loaded yet."})
		return Reply{Blocks: blocks, Data: mk}
	}
	fields := b.totalsFields(mk.Totals, mk.Accounts)
	// Prospects are not counted: this is the share of our customers' wallet, not a
	// market share.
	fields[1].Label = "Share of our customers' wallet"
	blocks = append(blocks, &Fields{Fields: fields})
	tbl := &Table{Columns: []Column{{Title: "Territory"}, {Title: "Accounts", Numeric: true}, {Title: "Current", Numeric: true},
		{Title: "Potential", Numeric: true}, {Title: "Gap", Numeric: true, Essential: true}, {Title: "Share", Numeric: true, Essential: true},
		{Title: "Uncovered", Numeric: true, Essential: true}}}
	for _, t := range mk.Territories {
		tbl.Rows = append(tbl.Rows, []string{t.Territory, fmt.Sprint(t.Accounts), m.Format(t.Current), m.Format(t.Potential),
			m.Format(t.Gap), pct(t.Share), m.Format(t.Uncovered)})
	}
	blocks = append(blocks, &Text{Text: "*By territory*"}, tbl, &Text{Text: "*By category*"}, b.categoryTable(mk.Categories))
	var buttons []Button
	for i, t := range mk.Territories {
		if i == 4 {
			break
		}
		buttons = append(buttons, Button{Label: t.Territory, Command: "gap territory " + t.Territory})
	}
	blocks = append(blocks, &Buttons{Buttons: buttons}, &Context{Text: windowNote(mk.AsOf.Time())})
	return Reply{Blocks: blocks, Data: mk}
}
