package domain

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Brief is one account on one phone screen, before a call (issue 40 §1): who owns it and
// its tier with its change since the last stored grading, the share of wallet and the
// biggest gap with no plan, what is at risk, what it owes us past due, what closes in
// the next 30 days, the latest competitor offer on file, and the best balanced trade
// with the lead-with-value play.
type Brief struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Territory string `json:"territory"`
	Owner     string `json:"owner,omitempty"`
	// OwnerName is the owner's name in people.csv; empty when the owner is not listed.
	OwnerName string `json:"owner_name,omitempty"`
	AsOf      Date   `json:"as_of"`
	// Tier and Score are the account's grade; Tier is empty when nothing in the last 12
	// months grades it.
	Tier  string  `json:"tier,omitempty"`
	Score float64 `json:"score,omitempty"`
	// TierChange compares with the last stored grading of the territory before the
	// as-of date; nil when there is none or it did not grade the account.
	TierChange *TierChange `json:"tier_change"`
	Share      float64     `json:"share"`
	Current    float64     `json:"current" money:"amount"`
	Potential  float64     `json:"potential" money:"amount"`
	Gap        float64     `json:"gap" money:"amount"`
	// BiggestGap is the category with the largest gap no open opportunity covers; nil
	// when every gap is covered.
	BiggestGap *BriefGap `json:"biggest_gap"`
	// AtRisk are the categories whose last three months are 20% or more below a year
	// earlier, the steepest first.
	AtRisk []BriefRisk `json:"at_risk"`
	Owed   BriefOwed   `json:"owed"`
	// Closing are the biggest open opportunities expected to close in the next 30 days
	// (as the digest lists them); ClosingMore counts the rest and ClosingValue sums all.
	Closing      []ClosingOpportunity `json:"closing"`
	ClosingMore  int                  `json:"closing_more"`
	ClosingValue float64              `json:"closing_value" money:"amount"`
	// Offer is the latest competitor offer on file; nil when there is none.
	Offer *BriefOffer `json:"offer"`
	// Trade is the best balanced trade of `deal suggest` and LeadWithValue its
	// lead-with-value play; nil when there is none.
	Trade         *Suggestion `json:"trade"`
	LeadWithValue *Suggestion `json:"lead_with_value"`
	// AtStake is Σ over the categories of the uncovered gap × its GP rate × the weight of
	// the account's tier (TierWeight, as the digest ranks whitespace): what App Home
	// ranks a rep's accounts by.
	AtStake float64 `json:"at_stake" money:"amount"`
}

// TierChange is an account's tier now against the last stored grading.
type TierChange struct {
	Since Date   `json:"since"` // the as-of date of that grading
	From  string `json:"from"`
	To    string `json:"to"`
	// Move is "up", "down" or "same".
	Move string `json:"move"`
}

// BriefGap is a category's gap with no plan.
type BriefGap struct {
	Category   string  `json:"category"`
	Gap        float64 `json:"gap" money:"amount"`
	Uncovered  float64 `json:"uncovered" money:"amount"`
	Competitor string  `json:"competitor,omitempty"`
}

// BriefRisk is a category at risk.
type BriefRisk struct {
	Category string  `json:"category"`
	Trend    float64 `json:"trend"`
	Current  float64 `json:"current" money:"amount"`
}

// BriefOwed is what the account owes past due: the invoices open at the as-of date and
// past their due date, oldest (most days past due) first.
type BriefOwed struct {
	Amount   float64          `json:"amount" money:"amount"`
	Invoices []OverdueInvoice `json:"invoices"`
}

// BriefOffer is a competitor offer on file with our cost per use against it.
type BriefOffer struct {
	CompetitorOffer
	// MarketWide is set when the offer was not made to the account.
	MarketWide bool        `json:"market_wide"`
	CostPerUse *CostPerUse `json:"cost_per_use,omitempty"`
}

// BriefInput is what a brief is computed from.
type BriefInput struct {
	Account   Account
	OwnerName string
	AsOf      time.Time
	Gap       AccountGap
	Grade     Grade
	// Previous is the territory's last stored grading before AsOf; nil when none.
	Previous *Grading
	// Invoices are the account's invoices open at AsOf and past due.
	Invoices      []Invoice
	Opportunities []Opportunity // the account's
	// Offer is the latest offer on file (LatestOffer), with its cost per use; nil when
	// none.
	Offer *BriefOffer
	// Suggestions are `deal suggest`'s, in its order.
	Suggestions []Suggestion
}

