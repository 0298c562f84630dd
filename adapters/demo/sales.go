package demo

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// month is a calendar month of the history, or the part of it the history covers.
type month struct {
	year     int
	mon      time.Month
	first    int     // first day index in the history
	last     int     // last day index in the history
	frac     float64 // share of the calendar month in the history
	t        float64 // months from End to the middle of the covered days (≤ 0)
	complete bool
}

// String formats the month as YYYY-MM.
func (m month) String() string {
	return strconv.Itoa(m.year) + "-" + padded("", int(m.mon), 2)
}

// buildMonths cuts the history into calendar months; the first and the last may be
// partial.
func (g *generator) buildMonths() []month {
	var ms []month
	first := g.day(0)
	for m1 := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); ; m1 = m1.AddDate(0, 1, 0) {
		end := m1.AddDate(0, 1, -1)
		m := month{
			year:  m1.Year(),
			mon:   m1.Month(),
			first: max(0, g.dayIndex(m1)),
			last:  min(g.days-1, g.dayIndex(end)),
		}
		covered := m.last - m.first + 1
		m.frac = float64(covered) / float64(end.Day())
		m.complete = covered == end.Day()
		m.t = -(float64(g.days-1) - float64(m.first+m.last)/2) / 30.44
		ms = append(ms, m)
		if m.last == g.days-1 {
			return ms
		}
	}
}

// saleLine is a sales line waiting in a month's buffer.
type saleLine struct {
	product int32
	cat     int32 // index in account.cats
	qty     int64
	amount  int64 // cents
	cost    int64 // cents
}

// pendingInvoice is an invoice waiting in a month's buffer: its lines are
// monthBuffer.lines[lo:hi].
type pendingInvoice struct {
	account int32
	day     int32
	lo, hi  int32
}

// monthBuffer holds one month of invoices, so that the month can be written in date
// order. It is reused from month to month.
type monthBuffer struct {
	lines    []saleLine
	invoices []pendingInvoice

	// Scratch space for one account.
	level   []float64
	days    []int
	drafts  []saleLine
	draftOf []int
}

// writeSales writes sales.csv and invoices.csv together, a month at a time: every
// account's invoices of the month are made, then written in date order. It also sums
// what each account bought, for the files written after it.
func (g *generator) writeSales(ctx context.Context, dir string) error {
	sales, err := createTable(dir, fileSales)
	if err != nil {
		return err
	}
	defer sales.abort()
	invoices, err := createTable(dir, fileInvoices)
	if err != nil {
		return err
	}
	defer invoices.abort()

	r := g.rng(streamSales)
	w := invoiceWriter{
		g:        g,
		r:        r,
		sales:    sales,
		invoices: invoices,
		width:    max(6, digits(g.opt.Accounts*len(g.months)*6)),
		endYear:  g.opt.End.Year(),
	}
	var buf monthBuffer
	for mi := range g.months {
		buf.lines, buf.invoices = buf.lines[:0], buf.invoices[:0]
		for ai, a := range g.accounts {
			if err := checkCtx(ctx); err != nil {
				return err
			}
			g.planMonth(r, a, ai, mi, &buf)
		}
		if err := w.writeMonth(&g.months[mi], &buf); err != nil {
			return err
		}
	}
	if err := sales.close(g); err != nil {
		return err
	}
	return invoices.close(g)
}

