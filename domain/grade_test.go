package domain_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// gradeOf grades an account as of 2026-11-27 (W = 2025-11-28 … 2026-11-27) with the
// default settings.
func gradeOf(t *testing.T, in domain.GradeInput) domain.Grade {
	t.Helper()
	in.Account = domain.Account{ID: "A1", Name: "Acme", Territory: "North"}
	in.AsOf = date(t, "2026-11-27")
	return domain.ComputeGrade(in, domain.DefaultGradeSettings())
}

func criterion(g domain.Grade, name string) domain.CriterionScore {
	for _, c := range g.Criteria {
		if c.Name == name {
			return c
		}
	}
	return domain.CriterionScore{}
}

func TestGradePayment(t *testing.T) {
	// One invoice of 1,000 due 2026-06-01; paid d days late (or still open).
	inv := func(paid string) domain.Invoice {
		i := domain.Invoice{ID: "I", AccountID: "A1", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), Amount: 1000}
		if paid != "" {
			i.PaidDate = date(t, paid)
		}
		return i
	}
	tests := []struct {
		name      string
		invoices  []domain.Invoice
		wantValue float64
		wantScore int
		wantData  bool
	}{
		{"on time", []domain.Invoice{inv("2026-06-01")}, 0, 4, true},
		{"early is not negative", []domain.Invoice{inv("2026-05-20")}, 0, 4, true},
		{"2 days: still 4", []domain.Invoice{inv("2026-06-03")}, 2, 4, true},
		{"3 days", []domain.Invoice{inv("2026-06-04")}, 3, 3, true},
		{"15 days: still 3", []domain.Invoice{inv("2026-06-16")}, 15, 3, true},
		{"45 days: still 2", []domain.Invoice{inv("2026-07-16")}, 45, 2, true},
		{"46 days", []domain.Invoice{inv("2026-07-17")}, 46, 1, true},
		{"open, late until today", []domain.Invoice{inv("")}, 179, 1, true},
		{"open, not yet due", []domain.Invoice{{ID: "J", InvoiceDate: date(t, "2026-11-20"), DueDate: date(t, "2026-12-20"), Amount: 500}}, 0, 4, true},
		{"weighted by amount", []domain.Invoice{inv("2026-06-11"), {ID: "K", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), Amount: 3000, PaidDate: date(t, "2026-06-01")}}, 2.5, 3, true},
		{"dated before W", []domain.Invoice{{ID: "L", InvoiceDate: date(t, "2025-11-27"), DueDate: date(t, "2025-12-27"), Amount: 100}}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := criterion(gradeOf(t, domain.GradeInput{Invoices: tt.invoices}), domain.CriterionPayment)
			if c.HasData != tt.wantData || c.Score != tt.wantScore || c.Value != tt.wantValue {
				t.Errorf("payment = %+v, want value %v score %d data %v", c, tt.wantValue, tt.wantScore, tt.wantData)
			}
		})
	}
	// Financing cost: 1,000 × 46 days × 8% / 365.
	g := gradeOf(t, domain.GradeInput{Revenue: 5000, Cost: 3000, Invoices: []domain.Invoice{inv("2026-07-17")}})
	if want := 1000 * 46 * 0.08 / 365; g.FinancingCost != want || g.TrueGP != 2000-want {
		t.Errorf("financing cost %v, true GP %v; want %v, %v", g.FinancingCost, g.TrueGP, want, 2000-want)
	}
}

