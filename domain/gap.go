package domain

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// Potential sources: where a category's effective potential came from.
const (
	PotentialEstimate    = "estimate"    // potential.csv's annual_potential
	PotentialUnderstated = "understated" // annual_potential was below our sales: raised to them
	PotentialNone        = "none"        // no row: potential = current, the rep should estimate it
)

// AtRiskTrend is the trend at or below which a category with prior-year sales is at risk.
const AtRiskTrend = -0.20

// GapPeriods returns the periods a gap needs, in this order: W, the last three months
// (A−3 months, A], and the same three months a year earlier (A−15 months, A−12 months].
func GapPeriods(asOf time.Time) []Period {
	a := Day(asOf)
	return []Period{
		Window(a),
		{After: a.AddDate(0, -3, 0), Through: a},
		{After: a.AddDate(0, -15, 0), Through: a.AddDate(0, -12, 0)},
	}
}

// Indexes of GapPeriods.
const (
	periodW = iota
	periodR3
	periodP3
)

// GPRates are the company-wide gross-profit rates over W that a gap falls back on for a
// category the account did not buy: per category, and over everything.
type GPRates struct {
	ByCategory map[string]float64
	Overall    float64
}

// NewGPRates computes the company-wide rates from per-category totals over W (Key is the
// category; other periods are ignored). A category whose revenue is not positive has no
// rate of its own.
func NewGPRates(totals []SalesTotal) GPRates {
	type sum struct{ rev, cost float64 }
	byCat := map[string]*sum{}
	var all sum
	for _, t := range totals {
		if t.Period != periodW {
			continue
		}
		s := byCat[t.Key]
		if s == nil {
			s = &sum{}
			byCat[t.Key] = s
		}
		s.rev += t.Revenue
		s.cost += t.Cost
		all.rev += t.Revenue
		all.cost += t.Cost
	}
	r := GPRates{ByCategory: map[string]float64{}}
	for c, s := range byCat {
		if s.rev > 0 {
			r.ByCategory[c] = (s.rev - s.cost) / s.rev
		}
	}
	if all.rev > 0 {
		r.Overall = (all.rev - all.cost) / all.rev
	}
	return r
}

// CategoryGap is one category of an account's gap, with the field names of DESIGN
// section 3.
type CategoryGap struct {
	Category         string   `json:"category"`
	Current          float64  `json:"current" money:"amount"`
	Potential        float64  `json:"potential" money:"amount"`
	PotentialSource  string   `json:"potential_source"`
	Competitor       string   `json:"competitor,omitempty"`
	Gap              float64  `json:"gap" money:"amount"`
	Share            float64  `json:"share"`
	GPRate           float64  `json:"gp_rate"`
	GapGP            float64  `json:"gap_gp" money:"amount"`
	Pipeline         float64  `json:"pipeline" money:"amount"`
	WeightedPipeline float64  `json:"weighted_pipeline" money:"amount"`
	Uncovered        float64  `json:"uncovered" money:"amount"`
	Trend            *float64 `json:"trend"` // nil when there were no sales a year earlier
	AtRisk           bool     `json:"at_risk"`
	Contested        bool     `json:"contested"`
}

// GapTotals sums the categories of a gap; Share is Σcurrent/Σpotential.
type GapTotals struct {
	Current          float64 `json:"current" money:"amount"`
	Potential        float64 `json:"potential" money:"amount"`
	Gap              float64 `json:"gap" money:"amount"`
	Share            float64 `json:"share"`
	GapGP            float64 `json:"gap_gp" money:"amount"`
	Pipeline         float64 `json:"pipeline" money:"amount"`
	WeightedPipeline float64 `json:"weighted_pipeline" money:"amount"`
	Uncovered        float64 `json:"uncovered" money:"amount"`
}

func (t *GapTotals) add(c CategoryGap) {
	t.Current += c.Current
	t.Potential += c.Potential
	t.Gap += c.Gap
	t.GapGP += c.GapGP
	t.Pipeline += c.Pipeline
	t.WeightedPipeline += c.WeightedPipeline
	t.Uncovered += c.Uncovered
}

func (t *GapTotals) finish() { t.Share = ratio(t.Current, t.Potential) }

// AccountGap is the business we have at an account next to the business still to win,
// category by category, sorted by gap (largest first).
type AccountGap struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Territory string `json:"territory"`
	Owner     string `json:"owner,omitempty"`
	// Industry is the account's, for the deal suggestions' best sellers (not in the
	// gap's JSON, which names the account without it).
	Industry   string        `json:"-"`
	AsOf       Date          `json:"as_of"`
	Categories []CategoryGap `json:"categories"`
	Totals     GapTotals     `json:"totals"`
	// Trend of the account's whole revenue, last three months against the same months a
	// year earlier; nil without prior-year sales.
	Trend  *float64 `json:"trend"`
	AtRisk bool     `json:"at_risk"`
}

