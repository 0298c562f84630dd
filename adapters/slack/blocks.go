// Package slack is Incumbent's Slack adapter, on github.com/slack-go/slack. This file
// renders the neutral bot.Reply as Block Kit within Slack's limits.
package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
)

// Block Kit limits (api.slack.com/reference/block-kit).
const (
	maxBlocks      = 50   // blocks in a message
	maxText        = 3000 // characters of a section's text
	maxFieldText   = 2000 // characters of one section field
	maxFields      = 10   // fields in a section
	maxElements    = 25   // elements in an actions block
	maxHeader      = 150  // characters of a header
	maxButtonLabel = 75   // characters of a button's text
	maxValue       = 2000 // characters of a button's value
)

// Action ids of the buttons a reply carries. A button that runs a command carries the
// command in its value.
const (
	ActionRun   = "run"   // run the command in the value as the presser
	ActionShare = "share" // post the reply in the channel for everyone
	ActionRest  = "rest"  // show the next page of a long reply (the value is its cursor)
	ActionChart = "chart" // upload the chart of the command in the value to the presser's DM
)

// showChart is the command of the "Show chart" button an ephemeral reply with a chart
// gets (Slack cannot show a file ephemerally); its button carries the reply's command.
const showChart = "\x00show-chart"

// escape makes text safe for mrkdwn: Slack reads <…> as links, mentions and
// @channel/@here, so data from the CSV files (account names, notes) must not carry them.
// The reply's own *bold*, _italic_ and `code` are left as they are.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cut shortens s to n characters, ending with "…" when it had more.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// splitText cuts mrkdwn text into pieces of at most maxText characters, at line breaks
// where it can.
func splitText(s string) []string {
	var out []string
	for utf8.RuneCountInString(s) > maxText {
		r := []rune(s)
		i := strings.LastIndex(string(r[:maxText]), "\n")
		if i <= 0 {
			i = len(string(r[:maxText]))
		}
		out = append(out, s[:i])
		s = strings.TrimPrefix(s[i:], "\n")
	}
	return append(out, s)
}

// tableBlocks renders a table as monospace text: as many rows to a section as fit in
// Slack's 3,000 characters, each section with the header row again, the table's own
// "… and N more" at the end. Columns stay aligned on a phone, which section fields would
// not.
func tableBlocks(t *bot.Table) []slack.Block {
	const fence = "```\n"
	section := func(rows [][]string, more int) string {
		view := *t
		view.Rows, view.More = rows, more
		return fence + escape(bot.TableText(&view)) + "```"
	}
	var out []slack.Block
	rows := t.Rows
	for {
		// The most rows from the front that fit (at least one).
		n := len(rows)
		for n > 1 && utf8.RuneCountInString(section(rows[:n], 0)) > maxText {
			n = max(1, n*9/10)
		}
		for n < len(rows) && utf8.RuneCountInString(section(rows[:n+1], 0)) <= maxText {
			n++
		}
		more := 0
		if n == len(rows) {
			more = t.More
		}
		out = append(out, slack.NewSectionBlock(mrkdwn(cut(section(rows[:n], more), maxText)), nil, nil))
		rows = rows[n:]
		if len(rows) == 0 {
			return out
		}
	}
}

// fieldBlocks renders labelled values as section fields, ten to a section.
func fieldBlocks(fs []bot.Field) []slack.Block {
	var out []slack.Block
	for start := 0; start < len(fs); start += maxFields {
		var objs []*slack.TextBlockObject
		for _, f := range fs[start:min(start+maxFields, len(fs))] {
			objs = append(objs, mrkdwn(cut("*"+escape(f.Label)+"*\n"+escape(f.Value), maxFieldText)))
		}
		out = append(out, slack.NewSectionBlock(nil, objs, nil))
	}
	return out
}

// buttonBlocks renders buttons as actions blocks of at most 25. A button whose command
// is "share" shares the reply, a button with a form opens it (ActionForm); any other
// runs its command.
func buttonBlocks(bs []bot.Button, seq *int) []slack.Block {
	var out []slack.Block
	for start := 0; start < len(bs); start += maxElements {
		var els []slack.BlockElement
		for _, b := range bs[start:min(start+maxElements, len(bs))] {
			action, value := ActionRun, b.Command
			switch {
			case b.Command == "share":
				action, value = ActionShare, ""
			case b.Command == showChart:
				action, value = ActionChart, ""
			case b.Form != nil:
				action, value = ActionForm, formValue(b)
			}
			if utf8.RuneCountInString(value) > maxValue {
				continue // a command this long cannot ride on a button
			}
			// Action ids must be unique: a running number over the message tells them apart.
			*seq++
			el := slack.NewButtonBlockElement(fmt.Sprintf("%s-%d", action, *seq), value, plain(cut(b.Label, maxButtonLabel)))
			switch b.Style {
			case "primary":
				el = el.WithStyle(slack.StylePrimary)
			case "danger":
				el = el.WithStyle(slack.StyleDanger)
			}
			els = append(els, el)
		}
		if len(els) > 0 {
			out = append(out, slack.NewActionBlock("", els...))
		}
	}
	return out
}

