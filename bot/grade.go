package bot

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// criterionTitles are the criteria as a rep reads them.
var criterionTitles = map[string]string{
	domain.CriterionSpend:       "Spend",
	domain.CriterionMargin:      "Margin",
	domain.CriterionPayment:     "Payment",
	domain.CriterionInventory:   "Inventory",
	domain.CriterionNewBusiness: "New business",
}

// noDataWords say why a criterion was left out.
var noDataWords = map[string]string{
	domain.CriterionSpend:       "no sales in the last 12 months",
	domain.CriterionMargin:      "no sales to compare with the company's margin",
	domain.CriterionPayment:     "no invoices dated in the last 12 months or still open from before",
	domain.CriterionInventory:   "no commitment months wholly in the last 12 months",
	domain.CriterionNewBusiness: "no RFQs in the last 12 months",
}

// maxGradeNames is how many accounts of each tier a territory's grading names.
const maxGradeNames = 5

// maxMovers is how many movers a territory's grading lists.
const maxMovers = 10

// gradingSaveTimeout bounds the write of a territory's grading: a long import holds the
// store's writer, and the reply must not wait for it.
const gradingSaveTimeout = 2 * time.Second

func (b *Bot) gradeCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	lastNote := ""
	if len(args) == 0 {
		last, note, ok := b.lastAccount(ctx, req.Actor)
		if !ok {
			return Reply{}, domain.Errorf(domain.EINVALID, "Grade what? Usage: `grade <account>` or `grade territory <name>`.")
		}
		args, lastNote = []string{last.ID}, note
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	if strings.EqualFold(args[0], "territory") {
		if len(args) == 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Which territory? Usage: `grade territory <name>`.")
		}
		t, note, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args[1:], " "))
		if err != nil {
			return Reply{}, err
		}
		return b.territoryGrade(ctx, t, note, req.AsOf)
	}
	tgt, err := b.resolveTarget(ctx, req.Actor, strings.Join(args, " "))
	if err != nil {
		return Reply{}, err
	}
	if tgt.isTerr {
		return b.territoryGrade(ctx, tgt.territory, tgt.note, req.AsOf)
	}
	a, note := tgt.account, tgt.note
	if lastNote != "" {
		note = lastNote
	}
	g, err := b.Grades.Account(ctx, a.ID, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	return b.accountGradeReply(a, g, note, req.AsOf), nil
}

// territoryGrade grades a territory and stores the grading for the next one's movers.
func (b *Bot) territoryGrade(ctx context.Context, t domain.Territory, note string, asOf time.Time) (Reply, error) {
	tg, err := b.Grades.Territory(ctx, t.Name, asOf)
	if err != nil {
		return Reply{}, err
	}
	// The grading is stored for the next one's movers. A failure costs only that, so it
	// is logged and the reply goes out.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), gradingSaveTimeout)
	defer cancel()
	if err := b.Grades.Remember(sctx, tg); err != nil {
		b.Logger.WarnContext(ctx, "grading not stored", "territory", t.Name, "err", err)
	}
	return withNote(b.territoryGradeReply(tg), note), nil
}

// gradeWindowNote says what the grade's figures cover and how the costs are computed.
func (b *Bot) gradeWindowNote(asOf time.Time) string {
	w := domain.Window(asOf)
	s := b.Grades.Settings
	return fmt.Sprintf("As of %s, over %s to %s. Payment counts these months' invoices and older ones still open. Financing cost = invoice amount × days late within these 12 months × %s a year; inventory cost = units committed but not taken × unit cost × %s a year.",
		asOf.Format(domain.DateLayout), w.After.AddDate(0, 0, 1).Format(domain.DateLayout), w.Through.Format(domain.DateLayout),
		pct(s.CostOfCapital), pct(s.CarryingRate))
}

