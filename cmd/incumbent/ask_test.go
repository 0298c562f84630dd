package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAskAnswers asks a question or two of each command family through the binary, over
// SQLite files imported from the bot's hand-made companies: the answers are the bytes
// the bot's own tests expect (their golden files, in bot/testdata/golden), and a
// refusal exits 1. It shows the wiring: import, the store, the settings, the charts and
// the asker as `incumbent ask` sets them up; what each answer says is the bot's tests'.
func TestAskAnswers(t *testing.T) {
	dbs := map[string]string{} // data set → its database, shared by its questions in order
	for _, d := range []string{"gapdata", "gradedata", "dealdata", "digestdata"} {
		dbs[d] = testDB(t, d)
	}
	for _, tt := range []struct {
		dataset string
		args    []string
		code    int
		golden  string // bot/testdata/golden/<golden>.txt; "": want is in the answer
		want    string
	}{
		{"gapdata", []string{"gap acme"}, 0, "gap_account", ""},
		{"gapdata", []string{"--as", "rita@example.com", "growth acme"}, 0, "growth_account_rep", ""},
		{"gapdata", []string{"--as", "rita@example.com", "gap territory south"}, 1, "", `Territory "South" is outside your territories (North).`},
		{"gradedata", []string{"grade granite"}, 0, "grade_account", ""},
		{"gradedata", []string{"grade zzzzzz"}, 1, "", `No account matches "zzzzzz".`},
		{"dealdata", []string{"deal acme give 5% on gloves for 12 months get 100 W-1 also give net 60 terms primary"}, 0, "deal", ""},
		{"dealdata", []string{"talk S-1"}, 0, "talk", ""},
		{"dealdata", []string{"cpu acme G-1"}, 0, "cpu", ""},
		{"digestdata", []string{"--as", "nora@example.com", "digest nor"}, 0, "", "North — weekly digest preview, week of 30 Nov 2026"},
		{"digestdata", []string{"--as", "ray@example.com", "digest north"}, 1, "", `Territory "North" is outside your territories (South).`},
	} {
		t.Run(tt.dataset+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			code, out := ask(t, dbs[tt.dataset], tt.args...)
			if code != tt.code {
				t.Fatalf("status %d, want %d\n%s", code, tt.code, out)
			}
			if tt.golden == "" {
				if !strings.Contains(out, tt.want) {
					t.Errorf("the answer lacks %q:\n%s", tt.want, out)
				}
				return
			}
			want, err := os.ReadFile(filepath.Join(testdata("golden"), tt.golden+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Errorf("not the bot's %s.txt (-bot +binary):\n%s", tt.golden, diff)
			}
		})
	}
}

// TestAskChatFormats prints a reply as Slack and Teams would get it.
func TestAskChatFormats(t *testing.T) {
	db := testDB(t, "dealdata")
	for _, tt := range []struct{ format, want string }{
		{"slack", `"type": "header"`},
		{"teams", `"type": "AdaptiveCard"`},
	} {
		code, out := ask(t, db, "--format", tt.format, "gap acme")
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil || !strings.Contains(out, tt.want) || !strings.Contains(out, "Acme Manufacturing — gap") {
			t.Errorf("--format %s: %d\n%s", tt.format, code, out)
		}
	}
	if code, out := ask(t, db, "--format", "xml", "gap acme"); code != exitUsage || !strings.Contains(out, "use text, json, slack or teams") {
		t.Errorf("--format xml: %d %s", code, out)
	}
}

// TestChatLastAccount: in chat, `grade` alone grades the account last asked about, and
// says so.
func TestChatLastAccount(t *testing.T) {
	db := testDB(t, "gradedata")
	code, out, errOut := run(t, "grade\ngap granite\ngrade\ngrowth\nquit\n", nil, "chat", "--db", db, "--as-of", "2026-11-27", "--as", "rita@example.com")
	if code != 0 {
		t.Fatalf("chat: %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "Grade what? Usage:") {
		t.Errorf("`grade` before any account:\n%s", out)
	}
	if n := strings.Count(out, "Using Granite Works (G1), the account you last asked about."); n != 2 {
		t.Errorf("the last account was used and said %d times, want 2 (grade, growth):\n%s", n, out)
	}
	if !strings.Contains(out, "Granite Works — Core Customer") {
		t.Errorf("grade of the last account:\n%s", out)
	}
}
