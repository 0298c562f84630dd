package slack_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // readable goldens: "<!channel>", not "\u003c!channel\u003e"
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := bytes.TrimSpace(buf.Bytes())
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, append(got, '\n'), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(strings.TrimSpace(string(want)), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// gapReply has every kind of block a gap reply has.
func gapReply() bot.Reply {
	return bot.Reply{Blocks: []bot.Block{
		&bot.Header{Text: "Acme Manufacturing — gap"},
		&bot.Context{Text: `Taking "acme" to mean Acme Manufacturing (A1).`},
		&bot.Fields{Fields: []bot.Field{{Label: "Account", Value: "A1 · North · rita@example.com"}, {Label: "Share of wallet", Value: "25% ($2,500 of $10,000)"}}},
		&bot.Table{Columns: []bot.Column{{Title: "Category"}, {Title: "Current", Numeric: true}, {Title: "Gap", Numeric: true}},
			Rows: [][]string{{"Fasteners", "$2,500", "$7,500"}, {"Safety & PPE", "$800", "$0"}}, More: 2},
		&bot.Text{Text: "*Biggest plays*\n• Fasteners: $7,500 to win — all of it has no plan."},
		&bot.Buttons{Buttons: []bot.Button{{Label: "Grade", Command: "grade A1", Style: "primary"}, {Label: "Share in channel", Command: "share"}}},
		&bot.Image{URL: "https://example.com/chart.png", AltText: "Current vs potential by category"},
		&bot.Context{Text: "As of 2026-11-27."},
	}, Data: struct{}{}}
}

func TestRenderBlocksGolden(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply bot.Reply
	}{
		{"gap", gapReply()},
		{"error", bot.Reply{Blocks: []bot.Block{&bot.Text{Text: `No account matches "zz".`}}, Err: domain.Errorf(domain.ENOTFOUND, `No account matches "zz".`)}},
		{"error_without_blocks", bot.Reply{Err: domain.Errorf(domain.EINVALID, "Say what you need: try `help`.")}},
		{"hostile", bot.Reply{Blocks: []bot.Block{
			&bot.Header{Text: "<!channel> Acme"},
			&bot.Text{Text: "Weak: <https://evil.example|click> & <@U123>"},
			&bot.Fields{Fields: []bot.Field{{Label: "<!here>", Value: "<#C1>"}}},
			&bot.Table{Columns: []bot.Column{{Title: "Name"}}, Rows: [][]string{{"<!everyone>"}}},
		}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			blocks := slack.RenderBlocks(tt.reply)
			valid(t, blocks)
			golden(t, tt.name+".json", goslack.Blocks{BlockSet: blocks})
		})
	}
}