func (b *Bot) accountGradeReply(a domain.Account, g domain.Grade, note string, asOf time.Time) Reply {
	m := b.Money
	if !g.Graded {
		blocks := []Block{&Header{Text: fmt.Sprintf("%s — grade", g.Name)}}
		if note != "" {
			blocks = append(blocks, &Context{Text: note})
		}
		blocks = append(blocks,
			&Text{Text: fmt.Sprintf("%s (%s) has no sales, invoices, commitments or RFQs in the last 12 months, so there is nothing to grade it on yet.", g.Name, g.AccountID)})
		if g.Overdue != nil {
			blocks = append(blocks, &Text{Text: b.overdueText(g.Overdue)})
		}
		blocks = append(blocks, &Context{Text: b.gradeWindowNote(asOf)})
		return Reply{Blocks: blocks, Data: g}
	}
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — %s", g.Name, g.Tier)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	scoreText := fmt.Sprintf("%.2f of 4", g.Score)
	if g.NextTier != "" {
		scoreText += fmt.Sprintf(" (%s from %.2f)", g.NextTier, b.tierFloor(g.NextTier))
	}
	blocks = append(blocks, &Fields{Fields: []Field{
		{"Account", fmt.Sprintf("%s · %s · %s", g.AccountID, g.Territory, orDash(a.Owner))},
		{"Score", scoreText},
		{"Gross profit", fmt.Sprintf("%s GP → %s true GP", m.Format(g.GP), m.Format(g.TrueGP))},
		{"What it costs us", b.costWords(g)},
	}})
	t := &Table{Columns: []Column{{Title: "Criterion"}, {Title: "Value"}, {Title: "Score", Numeric: true}, {Title: "Weight", Numeric: true}}}
	for _, c := range g.Criteria {
		if !c.HasData {
			t.Rows = append(t.Rows, []string{criterionTitles[c.Name], noDataWords[c.Name] + " (left out)", "—", "—"})
			continue
		}
		t.Rows = append(t.Rows, []string{criterionTitles[c.Name], b.criterionWords(g, c), fmt.Sprintf("%d", c.Score), pct(c.Weight)})
	}
	blocks = append(blocks, t)
	if c := b.gradeChart(g); c != nil {
		blocks = append(blocks, c)
	}
	if g.Overdue != nil {
		blocks = append(blocks, &Text{Text: b.overdueText(g.Overdue)})
	}
	blocks = append(blocks, &Text{Text: b.liftText(g)})
	blocks = append(blocks, &Context{Text: b.gradeWindowNote(asOf)})
	return Reply{Blocks: blocks, Data: g}
}

// costWords says what the account's late payments and untaken commitments cost us.
func (b *Bot) costWords(g domain.Grade) string {
	var parts []string
	for _, c := range g.Criteria {
		switch {
		case c.Name == domain.CriterionPayment && c.HasData:
			parts = append(parts, b.Money.Format(g.FinancingCost)+" financing its late payments")
		case c.Name == domain.CriterionInventory && c.HasData:
			parts = append(parts, b.Money.Format(g.InventoryCost)+" holding stock it committed to and did not take")
		}
	}
	if len(parts) == 0 {
		return "nothing on file: no invoices or commitments in the last 12 months"
	}
	return strings.Join(parts, " · ")
}

