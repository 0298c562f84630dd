package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

// TestFactsTail imports a company, then three days' files of new lines one by one
// (the nightly case: each account's lines go to its facts tail), with tails folded
// into the facts beyond four lines, and checks after each day that the figures every
// reader sees (gap facts in every period, grade facts with the commitments taken) are
// those of a store that imported the same lines at once, to the bit.
func TestFactsTail(t *testing.T) {
	defer sqlite.SetTailFold(4)()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	company := func(ctx context.Context, b domain.ImportBatch) error {
		errs := []error{
			b.PutTerritory(ctx, domain.Territory{Name: "North", Timezone: "UTC"}),
			b.PutProduct(ctx, domain.Product{SKU: "P1", Name: "Wire", Category: "Welding", ListPrice: 10, UnitCost: 6}),
			b.PutProduct(ctx, domain.Product{SKU: "P2", Name: "Gloves", Category: "Safety", ListPrice: 5, UnitCost: 2}),
		}
		for _, a := range []string{"A1", "A2", "A3"} {
			errs = append(errs, b.PutAccount(ctx, domain.Account{ID: a, Name: "Account " + a, Territory: "North", PaymentTermsDays: 30}))
		}
		errs = append(errs, b.PutCommitment(ctx, domain.Commitment{AccountID: "A1", SKU: "P1", Period: domain.Month{Year: 2026, Month: time.November}, CommittedQty: 100}))
		return errors.Join(errs...)
	}
	// lines returns day d's lines: the base days give every account a line of each
	// product; the new days (21 on) give A1 two lines of P1 and one of P2, A2 one of P2
	// (A3 buys nothing new: untouched).
	lines := func(d int) []domain.Sale {
		sale := func(acc, sku string, qty, amount float64) domain.Sale {
			return domain.Sale{Date: day(d), AccountID: acc, SKU: sku, Quantity: qty, Amount: amount, Cost: amount * 0.6,
				Source: fmt.Sprintf("sales-2026-11-%02d.csv", d)}
		}
		if d < 21 {
			return []domain.Sale{sale("A1", "P1", 3, 30.1), sale("A1", "P2", 1, 5.3), sale("A2", "P2", 2, 10.7), sale("A3", "P1", 1, 9.9)}
		}
		return []domain.Sale{sale("A1", "P1", 2, 20.3+float64(d)), sale("A1", "P1", 1, 0.1*float64(d)), sale("A1", "P2", 4, 19.9), sale("A2", "P2", 1, 5.1)}
	}
	load := func(days ...int) func(ctx context.Context, b domain.ImportBatch) error {
		return func(ctx context.Context, b domain.ImportBatch) error {
			for _, d := range days {
				if err := b.ReplaceSales(ctx, fmt.Sprintf("sales-2026-11-%02d.csv", d)); err != nil {
					return err
				}
				for _, s := range lines(d) {
					if err := b.AddSale(ctx, s); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	base := []int{1, 2, 3, 5, 8, 13, 20}
	both := func(ds ...func(context.Context, domain.ImportBatch) error) func(context.Context, domain.ImportBatch) error {
		return func(ctx context.Context, b domain.ImportBatch) error {
			for _, d := range ds {
				if err := d(ctx, b); err != nil {
					return err
				}
			}
			return nil
		}
	}
	incremental, path := open(t)
	storetest.Load(t, incremental, both(company, load(base...)))
	periods := []domain.Period{{After: day(1).AddDate(0, -1, 0), Through: day(20)}, {After: day(20), Through: day(22)},
		{After: day(21), Through: day(30)}, {After: day(1).AddDate(-1, 0, 0), Through: day(30)}}
	for _, step := range []struct {
		day   int
		tails int // accounts with a tail after the step
	}{{21, 2}, {22, 1}, {23, 2}} { // day 22 makes A1's tail 6 lines: folded
		storetest.Load(t, incremental, load(step.day))
		full, _ := open(t)
		var days []int
		for d := 21; d <= step.day; d++ {
			days = append(days, d)
		}
		storetest.Load(t, full, both(company, load(append(base, days...)...)))
		for _, asOf := range []time.Time{day(step.day), day(30)} {
			want, err := full.GradeFacts(t.Context(), asOf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := incremental.GradeFacts(t.Context(), asOf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("day %d: grade facts as of %s (-full +incremental):\n%s", step.day, asOf.Format(time.DateOnly), diff)
			}
		}
		for _, sc := range []domain.Scope{{}, {Territory: "North"}, {AccountID: "A1"}} {
			want, err := full.GapFacts(t.Context(), sc, periods)
			if err != nil {
				t.Fatal(err)
			}
			got, err := incremental.GapFacts(t.Context(), sc, periods)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("day %d: gap facts of %+v (-full +incremental):\n%s", step.day, sc, diff)
			}
		}
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var tails int
		if err := db.QueryRow(`SELECT COUNT(*) FROM facts_tail`).Scan(&tails); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if tails != step.tails {
			t.Errorf("day %d: %d accounts with a facts tail; want %d", step.day, tails, step.tails)
		}
	}
}

// TestRecentLines checks the life of recent sales lines (see sales_recent in the
// schema): a bulk load's lines are not recent; a smaller import's are, and what reads
// lines in index order sees them; when they reach minBulkLines and a tenth of the
// table, an import folds them into the read index; figures stay a full import's.
func TestRecentLines(t *testing.T) {
	company := func(ctx context.Context, b domain.ImportBatch) error {
		errs := []error{b.PutTerritory(ctx, domain.Territory{Name: "North", Timezone: "UTC"})}
		for p := range 5 {
			errs = append(errs, b.PutProduct(ctx, domain.Product{SKU: fmt.Sprintf("P%d", p), Name: "Product", Category: fmt.Sprintf("C%d", p%3), ListPrice: 10, UnitCost: 6}))
		}
		for a := range 50 {
			errs = append(errs, b.PutAccount(ctx, domain.Account{ID: fmt.Sprintf("A%02d", a), Name: fmt.Sprintf("Account %d", a), Territory: "North", PaymentTermsDays: 30}))
		}
		return errors.Join(errs...)
	}
	// lines adds n lines of file source, from day first on, a hundred a day.
	lines := func(source string, first time.Time, n int) func(context.Context, domain.ImportBatch) error {
		return func(ctx context.Context, b domain.ImportBatch) error {
			for i := range n {
				s := domain.Sale{Date: first.AddDate(0, 0, i/100), AccountID: fmt.Sprintf("A%02d", i%50), SKU: fmt.Sprintf("P%d", i%5),
					Quantity: float64(1 + i%3), Amount: 10.01 + float64(i%7), Cost: 6.5, Source: source}
				if err := b.AddSale(ctx, s); err != nil {
					return err
				}
			}
			return nil
		}
	}
	all := func(fs ...func(context.Context, domain.ImportBatch) error) func(context.Context, domain.ImportBatch) error {
		return func(ctx context.Context, b domain.ImportBatch) error {
			for _, f := range fs {
				if err := f(ctx, b); err != nil {
					return err
				}
			}
			return nil
		}
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	files := []func(context.Context, domain.ImportBatch) error{
		all(company, lines("sales-1.csv", start, 60_000)), // 600 days: a bulk load
		lines("sales-2.csv", start.AddDate(0, 0, 600), 30_000),
		lines("sales-3.csv", start.AddDate(0, 0, 900), 30_000),
	}
	s, path := open(t)
	asOf := start.AddDate(0, 0, 1300)
	periods := []domain.Period{domain.Window(asOf), {After: start.AddDate(0, 0, 590), Through: start.AddDate(0, 0, 910)}}
	for i, wantRecent := range []int{0, 30_000, 0} { // the third import folds 60,000 recent lines
		storetest.Load(t, s, files[i])
		full, _ := open(t)
		storetest.Load(t, full, all(files[:i+1]...))
		if got := countWhere(t, path, "recent = 1"); got != wantRecent {
			t.Errorf("after import %d: %d recent lines; want %d", i+1, got, wantRecent)
		}
		for _, account := range []string{"A00", "A07"} {
			want, err := full.SalesBySKU(t.Context(), domain.ForAccount(account), periods)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.SalesBySKU(t.Context(), domain.ForAccount(account), periods)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("after import %d: sales of %s by SKU (-full +incremental):\n%s", i+1, account, diff)
			}
		}
		want, err := full.GapFacts(t.Context(), domain.Scope{}, periods)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GapFacts(t.Context(), domain.Scope{}, periods)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after import %d: gap facts (-full +incremental):\n%s", i+1, diff)
		}
	}
}

// countWhere returns the number of sales lines of the SQLite file path matching where.
func countWhere(t *testing.T, path, where string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sales WHERE ` + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
