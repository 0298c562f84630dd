package csvimport

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
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
}

// fileOrder lists the keyed files in the order they are read: every file comes after
// the files it refers to. Sales files (sales.csv, sales-*.csv) come after products.
var fileOrder = []string{
	"territories.csv", "people.csv", "accounts.csv", "products.csv",
	"sales", // placeholder for the sales files
	"potential.csv", "opportunities.csv", "invoices.csv", "commitments.csv",
	"rfqs.csv", "competitor_offers.csv", "objectives.csv",
}

// run is the state of one import.
type run struct {
	w        *writer
	maxProbs int
	maxLine  int
	problems []Problem
	total    int

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
func (im *Importer) Import(ctx context.Context, dir string) (Report, error) {
	files, skipped, err := listFiles(dir)
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
		maxProbs:    cmpOr(im.MaxProblems, DefaultMaxProblems),
		maxLine:     cmpOr(im.MaxLine, DefaultMaxLine),
		territories: known.Territories, people: known.People, accounts: known.Accounts,
		products: known.Products, categories: map[string]bool{}, unread: map[string]bool{},
		chatIDs: known.ChatIDs,
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

	now := im.Now
	if now == nil {
		now = time.Now
	}
	rep := Report{Skipped: skipped}
	var managers []pendingManager
	fail := func(err error) (Report, error) {
		r.w.close()
		batch.Rollback()
		return Report{}, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		start := now()
		n, pm, err := im.readFile(r, dir, f)
		if err != nil {
			return fail(err)
		}
		r.w.sync() // so that the file's time includes its writes
		managers = append(managers, pm...)
		rep.Files = append(rep.Files, FileReport{Name: f, Rows: n, Duration: now().Sub(start)})
	}
	for _, m := range managers {
		if !r.people[m.email] && !r.unread["people.csv"] {
			r.add(Problem{File: "territories.csv", Line: m.line, Column: "manager",
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
	v, err := batch.Commit(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("commit import: %w", err)
	}
	rep.Version = v
	return rep, nil
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// listFiles returns the Incumbent files of dir in reading order and the other .csv files.
func listFiles(dir string) (files, skipped []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, domain.Errorf(domain.ENOTFOUND, "directory %s does not exist", dir)
		}
		return nil, nil, domain.Errorf(domain.EINVALID, "cannot read directory %s: %v", dir, err)
	}
	present := map[string]bool{}
	var sales []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(name), ".csv") {
			continue
		}
		switch {
		case name == "sales.csv" || (strings.HasPrefix(name, "sales-") && strings.HasSuffix(name, ".csv")):
			sales = append(sales, name)
		case isKeyedFile(name):
			present[name] = true
		default:
			skipped = append(skipped, name)
		}
	}
	sort.Strings(sales)
	for _, f := range fileOrder {
		if f == "sales" {
			files = append(files, sales...)
		} else if present[f] {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil, domain.Errorf(domain.EINVALID,
			"%s holds none of the Incumbent CSV files (accounts.csv, products.csv, sales.csv, …)", dir)
	}
	return files, skipped, nil
}

func isKeyedFile(name string) bool {
	for _, f := range fileOrder {
		if f == name && f != "sales" {
			return true
		}
	}
	return false
}

type pendingManager struct {
	line  int
	email string
}

// readFile reads one file, returning its row count and the territory managers it names.
func (im *Importer) readFile(r *run, dir, name string) (int, []pendingManager, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return 0, nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	var src io.Reader = f
	if im.Progress != nil {
		size := int64(-1)
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		w := im.Progress(name, size)
		defer w.Close()
		src = io.TeeReader(f, w)
	}
	lim := &lineLimiter{r: src, max: r.maxLine}
	t := &table{run: r, file: name, lim: lim, csv: csv.NewReader(bufio.NewReaderSize(lim, 1<<16))}
	defer func() {
		if t.stop || t.index == nil || t.headerBad {
			r.unread[name] = true
		}
	}()
	if name == "sales.csv" || strings.HasPrefix(name, "sales-") {
		return readSales(r, t, name), nil, nil
	}
	switch name {
	case "territories.csv":
		n, pm := readTerritories(r, t)
		return n, pm, nil
	case "people.csv":
		return readPeople(r, t), nil, nil
	case "accounts.csv":
		return readAccounts(r, t), nil, nil
	case "products.csv":
		return readProducts(r, t), nil, nil
	case "potential.csv":
		return readPotentials(r, t), nil, nil
	case "opportunities.csv":
		return readOpportunities(r, t), nil, nil
	case "invoices.csv":
		return readInvoices(r, t), nil, nil
	case "commitments.csv":
		return readCommitments(r, t), nil, nil
	case "rfqs.csv":
		return readRFQs(r, t), nil, nil
	case "competitor_offers.csv":
		return readCompetitorOffers(r, t), nil, nil
	case "objectives.csv":
		return readObjectives(r, t), nil, nil
	}
	return 0, nil, fmt.Errorf("no reader for %s", name)
}
