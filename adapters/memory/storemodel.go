package memory

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// readModel is what the figures read, built again by every commit that changes what it
// carries, as the SQLite store's read model is (adapters/sqlite/readmodel.go and the
// schema's account_facts, grade_facts, category_series, day_sums and
// industry_day_sums): the same records, summed in the same order (the company-wide sums
// exactly, in millionths), so that every figure is the same to the bit.
type readModel struct {
	// facts are the gap facts of the accounts with sales, a potential or an open
	// opportunity; grades the grade facts of those with sales, invoices, commitments or
	// RFQs. Both come by territory (by name), then account seq: the order of SQLite's
	// rowids (territory rank << 32 | account id).
	facts     []accountFacts
	factsAt   map[string]int    // by account id: its place in facts
	territory map[string][2]int // by territory: its accounts' facts[lo:hi]
	grades    []gradeFacts
	// company is every account's sales by category, by category.
	company []keySeries
	// sellers are every product's revenue, by category, each category's by SKU: the
	// company's best sellers; industries the same among each industry's accounts.
	sellers    map[string][]keySeries
	industries map[string]map[string][]keySeries
}

// accountFacts is one account's gap facts, by category.
type accountFacts struct {
	accountID  string
	territory  string
	seq        int64
	categories []categoryFacts
}

// categoryFacts is an account's potential, open pipeline and sales in one category.
type categoryFacts struct {
	category     string
	hasPotential bool
	potential    float64
	competitor   string
	pipeline     float64
	weighted     float64
	series       []point
}

// gradeFacts is what an account's grade facts are summed from at any as-of date.
type gradeFacts struct {
	accountID   string
	territory   string
	seq         int64
	series      []point // every category's
	invoices    []invoiceDays
	commitments []*commitTaken
	rfqs        []rfqDay
}

type invoiceDays struct {
	invoice, due, paid int64 // paid is domain.NoDay when open
	amount             float64
}

// commitTaken is one commitment month and the quantity taken in it.
type commitTaken struct {
	month                     domain.Month
	committed, taken, unitCst float64
}

type rfqDay struct {
	day     int64
	outcome domain.RFQOutcome
}

// keySeries is the series of one category or SKU.
type keySeries struct {
	key    string
	series []point
}

// point is one day of a series: the running totals of revenue and cost up to and
// including the day (a record of the SQLite store's series).
type point struct {
	day           int64
	revenue, cost float64
}

// dayTotals are the sums of one day.
type dayTotals struct {
	day           int64
	revenue, cost float64
}

// runningTotals turns days (sorted by day, one per day) into a series.
func runningTotals(days []dayTotals) []point {
	out := make([]point, len(days))
	var rev, cost float64
	for i, d := range days {
		rev, cost = rev+d.revenue, cost+d.cost
		out[i] = point{d.day, rev, cost}
	}
	return out
}

// mergeDays sorts the lines of one account (and category) by day and sums each day's
// in their order.
func mergeDays(days []dayTotals) []dayTotals {
	slices.SortStableFunc(days, func(a, b dayTotals) int { return cmpInt(a.day, b.day) })
	out := days[:0]
	for _, d := range days {
		if n := len(out); n > 0 && out[n-1].day == d.day {
			out[n-1].revenue += d.revenue
			out[n-1].cost += d.cost
			continue
		}
		out = append(out, d)
	}
	return out
}

// daily sums lines by day, in millionths.
type daily map[int64]*[2]int64

// add adds a line's revenue and cost, in millionths, as the SQLite store's day sums
// hold them: the sums are exact, the same in any order.
func (m daily) add(d dayTotals) {
	t := m[d.day]
	if t == nil {
		t = &[2]int64{}
		m[d.day] = t
	}
	t[0] += int64(math.Round(d.revenue * 1e6))
	t[1] += int64(math.Round(d.cost * 1e6))
}

// series returns the running totals of the days, summed exactly.
func (m daily) series() []point {
	days := slices.Sorted(maps.Keys(m))
	out := make([]point, len(days))
	var rev, cost int64
	for i, d := range days {
		rev, cost = rev+m[d][0], cost+m[d][1]
		out[i] = point{d, float64(rev) / 1e6, float64(cost) / 1e6}
	}
	return out
}

