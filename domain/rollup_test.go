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
	got := domain.ComputeRollup("North", "2026-11-27", gaps)
	a1 := domain.AccountLine{AccountID: "A1", Name: "Acme", Territory: "North", Current: 150, Potential: 450, Gap: 300,
		GapGP: 120, Uncovered: 250, Trend: ptr(-0.3), AtRisk: true, AtRiskCategories: []string{"Safety", "Fasteners"}}
	a2 := domain.AccountLine{AccountID: "A2", Name: "Bolt", Territory: "North", Current: 300, Potential: 600, Gap: 300, GapGP: 90}
	want := domain.Rollup{
		Territory: "North", AsOf: "2026-11-27", Accounts: 3,
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

	m := domain.ComputeMarket("2026-11-27", gaps)
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
	obj := &domain.Objective{Scope: domain.ScopeAccount, Key: "A1", Year: 2026, RevenueTarget: 365000, SetBy: "nora@example.com"}
	tests := []struct {
		name     string
		asOf     string
		obj      *domain.Objective
		ytd      float64
		want     domain.Growth
		wantNeed *float64
	}{
		{
			// 90 of 365 days: expected 90,000; pace 0.5; projection 45,000 × 365/90;
			// still to sell 320,000 over 12 × 275/365 months.
			name: "on an objective", asOf: "2026-03-31", obj: obj, ytd: 45000,
			want: domain.Growth{Scope: "account", Key: "A1", Name: "Acme", Year: 2026, AsOf: "2026-03-31",
				Target: 365000, SetBy: "nora@example.com", YTD: 45000, Elapsed: 90.0 / 365, Expected: 90000,
				Pace: ptr(0.5), Projection: 182500, NeededPerMonth: ptr(320000 * 365.0 / 3300), HasObjective: true,
				RevenueW: 150000, GapTotal: 50000},
		},
		{
			name: "last day of a leap year", asOf: "2024-12-31", obj: obj, ytd: 400000,
			want: domain.Growth{Scope: "account", Key: "A1", Name: "Acme", Year: 2024, AsOf: "2024-12-31",
				Target: 365000, SetBy: "nora@example.com", YTD: 400000, Elapsed: 1, Expected: 365000,
				Pace: ptr(400000.0 / 365000), Projection: 400000, HasObjective: true, RevenueW: 150000, GapTotal: 50000},
		},
		{
			name: "no objective", asOf: "2026-03-31", ytd: 45000,
			want: domain.Growth{Scope: "account", Key: "A1", Name: "Acme", Year: 2026, AsOf: "2026-03-31",
				YTD: 45000, Elapsed: 90.0 / 365, Projection: 182500, SuggestedTarget: 160000, RevenueW: 150000, GapTotal: 50000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.ComputeGrowth(domain.ScopeAccount, "A1", "Acme", date(t, tt.asOf), tt.obj, tt.ytd, 150000, 50000)
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