// pct1 writes a ratio as a percentage with one decimal: "36.5%".
func pct1(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// tierFloor is the lowest score of a tier under the bot's settings.
func (b *Bot) tierFloor(tier string) float64 {
	for i, name := range []string{domain.TierBusinessBuild, domain.TierCoreCustomer, domain.TierConvenientSale} {
		if name == tier {
			return b.Grades.Settings.Tiers[i]
		}
	}
	return 1
}

// criterionWords writes a criterion's value in plain words.
func (b *Bot) criterionWords(g domain.Grade, c domain.CriterionScore) string {
	m := b.Money
	switch c.Name {
	case domain.CriterionSpend:
		if g.Revenue <= 0 {
			return "no sales in the last 12 months"
		}
		if c.Value == 0 {
			return fmt.Sprintf("%s in 12 months: the smallest spend among the accounts that bought", m.Format(g.Revenue))
		}
		return fmt.Sprintf("%s in 12 months: more than %s of the accounts that bought", m.Format(g.Revenue), morePct(c.Value))
	case domain.CriterionMargin:
		return fmt.Sprintf("GP %s of revenue, %.3g× the company's %s", pct1(g.GP/g.Revenue), c.Value, pct1(g.CompanyGPRate))
	case domain.CriterionPayment:
		what := m.Format(g.Invoiced) + " invoiced"
		if g.EarlierOpen > 0 {
			what += fmt.Sprintf(", %s still open from before", m.Format(g.EarlierOpen))
		}
		if c.Value < 0.05 {
			return fmt.Sprintf("pays on time (%s)", what)
		}
		return fmt.Sprintf("pays %s after the due date on average, by amount (%s)", days(c.Value), what)
	case domain.CriterionInventory:
		return fmt.Sprintf("takes within %s of what it commits to", pct(c.Value))
	case domain.CriterionNewBusiness:
		r := g.RFQs
		s := fmt.Sprintf("invited to %d of %d RFQs", r.Won+r.Lost+r.Pending, r.Won+r.Lost+r.Pending+r.NotInvited)
		if g.WinRate != nil {
			s += fmt.Sprintf("; won %d of %d decided (%s)", r.Won, r.Won+r.Lost, pct(*g.WinRate))
		}
		return s
	}
	return ""
}

// days writes a number of days: "12 days", "1 day", "2.5 days".
func days(d float64) string {
	r := math.Round(d*10) / 10
	switch {
	case r == 1:
		return "1 day"
	case r == math.Trunc(r):
		return fmt.Sprintf("%.0f days", r)
	}
	return fmt.Sprintf("%.1f days", r)
}

// liftText says what would lift the account one tier.
func (b *Bot) liftText(g domain.Grade) string {
	if g.NextTier == "" {
		if o := g.Overdue; o != nil {
			return fmt.Sprintf("*%s* is the top tier, but invoice %s (%s) is %d days past due: collect it, then protect the account — this is where the next hour pays most.",
				g.Tier, o.Oldest.InvoiceID, b.Money.Format(o.Oldest.Amount), o.Oldest.DaysPastDue)
		}
		return fmt.Sprintf("*%s* is the top tier: protect it — this is where the next hour pays most.", g.Tier)
	}
	if len(g.Lifts) == 0 {
		return fmt.Sprintf("*To reach %s:* no one criterion lifts it on its own; it needs several to improve together.", g.NextTier)
	}
	m := b.Money
	var lines []string
	for _, l := range g.Lifts {
		var c domain.CriterionScore
		for _, x := range g.Criteria {
			if x.Name == l.Criterion {
				c = x
			}
		}
		var s string
		switch l.Criterion {
		case domain.CriterionSpend:
			s = fmt.Sprintf("grow spend with us above %s a year (now %s)", m.Format(l.Threshold), m.Format(g.Revenue))
		case domain.CriterionMargin:
			s = fmt.Sprintf("buy a richer mix: GP of %s of revenue or more (now %s)", pct1(l.Threshold), pct1(g.GP/g.Revenue))
		case domain.CriterionPayment:
			s = fmt.Sprintf("pay within %s of terms on average (now %s)", days(l.Threshold), days(c.Value))
			if l.Saving > 0.5 {
				s += fmt.Sprintf(": saves %s a year in financing", m.Format(l.Saving))
			}
		case domain.CriterionInventory:
			s = fmt.Sprintf("keep within %s of commitments (now %s off)", pct(l.Threshold), pct(c.Value))
		case domain.CriterionNewBusiness:
			s = fmt.Sprintf("get invited to %s RFQs (now %s)", inTen(l.Threshold), inTen(c.Value))
		}
		lines = append(lines, "• "+s)
	}
	return fmt.Sprintf("*To reach %s*, any one of:\n%s", g.NextTier, strings.Join(lines, "\n"))
}

// overdueText names the oldest invoice open and more than DigestLateDays past due, with
// how many there are and what they add up to.
func (b *Bot) overdueText(o *domain.Overdue) string {
	m := b.Money
	s := fmt.Sprintf("*Overdue*: invoice %s, %s, dated %s, is %d days past due and still open", o.Oldest.InvoiceID,
		m.Format(o.Oldest.Amount), o.Oldest.InvoiceDate, o.Oldest.DaysPastDue)
	if o.Invoices > 1 {
		s += fmt.Sprintf(" — the oldest of %d invoices more than %d days past due, %s in all", o.Invoices, domain.DigestLateDays, m.Format(o.Amount))
	}
	return s + "."
}

// inTen writes a share as "8 in 10" (one decimal when needed: "2.5 in 10").
func inTen(r float64) string {
	v := math.Round(r*100) / 10
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f in 10", v)
	}
	return fmt.Sprintf("%.1f in 10", v)
}