// valid checks the limits of Block Kit on rendered blocks.
func valid(t *testing.T, blocks []goslack.Block) {
	t.Helper()
	if len(blocks) > 50 {
		t.Errorf("%d blocks", len(blocks))
	}
	for i, b := range blocks {
		switch b := b.(type) {
		case *goslack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > 150 {
				t.Errorf("block %d: header of %d characters", i, n)
			}
		case *goslack.SectionBlock:
			if b.Text != nil {
				if err := b.Text.Validate(); err != nil {
					t.Errorf("block %d: %v", i, err)
				}
			}
			if len(b.Fields) > 10 {
				t.Errorf("block %d: %d fields", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := utf8.RuneCountInString(f.Text); n > 2000 {
					t.Errorf("block %d: a field of %d characters", i, n)
				}
			}
		case *goslack.ActionBlock:
			if n := len(b.Elements.ElementSet); n > 25 {
				t.Errorf("block %d: %d elements", i, n)
			}
			seen := map[string]bool{}
			for _, e := range b.Elements.ElementSet {
				btn := e.(*goslack.ButtonBlockElement)
				if seen[btn.ActionID] {
					t.Errorf("block %d: action id %s twice", i, btn.ActionID)
				}
				seen[btn.ActionID] = true
				if utf8.RuneCountInString(btn.Text.Text) > 75 || utf8.RuneCountInString(btn.Value) > 2000 {
					t.Errorf("block %d: button %+v over the limits", i, btn)
				}
			}
		}
	}
}

// TestRenderBlocksLimits feeds replies over every limit and checks what is kept.
func TestRenderBlocksLimits(t *testing.T) {
	var rows [][]string
	for i := range 400 {
		rows = append(rows, []string{fmt.Sprintf("Account number %03d", i), "$1,234,567", "$7,654,321"})
	}
	var fields []bot.Field
	for i := range 23 {
		fields = append(fields, bot.Field{Label: fmt.Sprintf("F%d", i), Value: strings.Repeat("v", 2500)})
	}
	var buttons []bot.Button
	for i := range 30 {
		buttons = append(buttons, bot.Button{Label: strings.Repeat("L", 100), Command: fmt.Sprintf("gap A%d", i)})
	}
	long := strings.Repeat("A line of a long reply.\n", 400) // 9,600 characters
	reply := bot.Reply{Blocks: []bot.Block{
		&bot.Header{Text: strings.Repeat("H", 200)},
		&bot.Text{Text: long},
		&bot.Fields{Fields: fields},
		&bot.Table{Columns: []bot.Column{{Title: "Account"}, {Title: "Current", Numeric: true}, {Title: "Gap", Numeric: true}}, Rows: rows, More: 5},
		&bot.Buttons{Buttons: buttons},
	}}
	var texts []string
	for _, page := range slack.RenderPages(reply) {
		valid(t, page)
		for _, b := range page {
			if s, ok := b.(*goslack.SectionBlock); ok && s.Text != nil {
				texts = append(texts, s.Text.Text)
			}
		}
	}
	joined := strings.Join(texts, "")
	if got := strings.Count(joined, "A line of a long reply."); got != 400 {
		t.Errorf("the long text kept %d of 400 lines", got)
	}
	// The table goes on over as many sections as it needs; its own "and 5 more" ends it.
	var tables []string
	for _, s := range texts {
		if strings.HasPrefix(s, "```") {
			tables = append(tables, s)
		}
	}
	if rows := strings.Count(strings.Join(tables, ""), "Account number"); len(tables) < 2 || rows != 400 ||
		!strings.Contains(tables[len(tables)-1], "… and 5 more") {
		t.Errorf("table over %d sections with %d rows", len(tables), rows)
	}

	// Over 50 blocks: pages of 48; the first page alone ends with what is left.
	var many []bot.Block
	for i := range 80 {
		many = append(many, &bot.Text{Text: fmt.Sprintf("paragraph %d", i)})
	}
	pages := slack.RenderPages(bot.Reply{Blocks: many})
	if len(pages) != 2 || len(pages[0]) != 48 || len(pages[1]) != 32 {
		t.Fatalf("pages of %d blocks", len(pages))
	}
	blocks := slack.RenderBlocks(bot.Reply{Blocks: many})
	if len(blocks) != 49 {
		t.Fatalf("%d blocks", len(blocks))
	}
	last := blocks[48].(*goslack.ContextBlock).ContextElements.Elements[0].(*goslack.TextBlockObject).Text
	if last != "… and 32 more blocks." {
		t.Errorf("last block: %q", last)
	}
}

func TestFallbackText(t *testing.T) {
	if got := slack.FallbackText(gapReply()); got != "Acme Manufacturing — gap" {
		t.Errorf("%q", got)
	}
	if got := slack.FallbackText(bot.Reply{Err: domain.Errorf(domain.EINVALID, "Nope.")}); got != "Nope." {
		t.Errorf("%q", got)
	}
}

// TestManifest checks that manifest.yaml registers every slash command, event and scope
// the adapter relies on.
func TestManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := string(b)
	for _, want := range []string{"command: /gap", "command: /grade", "command: /deal", "command: /cpu", "command: /growth",
		"command: /digest", "command: /incumbent", "- app_mention", "- message.im", "- app_home_opened", "- commands",
		"- chat:write", "- users:read.email", "- channels:read", "home_tab_enabled: true", "socket_mode_enabled: true",
		"/slack/commands", "/slack/events", "/slack/interactions"} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest.yaml lacks %q", want)
		}
	}
}
