package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
)

// codeLines returns the lines of every ``` block in the sections of blocks, as Slack
// shows them (&amp; as &).
func codeLines(blocks []goslack.Block) []string {
	var out []string
	unescape := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
	for _, b := range blocks {
		s, ok := b.(*goslack.SectionBlock)
		if !ok || s.Text == nil {
			continue
		}
		parts := strings.Split(s.Text.Text, "```")
		for i := 1; i < len(parts); i += 2 {
			for _, l := range strings.Split(parts[i], "\n") {
				out = append(out, unescape.Replace(l))
			}
		}
	}
	return out
}

// sectionTexts returns the mrkdwn text of every section.
func sectionTexts(blocks []goslack.Block) string {
	var out []string
	for _, b := range blocks {
		if s, ok := b.(*goslack.SectionBlock); ok && s.Text != nil {
			out = append(out, s.Text.Text)
		}
	}
	return strings.Join(out, "\n")
}

// fullTableButtons returns the values of the Full table buttons, by action id.
func fullTableButtons(blocks []goslack.Block) map[string]string {
	out := map[string]string{}
	for _, b := range blocks {
		if a, ok := b.(*goslack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*goslack.ButtonBlockElement); ok && btn.Text.Text == "Full table" {
					out[btn.ActionID] = btn.Value
				}
			}
		}
	}
	return out
}

// wideGap is an account's gap table as the bot builds it: eight columns, Category, Gap,
// Share and Flags essential.
func wideGap(rows int) *bot.Table {
	t := &bot.Table{Columns: []bot.Column{{Title: "Category"}, {Title: "Current", Numeric: true}, {Title: "Potential", Numeric: true},
		{Title: "Gap", Numeric: true, Essential: true}, {Title: "Share", Numeric: true, Essential: true}, {Title: "Pipeline", Numeric: true},
		{Title: "Uncovered", Numeric: true}, {Title: "Flags", Essential: true}}, More: 2}
	for i := range rows {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("Test & Measurement %d", i), "$1,234,567", "$12,345,678", "$11,111,111", "100%",
			"$1,000,000", "$10,111,111", "at risk (down 45%), contested"})
	}
	return t
}

