package domain

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Tier weights rank the whitespace of a weekly digest: the gross profit of a gap that no
// open opportunity covers is multiplied by the weight of its account's tier, so that the
// next hour goes where it pays most. They follow each tier's place on the grade's 1–4
// scale (4/4, 3/4, 2/4, 1/4): a Business Build customer pays on time, takes what it
// commits to and invites us to quote, so its gap GP becomes true GP and the relationship
// lasts; an Operational Drain's GP is eaten by financing and carrying costs and it rarely
// invites us, so its whitespace counts a quarter — counted still, since a very large gap
// there can be worth the hour. An account without anything to grade in the last twelve
// months (a prospect) counts as much as a Convenient Sale: unknown, neither favoured nor
// written off.
const (
	TierWeightBusinessBuild    = 1.0
	TierWeightCoreCustomer     = 0.75
	TierWeightConvenientSale   = 0.5
	TierWeightOperationalDrain = 0.25
	TierWeightUngraded         = 0.5
)

// TierWeight returns the digest weight of a tier ("" for an ungraded account).
func TierWeight(tier string) float64 {
	switch tier {
	case TierBusinessBuild:
		return TierWeightBusinessBuild
	case TierCoreCustomer:
		return TierWeightCoreCustomer
	case TierConvenientSale:
		return TierWeightConvenientSale
	case TierOperationalDrain:
		return TierWeightOperationalDrain
	}
	return TierWeightUngraded
}

// Limits of a digest's lists.
const (
	// DigestTop is how many entries each list of a digest keeps.
	DigestTop = 5
	// DigestClosingDays is the window of the opportunities closing soon: expected close
	// date in (A, A + 30 days].
	DigestClosingDays = 30
	// DigestLateDays is how many days past its due date an invoice open at the as-of date
	// must be for its account to be a late payer.
	DigestLateDays = 30
)

// DigestSnapshot is what a territory's weekly digest keeps, so that the next one can say
// what changed: the totals and every graded account's tier.
type DigestSnapshot struct {
	Territory string `json:"territory"`
	// Week is the local date the digest was due: one snapshot per territory and week.
	Week      Date    `json:"week"`
	AsOf      Date    `json:"as_of"`
	Current   float64 `json:"current"`
	Potential float64 `json:"potential"`
	Gap       float64 `json:"gap"`
	Share     float64 `json:"share"`
	// Tiers are the tiers of the graded accounts, by account id.
	Tiers map[string]string `json:"tiers"`
	// CreatedAt is when the digest was built (by the bot's clock).
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// DigestChange is how the totals moved since the previous digest.
type DigestChange struct {
	Since     Date    `json:"since"` // the previous digest's week
	Current   float64 `json:"current" money:"amount"`
	Potential float64 `json:"potential" money:"amount"`
	Gap       float64 `json:"gap" money:"amount"`
	Share     float64 `json:"share"` // a difference of ratios: 0.01 is one percentage point
}

// Whitespace is one category of one account whose gap no open opportunity covers,
// ranked by its uncovered gross profit weighted by the account's tier.
type Whitespace struct {
	AccountID   string  `json:"account_id"`
	Name        string  `json:"name"`
	Tier        string  `json:"tier,omitempty"` // empty when the account is not graded
	Category    string  `json:"category"`
	Competitor  string  `json:"competitor,omitempty"`
	Gap         float64 `json:"gap" money:"amount"`
	Uncovered   float64 `json:"uncovered" money:"amount"`
	GPRate      float64 `json:"gp_rate"`
	UncoveredGP float64 `json:"uncovered_gp" money:"amount"` // uncovered × gp_rate
	Weight      float64 `json:"weight"`                      // TierWeight of the account's tier
	Score       float64 `json:"score" money:"amount"`        // uncovered_gp × weight
}

// ClosingOpportunity is an open opportunity expected to close in the next 30 days.
type ClosingOpportunity struct {
	OppID       string  `json:"opp_id"`
	AccountID   string  `json:"account_id"`
	AccountName string  `json:"account_name"`
	Name        string  `json:"name"`
	Category    string  `json:"category"`
	Value       float64 `json:"value" money:"amount"`
	Stage       string  `json:"stage"`
	Probability float64 `json:"probability"`
	CloseDate   Date    `json:"close_date"`
	DaysToClose int     `json:"days_to_close"`
	Competitor  string  `json:"competitor,omitempty"`
	NextStep    string  `json:"next_step,omitempty"`
}

// TierMove is an account whose tier changed since the previous digest.
type TierMove struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	From      string `json:"from"`
	To        string `json:"to"`
	Up        bool   `json:"up"`
}

