package csvimport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// errLineTooLong stops a file whose line exceeds the importer's limit.
var errLineTooLong = errors.New("line too long")

// lineLimiter fails a read once a line grows longer than max bytes, so a file without
// line breaks cannot make the CSV reader buffer it whole.
type lineLimiter struct {
	r     io.Reader
	max   int
	cur   int // bytes since the last newline
	lines int // newlines read
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	l.lines += bytes.Count(b, []byte{'\n'})
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		if l.cur+bytes.IndexByte(b, '\n') > l.max {
			return 0, errLineTooLong
		}
		l.cur = len(b) - i - 1
	} else {
		l.cur += n
	}
	if l.cur > l.max {
		return 0, errLineTooLong
	}
	return n, err
}

// table reads the sources of one standard file in turn (the file itself, or the exports
// a mapping reads as it), row by row, and collects problems with their positions.
type table struct {
	run  *run
	std  *standardFile
	cols []column // std.cols
	srcs []source
	err  error // a source could not be opened, or the import was cancelled: it stops

	// The source being read.
	file      string
	x         *export // how the mapping reads the source; nil for a standard file
	lim       *lineLimiter
	csv       *csv.Reader
	index     map[string]int // column name → field index (for an export: in the standard row)
	names     []string       // field index → column name (a standard file's)
	width     int            // fields in the header
	rec       []string
	line      int
	rowBad    bool // a problem was found in the current row
	headerBad bool // the header has a problem
	stop      bool // the file cannot be read further
}

// each reads the table's sources in turn: it opens each one, checks its header and,
// when the header is good, calls body, which reads the rows and returns how many it
// read. Each source gets its line in the report.
func (t *table) each(ctx context.Context, body func() int) {
	r := t.run
	for _, src := range t.srcs {
		if err := ctx.Err(); err != nil {
			t.err = err
			return
		}
		start := r.now()
		done, err := t.start(src)
		if err != nil {
			t.err = err
			return
		}
		n := 0
		if t.open() {
			n = body()
		}
		done()
		if t.stop || t.index == nil || t.headerBad {
			r.unread[t.std.name] = true
		}
		r.w.sync() // so that the file's time includes its writes
		fr := FileReport{Name: src.name, Rows: n, Duration: r.now().Sub(start)}
		if src.m != nil {
			fr.MappedTo, fr.Ignored = t.std.name, src.ignored
		}
		r.files = append(r.files, fr)
	}
}

// start opens src for reading; the function it returns closes it.
func (t *table) start(src source) (func(), error) {
	r := t.run
	f, err := os.Open(filepath.Join(r.dir, src.name))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", src.name, err)
	}
	done := func() { f.Close() }
	var in io.Reader = f
	if r.progress != nil {
		size := int64(-1)
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		w := r.progress(src.name, size)
		in = io.TeeReader(f, w)
		done = func() { w.Close(); f.Close() }
	}
	t.file, t.x = src.name, nil
	if src.m != nil {
		in = src.m.decoder(in)
		t.x = &export{src: src}
	}
	t.lim = &lineLimiter{r: in, max: r.maxLine}
	t.csv = csv.NewReader(bufio.NewReaderSize(t.lim, 1<<16))
	if src.m != nil {
		t.csv.Comma = src.m.comma
	}
	t.index, t.names, t.width, t.rec, t.line = nil, nil, 0, nil, 0
	t.rowBad, t.headerBad, t.stop = false, false, false
	return done, nil
}

// readHeader reads the header row; it returns false when the file cannot be read at
// all (its problems are recorded).
func (t *table) readHeader() ([]string, bool) {
	t.csv.ReuseRecord = true
	t.csv.FieldsPerRecord = -1
	header, err := t.csv.Read()
	if err == io.EOF {
		t.problem(1, "", "the file is empty: expected a header row")
		return nil, false
	}
	if err != nil {
		t.readError(err)
		return nil, false
	}
	return header, true
}

// open checks the header against the file's columns. It returns false when the file
// cannot be read at all (its problems are recorded).
func (t *table) open() bool {
	if t.x != nil {
		return t.openExport()
	}
	header, read := t.readHeader()
	if !read {
		return false
	}
	cols := t.cols
	known := make(map[string]bool, len(cols))
	for _, c := range cols {
		known[c.name] = true
	}
	t.index = make(map[string]int, len(header))
	t.names = make([]string, len(header))
	t.width = len(header)
	ok := true
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if !utf8.ValidString(h) {
			t.problem(1, "", "the header is not valid UTF-8 text (export the file as UTF-8)")
			return false
		}
		name := strings.ToLower(strings.TrimSpace(h))
		t.names[i] = name
		switch {
		case name == "":
			t.problem(1, "", fmt.Sprintf("column %d has no name", i+1))
			ok = false
		case t.hasIndex(name):
			t.problem(1, name, "the column appears twice")
			ok = false
		case strings.HasPrefix(name, "x_"):
			t.index[name] = i // extra columns are kept out of the way
		case !known[name]:
			t.problem(1, name, fmt.Sprintf("unknown column (expected %s; prefix your own columns with x_)", columnList(cols)))
			ok = false
		default:
			t.index[name] = i
		}
	}
	for _, c := range cols {
		if _, found := t.index[c.name]; c.required && !found {
			t.problem(1, c.name, "required column is missing")
			ok = false
		}
	}
	t.headerBad = !ok
	return ok
}

