// Package teams is Incumbent's Microsoft Teams adapter. This file renders the neutral
// bot.Reply as an Adaptive Card (schema 1.5, what Teams renders on desktop, web and
// mobile).
package teams

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/incumbent/incumbent/bot"
)

// Card limits: long cards are unreadable on a phone, and Teams refuses a message over
// its size limit (MaxMessage).
const (
	maxTableRows = 25
	maxActions   = 6 // Teams shows at most six actions on a card
	maxText      = 2000
	maxFallback  = 4000
	maxSummary   = 120
)

// MaxMessage is the largest message Incumbent sends to Teams, in bytes as Microsoft
// measures a bot message: the whole activity's JSON in UTF-16 (two bytes a code unit),
// base64 images aside. It is the 40 KB Microsoft documented for years (100 KB now). A
// card's tables are cut to keep within it, the rest behind a "See the rest" button.
const MaxMessage = 40 << 10

// envelope is what the connector adds to the activity a card is rendered into (ids,
// serviceUrl, from, conversation, replyToId), kept free under MaxMessage.
const envelope = 2000

// MessageSize is the size of an activity as Teams measures it (see MaxMessage).
func MessageSize(a *Activity) int {
	b, err := json.Marshal(a)
	if err != nil {
		return 0
	}
	s := dataImageRe.ReplaceAllString(string(b), "")
	n := 0
	for _, r := range s {
		n += 2 * max(1, utf16.RuneLen(r))
	}
	return n
}

var dataImageRe = regexp.MustCompile(`data:image/[a-z+]+;base64,[A-Za-z0-9+/=]*`)

// Message is the message activity carrying a card, with a summary line for
// notifications.
func Message(r bot.Reply, c Card) *Activity {
	return &Activity{Type: TypeMessage, Summary: Summary(r),
		Attachments: []Attachment{{ContentType: ContentTypeAdaptiveCard, Content: c}}}
}

// fits reports whether a card's message keeps within MaxMessage.
func fits(r bot.Reply, c Card) bool { return MessageSize(Message(r, c))+envelope <= MaxMessage }

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

// Element is a card element: TextBlock, FactSet, Table, Image, Input.Text or ActionSet
// (the fields of each).
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
	// An Input.Text's: its id (the key of its value in what Action.Submit sends), label,
	// placeholder, whether it is required, what to say when it is missing, its length.
	ID           string `json:"id,omitempty"`
	Label        string `json:"label,omitempty"`
	Placeholder  string `json:"placeholder,omitempty"`
	IsRequired   bool   `json:"isRequired,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	MaxLength    int    `json:"maxLength,omitempty"`
	IsMultiline  bool   `json:"isMultiline,omitempty"`
	// Actions are an ActionSet's buttons.
	Actions []Action `json:"actions,omitempty"`
}

// textBlock is Element as a TextBlock is written: with its text even when empty (the
// schema requires it, and the renderer of Teams' phone apps fails on the whole card
// without it, as in an empty table cell).
type textBlock struct {
	Type                string     `json:"type"`
	Text                string     `json:"text"`
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
	// An Input.Text's: its id (the key of its value in what Action.Submit sends), label,
	// placeholder, whether it is required, what to say when it is missing, its length.
	ID           string `json:"id,omitempty"`
	Label        string `json:"label,omitempty"`
	Placeholder  string `json:"placeholder,omitempty"`
	IsRequired   bool   `json:"isRequired,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	MaxLength    int    `json:"maxLength,omitempty"`
	IsMultiline  bool   `json:"isMultiline,omitempty"`
	// Actions are an ActionSet's buttons.
	Actions []Action `json:"actions,omitempty"`
}

