package bot_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func sampleReply() bot.Reply {
	return bot.Reply{
		Blocks: []bot.Block{
			&bot.Header{Text: "Acme Manufacturing (A0001)"},
			&bot.Text{Text: "Fasteners: $28,850 to win, Fastenal holds it."},
			&bot.Fields{Fields: []bot.Field{{Label: "Territory", Value: "Northeast"}, {Label: "Share of wallet", Value: "41%"}}},
			&bot.Table{
				Columns: []bot.Column{{Title: "Category"}, {Title: "Current", Numeric: true}, {Title: "Gap", Numeric: true}},
				Rows:    [][]string{{"Fasteners", "$11,150", "$28,850"}, {"Safety & PPE", "$0", "$12,000"}},
				More:    3,
			},
			&bot.Buttons{Buttons: []bot.Button{{Label: "Grade", Command: "grade A0001", Style: "primary"}}},
			&bot.Context{Text: "As of 2026-11-27; window 2025-11-28 to 2026-11-27."},
			&bot.Image{URL: "https://example.com/chart.png", AltText: "current vs potential"},
		},
		Data: map[string]any{"account_id": "A0001"},
	}
}

func TestRenderText(t *testing.T) {
	golden(t, "reply.txt", []byte(bot.RenderText(sampleReply())))
}

func TestRenderJSON(t *testing.T) {
	r := sampleReply()
	out, err := bot.RenderJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "reply_data.json", out)

	r.Data = nil
	out, err = bot.RenderJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "reply_blocks.json", out)

	out, err = bot.RenderJSON(bot.Reply{Err: domain.Errorf(domain.ENOTFOUND, "No account matches %q.", "zz")})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "reply_error.json", out)
}

// TestJSONMoneyToTheCent: a result's money is written to the cent by both JSON forms of
// a reply (RenderJSON for scripts, MarshalJSON for the playground and the reply cache),
// whatever float noise its sums carry, and the result itself keeps its precision.
func TestJSONMoneyToTheCent(t *testing.T) {
	tenth, fifth := 0.1, 0.2
	noise := tenth + fifth // 0.30000000000000004
	g := domain.AccountGap{AccountID: "A0001", Totals: domain.GapTotals{Current: 1492207 + noise - 0.2, GapGP: noise, Gap: -1e-9}}
	r := bot.Reply{Data: g}
	scripts, err := bot.RenderJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	wire, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"RenderJSON": scripts, "MarshalJSON": wire} {
		var got struct {
			Data   *domain.AccountGap `json:"data"`
			Totals domain.GapTotals   `json:"totals"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		totals := got.Totals
		if got.Data != nil {
			totals = got.Data.Totals
		}
		want := domain.GapTotals{Current: 1492207.1, GapGP: 0.3}
		if diff := cmp.Diff(want, totals); diff != "" {
			t.Errorf("%s totals (-want +got):\n%s", name, diff)
		}
		if bytes.Contains(out, []byte("-0")) {
			t.Errorf("%s writes -0:\n%s", name, out)
		}
	}
	if g.Totals.GapGP != noise {
		t.Errorf("rendering changed the result: gap_gp %v", g.Totals.GapGP)
	}
}
