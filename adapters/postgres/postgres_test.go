package postgres_test

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/adapters/postgres"
	"github.com/incumbent/incumbent/adapters/postgres/pgtest"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

var _ storetest.Store = (*postgres.Store)(nil)

// schemaURL is pgtest.SchemaURL: a schema of the test's own.
func schemaURL(t *testing.T) string { return pgtest.SchemaURL(t) }

// open opens a store at u and closes it when the test ends.
func open(t *testing.T, u string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// TestContract runs the stores' contract suite against the PostgreSQL store, each
// subtest in a schema of its own.
func TestContract(t *testing.T) {
	schemaURL(t) // skips or fails before any subtest without DATABASE_URL
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t, schemaURL(t)) })
}

// TestOpen opens one database from several replicas at once, as a deployment does:
// the schema is migrated once, and every replica sees the same data.
func TestOpen(t *testing.T) {
	u := schemaURL(t)
	const replicas = 4
	stores := make([]*postgres.Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(t.Context(), u) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	f := storetest.NewFixture(t)
	v := storetest.Load(t, stores[0], f.Write)
	for i, s := range stores {
		if got, err := s.DataVersion(t.Context()); err != nil || got != v {
			t.Errorf("replica %d: DataVersion() = %d, %v, want %d", i, got, err, v)
		}
		got, err := s.FindAccounts(t.Context(), domain.AllAccounts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.Accounts, got); diff != "" {
			t.Errorf("replica %d accounts (-want +got):\n%s", i, diff)
		}
	}
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var applied []int64
	rows, err := conn.Query(t.Context(), `SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if applied, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, applied); diff != "" {
		t.Errorf("migrations applied (-want +got):\n%s", diff)
	}
}

// TestDigestClaimRace claims the same digests from two stores on one database at once,
// as two replicas would: each is won exactly once.
func TestDigestClaimRace(t *testing.T) {
	u := schemaURL(t)
	storetest.ClaimRace(t, open(t, u), open(t, u))
}

// TestOpenBadURL checks that a URL that is not one fails clearly.
func TestOpenBadURL(t *testing.T) {
	if _, err := postgres.Open(t.Context(), "postgres://%zz"); err == nil {
		t.Error("Open(bad URL) = nil error")
	}
}

// TestImportAnalyzes: once an import has committed, the planner's statistics of the
// tables it wrote are fresh (ANALYZE), so that the grade and gap queries are planned for
// the data loaded, with autovacuum off or behind; tables it did not write are left alone.
func TestImportAnalyzes(t *testing.T) {
	u := schemaURL(t)
	s := open(t, u)
	f := storetest.NewFixture(t)
	storetest.Load(t, s, f.Write)
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for _, tt := range []struct {
		table    string
		analyzed bool
	}{
		{"accounts", true}, {"products", true}, {"sales", true}, {"sales_series", true},
		{"invoices", true}, {"commitments", true}, {"rfqs", true},
		{"scenarios", false}, {"digest_deliveries", false},
	} {
		// reltuples is -1 until a table is first analyzed (or vacuumed); ANALYZE sets
		// it, in the same transaction, to the rows it counted.
		var reltuples float64
		var rows int64
		if err := conn.QueryRow(t.Context(), `SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)`, tt.table).Scan(&reltuples); err != nil {
			t.Fatalf("%s: %v", tt.table, err)
		}
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+tt.table).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if tt.analyzed && (rows == 0 || reltuples != float64(rows)) {
			t.Errorf("%s: %d rows, planner statistics %v: want it analyzed after the import", tt.table, rows, reltuples)
		}
		if !tt.analyzed && reltuples != -1 {
			t.Errorf("%s: analyzed (%v) though the import did not write it", tt.table, reltuples)
		}
	}
}