func TestGradeInventory(t *testing.T) {
	c := func(period string, committed, taken float64) domain.CommitmentTaken {
		m, err := domain.ParseMonth(period)
		if err != nil {
			t.Fatal(err)
		}
		return domain.CommitmentTaken{Commitment: domain.Commitment{AccountID: "A1", SKU: "X", Period: m, CommittedQty: committed}, Taken: taken, UnitCost: 12}
	}
	tests := []struct {
		name      string
		in        []domain.CommitmentTaken
		wantValue float64
		wantScore int
		wantData  bool
	}{
		{"exact", []domain.CommitmentTaken{c("2026-01", 100, 100)}, 0, 4, true},
		{"10%: still 4", []domain.CommitmentTaken{c("2026-01", 100, 90)}, 0.10, 4, true},
		{"over-taking counts too", []domain.CommitmentTaken{c("2026-01", 100, 125)}, 0.25, 3, true},
		{"50%: still 2", []domain.CommitmentTaken{c("2026-01", 100, 50)}, 0.5, 2, true},
		{"51%", []domain.CommitmentTaken{c("2026-01", 100, 49)}, 0.51, 1, true},
		// November 2025 starts before W and November 2026 ends after it: only December counts.
		{"months partly outside W", []domain.CommitmentTaken{c("2025-11", 100, 0), c("2025-12", 100, 80), c("2026-11", 100, 0)}, 0.2, 3, true},
		{"none inside W", []domain.CommitmentTaken{c("2025-11", 100, 0)}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gradeOf(t, domain.GradeInput{Commitments: tt.in})
			got := criterion(g, domain.CriterionInventory)
			if got.HasData != tt.wantData || got.Score != tt.wantScore || got.Value-tt.wantValue > 1e-12 || tt.wantValue-got.Value > 1e-12 {
				t.Errorf("inventory = %+v, want value %v score %d data %v", got, tt.wantValue, tt.wantScore, tt.wantData)
			}
		})
	}
	// Inventory cost: the 20 units of December not taken × 12 × 25% / 12.
	g := gradeOf(t, domain.GradeInput{Commitments: []domain.CommitmentTaken{c("2025-12", 100, 80), c("2026-01", 100, 130)}})
	if want := 20 * 12 * 0.25 / 12; g.InventoryCost != want {
		t.Errorf("inventory cost = %v, want %v", g.InventoryCost, want)
	}
}

func TestGradeNewBusiness(t *testing.T) {
	rfqs := func(outcomes ...domain.RFQOutcome) []domain.RFQ {
		var out []domain.RFQ
		for i, o := range outcomes {
			out = append(out, domain.RFQ{ID: string(rune('a' + i)), AccountID: "A1", Date: date(t, "2026-03-01"), Outcome: o})
		}
		return out
	}
	w, l, p, n := domain.RFQWon, domain.RFQLost, domain.RFQPending, domain.RFQNotInvited
	tests := []struct {
		name      string
		in        []domain.RFQ
		wantValue float64
		wantScore int
		wantWin   *float64
	}{
		{"8 in 10", rfqs(w, w, l, l, p, p, p, p, n, n), 0.8, 4, ptr(0.5)},
		{"half", rfqs(w, n), 0.5, 3, ptr(1)},
		{"1 in 4", rfqs(p, n, n, n), 0.25, 2, nil},
		{"rarely", rfqs(l, n, n, n, n), 0.2, 1, ptr(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gradeOf(t, domain.GradeInput{RFQs: tt.in})
			c := criterion(g, domain.CriterionNewBusiness)
			if !c.HasData || c.Score != tt.wantScore || c.Value != tt.wantValue {
				t.Errorf("new business = %+v, want value %v score %d", c, tt.wantValue, tt.wantScore)
			}
			if diff := cmp.Diff(tt.wantWin, g.WinRate); diff != "" {
				t.Errorf("win rate (-want +got):\n%s", diff)
			}
		})
	}
	old := []domain.RFQ{{ID: "x", Date: date(t, "2025-11-27"), Outcome: w}}
	if c := criterion(gradeOf(t, domain.GradeInput{RFQs: old}), domain.CriterionNewBusiness); c.HasData {
		t.Errorf("an RFQ dated before W counts: %+v", c)
	}
}

func TestGradeSpendAndMargin(t *testing.T) {
	book := []float64{100, 200, 300, 400} // accounts with revenue, ascending
	tests := []struct {
		name              string
		revenue, cost     float64
		wantSpend         int
		wantMargin        int
		wantMarginHasData bool
	}{
		// 400: 3 of 4 below (0.75). Margin 44% against the company's 40%: ratio 1.10.
		{"top quartile, margin 1.10", 400, 224, 4, 4, true},
		// 300: 2 of 4 below. Ratio exactly 1.00.
		{"half, margin 1.00", 300, 180, 3, 3, true},
		// 200: 1 of 4 below. Ratio 0.85.
		{"quarter, margin 0.85", 200, 132, 2, 2, true},
		// 100: none below. Ratio 0.5.
		{"bottom", 100, 80, 1, 1, true},
		// No revenue: spend 1, margin without data.
		{"nothing", 0, 0, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One RFQ, so that the account without sales is still graded.
			rfq := []domain.RFQ{{ID: "R", Date: date(t, "2026-03-01"), Outcome: domain.RFQNotInvited}}
			g := gradeOf(t, domain.GradeInput{Revenue: tt.revenue, Cost: tt.cost, Book: book, CompanyRevenue: 1000, CompanyCost: 600, RFQs: rfq})
			if s := criterion(g, domain.CriterionSpend); s.Score != tt.wantSpend || !s.HasData {
				t.Errorf("spend = %+v, want score %d", s, tt.wantSpend)
			}
			if m := criterion(g, domain.CriterionMargin); m.Score != tt.wantMargin || m.HasData != tt.wantMarginHasData {
				t.Errorf("margin = %+v, want score %d data %v", m, tt.wantMargin, tt.wantMarginHasData)
			}
		})
	}
}

