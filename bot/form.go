package bot

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// Form is what a button asks for before its command runs. A chat adapter shows it (a
// modal on Slack, a card that opens under the button on Teams, fields on the
// playground) and runs the command the values typed in it make (Command): the
// command's own grammar then reads them, so a form accepts what the command accepts and
// refuses it with the same words. The plain-text reply shows the command with its
// fields to fill in (Usage).
type Form struct {
	Title  string      `json:"title"`
	Submit string      `json:"submit"`
	Fields []FormField `json:"fields"`
}

// FormField is one input of a form.
type FormField struct {
	// Name is the value's key: what a submission names it by (a Slack block id, a Teams
	// input id, a playground input's name).
	Name  string `json:"name"`
	Label string `json:"label"`
	// Keyword is the word the command puts before the value ("competitor"); empty when
	// the value stands alone.
	Keyword     string `json:"keyword,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
	Hint        string `json:"hint,omitempty"`
	Optional    bool   `json:"optional,omitempty"`
	MaxLength   int    `json:"max_length,omitempty"` // in characters; 0: no limit of its own
}

// FormError says what is wrong with each field of a form whose values cannot make a
// command: a required field left empty, a value over its length. It is an EINVALID
// error naming the fields.
type FormError struct{ Fields map[string]string }

func (e *FormError) Error() string {
	return fmt.Sprintf("the form has %d bad fields", len(e.Fields))
}

// Unwrap gives the form's error its code and a message naming each bad field.
func (e *FormError) Unwrap() error {
	msgs := make([]string, 0, len(e.Fields))
	for _, name := range slices.Sorted(maps.Keys(e.Fields)) {
		msgs = append(msgs, e.Fields[name])
	}
	return domain.Errorf(domain.EINVALID, "%s", strings.Join(msgs, " "))
}

// Command returns the command that the values (by field name) make: base, then each
// field's value in the form's order, after its keyword, in double quotes when it has
// more than one word (double quotes inside a value become single ones, since the
// grammar reads them as grouping). An optional field left empty adds nothing; a
// required field left empty, or a value over its MaxLength, makes a *FormError.
func (f *Form) Command(base string, values map[string]string) (string, error) {
	bad := map[string]string{}
	words := []string{strings.TrimSpace(base)}
	for _, fd := range f.Fields {
		v := strings.Join(strings.Fields(strings.NewReplacer(`"`, "'", "“", "'", "”", "'").Replace(values[fd.Name])), " ")
		switch n := utf8.RuneCountInString(v); {
		case v == "" && !fd.Optional:
			bad[fd.Name] = fmt.Sprintf("Fill in %s.", strings.ToLower(fd.Label))
			continue
		case fd.MaxLength > 0 && n > fd.MaxLength:
			bad[fd.Name] = fmt.Sprintf("%s is %d characters long; at most %d.", fd.Label, n, fd.MaxLength)
			continue
		case v == "":
			continue
		}
		if fd.Keyword != "" {
			words = append(words, fd.Keyword)
		}
		words = append(words, quoted(v))
	}
	if len(bad) > 0 {
		return "", &FormError{Fields: bad}
	}
	return strings.Join(words, " "), nil
}

// Bare returns the form with only what Command reads (each field's name, label, keyword,
// whether it is optional and its length): what a chat platform carries back with the
// values, when the rest was shown already.
func (f *Form) Bare() *Form {
	out := &Form{Fields: make([]FormField, len(f.Fields))}
	for i, fd := range f.Fields {
		out.Fields[i] = FormField{Name: fd.Name, Label: fd.Label, Keyword: fd.Keyword, Optional: fd.Optional, MaxLength: fd.MaxLength}
	}
	return out
}

// Usage writes base with the form's fields to fill in, for where a form cannot be
// shown (plain text): "potential set A1 Welding <amount> [competitor <competitor>]".
func (f *Form) Usage(base string) string {
	words := []string{base}
	for _, fd := range f.Fields {
		w := "<" + fd.Name + ">"
		if fd.Keyword != "" {
			w = fd.Keyword + " " + w
		}
		if fd.Optional {
			w = "[" + w + "]"
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// FieldError is an error in one value of a command, naming the field of the command's
// form that holds it ("amount"), so that a form shows it under that field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// ErrorField returns the form field err is about (a *FieldError's), "" when none.
func ErrorField(err error) string {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return fe.Field
	}
	return ""
}