func (t *table) hasIndex(name string) bool { _, ok := t.index[name]; return ok }

func columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// next reads the next row; it returns false at the end of the file or when the file
// cannot be read further.
func (t *table) next() bool {
	for !t.stop {
		rec, err := t.csv.Read()
		if err == io.EOF {
			return false
		}
		if err != nil {
			if t.readError(err) {
				continue
			}
			return false
		}
		t.rec = rec
		t.line, _ = t.csv.FieldPos(0)
		t.rowBad = false
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line
		}
		if len(rec) != t.width {
			t.problem(t.line, "", fmt.Sprintf("has %d fields, the header has %d", len(rec), t.width))
			continue
		}
		if t.x != nil {
			return t.nextExport()
		}
		if !plainRecord(rec) && !t.checkText(rec) {
			return false
		}
		return true
	}
	return false
}

// plainRecord reports whether every field of rec is printable ASCII, which is valid
// UTF-8 and holds no control character: most rows, checked in one pass over their
// bytes; the others go through checkText.
func plainRecord(rec []string) bool {
	for _, f := range rec {
		for i := 0; i < len(f); i++ {
			if c := f[i]; c < 0x20 || c >= 0x7f {
				return false
			}
		}
	}
	return true
}

// checkText records a problem for a field of rec that is not valid UTF-8 (it stops
// the file: the rest would not read either) or that holds a control character; it
// returns false when the file stops.
func (t *table) checkText(rec []string) bool {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			t.problem(t.line, "", "not valid UTF-8 text (export the file as UTF-8)")
			t.stop = true
			return false
		}
	}
	for i, f := range rec {
		if c, bad := controlChar(f); bad {
			line, _ := t.csv.FieldPos(i)
			t.problem(line, t.names[i], fmt.Sprintf("holds a control character (U+%04X), which no value may: re-export the file as plain text", c))
		}
	}
	return true
}

// controlChar returns the first control character of s other than tab, line feed and
// carriage return (a quoted value may span lines): NUL and the like are refused rather
// than stored, where they would break a database's text or a chat message.
func controlChar(s string) (rune, bool) {
	for _, c := range s {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f) {
			return c, true
		}
	}
	return 0, false
}

// readError records a read error; it returns true when reading may go on.
func (t *table) readError(err error) bool {
	if errors.Is(err, errLineTooLong) {
		t.problem(t.lim.lines+1, "", fmt.Sprintf("line longer than %d bytes: is this a CSV file?", t.run.maxLine))
		t.stop = true
		return false
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
			// A quote opened and never closed takes the rest of the file with it: the
			// line to fix is where it opened.
			t.problem(pe.StartLine, "", fmt.Sprintf("a quoted value opens on this line and is not closed (an unbalanced \"): it runs to line %d", pe.Line))
			return true
		}
		t.problem(pe.Line, "", pe.Err.Error())
		return true
	}
	t.problem(0, "", err.Error())
	t.stop = true
	return false
}

func (t *table) problem(line int, col, msg string) {
	t.rowBad = true
	t.run.add(Problem{File: t.file, Line: line, Column: col, Message: msg})
}

// bad records a problem with a column of the current row, named as the file names it.
func (t *table) bad(col, format string, args ...any) {
	if t.x != nil {
		shown, report := t.x.problemAt(t, col)
		t.rowBad = true
		if report {
			t.problem(t.line, shown, fmt.Sprintf(format, args...))
		}
		return
	}
	t.problem(t.line, col, fmt.Sprintf(format, args...))
}

// colName is a column as the file being read names it: the export's own header when a
// mapping reads it.
func (t *table) colName(col string) string {
	if t.x != nil {
		return t.x.shown(t, col)
	}
	return col
}

// lineName names a line of this import's sources for a problem on the current one: "on
// line 12", or "in accounts.csv on line 12" when it is in another file.
func (t *table) lineName(file string, line int) string {
	if file == t.file {
		return fmt.Sprintf("on line %d", line)
	}
	return fmt.Sprintf("in %s on line %d", file, line)
}