// modelBuilder collects the read model in one pass over the accounts by seq, and each
// account's lines in their order: the order of SQLite's scan of sales_account_product.
type modelBuilder struct {
	t          *tables
	others     map[string]map[string]*categoryFacts // by account id, category
	grades     *gradeInputs
	m          *readModel
	company    map[string]daily           // by category
	byProduct  map[int64]daily            // by product seq
	byIndustry map[string]map[int64]daily // by industry, product seq
}

// buildReadModel builds the read model of the tables (indexed already).
func buildReadModel(t *tables) (*readModel, error) {
	grades, err := loadGradeInputs(t)
	if err != nil {
		return nil, err
	}
	b := &modelBuilder{t: t, others: otherFacts(t), grades: grades, m: &readModel{},
		company: map[string]daily{}, byProduct: map[int64]daily{}, byIndustry: map[string]map[int64]daily{}}
	for i, id := range t.idx.accountsBySeq {
		b.addAccount(t.accounts[id], t.sales[int64(i+1)])
	}
	b.finish()
	return b.m, nil
}

// addAccount adds one account's lines to the sums, and its facts to the model.
func (b *modelBuilder) addAccount(a account, lines []line) {
	var all []dayTotals
	byCategory := map[string][]dayTotals{}
	for _, l := range lines {
		d := dayTotals{l.day, l.amount, l.cost}
		all = append(all, d)
		b.grades.take(a.seq, l.product, l.day, l.quantity)
		if a.Industry != "" {
			ip := b.byIndustry[a.Industry]
			if ip == nil {
				ip = map[int64]daily{}
				b.byIndustry[a.Industry] = ip
			}
			dailyOf(ip, l.product).add(d)
		}
		c := b.t.idx.productsBySeq[l.product-1].Category
		byCategory[c] = append(byCategory[c], d)
		dailyOf(b.company, c).add(d)
		dailyOf(b.byProduct, l.product).add(d)
	}
	others := b.others[a.ID]
	if len(lines) > 0 || others != nil {
		b.m.facts = append(b.m.facts, accountFacts{accountID: a.ID, territory: a.Territory, seq: a.seq,
			categories: categoriesOf(byCategory, others)})
	}
	if g, ok := b.grades.of(a, all); ok {
		b.m.grades = append(b.m.grades, g)
	}
}

// dailyOf returns m's daily sums of key, adding them if needed.
func dailyOf[K comparable](m map[K]daily, key K) daily {
	d := m[key]
	if d == nil {
		d = daily{}
		m[key] = d
	}
	return d
}

// categoriesOf returns an account's facts per category, by category: those it bought
// and those with a potential or an open opportunity.
func categoriesOf(sales map[string][]dayTotals, others map[string]*categoryFacts) []categoryFacts {
	cats := slices.Collect(maps.Keys(sales))
	for c := range others {
		if _, ok := sales[c]; !ok {
			cats = append(cats, c)
		}
	}
	slices.Sort(cats)
	out := make([]categoryFacts, len(cats))
	for i, c := range cats {
		if f := others[c]; f != nil {
			out[i] = *f
		}
		out[i].category = c
		out[i].series = runningTotals(mergeDays(sales[c]))
	}
	return out
}

// finish orders the facts as SQLite's rowids do and builds the series of the company,
// the products and the industries.
func (b *modelBuilder) finish() {
	m := b.m
	slices.SortFunc(m.facts, func(x, y accountFacts) int {
		return cmp.Or(strings.Compare(x.territory, y.territory), cmpInt(x.seq, y.seq))
	})
	slices.SortFunc(m.grades, func(x, y gradeFacts) int {
		return cmp.Or(strings.Compare(x.territory, y.territory), cmpInt(x.seq, y.seq))
	})
	m.factsAt = make(map[string]int, len(m.facts))
	m.territory = map[string][2]int{}
	for i, f := range m.facts {
		m.factsAt[f.accountID] = i
		r, ok := m.territory[f.territory]
		if !ok {
			r[0] = i
		}
		r[1] = i + 1
		m.territory[f.territory] = r
	}
	for _, c := range slices.Sorted(maps.Keys(b.company)) {
		m.company = append(m.company, keySeries{c, b.company[c].series()})
	}
	m.sellers = b.productSeries(b.byProduct)
	m.industries = make(map[string]map[string][]keySeries, len(b.byIndustry))
	for ind, byProduct := range b.byIndustry {
		m.industries[ind] = b.productSeries(byProduct)
	}
}

