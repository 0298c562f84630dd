package csvimport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// source is one file that feeds a standard file: the standard file itself, or an export
// a mapping reads as it.
type source struct {
	name    string       // the file's name in the directory
	m       *fileMapping // nil for a standard file
	ignored []string     // the export's columns the mapping leaves out
}

// resolve matches the mapping's patterns against the directory's files: it returns the
// section that reads each file it names, and the problems (a pattern that matches no
// file, a file two sections name). A pattern never takes another standard file, nor the
// mapping file itself: files = "*.csv" in [sales] leaves products.csv to be read as usual.
func (m *Mapping) resolve(dir string, names []string) (map[string]*fileMapping, []string) {
	self, _ := os.Stat(m.name)
	owner := map[string]*fileMapping{}
	by := map[string]string{} // file → the pattern that named it, for a problem
	var problems []string
	var twice []string // files two sections name: their headers are not checked
	add := func(format string, args ...any) {
		problems = append(problems, m.name+": "+fmt.Sprintf(format, args...))
	}
	for _, fm := range m.sections {
		globs, given := fm.files, fm.files != nil
		if !given {
			globs = []string{fm.std.name}
			if fm.std.name == "sales.csv" {
				globs = append(globs, "sales-*.csv")
			}
		}
		matched := 0
		for _, g := range globs {
			n := 0
			for _, name := range names {
				if ok, _ := filepath.Match(g, name); !ok {
					continue
				}
				if std := standardFileOf(name); std != nil && std != fm.std {
					continue // another standard file, read as usual
				}
				if self != nil {
					if st, err := os.Stat(filepath.Join(dir, name)); err == nil && os.SameFile(self, st) {
						continue // the mapping file itself
					}
				}
				n++
				named := fmt.Sprintf("%s files = %q", fm.label, g)
				if prev, ok := owner[name]; ok && prev != fm {
					add("%s is named by %s and by %s: a file is read as one standard file", name, by[name], named)
					twice = append(twice, name)
					continue
				}
				owner[name], by[name] = fm, named
			}
			if n == 0 && given {
				add("%s files = %q: matches no file in %s", fm.label, g, dir)
			}
			matched += n
		}
		if matched == 0 && !given {
			add("%s: no files = is given, and %s holds no %s", fm.label, dir, strings.Join(globs, " or "))
		}
	}
	for _, name := range twice {
		delete(owner, name)
	}
	return owner, problems
}

// checkHeaders reads the header of every export the mapping reads and checks that the
// mapping fits it, before any data is read; it notes each export's ignored columns. A
// problem found in several exports of one section is reported once.
func (m *Mapping) checkHeaders(dir string, srcs []*source, maxLine int) []string {
	var problems []string
	seen := map[string]int{} // a problem's key → its index in problems
	others := map[string]int{}
	for _, src := range srcs {
		header, ok := src.m.readHeader(filepath.Join(dir, src.name), maxLine)
		if !ok {
			continue // the import reports why it cannot be read
		}
		b, bps := src.m.bind(header)
		src.ignored = b.ignored
		for _, bp := range bps {
			key := src.m.label + "\x00" + bp.col + "\x00" + bp.what
			if _, dup := seen[key]; dup {
				others[key]++
				continue
			}
			seen[key] = len(problems)
			problems = append(problems, m.name+": "+bp.mappingProblem(src.m, src.name, header))
		}
	}
	for key, n := range others {
		problems[seen[key]] += fmt.Sprintf(" (so do %d more files)", n)
	}
	return problems
}

// readHeader returns the header row of an export, false when it cannot be read (the
// import then reports why).
func (fm *fileMapping) readHeader(path string, maxLine int) ([]string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	c := csv.NewReader(bufio.NewReader(&lineLimiter{r: fm.decoder(f), max: maxLine}))
	c.Comma, c.FieldsPerRecord = fm.comma, -1
	header, err := c.Read()
	if err != nil {
		return nil, false
	}
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, false
		}
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	return header, true
}

// binding is how the columns of one export give the standard file's columns.
type binding struct {
	from    []int    // standard column → the export's field, -1 for none (a constant, or empty)
	values  []string // a row in the standard file's column order; constants filled in
	shown   []string // standard column → how problems name it: the export's header
	ignored []string // the export's columns no standard column reads
}

// bindProblem is a header that does not fit the mapping.
type bindProblem struct {
	col    string // the standard column
	header string // the export's header the mapping names ("" when it names none)
	what   string // missing, twice or required
}

