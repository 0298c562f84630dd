package csvimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
	_ "time/tzdata" // time zones are validated on machines without a zoneinfo database

	"github.com/incumbent/incumbent/domain"
)

// Defaults of an Importer.
const (
	DefaultMaxProblems = 100
	DefaultMaxLine     = 1 << 20 // bytes
)

// Importer reads a directory of CSV files into a Store.
type Importer struct {
	Store Store
	// MaxProblems is how many problems an ImportError lists (all are counted).
	MaxProblems int
	// MaxLine is the longest line accepted, in bytes.
	MaxLine int
	// Progress, when set, is called as each file is opened; the bytes read from the
	// file are written to the writer it returns (a progress bar counts them), which is
	// closed when the file is done.
	Progress func(file string, size int64) io.WriteCloser
	// Now is the clock that times each file; nil means time.Now.
	Now func() time.Time
	// Mapping, when set, reads customers' exports as the standard files it maps them to;
	// the standard files it does not name are read as usual.
	Mapping *Mapping
	// Then, when set, runs in the import's transaction once every file is read and
	// found clean, before the commit: a CRM sync removes there what the CRM deleted.
	// Its error rolls the import back.
	Then func(ctx context.Context, b domain.ImportBatch) error
}

// Report says what an import wrote.
type Report struct {
	Files   []FileReport
	Skipped []string // files in the directory that are not Incumbent files
	Version int64    // the store's data version after the import
}

// FileReport is one file's part of an import.
type FileReport struct {
	Name     string
	Rows     int
	Duration time.Duration // reading, checking and writing the file
	// MappedTo is the standard file an export was read as, through the mapping ("" for
	// a standard file); Ignored are the export's columns the mapping leaves out.
	MappedTo string
	Ignored  []string
}

// run is the state of one import.
type run struct {
	w        *writer
	dir      string
	maxProbs int
	maxLine  int
	problems []Problem
	total    int
	now      func() time.Time
	progress func(file string, size int64) io.WriteCloser
	files    []FileReport // what was read, file by file
	managers []pendingManager

	// Keys present in the store or in the files read so far.
	territories map[string]bool
	people      map[string]bool
	accounts    map[string]bool
	products    map[string]domain.Product
	categories  map[string]bool
	// chatIDs are the stored people's Slack and Teams ids (domain.ChatIDKey → email).
	chatIDs map[string]string
	// unread names the files that could not be read whole: references to their keys
	// are not checked, to keep one bad file from drowning the report.
	unread map[string]bool
}

func (r *run) add(p Problem) {
	r.total++
	if len(r.problems) < r.maxProbs {
		r.problems = append(r.problems, p)
	}
}

// failed reports whether anything went wrong; once it has, rows are still checked but
// no longer written.
func (r *run) failed() bool { return r.total > 0 || r.w.failed.Load() }

// write queues a write into the batch.
func (r *run) write(fn writeFn) { r.w.put(fn) }

