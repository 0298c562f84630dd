package domain

import "time"

// SuggestedGrowth is the share of the gap a suggested objective adds to the last twelve
// months' revenue.
const SuggestedGrowth = 0.20

// Growth is the pace of an account or territory against its objective for the year of
// the as-of date, with the field names of DESIGN section 3. Without an objective it
// carries a suggested target instead.
type Growth struct {
	Scope          ObjectiveScope `json:"scope"`
	Key            string         `json:"key"`
	Name           string         `json:"name"`
	Year           int            `json:"year"`
	AsOf           string         `json:"as_of"`
	Target         float64        `json:"target,omitempty" money:"amount"`
	GPTarget       float64        `json:"gp_target,omitempty" money:"amount"`
	SetBy          string         `json:"set_by,omitempty"`
	YTD            float64        `json:"ytd" money:"amount"`
	Elapsed        float64        `json:"elapsed"`
	Expected       float64        `json:"expected,omitempty" money:"amount"`
	Pace           *float64       `json:"pace,omitempty"`
	Projection     float64        `json:"projection" money:"amount"`
	NeededPerMonth *float64       `json:"needed_per_month,omitempty" money:"amount"`
	HasObjective   bool           `json:"has_objective"`
	// Without an objective: revenue over W plus 20% of the gap.
	SuggestedTarget float64 `json:"suggested_target,omitempty" money:"amount"`
	RevenueW        float64 `json:"revenue_w" money:"amount"`
	GapTotal        float64 `json:"gap" money:"amount"`
}

// YearToDate returns the period from 1 January of the as-of date's year to the as-of
// date, both included.
func YearToDate(asOf time.Time) Period {
	a := Day(asOf)
	return Period{After: time.Date(a.Year(), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1), Through: a}
}

// ComputeGrowth computes DESIGN section 3 "Growth". obj may be nil. ytd is the revenue of
// YearToDate(asOf), revenueW the revenue over W and gap the total gap (for the suggestion).
func ComputeGrowth(scope ObjectiveScope, key, name string, asOf time.Time, obj *Objective, ytd, revenueW, gap float64) Growth {
	a := Day(asOf)
	jan1 := time.Date(a.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	daysInYear := time.Date(a.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(jan1).Hours() / 24
	elapsedDays := a.Sub(jan1).Hours()/24 + 1
	g := Growth{Scope: scope, Key: key, Name: name, Year: a.Year(), AsOf: a.Format(DateLayout),
		YTD: ytd, Elapsed: elapsedDays / daysInYear, RevenueW: revenueW, GapTotal: gap}
	g.Projection = g.YTD / g.Elapsed
	if obj == nil {
		g.SuggestedTarget = revenueW + SuggestedGrowth*gap
		return g
	}
	g.HasObjective = true
	g.Target, g.GPTarget, g.SetBy = obj.RevenueTarget, obj.GPTarget, obj.SetBy
	g.Expected = g.Target * g.Elapsed
	if g.Expected > 0 {
		p := g.YTD / g.Expected
		g.Pace = &p
	}
	if g.Elapsed < 1 {
		n := (g.Target - g.YTD) / (12 * (1 - g.Elapsed))
		g.NeededPerMonth = &n
	}
	return g
}
