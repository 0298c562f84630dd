package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testImportDir copies the digest test data into a new directory with files replaced.
func testImportDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testdata("digestdata"))); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestImportDuplicateChatIDs: two people.csv rows with one Slack or Teams id (a typo
// that would make a rep answer as the admin, the later row winning) refuse the import,
// naming both lines; so does a row taking the id of someone already stored, naming them.
// Nothing is written: the rep still answers as herself.
func TestImportDuplicateChatIDs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	first := testImportDir(t, map[string]string{"people.csv": "email,name,role,territory,slack_user_id,teams_user_id\n" +
		"ops@example.com,Olive Ops,admin,,U_OPS,29:ops\nnora@example.com,Nora North,manager,North,,\n" +
		"sam@example.com,Sam South,manager,South,,\nrita@example.com,Rita Rep,rep,North,U_RITA,29:rita\nray@example.com,Ray Rep,rep,South,,\n"})
	if code, out, errOut := run(t, "", nil, "import", "--db", db, first); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	for _, tt := range []struct {
		name, people string
		want         []string
	}{
		{"Slack id twice in the file",
			"email,name,role,territory,slack_user_id\nops@example.com,Olive Ops,admin,,U_OPS\nnora@example.com,Nora North,manager,North,\n" +
				"sam@example.com,Sam South,manager,South,\nrita@example.com,Rita Rep,rep,North,U_RITA\nray@example.com,Ray Rep,rep,South,U_OPS\n",
			[]string{"people.csv:6: slack_user_id: U_OPS is also on line 2 (ops@example.com): a chat id names one person"}},
		{"Teams id twice in the file, in another case",
			"email,name,role,territory,teams_user_id\nops@example.com,Olive Ops,admin,,29:ops\nrita@example.com,Rita Rep,rep,North,29:OPS\n",
			[]string{"people.csv:3: teams_user_id: 29:OPS is also on line 2 (ops@example.com): a chat id names one person"}},
		{"a stored person's Slack id",
			"email,name,role,territory,slack_user_id\nray@example.com,Ray Rep,rep,South,U_OPS\n",
			[]string{"people.csv:2: slack_user_id: U_OPS is already ops@example.com's (in the database): a chat id names one person"}},
		{"a stored person's Teams id",
			"email,name,role,territory,teams_user_id\nray@example.com,Ray Rep,rep,South,29:ops\n",
			[]string{"people.csv:2: teams_user_id: 29:ops is already ops@example.com's (in the database): a chat id names one person"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", nil, "import", "--db", db, testImportDir(t, map[string]string{"people.csv": tt.people}))
			if code == 0 {
				t.Fatalf("imported:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("the refusal lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
	// Ids moving between people in one file are fine: each row replaces its person's.
	swap := "email,name,role,territory,slack_user_id\nops@example.com,Olive Ops,admin,,U_RITA\nrita@example.com,Rita Rep,rep,North,U_OPS\n"
	if code, out, errOut := run(t, "", nil, "import", "--db", db, testImportDir(t, map[string]string{"people.csv": swap})); code != 0 {
		t.Errorf("ids swapped between two people: %d\n%s%s", code, out, errOut)
	}
	store := openStore(t, db)
	people, err := store.FindPeople(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Email == "ray@example.com" && (p.SlackUserID != "" || p.TeamsUserID != "") {
			t.Errorf("a refused import was written: %+v", p)
		}
	}
}

// TestImportRefusesAbsurdValues imports files with numbers past the input maxima (a
// 308-digit amount, one too long to be a float at all, a price over a trillion, a
// quantity over a billion), NUL and other control characters in text, a quote that is
// never closed, and the time zone "Local": each is refused with file:line: column, the
// numbers with the largest value accepted, and nothing is written.
func TestImportRefusesAbsurdValues(t *testing.T) {
	huge := "1" + strings.Repeat("0", 307)
	dir := testImportDir(t, map[string]string{
		"sales.csv": "date,account_id,sku,quantity,amount,cost\n" +
			"2026-02-10,N1,F-1,750," + huge + ",4500\n" +
			"2026-02-11,N1,F-1,750,-" + strings.Repeat("9", 400) + ",4500\n" +
			"2026-02-12,N1,F-1,2000000000,7500,4500\n" +
			"2026-02-13,N1,F-1,750,1000000000000,4500\n",
		"products.csv": "sku,name,category,list_price,unit_cost\nF-1,Hex bolts,Fasteners,10,6\n" +
			"S-1,Gloves,Safety,2000000000000.5,13\n",
		"accounts.csv": "account_id,name,territory,owner,aliases\nN1,Acme Manufacturing,North,rita@example.com,acme\n" +
			"N2,Birch\x00Supply,North,rita@example.com,\nS1,\"Southern\nFoods\x1b\",South,ray@example.com,\n",
		"territories.csv": "territory,manager,digest_channel,timezone,digest_day,digest_hour\n" +
			"North,nora@example.com,#sales-north,Local,mon,8\nSouth,sam@example.com,,Europe/Berlin,fri,7\n",
		"objectives.csv": "scope,key,year,revenue_target\naccount,N1,2026,5000\naccount,\"N2,2026,6000\naccount,N1,2025,1\n",
	})
	db := filepath.Join(t.TempDir(), "x.db")
	code, out, errOut := run(t, "", nil, "import", "--db", db, dir)
	if code == 0 {
		t.Fatalf("imported:\n%s", out)
	}
	for _, want := range []string{
		"sales.csv:2: amount: 10000000000000000000… (308 characters) is over the limit: at most 1,000,000,000,000",
		"sales.csv:3: amount: -9999999999999999999… (401 characters) is over the limit: at most 1,000,000,000,000",
		"sales.csv:4: quantity: 2000000000 is over the limit: at most 1,000,000,000",
		"products.csv:3: list_price: 2000000000000.5 is over the limit: at most 1,000,000,000,000",
		"accounts.csv:3: name: holds a control character (U+0000)",
		"accounts.csv:4: name: holds a control character (U+001B)",
		`territories.csv:2: timezone: "Local" is the zone of the machine running Incumbent, not a place`,
		`objectives.csv:3: a quoted value opens on this line and is not closed (an unbalanced "): it runs to line 4`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "sales.csv:5") {
		t.Errorf("the largest amount accepted was refused:\n%s", errOut)
	}
	if _, err := os.Stat(db); err == nil {
		if people, _ := openStore(t, db).FindPeople(t.Context()); len(people) > 0 {
			t.Error("a refused import was written")
		}
	}
}

// TestImportConcurrent imports while another process holds the database's write lock
// (an import in progress): the import fails with a plain message, not SQLite's
// SQLITE_BUSY, and goes through once the other is done.
func TestImportConcurrent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	dir := testImportDir(t, nil)
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	other := openStore(t, db)
	batch, err := other.BeginImport(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", nil, "import", "--db", db, dir)
	if code == 0 || !strings.Contains(errOut, "Another import (or another process writing) holds the database") ||
		strings.Contains(errOut, "SQLITE_BUSY") || strings.Contains(errOut, "locked") {
		t.Errorf("import while another holds the database: %d\n%s", code, errOut)
	}
	batch.Rollback()
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Errorf("import after the other: %d\n%s%s", code, out, errOut)
	}
}
