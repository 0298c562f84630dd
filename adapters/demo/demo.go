// Package demo generates a realistic, deterministic company as the CSV files of DESIGN
// section 2: territories and people, customer accounts of every size, a catalog of
// industrial supplies, months of sales lines with their invoices, potentials,
// opportunities, commitments, RFQs, competitor offers and objectives.
//
// The data is made to exercise every computation of DESIGN section 3: accounts grow,
// hold steady or decline (some fall far enough to be at risk), some pay late, some do not
// take what they commit to, some rarely invite us to quote, some potentials are below
// what we already sell or missing, and competitors offer cheaper products that cost more
// per use. The same Options always give byte-identical files.
package demo

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// Defaults of Options.
const (
	DefaultAccounts = 200
	DefaultMonths   = 24
	DefaultSeed     = 1
)

// Options says what company to generate.
type Options struct {
	Accounts int       // N, default 200
	Months   int       // M, default 24: months of sales history ending at End
	End      time.Time // last day of history (midnight UTC); zero = must be set by caller (the CLI passes today)
	Seed     int64     // default 1
}

// Summary is what Write wrote: the row count of every file, in the order of DESIGN
// section 2.
type Summary struct {
	Files []FileCount
}

// FileCount is the number of rows (header excluded) written to one file.
type FileCount struct {
	Name string
	Rows int
}

// The files Write writes, in the order of DESIGN section 2.
const (
	fileTerritories   = "territories.csv"
	filePeople        = "people.csv"
	fileAccounts      = "accounts.csv"
	fileProducts      = "products.csv"
	fileSales         = "sales.csv"
	filePotential     = "potential.csv"
	fileOpportunities = "opportunities.csv"
	fileInvoices      = "invoices.csv"
	fileCommitments   = "commitments.csv"
	fileRFQs          = "rfqs.csv"
	fileOffers        = "competitor_offers.csv"
	fileObjectives    = "objectives.csv"
)

var fileOrder = []string{
	fileTerritories, filePeople, fileAccounts, fileProducts, fileSales, filePotential,
	fileOpportunities, fileInvoices, fileCommitments, fileRFQs, fileOffers, fileObjectives,
}

// headers are the columns of every file, exactly as DESIGN section 2 names them.
var headers = map[string][]string{
	fileTerritories:   {"territory", "manager", "digest_channel", "timezone", "digest_day", "digest_hour"},
	filePeople:        {"email", "name", "role", "territory", "slack_user_id", "teams_user_id"},
	fileAccounts:      {"account_id", "name", "territory", "owner", "industry", "aliases", "payment_terms_days", "employees"},
	fileProducts:      {"sku", "name", "category", "list_price", "unit_cost", "uses_per_unit", "unit_of_use"},
	fileSales:         {"date", "account_id", "sku", "quantity", "amount", "cost", "invoice_id"},
	filePotential:     {"account_id", "category", "annual_potential", "competitor", "note"},
	fileOpportunities: {"opp_id", "account_id", "category", "name", "value", "stage", "probability", "close_date", "competitor", "next_step"},
	fileInvoices:      {"invoice_id", "account_id", "invoice_date", "due_date", "amount", "paid_date"},
	fileCommitments:   {"account_id", "sku", "period", "committed_qty"},
	fileRFQs:          {"rfq_id", "account_id", "date", "category", "value", "outcome"},
	fileOffers:        {"competitor", "sku", "account_id", "competitor_product", "price", "uses_per_unit", "change_cost", "weaknesses"},
	fileObjectives:    {"scope", "key", "year", "revenue_target", "gp_target"},
}

// Write writes all twelve files into dir (created if missing) and returns a summary of
// row counts per file. Existing files of the same names are replaced. When ctx is
// cancelled, or on any other error, the files in dir may be incomplete.
func Write(ctx context.Context, dir string, opt Options) (Summary, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	g := newGenerator(opt)
	if err := g.plan(ctx); err != nil {
		return Summary{}, err
	}
	steps := []func(context.Context, string) error{
		g.writeTerritories,
		g.writePeople,
		g.writeAccounts,
		g.writeProducts,
		g.writeCommitments,
		g.writeSales,     // also invoices.csv; fills the totals the files below use
		g.writePotential, // also opportunities.csv
		g.writeRFQs,
		g.writeOffers,
		g.writeObjectives,
	}
	for _, step := range steps {
		if err := step(ctx, dir); err != nil {
			return Summary{}, err
		}
	}
	var s Summary
	for _, name := range fileOrder {
		s.Files = append(s.Files, FileCount{Name: name, Rows: g.rows[name]})
	}
	return s, nil
}

// withDefaults fills in the defaults and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Accounts == 0 {
		o.Accounts = DefaultAccounts
	}
	if o.Months == 0 {
		o.Months = DefaultMonths
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	switch {
	case o.Accounts < 0:
		return o, domain.Errorf(domain.EINVALID, "demo: %d accounts: need at least 1", o.Accounts)
	case o.Months < 0 || o.Months > 120:
		return o, domain.Errorf(domain.EINVALID, "demo: %d months of history: need 1 to 120", o.Months)
	case o.End.IsZero():
		return o, domain.Errorf(domain.EINVALID, "demo: the last day of history (End) is not set")
	}
	o.End = domain.Day(o.End)
	return o, nil
}

// generator holds the company while its files are written.
type generator struct {
	opt  Options
	seed uint64

	start  time.Time // the day before the first day of history
	days   int       // days of history: day index d is start + d+1 days
	dates  []string  // YYYY-MM-DD of day indexes 0…days+maxTerms
	firstW int       // first day index of the window W (A−12 months, A]
	months []month

	territories []territory
	people      []person
	products    []product
	byCat       [][]int // product indexes per category
	accounts    []*account

	rows map[string]int
}

