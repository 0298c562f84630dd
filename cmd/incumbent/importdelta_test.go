package main

import (
	"bufio"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the driver of the direct reads below
)

// TestDeltaImportEqualsRebuild imports the demo company without its last two days, then
// deltas of the kinds a nightly load brings, and checks after each that the SQLite read
// model is byte for byte the one a store importing the same final files at once builds:
// the facts of every account (touched or not), the grade facts, the company's category
// series, the day sums and their running revenue, and the first and last sales days.
func TestDeltaImportEqualsRebuild(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "", nil, "demo", "--accounts", "200", "--end", "2026-11-27", data); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	lastDays := func(line string) bool {
		return strings.HasPrefix(line, "2026-11-26,") || strings.HasPrefix(line, "2026-11-27,")
	}
	base, day1, day2 := filepath.Join(dir, "base"), filepath.Join(dir, "day1"), filepath.Join(dir, "day2")
	copyDir(t, data, base, func(name, line string) bool { return name != "sales.csv" || !lastDays(line) })
	dayLines := func(date string) []string {
		return filterLines(t, filepath.Join(data, "sales.csv"), func(line string) bool { return strings.HasPrefix(line, date+",") })
	}
	writeLines(t, filepath.Join(day1, "sales-2026-11-26.csv"), dayLines("2026-11-26"))
	writeLines(t, filepath.Join(day2, "sales-2026-11-27.csv"), dayLines("2026-11-27"))

	delta := filepath.Join(dir, "delta.db")
	importInto(t, delta, base)
	steps := []struct {
		name  string
		apply func(t *testing.T, final string) // changes the final files, imports the change into delta
	}{
		{"a day's new lines (continued in the facts tails)", func(t *testing.T, final string) {
			copyDir(t, day1, final, nil)
			importInto(t, delta, day1)
			if n := countRows(t, delta, "facts_tail"); n == 0 {
				t.Error("no account has a facts tail after a day's new lines")
			}
		}},
		{"the next day's (the tails grow)", func(t *testing.T, final string) {
			copyDir(t, day2, final, nil)
			importInto(t, delta, day2)
		}},
		{"the same day again (replaced)", func(t *testing.T, final string) {
			importInto(t, delta, day2)
		}},
		{"the day's file with lines changed and dropped", func(t *testing.T, final string) {
			lines := filterLines(t, filepath.Join(day2, "sales-2026-11-27.csv"), func(string) bool { return true })
			var kept []string
			for i, l := range lines {
				switch {
				case i > 0 && i%7 == 0:
					continue // dropped
				case i > 0 && i%5 == 0:
					f := strings.Split(l, ",")
					f[4] = "1234.56" // amount
					l = strings.Join(f, ",")
				}
				kept = append(kept, l)
			}
			writeLines(t, filepath.Join(final, "sales-2026-11-27.csv"), kept)
			changed := filepath.Join(dir, "changed")
			writeLines(t, filepath.Join(changed, "sales-2026-11-27.csv"), kept)
			importInto(t, delta, changed)
		}},
		{"an account moved, a product recategorised, an invoice paid", func(t *testing.T, final string) {
			edits := filepath.Join(dir, "edits")
			edit := func(name string, change func(i int, f []string) []string) {
				lines := filterLines(t, filepath.Join(final, name), func(string) bool { return true })
				for i := 1; i < len(lines); i++ {
					if f := change(i, strings.Split(lines[i], ",")); f != nil {
						lines[i] = strings.Join(f, ",")
					}
				}
				os.Remove(filepath.Join(final, name)) // a symbolic link to the data set
				writeLines(t, filepath.Join(final, name), lines)
				writeLines(t, filepath.Join(edits, name), lines)
			}
			edit("accounts.csv", func(i int, f []string) []string {
				if i == 3 {
					f[2], f[4] = "Northeast", "mining" // territory, industry
					return f
				}
				return nil
			})
			edit("products.csv", func(i int, f []string) []string {
				if i == 2 {
					f[2] = "Abrasives" // category
					return f
				}
				return nil
			})
			edit("invoices.csv", func(i int, f []string) []string {
				if i == 10 {
					f[5] = "2026-11-20" // paid_date
					return f
				}
				return nil
			})
			importInto(t, delta, edits)
		}},
	}
	final := filepath.Join(dir, "final")
	copyDir(t, base, final, nil)
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.apply(t, final)
			full := filepath.Join(t.TempDir(), "full.db")
			importInto(t, full, final)
			compareReadModels(t, delta, full)
		})
	}
}

// countRows returns the number of rows of table in the SQLite file db.
func countRows(t *testing.T, db, table string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// compareReadModels fails t for every difference between the read models of two
// SQLite files.
func compareReadModels(t *testing.T, got, want string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+got+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ATTACH ? AS want`, "file:"+want+"?mode=ro"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, q string }{
		// The facts as readers see them: the blobs continued with the account's tail of
		// lines appended since (facts_tail; the full import leaves none).
		{"account facts", `SELECT account_id FROM (SELECT account_id, incumbent_facts(facts, t.lines) AS facts
			FROM account_facts LEFT JOIN facts_tail t USING (account)) x
			FULL JOIN want.account_facts y USING (account_id) WHERE x.facts IS NOT y.facts`},
		{"grade facts", `SELECT account_id FROM (SELECT account_id, incumbent_grade_facts(facts, t.lines, t.commitments) AS facts
			FROM grade_facts LEFT JOIN facts_tail t USING (account)) x
			FULL JOIN want.grade_facts y USING (account_id) WHERE x.facts IS NOT y.facts`},
		{"no tails in a full import", `SELECT account FROM want.facts_tail`},
		{"category series", `SELECT category FROM category_series x FULL JOIN want.category_series y USING (category)
			WHERE x.series IS NOT y.series`},
		{"day sums", `SELECT day FROM day_sums x FULL JOIN want.day_sums y USING (day) WHERE x.sums IS NOT y.sums`},
		{"industry day sums", `SELECT industry || ' ' || day FROM industry_day_sums x
			FULL JOIN want.industry_day_sums y USING (industry, day) WHERE x.sums IS NOT y.sums`},
		{"running revenue", `SELECT day FROM running_revenue x FULL JOIN want.running_revenue y USING (day)
			WHERE x.sums IS NOT y.sums`},
		{"industry running revenue", `SELECT industry || ' ' || day FROM industry_running_revenue x
			FULL JOIN want.industry_running_revenue y USING (industry, day) WHERE x.sums IS NOT y.sums`},
		{"sales dates", `SELECT 'meta' FROM meta x, want.meta y
			WHERE x.sales_first IS NOT y.sales_first OR x.sales_last IS NOT y.sales_last`},
	} {
		var diff []string
		rows, err := db.Query(c.q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			diff = append(diff, k)
		}
		rows.Close()
		if len(diff) > 0 {
			t.Errorf("%s differ from a full import's for %d keys, first %v", c.what, len(diff), diff[:min(10, len(diff))])
		}
	}
}

func importInto(t *testing.T, db, dir string) {
	t.Helper()
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import %s: %d\n%s%s", dir, code, out, errOut)
	}
}

// copyDir copies the CSV files of from into to, keeping the lines keep allows (all
// when nil; headers always).
func copyDir(t *testing.T, from, to string, keep func(name, line string) bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(from, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		writeLines(t, filepath.Join(to, name), filterLines(t, f, func(line string) bool {
			return keep == nil || keep(name, line)
		}))
	}
}

// filterLines returns the header of a CSV file and the lines keep allows.
func filterLines(t *testing.T, path string, keep func(string) bool) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(out) == 0 || keep(sc.Text()) {
			out = append(out, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
