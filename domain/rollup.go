package domain

import (
	"cmp"
	"maps"
	"slices"
	"sort"
	"strings"
)

// AccountLine is one account in a territory or market roll-up.
type AccountLine struct {
	AccountID string   `json:"account_id"`
	Name      string   `json:"name"`
	Territory string   `json:"territory"`
	Current   float64  `json:"current" money:"amount"`
	Potential float64  `json:"potential" money:"amount"`
	Gap       float64  `json:"gap" money:"amount"`
	GapGP     float64  `json:"gap_gp" money:"amount"`
	Uncovered float64  `json:"uncovered" money:"amount"`
	Trend     *float64 `json:"trend"`
	AtRisk    bool     `json:"at_risk"`
	// AtRiskCategories lists the categories at risk, biggest loss first.
	AtRiskCategories []string `json:"at_risk_categories,omitempty"`
}

// CategoryRollup is one category summed over many accounts; its totals' fields are
// inlined in JSON.
type CategoryRollup struct {
	Category string `json:"category"`
	GapTotals
	AtRiskAccounts int `json:"at_risk_accounts"`
}

// Rollup is the gap of a territory (or any set of accounts): totals, by category, and
// the accounts that matter most.
type Rollup struct {
	Territory  string           `json:"territory,omitempty"`
	AsOf       Date             `json:"as_of"`
	Accounts   int              `json:"accounts"`
	Totals     GapTotals        `json:"totals"`
	Categories []CategoryRollup `json:"categories"`
	// TopByGap and TopByUncovered are the accounts with the largest gap and the largest
	// gap without an open opportunity, largest first; AtRisk the accounts whose revenue
	// fell by 20% or more, steepest first.
	TopByGap       []AccountLine `json:"top_by_gap"`
	TopByUncovered []AccountLine `json:"top_by_uncovered"`
	AtRisk         []AccountLine `json:"at_risk"`
}

// RollupTop is how many accounts the top lists of a roll-up keep.
const RollupTop = 10

// ComputeRollup sums account gaps over a territory (name) or any set of accounts. The
// sums run in the order of gaps (the store's order of accounts) and of each gap's
// categories, so that the same gaps give the same bits.
func ComputeRollup(name string, asOf Date, gaps []AccountGap) Rollup {
	r := Rollup{Territory: name, AsOf: asOf, Accounts: len(gaps)}
	cats := map[string]*CategoryRollup{}
	lines := make([]AccountLine, 0, len(gaps))
	for _, g := range gaps {
		l := AccountLine{AccountID: g.AccountID, Name: g.Name, Territory: g.Territory,
			Current: g.Totals.Current, Potential: g.Totals.Potential, Gap: g.Totals.Gap,
			GapGP: g.Totals.GapGP, Uncovered: g.Totals.Uncovered, Trend: g.Trend, AtRisk: g.AtRisk}
		var risky []CategoryGap
		for _, c := range g.Categories {
			cr := cats[c.Category]
			if cr == nil {
				cr = &CategoryRollup{Category: c.Category}
				cats[c.Category] = cr
			}
			cr.add(c)
			if c.AtRisk {
				cr.AtRiskAccounts++
				risky = append(risky, c)
			}
			r.Totals.add(c)
		}
		sort.SliceStable(risky, func(i, j int) bool { return *risky[i].Trend < *risky[j].Trend })
		for _, c := range risky {
			l.AtRiskCategories = append(l.AtRiskCategories, c.Category)
		}
		lines = append(lines, l)
	}
	r.Totals.finish()
	r.Categories = make([]CategoryRollup, 0, len(cats))
	for _, name := range slices.Sorted(maps.Keys(cats)) {
		c := cats[name]
		c.finish()
		r.Categories = append(r.Categories, *c)
	}
	sort.SliceStable(r.Categories, func(i, j int) bool {
		a, b := r.Categories[i], r.Categories[j]
		if a.Gap != b.Gap {
			return a.Gap > b.Gap
		}
		return strings.ToLower(a.Category) < strings.ToLower(b.Category)
	})
	r.TopByGap = top(lines, func(l AccountLine) float64 { return l.Gap })
	r.TopByUncovered = top(lines, func(l AccountLine) float64 { return l.Uncovered })
	var risk []AccountLine
	for _, l := range lines {
		if l.AtRisk {
			risk = append(risk, l)
		}
	}
	sort.Slice(risk, func(i, j int) bool {
		if *risk[i].Trend != *risk[j].Trend {
			return *risk[i].Trend < *risk[j].Trend
		}
		return risk[i].AccountID < risk[j].AccountID
	})
	r.AtRisk = risk
	if r.AtRisk == nil {
		r.AtRisk = []AccountLine{}
	}
	return r
}

// top returns up to RollupTop lines with a positive key, largest first (ties by account
// id). It sorts keys and indexes, not the lines, which are large.
func top(lines []AccountLine, key func(AccountLine) float64) []AccountLine {
	type ranked struct {
		key float64
		i   int
	}
	var rs []ranked
	for i := range lines {
		if k := key(lines[i]); k > 0 {
			rs = append(rs, ranked{k, i})
		}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.key != b.key {
			return cmp.Compare(b.key, a.key)
		}
		return strings.Compare(lines[a.i].AccountID, lines[b.i].AccountID)
	})
	out := make([]AccountLine, 0, min(len(rs), RollupTop))
	for _, r := range rs[:min(len(rs), RollupTop)] {
		out = append(out, lines[r.i])
	}
	return out
}

// TerritoryShare is one territory's line in the market gap.
type TerritoryShare struct {
	Territory string  `json:"territory"`
	Accounts  int     `json:"accounts"`
	Current   float64 `json:"current" money:"amount"`
	Potential float64 `json:"potential" money:"amount"`
	Gap       float64 `json:"gap" money:"amount"`
	Share     float64 `json:"share"`
	GapGP     float64 `json:"gap_gp" money:"amount"`
	Uncovered float64 `json:"uncovered" money:"amount"`
}

// Market is the gap over every territory. Its totals' share (Σcurrent/Σpotential) is the
// share of our customers' wallet, not a market share: prospects are not counted.
type Market struct {
	Rollup
	Territories []TerritoryShare `json:"territories"`
}

// ComputeMarket rolls every account's gap up by territory and over the whole market.
func ComputeMarket(asOf Date, gaps []AccountGap) Market {
	m := Market{Rollup: ComputeRollup("", asOf, gaps)}
	byT := map[string]*TerritoryShare{}
	for _, g := range gaps {
		t := byT[g.Territory]
		if t == nil {
			t = &TerritoryShare{Territory: g.Territory}
			byT[g.Territory] = t
		}
		t.Accounts++
		t.Current += g.Totals.Current
		t.Potential += g.Totals.Potential
		t.Gap += g.Totals.Gap
		t.GapGP += g.Totals.GapGP
		t.Uncovered += g.Totals.Uncovered
	}
	m.Territories = make([]TerritoryShare, 0, len(byT))
	for _, name := range slices.Sorted(maps.Keys(byT)) {
		t := byT[name]
		t.Share = ratio(t.Current, t.Potential)
		m.Territories = append(m.Territories, *t)
	}
	sort.Slice(m.Territories, func(i, j int) bool {
		if m.Territories[i].Gap != m.Territories[j].Gap {
			return m.Territories[i].Gap > m.Territories[j].Gap
		}
		return m.Territories[i].Territory < m.Territories[j].Territory
	})
	return m
}
