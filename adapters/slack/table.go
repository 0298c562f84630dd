package slack

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
)

// PhoneWidth is the widest line, in characters, of a monospace table in a Slack
// message: what a phone shows without wrapping or scrolling.
const PhoneWidth = 60

// ActionTable is the action id of the "Full table" button under a table shown narrowed:
// it opens the whole table in a modal. Its value is the table's number in the reply (0
// for the first table) and the command that made the reply ("0 gap acme"), which runs
// again as the presser.
const ActionTable = "table"

// Narrowest widths a text column is cut to before columns are left out.
const (
	minFirstWidth = 12 // the first column, which names the row
	minTextWidth  = 10 // any other text column
)

// messageTable renders a table for a message, at most PhoneWidth characters wide:
//
//   - a table that fits is monospace text, as the terminal shows it;
//   - a table of text alone (help, accounts) becomes a line a row: the first cell in
//     bold, the others after it;
//   - a table with essential columns (bot.Column.Essential) keeps the first column and
//     the essential ones, their text cut to fit (detail in parentheses goes first, then
//     the end of the text, marked "…"); narrowed reports that something was left out, so
//     that the caller offers the full table;
//   - any other table becomes a short paragraph a row: the first cell in bold, the other
//     text cells after it, the numbers on the next line with their column titles.
func messageTable(t *bot.Table) (blocks []slack.Block, narrowed bool) {
	if tableWidth(t) <= PhoneWidth {
		return tableBlocks(t), false
	}
	numeric, essential := false, false
	for _, c := range t.Columns {
		numeric = numeric || c.Numeric
		essential = essential || c.Essential
	}
	if numeric && essential {
		view, cut := narrowTable(t, PhoneWidth)
		return tableBlocks(view), cut
	}
	return lineBlocks(t), false
}

// tableWidth is the width of a table's widest line as monospace text.
func tableWidth(t *bot.Table) int {
	w := 0
	for _, l := range strings.Split(bot.TableText(t), "\n") {
		w = max(w, utf8.RuneCountInString(l))
	}
	return w
}

// narrowTable returns the table with the first column and the essential ones, as many
// as fit in width at their narrowest, text cut to the widths left, and whether anything
// (a column or the end of a cell) was left out. Numbers are never cut.
func narrowTable(t *bot.Table, width int) (*bot.Table, bool) {
	natural := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		natural[i] = utf8.RuneCountInString(c.Title)
		for _, row := range t.Rows {
			if i < len(row) {
				natural[i] = max(natural[i], utf8.RuneCountInString(row[i]))
			}
		}
	}
	narrowest := func(i int) int {
		switch {
		case t.Columns[i].Numeric:
			return natural[i]
		case i == 0:
			return min(natural[i], minFirstWidth)
		default:
			return min(natural[i], minTextWidth)
		}
	}
	keep := []int{0}
	for i := 1; i < len(t.Columns); i++ {
		if t.Columns[i].Essential {
			keep = append(keep, i)
		}
	}
	total := func() int {
		n := 2 * (len(keep) - 1) // the gaps between columns
		for _, i := range keep {
			n += narrowest(i)
		}
		return n
	}
	for len(keep) > 1 && total() > width {
		keep = keep[:len(keep)-1]
	}
	// The room left is shared a character at a time among the text columns still cut.
	widths := map[int]int{}
	for _, i := range keep {
		widths[i] = narrowest(i)
	}
	for room := width - total(); room > 0; {
		grew := false
		for _, i := range keep {
			if room > 0 && widths[i] < natural[i] {
				widths[i]++
				room--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	if len(keep) == 1 {
		widths[0] = min(widths[0], width) // one column wider than the screen
	}
	cut := len(keep) < len(t.Columns)
	view := &bot.Table{More: t.More}
	for _, i := range keep {
		c := t.Columns[i]
		title := shorten(c.Title, widths[i])
		cut = cut || title != c.Title
		view.Columns = append(view.Columns, bot.Column{Title: title, Numeric: c.Numeric, Essential: c.Essential})
	}
	for _, row := range t.Rows {
		out := make([]string, len(keep))
		for j, i := range keep {
			if i < len(row) {
				out[j] = shorten(row[i], widths[i])
				cut = cut || out[j] != row[i]
			}
		}
		view.Rows = append(view.Rows, out)
	}
	return view, cut
}

// parenthetical is detail in parentheses, with the space before it.
var parenthetical = regexp.MustCompile(`\s*\([^()]*\)`)

// shorten fits s into n characters: without its detail in parentheses ("at risk (down
// 45%), contested" → "at risk, contested"), then cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if p := strings.TrimSpace(parenthetical.ReplaceAllString(s, "")); p != "" {
		s = p
	}
	if n < 1 {
		return ""
	}
	return cut(s, n)
}

