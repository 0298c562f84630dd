package teams_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
)

// TestMessageSize measures an activity as Teams does: its JSON in UTF-16, two bytes a
// code unit (four for a character outside the BMP), base64 images aside.
func TestMessageSize(t *testing.T) {
	size := func(text string) int {
		return teams.MessageSize(&teams.Activity{Type: "message", Text: text})
	}
	base := size("-") - 2
	for _, tt := range []struct {
		text string
		want int
	}{
		{"a", 2},
		{"€", 2},
		{"😀", 4},
		{"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ", 0},
	} {
		if got := size(tt.text) - base; got != tt.want {
			t.Errorf("%q: %d bytes, want %d", tt.text, got, tt.want)
		}
	}
}

// bigReply is a reply whose 60-row table, with long names, is over 40 KB on a card.
func bigReply(rows int) bot.Reply {
	tb := &bot.Table{Columns: []bot.Column{{Title: "Account"}, {Title: "Category"}, {Title: "Gap", Numeric: true}}}
	for i := range rows {
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("Account %03d %s", i, strings.Repeat("Ltd ", 250)), "Fasteners", "$1,000"})
	}
	return bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "Gap — Northeast"}, tb,
		&bot.Buttons{Buttons: []bot.Button{{Label: "Grade", Command: "grade territory Northeast"}}}}}
}

// TestRenderWithinMaxMessage: a reply too large for one Teams message shows the rows
// that fit, then "See the rest" buttons that page through the rest of the table, each
// page within the limit, until every row was shown once.
func TestRenderWithinMaxMessage(t *testing.T) {
	const command = "gap territory Northeast"
	r := bigReply(60)
	c := teams.Render(r, command)
	if size := teams.MessageSize(teams.Message(r, c)); size > teams.MaxMessage {
		t.Fatalf("a message of %d bytes, over %d", size, teams.MaxMessage)
	}
	var seen []string
	rows := func(c teams.Card) {
		for _, e := range c.Body {
			if e.Type == "Table" {
				for _, row := range e.Rows[1:] {
					seen = append(seen, row.Cells[0].Items[0].Text[:11])
				}
			}
		}
	}
	rows(c)
	if len(seen) >= 25 {
		t.Fatalf("%d rows on the first card: 25 rows of this table are over the limit", len(seen))
	}
	if len(c.Actions) != 2 || c.Actions[0].Title != "See the rest" || c.Actions[1].Title != "Grade" {
		t.Fatalf("actions %+v, want See the rest, then the reply's own", c.Actions)
	}
	next := c.Actions[0].Data
	for pages := 1; ; pages++ {
		if pages > 60 {
			t.Fatal("the pages do not end")
		}
		if next.Command != command || next.Table != 0 || next.From != len(seen)+1 {
			t.Fatalf("See the rest carries %+v after %d rows", next, len(seen))
		}
		c := teams.RenderRest(r, next.Command, next.Table, next.From)
		if size := teams.MessageSize(teams.Message(r, c)); size > teams.MaxMessage {
			t.Fatalf("page %d: a message of %d bytes, over %d", pages, size, teams.MaxMessage)
		}
		rows(c)
		if len(c.Actions) == 0 {
			break
		}
		next = c.Actions[0].Data
	}
	var want []string
	for i := range 60 {
		want = append(want, fmt.Sprintf("Account %03d", i))
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("rows shown over the pages (-want +got):\n%s", diff)
	}
	// The button's data is what the handler reads back.
	b, _ := json.Marshal(teams.Render(r, command).Actions[0].Data)
	if !strings.Contains(string(b), `"table"`) && !strings.Contains(string(b), `"from"`) {
		t.Errorf("See the rest sends %s", b)
	}
	// A table the command no longer answers with is said to have changed.
	gone := teams.RenderRest(bot.Reply{}, command, 0, 26)
	if len(gone.Body) != 1 || !strings.Contains(gone.Body[0].Text, "run the command again") {
		t.Errorf("the rest of a table that is gone: %+v", gone.Body)
	}
}