// GapInput is what one account's gap is computed from.
type GapInput struct {
	Account    Account
	AsOf       time.Time
	Sales      []SalesTotal // this account's, per category, over GapPeriods(AsOf)
	Potentials []Potential
	Pipelines  []Pipeline        // open opportunities per category: SumPipelines
	Offers     []CompetitorOffer // this account's and the market-wide ones
	Products   map[string]Product
	Rates      GPRates
}

// ComputeAccountGap computes the gap of DESIGN section 3 "Gap (account)".
func ComputeAccountGap(in GapInput) AccountGap {
	type sums struct{ rev, cost [3]float64 }
	sales := map[string]*sums{}
	for _, s := range in.Sales {
		if s.AccountID != in.Account.ID || s.Period < 0 || s.Period > periodP3 {
			continue
		}
		v := sales[s.Key]
		if v == nil {
			v = &sums{}
			sales[s.Key] = v
		}
		v.rev[s.Period] += s.Revenue
		v.cost[s.Period] += s.Cost
	}
	pots := map[string]Potential{}
	for _, p := range in.Potentials {
		if p.AccountID == in.Account.ID {
			pots[p.Category] = p
		}
	}
	contested := map[string]bool{}
	for _, o := range in.Offers {
		if o.AccountID != "" && o.AccountID != in.Account.ID {
			continue
		}
		if p, ok := in.Products[o.SKU]; ok {
			contested[p.Category] = true
		}
	}
	pipeline, weighted := map[string]float64{}, map[string]float64{}
	for _, p := range in.Pipelines {
		if p.AccountID == in.Account.ID {
			pipeline[p.Category] += p.Value
			weighted[p.Category] += p.Weighted
		}
	}

	cats := map[string]bool{}
	for c := range pots {
		cats[c] = true
	}
	for c, s := range sales {
		if s.rev[periodW] != 0 {
			cats[c] = true
		}
	}
	out := AccountGap{
		AccountID: in.Account.ID, Name: in.Account.Name, Territory: in.Account.Territory,
		Owner: in.Account.Owner, Industry: in.Account.Industry, AsOf: DateOf(in.AsOf),
		Categories: make([]CategoryGap, 0, len(cats)),
	}
	// Sums run over the categories in name order, so that the same data gives the same
	// bits (a map's order changes from one range to the next).
	var r3, p3 float64
	for _, c := range slices.Sorted(maps.Keys(sales)) {
		r3 += sales[c].rev[periodR3]
		p3 += sales[c].rev[periodP3]
	}
	out.Trend, out.AtRisk = trend(r3, p3)
	for _, c := range slices.Sorted(maps.Keys(cats)) {
		s := sales[c]
		if s == nil {
			s = &sums{}
		}
		g := CategoryGap{Category: c, Current: s.rev[periodW]}
		if p, ok := pots[c]; ok {
			g.Competitor = p.Competitor
			g.Potential, g.PotentialSource = p.AnnualPotential, PotentialEstimate
			if p.AnnualPotential < g.Current {
				g.Potential, g.PotentialSource = g.Current, PotentialUnderstated
			}
		} else {
			g.Potential, g.PotentialSource = g.Current, PotentialNone
		}
		g.Gap = g.Potential - g.Current
		g.Share = ratio(g.Current, g.Potential)
		switch rate, ok := in.Rates.ByCategory[c]; {
		case s.rev[periodW] > 0:
			g.GPRate = (s.rev[periodW] - s.cost[periodW]) / s.rev[periodW]
		case ok:
			g.GPRate = rate
		default:
			g.GPRate = in.Rates.Overall
		}
		g.GapGP = g.Gap * g.GPRate
		g.Pipeline, g.WeightedPipeline = pipeline[c], weighted[c]
		g.Uncovered = max(0, g.Gap-g.Pipeline)
		g.Trend, g.AtRisk = trend(s.rev[periodR3], s.rev[periodP3])
		g.Contested = contested[c]
		out.Categories = append(out.Categories, g)
		out.Totals.add(g)
	}
	out.Totals.finish()
	sortByGap(out.Categories)
	return out
}

// trend returns (r3 − p3)/p3 and whether it marks the business at risk; nil and false
// when p3 is not positive.
func trend(r3, p3 float64) (*float64, bool) {
	if p3 <= 0 {
		return nil, false
	}
	t := (r3 - p3) / p3
	return &t, t <= AtRiskTrend
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func sortByGap(cs []CategoryGap) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Gap != cs[j].Gap {
			return cs[i].Gap > cs[j].Gap
		}
		if a, b := strings.ToLower(cs[i].Category), strings.ToLower(cs[j].Category); a != b {
			return a < b
		}
		return cs[i].Category < cs[j].Category
	})
}
