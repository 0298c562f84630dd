// Package pgtest gives tests a PostgreSQL schema of their own in the database of
// DATABASE_URL, as net/http/httptest gives them a server.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// SchemaURL creates a schema of its own for the test in the database of DATABASE_URL,
// drops it when the test ends, and returns the URL that opens stores in it (search_path
// set). It skips the test without DATABASE_URL, unless INCUMBENT_REQUIRE_SERVICES is
// set: then it fails.
func SchemaURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
			t.Fatal("DATABASE_URL is not set, and INCUMBENT_REQUIRE_SERVICES requires the real PostgreSQL")
		}
		t.Skip("DATABASE_URL is not set: the PostgreSQL store is not tested")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("PostgreSQL at DATABASE_URL does not answer: %v", err)
	}
	defer conn.Close(ctx)
	schema := pgx.Identifier{"incumbent_test_" + rand.Text()[:16]}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