// productSeries returns the series of the products, by category, each category's by
// SKU.
func (b *modelBuilder) productSeries(byProduct map[int64]daily) map[string][]keySeries {
	out := map[string][]keySeries{}
	for prod, d := range byProduct {
		p := b.t.idx.productsBySeq[prod-1]
		out[p.Category] = append(out[p.Category], keySeries{p.SKU, d.series()})
	}
	for _, ps := range out {
		slices.SortFunc(ps, func(x, y keySeries) int { return strings.Compare(x.key, y.key) })
	}
	return out
}

// withPotential returns the model with p as the potential of its account and category
// in the account's gap facts (the category's entry keeps its pipeline and sales, or is
// added in its place with none), sharing the rest with m; false when the account has no
// gap facts.
func (m *readModel) withPotential(p domain.Potential) (*readModel, bool) {
	i, ok := m.factsAt[p.AccountID]
	if !ok {
		return nil, false
	}
	next := *m
	next.facts = slices.Clone(m.facts)
	f := &next.facts[i]
	at, found := slices.BinarySearchFunc(f.categories, p.Category, func(c categoryFacts, name string) int { return strings.Compare(c.category, name) })
	cats := slices.Clone(f.categories)
	if !found {
		cats = slices.Insert(cats, at, categoryFacts{category: p.Category})
	}
	cats[at].hasPotential, cats[at].potential, cats[at].competitor = true, p.AnnualPotential, p.Competitor
	f.categories = cats
	return &next, true
}

// otherFacts returns the potentials and the open pipeline of the stored accounts, by
// account id and category. The pipeline of an account and category is summed as SQLite
// sums it: SUM(value) and SUM(value × probability) over its open opportunities in the
// order they were first stored.
func otherFacts(t *tables) map[string]map[string]*categoryFacts {
	out := map[string]map[string]*categoryFacts{}
	get := func(accountID, category string) *categoryFacts {
		if _, ok := t.accounts[accountID]; !ok {
			return nil
		}
		m := out[accountID]
		if m == nil {
			m = map[string]*categoryFacts{}
			out[accountID] = m
		}
		f := m[category]
		if f == nil {
			f = &categoryFacts{}
			m[category] = f
		}
		return f
	}
	for _, p := range t.potentials {
		if f := get(p.AccountID, p.Category); f != nil {
			f.hasPotential, f.potential, f.competitor = true, p.AnnualPotential, p.Competitor
		}
	}
	open := make([]opportunity, 0, len(t.opps))
	for _, o := range t.opps {
		if s := asciiLower(o.Stage); s != "won" && s != "lost" {
			open = append(open, o)
		}
	}
	slices.SortFunc(open, func(a, b opportunity) int { return cmpInt(a.seq, b.seq) })
	type sums struct{ value, weighted sqliteSum }
	groups := map[potentialKey]*sums{}
	for _, o := range open {
		k := potentialKey{o.AccountID, o.Category}
		g := groups[k]
		if g == nil {
			g = &sums{}
			groups[k] = g
		}
		g.value.add(o.Value)
		g.weighted.add(o.Value * o.Probability)
	}
	for k, g := range groups {
		if f := get(k.account, k.category); f != nil {
			f.pipeline, f.weighted = g.value.result(), g.weighted.result()
		}
	}
	return out
}

// asciiLower is SQLite's lower(): ASCII letters only.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// gradeInputs are the invoices, commitments and RFQs of the stored accounts, loaded
// before the pass over the sales, which fills in the quantities taken.
type gradeInputs struct {
	invoices map[string][]invoiceDays       // by account id, in the order of invoices_account
	commits  map[int64][]*commitTaken       // by account seq, by period and SKU
	byLine   map[[2]int64][]*commitTaken    // by (account, product) seq: what a line feeds
	rfqs     map[int64][]rfqDay             // by account seq, in the order first stored
	months   map[int64]struct{ y, m int32 } // memo of day → month
}

