package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/postgres/pgtest"
	"github.com/incumbent/incumbent/adapters/sqlite"
)

// run runs Main with args and returns its status and output.
func run(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) },
	})
	return code, out.String(), errOut.String()
}

// testDB imports bot/testdata/<dataset>, one of the hand-made companies whose figures
// the bot's tests work out by hand, into a new SQLite database.
func testDB(t *testing.T, dataset string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), dataset+".db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, testdata(dataset)); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	return db
}

// testdata returns the path of bot/testdata/<name>.
func testdata(name string) string { return filepath.Join("..", "..", "bot", "testdata", name) }

// openStore opens db for a test that reads or writes it directly.
func openStore(t *testing.T, db string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ask runs `incumbent ask` on db as of 2026-11-27 and returns the status and output.
func ask(t *testing.T, db string, args ...string) (int, string) {
	t.Helper()
	code, out, errOut := run(t, "", nil, append([]string{"ask", "--db", db, "--as-of", "2026-11-27"}, args...)...)
	return code, out + errOut
}

// TestDBFlagWinsOverDatabaseURL: a --db given on the command line opens that SQLite
// file although DATABASE_URL names a PostgreSQL database (here one that cannot be
// reached, so that using it would fail); INCUMBENT_DB does not win over DATABASE_URL.
func TestDBFlagWinsOverDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	data, db := filepath.Join(dir, "data"), filepath.Join(dir, "test.db")
	if code, out, errOut := run(t, "", nil, "demo", "--accounts", "20", "--months", "3", data); code != 0 {
		t.Fatalf("demo: status %d\n%s%s", code, out, errOut)
	}
	env := map[string]string{"DATABASE_URL": "postgres://u:pw@127.0.0.1:1/db?sslmode=disable"}
	for _, args := range [][]string{
		{"import", "--db", db, data},
		{"ask", "--db", db, "gap", "acme"},
		{"digest", "--db", db, "Northeast"},
	} {
		if code, out, errOut := run(t, "", env, args...); code != 0 || strings.Contains(errOut, "DATABASE_URL") {
			t.Errorf("%v with DATABASE_URL set: status %d\n%s%s", args, code, out, errOut)
		}
	}
	env["INCUMBENT_DB"] = db
	if code, _, errOut := run(t, "", env, "ask", "gap", "acme"); code == 0 || !strings.Contains(errOut, "DATABASE_URL") {
		t.Errorf("INCUMBENT_DB and DATABASE_URL: status %d, want DATABASE_URL used (and unreachable):\n%s", code, errOut)
	}
}

