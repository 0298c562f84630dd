package domain_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

func f(v float64) *float64 { return &v }

func TestComputeDeal(t *testing.T) {
	// X: revenue 10,000, GP 3,000 (30%). Y: list 50, unit cost 35 (unit GP 15).
	in := domain.DealInput{RevenueX: 10000, GPX: 3000, UnitCostY: 35, ListPriceY: 50}
	tests := []struct {
		name  string
		terms domain.DealTerms
		want  domain.Deal
	}{
		{"5% for 12 months, 100 once",
			domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 12, Qty: 100, Y: "W-1"},
			// concession .05 × 10,000; volume .05/(.30 − .05); gain 100 × 15.
			domain.Deal{Concession: 500, RequiredVolumeIncrease: f(0.2), PriceY: 50, UnitGPY: 15, Gain: 1500, Net: 1000,
				BreakEvenQty: f(500.0 / 15), Verdict: domain.VerdictAccretive}},
		{"yearly over 6 months",
			domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 6, Qty: 100, Y: "W-1", Yearly: true},
			// concession .05 × 10,000 × 6/12; gain 100 × 15 × 6/12; break-even 250/(15 × 0.5).
			domain.Deal{Concession: 250, RequiredVolumeIncrease: f(0.2), PriceY: 50, UnitGPY: 15, Gain: 750, Net: 500,
				BreakEvenQty: f(250 / 7.5), Verdict: domain.VerdictAccretive}},
		{"the discount is the whole margin",
			domain.DealTerms{Discount: 0.30, X: "Gloves", Months: 12, Qty: 100, Y: "W-1"},
			domain.Deal{Concession: 3000, PriceY: 50, UnitGPY: 15, Gain: 1500, Net: -1500,
				BreakEvenQty: f(200), Verdict: domain.VerdictDilutive}},
		{"more than the margin",
			domain.DealTerms{Discount: 0.35, X: "Gloves", Months: 12, Qty: 300, Y: "W-1"},
			domain.Deal{Concession: 3500, PriceY: 50, UnitGPY: 15, Gain: 4500, Net: 1000,
				BreakEvenQty: f(3500.0 / 15), Verdict: domain.VerdictAccretive}},
		{"custom price",
			domain.DealTerms{Discount: 0.02, X: "Gloves", Months: 12, Qty: 10, Y: "W-1", PriceY: 45},
			domain.Deal{Concession: 200, RequiredVolumeIncrease: f(0.02 / 0.28), PriceY: 45, UnitGPY: 10, Gain: 100, Net: -100,
				BreakEvenQty: f(20), Verdict: domain.VerdictDilutive}},
		{"price below cost: computed, no break-even",
			domain.DealTerms{Discount: 0.02, X: "Gloves", Months: 12, Qty: 10, Y: "W-1", PriceY: 30},
			domain.Deal{Concession: 200, RequiredVolumeIncrease: f(0.02 / 0.28), PriceY: 30, UnitGPY: -5, Gain: -50, Net: -250,
				Verdict: domain.VerdictDilutive}},
		{"net exactly 0 is not accretive",
			domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 12, Qty: 100, Y: "W-1", PriceY: 40},
			domain.Deal{Concession: 500, RequiredVolumeIncrease: f(0.2), PriceY: 40, UnitGPY: 5, Gain: 500, Net: 0,
				BreakEvenQty: f(100), Verdict: domain.VerdictDilutive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ComputeDeal(tt.terms, in)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Terms, want.RevenueX, want.GPX, want.MarginX, want.UnitCostY = tt.terms, 10000, 3000, 0.3, 35
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	for _, tt := range []struct {
		name  string
		terms domain.DealTerms
		in    domain.DealInput
		want  string
	}{
		{"zero discount", domain.DealTerms{Discount: 0, Months: 12, Qty: 1}, in, "more than 0% and less than 100%, not 0%"},
		{"100%", domain.DealTerms{Discount: 1, Months: 12, Qty: 1}, in, "not 100%"},
		{"negative quantity", domain.DealTerms{Discount: 0.05, Months: 12, Qty: -5, Y: "W-1"}, in, "The quantity of W-1 must be more than 0."},
		{"no term", domain.DealTerms{Discount: 0.05, Months: 0, Qty: 5}, in, "at least one month"},
		{"nothing bought", domain.DealTerms{Discount: 0.05, X: "Masks", Months: 12, Qty: 5}, domain.DealInput{ListPriceY: 50}, "They bought no Masks in the last 12 months"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.ComputeDeal(tt.terms, tt.in)
			if domain.ErrorCode(err) != domain.EINVALID || !contains(domain.ErrorMessage(err), tt.want) {
				t.Errorf("err = %v, want EINVALID with %q", err, tt.want)
			}
		})
	}
}

