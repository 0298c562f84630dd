// Package teams is Incumbent's Microsoft Teams adapter. This file renders the neutral
// bot.Reply as an Adaptive Card (schema 1.5, what Teams renders on desktop, web and
// mobile).
package teams

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/incumbent/incumbent/bot"
)

// Card limits: Teams refuses a message over about 28 KB, and long cards are unreadable
// on a phone.
const (
	maxTableRows = 25
	maxActions   = 6 // Teams shows at most six actions on a card
	maxText      = 2000
	maxFallback  = 4000
	maxSummary   = 120
)

// Card is an Adaptive Card.
type Card struct {
	Type    string    `json:"type"`
	Schema  string    `json:"$schema"`
	Version string    `json:"version"`
	Body    []Element `json:"body"`
	Actions []Action  `json:"actions,omitempty"`
	// FallbackText is the reply as plain text, for clients that cannot show the card.
	FallbackText string `json:"fallbackText,omitempty"`
	// MSTeams asks Teams to use the whole width of the message.
	MSTeams map[string]string `json:"msteams,omitempty"`
}

// Element is a card element: TextBlock, FactSet, Table or Image (the fields of each).
type Element struct {
	Type                string     `json:"type"`
	Text                string     `json:"text,omitempty"`
	Size                string     `json:"size,omitempty"`
	Weight              string     `json:"weight,omitempty"`
	IsSubtle            bool       `json:"isSubtle,omitempty"`
	Wrap                bool       `json:"wrap,omitempty"`
	Spacing             string     `json:"spacing,omitempty"`
	HorizontalAlignment string     `json:"horizontalAlignment,omitempty"`
	Facts               []Fact     `json:"facts,omitempty"`
	Columns             []Column   `json:"columns,omitempty"`
	Rows                []TableRow `json:"rows,omitempty"`
	FirstRowAsHeader    bool       `json:"firstRowAsHeader,omitempty"`
	URL                 string     `json:"url,omitempty"`
	AltText             string     `json:"altText,omitempty"`
}

// Fact is one line of a FactSet.
type Fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Column is a Table column.
type Column struct {
	Width                          int    `json:"width"`
	HorizontalCellContentAlignment string `json:"horizontalCellContentAlignment,omitempty"`
}

// TableRow is a Table row of cells.
type TableRow struct {
	Type  string      `json:"type"`
	Cells []TableCell `json:"cells"`
}

// TableCell holds one text.
type TableCell struct {
	Type  string    `json:"type"`
	Items []Element `json:"items"`
}

// Action is a button: Action.Submit sends its data back to the bot, which runs the
// command as the presser.
type Action struct {
	Type  string     `json:"type"`
	Title string     `json:"title"`
	Style string     `json:"style,omitempty"`
	Data  ActionData `json:"data"`
}

// ActionData is what a button sends back.
type ActionData struct {
	Command string `json:"command"`
}

var boldRe = regexp.MustCompile(`\*([^*\n]+)\*`)

// markdown turns the reply's lightweight markup into Teams' markdown (*bold* is
// **bold**; _italic_ and `code` stay) and keeps text from the data from making links:
// "[x](url)" is shown as written.
func markdown(s string) string {
	s = strings.NewReplacer("[", "\\[", "]", "\\]").Replace(s)
	s = boldRe.ReplaceAllString(s, "**$1**")
	return cut(s, maxText)
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func text(s string) Element { return Element{Type: "TextBlock", Text: markdown(s), Wrap: true} }

// RenderCard renders a reply as an Adaptive Card. Teams has no messages that only one
// person sees, so a reply asked for in a channel is already shared there: the Share
// button is left out.
func RenderCard(r bot.Reply) Card {
	r.Blocks = bot.WithoutShare(r.Blocks)
	c := Card{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.5",
		MSTeams: map[string]string{"width": "Full"}, FallbackText: cut(bot.RenderText(r), maxFallback)}
	if r.Err != nil && len(r.Blocks) == 0 {
		c.FallbackText = cut(bot.ErrorText(r.Err), maxFallback)
	}
	if r.Err != nil && len(r.Blocks) == 0 {
		c.Body = append(c.Body, Element{Type: "TextBlock", Text: markdown(bot.ErrorText(r.Err)), Wrap: true, Weight: "Bolder"})
	}
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			c.Body = append(c.Body, Element{Type: "TextBlock", Text: markdown(b.Text), Size: "Large", Weight: "Bolder", Wrap: true})
		case *bot.Text:
			c.Body = append(c.Body, text(b.Text))
		case *bot.Fields:
			fs := Element{Type: "FactSet"}
			for _, f := range b.Fields {
				fs.Facts = append(fs.Facts, Fact{Title: markdown(f.Label), Value: markdown(f.Value)})
			}
			c.Body = append(c.Body, fs)
		case *bot.Table:
			c.Body = append(c.Body, table(b)...)
		case *bot.Buttons:
			for _, bt := range b.Buttons {
				if len(c.Actions) == maxActions {
					break
				}
				a := Action{Type: "Action.Submit", Title: cut(bt.Label, 60), Data: ActionData{Command: bt.Command}}
				switch bt.Style {
				case "primary":
					a.Style = "positive"
				case "danger":
					a.Style = "destructive"
				}
				c.Actions = append(c.Actions, a)
			}
		case *bot.Context:
			c.Body = append(c.Body, Element{Type: "TextBlock", Text: markdown(b.Text), Size: "Small", IsSubtle: true, Wrap: true, Spacing: "Medium"})
		case *bot.Image:
			u := b.URL
			if u == "" && len(b.PNG) > 0 {
				u = "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.PNG)
			}
			if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "data:image/png;base64,") {
				c.Body = append(c.Body, Element{Type: "Image", URL: u, AltText: b.AltText})
			}
		}
	}
	return c
}

// table renders a table as an Adaptive Card Table (header row first, numbers to the
// right), at most 25 rows, then "… and N more".
func table(t *bot.Table) []Element {
	tb := Element{Type: "Table", FirstRowAsHeader: true}
	for _, col := range t.Columns {
		c := Column{Width: 1}
		if col.Numeric {
			c.HorizontalCellContentAlignment = "Right"
		}
		tb.Columns = append(tb.Columns, c)
	}
	row := func(cells []string, bold bool) TableRow {
		r := TableRow{Type: "TableRow"}
		for i := range t.Columns {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			e := Element{Type: "TextBlock", Text: markdown(v), Wrap: true}
			if bold {
				e.Weight = "Bolder"
			}
			r.Cells = append(r.Cells, TableCell{Type: "TableCell", Items: []Element{e}})
		}
		return r
	}
	titles := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		titles[i] = c.Title
	}
	tb.Rows = append(tb.Rows, row(titles, true))
	shown := t.Rows
	more := t.More
	if len(shown) > maxTableRows {
		more += len(shown) - maxTableRows
		shown = shown[:maxTableRows]
	}
	for _, r := range shown {
		tb.Rows = append(tb.Rows, row(r, false))
	}
	out := []Element{tb}
	if more > 0 {
		out = append(out, Element{Type: "TextBlock", Text: "… and " + strconv.Itoa(more) + " more", Size: "Small", IsSubtle: true, Wrap: true})
	}
	return out
}

// Summary is the line a notification shows for a reply: its header, else its first
// text, else its error.
func Summary(r bot.Reply) string {
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			return cut(b.Text, maxSummary)
		case *bot.Text:
			return cut(strings.ReplaceAll(b.Text, "*", ""), maxSummary)
		}
	}
	if r.Err != nil {
		return cut(bot.ErrorText(r.Err), maxSummary)
	}
	return "Incumbent"
}