// MarshalJSON writes the element; a TextBlock always has its text. HTML characters are
// left as they are: the encoder of the whole card escapes them or not.
func (e Element) MarshalJSON() ([]byte, error) {
	type plain Element
	var v any = plain(e)
	if e.Type == "TextBlock" {
		v = textBlock(e)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
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
// command as the presser; Action.ShowCard opens its card under the button (a form).
type Action struct {
	Type  string     `json:"type"`
	Title string     `json:"title"`
	Style string     `json:"style,omitempty"`
	Data  ActionData `json:"data,omitzero"`
	Card  *Card      `json:"card,omitempty"`
}

// ActionData is what a button sends back. A "See the rest" button carries the reply's
// command and where the rest of a table starts: its number in the reply (from 0) and
// its first row not shown (From, from 1). A form's button carries the form: Teams
// sends its inputs' values beside the data, each under its input's id (inputID), and
// the command is the one they make (bot.Form.Command).
type ActionData struct {
	Command string    `json:"command"`
	Table   int       `json:"table,omitempty"`
	From    int       `json:"from,omitempty"`
	Form    *bot.Form `json:"form,omitempty"`
	// Inputs numbers the form in its card (from 2; 0 for the first), so that the ids of
	// two forms' inputs differ, as Adaptive Cards require.
	Inputs int `json:"inputs,omitempty"`
}

// inputID is the id of the input of a form's field: apart from ActionData's own keys;
// n numbers the form in its card (0 or 1 for the first).
func inputID(field string, n int) string {
	if n > 1 {
		return fmt.Sprintf("form%d_%s", n, field)
	}
	return "form_" + field
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

// RenderCard renders a reply as an Adaptive Card (Render without a command: rows a
// message has no room for are counted, not offered).
func RenderCard(r bot.Reply) Card { return Render(r, "") }

// Render renders the reply to command as an Adaptive Card within MaxMessage: tables at
// most 25 rows, fewer when the message would be larger, and under a table cut short a
// "See the rest" button (when command is known) that runs the command again and shows
// the table's next rows (RenderRest). Teams has no messages that only one person sees,
// so a reply asked for in a channel is already shared there: the Share button is left
// out.
func Render(r bot.Reply, command string) Card {
	rows := maxTableRows
	for {
		c := render(r, command, rows)
		if rows == 1 || fits(r, c) {
			return c
		}
		rows = max(1, min(rows-1, rows*4/5))
	}
}

func render(r bot.Reply, command string, rowCap int) Card {
	r.Blocks = bot.WithoutShare(r.Blocks)
	c := Card{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.5",
		MSTeams: map[string]string{"width": "Full"}, FallbackText: cut(bot.RenderText(r), maxFallback)}
	if r.Err != nil && len(r.Blocks) == 0 {
		c.FallbackText = cut(bot.ErrorText(r.Err), maxFallback)
	}
	if r.Err != nil && len(r.Blocks) == 0 {
		c.Body = append(c.Body, Element{Type: "TextBlock", Text: markdown(bot.ErrorText(r.Err)), Wrap: true, Weight: "Bolder"})
	}
	var rest []Action // the "See the rest" buttons, before the reply's own
	tables, forms := 0, 0
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
			shown := min(len(b.Rows), rowCap)
			c.Body = append(c.Body, table(b, 0, shown)...)
			if shown < len(b.Rows) && command != "" && utf8.RuneCountInString(command) <= maxText {
				rest = append(rest, Action{Type: "Action.Submit", Title: "See the rest",
					Data: ActionData{Command: command, Table: tables, From: shown + 1}})
			}
			tables++
		case *bot.Buttons:
			if set := formActions(b.Buttons, &forms); set != nil {
				c.Body = append(c.Body, *set)
			}
			for _, bt := range b.Buttons {
				if bt.Form != nil {
					continue
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
			if u == "" && len(b.PNG) > 0 && !imageFits(b.PNG) {
				continue // Teams would refuse the message
			}
			if u == "" && len(b.PNG) > 0 {
				u = "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.PNG)
			}
			if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "data:image/png;base64,") {
				c.Body = append(c.Body, Element{Type: "Image", URL: u, AltText: b.AltText})
			}
		}
	}
	if len(rest) > 1 {
		for i := range rest {
			rest[i].Title = "See the rest of table " + strconv.Itoa(rest[i].Data.Table+1)
		}
	}
	c.Actions = append(rest, c.Actions...)
	if len(c.Actions) > maxActions {
		c.Actions = c.Actions[:maxActions]
	}
	return c
}

// formActions renders the buttons with forms of a row of buttons as an ActionSet in the
// card's body, where the row is: each opens its form under it (Action.ShowCard), whose
// Submit sends the button's command, its form and the values typed. The card's own
// actions stay for the other buttons. Nil when no button has a form.
func formActions(bs []bot.Button, forms *int) *Element {
	var actions []Action
	for _, bt := range bs {
		if bt.Form == nil || len(actions) == maxActions {
			continue
		}
		*forms++
		n := 0
		if *forms > 1 {
			n = *forms
		}
		form := Card{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.5"}
		for _, f := range bt.Form.Fields {
			in := Element{Type: "Input.Text", ID: inputID(f.Name, n), Label: cut(f.Label, 100), Placeholder: cut(f.Placeholder, 100),
				IsRequired: !f.Optional, MaxLength: f.MaxLength, IsMultiline: f.MaxLength > 200}
			if !f.Optional {
				in.ErrorMessage = cut("Fill in "+strings.ToLower(f.Label)+".", 100)
			}
			form.Body = append(form.Body, in)
			if f.Hint != "" {
				form.Body = append(form.Body, Element{Type: "TextBlock", Text: markdown(f.Hint), Size: "Small", IsSubtle: true, Wrap: true})
			}
		}
		form.Actions = []Action{{Type: "Action.Submit", Title: cut(bt.Form.Submit, 60), Style: "positive",
			Data: ActionData{Command: bt.Command, Form: bt.Form.Bare(), Inputs: n}}}
		actions = append(actions, Action{Type: "Action.ShowCard", Title: cut(bt.Label, 60), Card: &form})
	}
	if len(actions) == 0 {
		return nil
	}
	return &Element{Type: "ActionSet", Actions: actions}
}

// RenderRest renders the rest of a reply's table: the reply's header, then the table
// numbered n (from 0) from its row from (from 1) on, as many rows as fit (at most 25),
// with a "See the rest" button of its own when more are left. The reply is the command
// run again, so its figures are current; a table that is no longer there is said so.
func RenderRest(r bot.Reply, command string, n, from int) Card {
	var header string
	var tb *bot.Table
	tables := 0
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			if header == "" {
				header = b.Text
			}
		case *bot.Table:
			if tables == n {
				tb = b
			}
			tables++
		}
	}
	c := Card{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.5",
		MSTeams: map[string]string{"width": "Full"}}
	if r.Err != nil || tb == nil || from < 1 || from > len(tb.Rows) {
		msg := "That table has changed since: run the command again."
		if r.Err != nil {
			msg = bot.ErrorText(r.Err)
		}
		c.Body = []Element{text(msg)}
		c.FallbackText = cut(msg, maxFallback)
		return c
	}
	rest := bot.Reply{Blocks: []bot.Block{&bot.Header{Text: header}}}
	for rows := maxTableRows; ; rows = max(1, min(rows-1, rows*4/5)) {
		end := min(len(tb.Rows), from-1+rows)
		c.Body = []Element{{Type: "TextBlock", Text: markdown(header), Size: "Large", Weight: "Bolder", Wrap: true},
			{Type: "TextBlock", Text: "Rows " + strconv.Itoa(from) + "–" + strconv.Itoa(end) + " of " + strconv.Itoa(len(tb.Rows)+tb.More), Size: "Small", IsSubtle: true, Wrap: true}}
		c.Body = append(c.Body, table(tb, from-1, end)...)
		c.Actions = nil
		if end < len(tb.Rows) {
			c.Actions = []Action{{Type: "Action.Submit", Title: "See the rest", Data: ActionData{Command: command, Table: n, From: end + 1}}}
		}
		view := &bot.Table{Columns: tb.Columns, Rows: tb.Rows[from-1 : end], More: len(tb.Rows) - end + tb.More}
		c.FallbackText = cut(header+"\n"+bot.TableText(view), maxFallback)
		if rows == 1 || fits(rest, c) {
			return c
		}
	}
}

// table renders rows [from, to) of a table as an Adaptive Card Table (header row first,
// numbers to the right), then "… and N more" for the rows after them.
func table(t *bot.Table, from, to int) []Element {
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
	more := t.More + len(t.Rows) - to
	for _, r := range t.Rows[from:to] {
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

// MaxImageBytes and MaxImagePixels bound a picture a card carries inline: Teams refuses
// larger ones (the base64 of an image does not count towards MaxMessage).
const (
	MaxImageBytes  = 1 << 20
	MaxImagePixels = 1024
)

// imageFits reports whether a PNG is within MaxImageBytes and MaxImagePixels a side.
func imageFits(b []byte) bool {
	if len(b) > MaxImageBytes {
		return false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	return err == nil && cfg.Width <= MaxImagePixels && cfg.Height <= MaxImagePixels
}
