package domain_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

func TestLedgerItemTermsDays(t *testing.T) {
	for _, tt := range []struct {
		text string
		days int
		ok   bool
	}{
		{"net 60 terms", 60, true},
		{"Net 60", 60, true},
		{"net-45 days", 45, true},
		{"net60 payment terms", 60, true},
		{"NET 0", 0, true},
		{"net 60 terms on freight", 0, false},
		{"network access", 0, false},
		{"net", 0, false},
		{"free freight", 0, false},
		{"net -5 terms", 0, false},
	} {
		days, ok := domain.LedgerItem{Text: tt.text}.TermsDays()
		if days != tt.days || ok != tt.ok {
			t.Errorf("%q: %d, %v; want %d, %v", tt.text, days, ok, tt.days, tt.ok)
		}
	}
}

// TestPriceLedger checks DESIGN section 3 "Deal what-if" (v2) on hand-computed figures:
// an account on net 30 with 73,000 of revenue over W at a cost of capital of 8% costs
// 73,000 × 0.08 / 365 = 16 a day of terms a year.
func TestPriceLedger(t *testing.T) {
	in := domain.LedgerInput{PaymentTermsDays: 30, Revenue: 73000, CostOfCapital: 0.08, Months: 12}
	half := in
	half.Months = 6
	give := func(text string) domain.LedgerItem { return domain.LedgerItem{Side: domain.LedgerGive, Text: text} }
	get := func(text string) domain.LedgerItem { return domain.LedgerItem{Side: domain.LedgerGet, Text: text} }
	worth := func(it domain.LedgerItem, v float64, once bool) domain.LedgerItem {
		it.Worth, it.Once = f(v), once
		return it
	}
	tests := []struct {
		name string
		item domain.LedgerItem
		in   domain.LedgerInput
		want *float64
	}{
		{"give net 60 over 12 months", give("net 60 terms"), in, f(30 * 16)},        // 30 extra days × 16
		{"give net 60 over 6 months", give("net 60 terms"), half, f(30 * 16 * 0.5)}, // × 6/12
		{"give net 45 on a 24-month term", give("net 45"), domain.LedgerInput{PaymentTermsDays: 30, Revenue: 73000, CostOfCapital: 0.08, Months: 24}, f(15 * 16 * 2)},
		{"get net 15", get("net 15 terms"), in, f(15 * 16)},
		{"get net 0 at a cost of capital of 10%", get("net 0"), domain.LedgerInput{PaymentTermsDays: 30, Revenue: 73000, CostOfCapital: 0.10, Months: 12}, f(30 * 20)},
		{"worth a year over 12 months", worth(give("free freight"), 1200, false), in, f(1200)},
		{"worth a year over 6 months", worth(give("free freight"), 1200, false), half, f(600)},
		{"worth once over 6 months", worth(give("free freight"), 1200, true), half, f(1200)},
		{"a get with a value", worth(get("rebate clawback"), 500, false), in, f(500)},
		{"terms with a worth take the worth", worth(give("net 20 terms"), 100, false), in, f(100)},
		{"worth 0", worth(give("samples"), 0, false), in, f(0)},
		{"unpriced", give("2-year contract"), in, nil},
		{"unpriced get", get("a case study"), in, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.PriceLedger([]domain.LedgerItem{tt.item}, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.item
			want.Value = tt.want
			if days, ok := tt.item.TermsDays(); ok && tt.item.Worth == nil {
				want.Terms = &domain.TermsBasis{Today: tt.in.PaymentTermsDays, Days: days, Revenue: tt.in.Revenue, CostOfCapital: tt.in.CostOfCapital}
			}
			if diff := cmp.Diff([]domain.LedgerItem{want}, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// A value priced before is priced again: a variant with another term.
	old := give("net 60 terms")
	old.Value = f(1)
	got, err := domain.PriceLedger([]domain.LedgerItem{old, give("free freight")}, half)
	if err != nil || *got[0].Value != 240 || got[1].Value != nil || *old.Value != 1 {
		t.Errorf("repriced: %+v, %v (the argument: %v)", got, err, *old.Value)
	}

	for _, tt := range []struct {
		name  string
		items []domain.LedgerItem
		want  string
	}{
		{"give today's terms", []domain.LedgerItem{give("net 30 terms")}, "They are on net 30 today: giving net 30 terms is no concession."},
		{"give shorter terms", []domain.LedgerItem{give("net 15")}, "They are on net 30 today: giving net 15 is no concession."},
		{"get longer terms", []domain.LedgerItem{get("net 45 terms")}, "They are on net 30 today: getting net 45 terms gains nothing."},
		{"get today's terms", []domain.LedgerItem{get("net 30")}, "They are on net 30 today"},
		{"terms twice", []domain.LedgerItem{give("net 60"), give("net 90 terms")}, "Payment terms appear twice"},
		{"negative worth", []domain.LedgerItem{worth(give("freight"), -5, false)}, "What freight is worth must be 0 or more."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.PriceLedger(tt.items, in)
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), tt.want) {
				t.Errorf("%v, want EINVALID %q", err, tt.want)
			}
		})
	}
}

// TestComputeDealLedger checks that the net, the verdict and the break-even count the
// priced items: net = gain − concession − priced gives + priced gets, and q at
// break-even has net 0.
func TestComputeDealLedger(t *testing.T) {
	// X: revenue 10,000, GP 3,000 (30%). Y: list 50, unit cost 35 (unit GP 15).
	priced := func(side string, v float64) domain.LedgerItem {
		return domain.LedgerItem{Side: side, Text: "x", Value: f(v)}
	}
	counted := domain.LedgerItem{Side: domain.LedgerGive, Text: "2-year contract", Primary: true}
	once := domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 12, Qty: 100, Y: "W-1"}
	yearly := domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 6, Qty: 100, Y: "W-1", Yearly: true}
	tests := []struct {
		name   string
		terms  domain.DealTerms
		ledger []domain.LedgerItem
		want   domain.Deal
	}{
		{"a priced give and get", once, []domain.LedgerItem{priced(domain.LedgerGive, 480), priced(domain.LedgerGet, 500), counted},
			// 1,500 − 500 − 480 + 500; (500 + 480 − 500)/15.
			domain.Deal{Concession: 500, Gain: 1500, PricedGives: 480, PricedGets: 500, Net: 1020, BreakEvenQty: f(32), Verdict: domain.VerdictAccretive}},
		{"a give turns it dilutive", once, []domain.LedgerItem{priced(domain.LedgerGive, 1200)},
			// 1,500 − 500 − 1,200; 1,700/15.
			domain.Deal{Concession: 500, Gain: 1500, PricedGives: 1200, Net: -200, BreakEvenQty: f(1700.0 / 15), Verdict: domain.VerdictDilutive}},
		{"yearly over 6 months", yearly, []domain.LedgerItem{priced(domain.LedgerGive, 240)},
			// 750 − 250 − 240; (250 + 240)/(15 × 6/12).
			domain.Deal{Concession: 250, Gain: 750, PricedGives: 240, Net: 260, BreakEvenQty: f(490 / 7.5), Verdict: domain.VerdictAccretive}},
		{"gets pay for everything", once, []domain.LedgerItem{priced(domain.LedgerGet, 1000)},
			// 1,500 − 500 + 1,000; nothing of Y is needed.
			domain.Deal{Concession: 500, Gain: 1500, PricedGets: 1000, Net: 2000, BreakEvenQty: f(0), Verdict: domain.VerdictAccretive}},
		{"only counted items", once, []domain.LedgerItem{counted},
			domain.Deal{Concession: 500, Gain: 1500, Net: 1000, BreakEvenQty: f(500.0 / 15), Verdict: domain.VerdictAccretive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ComputeDeal(tt.terms, domain.DealInput{RevenueX: 10000, GPX: 3000, UnitCostY: 35, ListPriceY: 50, Ledger: tt.ledger})
			if err != nil {
				t.Fatal(err)
			}
			opts := []cmp.Option{cmpopts.EquateApprox(0, 1e-9),
				cmpopts.IgnoreFields(domain.Deal{}, "Terms", "RevenueX", "GPX", "MarginX", "RequiredVolumeIncrease", "PriceY", "UnitCostY", "UnitGPY")}
			if diff := cmp.Diff(tt.want, got, opts...); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// At the break-even quantity the net is 0 (or the gets already pay).
			be := tt.terms
			be.Qty = *got.BreakEvenQty
			if be.Qty > 0 {
				d, err := domain.ComputeDeal(be, domain.DealInput{RevenueX: 10000, GPX: 3000, UnitCostY: 35, ListPriceY: 50, Ledger: tt.ledger})
				if err != nil || d.Net > 1e-9 || d.Net < -1e-9 {
					t.Errorf("net at break-even: %v, %v", d.Net, err)
				}
			}
		})
	}
}