// pageBlocks is how many blocks a page holds: Slack's 50, less two for the note and the
// button that lead to the next page.
const pageBlocks = maxBlocks - 2

// RenderPages renders a reply as Block Kit messages within Slack's limits, as many as it
// takes: long text split into sections, fields ten to a section, tables at most
// PhoneWidth characters wide over as many sections as they need (see messageTable; a
// table shown narrowed is followed by its "Full table" button), buttons 25 to an
// actions block, at most 48 blocks a page. Images by URL become image blocks; a PNG
// without a URL, and a chart, are named by their alt text (the caller uploads them as
// files).
func RenderPages(r bot.Reply) [][]slack.Block {
	var out []slack.Block
	seq, tables := 0, 0
	if r.Err != nil && len(r.Blocks) == 0 {
		out = append(out, slack.NewSectionBlock(mrkdwn(":warning: "+escape(bot.ErrorText(r.Err))), nil, nil))
	}
	for i, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			out = append(out, slack.NewHeaderBlock(plain(cut(b.Text, maxHeader))))
		case *bot.Text:
			text := escape(b.Text)
			if r.Err != nil && i == 0 {
				text = ":warning: " + text
			}
			for _, part := range splitText(text) {
				out = append(out, slack.NewSectionBlock(mrkdwn(part), nil, nil))
			}
		case *bot.Fields:
			out = append(out, fieldBlocks(b.Fields)...)
		case *bot.Table:
			blocks, narrowed := messageTable(b)
			out = append(out, blocks...)
			if narrowed {
				out = append(out, fullTableButton(tables))
			}
			tables++
		case *bot.Buttons:
			out = append(out, buttonBlocks(b.Buttons, &seq)...)
		case *bot.Context:
			out = append(out, slack.NewContextBlock("", mrkdwn(cut(escape(b.Text), maxText))))
		case *bot.Chart:
			out = append(out, slack.NewContextBlock("", mrkdwn(cut(":bar_chart: "+escape(b.AltText), maxText))))
		case *bot.Image:
			if b.URL != "" {
				out = append(out, slack.NewImageBlock(b.URL, cut(b.AltText, 2000), "", nil))
			} else {
				out = append(out, slack.NewContextBlock("", mrkdwn(cut(":bar_chart: "+escape(b.AltText), maxText))))
			}
		}
	}
	var pages [][]slack.Block
	for len(out) > maxBlocks {
		pages = append(pages, out[:pageBlocks])
		out = out[pageBlocks:]
	}
	return append(pages, out)
}

// RenderBlocks renders the first page of a reply (see RenderPages), ending with a note
// of how much is left when the reply takes more than one message.
func RenderBlocks(r bot.Reply) []slack.Block {
	pages := RenderPages(r)
	if len(pages) == 1 {
		return pages[0]
	}
	left := 0
	for _, p := range pages[1:] {
		left += len(p)
	}
	return append(pages[0], restNote(left))
}

// maxHomeBlocks is how many blocks the App Home tab holds (a view's limit).
const maxHomeBlocks = 100

// RenderHome renders a reply for the App Home tab: as RenderPages renders it, on one
// view of at most 100 blocks, ending with a note of how many were left out when it
// needs more.
func RenderHome(r bot.Reply) []slack.Block {
	var out []slack.Block
	for _, p := range RenderPages(r) {
		out = append(out, p...)
	}
	if len(out) > maxHomeBlocks {
		left := len(out) - (maxHomeBlocks - 1)
		out = append(out[:maxHomeBlocks-1:maxHomeBlocks-1], restNote(left))
	}
	return out
}

// restNote says how many blocks the next pages hold.
func restNote(left int) slack.Block {
	return slack.NewContextBlock("", mrkdwn(fmt.Sprintf("… and %d more blocks.", left)))
}

// FallbackText is the plain text Slack shows in notifications and to screen readers: the
// reply's header, or its first text.
func FallbackText(r bot.Reply) string {
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			return cut(b.Text, maxText)
		case *bot.Text:
			return cut(b.Text, maxText)
		}
	}
	if r.Err != nil {
		return cut(bot.ErrorText(r.Err), maxText)
	}
	return "Incumbent"
}
