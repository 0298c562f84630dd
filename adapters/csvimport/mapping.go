package csvimport

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/incumbent/incumbent/domain"
)

// Mapping reads customers' exports as the standard files (issue 38 §2): for each
// standard file it names export files in the directory and says how to read them, their
// headers, date format, decimal marks, delimiter and encoding. See docs/CSV.md.
type Mapping struct {
	name     string // the mapping file, as problems name it
	sections []*fileMapping
}

// fileMapping is one section of a mapping: how to read some exports as one standard file.
type fileMapping struct {
	mapping   *Mapping
	std       *standardFile
	label     string   // the section as problems name it: [sales], or [[sales]] #2
	files     []string // patterns of file names; nil: the standard file's own names
	layout    string   // dates' Go layout; "": the standard YYYY-MM-DD
	decimal   byte     // '.' or ','
	thousands string   // "" (none), ".", ",", " " or "'"
	comma     rune
	enc       encoding.Encoding // nil: UTF-8
	columns   map[string]string // standard column → the export's header
	constants map[string]string // standard column → its value on every row
}

// mappingOptions are the keys a section may hold.
var mappingOptions = []string{"files", "date_format", "decimal", "thousands", "delimiter", "encoding", "columns", "constants"}

// commonEncodings are the encodings a mapping names most, offered when it names an
// unknown one; any label of the WHATWG Encoding Standard is accepted.
var commonEncodings = []string{"utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1250", "windows-1251",
	"windows-1252", "windows-1253", "windows-1254", "windows-1257", "iso-8859-1", "iso-8859-2",
	"iso-8859-15", "macintosh", "shift_jis", "euc-jp", "gbk", "gb18030", "big5", "euc-kr", "koi8-r"}

// maxMappingSize is the most of a mapping file that is read: a real one is a few lines.
const maxMappingSize = 1 << 20

// MappingError is returned when a mapping is refused, by itself or because it does not
// fit the directory's files: nothing was read or written. Each problem names the mapping
// file, the section and the key.
type MappingError struct {
	File     string
	Problems []string
}

// Error lists the problems, one per line.
func (e *MappingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the mapping %s is refused, nothing was imported: %d problem", e.File, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p)
	}
	return b.String()
}

// Unwrap gives the refusal its domain code, EINVALID, and its text.
func (e *MappingError) Unwrap() error { return domain.Errorf(domain.EINVALID, "%s", e.Error()) }

// LoadMapping reads and checks the mapping file at path.
func LoadMapping(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, domain.Errorf(domain.ENOTFOUND, "mapping %s does not exist", path)
		}
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: %v", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMappingSize+1))
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: %v", path, err)
	}
	if len(b) > maxMappingSize {
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: the file is over %d MiB; a mapping is a few lines of TOML (see docs/CSV.md)", path, maxMappingSize>>20)
	}
	return ParseMapping(path, string(b))
}

// ParseMapping checks the mapping text of the file name (TOML) and returns it. Every
// problem is reported, each naming the file, the section and the key, in a
// *MappingError.
func ParseMapping(name, text string) (*Mapping, error) {
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, domain.Errorf(domain.EINVALID, "mapping %s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: %v", name, err)
	}
	m := &Mapping{name: name}
	p := &mappingParser{m: m}
	var sections []string
	for _, f := range standardFiles {
		sections = append(sections, f.section())
	}
	crm := false
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if CRMSections[key] {
			crm = true // read by the CRM sync (adapters/crm)
			continue
		}
		std := sectionFile(key)
		if std == nil {
			p.add("[%s]: not a standard file (the sections are %s)%s", key, strings.Join(sections, ", "), closest(key, sections))
			continue
		}
		switch v := raw[key].(type) {
		case map[string]any:
			p.section(std, "["+key+"]", v)
		case []map[string]any:
			for i, tbl := range v {
				label := "[[" + key + "]]"
				if len(v) > 1 {
					label += " #" + strconv.Itoa(i+1)
				}
				p.section(std, label, tbl)
			}
		default:
			p.add("%s = %s: not a section: write [%s] on a line of its own, then its options", key, tomlValue(v), key)
		}
	}
	if len(m.sections) == 0 && len(p.problems) == 0 && !crm {
		p.add("maps no file: give a section per standard file, such as [sales]")
	}
	if len(p.problems) > 0 {
		return nil, &MappingError{File: name, Problems: p.problems}
	}
	return m, nil
}

// CRMSections are the sections of a mapping file that say how a CRM's records are read
// (docs/CRM.md); the import leaves them to the sync.
var CRMSections = map[string]bool{domain.CRMSalesforce: true, domain.CRMHubSpot: true}

// sectionFile returns the standard file a section names.
func sectionFile(section string) *standardFile {
	for _, f := range standardFiles {
		if f.section() == section {
			return f
		}
	}
	return nil
}

// mappingParser collects the problems of a mapping.
type mappingParser struct {
	m        *Mapping
	problems []string
}

func (p *mappingParser) add(format string, args ...any) {
	p.problems = append(p.problems, p.m.name+": "+fmt.Sprintf(format, args...))
}

