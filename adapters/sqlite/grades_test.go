package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

// TestGradeFactsMatchRecords checks the grade read model against the records it was
// built from, on a demo company and at several as-of dates: today, a past date whose
// invoices were paid later, and one whose window holds only part of the history.
func TestGradeFactsMatchRecords(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{Accounts: 60, Months: 24, End: end, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	s, _ := open(t)
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	for _, asOf := range []time.Time{end, end.AddDate(0, -4, -3), end.AddDate(-1, 0, 0)} {
		want := storetest.ReferenceGradeFacts(t, s, asOf)
		got := storetest.GradeFactsByAccount(t, s, asOf)
		if len(want) < 50 {
			t.Fatalf("as of %s: only %d accounts with data", asOf.Format(domain.DateLayout), len(want))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 1e-6)); diff != "" {
			t.Errorf("as of %s (-records +read model):\n%s", asOf.Format(domain.DateLayout), diff)
		}
	}
}

// TestReadModelUpgrade opens a file whose read model an earlier build made (no grade
// facts): Open rebuilds it.
func TestReadModelUpgrade(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	storetest.Load(t, s, storetest.NewFixture(t).Write)
	want := storetest.GradeFactsByAccount(t, s, storetest.Day(t, "2024-06-30"))
	if len(want) != 3 {
		t.Fatalf("grade facts of %d accounts, want 3", len(want))
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM grade_facts; UPDATE meta SET read_model = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if diff := cmp.Diff(want, storetest.GradeFactsByAccount(t, s2, storetest.Day(t, "2024-06-30"))); diff != "" {
		t.Errorf("after reopening (-before +after):\n%s", diff)
	}
}