// LatePayer is an account with invoices open at the as-of date more than 30 days past
// their due date.
type LatePayer struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Tier      string `json:"tier,omitempty"`
	Invoices  int    `json:"invoices"`
	// Overdue is Σ amount of those invoices; DaysLate the days past due of the oldest.
	Overdue  float64 `json:"overdue" money:"amount"`
	DaysLate int     `json:"days_late"`
	// FinancingCost is the cost so far: Σ amount × days late × cost of capital / 365,
	// every day late up to the as-of date counted (the grade's financing cost counts
	// only those inside W).
	FinancingCost float64 `json:"financing_cost" money:"amount"`
}

// DigestPace is the territory's pace against its objective for the year of the as-of
// date (see Growth).
type DigestPace struct {
	Year         int      `json:"year"`
	HasObjective bool     `json:"has_objective"`
	Target       float64  `json:"target,omitempty" money:"amount"`
	YTD          float64  `json:"ytd" money:"amount"`
	Expected     float64  `json:"expected,omitempty" money:"amount"`
	Pace         *float64 `json:"pace,omitempty"`
	// OnPace is true when year-to-date revenue is at least what the objective expects
	// by now; Behind is by how much it falls short otherwise.
	OnPace          bool     `json:"on_pace"`
	Behind          float64  `json:"behind" money:"amount"`
	Projection      float64  `json:"projection" money:"amount"`
	NeededPerMonth  *float64 `json:"needed_per_month,omitempty" money:"amount"`
	DaysLeft        int      `json:"days_left"`
	SuggestedTarget float64  `json:"suggested_target,omitempty" money:"amount"`
	SuggestedYear   int      `json:"suggested_year,omitempty"`
}

// DigestCategory is one category's current business and potential, for the chart.
type DigestCategory struct {
	Category  string  `json:"category"`
	Current   float64 `json:"current" money:"amount"`
	Potential float64 `json:"potential" money:"amount"`
	// Gap and Uncovered (the gap no open opportunity covers) are drawn in the chart.
	Gap       float64 `json:"gap" money:"amount"`
	Uncovered float64 `json:"uncovered" money:"amount"`
}

// Digest is a territory's weekly digest: where we stand, what changed since the previous
// digest, the whitespace worth the next hour, the opportunities closing soon, who moved
// tier, who pays late and what it costs, and the pace against the objective.
type Digest struct {
	Territory string    `json:"territory"`
	Week      Date      `json:"week"`
	AsOf      Date      `json:"as_of"`
	Accounts  int       `json:"accounts"`
	Totals    GapTotals `json:"totals"`
	// FirstDigest is true when no earlier snapshot exists: Change is nil and there are
	// no movers.
	FirstDigest bool          `json:"first_digest"`
	Change      *DigestChange `json:"change"`
	// Whitespace is the top uncovered gaps; WhitespaceMore counts the rest.
	Whitespace     []Whitespace `json:"whitespace"`
	WhitespaceMore int          `json:"whitespace_more"`
	// Closing is the biggest opportunities closing in the next 30 days; ClosingMore
	// counts the rest and ClosingValue sums the value of all of them.
	Closing      []ClosingOpportunity `json:"closing"`
	ClosingMore  int                  `json:"closing_more"`
	ClosingValue float64              `json:"closing_value" money:"amount"`
	// Movers are every account whose tier changed since the previous digest, down first.
	Movers []TierMove `json:"movers"`
	// LatePayers are the late payers with the biggest financing cost; LateMore counts
	// the rest.
	LatePayers []LatePayer `json:"late_payers"`
	LateMore   int         `json:"late_more"`
	Pace       DigestPace  `json:"pace"`
	// Categories are the territory's categories, largest potential first.
	Categories []DigestCategory `json:"categories"`

	tiers map[string]string
}

