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
	if err := os.CopyFS(dir, os.DirFS("testdata/digestdata")); err != nil {
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