// section reads one section: the options, then the columns and the constants.
func (p *mappingParser) section(std *standardFile, label string, tbl map[string]any) {
	fm := &fileMapping{mapping: p.m, std: std, label: label, decimal: '.', comma: ',',
		columns: map[string]string{}, constants: map[string]string{}}
	for _, key := range slices.Sorted(maps.Keys(tbl)) {
		v := tbl[key]
		switch key {
		case "files":
			fm.files = p.files(label, v)
		case "date_format", "decimal", "thousands", "delimiter", "encoding":
			s, ok := v.(string)
			if !ok {
				p.add("%s %s = %s: give a string", label, key, tomlValue(v))
				continue
			}
			if msg := fm.option(key, s); msg != "" {
				p.add("%s %s = %q: %s", label, key, s, msg)
			}
		case "columns", "constants":
			cols, ok := v.(map[string]any)
			if !ok {
				p.add("%s %s = %s: give a table, [%s.%s], of standard column = value", label, key, tomlValue(v), std.section(), key)
				continue
			}
			p.columns(fm, key, cols)
		default:
			p.add("%s %s: unknown option (the options are %s)%s", label, key, strings.Join(mappingOptions, ", "), closest(key, mappingOptions))
		}
	}
	if strings.ContainsRune(fm.thousands, rune(fm.decimal)) {
		p.add("%s thousands = %q: the same mark as decimal = %q", label, fm.thousands, string(fm.decimal))
	}
	for col := range fm.constants {
		if h, ok := fm.columns[col]; ok {
			p.add("%s %s: both a constant and the export's column %q: keep one", fm.sub("constants"), col, h)
		}
	}
	p.m.sections = append(p.m.sections, fm)
}

// sub names a table of the section: [sales.columns], or [sales.columns] of [[sales]] #2.
func (fm *fileMapping) sub(name string) string {
	s := "[" + fm.std.section() + "." + name + "]"
	if strings.HasPrefix(fm.label, "[[") {
		s += " of " + fm.label
	}
	return s
}

// files reads the files option: a pattern of file names, or a list of them.
func (p *mappingParser) files(label string, v any) []string {
	var globs []string
	switch v := v.(type) {
	case string:
		globs = []string{v}
	case []any:
		for _, g := range v {
			s, ok := g.(string)
			if !ok {
				p.add("%s files = %s: give a pattern of file names, or a list of them, as strings", label, tomlValue(v))
				return nil
			}
			globs = append(globs, s)
		}
	}
	if len(globs) == 0 {
		p.add("%s files = %s: give a pattern of file names in the directory, such as \"Invoice_Lines_*.csv\"", label, tomlValue(v))
		return nil
	}
	for _, g := range globs {
		if _, err := filepath.Match(g, ""); err != nil || g == "" {
			p.add("%s files = %q: not a pattern of file names (* any text, ? one character, [abc] one of)", label, g)
		} else if strings.ContainsAny(g, `/\`) {
			p.add("%s files = %q: name files in the directory itself, without a directory", label, g)
		}
	}
	return globs
}

// option sets one of the section's string options; it returns what is wrong with the
// value, or "".
func (fm *fileMapping) option(key, s string) string {
	switch key {
	case "date_format":
		ref := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
		d, err := time.Parse(s, ref.Format(s))
		if err != nil || d.Year() != 2006 || d.Month() != 1 || d.Day() != 2 {
			return "not a date layout with a year, a month and a day: write Go's reference date, Monday January 2 2006, " +
				"as the export writes its dates (01/02/2006 for 11/27/2026, 02.01.2006 for 27.11.2026, 2 Jan 2006 for 27 Nov 2026)"
		}
		fm.layout = s
	case "decimal":
		if s != "." && s != "," {
			return `the decimal mark is "." or ","`
		}
		fm.decimal = s[0]
	case "thousands":
		switch s {
		case "", ".", ",", " ", "'":
			fm.thousands = s
		default:
			return `the thousands separator is ".", ",", " " (a space, also a non-breaking one), "'" or "" (none)`
		}
	case "delimiter":
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || size != len(s) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
			return `the delimiter is one character other than a quote or a line break, such as ";" or "\t"`
		}
		fm.comma = r
	case "encoding":
		e, err := htmlindex.Get(s)
		if err != nil || e == encoding.Replacement {
			return fmt.Sprintf("unknown encoding (any label of the WHATWG Encoding Standard, such as %s)%s",
				strings.Join(commonEncodings, ", "), closest(s, commonEncodings))
		}
		if e == unicode.UTF8 {
			e = nil
		}
		fm.enc = e
	}
	return ""
}

// columns reads the columns or constants table of a section.
func (p *mappingParser) columns(fm *fileMapping, key string, cols map[string]any) {
	names := make([]string, len(fm.std.cols))
	for i, c := range fm.std.cols {
		names[i] = c.name
	}
	for _, col := range slices.Sorted(maps.Keys(cols)) {
		v := cols[col]
		if !slices.Contains(names, col) {
			p.add("%s %s = %s: %s has no column %s (its columns are %s)%s", fm.sub(key), col, tomlValue(v),
				fm.std.name, col, strings.Join(names, ", "), closest(col, names))
			continue
		}
		if key == "columns" {
			h, ok := v.(string)
			if h = strings.TrimSpace(h); !ok || h == "" {
				p.add("%s %s = %s: give the export's header of the column, as a string", fm.sub(key), col, tomlValue(v))
				continue
			}
			fm.columns[col] = h
			continue
		}
		switch v := v.(type) {
		case string:
			fm.constants[col] = strings.TrimSpace(v)
		case int64:
			fm.constants[col] = strconv.FormatInt(v, 10)
		case float64:
			fm.constants[col] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			p.add("%s %s = %s: give the value as a string or a number, written as in the standard file", fm.sub(key), col, tomlValue(v))
		}
	}
}

// tomlValue writes a decoded TOML value back, roughly, for a problem.
func tomlValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case map[string]any, []map[string]any:
		return "a table"
	}
	return fmt.Sprint(v)
}

// decoder returns r decoded from the mapping's encoding into UTF-8. A byte-order mark
// overrides the encoding (a file saved as UTF-8 or UTF-16 with a BOM is read as such).
func (fm *fileMapping) decoder(r io.Reader) io.Reader {
	if fm.enc == nil {
		return r
	}
	return transform.NewReader(r, unicode.BOMOverride(fm.enc.NewDecoder()))
}