// DigestInput is what a territory's digest is computed from.
type DigestInput struct {
	Territory string
	Week      Date // the local date the digest is due
	AsOf      time.Time
	Rollup    Rollup       // the territory's gap roll-up at AsOf
	Gaps      []AccountGap // the gaps of the roll-up's accounts, for the uncovered categories
	// Grades are the grades of the territory's accounts at AsOf (others are ignored).
	Grades        []Grade
	Opportunities []Opportunity // the territory's
	Invoices      []Invoice     // the territory's
	Growth        Growth        // the territory's pace at AsOf
	Settings      GradeSettings // CostOfCapital prices late payments
	// Previous is the territory's latest snapshot before Week; nil for the first digest.
	Previous *DigestSnapshot
}

// BuildDigest computes a territory's weekly digest.
func BuildDigest(in DigestInput) Digest {
	asOf := Day(in.AsOf)
	d := Digest{Territory: in.Territory, Week: in.Week, AsOf: DateOf(asOf),
		Accounts: in.Rollup.Accounts, Totals: in.Rollup.Totals, FirstDigest: in.Previous == nil,
		Whitespace: []Whitespace{}, Closing: []ClosingOpportunity{}, Movers: []TierMove{},
		LatePayers: []LatePayer{}, Categories: []DigestCategory{}, tiers: map[string]string{}}

	names, tierOf := map[string]string{}, map[string]string{}
	for _, g := range in.Gaps {
		names[g.AccountID] = g.Name
	}
	for _, g := range in.Grades {
		if g.Territory != in.Territory {
			continue
		}
		names[g.AccountID] = g.Name
		if g.Graded {
			tierOf[g.AccountID] = g.Tier
			d.tiers[g.AccountID] = g.Tier
		}
	}
	name := func(id string) string {
		if n, ok := names[id]; ok && n != "" {
			return n
		}
		return id
	}

	if p := in.Previous; p != nil {
		d.Change = &DigestChange{Since: p.Week, Current: d.Totals.Current - p.Current,
			Potential: d.Totals.Potential - p.Potential, Gap: d.Totals.Gap - p.Gap, Share: d.Totals.Share - p.Share}
		d.Movers = movers(p.Tiers, tierOf, name)
	}
	d.Whitespace, d.WhitespaceMore = whitespace(in.Gaps, tierOf)
	d.Closing, d.ClosingMore, d.ClosingValue = closing(in.Opportunities, asOf, name)
	d.LatePayers, d.LateMore = latePayers(in.Invoices, asOf, in.Settings.CostOfCapital, tierOf, name)
	d.Pace = pace(in.Growth)
	for _, c := range in.Rollup.Categories {
		d.Categories = append(d.Categories, DigestCategory{Category: c.Category, Current: c.Current, Potential: c.Potential, Gap: c.Gap, Uncovered: c.Uncovered})
	}
	slices.SortStableFunc(d.Categories, func(a, b DigestCategory) int {
		return cmp.Or(cmp.Compare(b.Potential, a.Potential), cmp.Compare(strings.ToLower(a.Category), strings.ToLower(b.Category)))
	})
	return d
}

// Snapshot returns what the digest keeps for the next one; the caller sets CreatedAt.
func (d Digest) Snapshot() DigestSnapshot {
	marks := make(map[string]string, len(d.tiers))
	maps.Copy(marks, d.tiers)
	return DigestSnapshot{Territory: d.Territory, Week: d.Week, AsOf: d.AsOf, Current: d.Totals.Current,
		Potential: d.Totals.Potential, Gap: d.Totals.Gap, Share: d.Totals.Share, Tiers: marks}
}

// tierRank is a tier's place, best first; an unknown tier ranks below every known one.
func tierRank(tier string) int {
	if i := slices.Index(tiers, tier); i >= 0 {
		return i
	}
	return len(tiers)
}

