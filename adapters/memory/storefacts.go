package memory

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// sqliteSum is SQLite's SUM() of REAL values, so that a sum here is the SQLite store's
// to the bit. Since 3.43 (modernc.org/sqlite v1.62 embeds 3.54.1) SQLite adds with the
// Kahan–Babuška–Neumaier algorithm (func.c: kahanBabuskaNeumaierStep, sumFinalize): a
// running sum and a running compensation of its rounding errors, added together at the
// end unless the compensation overflowed. The values must be added in SQLite's order.
type sqliteSum struct {
	sum, err float64
}

// add is kahanBabuskaNeumaierStep.
func (s *sqliteSum) add(r float64) {
	t := s.sum + r
	if math.Abs(s.sum) > math.Abs(r) {
		s.err += (s.sum - t) + r
	} else {
		s.err += (r - t) + s.sum
	}
	s.sum = t
}

// result is sumFinalize's: the sum plus the compensation, unless the compensation is
// infinite or not a number (sqlite3IsOverflow).
func (s sqliteSum) result() float64 {
	if math.IsInf(s.err, 0) || math.IsNaN(s.err) {
		return s.sum
	}
	return s.sum + s.err
}

// fromDayNumber is the date of a day number (see domain.DayNumber).
func fromDayNumber(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }

// dayRanges returns the periods as day numbers.
func dayRanges(periods []domain.Period) [][2]int64 {
	out := make([][2]int64, len(periods))
	for i, p := range periods {
		out[i] = [2]int64{domain.DayNumber(p.After), domain.DayNumber(p.Through)}
	}
	return out
}

// upTo returns how many points of s have a day ≤ day, and their running totals.
func upTo(s []point, day int64) (n int, rev, cost float64) {
	n = sort.Search(len(s), func(i int) bool { return s[i].day > day })
	if n == 0 {
		return 0, 0, 0
	}
	return n, s[n-1].revenue, s[n-1].cost
}

// periodTotals appends to out the totals of series s for each period with a day in it.
func periodTotals(out []domain.SalesTotal, account, key string, s []point, periods [][2]int64) []domain.SalesTotal {
	for i, p := range periods {
		n0, r0, c0 := upTo(s, p[0])
		n1, r1, c1 := upTo(s, p[1])
		if n1 > n0 {
			out = append(out, domain.SalesTotal{AccountID: account, Key: key, Period: i, Revenue: r1 - r0, Cost: c1 - c0})
		}
	}
	return out
}

// GapFacts returns the scope's gap facts from the read model, by territory and account
// in the order they were first stored.
func (s *DataStore) GapFacts(_ context.Context, sc domain.Scope, periods []domain.Period) ([]domain.GapFacts, error) {
	m := s.snapshot().model
	facts := m.facts
	switch {
	case sc.AccountID != "":
		i, ok := m.factsAt[sc.AccountID]
		if !ok {
			return nil, nil
		}
		facts = facts[i : i+1]
	case sc.Territory != "":
		r := m.territory[sc.Territory]
		facts = facts[r[0]:r[1]]
	}
	ranges := dayRanges(periods)
	var out []domain.GapFacts
	for _, a := range facts {
		f := domain.GapFacts{AccountID: a.accountID}
		for _, c := range a.categories {
			if c.hasPotential {
				f.Potentials = append(f.Potentials, domain.Potential{AccountID: a.accountID, Category: c.category,
					AnnualPotential: c.potential, Competitor: c.competitor})
			}
			if c.pipeline != 0 || c.weighted != 0 {
				f.Pipelines = append(f.Pipelines, domain.Pipeline{AccountID: a.accountID, Category: c.category,
					Value: c.pipeline, Weighted: c.weighted})
			}
			f.Sales = periodTotals(f.Sales, a.accountID, c.category, c.series, ranges)
		}
		out = append(out, f)
	}
	return out, nil
}

// SalesByCategory sums the scope's sales per account, product category and period from
// the read model. Groups with no line in a period are left out. The totals come by
// territory, account (in the order accounts were first stored), category and period.
func (s *DataStore) SalesByCategory(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	facts, err := s.GapFacts(ctx, sc, periods)
	if err != nil {
		return nil, err
	}
	var out []domain.SalesTotal
	for _, f := range facts {
		out = append(out, f.Sales...)
	}
	return out, nil
}

// CompanySalesByCategory sums every account's sales per product category and period;
// AccountID is empty in the totals.
func (s *DataStore) CompanySalesByCategory(_ context.Context, periods []domain.Period) ([]domain.SalesTotal, error) {
	ranges := dayRanges(periods)
	var out []domain.SalesTotal
	for _, c := range s.snapshot().model.company {
		out = periodTotals(out, "", c.key, c.series, ranges)
	}
	return out, nil
}

// BestSellers returns the company's best-selling SKU of each category over W of asOf.
func (s *DataStore) BestSellers(_ context.Context, asOf time.Time) (map[string]string, error) {
	return bestSellers(s.snapshot().model.sellers, asOf), nil
}

// IndustryBestSellers returns the best-selling SKU of each category over W of asOf
// among the accounts of the industry.
func (s *DataStore) IndustryBestSellers(_ context.Context, industry string, asOf time.Time) (map[string]string, error) {
	return bestSellers(s.snapshot().model.industries[industry], asOf), nil
}

