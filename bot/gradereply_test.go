package bot_test

// The grades of testdata/gradedata, a hand-made company whose grades are worked out by
// hand below; testdata/gradedata-paid is an import that has one customer pay on time.

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// TestGradeFormulas checks DESIGN section 3 "Grade" through the store against
// hand-worked figures. As of 2026-11-27, W = 2025-11-28 … 2026-11-27. Sales in W: G1
// 2,000 (cost 1,240), G2 500 (400), G3 1,500 (900); G4's one sale on 2025-11-27 is just
// outside. Company GP% = 1,460 / 4,000 = 36.5%; the book is 500, 1,500, 2,000.
func TestGradeFormulas(t *testing.T) {
	b := newTestBot(t, "gradedata")
	const company = 1460.0 / 4000
	wr := func(f float64) *float64 { return &f }
	tests := []struct {
		account string
		want    domain.Grade
	}{
		{"G1", domain.Grade{
			// spend 2 of 3 below (0.667): 3. margin 0.38/0.365 = 1.041: 3. payment: I1
			// 1,000 paid 30 days late, I2 800 early (0, not negative), I3 200 open but not
			// yet due (0); I4 dated before W left out: 30,000/2,000 = 15 days: 3 (the
			// threshold itself). inventory: 2026-03 took 100 of 100, 2026-04 80 of 100;
			// 2025-11 (partly before W) and 2026-11 (not over) left out: 20/200 = 0.10: 4
			// (the threshold). new_business: won, lost, pending invited, one not invited
			// (one before W left out): 3/4: 3; win rate 1/2.
			// Score .3×3 + .25×3 + .2×3 + .15×4 + .1×3 = 3.15: Core Customer.
			Score: 3.15, Tier: domain.TierCoreCustomer, Revenue: 2000, GP: 760, Invoiced: 2000,
			Criteria: []domain.CriterionScore{
				{Name: "spend", HasData: true, Value: 2.0 / 3, Score: 3, Weight: 0.30},
				{Name: "margin", HasData: true, Value: 0.38 / company, Score: 3, Weight: 0.25},
				{Name: "payment", HasData: true, Value: 15, Score: 3, Weight: 0.20},
				{Name: "inventory", HasData: true, Value: 0.10, Score: 4, Weight: 0.15},
				{Name: "new_business", HasData: true, Value: 0.75, Score: 3, Weight: 0.10},
			},
			FinancingCost: 30000 * 0.08 / 365, InventoryCost: 20 * 6 * 0.25 / 12,
			TrueGP:  760 - 30000*0.08/365 - 20*6*0.25/12,
			WinRate: wr(0.5), RFQs: domain.RFQCounts{Won: 1, Lost: 1, Pending: 1, NotInvited: 1},
			// Business Build at 3.25: spend 4 is out of reach (2 of 3 is the most any
			// account can beat); margin 4 (+0.25), payment 4 (+0.20), new_business 4
			// (+0.10, exactly 3.25) each lift it alone. Paying within 2 days saves
			// 2,000 × 13 days × 8% / 365.
			NextTier: domain.TierBusinessBuild,
			Lifts: []domain.Lift{
				{Criterion: "margin", Score: 4, Threshold: 1.10 * company},
				{Criterion: "payment", Score: 4, Threshold: 2, Saving: 2000 * 13 * 0.08 / 365},
				{Criterion: "new_business", Score: 4, Threshold: 0.80},
			},
		}},
		{"G2", domain.Grade{
			// spend 0: 1. margin 0.2/0.365: 1. payment: I5 500 open, due 2026-07-01:
			// 149 days late by the as-of date: 1. inventory 25 of 50 taken: 0.5: 2 (the
			// threshold). No RFQs: weights renormalised over 0.90.
			Score: (0.3 + 0.25 + 0.2 + 0.15*2) / 0.9, Tier: domain.TierOperationalDrain, Revenue: 500, GP: 100, Invoiced: 500,
			Criteria: []domain.CriterionScore{
				{Name: "spend", HasData: true, Value: 0, Score: 1, Weight: 0.30 / 0.9},
				{Name: "margin", HasData: true, Value: 0.2 / company, Score: 1, Weight: 0.25 / 0.9},
				{Name: "payment", HasData: true, Value: 149, Score: 1, Weight: 0.20 / 0.9},
				{Name: "inventory", HasData: true, Value: 0.5, Score: 2, Weight: 0.15 / 0.9},
				{Name: "new_business"},
			},
			FinancingCost: 500 * 149 * 0.08 / 365, InventoryCost: 25 * 16 * 0.25 / 12,
			TrueGP: 100 - 500*149*0.08/365 - 25*16*0.25/12,
			// Convenient Sale needs 1.75 × 0.9 = 1.575 weighted: spend 3 (above the 2nd
			// of the other two, 2,000), margin 4, payment 4 each do it; inventory cannot.
			NextTier: domain.TierConvenientSale,
			Lifts: []domain.Lift{
				{Criterion: "spend", Score: 3, Threshold: 2000},
				{Criterion: "margin", Score: 4, Threshold: 1.10 * company},
				{Criterion: "payment", Score: 4, Threshold: 2, Saving: 500 * 147 * 0.08 / 365},
			},
			Overdue: &domain.Overdue{Invoices: 1, Amount: 500, Oldest: domain.OverdueInvoice{InvoiceID: "I5", Amount: 500,
				InvoiceDate: domain.NewDate(2026, 6, 1), DueDate: domain.NewDate(2026, 7, 1), DaysPastDue: 149}},
		}},
		{"G3", domain.Grade{
			// spend 1 of 3 below: 2. margin 0.4/0.365 = 1.096: 3. payment: I6 1,500 paid
			// 2 days late, and I8 300 dated before W, due 2025-05-31 and still open: 545
			// days late, (3,000 + 163,500)/1,800 = 92.5 days: 1. No commitments. 4 of 5
			// RFQs invited: 0.8: 4. (0.6 + 0.75 + 0.2 + 0.4)/0.85 = 2.294: Convenient Sale.
			Score: 1.95 / 0.85, Tier: domain.TierConvenientSale, Revenue: 1500, GP: 600, Invoiced: 1500, EarlierOpen: 300,
			Criteria: []domain.CriterionScore{
				{Name: "spend", HasData: true, Value: 1.0 / 3, Score: 2, Weight: 0.30 / 0.85},
				{Name: "margin", HasData: true, Value: 0.4 / company, Score: 3, Weight: 0.25 / 0.85},
				{Name: "payment", HasData: true, Value: 92.5, Score: 1, Weight: 0.20 / 0.85},
				{Name: "inventory"},
				{Name: "new_business", HasData: true, Value: 0.8, Score: 4, Weight: 0.10 / 0.85},
			},
			// Financing counts the late days inside W only: I6's 2, and I8's 365
			// (2025-11-28 to 2026-11-27).
			FinancingCost: (1500*2 + 300*365) * 0.08 / 365,
			TrueGP:        600 - (1500*2+300*365)*0.08/365,
			WinRate:       wr(1), RFQs: domain.RFQCounts{Won: 4, NotInvited: 1},
			// Core Customer needs 2.50 × 0.85 = 2.125 weighted, 0.175 more: spend 3 (above
			// 2,000), margin 4, payment 2 each do it. Paying within 45 days saves 1,800 ×
			// 47.5 days × 8% / 365, under the financing cost.
			NextTier: domain.TierCoreCustomer,
			Lifts: []domain.Lift{
				{Criterion: "spend", Score: 3, Threshold: 2000},
				{Criterion: "margin", Score: 4, Threshold: 1.10 * company},
				{Criterion: "payment", Score: 2, Threshold: 45, Saving: 1800 * 47.5 * 0.08 / 365},
			},
			Overdue: &domain.Overdue{Invoices: 1, Amount: 300, Oldest: domain.OverdueInvoice{InvoiceID: "I8", Amount: 300,
				InvoiceDate: domain.NewDate(2025, 5, 1), DueDate: domain.NewDate(2025, 5, 31), DaysPastDue: 545}},
		}},
		{"G5", domain.Grade{
			// No sales: spend 1; margin, payment, inventory without data; 1 of 4 RFQs
			// invited: 0.25: 2 (the threshold). (0.3 + 0.2)/0.4 = 1.25.
			Score: 1.25, Tier: domain.TierOperationalDrain,
			Criteria: []domain.CriterionScore{
				{Name: "spend", HasData: true, Value: 0, Score: 1, Weight: 0.75},
				{Name: "margin"}, {Name: "payment"}, {Name: "inventory"},
				{Name: "new_business", HasData: true, Value: 0.25, Score: 2, Weight: 0.25},
			},
			WinRate: wr(1), RFQs: domain.RFQCounts{Won: 1, NotInvited: 3},
			// Joining the book of 4, spend 2 needs more than 1 account below: above 500.
			// new_business 4 gives exactly 1.75.
			NextTier: domain.TierConvenientSale,
			Lifts: []domain.Lift{
				{Criterion: "spend", Score: 2, Threshold: 500},
				{Criterion: "new_business", Score: 4, Threshold: 0.80},
			},
		}},
		{"G4", domain.Grade{
			// I7, dated before W and still open, does not make it graded; it is named:
			// due 2025-02-14, 651 days past due.
			Criteria: []domain.CriterionScore{{Name: "spend"}, {Name: "margin"}, {Name: "payment"}, {Name: "inventory"}, {Name: "new_business"}},
			Lifts:    []domain.Lift{},
			Overdue: &domain.Overdue{Invoices: 1, Amount: 700, Oldest: domain.OverdueInvoice{InvoiceID: "I7", Amount: 700,
				InvoiceDate: domain.NewDate(2025, 1, 15), DueDate: domain.NewDate(2025, 2, 14), DaysPastDue: 651}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.account, func(t *testing.T) {
			got := askJSON[domain.Grade](t, b, "grade "+tt.account)
			want := tt.want
			want.AccountID, want.Name, want.Territory, want.AsOf, want.Graded = got.AccountID, got.Name, got.Territory, domain.NewDate(2026, 11, 27), tt.account != "G4"
			if want.Graded {
				want.CompanyGPRate = company
			}
			if diff := cmp.Diff(inJSON(want), got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("grade %s (-want +got):\n%s", tt.account, diff)
			}
		})
	}
}

// TestGradeReplies compares the replies with golden files, including the movers after an
// import that changes a customer's payments.
func TestGradeReplies(t *testing.T) {
	b := newTestBot(t, "gradedata")
	for _, tt := range []struct{ name, text string }{
		{"grade_account", "grade granite"},
		{"grade_account_drain", "grade birch supply"},
		{"grade_account_nodata", "grade dormant"},
		{"grade_territory", "grade territory north"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			golden(t, filepath.Join("golden", tt.name+".txt"), []byte(out))
		})
	}
	// Granite Works pays I1 on time: payment 4, score 3.35, Business Build.
	importInto(t, b, filepath.Join("testdata", "gradedata-paid"))
	out, err := ask(t, b, "grade territory north", on("2026-11-28"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, filepath.Join("golden", "grade_territory_movers.txt"), []byte(out))

	tg := askJSON[domain.TerritoryGrades](t, b, "grade territory north", on("2026-11-28"))
	want := []domain.Mover{{AccountID: "G1", Name: "Granite Works", From: domain.TierCoreCustomer, To: domain.TierBusinessBuild,
		FromScore: 3.15, ToScore: 3.35, Up: true}}
	if diff := cmp.Diff(want, tg.Movers, cmpopts.EquateApprox(0, 1e-9)); diff != "" || tg.Since.String() != "2026-11-27" {
		t.Errorf("movers since %q (-want +got):\n%s", tg.Since, diff)
	}
	tiers := map[string]int{}
	for _, s := range tg.Tiers {
		tiers[s.Tier] = s.Accounts
	}
	if diff := cmp.Diff(map[string]int{domain.TierBusinessBuild: 1, domain.TierCoreCustomer: 0, domain.TierConvenientSale: 0, domain.TierOperationalDrain: 2}, tiers); diff != "" || tg.Ungraded != 1 {
		t.Errorf("tiers (-want +got), ungraded %d:\n%s", tg.Ungraded, diff)
	}
}

// TestGradeBadInput checks the mistakes: each gets an error reply that says what was
// wrong, and a rep learns no figure of another territory.
func TestGradeBadInput(t *testing.T) {
	b := newTestBot(t, "gradedata")
	rita := as("rita@example.com")
	tests := []struct {
		name, text string
		opts       []askOption
		want       string
	}{
		{"nothing after grade", "grade", nil, "Grade what? Usage: `grade <account>` or `grade territory <name>`."},
		{"territory without a name", "grade territory", nil, "Which territory? Usage: `grade territory <name>`."},
		{"unknown account", "grade zzzzzz", nil, `No account matches "zzzzzz".`},
		{"unknown territory", "grade territory east", nil, `No territory matches "east".`},
		{"rep, other account", "grade G3", []askOption{rita}, `No account matches "G3".`},
		{"rep, other territory", "grade territory south", []askOption{rita}, `Territory "South" is outside your territories (North).`},
		{"misspelt command", "grdae G1", nil, "Did you mean `grade`?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one), reply lacks %q:\n%s", err, tt.want, out)
			}
			if strings.Contains(out, "$") || strings.Contains(out, "NaN") {
				t.Errorf("an error reply shows a figure:\n%s", out)
			}
		})
	}
}
