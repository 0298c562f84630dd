package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// RenderText renders a reply as plain text for a terminal: the header underlined, tables
// in aligned columns, buttons as the commands they would run.
func RenderText(r Reply) string {
	var b strings.Builder
	for i, blk := range r.Blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		switch blk := blk.(type) {
		case *Header:
			b.WriteString(blk.Text + "\n")
			b.WriteString(strings.Repeat("=", utf8.RuneCountInString(blk.Text)) + "\n")
		case *Text:
			b.WriteString(blk.Text + "\n")
		case *Fields:
			w := 0
			for _, f := range blk.Fields {
				w = max(w, utf8.RuneCountInString(f.Label))
			}
			for _, f := range blk.Fields {
				fmt.Fprintf(&b, "%s:%s %s\n", f.Label, strings.Repeat(" ", w-utf8.RuneCountInString(f.Label)), f.Value)
			}
		case *Table:
			writeTable(&b, blk)
		case *Buttons:
			cmds := make([]string, len(blk.Buttons))
			for i, bt := range blk.Buttons {
				cmd := bt.Command
				if bt.Form != nil {
					cmd = bt.Form.Usage(cmd)
				}
				cmds[i] = fmt.Sprintf("%s: %s", bt.Label, cmd)
			}
			b.WriteString("Next → " + strings.Join(cmds, " · ") + "\n")
		case *Context:
			b.WriteString("· " + blk.Text + "\n")
		case *Image:
			fmt.Fprintf(&b, "[image: %s]\n", blk.AltText)
		case *Chart:
			fmt.Fprintf(&b, "[chart: %s]\n", blk.AltText)
		}
	}
	return b.String()
}

// TableText writes a table as aligned plain-text columns under a header row and a rule,
// as the terminal shows it; chat platforms put it in a monospace block.
func TableText(t *Table) string {
	var b strings.Builder
	writeTable(&b, t)
	return b.String()
}

func writeTable(b *strings.Builder, t *Table) {
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = utf8.RuneCountInString(c.Title)
	}
	for _, row := range t.Rows {
		for i := range min(len(row), len(widths)) {
			widths[i] = max(widths[i], utf8.RuneCountInString(row[i]))
		}
	}
	line := func(cells []string) {
		var l strings.Builder
		for i := range widths {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				l.WriteString("  ")
			}
			if t.Columns[i].Numeric {
				l.WriteString(pad + cell)
			} else {
				l.WriteString(cell + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	titles := make([]string, len(t.Columns))
	rule := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		titles[i] = c.Title
		rule[i] = strings.Repeat("-", widths[i])
	}
	line(titles)
	line(rule)
	for _, row := range t.Rows {
		line(row)
	}
	if t.More > 0 {
		fmt.Fprintf(b, "… and %d more\n", t.More)
	}
}

// RenderJSON renders a reply for scripts: the computation's result (Data) when there is
// one, with money to the cent and unit prices to 4 decimals (domain.RoundMoney),
// {"error": {"code", "message"}} for an error, and the reply's blocks otherwise.
func RenderJSON(r Reply) ([]byte, error) {
	var v any = r
	switch {
	case r.Err != nil:
		v = struct {
			Error ErrorJSON `json:"error"`
		}{NewErrorJSON(r.Err)}
	case r.Data != nil:
		v = domain.RoundMoney(r.Data)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "Tool & Die", not "Tool \u0026 Die"
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("render json: %w", err)
	}
	return buf.Bytes(), nil
}