func TestTablesFitAPhone(t *testing.T) {
	long := strings.Repeat("Abbott & Weston Tool & Die ", 4)
	for _, tt := range []struct {
		name  string
		table *bot.Table
		// code: a ``` block whose header row has these titles; lines: no ``` block, and
		// these in the text.
		code     []string
		lines    []string
		narrowed bool
	}{
		{
			name:  "fits",
			table: &bot.Table{Columns: []bot.Column{{Title: "Tier"}, {Title: "Accounts", Numeric: true}}, Rows: [][]string{{"Core Customer", "43"}}},
			code:  []string{"Tier", "Accounts"},
		},
		{
			name:     "account gap: category, gap, share and short flags",
			table:    wideGap(12),
			code:     []string{"Category", "Gap", "Share", "Flags"},
			lines:    []string{"at risk, contested", "… and 2 more"},
			narrowed: true,
		},
		{
			name:     "hundreds of rows",
			table:    wideGap(300),
			code:     []string{"Category", "Gap", "Share", "Flags"},
			narrowed: true,
		},
		{
			name: "long names cut, numbers whole",
			table: &bot.Table{Columns: []bot.Column{{Title: "Account"}, {Title: "Name", Essential: true},
				{Title: "Trend", Numeric: true, Essential: true}, {Title: "Current", Numeric: true}, {Title: "Categories at risk", Essential: true}},
				Rows: [][]string{{"A0069", long, "down 52%", "$1,000", "Filtration, Abrasives, Hand Tools, Welding"}}},
			code:     []string{"Account", "Name", "Trend", "Categories at risk"},
			lines:    []string{"down 52%", "Abbott & Weston Too…", "Filtration, Abrasi…"},
			narrowed: true,
		},
		{
			name: "essential numbers wider than a phone: the last left out",
			table: &bot.Table{Columns: []bot.Column{{Title: "Name"}, {Title: strings.Repeat("A", 30), Numeric: true, Essential: true},
				{Title: strings.Repeat("B", 30), Numeric: true, Essential: true}}, Rows: [][]string{{"x", "1", "2"}}},
			code:     []string{"Name", strings.Repeat("A", 30)},
			narrowed: true,
		},
		{
			name: "text alone: a line a row",
			table: &bot.Table{Columns: []bot.Column{{Title: "Command"}, {Title: "What it does"}},
				Rows: [][]string{{"deal <account> give <pct>% on <sku|category> [for <n> months] get <qty> <sku>", "price a give-X-get-Y trade " + long}}},
			lines: []string{"*deal &lt;account&gt; give &lt;pct&gt;% on &lt;sku|category&gt; [for &lt;n&gt; months] get &lt;qty&gt; &lt;sku&gt;* — price a give-X-get-Y trade"},
		},
		{
			name: "figures without essential columns: a paragraph a row",
			table: &bot.Table{Columns: []bot.Column{{Title: "Competitor"}, {Title: "Offer"}, {Title: "Price", Numeric: true},
				{Title: "Customer saves with us /yr", Numeric: true}, {Title: "Max price we can defend", Numeric: true}},
				Rows: [][]string{{"Uline", "Uline Flap Disc Zirconia 4-1/2 in 60 grit (market-wide)", "$5.38", "$11,525", "$9.23"}}},
			lines: []string{"*Uline* — Uline Flap Disc Zirconia 4-1/2 in 60 grit (market-wide)\nPrice $5.38 · Customer saves with us /yr $11,525 · Max price we can defend $9.23"},
		},
		{
			name: "one figure a row: beside the name",
			table: &bot.Table{Columns: []bot.Column{{Title: "What"}, {Title: "How"}, {Title: "Amount", Numeric: true}},
				Rows: [][]string{{"Net to the account's GP", "gain − concession" + strings.Repeat(" and more", 8), "$1,000"}}},
			lines: []string{"*Net to the account's GP*: $1,000 — gain − concession and more"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reply := bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "Wide"}, tt.table, &bot.Buttons{Buttons: []bot.Button{{Label: "Share in channel", Command: "share"}}}}}
			var blocks []goslack.Block
			for _, page := range slack.RenderPages(reply) {
				valid(t, page)
				blocks = append(blocks, page...)
			}
			lines := codeLines(blocks)
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > slack.PhoneWidth {
					t.Errorf("a line of %d characters: %q", n, l)
				}
			}
			if tt.code == nil && len(lines) > 0 {
				t.Errorf("a ``` block: %q", lines)
			}
			if tt.code != nil {
				if len(lines) < 2 {
					t.Fatalf("no ``` block: %s", sectionTexts(blocks))
				}
				if got := strings.Join(strings.Fields(lines[1]), " "); got != strings.Join(tt.code, " ") {
					t.Errorf("header row %q, want the columns %q", lines[1], tt.code)
				}
			}
			text := strings.Join(lines, "\n") + "\n" + sectionTexts(blocks)
			for _, want := range tt.lines {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in:\n%s", want, text)
				}
			}
			buttons := fullTableButtons(blocks)
			want := map[string]string{}
			if tt.narrowed {
				want["table-0"] = "0"
			}
			if diff := cmp.Diff(want, buttons); diff != "" {
				t.Errorf("Full table buttons (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFullTable presses the Full table button of a gap reply: the modal opens at once
// (with the trigger id) and is updated with the whole table, from the command run again
// as the presser.
func TestFullTable(t *testing.T) {
	_, f, base := setup(t)
	code, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", ""), time.Now(), secret)
	var m goslack.Msg
	if err := json.Unmarshal([]byte(resp), &m); code != 200 || err != nil {
		t.Fatalf("%d %v %s", code, err, resp)
	}
	for _, l := range codeLines(m.Blocks.BlockSet) {
		if utf8.RuneCountInString(l) > slack.PhoneWidth {
			t.Errorf("a line wider than a phone: %q", l)
		}
	}
	buttons := fullTableButtons(m.Blocks.BlockSet)
	if diff := cmp.Diff(map[string]string{"table-0": "0 gap acme"}, buttons); diff != "" {
		t.Fatalf("Full table buttons (-want +got):\n%s", diff)
	}
	press := fmt.Sprintf(`{"type":"block_actions","trigger_id":"trig-9","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","is_ephemeral":true},"actions":[{"action_id":"table-0","block_id":"b","type":"button","value":%q}]}`, buttons["table-0"])
	if code, _ := signed(t, base, "/slack/interactions", form, interaction(press), time.Now(), secret); code != 200 {
		t.Fatalf("press: %d", code)
	}
	c := f.wait("views.open")
	opened, _ := json.Marshal(c.JSON["view"])
	if c.JSON["trigger_id"] != "trig-9" || !strings.Contains(string(opened), "Getting the full table of `gap acme`") {
		t.Errorf("views.open: %+v", c.JSON)
	}
	c = f.wait("views.update")
	var view goslack.ModalViewRequest
	raw, _ := json.Marshal(c.JSON["view"])
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	if c.JSON["view_id"] != "V1" || view.Type != goslack.VTModal || view.Title.Text != "Full table" || len(view.Blocks.BlockSet) > 100 {
		t.Errorf("views.update: %+v", c.JSON)
	}
	lines := codeLines(view.Blocks.BlockSet)
	if len(lines) < 3 || strings.Join(strings.Fields(lines[1]), " ") != "Category Current Potential Gap Share Pipeline Uncovered Flags" ||
		!strings.Contains(sectionTexts(view.Blocks.BlockSet), "*Acme Manufacturing — gap*") {
		t.Errorf("the full table: %s", raw)
	}

	// A button without its command (a reply printed by the CLI) says to run it again.
	stale := `{"type":"block_actions","trigger_id":"trig-10","user":{"id":"U_RITA"},"channel":{"id":"C1"},"actions":[{"action_id":"table-0","block_id":"b","type":"button","value":"0"}]}`
	signed(t, base, "/slack/interactions", form, interaction(stale), time.Now(), secret)
	c = f.wait("chat.postEphemeral")
	if !strings.Contains(c.Form.Get("text"), "run the command again") {
		t.Errorf("a button without its command: %v", c.Form)
	}

	// A rep who may not see the account gets the refusal in the modal, not the table.
	other := strings.Replace(press, `"U_RITA"`, `"U_RAY"`, 1)
	signed(t, base, "/slack/interactions", form, interaction(other), time.Now().Add(time.Second), secret)
	f.wait("views.open")
	c = f.wait("views.update")
	raw, _ = json.Marshal(c.JSON["view"])
	if !strings.Contains(string(raw), ":warning:") || strings.Contains(string(raw), "$") {
		t.Errorf("the full table for someone who may not see it: %s", raw)
	}
}
