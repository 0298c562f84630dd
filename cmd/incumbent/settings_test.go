package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// TestGradeSettings checks that a settings file changes the grades, and that a bad one
// stops the command before it answers, naming the file and the setting.
func TestGradeSettings(t *testing.T) {
	db := testDB(t, "gradedata")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Only new business counts: G1's 3 of 4 invited scores 3, so the score is 3.
	good := write("good.toml", "[grade]\ncost_of_capital = 0.10\n[grade.weights]\nspend = 0\nmargin = 0\npayment = 0\ninventory = 0\n")
	code, out := ask(t, db, "--settings", good, "--format", "json", "grade G1")
	var g struct{ Data domain.Grade }
	if err := json.Unmarshal([]byte(out), &g.Data); code != 0 || err != nil {
		t.Fatalf("status %d, %v\n%s", code, err, out)
	}
	if financing := domain.RoundTo(30000*0.10/365, domain.AmountDecimals); g.Data.Score != 3 || g.Data.FinancingCost != financing {
		t.Errorf("with settings: score %v financing %v, want 3 and %v", g.Data.Score, g.Data.FinancingCost, financing)
	}
	// The environment names the file when --settings does not.
	code, out, errOut := run(t, "", map[string]string{"INCUMBENT_SETTINGS": good}, "ask", "--db", db, "--as-of", "2026-11-27", "--format", "json", "grade G1")
	if code != 0 || !strings.Contains(out, `"score": 3,`) {
		t.Errorf("INCUMBENT_SETTINGS: status %d\n%s%s", code, out, errOut)
	}

	for _, tt := range []struct{ name, body, want string }{
		{"unknown key", "[grade]\ncost_of_captial = 0.1\n", "unknown setting grade.cost_of_captial"},
		{"unknown criterion", "[grade.weights]\nspnd = 0.3\n", `unknown criterion "spnd"`},
		{"negative weight", "[grade.weights]\nmargin = -0.25\n", "grade weight of margin must be a number of 0 or more"},
		{"all zero", "[grade.weights]\nspend = 0\nmargin = 0\npayment = 0\ninventory = 0\nnew_business = 0\n", "grade weights are all zero"},
		{"thresholds out of order", "[grade.thresholds]\npayment = [15, 2, 45]\n", "grade thresholds of payment (scores 4, 3, 2) must be strictly increasing"},
		{"two thresholds", "[grade.thresholds]\nspend = [0.75, 0.5]\n", "grade.thresholds.spend: give 3 numbers"},
		{"tiers out of order", "[grade]\ntiers = [2.5, 3.25, 1.75]\n", "tier thresholds must be strictly decreasing"},
		// TOML reads inf and nan: refused, with the field and the limit.
		{"infinite cost of capital", "[grade]\ncost_of_capital = inf\n", "cost of capital and carrying rate must be between 0 and 1"},
		{"NaN threshold", "[grade.thresholds]\nspend = [nan, 0.5, 0.25]\n", "grade thresholds of spend"},
		{"huge threshold", "[grade.thresholds]\nmargin = [1e308, 1.0, 0.85]\n", "at most 1,000,000,000"},
		{"not TOML", "[grade\nweights = 1\n", "line 2: expected '.' or ']' to end table name"},
		{"wrong type", "[grade]\ncost_of_capital = \"eight\"\n", "cost_of_capital"},
		{"deal discount of 5", "[deal]\ndiscounts = [0.02, 5]\n", "deal discounts must be between 0 and 1 (0.05 is 5%), not 5"},
		{"infinite lead savings", "[deal]\nlead_min_savings = inf\n", "deal lead_min_savings must be 0 or more and at most 1,000,000,000,000, not +Inf"},
		{"absurd deal months", "[deal]\nmonths = 100000000\n", "deal months must be 1 or more and at most 1,200"},
		{"negative alert threshold", "[alerts]\nmin_uncovered = -1\n", "alerts.min_uncovered -1: give an amount from 0 to 1000000000000"},
		{"no suggestions", "[deal]\nsuggestions = 0\n", "deal suggestions must be 1 or more"},
		{"balance bounds crossed", "[deal]\nbalance_min = 12\n", "deal balance_max must be at least balance_min (12) and at most 1,000,000,000, not 10"},
		{"no balance", "[deal]\nbalance_min = 0\n", "deal balance_min must be more than 0"},
		{"x share of 5", "[deal]\nmin_x_share = 5\n", "deal min_x_share must be 0 or more and less than 1"},
		{"negative lead savings", "[deal]\nlead_min_savings = -1\n", "deal lead_min_savings must be 0 or more"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tt.name, " ", "_")+".toml", tt.body)
			code, out := ask(t, db, "--settings", p, "grade G1")
			if code != 1 || !strings.Contains(out, "settings "+p) || !strings.Contains(out, tt.want) {
				t.Errorf("status %d (want 1), output lacks %q:\n%s", code, tt.want, out)
			}
			if strings.Contains(out, "Granite") {
				t.Errorf("answered despite bad settings:\n%s", out)
			}
		})
	}
	code, out = ask(t, db, "--settings", filepath.Join(dir, "missing.toml"), "grade G1")
	if code != 1 || !strings.Contains(out, "missing.toml") {
		t.Errorf("missing settings file: status %d\n%s", code, out)
	}
}

