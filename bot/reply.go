package bot

import (
	"encoding/json"
	"fmt"

	"github.com/incumbent/incumbent/domain"
)

// Reply is what the bot answers, independent of any chat platform: a list of blocks that
// each adapter renders (plain text, JSON, Block Kit, Adaptive Cards, HTML), and the
// computation's result for machine-readable output.
type Reply struct {
	Blocks []Block
	// Data is the computation's result with the field names of DESIGN section 3; the
	// JSON format prints it. Nil for replies that are only prose (help).
	Data any
	// Err is set on error replies: its code says what kind of failure it was.
	Err error
}

// Block is one part of a reply: *Header, *Text, *Fields, *Table, *Buttons, *Context,
// *Image or *Chart.
type Block interface{ block() }

// Header is the reply's title.
type Header struct{ Text string }

// Text is a paragraph. It may use *bold* and _italic_ in the chat platforms' lightweight
// markup, which the plain-text renderer prints as is.
type Text struct{ Text string }

// Fields is a short list of labelled values, shown two or three to a row where the
// platform can.
type Fields struct{ Fields []Field }

// Field is one labelled value.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Table is a grid with a header row. More counts rows left out for length ("and N more").
type Table struct {
	Columns []Column
	Rows    [][]string
	More    int
}

// Column is a table column; numeric columns align right. Essential columns are the ones
// a narrow screen (a phone) keeps when the whole table does not fit: a chat adapter then
// shows the first column and the essential ones, and the full table on request.
type Column struct {
	Title     string `json:"title"`
	Numeric   bool   `json:"numeric,omitempty"`
	Essential bool   `json:"essential,omitempty"`
}

// Buttons are next actions; each runs a command as the person who presses it.
type Buttons struct{ Buttons []Button }

// Button runs Command when pressed. Style is "", "primary" or "danger". A button with a
// Form asks for the form's values first, and runs the command they make with Command
// (Form.Command).
type Button struct {
	Label   string `json:"label"`
	Command string `json:"command"`
	Style   string `json:"style,omitempty"`
	Form    *Form  `json:"form,omitempty"`
}

// Context is a small print line: sources, as-of dates, caveats.
type Context struct{ Text string }

// Image is a picture, by URL or as PNG bytes.
type Image struct {
	URL     string
	PNG     []byte
	AltText string
}

func (*Header) block()  {}
func (*Text) block()    {}
func (*Fields) block()  {}
func (*Table) block()   {}
func (*Buttons) block() {}
func (*Context) block() {}
func (*Image) block()   {}

// wireBlock is a block in a reply's JSON: its type and the fields of that type.
type wireBlock struct {
	Type    string     `json:"type"`
	Text    string     `json:"text,omitempty"`
	Fields  []Field    `json:"fields,omitempty"`
	Columns []Column   `json:"columns,omitempty"`
	Rows    [][]string `json:"rows,omitempty"`
	More    int        `json:"more,omitempty"`
	Buttons []Button   `json:"buttons,omitempty"`
	URL     string     `json:"url,omitempty"`
	PNG     []byte     `json:"png,omitempty"`
	AltText string     `json:"alt_text,omitempty"`
	Chart   *Chart     `json:"chart,omitempty"`
}

// MarshalJSON writes each block as an object with a "type" member ("header", "text",
// "fields", "table", "buttons", "context", "image", "chart"), so the JSON form of a reply can be
// read by anyone (the web playground renders it). Data is written as RenderJSON writes
// it: money to the cent.
func (r Reply) MarshalJSON() ([]byte, error) {
	blocks := make([]wireBlock, len(r.Blocks))
	for i, b := range r.Blocks {
		var w wireBlock
		switch b := b.(type) {
		case *Header:
			w = wireBlock{Type: "header", Text: b.Text}
		case *Text:
			w = wireBlock{Type: "text", Text: b.Text}
		case *Fields:
			w = wireBlock{Type: "fields", Fields: b.Fields}
		case *Table:
			w = wireBlock{Type: "table", Columns: b.Columns, Rows: b.Rows, More: b.More}
		case *Buttons:
			w = wireBlock{Type: "buttons", Buttons: b.Buttons}
		case *Context:
			w = wireBlock{Type: "context", Text: b.Text}
		case *Image:
			w = wireBlock{Type: "image", URL: b.URL, PNG: b.PNG, AltText: b.AltText}
		case *Chart:
			w = wireBlock{Type: "chart", Chart: b}
		default:
			return nil, fmt.Errorf("unknown block %T", b)
		}
		blocks[i] = w
	}
	out := struct {
		Blocks []wireBlock `json:"blocks"`
		Data   any         `json:"data,omitempty"`
		Error  *ErrorJSON  `json:"error,omitempty"`
	}{Blocks: blocks, Data: domain.RoundMoney(r.Data)}
	if r.Err != nil {
		e := NewErrorJSON(r.Err)
		out.Error = &e
	}
	return json.Marshal(out)
}

// ErrorJSON is the machine-readable form of an error reply.
type ErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// NewErrorJSON returns err's code and what a person reads for it (ErrorText).
func NewErrorJSON(err error) ErrorJSON {
	return ErrorJSON{Code: domain.ErrorCode(err), Message: ErrorText(err)}
}

// ShareCommand is the command of the "Share in channel" button, which chat adapters
// handle themselves (it posts the reply for the channel to see).
const ShareCommand = "share"

// WithoutShare returns blocks without their Share button (and without a row of buttons
// left empty): for a reply that is being shared, or a platform where every reply is
// already seen by the conversation.
func WithoutShare(blocks []Block) []Block {
	out := make([]Block, 0, len(blocks))
	for _, b := range blocks {
		if bs, ok := b.(*Buttons); ok {
			var keep []Button
			for _, x := range bs.Buttons {
				if x.Command != ShareCommand {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				continue
			}
			b = &Buttons{Buttons: keep}
		}
		out = append(out, b)
	}
	return out
}

// withNote puts a note (what a loosely typed name was taken for, or that the last
// account was used) on the line after the reply's header.
func withNote(r Reply, note string) Reply {
	if note == "" {
		return r
	}
	at := 0
	if len(r.Blocks) > 0 {
		if _, ok := r.Blocks[0].(*Header); ok {
			at = 1
		}
	}
	r.Blocks = append(r.Blocks[:at:at], append([]Block{&Context{Text: note}}, r.Blocks[at:]...)...)
	return r
}
