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