func TestGradeRenormalisationAndTiers(t *testing.T) {
	// Spend 4 (weight 0.30) and payment 1 (0.20) only: weights become 0.6 and 0.4;
	// score 0.6×4 + 0.4×1 = 2.8: Core Customer.
	g := gradeOf(t, domain.GradeInput{Revenue: 400, Cost: 300, Book: []float64{100, 200, 300, 400},
		Invoices: []domain.Invoice{{ID: "I", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), Amount: 1000, PaidDate: date(t, "2026-09-01")}}})
	var weights []float64
	for _, c := range g.Criteria {
		weights = append(weights, c.Weight)
	}
	if diff := cmp.Diff([]float64{0.6, 0, 0.4, 0, 0}, weights, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("weights (-want +got):\n%s", diff)
	}
	if g.Score-2.8 > 1e-12 || 2.8-g.Score > 1e-12 || g.Tier != domain.TierCoreCustomer {
		t.Errorf("score %v tier %q, want 2.8 Core Customer", g.Score, g.Tier)
	}
	// Paying within 15 days (score 3) gives 0.6×4 + 0.4×3 = 3.6: a lift; so does 45 (2: 3.2)? No: 3.2 < 3.25.
	want := []domain.Lift{{Criterion: domain.CriterionPayment, Score: 3, Threshold: 15,
		Saving: 1000 * (92 - 15) * 0.08 / 365}}
	if diff := cmp.Diff(want, g.Lifts, cmpopts.EquateApprox(0, 1e-9)); diff != "" || g.NextTier != domain.TierBusinessBuild {
		t.Errorf("next tier %q, lifts (-want +got):\n%s", g.NextTier, diff)
	}

	// Tier boundaries, through the scores of two criteria with equal weights.
	s := domain.DefaultGradeSettings()
	s.Weights = map[string]float64{domain.CriterionSpend: 1, domain.CriterionMargin: 0, domain.CriterionPayment: 1, domain.CriterionInventory: 0, domain.CriterionNewBusiness: 0}
	s.Tiers = [3]float64{3.5, 2.5, 1.5}
	for _, tt := range []struct {
		spendRevenue float64
		lateDays     string
		want         string
	}{
		{400, "2026-06-01", domain.TierBusinessBuild},  // (4+4)/2 = 4
		{400, "2026-06-16", domain.TierBusinessBuild},  // (4+3)/2 = 3.5, exactly the threshold
		{300, "2026-06-16", domain.TierCoreCustomer},   // (3+3)/2 = 3
		{400, "2026-09-01", domain.TierCoreCustomer},   // (4+1)/2 = 2.5, exactly
		{100, "2026-07-16", domain.TierConvenientSale}, // (1+2)/2 = 1.5, exactly
		{100, "2026-09-01", domain.TierOperationalDrain},
	} {
		in := domain.GradeInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-11-27"), Revenue: tt.spendRevenue, Book: []float64{100, 200, 300, 400},
			Invoices: []domain.Invoice{{ID: "I", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), Amount: 1, PaidDate: date(t, tt.lateDays)}}}
		if got := domain.ComputeGrade(in, s); got.Tier != tt.want {
			t.Errorf("revenue %v paid %s: %s (%.2f), want %s", tt.spendRevenue, tt.lateDays, got.Tier, got.Score, tt.want)
		}
	}
}

func TestGradeNoData(t *testing.T) {
	// Records that all fall outside W count as nothing.
	g := gradeOf(t, domain.GradeInput{RFQs: []domain.RFQ{{ID: "R", Date: date(t, "2025-11-28").AddDate(0, 0, -1), Outcome: domain.RFQWon}}})
	if g.Graded || g.Score != 0 || g.Tier != "" || g.TrueGP != 0 || len(g.Lifts) != 0 || g.NextTier != "" {
		t.Errorf("an account with nothing: %+v", g)
	}
	if len(g.Criteria) != 5 {
		t.Fatalf("criteria %+v, want all five listed", g.Criteria)
	}
	for _, c := range g.Criteria {
		if c.HasData || c.Weight != 0 || c.Score != 0 {
			t.Errorf("criterion of an account with nothing: %+v", c)
		}
	}
}