// Random streams: every part of the company draws from its own PCG stream, so that a
// change to how one file is made leaves the others alone.
const (
	streamCatalog = iota + 1
	streamOrg
	streamAccounts
	streamSales
	streamPotential
	streamRFQs
	streamOffers
	streamObjectives
)

// maxTerms bounds payment terms, so that due dates stay in the date table.
const maxTerms = 90

func newGenerator(opt Options) *generator {
	g := &generator{opt: opt, seed: uint64(opt.Seed), rows: map[string]int{}}
	g.start = opt.End.AddDate(0, -opt.Months, 0)
	g.days = int(opt.End.Sub(g.start).Hours() / 24)
	g.dates = make([]string, g.days+maxTerms+1)
	for d := range g.dates {
		g.dates[d] = g.day(d).Format(domain.DateLayout)
	}
	g.firstW = max(0, g.dayIndex(opt.End.AddDate(0, -12, 0))+1)
	g.months = g.buildMonths()
	return g
}

func (g *generator) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, stream))
}

// day returns the date of day index d.
func (g *generator) day(d int) time.Time { return g.start.AddDate(0, 0, d+1) }

// dayIndex returns the day index of t (negative before the history starts).
func (g *generator) dayIndex(t time.Time) int {
	return int(math.Round(t.Sub(g.start).Hours()/24)) - 1
}

// plan makes everything that is kept in memory: territories, people, the catalog and
// the accounts with their buying plans.
func (g *generator) plan(ctx context.Context) error {
	g.products, g.byCat = buildCatalog(g.rng(streamCatalog))
	g.buildOrg(g.rng(streamOrg), g.opt.Accounts)
	return g.buildAccounts(ctx, g.rng(streamAccounts))
}

// table is one CSV file being written: through csv for most files, directly through
// the buffer for the large ones.
type table struct {
	name string
	f    *os.File
	bw   *bufio.Writer
	cw   *csv.Writer
	rows int
}

func createTable(dir, name string) (*table, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	t := &table{name: name, f: f, bw: bw, cw: csv.NewWriter(bw)}
	if err := t.cw.Write(headers[name]); err != nil {
		f.Close()
		return nil, fmt.Errorf("demo: write %s: %w", name, err)
	}
	t.cw.Flush()
	return t, nil
}

// write writes one row through encoding/csv.
func (t *table) write(fields ...string) error {
	t.rows++
	if err := t.cw.Write(fields); err != nil {
		return fmt.Errorf("demo: write %s: %w", t.name, err)
	}
	return nil
}

// writeRaw writes rows already formatted as CSV lines.
func (t *table) writeRaw(b []byte, rows int) error {
	t.rows += rows
	if _, err := t.bw.Write(b); err != nil {
		return fmt.Errorf("demo: write %s: %w", t.name, err)
	}
	return nil
}

// close flushes and closes the file and records its row count.
func (t *table) close(g *generator) error {
	t.cw.Flush()
	err := t.cw.Error()
	if err == nil {
		err = t.bw.Flush()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo: write %s: %w", t.name, err)
	}
	g.rows[t.name] = t.rows
	return nil
}

// abort closes the file after an error; it is a no-op after close.
func (t *table) abort() { t.f.Close() }

// writeTable creates the file name, calls fill to write its rows and closes it.
func (g *generator) writeTable(dir, name string, fill func(t *table) error) error {
	t, err := createTable(dir, name)
	if err != nil {
		return err
	}
	defer t.abort()
	if err := fill(t); err != nil {
		return err
	}
	return t.close(g)
}

// checkCtx returns ctx's error, wrapped, once it is cancelled.
func checkCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// Formatting.

func money(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

func cents(c int64) string { return string(appendCents(nil, c)) }

func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	return append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
}

// number formats x with at most two decimals and no trailing zeros.
func number(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// padded returns prefix followed by n zero-padded to width digits.
func padded(prefix string, n, width int) string {
	return string(appendPadded(nil, prefix, n, width))
}

// appendPadded appends prefix and n zero-padded to width digits to b.
func appendPadded(b []byte, prefix string, n, width int) []byte {
	b = append(b, prefix...)
	for d := digits(n); d < width; d++ {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// digits returns the number of decimal digits of n.
func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// Random draws.

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// lognorm returns a lognormal factor with mean 1 and log-deviation s.
func lognorm(r *rand.Rand, s float64) float64 { return math.Exp(s*r.NormFloat64() - s*s/2) }

// stochRound rounds x up with probability equal to its fraction, so that the mean of
// the result is x.
func stochRound(r *rand.Rand, x float64) int {
	if x <= 0 {
		return 0
	}
	return int(math.Floor(x + r.Float64()))
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// pickWeighted returns an index drawn with probability proportional to w.
func pickWeighted(r *rand.Rand, w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	u := r.Float64() * sum
	last := 0
	for i, x := range w {
		if x <= 0 {
			continue
		}
		if u < x {
			return i
		}
		u -= x
		last = i
	}
	return last // only reached through rounding
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	m := math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-float64(n-1))
	return math.Round(x/m) * m
}

// floorSig rounds x down to n significant digits.
func floorSig(x float64, n int) float64 {
	if x <= 0 {
		return 0
	}
	m := math.Pow(10, math.Floor(math.Log10(x))-float64(n-1))
	return math.Floor(x/m) * m
}