// movers lists the accounts graded both then and now whose tier changed: down first,
// then the biggest moves, then by name.
func movers(then, now map[string]string, name func(string) string) []TierMove {
	out := []TierMove{}
	for id, from := range then {
		to, ok := now[id]
		if !ok || to == from {
			continue
		}
		out = append(out, TierMove{AccountID: id, Name: name(id), From: from, To: to, Up: tierRank(to) < tierRank(from)})
	}
	slices.SortFunc(out, func(a, b TierMove) int {
		if a.Up != b.Up {
			if !a.Up {
				return -1
			}
			return 1
		}
		da, db := abs(tierRank(a.To)-tierRank(a.From)), abs(tierRank(b.To)-tierRank(b.From))
		return cmp.Or(cmp.Compare(db, da), cmp.Compare(a.Name, b.Name), cmp.Compare(a.AccountID, b.AccountID))
	})
	return out
}

// whitespace ranks every uncovered category of every account by its uncovered gross
// profit weighted by the account's tier, and returns the top DigestTop and how many more
// there are.
func whitespace(gaps []AccountGap, tierOf map[string]string) ([]Whitespace, int) {
	all := RankWhitespace(gaps, tierOf)
	n := min(len(all), DigestTop)
	return all[:n:n], len(all) - n
}

// RankWhitespace returns every category of the gaps that no open opportunity covers,
// ranked by its uncovered gross profit weighted by the account's tier (tierOf, by
// account id; an account missing from it counts as ungraded), highest first: the
// digest's whitespace, and `top gaps`.
func RankWhitespace(gaps []AccountGap, tierOf map[string]string) []Whitespace {
	all := []Whitespace{}
	for _, g := range gaps {
		tier := tierOf[g.AccountID]
		w := TierWeight(tier)
		for _, c := range g.Categories {
			if c.Uncovered <= 0 {
				continue
			}
			gp := c.Uncovered * c.GPRate
			all = append(all, Whitespace{AccountID: g.AccountID, Name: g.Name, Tier: tier, Category: c.Category,
				Competitor: c.Competitor, Gap: c.Gap, Uncovered: c.Uncovered, GPRate: c.GPRate, UncoveredGP: gp,
				Weight: w, Score: gp * w})
		}
	}
	slices.SortFunc(all, func(a, b Whitespace) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Uncovered, a.Uncovered),
			cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Category, b.Category))
	})
	return all
}

// closing returns the biggest open opportunities expected to close in (asOf, asOf + 30
// days], how many more there are and the value of all of them.
func closing(opps []Opportunity, asOf time.Time, name func(string) string) ([]ClosingOpportunity, int, float64) {
	all := closingWithin(opps, asOf, DigestClosingDays, name)
	var total float64 // summed in the store's order, as the digest always has
	for _, o := range all {
		total += o.Value
	}
	slices.SortFunc(all, func(a, b ClosingOpportunity) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), a.CloseDate.Compare(b.CloseDate), cmp.Compare(a.OppID, b.OppID))
	})
	n := min(len(all), DigestTop)
	return all[:n:n], len(all) - n, total
}

// ClosingWithin returns the open opportunities expected to close in (asOf, asOf + days],
// soonest first (then the biggest), each with its account's name (name, by account id).
func ClosingWithin(opps []Opportunity, asOf time.Time, days int, name func(string) string) []ClosingOpportunity {
	all := closingWithin(opps, asOf, days, name)
	slices.SortFunc(all, func(a, b ClosingOpportunity) int {
		return cmp.Or(a.CloseDate.Compare(b.CloseDate), cmp.Compare(b.Value, a.Value), cmp.Compare(a.OppID, b.OppID))
	})
	return all
}

// closingWithin is ClosingWithin in the order of opps.
func closingWithin(opps []Opportunity, asOf time.Time, days int, name func(string) string) []ClosingOpportunity {
	window := Period{After: asOf, Through: asOf.AddDate(0, 0, days)}
	all := []ClosingOpportunity{}
	for _, o := range opps {
		if !o.Open() || o.CloseDate.IsZero() || !window.Contains(Day(o.CloseDate)) {
			continue
		}
		all = append(all, ClosingOpportunity{OppID: o.ID, AccountID: o.AccountID, AccountName: name(o.AccountID),
			Name: o.Name, Category: o.Category, Value: o.Value, Stage: o.Stage, Probability: o.Probability,
			CloseDate: DateOf(o.CloseDate), DaysToClose: int(DayNumber(o.CloseDate) - DayNumber(asOf)),
			Competitor: o.Competitor, NextStep: o.NextStep})
	}
	return all
}