// bind matches an export's header (trimmed) to the standard file's columns: a column
// the section's columns name reads that export column; a constant fills it; otherwise
// an export column of the standard name reads it (any case).
func (fm *fileMapping) bind(header []string) (*binding, []bindProblem) {
	cols := fm.std.cols
	at := map[string][]int{} // lower-case header → fields
	for i, h := range header {
		k := strings.ToLower(h)
		at[k] = append(at[k], i)
	}
	b := &binding{from: make([]int, len(cols)), values: make([]string, len(cols)), shown: make([]string, len(cols))}
	used := make([]bool, len(header))
	var problems []bindProblem
	take := func(p int, fields []int, col, header, missing string) {
		switch {
		case len(fields) == 1:
			b.from[p], used[fields[0]] = fields[0], true
		case len(fields) > 1:
			problems = append(problems, bindProblem{col, header, "twice"})
		case missing != "":
			problems = append(problems, bindProblem{col, header, missing})
		}
	}
	for p, c := range cols {
		b.from[p], b.shown[p] = -1, c.name
		if h, ok := fm.columns[c.name]; ok {
			take(p, at[strings.ToLower(h)], c.name, h, "missing")
		}
		if v, ok := fm.constants[c.name]; ok {
			b.values[p], b.shown[p] = v, fm.sub("constants")+" "+c.name
		}
	}
	for p, c := range cols { // then the standard names, in export columns not taken
		_, mapped := fm.columns[c.name]
		_, constant := fm.constants[c.name]
		if mapped || constant {
			continue
		}
		var free []int
		for _, i := range at[c.name] {
			if !used[i] {
				free = append(free, i)
			}
		}
		missing := ""
		if c.required {
			missing = "required"
		}
		take(p, free, c.name, "", missing)
	}
	for p, i := range b.from {
		if i >= 0 {
			b.shown[p] = header[i]
		}
	}
	for i, h := range header {
		if !used[i] && h != "" {
			b.ignored = append(b.ignored, h)
		}
	}
	return b, problems
}

// mappingProblem says what is wrong, for the mapping's refusal.
func (bp bindProblem) mappingProblem(fm *fileMapping, file string, header []string) string {
	cols := strings.Join(header, ", ")
	if len(header) == 1 {
		for _, d := range []string{";", "\t", ",", "|"} {
			if strings.Contains(header[0], d) && rune(d[0]) != fm.comma {
				cols += fmt.Sprintf("; one column, as the delimiter is %q: is it %q?", string(fm.comma), d)
				break
			}
		}
	}
	switch bp.what {
	case "missing":
		near, _ := nearest(bp.header, header)
		return fmt.Sprintf("%s %s = %q: %s has no column %q; the closest is %q (its columns: %s)",
			fm.sub("columns"), bp.col, bp.header, file, bp.header, near, cols)
	case "twice":
		h := bp.header
		if h == "" {
			h = bp.col
		}
		return fmt.Sprintf("%s %s: %s has more than one column %q: the mapping cannot tell which to read", fm.label, bp.col, file, h)
	}
	return fmt.Sprintf("%s: %s has no column %s, which %s requires: map it in %s to one of its columns (%s), or give it in %s",
		fm.label, file, bp.col, fm.std.name, fm.sub("columns"), cols, fm.sub("constants"))
}

// export is the state of reading an export through a mapping.
type export struct {
	src source
	b   *binding
	// skip marks the columns of the current row whose value already has a problem:
	// the checks that follow do not report them again.
	skip uint64
	// constBad marks the constants that have had a problem: it is the same on every
	// row, so it is reported once.
	constBad uint64
}

