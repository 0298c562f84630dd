package sqlite

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// rebuildReadModel rebuilds account_facts and category_series in the import's
// transaction: it loads the potentials and the open pipeline, then makes one pass over
// the sales in the order of their read index (account, product, day), writing each
// account's facts as soon as the next account starts.
func (b *Batch) rebuildReadModel(ctx context.Context) error {
	for _, q := range []string{`DELETE FROM account_facts`, `DELETE FROM category_series`, `DELETE FROM series_territories`,
		`DELETE FROM grade_facts`, `DELETE FROM best_sellers`, `DELETE FROM industry_best_sellers`, fmt.Sprintf(`UPDATE meta SET read_model = %d`, readModelLayout)} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	categories, skus, err := b.productNames(ctx)
	if err != nil {
		return err
	}
	accounts, err := b.seriesAccounts(ctx)
	if err != nil {
		return err
	}
	others, err := b.otherFacts(ctx, accounts)
	if err != nil {
		return err
	}
	grades, err := b.loadGradeInputs(ctx, accounts)
	if err != nil {
		return err
	}
	p := &salesPass{b: b, categories: categories, accounts: accounts, others: others, grades: grades,
		facts: &factsWriter{b: b, table: "account_facts"}, gradeFacts: &factsWriter{b: b, table: "grade_facts"},
		company: map[string]map[int64]*dayTotals{}, byProduct: map[int64]map[int64]*dayTotals{},
		byIndustry: map[string]map[int64]*daySums{}, account: map[string][]dayTotals{}, current: -1}
	if err := p.readSales(ctx); err != nil {
		return err
	}
	if err := p.finish(ctx); err != nil {
		return err
	}
	if err := b.writeBestSellers(ctx, p.byProduct, skus, categories); err != nil {
		return err
	}
	return b.writeIndustryBestSellers(ctx, p.byIndustry, skus, categories)
}

// productNames returns every product's category and SKU, by product row id.
func (b *Batch) productNames(ctx context.Context) (categories, skus map[int64]string, err error) {
	categories, skus = map[int64]string{}, map[int64]string{}
	rows, err := b.tx.QueryContext(ctx, `SELECT id, category, sku FROM products`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c, sku string
		if err := rows.Scan(&id, &c, &sku); err != nil {
			return nil, nil, err
		}
		categories[id], skus[id] = c, sku
	}
	return categories, skus, rows.Err()
}

// salesPass is rebuildReadModel's one pass over the sales, in the order of their read
// index (account, product, day): it writes each account's facts and grade facts when
// the next account starts, and sums the company's, every product's and every
// industry's daily sales on the way.
type salesPass struct {
	b          *Batch
	categories map[int64]string
	accounts   map[int64]seriesAccount
	others     map[int64]map[string]*categoryFacts // potentials and pipeline, by account
	grades     *gradeInputs
	facts      *factsWriter
	gradeFacts *factsWriter

	company    map[string]map[int64]*dayTotals // by category, then day
	byProduct  map[int64]map[int64]*dayTotals  // by product, then day
	byIndustry map[string]map[int64]*daySums   // by industry, then product

	current int64                  // the account being read; -1 before the first
	account map[string][]dayTotals // its lines, by category
	all     []dayTotals            // its lines over every category
}

