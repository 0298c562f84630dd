package teams_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestCardsGolden renders a reply of every kind, from a real bot over the deal test
// company, as an Adaptive Card.
func TestCardsGolden(t *testing.T) {
	s := importedStore(t, filepath.Join("..", "..", "bot", "testdata", "dealdata"))
	b := bot.New(s)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct{ name, text string }{
		{"card_gap", "gap acme"},
		{"card_grade", "grade acme"},
		{"card_deal", "deal acme give 5% on gloves get 100 W-1 yearly"},
		{"card_cpu", "cpu acme G-1"},
		{"card_talk", "talk S-1"},
		{"card_help", "help"},
		{"card_error", "gap zzzz"},
		{"card_brief", "brief acme"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(t.Context(), bot.Request{Actor: bot.Admin("t"), Text: tt.text})
			golden(t, tt.name+".json", teams.RenderCard(r))
		})
	}
}

func TestCardLimitsAndData(t *testing.T) {
	var rows [][]string
	for i := range 40 {
		rows = append(rows, []string{fmt.Sprintf("Account %d", i), "$1"})
	}
	var bs []bot.Button
	for i := range 9 {
		bs = append(bs, bot.Button{Label: fmt.Sprintf("B%d", i), Command: fmt.Sprintf("gap A%d", i)})
	}
	c := teams.RenderCard(bot.Reply{Blocks: []bot.Block{
		&bot.Text{Text: "Weak: [click here](https://evil.example) and *real bold*"},
		&bot.Table{Columns: []bot.Column{{Title: "Name"}, {Title: "Gap", Numeric: true}}, Rows: rows, More: 2},
		&bot.Buttons{Buttons: bs},
		&bot.Image{URL: "javascript:alert(1)", AltText: "x"},
	}})
	if got := c.Body[0].Text; got != `Weak: \[click here\](https://evil.example) and **real bold**` {
		t.Errorf("text: %q", got)
	}
	if rows := len(c.Body[1].Rows); rows != 26 { // the header and 25
		t.Errorf("%d table rows", rows)
	}
	if more := c.Body[2].Text; more != "… and 17 more" {
		t.Errorf("more: %q", more)
	}
	if len(c.Actions) != 6 || c.Actions[0].Data.Command != "gap A0" {
		t.Errorf("actions: %+v", c.Actions)
	}
	for _, e := range c.Body {
		if e.Type == "Image" {
			t.Errorf("an image with a javascript: URL was kept")
		}
	}
	if c := teams.RenderCard(bot.Reply{Err: domain.Errorf(domain.EINVALID, "Nope.")}); len(c.Body) != 1 || !strings.Contains(c.Body[0].Text, "Nope.") {
		t.Errorf("error card: %+v", c)
	}
}