// openExport checks an export's header against the mapping and the standard file's
// columns. It returns false when the file cannot be read (its problems are recorded).
func (t *table) openExport() bool {
	header, ok := t.readHeader()
	if !ok {
		return false
	}
	names := make([]string, len(header))
	for i, h := range header {
		if !utf8.ValidString(h) {
			t.problem(1, "", "the header is not valid UTF-8 text (name the file's encoding in the mapping, such as encoding = \"windows-1252\")")
			return false
		}
		names[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	b, problems := t.x.src.m.bind(names)
	t.width = len(header)
	t.index = make(map[string]int, len(t.cols))
	for p, c := range t.cols {
		t.index[c.name] = p
	}
	for _, bp := range problems {
		msg := "the mapping reads " + bp.col + " from this column, which the file has more than once"
		switch bp.what {
		case "missing":
			msg = "the mapping reads " + bp.col + " from this column, which the file does not have"
		case "required":
			msg = "required column is missing"
		}
		col := bp.header
		if col == "" {
			col = bp.col
		}
		t.problem(1, col, msg)
		t.headerBad = true
	}
	t.x.b = b
	return !t.headerBad
}

// nextExport turns the export's current row into a row of the standard file: the
// mapped columns' values, dates and numbers rewritten in the standard form, and the
// constants. It returns false when the file cannot be read further.
func (t *table) nextExport() bool {
	x, m := t.x, t.x.src.m
	x.skip = 0
	for p, i := range x.b.from {
		if i < 0 {
			continue
		}
		v := t.rec[i]
		if !utf8.ValidString(v) {
			t.problem(t.line, "", "not valid UTF-8 text (name the file's encoding in the mapping, such as encoding = \"windows-1252\")")
			t.stop = true
			return false
		}
		if c, bad := controlChar(v); bad {
			line, _ := t.csv.FieldPos(i)
			t.problem(line, x.b.shown[p], fmt.Sprintf("holds a control character (U+%04X), which no value may: re-export the file as plain text", c))
		}
		v = strings.TrimSpace(v)
		msg := ""
		if v != "" {
			switch t.cols[p].typ {
			case date:
				v, msg = m.date(v)
			case number:
				v, msg = m.number(v)
			}
		}
		if msg != "" {
			t.problem(t.line, x.b.shown[p], msg)
			x.skip |= 1 << p
		}
		x.b.values[p] = v
	}
	t.rec = x.b.values
	return true
}

// problemAt says how a problem with a standard column of the current row is named, and
// whether it is reported: not when the column's value already has one, and a constant's
// only once.
func (x *export) problemAt(t *table, col string) (string, bool) {
	p, ok := t.index[col]
	if !ok {
		return col, true
	}
	if x.skip&(1<<p) != 0 {
		return "", false
	}
	if _, constant := x.src.m.constants[col]; constant {
		if x.constBad&(1<<p) != 0 {
			return "", false
		}
		x.constBad |= 1 << p
	}
	return x.b.shown[p], true
}

// shown is how the export names a standard column.
func (x *export) shown(t *table, col string) string {
	if p, ok := t.index[col]; ok {
		return x.b.shown[p]
	}
	return col
}

// date rewrites a date in the mapping's layout as YYYY-MM-DD; the message says what is
// wrong when it is not such a date.
func (fm *fileMapping) date(v string) (string, string) {
	if fm.layout == "" {
		return v, ""
	}
	d, err := time.Parse(fm.layout, v)
	if err != nil {
		return "", fmt.Sprintf("%q is not a date (expected %s, the mapping's date_format)", clipValue(v), fm.layout)
	}
	return d.Format(domain.DateLayout), ""
}

// number rewrites a number written with the mapping's decimal mark and thousands
// separator as a plain decimal (1.234,50 → 1234.50); the message says what is wrong
// when it is not such a number. Thousands separators must group digits by three before
// the decimal mark, so that 1.5 is never read as fifteen.
func (fm *fileMapping) number(v string) (string, string) {
	if fm.decimal == '.' && fm.thousands == "" {
		return v, "" // the standard form: the file's check reads it
	}
	buf := make([]byte, 0, len(v))
	s := v
	if s[0] == '-' || s[0] == '+' {
		buf, s = append(buf, s[0]), s[1:]
	}
	group, groups, digits, point := 0, 0, 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			buf = append(buf, byte(r))
			digits++
			group++
		case r == rune(fm.decimal) && !point:
			if groups > 0 && group != 3 {
				return "", fm.notNumber(v)
			}
			buf = append(buf, '.')
			point, group = true, 0
		case !point && fm.isThousands(r):
			if group == 0 || group > 3 || (groups > 0 && group != 3) {
				return "", fm.notNumber(v)
			}
			groups++
			group = 0
		default:
			return "", fm.notNumber(v)
		}
	}
	if digits == 0 || (!point && groups > 0 && group != 3) {
		return "", fm.notNumber(v)
	}
	return string(buf), ""
}

func (fm *fileMapping) isThousands(r rune) bool {
	switch fm.thousands {
	case "":
		return false
	case " ":
		return r == ' ' || r == '\u00a0' || r == '\u202f' // also the non-breaking spaces
	}
	return r == rune(fm.thousands[0])
}

// notNumber is the problem of a value that is not a number, with a hint when it seems
// to group thousands with a mark the mapping does not name.
func (fm *fileMapping) notNumber(v string) string {
	msg := fmt.Sprintf("%q is not a number", clipValue(v))
	other := ","
	if fm.decimal == ',' {
		other = "."
	}
	if fm.thousands == "" && strings.Contains(v, other) {
		msg += fmt.Sprintf(" (the decimal mark is %q; if %q separates thousands, say thousands = %q in the mapping)", string(fm.decimal), other, other)
	}
	return msg
}