// bestSellers returns each category's SKU with the most revenue over W of asOf's day,
// ties to the first SKU in order, as the SQLite store's best_sellers table holds them.
func bestSellers(byCategory map[string][]keySeries, asOf time.Time) map[string]string {
	w := domain.NewDayWindow(fromDayNumber(domain.DayNumber(asOf)))
	out := map[string]string{}
	for c, ps := range byCategory {
		best, top := "", 0.0
		for _, p := range ps {
			_, r0, _ := upTo(p.series, w.After)
			_, r1, _ := upTo(p.series, w.Through)
			if rev := r1 - r0; rev > top+1e-9 {
				best, top = p.key, rev
			}
		}
		if best != "" {
			out[c] = best
		}
	}
	return out
}

// GradeFacts sums every account's grade facts as of asOf from the read model.
func (s *DataStore) GradeFacts(_ context.Context, asOf time.Time) ([]domain.GradeFacts, error) {
	w := domain.NewDayWindow(asOf)
	grades := s.snapshot().model.grades
	out := make([]domain.GradeFacts, 0, len(grades))
	for _, g := range grades {
		f := domain.GradeFacts{AccountID: g.accountID}
		_, r0, c0 := upTo(g.series, w.After)
		_, r1, c1 := upTo(g.series, w.Through)
		f.Revenue, f.Cost = r1-r0, c1-c0
		for _, i := range g.invoices {
			f.AddInvoice(w, i.invoice, i.due, i.paid, i.amount)
		}
		for _, c := range g.commitments {
			f.AddCommitment(w, c.month, c.committed, c.taken, c.unitCst)
		}
		for _, r := range g.rfqs {
			f.AddRFQ(w, r.day, r.outcome)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// SalesDates returns the dates of the first and last sales line, zero when there is none.
func (s *DataStore) SalesDates(context.Context) (first, last time.Time, err error) {
	d := s.snapshot().salesDays
	if d == nil {
		return time.Time{}, time.Time{}, nil
	}
	return fromDayNumber(d[0]), fromDayNumber(d[1]), nil
}

// SalesBySKU sums the scope's sales lines per account, SKU and period, as the SQLite
// store does: each product's lines of each period summed by SQLite's SUM in the order
// of sales_account_product. Groups with no line in a period are left out. The totals
// come by account (in the order accounts were first stored), then SKU, then period.
func (s *DataStore) SalesBySKU(_ context.Context, sc domain.Scope, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	t := s.snapshot()
	ranges := dayRanges(periods)
	var out []domain.SalesTotal
	for _, seq := range t.scopeSeqs(sc) {
		out = t.accountSKUTotals(out, seq, ranges)
	}
	return out, nil
}

// scopeSeqs returns the seqs of the scope's accounts, ascending.
func (t *tables) scopeSeqs(sc domain.Scope) []int64 {
	var seqs []int64
	switch {
	case sc.AccountID != "":
		if a, ok := t.accounts[sc.AccountID]; ok {
			seqs = []int64{a.seq}
		}
	case sc.Territory != "":
		for _, id := range t.idx.accountsIn[sc.Territory] {
			seqs = append(seqs, t.accounts[id].seq)
		}
		slices.Sort(seqs)
	default:
		for i := range t.idx.accountsBySeq {
			seqs = append(seqs, int64(i+1))
		}
	}
	return seqs
}

// skuTotals are one product's sums per period: revenue, cost and quantity each.
type skuTotals struct {
	sku  string
	sums []sqliteSum
	seen []bool
}

// accountSKUTotals appends the totals of one account's lines (sorted by product, then
// as summed) per SKU and period, by SKU and period.
func (t *tables) accountSKUTotals(out []domain.SalesTotal, seq int64, periods [][2]int64) []domain.SalesTotal {
	lines := t.sales[seq]
	if len(lines) == 0 {
		return out
	}
	account := t.idx.accountsBySeq[seq-1]
	var products []skuTotals
	for i := 0; i < len(lines); {
		p := skuTotals{sku: t.idx.productsBySeq[lines[i].product-1].SKU,
			sums: make([]sqliteSum, 3*len(periods)), seen: make([]bool, len(periods))}
		j := i
		for ; j < len(lines) && lines[j].product == lines[i].product; j++ {
			l := lines[j]
			for k, r := range periods {
				if l.day > r[0] && l.day <= r[1] {
					p.seen[k] = true
					p.sums[3*k].add(l.amount)
					p.sums[3*k+1].add(l.cost)
					p.sums[3*k+2].add(l.quantity)
				}
			}
		}
		products = append(products, p)
		i = j
	}
	slices.SortFunc(products, func(a, b skuTotals) int { return strings.Compare(a.sku, b.sku) })
	for _, p := range products {
		for k := range periods {
			if !p.seen[k] {
				continue
			}
			out = append(out, domain.SalesTotal{AccountID: account, Key: p.sku, Period: k,
				Revenue: p.sums[3*k].result(), Cost: p.sums[3*k+1].result(), Quantity: p.sums[3*k+2].result()})
		}
	}
	return out
}