// rfqOutcomes are the outcomes the SQLite store's read model can hold.
var rfqOutcomes = []domain.RFQOutcome{domain.RFQWon, domain.RFQLost, domain.RFQPending, domain.RFQNotInvited}

// loadGradeInputs reads the grade inputs of the stored accounts.
func loadGradeInputs(t *tables) (*gradeInputs, error) {
	in := &gradeInputs{invoices: map[string][]invoiceDays{}, commits: map[int64][]*commitTaken{},
		byLine: map[[2]int64][]*commitTaken{}, rfqs: map[int64][]rfqDay{}, months: map[int64]struct{ y, m int32 }{}}
	for id := range t.idx.invoices.byAccount {
		if _, ok := t.accounts[id]; !ok {
			continue
		}
		invs := t.idx.invoices.accounts(id)
		out := make([]invoiceDays, len(invs))
		for i, inv := range invs {
			out[i] = invoiceDays{domain.DayNumber(inv.InvoiceDate), domain.DayNumber(inv.DueDate), domain.NoDay, inv.Amount}
			if !inv.PaidDate.IsZero() {
				out[i].paid = domain.DayNumber(inv.PaidDate)
			}
		}
		// invoices_account: (account_id, invoice_date, due_date, paid_date, amount), then
		// invoice_id; an open invoice's paid_date (NULL) comes first. They come by id.
		slices.SortStableFunc(out, func(a, b invoiceDays) int {
			return cmp.Or(cmpInt(a.invoice, b.invoice), cmpInt(a.due, b.due), cmpInt(a.paid, b.paid), cmpFloat(a.amount, b.amount))
		})
		in.invoices[id] = out
	}
	for _, c := range t.idx.commitments.all { // by account, SKU and period
		a, ok := t.accounts[c.AccountID]
		p, okp := t.products[c.SKU]
		if !ok || !okp {
			continue
		}
		ct := &commitTaken{month: c.Period, committed: c.CommittedQty, unitCst: p.UnitCost}
		in.commits[a.seq] = append(in.commits[a.seq], ct)
		in.byLine[[2]int64{a.seq, p.seq}] = append(in.byLine[[2]int64{a.seq, p.seq}], ct)
	}
	for _, cs := range in.commits { // by period, then SKU: SQLite sorts the SKUs' runs stably
		slices.SortStableFunc(cs, func(a, b *commitTaken) int { return strings.Compare(a.month.String(), b.month.String()) })
	}
	rfqs := slices.SortedFunc(maps.Values(t.rfqs), func(a, b rfq) int { return cmpInt(a.seq, b.seq) })
	for _, r := range rfqs {
		a, ok := t.accounts[r.AccountID]
		if !ok {
			continue
		}
		if !slices.Contains(rfqOutcomes, r.Outcome) {
			return nil, fmt.Errorf("RFQ of %s: unknown outcome %q", r.AccountID, r.Outcome)
		}
		in.rfqs[a.seq] = append(in.rfqs[a.seq], rfqDay{domain.DayNumber(r.Date), r.Outcome})
	}
	return in, nil
}

// take adds a sales line's quantity to the commitment of its account, product and month.
func (in *gradeInputs) take(account, product, day int64, qty float64) {
	cs := in.byLine[[2]int64{account, product}]
	if len(cs) == 0 {
		return
	}
	ym, ok := in.months[day]
	if !ok {
		t := time.Unix(day*86400, 0).UTC()
		ym = struct{ y, m int32 }{int32(t.Year()), int32(t.Month())}
		in.months[day] = ym
	}
	for _, c := range cs {
		if int32(c.month.Year) == ym.y && int32(c.month.Month) == ym.m {
			c.taken += qty
		}
	}
}

// of returns the grade facts of an account with the given lines (by day), if it has
// any of lines, invoices, commitments or RFQs.
func (in *gradeInputs) of(a account, all []dayTotals) (gradeFacts, bool) {
	invs, cs, rfqs := in.invoices[a.ID], in.commits[a.seq], in.rfqs[a.seq]
	if len(all) == 0 && invs == nil && cs == nil && rfqs == nil {
		return gradeFacts{}, false
	}
	return gradeFacts{accountID: a.ID, territory: a.Territory, seq: a.seq, series: runningTotals(mergeDays(all)),
		invoices: invs, commitments: cs, rfqs: rfqs}, true
}