func TestDemoImportAsk(t *testing.T) {
	dir := t.TempDir()
	data, db := filepath.Join(dir, "data"), filepath.Join(dir, "test.db")

	code, out, errOut := run(t, "", nil, "demo", "--accounts", "60", "--months", "14", data)
	if code != 0 {
		t.Fatalf("demo: status %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "wrote a demo company of 60 accounts, 14 months to 2026-11-27") {
		t.Errorf("demo output:\n%s", out)
	}

	code, out, errOut = run(t, "", nil, "import", "--db", db, data)
	if code != 0 {
		t.Fatalf("import: status %d\n%s%s", code, out, errOut)
	}
	for _, f := range []string{"territories.csv", "sales.csv", "objectives.csv", "data version 1"} {
		if !strings.Contains(out, f) {
			t.Errorf("import output lacks %q:\n%s", f, out)
		}
	}

	code, out, errOut = run(t, "", map[string]string{"INCUMBENT_DB": db}, "ask", "--format", "json", "accounts")
	if code != 0 {
		t.Fatalf("ask: status %d\n%s%s", code, out, errOut)
	}
	var list struct {
		Count    int `json:"count"`
		Accounts []struct {
			ID   string `json:"account_id"`
			Name string `json:"name"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("ask --format json: %v\n%s", err, out)
	}
	if list.Count != 60 || len(list.Accounts) != 60 {
		t.Errorf("accounts: count %d, %d listed; want 60", list.Count, len(list.Accounts))
	}

	// Text, as a rep, and the resolver through the real store.
	code, out, _ = run(t, "", nil, "ask", "--db", db, "account", "acme")
	if code != 0 || !strings.Contains(out, "Acme Manufacturing (A0001)") {
		t.Errorf("ask account acme: status %d\n%s", code, out)
	}
	code, out, _ = run(t, "", nil, "ask", "--db", db, "account zzzzzzzz")
	if code != 1 || !strings.Contains(out, `No account matches "zzzzzzzz".`) {
		t.Errorf("ask unknown account: status %d\n%s", code, out)
	}

	// Importing the same export again replaces the sales lines instead of adding them.
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	before, err := store.RowCounts(context.Background())
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "", nil, "import", "--db", db, data); code != 0 {
		t.Fatalf("second import: status %d\n%s%s", code, out, errOut)
	}
	after, version := counts(t, db)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("row counts after re-import (-first +second):\n%s", diff)
	}
	if version != 2 {
		t.Errorf("data version after the second import = %d, want 2", version)
	}
}

// counts returns the row counts and data version of the database.
func counts(t *testing.T, db string) (map[string]int64, int64) {
	t.Helper()
	return storeCounts(t, nil, db)
}

// storeCounts is counts of the store env and db open: PostgreSQL when env has a
// DATABASE_URL, else the SQLite file db.
func storeCounts(t *testing.T, env map[string]string, db string) (map[string]int64, int64) {
	t.Helper()
	ctx := context.Background()
	store, _, _, err := openAppStore(ctx, env["DATABASE_URL"], db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, err := store.(interface {
		RowCounts(context.Context) (map[string]int64, error)
	}).RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c, v
}

// TestBadImportChangesNothing imports a good data set, then bad variants of it, and
// checks each is refused with its problem named and the database left exactly as it was,
// in SQLite and in PostgreSQL.
func TestBadImportChangesNothing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testBadImportChangesNothing(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		testBadImportChangesNothing(t, map[string]string{"DATABASE_URL": pgtest.SchemaURL(t)})
	})
}

func testBadImportChangesNothing(t *testing.T, env map[string]string) {
	dir := t.TempDir()
	good, db := filepath.Join(dir, "good"), filepath.Join(dir, "test.db")
	if code, out, errOut := run(t, "", nil, "demo", "--accounts", "20", "--months", "3", good); code != 0 {
		t.Fatalf("demo: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "", env, "import", "--db", db, good); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	wantCounts, wantVersion := storeCounts(t, env, db)

	sales, err := os.ReadFile(filepath.Join(good, "sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(sales), "\n")
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"bad number in a changed export", map[string]string{
			// A valid line added at the top would be written if the import were not
			// all or nothing; the bad one is at the end.
			"sales.csv": lines[0] + lines[1] + strings.Join(lines[1:], "") + "2026-11-01,A0001,FAS-0001,1O,5.00,,\n",
		}, `sales.csv:` + itoa(len(lines)+1) + `: quantity: "1O" is not a number`},
		{"unknown account", map[string]string{"sales-2026-12.csv": "date,account_id,sku,quantity,amount\n2026-11-02,A9999,FAS-0001,1,5\n"},
			`sales-2026-12.csv:2: account_id: unknown account "A9999"`},
		{"new accounts with a duplicate", map[string]string{"accounts.csv": "account_id,name,territory\nZ1,Zed,Northeast\nZ1,Zed Two,Northeast\n"},
			`accounts.csv:3: account_id: duplicate key Z1 (first seen on line 2)`},
		{"latin-1", map[string]string{"accounts.csv": "account_id,name,territory\nZ2,Soci\xe9t\xe9,Northeast\n"},
			`accounts.csv:2: not valid UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad")
			os.MkdirAll(bad, 0o755)
			for name, body := range tt.files {
				os.WriteFile(filepath.Join(bad, name), []byte(body), 0o644)
			}
			code, out, errOut := run(t, "", env, "import", "--db", db, bad)
			if code != 1 {
				t.Errorf("status %d, want 1\n%s%s", code, out, errOut)
			}
			if !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, "nothing was written") {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut)
			}
			gotCounts, gotVersion := storeCounts(t, env, db)
			if diff := cmp.Diff(wantCounts, gotCounts); diff != "" || gotVersion != wantVersion {
				t.Errorf("database changed: version %d → %d; counts (-before +after):\n%s", wantVersion, gotVersion, diff)
			}
		})
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.ReplaceAll(groupDigits(n), ",", "")) }

func TestChatCreatesDemoDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.db")
	code, out, errOut := run(t, "accounts great lakes\nacount acme\nquit\n", nil, "chat", "--db", db)
	if code != 0 {
		t.Fatalf("chat: status %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "No database at "+db+": creating it with demo data (200 accounts, 24 months to 2026-11-27)") {
		t.Errorf("chat did not say it created the demo data:\n%s", errOut)
	}
	if !strings.Contains(out, "Did you mean `account`?") {
		t.Errorf("chat output:\n%s", out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database not created: %v", err)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"help"}, 0, "Usage:"},
		{[]string{"serve", "--db", "/nonexistent/dir/x.db"}, 1, "x.db"},
		{[]string{"frob"}, 2, `unknown command "frob"`},
		{[]string{"import"}, 2, "give one directory"},
		{[]string{"ask", "--format", "xml", "help"}, 2, `--format "xml"`},
		{[]string{"ask", "--db", "/nonexistent/x.db", "help"}, 1, "no database at /nonexistent/x.db"},
		{[]string{"ask", "--as-of", "yesterday", "help"}, 2, `--as-of: "yesterday" is not a date`},
		{[]string{"demo", "--end", "2026-02-30", "x"}, 2, `--end: "2026-02-30" is not a date`},
		{[]string{"import", "/nonexistent/dir"}, 1, "incumbent import: directory /nonexistent/dir does not exist"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("status %d (want %d), output lacks %q:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}