// BuildBrief computes an account's brief.
func BuildBrief(in BriefInput) Brief {
	asOf := Day(in.AsOf)
	a, g := in.Account, in.Gap
	b := Brief{AccountID: a.ID, Name: a.Name, Territory: a.Territory, Owner: a.Owner, OwnerName: in.OwnerName,
		AsOf: DateOf(asOf), Share: g.Totals.Share, Current: g.Totals.Current, Potential: g.Totals.Potential, Gap: g.Totals.Gap,
		AtRisk: []BriefRisk{}, Owed: BriefOwed{Invoices: []OverdueInvoice{}}, Offer: in.Offer}
	if in.Grade.Graded {
		b.Tier, b.Score = in.Grade.Tier, in.Grade.Score
		if p := in.Previous; p != nil {
			for _, m := range p.Marks {
				if m.AccountID != a.ID {
					continue
				}
				move := "same"
				switch r, was := tierRank(b.Tier), tierRank(m.Tier); {
				case r < was:
					move = "up"
				case r > was:
					move = "down"
				}
				b.TierChange = &TierChange{Since: DateOf(p.AsOf), From: m.Tier, To: b.Tier, Move: move}
			}
		}
	}
	b.AtStake = AtStake(g, b.Tier)
	for _, c := range g.Categories {
		if c.Uncovered > 0 && (b.BiggestGap == nil || c.Uncovered > b.BiggestGap.Uncovered) {
			b.BiggestGap = &BriefGap{Category: c.Category, Gap: c.Gap, Uncovered: c.Uncovered, Competitor: c.Competitor}
		}
		if c.AtRisk && c.Trend != nil {
			b.AtRisk = append(b.AtRisk, BriefRisk{Category: c.Category, Trend: *c.Trend, Current: c.Current})
		}
	}
	slices.SortStableFunc(b.AtRisk, func(x, y BriefRisk) int {
		return cmp.Or(cmp.Compare(x.Trend, y.Trend), cmp.Compare(x.Category, y.Category))
	})
	n := DayNumber(asOf)
	for _, inv := range in.Invoices {
		if inv.AccountID != a.ID || DayNumber(inv.InvoiceDate) > n || (!inv.PaidDate.IsZero() && DayNumber(inv.PaidDate) <= n) {
			continue
		}
		late := int(n - DayNumber(inv.DueDate))
		if late <= 0 {
			continue
		}
		b.Owed.Invoices = append(b.Owed.Invoices, OverdueInvoice{InvoiceID: inv.ID, Amount: inv.Amount,
			InvoiceDate: DateOf(inv.InvoiceDate), DueDate: DateOf(inv.DueDate), DaysPastDue: late})
	}
	slices.SortFunc(b.Owed.Invoices, func(x, y OverdueInvoice) int {
		return cmp.Or(cmp.Compare(y.DaysPastDue, x.DaysPastDue), cmp.Compare(y.Amount, x.Amount), cmp.Compare(x.InvoiceID, y.InvoiceID))
	})
	for _, inv := range b.Owed.Invoices {
		b.Owed.Amount += inv.Amount
	}
	name := func(string) string { return a.Name }
	var opps []Opportunity
	for _, o := range in.Opportunities {
		if o.AccountID == a.ID {
			opps = append(opps, o)
		}
	}
	b.Closing, b.ClosingMore, b.ClosingValue = closing(opps, asOf, name)
	for i := range in.Suggestions {
		s := &in.Suggestions[i]
		switch {
		case s.LeadWithValue && b.LeadWithValue == nil:
			b.LeadWithValue = s
		case !s.LeadWithValue && b.Trade == nil:
			b.Trade = s // suggestions come best first
		}
	}
	return b
}

// AtStake is what an account has at stake, as the digest weighs whitespace: Σ over its
// categories with a gap no open opportunity covers of the uncovered gap × the category's
// GP rate, times the weight of the account's tier ("" when it is not graded).
func AtStake(g AccountGap, tier string) float64 {
	var gp float64
	for _, c := range g.Categories {
		if c.Uncovered > 0 {
			gp += c.Uncovered * c.GPRate
		}
	}
	return gp * TierWeight(tier)
}

// LatestOffer is the competitor offer a brief shows among offers (the account's and
// the market-wide ones): the account's own before market-wide ones, then the most
// recently recorded (imported offers have no time and come after those recorded from
// chat), then by competitor and SKU. A market-wide offer counts only on a category of
// the account's gap, where the gap calls it contested. ok is false when there is none.
func LatestOffer(offers []CompetitorOffer, accountID string, categories map[string]bool, products map[string]Product) (CompetitorOffer, bool) {
	var cands []CompetitorOffer
	for _, o := range dedupeOffers(offers) {
		switch {
		case o.AccountID == accountID:
		case o.AccountID == "" && categories[products[o.SKU].Category]:
		default:
			continue
		}
		cands = append(cands, o)
	}
	if len(cands) == 0 {
		return CompetitorOffer{}, false
	}
	slices.SortFunc(cands, func(x, y CompetitorOffer) int {
		own := func(o CompetitorOffer) int {
			if o.AccountID != "" {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(own(x), own(y)), y.SetAt.Compare(x.SetAt),
			cmp.Compare(strings.ToLower(x.Competitor), strings.ToLower(y.Competitor)), cmp.Compare(x.SKU, y.SKU))
	})
	return cands[0], true
}

// PreviousGrading returns the territory's last stored grading before asOf; nil without
// Gradings or when none is stored.
func (g *Grades) PreviousGrading(ctx context.Context, territory string, asOf time.Time) (*Grading, error) {
	if g.Gradings == nil {
		return nil, nil
	}
	p, err := g.Gradings.PreviousGrading(ctx, territory, Day(asOf))
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("previous grading of %s: %w", territory, err)
	}
	return &p, nil
}
