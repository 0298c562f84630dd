package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/adapters/postgres"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

// summariesAsLines returns the rows of the summaries, their running revenue and
// company_series that differ
// from the same sums computed from the sales lines now, both ways, as text (ten at
// most): none when they are current.
const summariesAsLines = `SELECT d::text FROM (
	(SELECT 'product', product::text, day, revenue, cost, lines FROM product_day_sums
	EXCEPT SELECT 'product', product::text, day, SUM(amount::numeric), SUM(cost::numeric), COUNT(*) FROM sales GROUP BY product, day)
	UNION ALL
	(SELECT 'lines', product::text, day, SUM(amount::numeric), SUM(cost::numeric), COUNT(*) FROM sales GROUP BY product, day
	EXCEPT SELECT 'lines', product::text, day, revenue, cost, lines FROM product_day_sums)
	UNION ALL
	(SELECT 'industry', industry || ' ' || product, day, revenue, cost, lines FROM industry_product_day_sums
	EXCEPT SELECT 'industry', a.industry || ' ' || s.product, s.day, SUM(s.amount::numeric), SUM(s.cost::numeric), COUNT(*)
		FROM sales s JOIN accounts a ON a.id = s.account WHERE a.industry <> '' GROUP BY a.industry, s.product, s.day)
	UNION ALL
	(SELECT 'industry lines', a.industry || ' ' || s.product, s.day, SUM(s.amount::numeric), SUM(s.cost::numeric), COUNT(*)
		FROM sales s JOIN accounts a ON a.id = s.account WHERE a.industry <> '' GROUP BY a.industry, s.product, s.day
	EXCEPT SELECT 'industry lines', industry || ' ' || product, day, revenue, cost, lines FROM industry_product_day_sums)
	UNION ALL
	(SELECT 'running', product::text, day, revenue, 0, 0 FROM product_running_revenue
	EXCEPT SELECT 'running', product::text, day, revenue, 0, 0 FROM runningFromLines)
	UNION ALL
	(SELECT 'running from lines', product::text, day, revenue, 0, 0 FROM runningFromLines
	EXCEPT SELECT 'running from lines', product::text, day, revenue, 0, 0 FROM product_running_revenue)
	UNION ALL
	(SELECT 'industry running', industry || ' ' || product, day, revenue, 0, 0 FROM industry_product_running_revenue
	EXCEPT SELECT 'industry running', industry || ' ' || product, day, revenue, 0, 0 FROM industryRunningFromLines)
	UNION ALL
	(SELECT 'industry running from lines', industry || ' ' || product, day, revenue, 0, 0 FROM industryRunningFromLines
	EXCEPT SELECT 'industry running from lines', industry || ' ' || product, day, revenue, 0, 0 FROM industry_product_running_revenue)
	UNION ALL
	(SELECT 'company ' || category || ' ' || days::text || revenue::text || cost::text, '', 0, 0, 0, 0 FROM company_series
	EXCEPT SELECT 'company ' || category || ' ' || days::text || revenue::text || cost::text, '', 0, 0, 0, 0 FROM companyFromLines)
	UNION ALL
	(SELECT 'company from lines ' || category || ' ' || days::text || revenue::text || cost::text, '', 0, 0, 0, 0 FROM companyFromLines
	EXCEPT SELECT 'company from lines ' || category || ' ' || days::text || revenue::text || cost::text, '', 0, 0, 0, 0 FROM company_series)
	) d LIMIT 10`

// companyFromLines is company_series computed from the sales lines: running totals of
// exact sums, the same bits whether the series were appended to or recomputed.
const companyFromLines = `(SELECT category, array_agg(day ORDER BY day) AS days, array_agg(revenue::float8 ORDER BY day) AS revenue,
		array_agg(cost::float8 ORDER BY day) AS cost
	FROM (
		SELECT p.category, s.day, SUM(SUM(s.amount::numeric)) OVER w AS revenue, SUM(SUM(s.cost::numeric)) OVER w AS cost
		FROM sales s JOIN products p ON p.id = s.product
		GROUP BY p.category, s.day
		WINDOW w AS (PARTITION BY p.category ORDER BY s.day)
	) x GROUP BY category) c`

// runningFromLines is product_running_revenue computed from the sales lines.
const runningFromLines = `(SELECT product, day, SUM(SUM(amount::numeric)) OVER (PARTITION BY product ORDER BY day) AS revenue
	FROM sales GROUP BY product, day) r`

// industryRunningFromLines is industry_product_running_revenue computed from the sales
// lines.
const industryRunningFromLines = `(SELECT a.industry, s.product, s.day,
		SUM(SUM(s.amount::numeric)) OVER (PARTITION BY a.industry, s.product ORDER BY s.day) AS revenue
	FROM sales s JOIN accounts a ON a.id = s.account WHERE a.industry <> '' GROUP BY a.industry, s.product, s.day) r`

// staleSummaries is summariesAsLines with its tables computed from the lines written out.
var staleSummaries = strings.NewReplacer("companyFromLines", companyFromLines, "industryRunningFromLines", industryRunningFromLines,
	"runningFromLines", runningFromLines).Replace(summariesAsLines)

// cmpSorted compares slices of strings in any order.
var cmpSorted = cmp.Options{cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()}