// planMonth adds the account's invoices of month mi to buf. The account's spend that
// month follows its size, its trend, the season and some noise, and is shared among its
// categories by their weights and trends; the number of lines grows with the square
// root of the spend and is shared the same way, so that a category's revenue follows its
// trend closely. In the months of a commitment, the committed product is sold on the
// commitment only (pro rata in the last, partial month).
func (g *generator) planMonth(r *rand.Rand, a *account, ai, mi int, buf *monthBuffer) {
	m := &g.months[mi]
	trend := a.trend(m.t)
	season := 1 + industries[a.industry].season*math.Sin(2*math.Pi*float64(m.mon-3)/12)
	buf.level = buf.level[:0]
	var level float64
	for _, cp := range a.cats {
		l := cp.weight * math.Pow(1+cp.growth, (m.t+12)/12)
		buf.level = append(buf.level, l)
		level += l
	}
	spend := a.annual / 12 * season * trend * m.frac * lognorm(r, 0.12)
	lines := a.lines * math.Sqrt(trend*season) * m.frac * lognorm(r, 0.2)
	nInv := max(1, stochRound(r, lines/uniform(r, 2, 4)))
	buf.days = buf.days[:0]
	for range nInv {
		buf.days = append(buf.days, between(r, m.first, m.last))
	}

	buf.drafts, buf.draftOf = buf.drafts[:0], buf.draftOf[:0]
	add := func(ci, fi int, qty int64) {
		cp := &a.cats[ci]
		p := cp.skus[fi]
		buf.drafts = append(buf.drafts, saleLine{
			product: int32(p),
			cat:     int32(ci),
			qty:     qty,
			amount:  qty * cp.net[fi],
			cost:    qty * g.products[p].cost,
		})
		buf.draftOf = append(buf.draftOf, r.IntN(nInv))
	}
	for ci, cp := range a.cats {
		share := buf.level[ci] / level
		expected := lines * share
		n := stochRound(r, expected)
		if n == 0 {
			continue
		}
		// The category's spend is divided among the lines drawn; when less than one is
		// expected, by the expected number, so that the revenue keeps its mean.
		per := spend * share / float64(n)
		if expected < 1 {
			per = spend * share / expected
		}
		for range n {
			fi := pickWeighted(r, cp.skuW)
			if a.committed(ci, fi, mi) {
				continue // sold on the commitment below
			}
			target := per * lognorm(r, 0.3)
			if qty := stochRound(r, target*100/float64(cp.net[fi])); qty > 0 {
				add(ci, fi, int64(qty))
			}
		}
	}
	for _, c := range a.commits {
		if mi < c.from || mi > c.to {
			continue
		}
		if qty := int64(math.Round(float64(c.qty) * a.takeRate(r) * m.frac)); qty > 0 {
			add(c.cat, c.fav, qty)
		}
	}
	if len(buf.drafts) == 0 {
		return
	}

	buf.group(ai)
}

// group moves the drafted lines of account ai to the month's invoices, one line per
// product and invoice; invoices left without lines are dropped.
func (buf *monthBuffer) group(ai int) {
	for j, day := range buf.days {
		lo := len(buf.lines)
	drafts:
		for k, l := range buf.drafts {
			if buf.draftOf[k] != j {
				continue
			}
			for i := lo; i < len(buf.lines); i++ {
				if x := &buf.lines[i]; x.product == l.product {
					x.qty += l.qty
					x.amount += l.amount
					x.cost += l.cost
					continue drafts
				}
			}
			buf.lines = append(buf.lines, l)
		}
		if hi := len(buf.lines); hi > lo {
			buf.invoices = append(buf.invoices, pendingInvoice{
				account: int32(ai),
				day:     int32(day),
				lo:      int32(lo),
				hi:      int32(hi),
			})
		}
	}
}

// committed reports whether favourite fi of category ci is committed in month mi.
func (a *account) committed(ci, fi, mi int) bool {
	for _, c := range a.commits {
		if c.cat == ci && c.fav == fi && mi >= c.from && mi <= c.to {
			return true
		}
	}
	return false
}

// takeRate returns the share of a month's commitment the account takes: close to 1 for
// those that keep their commitments; for the others often far less, sometimes nothing,
// sometimes far more.
func (a *account) takeRate(r *rand.Rand) float64 {
	if a.keeps {
		return uniform(r, 0.93, 1.07)
	}
	switch u := r.Float64(); {
	case u < 0.15:
		return 0
	case u < 0.35:
		return uniform(r, 1.25, 1.6)
	default:
		return uniform(r, 0.35, 0.85)
	}
}