func TestGradePastAsOf(t *testing.T) {
	// As of 2026-06-30, an invoice due 2026-06-01 and paid 2026-08-01 was open and 29
	// days late; paid before the as-of date, its own lateness counts.
	in := domain.GradeInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-06-30"), Revenue: 1, Book: []float64{1},
		Invoices: []domain.Invoice{{ID: "I", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), Amount: 100, PaidDate: date(t, "2026-08-01")}}}
	if c := criterion(domain.ComputeGrade(in, domain.DefaultGradeSettings()), domain.CriterionPayment); c.Value != 29 {
		t.Errorf("payment as of a past date = %+v, want 29 days", c)
	}
	in.Invoices[0].PaidDate = date(t, "2026-06-11")
	if c := criterion(domain.ComputeGrade(in, domain.DefaultGradeSettings()), domain.CriterionPayment); c.Value != 10 {
		t.Errorf("payment = %+v, want 10 days", c)
	}
}

func TestGradeLiftThresholds(t *testing.T) {
	book := []float64{100, 200, 300, 400, 500, 600, 700, 800}
	s := domain.DefaultGradeSettings()
	s.Weights = map[string]float64{domain.CriterionSpend: 1, domain.CriterionMargin: 1, domain.CriterionPayment: 0, domain.CriterionInventory: 0, domain.CriterionNewBusiness: 0}
	// Revenue 300 (2 of 8 below: score 2), GP% 30% against the company's 40% (ratio
	// 0.75: score 1): score 1.5, Operational Drain. Convenient Sale needs 1.75: spend 3
	// (3.5/2) or margin 2 (2/2 = 2 ≥ 1.75).
	in := domain.GradeInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-11-27"), Revenue: 300, Cost: 210,
		Book: book, CompanyRevenue: 1000, CompanyCost: 600}
	g := domain.ComputeGrade(in, s)
	if g.Tier != domain.TierOperationalDrain || g.NextTier != domain.TierConvenientSale {
		t.Fatalf("tier %q next %q (score %v)", g.Tier, g.NextTier, g.Score)
	}
	// Spend 3 needs half the book below: 4 of 8, so more than the 4th smallest of the
	// other seven (100, 200, 400, 500, …): 500. Margin 2 needs a ratio of 0.85: GP%
	// 0.85 × 40% = 34%.
	want := []domain.Lift{{Criterion: domain.CriterionSpend, Score: 3, Threshold: 500},
		{Criterion: domain.CriterionMargin, Score: 2, Threshold: 0.34}}
	if diff := cmp.Diff(want, g.Lifts, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("lifts (-want +got):\n%s", diff)
	}
	// Without revenue the account joins the book when it buys. Spend 2 lifts it (score
	// (2 + 0.04)/1.01): a quarter of nine is 2.25, so more than 3 accounts' revenue:
	// above 300.
	in.Revenue, in.Cost = 0, 0
	in.RFQs = []domain.RFQ{{ID: "R", Date: date(t, "2026-03-01"), Outcome: domain.RFQWon}}
	s.Weights[domain.CriterionNewBusiness] = 0.01
	g = domain.ComputeGrade(in, s)
	for _, l := range g.Lifts {
		if l.Criterion == domain.CriterionSpend && (l.Threshold != 300 || l.Score != 2) {
			t.Errorf("spend lift without revenue = %+v, want score 2 above 300", l)
		}
	}
	// The revenue to exceed is another account's, perhaps of a territory the asker may
	// not see: it is rounded up to two significant digits, so it is nobody's figure.
	in = domain.GradeInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-11-27"), Revenue: 300, Cost: 210,
		Book: []float64{100, 200, 300, 400, 88596, 600_000, 700_000, 800_000}, CompanyRevenue: 1000, CompanyCost: 600}
	s.Weights[domain.CriterionNewBusiness] = 0
	g = domain.ComputeGrade(in, s)
	if len(g.Lifts) == 0 || g.Lifts[0].Criterion != domain.CriterionSpend || g.Lifts[0].Threshold != 89000 {
		t.Errorf("lifts %+v: want spend above 89,000 (88,596 rounded up)", g.Lifts)
	}
}

func TestGradeSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*domain.GradeSettings)
		want   string
	}{
		{"defaults", func(*domain.GradeSettings) {}, ""},
		{"negative weight", func(s *domain.GradeSettings) { s.Weights[domain.CriterionMargin] = -0.1 }, "grade weight of margin"},
		{"all zero", func(s *domain.GradeSettings) {
			for k := range s.Weights {
				s.Weights[k] = 0
			}
		}, "all zero"},
		{"thresholds out of order", func(s *domain.GradeSettings) {
			s.Thresholds[domain.CriterionPayment] = [3]float64{15, 2, 45}
		}, "payment (scores 4, 3, 2) must be strictly increasing"},
		{"tiers out of order", func(s *domain.GradeSettings) { s.Tiers = [3]float64{2.5, 3.25, 1.75} }, "tier thresholds"},
		{"negative rate", func(s *domain.GradeSettings) { s.CostOfCapital = -1 }, "cost of capital"},
		{"unknown criterion", func(s *domain.GradeSettings) { s.Weights["spnd"] = 0.3 }, `unknown criterion "spnd"`},
		{"NaN weight", func(s *domain.GradeSettings) { s.Weights[domain.CriterionSpend] = math.NaN() }, "grade weight of spend"},
		{"infinite cost of capital", func(s *domain.GradeSettings) { s.CostOfCapital = math.Inf(1) }, "cost of capital"},
		{"NaN carrying rate", func(s *domain.GradeSettings) { s.CarryingRate = math.NaN() }, "carrying rate"},
		{"cost of capital over 100%", func(s *domain.GradeSettings) { s.CostOfCapital = 8 }, "at most 100%"},
		{"infinite threshold", func(s *domain.GradeSettings) {
			s.Thresholds[domain.CriterionSpend] = [3]float64{math.Inf(1), 0.5, 0.25}
		}, "grade thresholds of spend must be numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := domain.DefaultGradeSettings()
			tt.change(&s)
			err := s.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("Validate = %v, want an EINVALID error about %q", err, tt.want)
			}
		})
	}
}

