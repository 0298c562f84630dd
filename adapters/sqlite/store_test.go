package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
	"github.com/pressly/goose/v3"
)

var _ csvimport.Store = (*sqlite.Store)(nil)

// open opens a store on a new file and closes it when the test ends.
func open(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "incumbent.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, path
}

// TestOpen re-opens a file, as a second process would: the schema is not migrated
// again and the data is there. (The behaviour of a new store is in the contract suite.)
func TestOpen(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	counts, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n != 0 {
			t.Errorf("new store: %s has %d rows, want 0", table, n)
		}
	}
	if v, err := s.DataVersion(ctx); err != nil || v != 0 {
		t.Errorf("new store: DataVersion() = %d, %v, want 0", v, err)
	}

	f := storetest.NewFixture(t)
	v := storetest.Load(t, s, f.Write)
	before, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Re-open the existing file, as a second process would.
	s2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("re-open: %v", err)
	}
	defer s2.Close()
	after, err := s2.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("re-opened store row counts (-before +after):\n%s", diff)
	}
	if v2, err := s2.DataVersion(ctx); err != nil || v2 != v {
		t.Errorf("re-opened store: DataVersion() = %d, %v, want %d", v2, err, v)
	}
	got, err := s2.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.Accounts, got); diff != "" {
		t.Errorf("re-opened store accounts (-want +got):\n%s", diff)
	}
}

// TestRollback checks what a rolled-back bulk load leaves of the sales indexes it
// dropped, besides the rows and version the contract suite checks.
func TestRollback(t *testing.T) {
	tests := []struct {
		name  string
		lines int // enough to drop and restore the sales indexes when large
	}{
		{"small", 10},
		{"bulk", 120_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, path := open(t)
			f := storetest.NewFixture(t)
			storetest.Load(t, s, f.Write)
			counts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			version, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			indexes := salesIndexes(t, path)

			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
			if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
				t.Fatal(err)
			}
			for i := range tt.lines {
				sale := f.Sales[i%len(f.Sales)]
				sale.Source = "big.csv"
				if err := b.AddSale(ctx, sale); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Rollback(); err != nil {
				t.Fatal(err)
			}

			gotCounts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(counts, gotCounts); diff != "" {
				t.Errorf("row counts after rollback (-before +after):\n%s", diff)
			}
			if v, err := s.DataVersion(ctx); err != nil || v != version {
				t.Errorf("DataVersion() after rollback = %d, %v, want %d", v, err, version)
			}
			if diff := cmp.Diff(indexes, salesIndexes(t, path)); diff != "" {
				t.Errorf("sales indexes after rollback (-before +after):\n%s", diff)
			}
			if err := b.Rollback(); err != nil {
				t.Errorf("second Rollback() = %v, want nil", err)
			}
		})
	}
}