// invoiceWriter numbers invoices and writes them with their lines.
type invoiceWriter struct {
	g                   *generator
	r                   *rand.Rand
	sales, invoices     *table
	width               int // digits of invoice numbers
	seq                 int
	endYear             int
	id, lineBuf, invBuf []byte
}

// writeMonth writes the month's invoices in date order, numbering them in that order,
// and adds their lines to the accounts' totals.
func (w *invoiceWriter) writeMonth(m *month, buf *monthBuffer) error {
	g := w.g
	// By day, then in the order the invoices were made (lo is unique).
	slices.SortFunc(buf.invoices, func(x, y pendingInvoice) int {
		return cmp.Or(cmp.Compare(x.day, y.day), cmp.Compare(x.lo, y.lo))
	})
	year := -1
	switch m.year {
	case w.endYear:
		year = 0
	case w.endYear - 1:
		year = 1
	}
	for _, inv := range buf.invoices {
		a := g.accounts[inv.account]
		day := int(inv.day)
		inW := day >= g.firstW
		w.seq++
		w.id = appendPadded(w.id[:0], "INV-", w.seq, w.width)
		id := w.id
		b := w.lineBuf[:0]
		var total int64
		for _, l := range buf.lines[inv.lo:inv.hi] {
			b = append(b, g.dates[day]...)
			b = append(b, ',')
			b = append(b, a.id...)
			b = append(b, ',')
			b = append(b, g.products[l.product].sku...)
			b = append(b, ',')
			b = strconv.AppendInt(b, l.qty, 10)
			b = append(b, ',')
			b = appendCents(b, l.amount)
			b = append(b, ',')
			b = appendCents(b, l.cost)
			b = append(b, ',')
			b = append(b, id...)
			b = append(b, '\n')
			total += l.amount
			if inW {
				cp := &a.cats[l.cat]
				cp.revW += l.amount
				cp.costW += l.cost
				a.revW += l.amount
				a.costW += l.cost
			}
			if year >= 0 {
				a.revYear[year] += l.amount
			}
		}
		w.lineBuf = b
		if err := w.sales.writeRaw(b, int(inv.hi-inv.lo)); err != nil {
			return err
		}

		b = w.invBuf[:0]
		b = append(b, id...)
		b = append(b, ',')
		b = append(b, a.id...)
		b = append(b, ',')
		b = append(b, g.dates[day]...)
		b = append(b, ',')
		b = append(b, g.dates[day+a.terms]...)
		b = append(b, ',')
		b = appendCents(b, total)
		b = append(b, ',')
		if paid, ok := w.paidDay(a, day); ok {
			b = append(b, g.dates[paid]...)
		}
		b = append(b, '\n')
		w.invBuf = b
		if err := w.invoices.writeRaw(b, 1); err != nil {
			return err
		}
	}
	return nil
}

// paidDay returns the day an invoice issued on day was paid, by the account's habit;
// false when it is still open at End.
func (w *invoiceWriter) paidDay(a *account, day int) (int, bool) {
	late := int(math.Round(a.pay.mean + a.pay.sd*w.r.NormFloat64()))
	paid := max(day, day+a.terms+late)
	disputed := w.r.Float64() < 0.003
	if paid > w.g.days-1 || disputed {
		return 0, false
	}
	return paid, true
}

func (g *generator) writeCommitments(ctx context.Context, dir string) error {
	return g.writeTable(dir, fileCommitments, func(t *table) error {
		for _, a := range g.accounts {
			if err := checkCtx(ctx); err != nil {
				return err
			}
			for _, c := range a.commits {
				sku := g.products[a.cats[c.cat].skus[c.fav]].sku
				for mi := c.from; mi <= c.to; mi++ {
					if err := t.write(a.id, sku, g.months[mi].String(), strconv.Itoa(c.qty)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