// readSales makes the pass.
func (p *salesPass) readSales(ctx context.Context) error {
	rows, err := p.b.tx.QueryContext(ctx, `SELECT account, product, day, amount, cost, quantity
		FROM sales ORDER BY account, product, day`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var acc, prod int64
		var d dayTotals
		var qty float64
		if err := rows.Scan(&acc, &prod, &d.day, &d.revenue, &d.cost, &qty); err != nil {
			return err
		}
		if acc != p.current {
			if err := p.flush(ctx); err != nil {
				return err
			}
			clear(p.account)
			p.all = p.all[:0]
			p.current = acc
		}
		p.take(acc, prod, d, qty)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return p.flush(ctx)
}

// take adds one sales line of the current account.
func (p *salesPass) take(acc, prod int64, d dayTotals, qty float64) {
	p.all = append(p.all, d)
	p.grades.take(acc, prod, d.day, qty)
	if ind := p.accounts[acc].industry; ind != "" {
		ip := p.byIndustry[ind]
		if ip == nil {
			ip = map[int64]*daySums{}
			p.byIndustry[ind] = ip
		}
		ds := ip[prod]
		if ds == nil {
			ds = &daySums{}
			ip[prod] = ds
		}
		ds.add(d.day, d.revenue)
	}
	cat := p.categories[prod]
	p.account[cat] = append(p.account[cat], d)
	addDay(p.company, cat, d)
	addDay(p.byProduct, prod, d)
}

// addDay adds a line's revenue and cost to its day's totals under key.
func addDay[K comparable](m map[K]map[int64]*dayTotals, key K, d dayTotals) {
	byDay := m[key]
	if byDay == nil {
		byDay = map[int64]*dayTotals{}
		m[key] = byDay
	}
	t := byDay[d.day]
	if t == nil {
		t = &dayTotals{day: d.day}
		byDay[d.day] = t
	}
	t.revenue, t.cost = t.revenue+d.revenue, t.cost+d.cost
}

// flush writes the current account's facts and grade facts.
func (p *salesPass) flush(ctx context.Context) error {
	if p.current < 0 {
		return nil
	}
	o := p.others[p.current]
	delete(p.others, p.current)
	a := p.accounts[p.current]
	if err := p.facts.add(ctx, a.rank<<32|p.current, p.current, a.id, encodeFacts(p.account, o)); err != nil {
		return err
	}
	g, err := p.grades.encode(ctx, p.current, a.id, encodeSeries(mergeDays(p.all)))
	if err != nil {
		return err
	}
	return p.gradeFacts.add(ctx, a.rank<<32|p.current, p.current, a.id, g)
}

// finish writes the facts of the accounts without sales and the company's category
// series.
func (p *salesPass) finish(ctx context.Context) error {
	clear(p.account)
	for id, o := range p.others { // accounts with potentials or pipeline but no sales
		a := p.accounts[id]
		if err := p.facts.add(ctx, a.rank<<32|id, id, a.id, encodeFacts(p.account, o)); err != nil {
			return err
		}
	}
	if err := p.facts.flush(ctx); err != nil {
		return err
	}
	for _, id := range p.grades.rest() { // accounts with invoices, commitments or RFQs but no sales
		a := p.accounts[id]
		g, err := p.grades.encode(ctx, id, a.id, nil)
		if err != nil {
			return err
		}
		if err := p.gradeFacts.add(ctx, a.rank<<32|id, id, a.id, g); err != nil {
			return err
		}
	}
	if err := p.gradeFacts.flush(ctx); err != nil {
		return err
	}
	for cat, byDay := range p.company {
		if _, err := p.b.tx.ExecContext(ctx, `INSERT INTO category_series (category, series) VALUES (?, ?)`,
			cat, encodeSeries(sortedDays(byDay))); err != nil {
			return err
		}
	}
	return nil
}

// writeBestSellers fills best_sellers from every product's company-wide daily sales: for
// each as-of date from the first sales day to a year after the last, each category's
// SKU with the most revenue over W.
func (b *Batch) writeBestSellers(ctx context.Context, byProduct map[int64]map[int64]*dayTotals, skus, categories map[int64]string) error {
	type product struct {
		sku    string
		series []byte
	}
	byCategory := map[string][]product{}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for prod, byDay := range byProduct {
		days := sortedDays(byDay)
		if len(days) == 0 {
			continue
		}
		first, last = min(first, days[0].day), max(last, days[len(days)-1].day)
		c := categories[prod]
		byCategory[c] = append(byCategory[c], product{skus[prod], encodeSeries(days)})
	}
	if len(byCategory) == 0 {
		return nil
	}
	for _, ps := range byCategory {
		slices.SortFunc(ps, func(a, b product) int { return strings.Compare(a.sku, b.sku) })
	}
	cats := make([]string, 0, len(byCategory))
	for c := range byCategory {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	const chunk = 300
	args := make([]any, 0, 3*chunk)
	flush := func() error {
		n := len(args) / 3
		if n == 0 {
			return nil
		}
		q := `INSERT INTO best_sellers (day, category, sku) VALUES ` + strings.Repeat("(?, ?, ?), ", n-1) + "(?, ?, ?)"
		if _, err := b.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write best sellers: %w", err)
		}
		args = args[:0]
		return nil
	}
	for day := first; day <= last+366; day++ {
		w := domain.NewDayWindow(fromDayNumber(day))
		for _, c := range cats {
			best, top := "", 0.0
			for _, p := range byCategory[c] {
				_, r0, _ := upTo(p.series, w.After)
				_, r1, _ := upTo(p.series, w.Through)
				if rev := r1 - r0; rev > top+1e-9 {
					best, top = p.sku, rev
				}
			}
			if best == "" {
				continue
			}
			args = append(args, day, c, best)
			if len(args) == 3*chunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return nil
}

// daySums is one product's daily revenue among one industry's accounts, dense from day
// first (zero where it sold nothing); lo and hi are the first and last days it sold.
type daySums struct {
	first, lo, hi int64
	rev           []float64
}

func (s *daySums) add(day int64, revenue float64) {
	if s.rev == nil {
		s.first, s.lo, s.hi, s.rev = day, day, day, make([]float64, 1, 64)
	}
	if day < s.first { // grows by at least its length: amortised
		grow := max(s.first-day, int64(len(s.rev)))
		rev := make([]float64, int64(len(s.rev))+grow)
		copy(rev[grow:], s.rev)
		s.first, s.rev = s.first-grow, rev
	}
	i := day - s.first
	if n := int64(len(s.rev)); i >= n {
		s.rev = append(s.rev, make([]float64, i+1-n)...)
	}
	s.rev[i] += revenue
	s.lo, s.hi = min(s.lo, day), max(s.hi, day)
}

// cumulate turns the daily revenue into running totals.
func (s *daySums) cumulate() {
	for i := 1; i < len(s.rev); i++ {
		s.rev[i] += s.rev[i-1]
	}
}

// upTo returns the running total at day (after cumulate).
func (s *daySums) upTo(day int64) float64 {
	if day < s.first {
		return 0
	}
	return s.rev[min(day-s.first, int64(len(s.rev))-1)]
}

// writeIndustryBestSellers fills industry_best_sellers from every product's daily sales
// among each industry's accounts: for each industry, each as-of date from its first
// sales day to a year after its last, and each category, the SKU with the most revenue
// over W (ties to the first SKU in order), as writeBestSellers does for the company,
// written as runs of days with the same best seller.
func (b *Batch) writeIndustryBestSellers(ctx context.Context, byIndustry map[string]map[int64]*daySums, skus, categories map[int64]string) error {
	type product struct {
		sku  string
		sums *daySums
	}
	const chunk = 200
	args := make([]any, 0, 5*chunk)
	flush := func() error {
		n := len(args) / 5
		if n == 0 {
			return nil
		}
		q := `INSERT INTO industry_best_sellers (industry, category, first_day, last_day, sku) VALUES ` +
			strings.Repeat("(?, ?, ?, ?, ?), ", n-1) + "(?, ?, ?, ?, ?)"
		if _, err := b.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write industry best sellers: %w", err)
		}
		args = args[:0]
		return nil
	}
	for _, ind := range slices.Sorted(maps.Keys(byIndustry)) {
		byCategory := map[string][]product{}
		first, last := int64(math.MaxInt64), int64(math.MinInt64)
		for prod, sums := range byIndustry[ind] {
			sums.cumulate()
			first, last = min(first, sums.lo), max(last, sums.hi)
			c := categories[prod]
			byCategory[c] = append(byCategory[c], product{skus[prod], sums})
		}
		for _, c := range slices.Sorted(maps.Keys(byCategory)) {
			ps := byCategory[c]
			slices.SortFunc(ps, func(a, b product) int { return strings.Compare(a.sku, b.sku) })
			run, from := "", first // the best seller since day from ("": none)
			for day := first; day <= last+367; day++ {
				best := ""
				if day <= last+366 {
					w := domain.NewDayWindow(fromDayNumber(day))
					top := 0.0
					for _, p := range ps {
						if rev := p.sums.upTo(w.Through) - p.sums.upTo(w.After); rev > top+1e-9 {
							best, top = p.sku, rev
						}
					}
				}
				if best == run {
					continue
				}
				if run != "" {
					args = append(args, ind, c, from, day-1, run)
					if len(args) == 5*chunk {
						if err := flush(); err != nil {
							return err
						}
					}
				}
				run, from = best, day
			}
		}
		clear(byIndustry[ind])
	}
	return flush()
}

// sortedDays returns the days of a map by day.
func sortedDays(byDay map[int64]*dayTotals) []dayTotals {
	days := make([]dayTotals, 0, len(byDay))
	for _, d := range byDay {
		days = append(days, *d)
	}
	slices.SortFunc(days, func(a, b dayTotals) int { return int(a.day - b.day) })
	return days
}

// categoryFacts is the potential and open pipeline of one account in one category.
type categoryFacts struct {
	hasPotential bool
	potential    float64
	competitor   string
	pipeline     float64
	weighted     float64
}

// otherFacts loads every potential and the open pipeline, by account id and category.
func (b *Batch) otherFacts(ctx context.Context, accounts map[int64]seriesAccount) (map[int64]map[string]*categoryFacts, error) {
	ids := make(map[string]int64, len(accounts))
	for id, a := range accounts {
		ids[a.id] = id
	}
	out := map[int64]map[string]*categoryFacts{}
	get := func(accountID, category string) *categoryFacts {
		id, ok := ids[accountID]
		if !ok {
			return nil
		}
		m := out[id]
		if m == nil {
			m = map[string]*categoryFacts{}
			out[id] = m
		}
		f := m[category]
		if f == nil {
			f = &categoryFacts{}
			m[category] = f
		}
		return f
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT account_id, category, annual_potential, competitor FROM potentials`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var acc, cat, comp string
		var v float64
		if err := rows.Scan(&acc, &cat, &v, &comp); err != nil {
			return nil, err
		}
		if f := get(acc, cat); f != nil {
			f.hasPotential, f.potential, f.competitor = true, v, comp
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = b.tx.QueryContext(ctx, `SELECT account_id, category, SUM(value), SUM(value * probability)
		FROM opportunities WHERE lower(stage) NOT IN ('won', 'lost') GROUP BY account_id, category`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var acc, cat string
		var v, wv float64
		if err := rows.Scan(&acc, &cat, &v, &wv); err != nil {
			return nil, err
		}
		if f := get(acc, cat); f != nil {
			f.pipeline, f.weighted = v, wv
		}
	}
	return out, rows.Err()
}

// seriesAccount is what a series row needs of its account.
type seriesAccount struct {
	id       string
	rank     int64 // of its territory
	industry string
}

// seriesAccounts ranks the territories (by name, from 1), records the ranks in
// series_territories, and returns every account by integer id.
func (b *Batch) seriesAccounts(ctx context.Context) (map[int64]seriesAccount, error) {
	rows, err := b.tx.QueryContext(ctx, `SELECT id, account_id, territory, industry FROM accounts ORDER BY territory`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]seriesAccount{}
	ranks := map[string]int64{}
	var order []string
	for rows.Next() {
		var id int64
		var accountID, territory, industry string
		if err := rows.Scan(&id, &accountID, &territory, &industry); err != nil {
			return nil, err
		}
		r, ok := ranks[territory]
		if !ok {
			r = int64(len(ranks) + 1)
			ranks[territory] = r
			order = append(order, territory)
		}
		out[id] = seriesAccount{id: accountID, rank: r, industry: industry}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, t := range order {
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO series_territories (territory, rank) VALUES (?, ?)`, t, ranks[t]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mergeDays sorts the lines of one account and category by day and sums each day's.
func mergeDays(days []dayTotals) []dayTotals {
	slices.SortStableFunc(days, func(a, b dayTotals) int { return int(a.day - b.day) })
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

// factsWriter inserts rows of account_facts or grade_facts a chunk at a time.
type factsWriter struct {
	b     *Batch
	table string
	args  []any
}

const factsChunk = 64

func (w *factsWriter) add(ctx context.Context, rowid, account int64, accountID string, facts []byte) error {
	w.args = append(w.args, rowid, account, accountID, facts)
	if len(w.args) == 4*factsChunk {
		return w.flush(ctx)
	}
	return nil
}

func (w *factsWriter) flush(ctx context.Context) error {
	n := len(w.args) / 4
	if n == 0 {
		return nil
	}
	q := `INSERT INTO ` + w.table + ` (rowid, account, account_id, facts) VALUES ` +
		strings.Repeat("(?, ?, ?, ?), ", n-1) + "(?, ?, ?, ?)"
	if _, err := w.b.tx.ExecContext(ctx, q, w.args...); err != nil {
		return fmt.Errorf("write %s: %w", w.table, err)
	}
	clear(w.args)
	w.args = w.args[:0]
	return nil
}
