package web

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"regexp"
	"strings"

	"github.com/incumbent/incumbent/bot"
)

// replyTemplate renders a bot.Reply as HTML. html/template escapes every value, so data
// from the CSV files (account names, competitor weaknesses) can never become markup;
// only the chat platforms' lightweight markup (*bold*, _italic_, `code`) is turned into
// tags, by markup, after escaping. A button with a form is the form, folded under the
// button's label; the page sends its values with the form and the button's command,
// and the server makes the command (bot.Form.Command).
var replyTemplate = template.Must(template.New("reply").Funcs(template.FuncMap{
	"markup": markup,
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"png": func(b []byte) template.URL {
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))
	},
}).Parse(`<article class="reply{{if .Error}} error{{end}}">
{{- range .Blocks}}
{{- with .Header}}<h2>{{.Text}}</h2>{{end}}
{{- with .Text}}<p>{{markup .Text}}</p>{{end}}
{{- with .Fields}}<dl class="fields">{{range .Fields}}<div><dt>{{.Label}}</dt><dd>{{markup .Value}}</dd></div>{{end}}</dl>{{end}}
{{- with .Table}}{{$t := .}}<div class="table"><table><thead><tr>{{range .Columns}}<th{{if .Numeric}} class="num"{{end}}>{{.Title}}</th>{{end}}</tr></thead><tbody>
{{- range .Rows}}<tr>{{range $i, $c := .}}<td{{if index $t.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}</tr>{{end}}</tbody></table>
{{- if .More}}<p class="more">… and {{.More}} more</p>{{end}}</div>{{end}}
{{- with .Buttons}}<div class="buttons">{{range .Buttons}}
{{- if .Form}}<details class="form"><summary>{{.Label}}</summary><form class="buttonform" data-command="{{.Command}}" data-form="{{json .Form.Bare}}">
{{- range .Form.Fields}}<label>{{.Label}}{{if .Optional}} <span class="optional">(optional)</span>{{end}}<input name="{{.Name}}" type="text"{{with .Placeholder}} placeholder="{{.}}"{{end}}{{with .MaxLength}} maxlength="{{.}}"{{end}}{{if not .Optional}} required{{end}}></label>{{with .Hint}}<small>{{.}}</small>{{end}}{{end}}
{{- with .Form}}<button type="submit" class="primary">{{.Submit}}</button>{{end}}</form></details>
{{- else}}<button type="button" class="action{{with .Style}} {{.}}{{end}}" data-command="{{.Command}}">{{.Label}}</button>{{end}}
{{- end}}</div>{{end}}
{{- with .Context}}<p class="context">{{markup .Text}}</p>{{end}}
{{- with .Image}}<figure>{{if .PNG}}<img src="{{png .PNG}}" alt="{{.AltText}}">{{else}}<img src="{{.URL}}" alt="{{.AltText}}">{{end}}</figure>{{end}}
{{- end}}
</article>`))

// block is one block for the template: exactly one field is set.
type block struct {
	Header  *bot.Header
	Text    *bot.Text
	Fields  *bot.Fields
	Table   *tableView
	Buttons *bot.Buttons
	Context *bot.Context
	Image   *bot.Image
}

// tableView is a table with its numeric columns flagged per index, for the cells.
type tableView struct {
	*bot.Table
	Numeric []bool
}

// RenderHTML renders a reply as an HTML fragment (an <article>).
func RenderHTML(r bot.Reply) (template.HTML, error) {
	v := struct {
		Blocks []block
		Error  bool
	}{Error: r.Err != nil}
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Header:
			v.Blocks = append(v.Blocks, block{Header: b})
		case *bot.Text:
			v.Blocks = append(v.Blocks, block{Text: b})
		case *bot.Fields:
			v.Blocks = append(v.Blocks, block{Fields: b})
		case *bot.Table:
			t := &tableView{Table: b, Numeric: make([]bool, 0, len(b.Columns))}
			for _, c := range b.Columns {
				t.Numeric = append(t.Numeric, c.Numeric)
			}
			// Rows longer than the header would index past Numeric.
			for _, row := range b.Rows {
				for len(t.Numeric) < len(row) {
					t.Numeric = append(t.Numeric, false)
				}
			}
			v.Blocks = append(v.Blocks, block{Table: t})
		case *bot.Buttons:
			v.Blocks = append(v.Blocks, block{Buttons: b})
		case *bot.Context:
			v.Blocks = append(v.Blocks, block{Context: b})
		case *bot.Image:
			v.Blocks = append(v.Blocks, block{Image: b})
		}
	}
	var sb strings.Builder
	if err := replyTemplate.Execute(&sb, v); err != nil {
		return "", err
	}
	return template.HTML(sb.String()), nil
}

var (
	boldRe   = regexp.MustCompile(`\*([^*\n]+)\*`)
	italicRe = regexp.MustCompile(`(^|[\s(])_([^_\n]+)_`)
	codeRe   = regexp.MustCompile("`([^`\n]+)`")
)

// markup escapes s, then turns *bold*, _italic_ and `code` into tags and line breaks
// into <br>. The patterns match escaped text only, so no tag can come from s.
func markup(s string) template.HTML {
	e := template.HTMLEscapeString(s)
	e = codeRe.ReplaceAllString(e, "<code>$1</code>")
	e = boldRe.ReplaceAllString(e, "<strong>$1</strong>")
	e = italicRe.ReplaceAllString(e, "$1<em>$2</em>")
	e = strings.ReplaceAll(e, "\n", "<br>")
	return template.HTML(e)
}