func TestComputeCostPerUse(t *testing.T) {
	p := domain.Product{SKU: "G-1", ListPrice: 12.5, UnitCost: 7, UsesPerUnit: 100, UnitOfUse: "pair"}
	offer := domain.CompetitorOffer{Competitor: "Rival", SKU: "G-1", Price: 10, UsesPerUnit: 90, ChangeCost: 50, Weaknesses: "tears"}
	// The account bought 200 boxes for 2,300: 11.50 a box, 0.115 a use. Theirs:
	// (10 + 50)/90. Uses a year 200 × 100. Parity: at 66.67 a box ours costs what
	// theirs does a use, their change-over counted once.
	got := domain.ComputeCostPerUse(domain.CPUInput{AccountID: "A1", Product: p, Quantity: 200, Revenue: 2300}, offer)
	theirs := 60.0 / 90
	want := domain.CostPerUse{AccountID: "A1", SKU: "G-1", Competitor: "Rival", Weaknesses: "tears",
		PriceOurs: 11.5, PriceSource: "account", UsesOurs: 100, PriceTheirs: 10, UsesTheirs: 90, ChangeCost: 50,
		CPUOurs: 0.115, CPUTheirs: theirs, AnnualUses: 20000, Savings: (theirs - 0.115) * 20000,
		ParityPrice: theirs * 100, UnitOfUse: "pair"}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !got.Beats() {
		t.Error("Beats = false")
	}
	// Never bought: the list price, no uses a year; no uses per unit anywhere: 1 each.
	got = domain.ComputeCostPerUse(domain.CPUInput{AccountID: "A1", Product: domain.Product{SKU: "M-1", ListPrice: 3}},
		domain.CompetitorOffer{Competitor: "Other", SKU: "M-1", Price: 2.5})
	if got.PriceSource != "list" || got.CPUOurs != 3 || got.CPUTheirs != 2.5 || got.AnnualUses != 0 || got.Savings != 0 ||
		!got.UsesAssumed || got.ParityPrice != 2.5 || got.Beats() {
		t.Errorf("without sales or uses: %+v", got)
	}
}

func TestSuggest(t *testing.T) {
	gap := domain.AccountGap{AccountID: "A1", Categories: []domain.CategoryGap{
		{Category: "A", Current: 10000, Potential: 10000, GPRate: 0.3},
		{Category: "B", Potential: 8000, Gap: 8000, GapGP: 2400, Uncovered: 8000},
		{Category: "C", Current: 2000, Potential: 3000, Gap: 1000, GapGP: 50, GPRate: 0.05, Uncovered: 1000},
	}}
	products := map[string]domain.Product{
		"A-1": {SKU: "A-1", Category: "A", ListPrice: 20, UnitCost: 14},
		"B-1": {SKU: "B-1", Category: "B", ListPrice: 40, UnitCost: 28},
		"B-2": {SKU: "B-2", Category: "B", ListPrice: 30, UnitCost: 20},
		"C-1": {SKU: "C-1", Category: "C", ListPrice: 10, UnitCost: 9.5},
	}
	in := domain.SuggestInput{Gap: gap, GPByCategory: map[string]float64{"A": 3000, "C": 100},
		BestSKU: map[string]string{"A": "A-1", "B": "B-1", "C": "C-1"}, Products: products}
	got := domain.Suggest(in, domain.DefaultDealSettings())
	// Y = B first (gap GP 2,400): B-1, a yearly first order of ceil(.25 × 8,000 / 40) =
	// 50 (gain 50 × 12 = 600). X = A earns 30%: 2%, 3%, 5% cost 200, 300, 500. X = C
	// earns 5%: only 2% (5% > 2 × 2%) qualifies and costs 40: net 560, the best. Y = C
	// (25 of C-1 at 0.50 GP: 12.50) is never accretive.
	if len(got) != 1 || got[0].LeadWithValue || got[0].Category != "B" {
		t.Fatalf("suggestions = %+v", got)
	}
	d := got[0].Deal
	if d.Terms != (domain.DealTerms{Discount: 0.02, X: "C", Months: 12, Qty: 50, Y: "B-1", Yearly: true}) || d.Net != 560 {
		t.Errorf("best = %+v", d)
	}

	// Our cost per use on B-2 beats an offer: lead with that value first.
	in.CostPerUse = []domain.CostPerUse{
		{SKU: "A-1", CPUOurs: 1, CPUTheirs: 2, Savings: 900},    // not a Y category
		{SKU: "B-2", CPUOurs: 0.3, CPUTheirs: 0.4, Savings: 50}, // beaten
		{SKU: "B-1", CPUOurs: 0.5, CPUTheirs: 0.4, Savings: -80},
	}
	// No discount is then suggested for B, and C's trades are not accretive.
	got = domain.Suggest(in, domain.DefaultDealSettings())
	if len(got) != 1 || !got[0].LeadWithValue || got[0].CostPerUse.SKU != "B-2" || got[0].Deal != nil {
		t.Errorf("with a beaten offer: %+v", got)
	}
}

func TestBalanceLedger(t *testing.T) {
	for _, tt := range []struct {
		name  string
		items []domain.LedgerItem
		want  domain.LedgerBalance
	}{
		{"price for an order", nil, domain.LedgerBalance{PrimaryGives: 1, PrimaryGets: 1}},
		{"terms too", []domain.LedgerItem{{Side: domain.LedgerGive, Text: "net 60", Primary: true}},
			domain.LedgerBalance{PrimaryGives: 2, PrimaryGets: 1, Lopsided: true}},
		{"secondary items do not count", []domain.LedgerItem{{Side: domain.LedgerGive, Text: "free freight"}},
			domain.LedgerBalance{PrimaryGives: 1, PrimaryGets: 1}},
		{"balanced", []domain.LedgerItem{{Side: domain.LedgerGive, Text: "net 60", Primary: true}, {Side: domain.LedgerGet, Text: "2-year contract", Primary: true}},
			domain.LedgerBalance{PrimaryGives: 2, PrimaryGets: 2}},
	} {
		if got := domain.BalanceLedger(tt.items); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseScenarioID(t *testing.T) {
	for in, want := range map[string]int64{"S-12": 12, "s12": 12, "12": 12, " S-3 ": 3} {
		if got, err := domain.ParseScenarioID(in); err != nil || got != want {
			t.Errorf("%q: %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "S-", "S-0", "X-12", "S-1.5", "S--2"} {
		if _, err := domain.ParseScenarioID(in); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%q: %v, want EINVALID", in, err)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