func (b *Bot) territoryGradeReply(t domain.TerritoryGrades) Reply {
	m := b.Money
	graded := len(t.Accounts)
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — grades", t.Territory)}}
	if graded == 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("No account of %s has sales, invoices, commitments or RFQs in the last 12 months: nothing to grade yet (%d %s).",
			t.Territory, t.Ungraded, plural(t.Ungraded, "account", "accounts"))})
		return Reply{Blocks: blocks, Data: t}
	}
	var gp float64
	for _, s := range t.Tiers {
		gp += s.GP
	}
	summary := fmt.Sprintf("%d %s graded", graded, plural(graded, "account", "accounts"))
	if t.Ungraded > 0 {
		verb := "are"
		if t.Ungraded == 1 {
			verb = "is"
		}
		summary += fmt.Sprintf("; %d with no data in the last 12 months %s left out", t.Ungraded, verb)
	}
	blocks = append(blocks, &Text{Text: summary + "."})
	tbl := &Table{Columns: []Column{{Title: "Tier"}, {Title: "Accounts", Numeric: true}, {Title: "Revenue", Numeric: true},
		{Title: "GP", Numeric: true}, {Title: "True GP", Numeric: true}, {Title: "Share of GP", Numeric: true}}}
	for _, s := range t.Tiers {
		share := "—"
		if gp != 0 {
			share = pct(s.GP / gp)
		}
		tbl.Rows = append(tbl.Rows, []string{s.Tier, fmt.Sprintf("%d", s.Accounts), m.Format(s.Revenue), m.Format(s.GP), m.Format(s.TrueGP), share})
	}
	blocks = append(blocks, tbl)
	var lines []string
	for _, s := range t.Tiers {
		if s.Accounts == 0 {
			continue
		}
		var in []domain.GradeLine
		for _, a := range t.Accounts {
			if a.Tier == s.Tier {
				in = append(in, a)
			}
		}
		// The biggest first: where the tier's profit is.
		slices.SortStableFunc(in, func(x, y domain.GradeLine) int { return cmp.Compare(y.GP, x.GP) })
		var names []string
		for _, a := range in[:min(len(in), maxGradeNames)] {
			names = append(names, fmt.Sprintf("%s (%s GP)", a.Name, m.Format(a.GP)))
		}
		line := fmt.Sprintf("*%s*: %s", s.Tier, strings.Join(names, ", "))
		if more := s.Accounts - len(names); more > 0 {
			line += fmt.Sprintf(" and %d more", more)
		}
		lines = append(lines, line)
	}
	blocks = append(blocks, &Text{Text: strings.Join(lines, "\n")})
	switch {
	case t.Since.IsZero():
		blocks = append(blocks, &Context{Text: "No earlier grading of this territory is stored; the next one will show who moved tier since this one."})
	case len(t.Movers) == 0:
		blocks = append(blocks, &Text{Text: fmt.Sprintf("*Since %s*: no account changed tier.", t.Since)})
	default:
		up := 0
		for _, mv := range t.Movers {
			if mv.Up {
				up++
			}
		}
		blocks = append(blocks, &Text{Text: fmt.Sprintf("*Since %s*: %d moved up, %d moved down.", t.Since, up, len(t.Movers)-up)})
		mt := &Table{Columns: []Column{{Title: "Account"}, {Title: "From"}, {Title: "To"}, {Title: "Score", Numeric: true}}}
		for i, mv := range t.Movers {
			if i == maxMovers {
				break
			}
			arrow := "↓"
			if mv.Up {
				arrow = "↑"
			}
			mt.Rows = append(mt.Rows, []string{mv.Name, mv.From, arrow + " " + mv.To, fmt.Sprintf("%.2f → %.2f", mv.FromScore, mv.ToScore)})
		}
		mt.More = max(0, len(t.Movers)-maxMovers)
		blocks = append(blocks, mt)
	}
	blocks = append(blocks, &Buttons{Buttons: []Button{{Label: "Gap of " + t.Territory, Command: "gap territory " + t.Territory}}})
	blocks = append(blocks, &Context{Text: b.gradeWindowNote(t.AsOf.Time()) + " True GP = GP − financing cost − inventory cost."})
	return Reply{Blocks: blocks, Data: t}
}
