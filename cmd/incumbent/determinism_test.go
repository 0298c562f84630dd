package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/postgres/pgtest"
)

// TestSameBytesInEveryStore asks the questions whose answers sum many floats again and
// again, each time through a new `incumbent ask` (a new bot with empty caches), and
// checks that every answer is the same bytes in every format, in SQLite and in
// PostgreSQL (DESIGN section 4): the stores sum in a fixed order too (PostgreSQL in
// numeric, whatever its plan), and the Slack and Teams renderings are as stable as the
// bot's text and JSON.
func TestSameBytesInEveryStore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, out, errOut := run(t, "", nil, "demo", "--accounts", "60", "--months", "14", data); code != 0 {
		t.Fatalf("demo: status %d\n%s%s", code, out, errOut)
	}
	questions := []string{"gap acme", "brief acme", "gap territory Northeast", "gap market", "grade acme", "grade territory Northeast",
		"deal suggest acme", "cpu acme " + offeredSKU(t, data), "growth acme", "growth territory Northeast", "digest Northeast"}
	stores := []struct {
		name string
		env  func(t *testing.T) map[string]string
		args []string
	}{
		{"sqlite", func(*testing.T) map[string]string { return nil }, []string{"--db", filepath.Join(dir, "x.db")}},
		{"postgres", func(t *testing.T) map[string]string { return map[string]string{"DATABASE_URL": pgtest.SchemaURL(t)} }, nil},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			env := st.env(t)
			if code, out, errOut := run(t, "", env, append(append([]string{"import"}, st.args...), data)...); code != 0 {
				t.Fatalf("import: status %d\n%s%s", code, out, errOut)
			}
			for _, q := range questions {
				for _, format := range []string{"json", "text", "slack", "teams"} {
					ask := func() string {
						args := append(append([]string{"ask"}, st.args...), "--as-of", "2026-11-27", "--format", format, q)
						code, out, errOut := run(t, "", env, args...)
						if code != 0 {
							t.Fatalf("%s --format %s: status %d\n%s%s", q, format, code, out, errOut)
						}
						return out
					}
					first := ask()
					for range 2 {
						if diff := cmp.Diff(first, ask()); diff != "" {
							t.Fatalf("%s --format %s differs from one run to the next (-first +later):\n%s", q, format, diff)
						}
					}
				}
			}
		})
	}
}

// offeredSKU returns the SKU of the first competitor offer of a demo company.
func offeredSKU(t *testing.T, data string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(data, "competitor_offers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("competitor_offers.csv: %v, %d rows", err, len(rows))
	}
	return rows[1][1]
}