// TestReadModelDelta imports small deltas into the generated company and checks that
// each keeps the read model current from the change alone: the summaries equal the
// sums of the lines, and only the series of the accounts the delta reaches are
// written again (a row's xmin is the transaction that wrote it).
func TestReadModelDelta(t *testing.T) {
	u := schemaURL(t)
	s := open(t, u)
	f := storetest.Generated(t)
	storetest.Load(t, s, f.Write)
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	ctx := t.Context()
	// writers returns the transaction that last wrote each account's series, by account.
	writers := func() map[string]string {
		t.Helper()
		rows, err := conn.Query(ctx, `SELECT a.account_id || ' ' || x.category, x.xmin::text
			FROM sales_series x JOIN accounts a ON a.id = x.account`)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		var key, xmin string
		if _, err := pgx.ForEachRow(rows, []any{&key, &xmin}, func() error { out[key] = xmin; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name    string
		write   func(ctx context.Context, b domain.ImportBatch) error
		reached []string // the series written again, "account category"
	}{
		{"a new day", func(ctx context.Context, b domain.ImportBatch) error {
			if err := b.ReplaceSales(ctx, "sales-2026-11-28.csv"); err != nil {
				return err
			}
			return b.AddSale(ctx, domain.Sale{Date: day, AccountID: "C001", SKU: "P-02", Quantity: 1, Amount: 12.34, Cost: 7, Source: "sales-2026-11-28.csv"})
		}, []string{"C001 Gloves"}},
		{"the same day again, changed", func(ctx context.Context, b domain.ImportBatch) error {
			if err := b.ReplaceSales(ctx, "sales-2026-11-28.csv"); err != nil {
				return err
			}
			return b.AddSale(ctx, domain.Sale{Date: day, AccountID: "C002", SKU: "P-03", Quantity: 1, Amount: 5, Cost: 2, Source: "sales-2026-11-28.csv"})
		}, []string{"C001 Abrasives", "C001 Fasteners", "C001 Gloves", "C001 Welding", "C002 Welding"}},
		{"an account to another industry", func(ctx context.Context, b domain.ImportBatch) error {
			a := f.Accounts[5]
			a.Industry = "Printing"
			return b.PutAccount(ctx, a)
		}, nil},
		{"two new days, for a new category too", func(ctx context.Context, b domain.ImportBatch) error {
			p := domain.Product{SKU: "P-99", Name: "new", Category: "Tape", ListPrice: 3, UnitCost: 1}
			if err := b.PutProduct(ctx, p); err != nil {
				return err
			}
			if err := b.ReplaceSales(ctx, "sales-2026-11-30.csv"); err != nil {
				return err
			}
			return errors.Join(
				b.AddSale(ctx, domain.Sale{Date: day.AddDate(0, 0, 1), AccountID: "C003", SKU: "P-99", Quantity: 1, Amount: 2.5, Cost: 1, Source: "sales-2026-11-30.csv"}),
				b.AddSale(ctx, domain.Sale{Date: day.AddDate(0, 0, 2), AccountID: "C003", SKU: "P-00", Quantity: 1, Amount: 7.1, Cost: 3, Source: "sales-2026-11-30.csv"}),
				b.AddSale(ctx, domain.Sale{Date: day.AddDate(0, 0, 2), AccountID: "C003", SKU: "P-04", Quantity: 2, Amount: 8.2, Cost: 4, Source: "sales-2026-11-30.csv"}),
				b.AddSale(ctx, domain.Sale{Date: day.AddDate(0, 0, 1), AccountID: "C004", SKU: "P-00", Quantity: 1, Amount: 1.15, Cost: 0.5, Source: "sales-2026-11-30.csv"}))
		}, []string{"C003 Abrasives", "C003 Tape", "C004 Abrasives"}},
	} {
		before := writers()
		storetest.Load(t, s, tt.write)
		after := writers()
		var reached []string
		for key, xmin := range after {
			if before[key] != xmin {
				reached = append(reached, key)
			}
		}
		for key := range before {
			if _, ok := after[key]; !ok {
				reached = append(reached, key+" (gone)")
			}
		}
		if diff := cmp.Diff(tt.reached, reached, cmpSorted); diff != "" {
			t.Errorf("%s: series written again (-want +got):\n%s", tt.name, diff)
		}
		if stale := staleSummaryRows(t, conn); len(stale) > 0 {
			t.Errorf("%s: summaries not the sums of the lines: %q", tt.name, stale)
		}
	}
}

// TestMigrationFillsSummaries takes a database holding the generated company back to
// the schema before the summaries (version 8) and forward again: the migration fills
// the summaries and the company series from the lines, as an import would.
func TestMigrationFillsSummaries(t *testing.T) {
	u := schemaURL(t)
	s := open(t, u)
	storetest.Load(t, s, storetest.Generated(t).Write)
	ctx := t.Context()
	asOf := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	want, err := s.IndustryBestSellers(ctx, "Food", asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{8, 9} {
		if err := postgres.MigrateTo(ctx, u, v); err != nil {
			t.Fatalf("migrate to %d: %v", v, err)
		}
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if stale := staleSummaryRows(t, conn); len(stale) > 0 {
		t.Errorf("after the migration, summaries not the sums of the lines: %q", stale)
	}
	got, err := s.IndustryBestSellers(ctx, "Food", asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !cmp.Equal(want, got) {
		t.Errorf("Food's best sellers: %v before the migration, %v after", want, got)
	}
}

// staleSummaryRows returns the summary rows (staleSummaries) that are not what the
// sales lines sum to.
func staleSummaryRows(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(t.Context(), staleSummaries)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return stale
}