// lineBlocks renders a table as mrkdwn, a line a row (help, account lists) or, for a
// table with figures, a short paragraph a row, over as many sections as it takes. A
// row's first cell is in bold; a single figure follows it ("*Net*: $1,000 — gain −
// concession"), several go on the next line with their column titles.
func lineBlocks(t *bot.Table) []slack.Block {
	figures := 0
	for i, c := range t.Columns {
		if i > 0 && c.Numeric {
			figures++
		}
	}
	var rows []string
	for _, row := range t.Rows {
		var name, figure string
		var texts, nums []string
		for i, c := range t.Columns {
			if i >= len(row) || strings.TrimSpace(row[i]) == "" {
				continue
			}
			cell := escape(row[i])
			switch {
			case i == 0:
				name = "*" + cell + "*"
			case c.Numeric && figures == 1:
				figure = cell
			case c.Numeric && c.Title != "":
				nums = append(nums, escape(c.Title)+" "+cell)
			case c.Numeric:
				nums = append(nums, cell)
			default:
				texts = append(texts, cell)
			}
		}
		line := name
		if figure != "" {
			line = strings.TrimPrefix(line+": "+figure, ": ")
		}
		if len(texts) > 0 {
			line = strings.TrimPrefix(line+" — "+strings.Join(texts, " · "), " — ")
		}
		if len(nums) > 0 {
			line = strings.TrimPrefix(line+"\n"+strings.Join(nums, " · "), "\n")
		}
		rows = append(rows, line)
	}
	if t.More > 0 {
		rows = append(rows, fmt.Sprintf("… and %d more", t.More))
	}
	var out []slack.Block
	for _, part := range splitText(strings.Join(rows, "\n")) {
		out = append(out, slack.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	return out
}

// fullTableButton is the "Full table" button under the table numbered n in a reply (0
// for the first); its action id is "table-n", unique in the message.
func fullTableButton(n int) slack.Block {
	return slack.NewActionBlock("", slack.NewButtonBlockElement(fmt.Sprintf("%s-%d", ActionTable, n), strconv.Itoa(n), plain("Full table")))
}

// Modal limits (api.slack.com/reference/surfaces/views).
const (
	maxModalBlocks = 100
	maxModalTitle  = 24
)

// fullTableView is the modal that shows table n of a reply whole: the reply's header,
// then the table as monospace text over as many sections as it takes.
func fullTableView(r bot.Reply, n int) slack.ModalViewRequest {
	var blocks []slack.Block
	var table *bot.Table
	k := 0
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			if len(blocks) == 0 {
				blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+escape(cut(b.Text, maxHeader))+"*"), nil, nil))
			}
		case *bot.Table:
			if k == n {
				table = b
			}
			k++
		}
	}
	switch {
	case r.Err != nil:
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn(":warning: "+escape(bot.ErrorText(r.Err))), nil, nil)}
	case table == nil:
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn("That table is not in the reply any more: run the command again."), nil, nil)}
	default:
		blocks = append(blocks, tableBlocks(table)...)
		if len(blocks) > maxModalBlocks {
			blocks = append(blocks[:maxModalBlocks-1], slack.NewContextBlock("", mrkdwn("… the rest of the table does not fit here.")))
		}
	}
	return tableModal(blocks)
}

// tableModal is the "Full table" modal with blocks in it.
func tableModal(blocks []slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{Type: slack.VTModal, Title: plain(cut("Full table", maxModalTitle)), Close: plain("Close"),
		Blocks: slack.Blocks{BlockSet: blocks}}
}

// showTable opens the "Full table" modal: at once (a trigger id lasts three seconds)
// with a note that it is coming, then with the table, from the command run again as the
// presser, so that the figures are fresh and the presser's access applies.
func (h *Handler) showTable(ctx context.Context, trigger, userID, channel, thread, command string, n int) {
	opened, err := h.Client.OpenViewContext(ctx, trigger, tableModal([]slack.Block{
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("Getting the full table of `%s`…", escape(cut(command, 200)))), nil, nil)}))
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: open the full table", "err", err)
		if channel != "" {
			h.tell(ctx, channel, userID, "I could not open the full table just now; please press the button again.")
		}
		return
	}
	view := fullTableView(h.ask(ctx, userID, channel, thread, command), n)
	if _, err := call(ctx, func() (*slack.ViewResponse, error) {
		return h.Client.UpdateViewContext(ctx, view, "", opened.Hash, opened.ID)
	}); err != nil {
		h.logger().ErrorContext(ctx, "slack: show the full table", "view", opened.ID, "err", err)
	}
}
