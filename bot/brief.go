package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// BriefWidth is the most characters a line of a brief has, as shown (markup counted):
// the width of a phone, as Slack code blocks keep to (adapters/slack PhoneWidth).
const BriefWidth = 60

// briefMaxItems is how many categories at risk a brief's line names before "and N
// more", when they fit.
const briefMaxItems = 3

// briefCmd handles `brief <account>`: the account on one phone screen before a call.
func (b *Bot) briefCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	// "brief me on acme", "brief me about acme": the words a question puts first.
	if len(args) > 2 && strings.EqualFold(args[0], "me") && (strings.EqualFold(args[1], "on") || strings.EqualFold(args[1], "about")) {
		args = args[2:]
	}
	a, note, err := b.accountOrLast(ctx, req.Actor, strings.Join(args, " "), func() string {
		return "Brief on which account? Usage: `brief <account>`." + b.forExample(ctx, req, "brief", nil)
	})
	if err != nil {
		return Reply{}, err
	}
	if len(args) == 0 {
		// The header names the account: the note need only say why this one.
		note = fmt.Sprintf("The account you last asked about (%s).", a.ID)
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	br, err := b.Brief(ctx, a, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	return b.briefReply(br, note, true), nil
}

// Brief computes the brief of an account the caller has resolved (and may see) at asOf:
// its gap, grade and the territory's last stored grading, its past-due invoices and
// open opportunities, the latest competitor offer on file with our cost per use against
// it, and `deal suggest`'s suggestions.
func (b *Bot) Brief(ctx context.Context, a domain.Account, asOf time.Time) (domain.Brief, error) {
	asOf = domain.Day(asOf)
	gap, err := b.Gaps.AccountGap(ctx, a.ID, asOf)
	if err != nil {
		return domain.Brief{}, err
	}
	return b.briefFromGap(ctx, a, gap, asOf)
}

// briefFromGap is Brief for an account whose gap is already computed.
func (b *Bot) briefFromGap(ctx context.Context, a domain.Account, gap domain.AccountGap, asOf time.Time) (domain.Brief, error) {
	in := domain.BriefInput{Account: a, AsOf: asOf, Gap: gap}
	var err error
	if in.Grade, err = b.Grades.Account(ctx, a.ID, asOf); err != nil {
		return domain.Brief{}, err
	}
	if in.Previous, err = b.Grades.PreviousGrading(ctx, a.Territory, asOf); err != nil {
		return domain.Brief{}, err
	}
	if in.Invoices, err = b.Store.FindOverdueInvoices(ctx, domain.ForAccount(a.ID), asOf, 0); err != nil {
		return domain.Brief{}, fmt.Errorf("find past-due invoices of %s: %w", a.ID, err)
	}
	if in.Opportunities, err = b.Store.FindOpportunities(ctx, domain.ForAccount(a.ID)); err != nil {
		return domain.Brief{}, fmt.Errorf("find opportunities of %s: %w", a.ID, err)
	}
	if in.Suggestions, err = b.Deals.SuggestFromGap(ctx, gap, asOf); err != nil {
		return domain.Brief{}, err
	}
	if in.Offer, err = b.latestOffer(ctx, a, gap, asOf); err != nil {
		return domain.Brief{}, err
	}
	if a.Owner != "" {
		p, err := b.Store.FindPerson(ctx, a.Owner)
		switch {
		case err == nil:
			in.OwnerName = p.Name
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			return domain.Brief{}, fmt.Errorf("find owner of %s: %w", a.ID, err)
		}
	}
	return domain.BuildBrief(in), nil
}

// latestOffer is the competitor offer a brief shows (domain.LatestOffer), with our cost
// per use against it as `cpu` computes it; nil when there is none.
func (b *Bot) latestOffer(ctx context.Context, a domain.Account, gap domain.AccountGap, asOf time.Time) (*domain.BriefOffer, error) {
	offers, err := b.Store.FindCompetitorOffers(ctx, domain.ForAccount(a.ID))
	if err != nil {
		return nil, fmt.Errorf("find competitor offers: %w", err)
	}
	products, err := b.Gaps.Products(ctx, asOf)
	if err != nil {
		return nil, err
	}
	cats := map[string]bool{}
	for _, c := range gap.Categories {
		cats[c.Category] = true
	}
	o, ok := domain.LatestOffer(offers, a.ID, cats, products)
	if !ok {
		return nil, nil
	}
	out := &domain.BriefOffer{CompetitorOffer: o, MarketWide: o.AccountID == ""}
	if _, known := products[o.SKU]; !known {
		return out, nil // an offer on a SKU no longer in the catalogue: no comparison
	}
	res, err := b.Deals.CostPerUse(ctx, a.ID, o.SKU, o.Competitor, asOf)
	if err != nil {
		return nil, err
	}
	for i, c := range res.Comparisons {
		if c.OfferAccountID == o.AccountID {
			out.CostPerUse = &res.Comparisons[i]
			break
		}
	}
	return out, nil
}

// briefReply is a brief on one phone screen: a header, a context line (the note, when
// there is one, and who owns the account, its territory and the as-of date), at most
// eight lines of at most BriefWidth characters, and buttons for the full gap, the
// grade, cpu on the offer's SKU and deal suggest (and Share when share is set).
func (b *Bot) briefReply(br domain.Brief, note string, share bool) Reply {
	m := b.Money
	header := fitLine("", br.Name, " — brief")
	owner := br.OwnerName
	if owner == "" {
		owner = br.Owner
	}
	about := fitLine("", owner, fmt.Sprintf(" · %s · as of %s", br.Territory, br.AsOf))
	if owner == "" {
		about = fitLine("No owner · ", br.Territory, " · as of "+br.AsOf.String())
	}
	if note != "" {
		about = fitLine("", note, "") + "\n" + about
	}
	var lines []string

	// Tier, and its change since the last stored grading.
	switch c := br.TierChange; {
	case br.Tier == "":
		lines = append(lines, "*Not graded*: nothing to grade in the last 12 months")
	case c == nil:
		lines = append(lines, fmt.Sprintf("*%s* (score %.2f of 4)", br.Tier, br.Score))
	case c.Move == "same":
		lines = append(lines, fmt.Sprintf("*%s*, unchanged since %s", br.Tier, c.Since))
	default:
		lines = append(lines, fmt.Sprintf("*%s*, %s from %s since %s", br.Tier, c.Move, c.From, c.Since))
	}

	// Share of wallet and the biggest gap with no plan.
	wallet := "*Wallet* —"
	if br.Potential > 0 {
		wallet = "*Wallet* " + pct(br.Share)
	}
	if g := br.BiggestGap; g != nil {
		lines = append(lines, fitLine(fmt.Sprintf("%s · *no plan* %s in ", wallet, m.Format(g.Uncovered)), g.Category, ""))
	} else if br.Gap > 0 {
		lines = append(lines, wallet+" · every gap has a plan")
	} else {
		lines = append(lines, wallet+" · no gap on file")
	}

	// At risk, owed and closing; what has none is said on one line.
	var none []string
	if len(br.AtRisk) > 0 {
		items := make([]string, len(br.AtRisk))
		for i, r := range br.AtRisk {
			items[i] = fmt.Sprintf("%s %s", r.Category, change(r.Trend))
		}
		lines = append(lines, listLine("*At risk* ", items))
	} else {
		none = append(none, "at risk")
	}
	if o := br.Owed; len(o.Invoices) > 0 {
		s := fmt.Sprintf("*Owed* %s past due", m.Format(o.Amount))
		if len(o.Invoices) > 1 {
			s += fmt.Sprintf(", %d invoices", len(o.Invoices))
		}
		s += ", oldest " + countOf(float64(o.Invoices[0].DaysPastDue), "day", "days") + " late"
		lines = append(lines, s)
	} else {
		none = append(none, "past due")
	}
	if len(br.Closing) > 0 {
		n := len(br.Closing) + br.ClosingMore
		head := fmt.Sprintf("*Closing* %d in 30 days, %s: ", n, m.Format(br.ClosingValue))
		if n == 1 {
			head = fmt.Sprintf("*Closing* %s in %s: ", m.Format(br.ClosingValue), countOf(float64(br.Closing[0].DaysToClose), "day", "days"))
		}
		lines = append(lines, fitLine(head, br.Closing[0].Name, ""))
	} else {
		none = append(none, "closing in 30 days")
	}
	if len(none) > 0 {
		lines = append(lines, "Nothing "+orList(none)+".")
	}

	// The latest competitor offer.
	if o := br.Offer; o != nil {
		label := "*Offer* "
		if o.MarketWide {
			label = "*Market offer* "
		}
		tail := fmt.Sprintf(", %s %s", o.SKU, m.Format2(o.Price))
		if c := o.CostPerUse; c != nil {
			switch {
			case c.Beats():
				tail += ": we win per use"
			case c.CPUOurs > c.CPUTheirs:
				tail += ": they win per use"
			default:
				tail += ": even per use"
			}
		}
		lines = append(lines, fitLine(label, o.Competitor, tail))
	} else {
		lines = append(lines, "*Offer* none on file")
	}

	// The best balanced trade and the lead-with-value play.
	if s := br.Trade; s != nil {
		t := s.Deal.Terms
		lines = append(lines, fitLine(fmt.Sprintf("*Trade* %s on ", pctExact(t.Discount)), t.X,
			fmt.Sprintf(" for %s × %s/yr: +%s", num(t.Qty), t.Y, m.Format(s.Deal.Net))))
	}
	if s := br.LeadWithValue; s != nil && s.CostPerUse != nil {
		tail := ""
		if saves(s.CostPerUse.Savings) {
			tail = fmt.Sprintf(": saves them %s a year", m.Format(s.CostPerUse.Savings))
		}
		lines = append(lines, fitLine("*Lead with value* on ", s.Category, tail))
	}
	if br.Trade == nil && br.LeadWithValue == nil {
		lines = append(lines, "*Trade* none balanced that adds profit")
	}

	buttons := []Button{{Label: "Full gap", Command: "gap " + br.AccountID, Style: "primary"}, {Label: "Grade", Command: "grade " + br.AccountID}}
	if br.Offer != nil {
		buttons = append(buttons, Button{Label: "Cost per use: " + br.Offer.SKU, Command: "cpu " + br.AccountID + " " + br.Offer.SKU})
	}
	buttons = append(buttons, Button{Label: "Deal ideas", Command: "deal suggest " + br.AccountID})
	if share {
		buttons = append(buttons, Button{Label: "Share in channel", Command: ShareCommand})
	}
	return Reply{Blocks: []Block{
		&Header{Text: header},
		&Context{Text: about},
		&Text{Text: strings.Join(lines, "\n")},
		&Buttons{Buttons: buttons},
	}, Data: br}
}

// fitLine returns head + flex + tail, flex shortened with "…" so that the whole is at
// most BriefWidth characters (head and tail are kept whole).
func fitLine(head, flex, tail string) string {
	room := BriefWidth - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail)
	if utf8.RuneCountInString(flex) > room {
		r := []rune(flex)
		flex = strings.TrimRight(string(r[:max(0, room-1)]), " ") + "…"
	}
	return head + flex + tail
}

