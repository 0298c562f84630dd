package bot_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/bot"
)

// examplesIn returns the example commands of a help reply: the quoted commands with no
// placeholder, and whether help says each changes data.
func examplesIn(text string) (cmds []string, writes []bool) {
	parts := strings.Split(text, "`")
	for i := 1; i < len(parts)-1; i += 2 {
		if strings.ContainsAny(parts[i], "<[") || strings.Contains(parts[i], "\n") {
			continue
		}
		cmds = append(cmds, parts[i])
		writes = append(writes, strings.HasPrefix(parts[i+1], " (changes data)"))
	}
	return cmds, writes
}

// TestHelpExamples runs every example that help shows, to an admin and to a rep, on the
// demo data: the read-only ones answer without an error, and the ones that change data
// name real things (they are run last, on the same store, and must succeed too).
func TestHelpExamples(t *testing.T) {
	data := demoData(t, 0, 0)
	b := botOver(t, data)
	rep := firstRep(t, filepath.Join(data, "people.csv"))
	for _, who := range []string{"", rep} {
		var opts []askOption
		if who != "" {
			opts = []askOption{as(who)}
		}
		readOnly, writes := map[string]bool{}, map[string]bool{}
		var order []string
		collect := func(text string) {
			out, err := ask(t, b, text, opts...)
			if err != nil {
				t.Fatalf("%s as %q: %v\n%s", text, who, err, out)
			}
			cmds, w := examplesIn(out)
			for i, e := range cmds {
				if !readOnly[e] && !writes[e] {
					order = append(order, e)
				}
				if w[i] {
					writes[e], readOnly[e] = true, false
				} else if !writes[e] {
					readOnly[e] = true
				}
			}
		}
		collect("help")
		for _, c := range bot.Commands() {
			collect("help " + c.Name)
		}
		if len(order) < 15 {
			t.Errorf("as %q: only %d examples in help: %q", who, len(order), order)
		}
		for _, pass := range []bool{false, true} {
			for _, e := range order {
				if writes[e] != pass {
					continue
				}
				if out, err := ask(t, b, e, opts...); err != nil {
					t.Errorf("as %q, the example %q (changes data: %v) fails: %v\n%s", who, e, pass, err, out)
				}
			}
		}
	}
}

// firstRep returns the email of the first rep of a people.csv.
func firstRep(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if r[2] == "rep" {
			return r[0]
		}
	}
	t.Fatal("no rep in people.csv")
	return ""
}
