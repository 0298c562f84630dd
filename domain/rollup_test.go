package domain_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

func TestComputeRollup(t *testing.T) {
	gaps := []domain.AccountGap{
		{AccountID: "A1", Name: "Acme", Territory: "North", Trend: ptr(-0.3), AtRisk: true,
			Categories: []domain.CategoryGap{
				{Category: "Fasteners", Current: 100, Potential: 400, Gap: 300, GapGP: 120, Pipeline: 50, WeightedPipeline: 25, Uncovered: 250, Trend: ptr(-0.25), AtRisk: true},
				{Category: "Safety", Current: 50, Potential: 50, Trend: ptr(-0.5), AtRisk: true},
			},
			Totals: domain.GapTotals{Current: 150, Potential: 450, Gap: 300, GapGP: 120, Pipeline: 50, WeightedPipeline: 25, Uncovered: 250}},
		{AccountID: "A2", Name: "Bolt", Territory: "North",
			Categories: []domain.CategoryGap{
				{Category: "Fasteners", Current: 300, Potential: 600, Gap: 300, GapGP: 90, Pipeline: 300, WeightedPipeline: 150},
			},
			Totals: domain.GapTotals{Current: 300, Potential: 600, Gap: 300, GapGP: 90, Pipeline: 300, WeightedPipeline: 150}},
		{AccountID: "A3", Name: "Calm", Territory: "South"},
	}
	got := domain.ComputeRollup("North", domain.NewDate(2026, 11, 27), gaps)
	a1 := domain.AccountLine{AccountID: "A1", Name: "Acme", Territory: "North", Current: 150, Potential: 450, Gap: 300,
		GapGP: 120, Uncovered: 250, Trend: ptr(-0.3), AtRisk: true, AtRiskCategories: []string{"Safety", "Fasteners"}}
	a2 := domain.AccountLine{AccountID: "A2", Name: "Bolt", Territory: "North", Current: 300, Potential: 600, Gap: 300, GapGP: 90}
	want := domain.Rollup{
		Territory: "North", AsOf: domain.NewDate(2026, 11, 27), Accounts: 3,
		Totals: domain.GapTotals{Current: 450, Potential: 1050, Gap: 600, Share: 450.0 / 1050, GapGP: 210, Pipeline: 350, WeightedPipeline: 175, Uncovered: 250},
		Categories: []domain.CategoryRollup{
			{Category: "Fasteners", GapTotals: domain.GapTotals{Current: 400, Potential: 1000, Gap: 600, Share: 0.4, GapGP: 210, Pipeline: 350, WeightedPipeline: 175, Uncovered: 250}, AtRiskAccounts: 1},
			{Category: "Safety", GapTotals: domain.GapTotals{Current: 50, Potential: 50, Share: 1}, AtRiskAccounts: 1},
		},
		TopByGap:       []domain.AccountLine{a1, a2}, // equal gaps: by id
		TopByUncovered: []domain.AccountLine{a1},
		AtRisk:         []domain.AccountLine{a1},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	m := domain.ComputeMarket(domain.NewDate(2026, 11, 27), gaps)
	wantT := []domain.TerritoryShare{
		{Territory: "North", Accounts: 2, Current: 450, Potential: 1050, Gap: 600, Share: 450.0 / 1050, GapGP: 210, Uncovered: 250},
		{Territory: "South", Accounts: 1},
	}
	if diff := cmp.Diff(wantT, m.Territories, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("market territories (-want +got):\n%s", diff)
	}
	if m.Totals.Share != 450.0/1050 {
		t.Errorf("share of wallet = %v", m.Totals.Share)
	}
}

func TestComputeGrowth(t *testing.T) {
	obj := &domain.Objective{Scope: domain.ScopeAccount, Key: "A1", Year: 2026, RevenueTarget: 365000, GPTarget: 100000, SetBy: "nora@example.com"}
	base := domain.Growth{Scope: "account", Key: "A1", Name: "Acme", RevenueW: 150000, GapTotal: 50000}
	with := func(g domain.Growth) domain.Growth {
		g.Scope, g.Key, g.Name, g.RevenueW, g.GapTotal = base.Scope, base.Key, base.Name, base.RevenueW, base.GapTotal
		return g
	}
	tests := []struct {
		name string
		asOf string
		year int
		obj  *domain.Objective
		ytd  float64 // and GP a third of it; last year 40,000
		last float64
		from string // the first day of the sales on file; "" unknown
		want domain.Growth
	}{
		{
			// 90 of 365 days: expected 90,000; pace 0.5; projection 45,000 × 365/90;
			// still to sell 320,000 over 12 × 275/365 months. 45,000 against 40,000 a
			// year earlier: +12.5%.
			name: "on an objective", asOf: "2026-03-31", obj: obj, ytd: 45000, last: 40000,
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 3, 31), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				YTD: 45000, GPYTD: 15000, YTDLastYear: 40000, YoY: ptr(0.125), Elapsed: 90.0 / 365, DaysLeft: 275, Expected: 90000,
				Pace: ptr(0.5), Projection: 182500, NeededPerMonth: ptr(320000 * 365.0 / 3300), HasObjective: true}),
		},
		{
			// 325 of 365 days: 40 left, fewer than 45. needed_per_month is computed as
			// before: 65,000 over 12 × 40/365 months.
			name: "40 days left", asOf: "2026-11-21", obj: obj, ytd: 300000, last: 40000,
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 11, 21), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				YTD: 300000, GPYTD: 100000, YTDLastYear: 40000, YoY: ptr(6.5), Elapsed: 325.0 / 365, DaysLeft: 40, Expected: 325000,
				Pace: ptr(300000.0 / 325000), Projection: 300000 * 365.0 / 325, NeededPerMonth: ptr(65000 * 365.0 / 480), HasObjective: true}),
		},
		{
			name: "31 December of a leap year: closed", asOf: "2024-12-31", obj: obj, ytd: 400000,
			want: with(domain.Growth{Year: 2024, AsOf: domain.NewDate(2024, 12, 31), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				YTD: 400000, GPYTD: 400000.0 / 3, Elapsed: 1, DaysLeft: 0, Expected: 365000,
				Pace: ptr(400000.0 / 365000), Projection: 400000, HasObjective: true}),
		},
		{
			// A past year is read as of its 31 December.
			name: "past year", asOf: "2026-03-31", year: 2025, obj: obj, ytd: 300000, last: 250000,
			want: with(domain.Growth{Year: 2025, AsOf: domain.NewDate(2025, 12, 31), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				YTD: 300000, GPYTD: 100000, YTDLastYear: 250000, YoY: ptr(0.2), Elapsed: 1, DaysLeft: 0, Expected: 365000,
				Pace: ptr(300000.0 / 365000), Projection: 300000, HasObjective: true}),
		},
		{
			name: "past year without an objective: no suggestion", asOf: "2026-03-31", year: 2025, ytd: 300000,
			want: with(domain.Growth{Year: 2025, AsOf: domain.NewDate(2025, 12, 31), YTD: 300000, GPYTD: 100000, Elapsed: 1, Projection: 300000}),
		},
		{
			// A year after the as-of date's shows its target only.
			name: "future year", asOf: "2026-03-31", year: 2027, obj: obj, ytd: 45000, last: 40000,
			want: with(domain.Growth{Year: 2027, AsOf: domain.NewDate(2026, 3, 31), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				DaysLeft: 365, HasObjective: true}),
		},
		{
			name: "future year without an objective: suggested for it", asOf: "2026-03-31", year: 2027,
			want: with(domain.Growth{Year: 2027, AsOf: domain.NewDate(2026, 3, 31), DaysLeft: 365, SuggestedTarget: 160000, SuggestedYear: 2027}),
		},
		{
			// Nothing a year earlier: yoy is null.
			name: "no objective", asOf: "2026-03-31", ytd: 45000,
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 3, 31), YTD: 45000, GPYTD: 15000, Elapsed: 90.0 / 365, DaysLeft: 275,
				Projection: 182500, SuggestedTarget: 160000, SuggestedYear: 2026}),
		},
		{
			// In the last quarter, the suggestion is for next year.
			name: "no objective in the last quarter", asOf: "2026-10-01", ytd: 45000, last: 45000,
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 10, 1), YTD: 45000, GPYTD: 15000, YTDLastYear: 45000, YoY: ptr(0.0),
				Elapsed: 274.0 / 365, DaysLeft: 91, Projection: 45000 * 365.0 / 274, SuggestedTarget: 160000, SuggestedYear: 2027}),
		},
		{
			// Sales on file begin in December of the year before: no comparison.
			name: "last year partly on file", asOf: "2026-03-31", obj: obj, ytd: 45000, last: 4000, from: "2025-12-01",
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 3, 31), Target: 365000, GPTarget: 100000, SetBy: "nora@example.com",
				YTD: 45000, GPYTD: 15000, YTDLastYear: 4000, LastYearFrom: domain.NewDate(2025, 12, 1), Elapsed: 90.0 / 365, DaysLeft: 275, Expected: 90000,
				Pace: ptr(0.5), Projection: 182500, NeededPerMonth: ptr(320000 * 365.0 / 3300), HasObjective: true}),
		},
		{
			// Sales on file from 1 January of the year before: compared.
			name: "last year wholly on file", asOf: "2026-03-31", ytd: 45000, last: 45000, from: "2025-01-01",
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 3, 31), YTD: 45000, GPYTD: 15000, YTDLastYear: 45000, YoY: ptr(0.0),
				Elapsed: 90.0 / 365, DaysLeft: 275, Projection: 182500, SuggestedTarget: 160000, SuggestedYear: 2026}),
		},
		{
			name: "no objective on 30 September", asOf: "2026-09-30", ytd: 45000,
			want: with(domain.Growth{Year: 2026, AsOf: domain.NewDate(2026, 9, 30), YTD: 45000, GPYTD: 15000,
				Elapsed: 273.0 / 365, DaysLeft: 92, Projection: 45000 * 365.0 / 273, SuggestedTarget: 160000, SuggestedYear: 2026}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.obj
			if o != nil && tt.year != 0 {
				c := *o
				c.Year = tt.year
				o = &c
			}
			in := domain.GrowthInput{Scope: domain.ScopeAccount, Key: "A1", Name: "Acme", AsOf: date(t, tt.asOf),
				Year: tt.year, Objective: o, YTD: tt.ytd, GPYTD: tt.ytd / 3, YTDLastYear: tt.last, RevenueW: 150000, Gap: 50000}
			if tt.from != "" {
				in.SalesFrom = date(t, tt.from)
			}
			got := domain.ComputeGrowth(in)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	ytd := domain.YearToDate(date(t, "2026-03-31"))
	if !ytd.Contains(date(t, "2026-01-01")) || ytd.Contains(date(t, "2025-12-31")) || !ytd.Contains(date(t, "2026-03-31")) {
		t.Errorf("YearToDate = %+v", ytd)
	}
}

func TestGrowthPeriods(t *testing.T) {
	tests := []struct {
		asOf                   string
		year                   int
		at, ytd, last, lastEnd string // ytd and last: the first day; lastEnd: last's last day
		ok                     bool
	}{
		{"2026-03-31", 2026, "2026-03-31", "2026-01-01", "2025-01-01", "2025-03-31", true},
		{"2024-02-29", 2024, "2024-02-29", "2024-01-01", "2023-01-01", "2023-02-28", true},
		{"2026-03-31", 2025, "2025-12-31", "2025-01-01", "2024-01-01", "2024-12-31", true},
		{"2026-03-31", 2027, "2026-03-31", "", "", "", false},
	}
	for _, tt := range tests {
		at, ytd, last, ok := domain.GrowthPeriods(date(t, tt.asOf), tt.year)
		if ok != tt.ok || at.Format(domain.DateLayout) != tt.at {
			t.Errorf("GrowthPeriods(%s, %d) = %s, %v; want %s, %v", tt.asOf, tt.year, at.Format(domain.DateLayout), ok, tt.at, tt.ok)
		}
		if !ok {
			continue
		}
		first := func(p domain.Period) string { return p.After.AddDate(0, 0, 1).Format(domain.DateLayout) }
		if first(ytd) != tt.ytd || !ytd.Through.Equal(at) || first(last) != tt.last || last.Through.Format(domain.DateLayout) != tt.lastEnd {
			t.Errorf("GrowthPeriods(%s, %d): ytd %+v, last year %+v", tt.asOf, tt.year, ytd, last)
		}
	}
}