// Import reads every Incumbent CSV file in dir, checks all of them, and writes them to the
// store in one transaction. When any file has a problem nothing is written and the error
// is an *ImportError listing the problems.
//
// The files are read once: each row is checked and, while no problem has been found,
// written into the open transaction, which is committed only when every file is clean
// and rolled back otherwise. Memory stays flat in the size of the sales files.
//
// With a mapping, the mapping is checked against the directory's files (each pattern
// names a file, each mapped header is there) before anything is read; when it does not
// fit, the error is a *MappingError and nothing is read or written.
func (im *Importer) Import(ctx context.Context, dir string) (Report, error) {
	parts, skipped, err := im.plan(dir)
	if err != nil {
		return Report{}, err
	}
	known, err := im.Store.Known(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("read existing keys: %w", err)
	}
	batch, err := im.Store.BeginImport(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("begin import: %w", err)
	}
	r := &run{
		w:           startWriter(ctx, batch),
		dir:         dir,
		now:         im.Now,
		progress:    im.Progress,
		maxProbs:    cmpOr(im.MaxProblems, DefaultMaxProblems),
		maxLine:     cmpOr(im.MaxLine, DefaultMaxLine),
		territories: known.Territories, people: known.People, accounts: known.Accounts,
		products: known.Products, categories: map[string]bool{}, unread: map[string]bool{},
		chatIDs: known.ChatIDs,
	}
	if r.now == nil {
		r.now = time.Now
	}
	for _, m := range []*map[string]bool{&r.territories, &r.people, &r.accounts} {
		if *m == nil {
			*m = map[string]bool{}
		}
	}
	if r.products == nil {
		r.products = map[string]domain.Product{}
	}
	for _, p := range r.products {
		r.categories[p.Category] = true
	}

	fail := func(err error) (Report, error) {
		r.w.close()
		batch.Rollback()
		return Report{}, err
	}
	for _, p := range parts {
		t := &table{run: r, std: p.std, cols: p.std.cols, srcs: p.srcs}
		p.std.read(ctx, r, t)
		if t.err != nil {
			return fail(t.err)
		}
	}
	for _, m := range r.managers {
		if !r.people[m.email] && !r.unread["people.csv"] {
			r.add(Problem{File: m.file, Line: m.line, Column: m.col,
				Message: fmt.Sprintf("%q is not in people.csv", m.email)})
		}
	}
	if err := r.w.close(); err != nil {
		batch.Rollback()
		return Report{}, fmt.Errorf("write: %w", err)
	}
	if r.failed() {
		batch.Rollback()
		return Report{}, &ImportError{Problems: r.problems, Total: r.total}
	}
	if im.Then != nil {
		if err := im.Then(ctx, batch); err != nil {
			batch.Rollback()
			return Report{}, err
		}
	}
	v, err := batch.Commit(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("commit import: %w", err)
	}
	return Report{Files: r.files, Skipped: skipped, Version: v}, nil
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// part is a standard file to read and its sources.
type part struct {
	std  *standardFile
	srcs []source
}

// plan lists what dir holds: the standard files to read, in reading order, with their
// sources (their own file, or several sales files, and the exports the mapping reads as
// them, in name order), and the other .csv files. It checks the mapping against the
// files.
func (im *Importer) plan(dir string) ([]part, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, domain.Errorf(domain.ENOTFOUND, "directory %s does not exist", dir)
		}
		return nil, nil, domain.Errorf(domain.EINVALID, "cannot read directory %s: %v", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	var mapped map[string]*fileMapping
	var problems []string // the mapping's
	if im.Mapping != nil {
		mapped, problems = im.Mapping.resolve(dir, names)
	}
	srcs := map[*standardFile][]source{}
	var skipped []string
	for _, name := range names { // in name order
		if fm := mapped[name]; fm != nil {
			srcs[fm.std] = append(srcs[fm.std], source{name: name, m: fm})
		} else if !strings.EqualFold(path.Ext(name), ".csv") {
			continue
		} else if std := standardFileOf(name); std != nil {
			srcs[std] = append(srcs[std], source{name: name})
		} else {
			skipped = append(skipped, name)
		}
	}
	var parts []part
	var exports []*source
	for _, std := range standardFiles {
		if len(srcs[std]) == 0 {
			continue
		}
		parts = append(parts, part{std, srcs[std]})
		for i := range srcs[std] {
			if srcs[std][i].m != nil {
				exports = append(exports, &srcs[std][i])
			}
		}
	}
	if len(exports) > 0 {
		problems = append(problems, im.Mapping.checkHeaders(dir, exports, cmpOr(im.MaxLine, DefaultMaxLine))...)
	}
	if len(problems) > 0 {
		return nil, nil, &MappingError{File: im.Mapping.name, Problems: problems}
	}
	if len(parts) == 0 {
		return nil, nil, domain.Errorf(domain.EINVALID,
			"%s holds none of the Incumbent CSV files (accounts.csv, products.csv, sales.csv, …)", dir)
	}
	return parts, skipped, nil
}

// pendingManager is a territory's manager, checked against the people once every file
// is read.
type pendingManager struct {
	file  string
	line  int
	col   string // the column as the file names it
	email string
}
