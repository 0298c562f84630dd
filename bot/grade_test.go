package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// gradeFake serves grade facts and overdue invoices on top of fakeStore.
type gradeFake struct {
	*fakeStore
	facts   []domain.GradeFacts
	overdue []domain.Invoice
}

func (s *gradeFake) SalesDates(context.Context) (time.Time, time.Time, error) {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), nil
}
func (s *gradeFake) GradeFacts(context.Context, time.Time) ([]domain.GradeFacts, error) {
	return s.facts, nil
}
func (s *gradeFake) FindOverdueInvoices(_ context.Context, sc domain.Scope, _ time.Time, _ int) ([]domain.Invoice, error) {
	var out []domain.Invoice
	for _, inv := range s.overdue {
		if inv.AccountID == sc.AccountID {
			out = append(out, inv)
		}
	}
	return out, nil
}

// TestGradeOverdue: a Business Build account with an invoice 514 days past due is not
// told to protect it without the invoice named; an account without anything to grade
// in W names its old invoice too.
func TestGradeOverdue(t *testing.T) {
	day := func(s string) time.Time {
		d, err := domain.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	s := &gradeFake{fakeStore: testStore(),
		facts: []domain.GradeFacts{
			// Spend, margin, inventory and RFQs at 4; 10,208 open since 2025-07-01 (514
			// days late) beside 100,000 paid on time: payment 1, score 3.4.
			{AccountID: "A0001", Revenue: 100000, Cost: 50000, Invoiced: 100000, EarlierOpen: 10208,
				LateAmountDays: 10208 * 514, FinancedAmountDays: 10208 * 365, Committed: 100, Won: 4},
			{AccountID: "A0004", Revenue: 20000, Cost: 19000},
			{AccountID: "A0005", Revenue: 30000, Cost: 28500},
			{AccountID: "A0003", Revenue: 40000, Cost: 38000},
		},
		overdue: []domain.Invoice{
			{ID: "INV-77", AccountID: "A0001", InvoiceDate: day("2025-06-01"), DueDate: day("2025-07-01"), Amount: 10208},
			{ID: "INV-90", AccountID: "A0006", InvoiceDate: day("2025-01-01"), DueDate: day("2025-01-31"), Amount: 4000},
			{ID: "INV-91", AccountID: "A0006", InvoiceDate: day("2025-03-01"), DueDate: day("2025-03-31"), Amount: 500, PaidDate: day("2026-12-01")},
		},
	}
	b := newBot(s)
	admin := actor(t, b, "ops@example.com")
	for _, tt := range []struct{ name, text, want string }{
		{"grade_business_build_overdue.txt", "grade A0001", "collect it, then protect the account"},
		{"grade_nodata_overdue.txt", "grade A0006", "the oldest of 2 invoices"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(context.Background(), bot.Request{Actor: admin, Text: tt.text, AsOf: day("2026-11-27")})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			got := bot.RenderText(r)
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "INV-") {
				t.Errorf("reply does not name the overdue invoice (%q):\n%s", tt.want, got)
			}
			golden(t, tt.name, []byte(got))
		})
	}
}