// str returns the trimmed value of a column ("" when the file has no such column).
func (t *table) str(col string) string {
	i, ok := t.index[col]
	if !ok || i >= len(t.rec) {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

// req returns the value of a required column, recording a problem when it is empty.
func (t *table) req(col string) string {
	v := t.str(col)
	if v == "" {
		t.bad(col, "is required")
	}
	return v
}

// num parses a plain decimal; empty gives def (a problem when required).
func (t *table) num(col string, required bool, def float64) float64 {
	v := t.str(col)
	if v == "" {
		if required {
			t.bad(col, "is required")
		}
		return def
	}
	if !plainDecimal(v) {
		t.bad(col, "%q is not a number", clipValue(v))
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	limit, limited := maxima[col]
	if errors.Is(err, strconv.ErrRange) && limited {
		err, f = nil, math.Inf(1) // refused below, as over the limit
	}
	if err != nil {
		t.bad(col, "%q is not a number", clipValue(v))
		return def
	}
	if limited && !(math.Abs(f) <= limit) {
		t.bad(col, "%s is over the limit: at most %s", clipValue(v), groupDigits(limit))
		return def
	}
	return f
}

// maxima are the largest values of the numeric columns, by kind (domain's input
// maxima): money, quantities (negative ones, returns, as large), and no more.
var maxima = map[string]float64{
	"list_price": domain.MaxMoney, "unit_cost": domain.MaxMoney, "amount": domain.MaxMoney, "cost": domain.MaxMoney,
	"annual_potential": domain.MaxMoney, "value": domain.MaxMoney, "price": domain.MaxMoney,
	"change_cost": domain.MaxMoney, "revenue_target": domain.MaxMoney, "gp_target": domain.MaxMoney,
	"quantity": domain.MaxQuantity, "uses_per_unit": domain.MaxQuantity, "committed_qty": domain.MaxQuantity,
}

// clipValue shortens a value quoted in a problem: a 308-digit number is not repeated
// whole.
func clipValue(v string) string {
	if len(v) <= 24 {
		return v
	}
	return v[:20] + fmt.Sprintf("… (%d characters)", len(v))
}

// groupDigits writes a whole number with thousands separators: 1,000,000,000,000.
func groupDigits(f float64) string {
	s := strconv.FormatFloat(f, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// atLeast parses a number and requires it to be ≥ min.
func (t *table) atLeast(col string, required bool, def, min float64) float64 {
	f := t.num(col, required, def)
	if f < min {
		t.bad(col, "%s must be at least %s", t.str(col), strconv.FormatFloat(min, 'f', -1, 64))
	}
	return f
}

// positive parses a number and requires it to be > 0.
func (t *table) positive(col string, required bool) float64 {
	f := t.num(col, required, 0)
	if t.str(col) != "" && f <= 0 {
		t.bad(col, "%s must be greater than 0", t.str(col))
	}
	return f
}

// integer parses a whole number within [lo, hi]; empty gives def.
func (t *table) integer(col string, def, lo, hi int) int {
	v := t.str(col)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.bad(col, "%q is not a whole number", v)
		return def
	}
	if n < lo || n > hi {
		t.bad(col, "%d is out of range (%d to %d)", n, lo, hi)
	}
	return n
}

// date parses YYYY-MM-DD; empty gives the zero time (a problem when required).
func (t *table) date(col string, required bool) time.Time {
	v := t.str(col)
	if v == "" {
		if required {
			t.bad(col, "is required")
		}
		return time.Time{}
	}
	d, err := parseDate(v)
	if err != nil {
		t.bad(col, "%q is not a date (expected YYYY-MM-DD)", v)
	}
	return d
}

// parseDate is a fast YYYY-MM-DD parser that falls back to time.Parse for validation.
func parseDate(s string) (time.Time, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 28 {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Parse(domain.DateLayout, s)
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// plainDecimal reports whether s is an optional minus sign, digits, and optionally a
// point and digits: "1234.50", "-3", ".5". Exponents, thousands separators, currency
// symbols, NaN and Inf are refused.
func plainDecimal(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digitsSeen, point := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digitsSeen = true
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digitsSeen
}

// rows reads the table's sources, calling row for each row with the duplicate-key set
// they share (a key may appear once across all the sources of a file); the write row
// returns is queued when the row (and the import so far) is clean.
func (t *table) rows(ctx context.Context, row func(k *keys) writeFn) {
	k := newKeys(t)
	t.each(ctx, func() int {
		k.startFile(t.file)
		n := 0
		for t.next() {
			n++
			if fn := row(k); fn != nil && t.ok() {
				t.run.write(fn)
			}
		}
		return n
	})
}
