package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ptr(f float64) *float64 { return &f }

func TestGapPeriods(t *testing.T) {
	tests := []struct {
		asOf string
		want []string // after, through of W, r3, p3
	}{
		{"2026-11-27", []string{"2025-11-27", "2026-11-27", "2026-08-27", "2026-11-27", "2025-08-27", "2025-11-27"}},
		// Go's AddDate normalises 2023-02-29 to 2023-03-01, as DESIGN section 3 says.
		{"2024-02-29", []string{"2023-03-01", "2024-02-29", "2023-11-29", "2024-02-29", "2022-11-29", "2023-03-01"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range domain.GapPeriods(date(t, tt.asOf)) {
			got = append(got, p.After.Format(domain.DateLayout), p.Through.Format(domain.DateLayout))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GapPeriods(%s) (-want +got):\n%s", tt.asOf, diff)
		}
	}
	w := domain.Window(date(t, "2026-11-27"))
	for _, tt := range []struct {
		day  string
		want bool
	}{{"2025-11-27", false}, {"2025-11-28", true}, {"2026-11-27", true}, {"2026-11-28", false}} {
		if got := w.Contains(date(t, tt.day)); got != tt.want {
			t.Errorf("W contains %s = %v, want %v", tt.day, got, tt.want)
		}
	}
}

func TestNewGPRates(t *testing.T) {
	got := domain.NewGPRates([]domain.SalesTotal{
		{AccountID: "A", Key: "Fasteners", Period: 0, Revenue: 100, Cost: 60},
		{AccountID: "B", Key: "Fasteners", Period: 0, Revenue: 300, Cost: 200},
		{AccountID: "B", Key: "Safety", Period: 0, Revenue: 100, Cost: 90},
		{AccountID: "B", Key: "Safety", Period: 1, Revenue: 1000, Cost: 0}, // not W
		{AccountID: "C", Key: "Returns", Period: 0, Revenue: -50, Cost: -40},
	})
	want := domain.GPRates{ByCategory: map[string]float64{"Fasteners": 0.35, "Safety": 0.1}, Overall: 140.0 / 450}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestComputeAccountGap checks every rule of DESIGN section 3 "Gap (account)" on a
// hand-made account whose figures are worked out in the comments.
func TestComputeAccountGap(t *testing.T) {
	acme := domain.Account{ID: "A1", Name: "Acme", Territory: "North", Owner: "rita@example.com"}
	products := map[string]domain.Product{
		"F-1": {SKU: "F-1", Category: "Fasteners"},
		"S-1": {SKU: "S-1", Category: "Safety"},
		"W-1": {SKU: "W-1", Category: "Welding"},
	}
	const w, r3, p3 = 0, 1, 2
	in := domain.GapInput{
		Account: acme,
		AsOf:    date(t, "2026-11-27"),
		Sales: []domain.SalesTotal{
			// Fasteners: GP% 40%; last three months half of a year earlier: at risk.
			{AccountID: "A1", Key: "Fasteners", Period: w, Revenue: 10000, Cost: 6000},
			{AccountID: "A1", Key: "Fasteners", Period: r3, Revenue: 2000, Cost: 1200},
			{AccountID: "A1", Key: "Fasteners", Period: p3, Revenue: 4000, Cost: 2400},
			// Safety: bought more than its potential says; no sales a year earlier.
			{AccountID: "A1", Key: "Safety", Period: w, Revenue: 5000, Cost: 4000},
			{AccountID: "A1", Key: "Safety", Period: r3, Revenue: 1500, Cost: 1200},
			// Abrasives: bought, no potential row; down 10%, not at risk.
			{AccountID: "A1", Key: "Abrasives", Period: w, Revenue: 3000, Cost: 1500},
			{AccountID: "A1", Key: "Abrasives", Period: r3, Revenue: 900, Cost: 450},
			{AccountID: "A1", Key: "Abrasives", Period: p3, Revenue: 1000, Cost: 500},
			// Lost last year, nothing in W and no potential: not a category of the gap.
			{AccountID: "A1", Key: "Hydraulics", Period: p3, Revenue: 700, Cost: 300},
			// Another account's line is ignored.
			{AccountID: "B2", Key: "Fasteners", Period: w, Revenue: 99999, Cost: 1},
		},
		Potentials: []domain.Potential{
			{AccountID: "A1", Category: "Fasteners", AnnualPotential: 40000, Competitor: "Fastenal"},
			{AccountID: "A1", Category: "Safety", AnnualPotential: 4000, Competitor: "Grainger"},
			{AccountID: "A1", Category: "Welding", AnnualPotential: 8000},
			{AccountID: "A1", Category: "Xotic", AnnualPotential: 2000},
			{AccountID: "B2", Category: "Fasteners", AnnualPotential: 1e6},
		},
		Pipelines: domain.SumPipelines([]domain.Opportunity{
			{ID: "O1", AccountID: "A1", Category: "Fasteners", Value: 12000, Stage: "proposal", Probability: 0.5},
			{ID: "O2", AccountID: "A1", Category: "Fasteners", Value: 5000, Stage: "won", Probability: 1},
			{ID: "O3", AccountID: "A1", Category: "Welding", Value: 3000, Stage: "Lost"},
			{ID: "O4", AccountID: "A1", Category: "Welding", Value: 10000, Stage: "negotiation", Probability: 0.25},
			{ID: "O5", AccountID: "B2", Category: "Fasteners", Value: 7000, Stage: "proposal", Probability: 0.9},
		}),
		Offers: []domain.CompetitorOffer{
			{Competitor: "Fastenal", SKU: "F-1"},                  // market-wide
			{Competitor: "Grainger", SKU: "S-1", AccountID: "B2"}, // someone else's
			{Competitor: "Airgas", SKU: "W-1", AccountID: "A1"},
		},
		Products: products,
		// Welding was bought by others at 30%; nobody bought Xotic: the overall 33%.
		Rates: domain.GPRates{ByCategory: map[string]float64{"Fasteners": 0.35, "Safety": 0.25, "Abrasives": 0.45, "Welding": 0.30}, Overall: 0.33},
	}
	got := domain.ComputeAccountGap(in)
	want := domain.AccountGap{
		AccountID: "A1", Name: "Acme", Territory: "North", Owner: "rita@example.com", AsOf: domain.NewDate(2026, 11, 27),
		Categories: []domain.CategoryGap{
			{Category: "Fasteners", Current: 10000, Potential: 40000, PotentialSource: "estimate", Competitor: "Fastenal",
				Gap: 30000, Share: 0.25, GPRate: 0.4, GapGP: 12000, Pipeline: 12000, WeightedPipeline: 6000,
				Uncovered: 18000, Trend: ptr(-0.5), AtRisk: true, Contested: true},
			{Category: "Welding", Potential: 8000, PotentialSource: "estimate",
				Gap: 8000, GPRate: 0.30, GapGP: 2400, Pipeline: 10000, WeightedPipeline: 2500, Contested: true},
			{Category: "Xotic", Potential: 2000, PotentialSource: "estimate",
				Gap: 2000, GPRate: 0.33, GapGP: 660, Uncovered: 2000},
			{Category: "Abrasives", Current: 3000, Potential: 3000, PotentialSource: "none",
				Share: 1, GPRate: 0.5, Trend: ptr(-0.1)},
			{Category: "Safety", Current: 5000, Potential: 5000, PotentialSource: "understated", Competitor: "Grainger",
				Share: 1, GPRate: 0.2},
		},
		Totals: domain.GapTotals{Current: 18000, Potential: 58000, Gap: 40000, Share: 18000.0 / 58000,
			GapGP: 15060, Pipeline: 22000, WeightedPipeline: 8500, Uncovered: 20000},
		// 4,400 in the last three months against 5,700 a year earlier.
		Trend:  ptr((4400.0 - 5700) / 5700),
		AtRisk: true,
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestComputeAccountGapEmpty(t *testing.T) {
	got := domain.ComputeAccountGap(domain.GapInput{Account: domain.Account{ID: "A9"}, AsOf: date(t, "2026-11-27")})
	if len(got.Categories) != 0 || got.Totals != (domain.GapTotals{}) || got.Trend != nil || got.AtRisk {
		t.Errorf("an account with no sales and no potential: %+v", got)
	}
}

// TestComputeAccountGapSameBits computes one gap again and again: its sums must come out
// bit for bit the same each time, whatever order Go's maps range in.
func TestComputeAccountGapSameBits(t *testing.T) {
	in := domain.GapInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-11-27"),
		Rates: domain.GPRates{Overall: 0.3}}
	for i := range 40 {
		cat := fmt.Sprintf("Category %02d", i)
		v := 1000.1 + float64(i)*0.37 // values whose float sums depend on their order
		in.Sales = append(in.Sales,
			domain.SalesTotal{AccountID: "A1", Key: cat, Period: 0, Revenue: v, Cost: v * 0.61},
			domain.SalesTotal{AccountID: "A1", Key: cat, Period: 1, Revenue: v / 3.3, Cost: v / 7},
			domain.SalesTotal{AccountID: "A1", Key: cat, Period: 2, Revenue: v / 2.9, Cost: v / 6})
		in.Potentials = append(in.Potentials, domain.Potential{AccountID: "A1", Category: cat, AnnualPotential: v * 3.7})
		in.Pipelines = append(in.Pipelines, domain.Pipeline{AccountID: "A1", Category: cat, Value: v * 0.9, Weighted: v * 0.45})
	}
	want := domain.ComputeAccountGap(in)
	for range 50 {
		if diff := cmp.Diff(want, domain.ComputeAccountGap(in)); diff != "" {
			t.Fatalf("ComputeAccountGap differs from one run to the next (-first +later):\n%s", diff)
		}
	}
	gaps := []domain.AccountGap{want, want, want}
	wantMarket := domain.ComputeMarket(domain.NewDate(2026, 11, 27), gaps)
	for range 20 {
		if diff := cmp.Diff(wantMarket, domain.ComputeMarket(domain.NewDate(2026, 11, 27), gaps)); diff != "" {
			t.Fatalf("ComputeMarket differs from one run to the next (-first +later):\n%s", diff)
		}
	}
}