// listLine writes head and as many items as fit in BriefWidth, the rest counted: "*At
// risk* Fasteners down 34%, Abrasives down 22% and 2 more".
func listLine(head string, items []string) string {
	for n := min(len(items), briefMaxItems); n > 0; n-- {
		s := head + strings.Join(items[:n], ", ")
		if more := len(items) - n; more > 0 {
			s += fmt.Sprintf(" and %d more", more)
		}
		if utf8.RuneCountInString(s) <= BriefWidth {
			return s
		}
	}
	more := ""
	if len(items) > 1 {
		more = fmt.Sprintf(" and %d more", len(items)-1)
	}
	return fitLine(head, items[0], more)
}

// orList joins words as "a, b or c".
func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// homeBriefs is how many briefs App Home shows.
const homeBriefs = 3

// topBriefs returns the briefs of the actor's own accounts (those they own) with the
// most at stake (domain.AtStake), at most homeBriefs of them, the most first.
func (b *Bot) topBriefs(ctx context.Context, actor Actor, asOf time.Time, tier map[string]string) ([]domain.Brief, error) {
	type cand struct {
		acc     domain.Account
		gap     domain.AccountGap
		atStake float64
	}
	var cands []cand
	for _, t := range actor.Territories() {
		accs, err := b.Store.FindAccounts(ctx, domain.ForTerritory(t))
		if err != nil {
			return nil, fmt.Errorf("find accounts: %w", err)
		}
		own := map[string]domain.Account{}
		for _, a := range accs {
			if a.Owner != "" && strings.EqualFold(a.Owner, actor.Person.Email) {
				own[a.ID] = a
			}
		}
		if len(own) == 0 {
			continue
		}
		gaps, err := b.Gaps.TerritoryAccountGaps(ctx, t, asOf)
		if err != nil {
			return nil, err
		}
		for _, g := range gaps {
			if a, ok := own[g.AccountID]; ok && domain.AtStake(g, tier[g.AccountID]) > 0 {
				cands = append(cands, cand{a, g, domain.AtStake(g, tier[g.AccountID])})
			}
		}
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.atStake, x.atStake), cmp.Compare(y.gap.Totals.Uncovered, x.gap.Totals.Uncovered), cmp.Compare(x.acc.ID, y.acc.ID))
	})
	var out []domain.Brief
	for _, c := range cands[:min(len(cands), homeBriefs)] {
		br, err := b.briefFromGap(ctx, c.acc, c.gap, asOf)
		if err != nil {
			return nil, err
		}
		out = append(out, br)
	}
	return out, nil
}
