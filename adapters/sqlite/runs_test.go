package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/sqlite"
)

// TestFirstLoadRuns imports a demo company as a first load twice, once with the sorted
// runs the rebuild pass merges (short runs, so that most are spilled to a file) and
// once reading the lines and invoices back from SQLite, and checks that every table
// comes out the same, to the bit. The sales hold lines that tie on every sorted column
// and amounts of -0.
func TestFirstLoadRuns(t *testing.T) {
	ctx := t.Context()
	data := filepath.Join(t.TempDir(), "data")
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if _, err := demo.Write(ctx, data, demo.Options{Accounts: 250, Months: 24, End: end, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(data, "sales.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"2026-11-02,A0004,PKG-0016,5,100.00,60.00,T-1",
		"2026-11-02,A0004,PKG-0016,5,100.00,60.00,T-2",
		"2026-11-02,A0004,PKG-0016,-0,-0.00,-0,T-3",
		"2026-11-02,A0004,PKG-0016,0,0.00,0,T-4",
		"2026-11-03,A0005,PKG-0016,1,-0,0,T-5",
		"1969-06-01,A0004,PKG-0016,2,20.00,12.00,T-6", // a day number below 0: the key is not packed
	} {
		fmt.Fprintln(f, line)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	load := func(runs bool) map[string][]string {
		defer sqlite.SetRuns(5000, runs)()
		s, path := open(t)
		merged := sqlite.RunsMerged()
		im := &csvimport.Importer{Store: s, Now: func() time.Time { return end }}
		if _, err := im.Import(ctx, data); err != nil {
			t.Fatal(err)
		}
		if got, want := sqlite.RunsMerged()-merged, map[bool]int64{true: 2, false: 0}[runs]; got != want {
			t.Fatalf("with runs %t: %d merges read, want %d", runs, got, want)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.runs")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
		return dumpTables(t, path)
	}
	want, got := load(false), load(true)
	if len(want["account_facts"]) < 100 || len(want["sales"]) < 50_000 {
		t.Fatalf("%d account facts, %d sales lines: too few to test", len(want["account_facts"]), len(want["sales"]))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-read from SQLite +merged from runs):\n%s", diff)
	}
	if !slices.ContainsFunc(got["sales"], func(l string) bool { return strings.HasPrefix(l, "|-214|") }) {
		t.Errorf("no sales line of 1969-06-01 (day -214) stored")
	}
}

// dumpTables returns every row of every table of the file at path, as text (floats
// by their bits), sorted.
func dumpTables(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := ""
			for _, v := range vals {
				switch v := v.(type) {
				case float64:
					line += fmt.Sprintf("|%x", v)
				case []byte:
					line += fmt.Sprintf("|%x", v)
				default:
					line += fmt.Sprintf("|%v", v)
				}
			}
			out[table] = append(out[table], line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}