// TestDealSettings checks that the settings file's [deal] section drives suggestions.
func TestDealSettings(t *testing.T) {
	db := testDB(t, "dealdata")
	p := filepath.Join(t.TempDir(), "s.toml")
	settings := "[deal]\ndiscounts = [0.04]\nfirst_order_share = 0.5\nmin_x_share = 0.02\nbalance_max = 20\nlead_min_savings = 100000\nsuggestions = 2\n"
	if err := os.WriteFile(p, []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := ask(t, db, "--settings", p, "--format", "json", "deal suggest acme")
	var sugs []domain.Suggestion
	if err := json.Unmarshal([]byte(out), &sugs); code != 0 || err != nil {
		t.Fatalf("status %d, %v\n%s", code, err, out)
	}
	// No lead with value: Acme saves $43,333 on Gloves, under the $100,000 asked. Masks
	// ($300 of $10,300) is now big enough to be X. Welding's first order, ceil(.5 ×
	// 20,000 / 50) = 200 W-1 ($10,000), is 25 times 4% of Gloves ($400): shrunk to
	// 160, a balance of 20 (net 160 × 15 − 400 = 2,000). Then Masks (4% = $12) for
	// ceil(.5 × 2,000 / 12.50) = 80 G-1, shrunk to 19 ($237.50, a balance of 19.8; net
	// 19 × 5.25 − 12 = 87.75), before Masks for 4 W-1 (net 48): X is Masks, Y Gloves.
	type got struct {
		X, Y          string
		Discount, Qty float64
		Net, Balance  float64
	}
	var gots []got
	for _, sg := range sugs {
		if sg.Deal == nil {
			t.Fatalf("suggestions: %s", out)
		}
		d := sg.Deal
		gots = append(gots, got{d.Terms.X, d.Terms.Y, d.Terms.Discount, d.Terms.Qty, d.Net, math.Round(sg.BalanceRatio*100) / 100})
	}
	want := []got{{"Gloves", "W-1", 0.04, 160, 2000, 20}, {"Masks", "G-1", 0.04, 19, 87.75, 19.79}}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s\n%s", diff, out)
	}
}

// TestSettingsExample checks that docs/settings.example.toml spells out the defaults.
func TestSettingsExample(t *testing.T) {
	s, err := loadSettings(filepath.Join("..", "..", "docs", "settings.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(domain.DefaultGradeSettings(), s.Grade); diff != "" {
		t.Errorf("example grade settings differ from the defaults (-defaults +example):\n%s", diff)
	}
	if diff := cmp.Diff(domain.DefaultDealSettings(), s.Deal); diff != "" {
		t.Errorf("example deal settings differ from the defaults (-defaults +example):\n%s", diff)
	}
}