// latePayers returns the accounts with invoices open at asOf more than DigestLateDays
// past due, biggest financing cost first: the top DigestTop and how many more there are.
func latePayers(invoices []Invoice, asOf time.Time, rate float64, tierOf map[string]string, name func(string) string) ([]LatePayer, int) {
	all := LatePayers(invoices, asOf, DigestLateDays, rate, tierOf, name)
	n := min(len(all), DigestTop)
	return all[:n:n], len(all) - n
}

// LatePayers returns the accounts with invoices open at asOf more than minDaysLate days
// past due, biggest financing cost first (rate is the cost of capital; tierOf and name
// by account id). An invoice is open at asOf when it is dated on or before it and was
// not paid by then (paid later, or not yet): as in the grade, what happened after the
// as-of date is not used.
func LatePayers(invoices []Invoice, asOf time.Time, minDaysLate int, rate float64, tierOf map[string]string, name func(string) string) []LatePayer {
	a := DayNumber(asOf)
	by := map[string]*LatePayer{}
	for _, inv := range invoices {
		if DayNumber(inv.InvoiceDate) > a || (!inv.PaidDate.IsZero() && DayNumber(inv.PaidDate) <= a) {
			continue
		}
		late := a - DayNumber(inv.DueDate)
		if late <= int64(minDaysLate) {
			continue
		}
		p := by[inv.AccountID]
		if p == nil {
			p = &LatePayer{AccountID: inv.AccountID, Name: name(inv.AccountID), Tier: tierOf[inv.AccountID]}
			by[inv.AccountID] = p
		}
		p.Invoices++
		p.Overdue += inv.Amount
		p.DaysLate = max(p.DaysLate, int(late))
		p.FinancingCost += inv.Amount * float64(late) * rate / 365
	}
	all := make([]LatePayer, 0, len(by))
	for _, p := range by {
		all = append(all, *p)
	}
	slices.SortFunc(all, func(x, y LatePayer) int {
		return cmp.Or(cmp.Compare(y.FinancingCost, x.FinancingCost), cmp.Compare(y.Overdue, x.Overdue), cmp.Compare(x.AccountID, y.AccountID))
	})
	return all
}

// pace reads the territory's growth as a digest line.
func pace(g Growth) DigestPace {
	p := DigestPace{Year: g.Year, HasObjective: g.HasObjective, Target: g.Target, YTD: g.YTD, Expected: g.Expected,
		Pace: g.Pace, Projection: g.Projection, NeededPerMonth: g.NeededPerMonth, DaysLeft: g.DaysLeft,
		SuggestedTarget: g.SuggestedTarget, SuggestedYear: g.SuggestedYear}
	if g.HasObjective {
		p.OnPace = g.YTD >= g.Expected
		p.Behind = max(0, g.Expected-g.YTD)
	}
	return p
}

// TerritoryAccountGaps returns the gap of each of the territory's accounts at asOf (the
// digest ranks their uncovered categories), and keeps their roll-up for TerritoryGap, so
// that a digest reads the territory once.
func (g *Gaps) TerritoryAccountGaps(ctx context.Context, territory string, asOf time.Time) ([]AccountGap, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return nil, err
	}
	gaps, err := g.compute(ctx, c, ForTerritory(territory))
	if err != nil {
		return nil, fmt.Errorf("gaps of %s: %w", territory, err)
	}
	r := ComputeRollup(territory, DateOf(c.asOf), gaps)
	g.mu.Lock()
	if _, ok := c.rollups[territory]; !ok {
		c.rollups[territory] = r
	}
	g.mu.Unlock()
	return gaps, nil
}

// CheckDigestSnapshot returns EINVALID when snap cannot be stored: no territory, week or
// time it was made. Every store checks a snapshot with it.
func CheckDigestSnapshot(snap DigestSnapshot) error {
	switch {
	case snap.Territory == "":
		return Errorf(EINVALID, "a digest snapshot needs a territory")
	case snap.Week.IsZero():
		return Errorf(EINVALID, "a digest snapshot needs its week")
	case snap.CreatedAt.IsZero():
		return Errorf(EINVALID, "a digest snapshot needs the time it was made")
	}
	return nil
}