// salesIndexes returns the names of the indexes of the sales table in the file at path.
func salesIndexes(t testing.TB, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(),
		`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'sales' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestBulkImport adds enough lines to a table to take the bulk path (indexes dropped
// and built again) and checks the totals and the indexes.
func TestBulkImport(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	f := storetest.NewFixture(t)
	storetest.Load(t, s, f.Write)
	indexes := salesIndexes(t, path)
	const n = 100_000
	storetest.Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for i := range n {
			err := b.AddSale(ctx, domain.Sale{Date: storetest.Day(t, "2025-06-01").AddDate(0, 0, i%30),
				AccountID: "B1", SKU: "M-1", Quantity: 1, Amount: 2, Cost: 1, Source: "big.csv"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if diff := cmp.Diff(indexes, salesIndexes(t, path)); diff != "" {
		t.Errorf("sales indexes after bulk import (-before +after):\n%s", diff)
	}
	got, err := s.SalesByCategory(ctx, domain.ForTerritory("South"),
		[]domain.Period{{After: storetest.Day(t, "2025-01-01"), Through: storetest.Day(t, "2025-12-31")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "B1", Key: "Masks", Period: 0, Revenue: 2 * n, Cost: n}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// BenchmarkAddSale imports 200,000 generated lines of one file in one batch into a store
// holding 2,000 accounts and 200 products: each iteration replaces the lines of the one
// before (the first fills an empty table), so it measures ReplaceSales, AddSale and a
// Commit that builds the read index again.
func BenchmarkAddSale(b *testing.B) {
	const (
		lines    = 200_000
		accounts = 2_000
		products = 200
	)
	ctx := b.Context()
	s, _ := open(b)
	storetest.Load(b, s, func(ctx context.Context, bt domain.ImportBatch) error {
		for i := range accounts {
			if err := bt.PutAccount(ctx, domain.Account{ID: fmt.Sprintf("A%05d", i), Name: "x", Territory: "T"}); err != nil {
				return err
			}
		}
		for i := range products {
			if err := bt.PutProduct(ctx, domain.Product{SKU: fmt.Sprintf("P%03d", i), Name: "x", Category: fmt.Sprintf("C%d", i%12)}); err != nil {
				return err
			}
		}
		return nil
	})
	sales := make([]domain.Sale, lines)
	start := storetest.Day(b, "2022-01-01")
	for i := range sales {
		sales[i] = domain.Sale{
			Date:      start.AddDate(0, 0, i*1095/lines),
			AccountID: fmt.Sprintf("A%05d", (i*7919)%accounts),
			SKU:       fmt.Sprintf("P%03d", (i*31)%products),
			Quantity:  float64(1 + i%20),
			Amount:    float64(1+i%20) * 12.34,
			Cost:      float64(1+i%20) * 7.5,
			InvoiceID: fmt.Sprintf("INV-%07d", i/5),
			Source:    "sales.csv",
		}
	}
	for b.Loop() {
		bt, err := s.BeginImport(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := bt.ReplaceSales(ctx, "sales.csv"); err != nil {
			b.Fatal(err)
		}
		for _, sale := range sales {
			if err := bt.AddSale(ctx, sale); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bt.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestFirstLoadJournal checks that a first load writes through a rollback journal when
// no other connection has the file open, and through the WAL when one has, and that the
// file is in WAL mode again after it, committed or rolled back.
func TestFirstLoadJournal(t *testing.T) {
	tests := []struct {
		name     string
		other    bool // a second store has the file open during the load
		rollback bool
		wantWAL  bool // the load writes through the WAL
	}{
		{name: "alone", wantWAL: false},
		{name: "rolled back", rollback: true, wantWAL: false},
		{name: "another store open", other: true, wantWAL: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, path := open(t)
			if tt.other {
				other, err := sqlite.Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				if _, err := other.DataVersion(ctx); err != nil {
					t.Fatal(err)
				}
			}
			f := storetest.NewFixture(t)
			b := beginWritten(t, s, f)
			if got := exists(path + "-wal"); got != tt.wantWAL {
				t.Errorf("during the load, %s-wal exists = %t, want %t", filepath.Base(path), got, tt.wantWAL)
			}
			if got := exists(path + "-journal"); got == tt.wantWAL {
				t.Errorf("during the load, %s-journal exists = %t, want %t", filepath.Base(path), got, !tt.wantWAL)
			}
			if tt.rollback {
				if err := b.Rollback(); err != nil {
					t.Fatal(err)
				}
			} else if _, err := b.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if got := journalMode(t, path); got != "wal" {
				t.Errorf("journal mode after the load = %q, want wal", got)
			}
			counts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := counts["sales"] > 0, !tt.rollback; got != want {
				t.Errorf("sales stored after the load: %t, want %t (%v)", got, want, counts)
			}
			// The next import, into a database with sales, goes through the WAL.
			if !tt.rollback {
				b := beginWritten(t, s, f)
				if exists(path + "-journal") {
					t.Errorf("the second import writes a rollback journal, want the WAL")
				}
				if _, err := b.Commit(ctx); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// beginWritten begins an import and writes the fixture into it; the test's end rolls
// it back unless it was committed.
func beginWritten(t *testing.T, s *sqlite.Store, f storetest.Fixture) domain.ImportBatch {
	t.Helper()
	b, err := s.BeginImport(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Rollback() })
	if err := f.Write(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// journalMode returns the journal mode of the file at path, as a new connection finds it.
func journalMode(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

// TestSourceSpans checks the spans of row ids that ReplaceSales reads and deletes a
// source's lines by (see sources in the schema): they hold each source's lines after
// imports that interleave, replace and roll back, and when the row ids have moved (as
// a VACUUM may move them), ReplaceSales still deletes every line of its source.
func TestSourceSpans(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	f := storetest.NewFixture(t)
	storetest.Load(t, s, f.Write)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSpans(t, db, "fixture", map[string]int64{"sales-2024-01.csv": 2, "sales-2024-02.csv": 2, "sales-2024-03.csv": 1, "sales-2024-04.csv": 1})

	sale := func(source string, amount float64) domain.Sale {
		return domain.Sale{Date: storetest.Day(t, "2024-05-02"), AccountID: "A1", SKU: "G-1", Quantity: 1, Amount: amount, Cost: 1, Source: source}
	}
	storetest.Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, err := range []error{
			b.ReplaceSales(ctx, "sales-2024-01.csv"),
			b.AddSale(ctx, sale("sales-2024-01.csv", 5)),
			b.AddSale(ctx, sale("new.csv", 7)), // interleaved
			b.AddSale(ctx, sale("sales-2024-01.csv", 5)),
			b.ReplaceSales(ctx, "sales-2024-03.csv"),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	checkSpans(t, db, "interleaved and replaced", map[string]int64{"sales-2024-01.csv": 2, "sales-2024-02.csv": 2, "sales-2024-04.csv": 1, "new.csv": 1})

	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ReplaceSales(ctx, "sales-2024-02.csv"); err != nil {
		t.Fatal(err)
	}
	if err := b.AddSale(ctx, sale("sales-2024-02.csv", 3)); err != nil {
		t.Fatal(err)
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	checkSpans(t, db, "rolled back", map[string]int64{"sales-2024-01.csv": 2, "sales-2024-02.csv": 2, "sales-2024-04.csv": 1, "new.csv": 1})

	// Move every line past its span, then replace a source: all its lines go.
	if _, err := db.ExecContext(ctx, `UPDATE sales SET rowid = rowid + 1000`); err != nil {
		t.Fatal(err)
	}
	storetest.Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
			return err
		}
		return b.AddSale(ctx, sale("sales-2024-01.csv", 11))
	})
	var revenue float64
	if err := db.QueryRowContext(ctx, `SELECT SUM(amount) FROM sales WHERE source = (SELECT id FROM sources WHERE name = 'sales-2024-01.csv')`).Scan(&revenue); err != nil {
		t.Fatal(err)
	}
	if revenue != 11 {
		t.Errorf("after the row ids moved, sales-2024-01.csv holds %v of revenue, want 11 (its one new line)", revenue)
	}
	if _, err := db.ExecContext(ctx, `UPDATE sales SET rowid = rowid - 1000 WHERE rowid > 1000 AND source != (SELECT id FROM sources WHERE name = 'sales-2024-01.csv')`); err != nil {
		t.Fatal(err)
	}
	checkSpans(t, db, "after the row ids moved", map[string]int64{"sales-2024-01.csv": 1, "sales-2024-02.csv": 2, "sales-2024-04.csv": 1, "new.csv": 1})
}

// checkSpans compares, for every source, its lines with its span and with want (lines
// by source).
func checkSpans(t *testing.T, db *sql.DB, when string, want map[string]int64) {
	t.Helper()
	ctx := t.Context()
	rows, err := db.QueryContext(ctx, `SELECT name, lines,
		(SELECT COUNT(*) FROM sales WHERE source = sources.id),
		(SELECT COUNT(*) FROM sales WHERE source = sources.id AND rowid BETWEEN first_line AND last_line)
		FROM sources`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int64{}
	for rows.Next() {
		var name string
		var lines, stored, spanned int64
		if err := rows.Scan(&name, &lines, &stored, &spanned); err != nil {
			t.Fatal(err)
		}
		if lines != stored || spanned != stored {
			t.Errorf("%s: %s: %d lines stored, %d in its span, %d recorded", when, name, stored, spanned, lines)
		}
		if stored > 0 {
			got[name] = stored
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: lines by source (-want +got):\n%s", when, diff)
	}
}

// TestSourceSpansMigration migrates a store with sales lines down to the index of
// their sources and up again: the migration records every source's span.
func TestSourceSpansMigration(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "incumbent.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Load(t, s, storetest.NewFixture(t).Write)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS("migrations"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if got := salesIndexes(t, path); !slices.Contains(got, "sales_source") {
		t.Fatalf("before the migration, sales indexes %v, want sales_source", got)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkSpans(t, db, "migrated", map[string]int64{"sales-2024-01.csv": 2, "sales-2024-02.csv": 2, "sales-2024-03.csv": 1, "sales-2024-04.csv": 1})
	if got := salesIndexes(t, path); slices.Contains(got, "sales_source") {
		t.Errorf("after the migration, sales indexes %v, want no sales_source", got)
	}
}