func TestGradeOldOpenInvoices(t *testing.T) {
	// As of 2026-11-27 (W = 2025-11-28 … 2026-11-27), payment alone weighs. An invoice of
	// W paid on time, and an older one of 1,000 due 2025-07-01: still open, it is 514
	// days late (365 to 2026-07-01, then 149), 365 of them inside W.
	s := domain.DefaultGradeSettings()
	s.Weights = map[string]float64{domain.CriterionSpend: 0, domain.CriterionMargin: 0, domain.CriterionPayment: 1,
		domain.CriterionInventory: 0, domain.CriterionNewBusiness: 0}
	onTime := domain.Invoice{ID: "I-1", InvoiceDate: date(t, "2026-05-01"), DueDate: date(t, "2026-06-01"), PaidDate: date(t, "2026-06-01"), Amount: 1000}
	old := func(paid string) domain.Invoice {
		i := domain.Invoice{ID: "I-0", InvoiceDate: date(t, "2025-06-01"), DueDate: date(t, "2025-07-01"), Amount: 1000}
		if paid != "" {
			i.PaidDate = date(t, paid)
		}
		return i
	}
	tests := []struct {
		name                  string
		invoices              []domain.Invoice
		wantGraded            bool
		wantValue             float64
		wantScore             int
		wantEarlier, wantCost float64
		wantLifts             []domain.Lift
	}{
		{
			// (1,000 × 0 + 1,000 × 514) / 2,000 = 257 days: score 1. Financing: 1,000 ×
			// 365 × 8% / 365 = 80. Paying within 45 days would save (2,000 × (257 − 45))
			// × 8% / 365 = 92.93 a year, more than the 80 it costs: capped at 80.
			name: "open", invoices: []domain.Invoice{onTime, old("")}, wantGraded: true,
			wantValue: 257, wantScore: 1, wantEarlier: 1000, wantCost: 80,
			wantLifts: []domain.Lift{{Criterion: domain.CriterionPayment, Score: 2, Threshold: 45, Saving: 80}},
		},
		{
			name: "paid after the as-of date", invoices: []domain.Invoice{onTime, old("2026-12-15")}, wantGraded: true,
			wantValue: 257, wantScore: 1, wantEarlier: 1000, wantCost: 80,
			wantLifts: []domain.Lift{{Criterion: domain.CriterionPayment, Score: 2, Threshold: 45, Saving: 80}},
		},
		{
			name: "paid before W", invoices: []domain.Invoice{onTime, old("2025-10-01")}, wantGraded: true,
			wantValue: 0, wantScore: 4, wantLifts: []domain.Lift{},
		},
		{
			// Paid on 2026-01-31, inside W but before the as-of date: dated before W and
			// no longer open, it is not scored.
			name: "paid inside W, dated before", invoices: []domain.Invoice{onTime, old("2026-01-31")}, wantGraded: true,
			wantValue: 0, wantScore: 4, wantLifts: []domain.Lift{},
		},
		{
			// An old open invoice alone does not make an account graded.
			name: "alone", invoices: []domain.Invoice{old("")}, wantGraded: false, wantLifts: []domain.Lift{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := domain.GradeInput{Account: domain.Account{ID: "A1"}, AsOf: date(t, "2026-11-27"), Invoices: tt.invoices}
			if tt.wantGraded {
				in.Revenue, in.Cost, in.Book, in.CompanyRevenue, in.CompanyCost = 1000, 500, []float64{1000}, 1000, 500
			}
			g := domain.ComputeGrade(in, s)
			c := criterion(g, domain.CriterionPayment)
			if g.Graded != tt.wantGraded || c.Value != tt.wantValue || c.Score != tt.wantScore {
				t.Errorf("graded %v, payment %+v; want graded %v, value %v, score %d", g.Graded, c, tt.wantGraded, tt.wantValue, tt.wantScore)
			}
			if math.Abs(g.EarlierOpen-tt.wantEarlier) > 1e-9 || math.Abs(g.FinancingCost-tt.wantCost) > 1e-9 {
				t.Errorf("earlier open %v, financing %v; want %v, %v", g.EarlierOpen, g.FinancingCost, tt.wantEarlier, tt.wantCost)
			}
			if diff := cmp.Diff(tt.wantLifts, g.Lifts, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("lifts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarizeOverdue(t *testing.T) {
	inv := func(id, dated, due, paid string, amount float64) domain.Invoice {
		i := domain.Invoice{ID: id, InvoiceDate: date(t, dated), DueDate: date(t, due), Amount: amount}
		if paid != "" {
			i.PaidDate = date(t, paid)
		}
		return i
	}
	asOf := date(t, "2026-11-27")
	tests := []struct {
		name     string
		invoices []domain.Invoice
		want     *domain.Overdue
	}{
		{"none", nil, nil},
		{"30 days is not overdue", []domain.Invoice{inv("I-1", "2026-09-28", "2026-10-28", "", 100)}, nil},
		{"paid by the as-of date", []domain.Invoice{inv("I-1", "2025-01-01", "2025-01-31", "2026-11-27", 100)}, nil},
		{"dated after the as-of date", []domain.Invoice{inv("I-1", "2026-11-28", "2025-01-31", "", 100)}, nil},
		{
			// 2025-06-23 to 2026-11-27: 522 days; the other 31.
			name: "the oldest named",
			invoices: []domain.Invoice{inv("I-1", "2026-09-27", "2026-10-27", "", 500), inv("I-2", "2025-05-24", "2025-06-23", "2026-12-01", 10208),
				inv("I-3", "2026-01-01", "2026-01-31", "2026-02-01", 900)},
			want: &domain.Overdue{Invoices: 2, Amount: 10708, Oldest: domain.OverdueInvoice{InvoiceID: "I-2", Amount: 10208,
				InvoiceDate: domain.NewDate(2025, 5, 24), DueDate: domain.NewDate(2025, 6, 23), DaysPastDue: 522}},
		},
		{
			name:     "of the same age, the largest",
			invoices: []domain.Invoice{inv("I-1", "2026-01-01", "2026-01-31", "", 500), inv("I-2", "2026-01-01", "2026-01-31", "", 700)},
			want: &domain.Overdue{Invoices: 2, Amount: 1200, Oldest: domain.OverdueInvoice{InvoiceID: "I-2", Amount: 700,
				InvoiceDate: domain.NewDate(2026, 1, 1), DueDate: domain.NewDate(2026, 1, 31), DaysPastDue: 300}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, domain.SummarizeOverdue(tt.invoices, asOf)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
