package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// TestPotentialFromChat sets a potential from chat through the binary and its SQLite
// file: the gap shows it at once, a rep of another territory cannot set it, and a later
// import of potential.csv replaces it.
func TestPotentialFromChat(t *testing.T) {
	db := testDB(t, "gapdata")
	hydraulics := func() domain.CategoryGap {
		t.Helper()
		code, out := ask(t, db, "--format", "json", "gap A1")
		var g domain.AccountGap
		if err := json.Unmarshal([]byte(out), &g); code != 0 || err != nil {
			t.Fatalf("gap: status %d, %v\n%s", code, err, out)
		}
		for _, c := range g.Categories {
			if c.Category == "Hydraulics" {
				return c
			}
		}
		t.Fatalf("no Hydraulics in the gap:\n%s", out)
		return domain.CategoryGap{}
	}
	if c := hydraulics(); c.Potential != 3000 || c.Competitor != "" {
		t.Fatalf("before: %+v", c)
	}

	code, out := ask(t, db, "--as", "ray@example.com", "potential set acme hydraulics 1")
	if code != 1 || !strings.Contains(out, `No account matches "acme".`) {
		t.Errorf("a rep of South: status %d\n%s", code, out)
	}
	code, out = ask(t, db, "--as", "rita@example.com", "potential set acme hydraulics 7,500 competitor Parker note new line")
	for _, want := range []string{"*Acme Manufacturing (A1) · Hydraulics*: they spend *$7,500* a year; Parker holds the rest. Note: new line.",
		"Before:   $3,000 from potential.csv", "Gap now:  $7,500 still to win, our share 0% ($0 of $7,500)", "Recorded: by rita@example.com at "} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("potential set: status %d, the reply lacks %q:\n%s", code, want, out)
		}
	}
	if c := hydraulics(); c.Potential != 7500 || c.PotentialSource != domain.PotentialEstimate || c.Competitor != "Parker" || c.Gap != 7500 || c.Uncovered != 5500 {
		t.Errorf("the gap after potential set: %+v", c)
	}
	// Set again as JSON: what it replaced says who set it.
	code, out = ask(t, db, "--as", "nora@example.com", "--format", "json", "potential set A1 Hydraulics 8000")
	var set bot.PotentialSet
	if err := json.Unmarshal([]byte(out), &set); code != 0 || err != nil {
		t.Fatalf("status %d, %v\n%s", code, err, out)
	}
	if set.Replaced == nil || set.Replaced.SetBy != "rita@example.com" || set.Replaced.AnnualPotential != 7500 ||
		set.Potential.SetBy != "nora@example.com" || set.Potential.Competitor != "Parker" || set.Before.Potential != 7500 || set.After.Potential != 8000 {
		t.Errorf("the second set: %+v", set)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "potential.csv"), []byte("account_id,category,annual_potential,competitor\nA1,Hydraulics,5000,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	if c := hydraulics(); c.Potential != 5000 || c.Competitor != "" {
		t.Errorf("after importing potential.csv: %+v, want 5,000 from the file", c)
	}
	code, out = ask(t, db, "--format", "json", "potential set A1 Hydraulics 5500")
	set = bot.PotentialSet{}
	if err := json.Unmarshal([]byte(out), &set); code != 0 || err != nil || set.Replaced == nil || set.Replaced.SetBy != "" {
		t.Errorf("the row the import wrote is not from chat: %v %+v\n%s", err, set.Replaced, out)
	}
}
