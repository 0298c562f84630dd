package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// The day sums (day_sums and industry_day_sums in the schema): per day, each product's
// lines, revenue and cost, and per industry and day, each product's revenue, money in
// integer millionths so that sums are exact and the same in any order.

// sumRecord is the size of one product's record in a day's sums.
const sumRecord = 4 + 4 + 8 + 8

// daySum is one product's lines, revenue and cost (in millionths) on one day.
type daySum struct {
	lines, revenue, cost int64
}

// add adds (sign 1) or removes (sign −1) one sales line.
func (s *daySum) add(sign int64, amount, cost float64) {
	s.lines += sign
	s.revenue += sign * micro(amount)
	s.cost += sign * micro(cost)
}

// micro is x in millionths, rounded.
func micro(x float64) int64 { return int64(math.Round(x * 1e6)) }

// fromMicro is a sum in millionths as a float.
func fromMicro(m int64) float64 { return float64(m) / 1e6 }

// encodeDaySums encodes sums by product, leaving out products with no line.
func encodeDaySums(sums map[int64]daySum) []byte {
	out := make([]byte, 0, len(sums)*sumRecord)
	for _, p := range slices.Sorted(maps.Keys(sums)) {
		s := sums[p]
		if s.lines == 0 {
			continue
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(p)))
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(s.lines)))
		out = binary.LittleEndian.AppendUint64(out, uint64(s.revenue))
		out = binary.LittleEndian.AppendUint64(out, uint64(s.cost))
	}
	return out
}

// eachSum calls f for each product record of an encoded day.
func eachSum(b []byte, f func(product int64, s daySum)) error {
	if len(b)%sumRecord != 0 {
		return fmt.Errorf("day sums of %d bytes, not whole records", len(b))
	}
	for ; len(b) > 0; b = b[sumRecord:] {
		f(int64(int32(binary.LittleEndian.Uint32(b))), daySum{
			lines:   int64(int32(binary.LittleEndian.Uint32(b[4:]))),
			revenue: int64(binary.LittleEndian.Uint64(b[8:])),
			cost:    int64(binary.LittleEndian.Uint64(b[16:])),
		})
	}
	return nil
}

// industryRecord is the size of one product's record in an industry's day: int32
// product, int64 revenue (the best sellers and peer statistics read revenue only, and a
// rebuild holds every industry's days in memory).
const industryRecord = 4 + 8

// sumsDelta is what a batch changed in the day sums (all of them, for a rebuild from
// scratch), by day, each day a dense slice indexed by the product's ordinal: the
// company's sums, and each industry's revenue.
type sumsDelta struct {
	ord      map[int64]int // product row id → ordinal
	products []int64       // ordinal → product row id
	company  map[int64][]daySum
	industry map[string]map[int64][]int64
	encoded  []sumRow // the rows of a rebuild, once encoded (see encode)

	// The last product's ordinal and the last industry's days: a rebuild adds an
	// account's lines one after the other, product by product (a map lookup fewer
	// for most lines).
	lastProduct  int64
	lastOrd      int
	lastIndustry string
	lastDays     map[int64][]int64
}

func newSumsDelta() *sumsDelta {
	return &sumsDelta{ord: map[int64]int{}, company: map[int64][]daySum{}, industry: map[string]map[int64][]int64{}, lastOrd: -1}
}

// ordinal returns product's ordinal.
func (d *sumsDelta) ordinal(product int64) int {
	if d.lastOrd >= 0 && product == d.lastProduct {
		return d.lastOrd
	}
	i, ok := d.ord[product]
	if !ok {
		i = len(d.products)
		d.ord[product] = i
		d.products = append(d.products, product)
	}
	d.lastProduct, d.lastOrd = product, i
	return i
}

// grown returns s long enough for every product seen.
func grown[T any](s []T, n int) []T {
	if len(s) < n {
		s = append(s, make([]T, n-len(s))...)
	}
	return s
}

// add records one sales line added (sign 1) or removed (sign −1) for the company and,
// when industry is not "", for the industry.
func (d *sumsDelta) add(industry string, sign, day, product int64, amount, cost float64) {
	i := d.ordinal(product)
	s := d.company[day]
	if len(s) <= i {
		s = grown(s, len(d.products))
		d.company[day] = s
	}
	s[i].add(sign, amount, cost)
	d.addRevenue(industry, day, i, sign*micro(amount))
}

// addRevenue adds revenue (millionths) to the product with ordinal i on day in
// industry ("": none).
func (d *sumsDelta) addRevenue(industry string, day int64, i int, revenue int64) {
	if industry == "" {
		return
	}
	days := d.lastDays
	if days == nil || industry != d.lastIndustry {
		if days = d.industry[industry]; days == nil {
			days = map[int64][]int64{}
			d.industry[industry] = days
		}
		d.lastIndustry, d.lastDays = industry, days
	}
	s := days[day]
	if len(s) <= i {
		s = grown(s, len(d.products))
		days[day] = s
	}
	s[i] += revenue
}

// move moves one sales line from one industry's sums to another's.
func (d *sumsDelta) move(from, to string, day, product int64, amount float64) {
	i := d.ordinal(product)
	d.addRevenue(from, day, i, -micro(amount))
	d.addRevenue(to, day, i, micro(amount))
}

// empty reports whether the delta changes no sum.
func (d *sumsDelta) empty() bool { return len(d.company) == 0 && len(d.industry) == 0 }

// changed returns the products whose company sums the delta changes.
func (d *sumsDelta) changed() map[int64]bool {
	out := map[int64]bool{}
	for _, s := range d.company {
		for i, x := range s {
			if x != (daySum{}) {
				out[d.products[i]] = true
			}
		}
	}
	return out
}

// applySums adds the delta to the stored day sums, row by row, deleting the days left
// with nothing.
func (b *Batch) applySums(ctx context.Context, d *sumsDelta) error {
	// The running revenue is rewritten from the first day each changed.
	from := map[string]int64{}
	first := func(ind string, day int64) {
		if f, ok := from[ind]; !ok || day < f {
			from[ind] = day
		}
	}
	for day := range d.company {
		first("", day)
	}
	for ind, days := range d.industry {
		for day := range days {
			first(ind, day)
		}
	}
	defer clear(from)
	for _, day := range slices.Sorted(maps.Keys(d.company)) {
		if err := b.applyDay(ctx, day, d.products, d.company[day]); err != nil {
			return fmt.Errorf("day sums of day %d: %w", day, err)
		}
		delete(d.company, day) // let a rebuild's sums be collected as they are written
	}
	for _, ind := range slices.Sorted(maps.Keys(d.industry)) {
		days := d.industry[ind]
		for _, day := range slices.Sorted(maps.Keys(days)) {
			if err := b.applyIndustryDay(ctx, ind, day, d.products, days[day]); err != nil {
				return fmt.Errorf("day sums of %q on day %d: %w", ind, day, err)
			}
			delete(days, day)
		}
	}
	for _, ind := range slices.Sorted(maps.Keys(from)) {
		if err := b.writeRunning(ctx, ind, from[ind]); err != nil {
			return fmt.Errorf("running revenue of %q: %w", ind, err)
		}
	}
	return nil
}

// writeRunning rewrites the running revenue of the company (industry "") or of an
// industry from day from on, from its day sums.
func (b *Batch) writeRunning(ctx context.Context, industry string, from int64) error {
	daily, running, where, each := `day_sums`, `running_revenue`, ``, func(b []byte, f func(product, revenue int64)) error {
		return eachSum(b, func(p int64, s daySum) { f(p, s.revenue) })
	}
	args := []any{from}
	if industry != "" {
		daily, running, where, each = `industry_day_sums`, `industry_running_revenue`, `industry = ? AND `, eachRevenue
		args = []any{industry, from}
	}
	cum := map[int64]int64{}
	var base []byte
	err := b.tx.QueryRowContext(ctx, `SELECT sums FROM `+running+` WHERE `+where+`day < ? ORDER BY day DESC LIMIT 1`, args...).Scan(&base)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err := eachRevenue(base, func(p, rev int64) { cum[p] = rev }); err != nil {
		return err
	}
	type day struct {
		day  int64
		sums []byte
	}
	var days []day
	rows, err := b.tx.QueryContext(ctx, `SELECT day, sums FROM `+daily+` WHERE `+where+`day >= ? ORDER BY day`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d day
		if err := rows.Scan(&d.day, &d.sums); err != nil {
			return err
		}
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if _, err := b.tx.ExecContext(ctx, `DELETE FROM `+running+` WHERE `+where+`day >= ?`, args...); err != nil {
		return err
	}
	put := `INSERT INTO running_revenue (day, sums) VALUES (?, ?)`
	if industry != "" {
		put = `INSERT INTO industry_running_revenue (industry, day, sums) VALUES (?, ?, ?)`
	}
	for _, d := range days {
		if err := each(d.sums, func(p, rev int64) { cum[p] += rev }); err != nil {
			return err
		}
		args := []any{d.day, encodeRevenue(cum)}
		if industry != "" {
			args = append([]any{industry}, args...)
		}
		if err := b.exec(ctx, put, args...); err != nil {
			return err
		}
	}
	return nil
}

// encodeRevenue encodes revenue by product (int32 product, int64 revenue), leaving out
// products with none.
func encodeRevenue(revenue map[int64]int64) []byte {
	out := make([]byte, 0, len(revenue)*industryRecord)
	for _, p := range slices.Sorted(maps.Keys(revenue)) {
		if revenue[p] == 0 {
			continue
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(p)))
		out = binary.LittleEndian.AppendUint64(out, uint64(revenue[p]))
	}
	return out
}

// applyDay adds delta (by the ordinals of products) to one stored day's sums.
func (b *Batch) applyDay(ctx context.Context, day int64, products []int64, delta []daySum) error {
	st, err := b.stmt(ctx, `SELECT sums FROM day_sums WHERE day = ?`)
	if err != nil {
		return err
	}
	var stored []byte
	if err := st.QueryRowContext(ctx, day).Scan(&stored); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	sums := map[int64]daySum{}
	if err := eachSum(stored, func(p int64, s daySum) { sums[p] = s }); err != nil {
		return err
	}
	for i, s := range delta {
		if s == (daySum{}) {
			continue
		}
		t := sums[products[i]]
		sums[products[i]] = daySum{t.lines + s.lines, t.revenue + s.revenue, t.cost + s.cost}
	}
	enc := encodeDaySums(sums)
	if len(enc) == 0 {
		return b.exec(ctx, `DELETE FROM day_sums WHERE day = ?`, day)
	}
	return b.exec(ctx, `INSERT OR REPLACE INTO day_sums (day, sums) VALUES (?, ?)`, day, enc)
}

// applyIndustryDay adds delta (revenue by the ordinals of products) to one stored day
// of an industry.
func (b *Batch) applyIndustryDay(ctx context.Context, industry string, day int64, products []int64, delta []int64) error {
	st, err := b.stmt(ctx, `SELECT sums FROM industry_day_sums WHERE industry = ? AND day = ?`)
	if err != nil {
		return err
	}
	var stored []byte
	if err := st.QueryRowContext(ctx, industry, day).Scan(&stored); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	revenue := map[int64]int64{}
	if err := eachRevenue(stored, func(p, rev int64) { revenue[p] = rev }); err != nil {
		return err
	}
	for i, rev := range delta {
		revenue[products[i]] += rev
	}
	enc := encodeRevenue(revenue)
	if len(enc) == 0 {
		return b.exec(ctx, `DELETE FROM industry_day_sums WHERE industry = ? AND day = ?`, industry, day)
	}
	return b.exec(ctx, `INSERT OR REPLACE INTO industry_day_sums (industry, day, sums) VALUES (?, ?, ?)`, industry, day, enc)
}

// eachRevenue calls f for each product record of an encoded industry day.
func eachRevenue(b []byte, f func(product, revenue int64)) error {
	if len(b)%industryRecord != 0 {
		return fmt.Errorf("industry day sums of %d bytes, not whole records", len(b))
	}
	for ; len(b) > 0; b = b[industryRecord:] {
		f(int64(int32(binary.LittleEndian.Uint32(b))), int64(binary.LittleEndian.Uint64(b[4:])))
	}
	return nil
}

// writeSums replaces every stored day sum with all (a rebuild from scratch), encoded
// by all.encode unless it was already (see fromRuns).
func (b *Batch) writeSums(ctx context.Context, all *sumsDelta) error {
	for _, q := range []string{`DELETE FROM day_sums`, `DELETE FROM industry_day_sums`,
		`DELETE FROM running_revenue`, `DELETE FROM industry_running_revenue`} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if all.encoded == nil {
		all.encode()
	}
	for _, r := range all.encoded {
		var err error
		if r.industry == "" {
			err = b.exec(ctx, `INSERT INTO `+r.table+` (day, sums) VALUES (?, ?)`, r.day, r.sums)
		} else {
			err = b.exec(ctx, `INSERT INTO `+r.table+` (industry, day, sums) VALUES (?, ?, ?)`, r.industry, r.day, r.sums)
		}
		if err != nil {
			return fmt.Errorf("%s of %q on day %d: %w", r.table, r.industry, r.day, err)
		}
	}
	all.encoded = nil
	return nil
}

// sumRow is one encoded row of the day sums' tables: day_sums, industry_day_sums,
// running_revenue or industry_running_revenue.
type sumRow struct {
	table    string
	industry string // "" in the company's tables
	day      int64
	sums     []byte
}

// encode encodes every row of the day sums' tables that d, all the sales lines,
// gives: the rows applySums writes into empty tables, without reading them back. It
// empties d's sums as it goes, so that they can be collected.
func (d *sumsDelta) encode() {
	var out []sumRow
	cum := map[int64]int64{}
	for _, day := range slices.Sorted(maps.Keys(d.company)) {
		sums := map[int64]daySum{}
		for i, s := range d.company[day] {
			if s != (daySum{}) {
				sums[d.products[i]] = s
			}
		}
		delete(d.company, day)
		enc := encodeDaySums(sums)
		if len(enc) == 0 {
			continue
		}
		for p, s := range sums {
			if s.lines != 0 { // as encodeDaySums
				cum[p] += s.revenue
			}
		}
		out = append(out, sumRow{table: "day_sums", day: day, sums: enc},
			sumRow{table: "running_revenue", day: day, sums: encodeRevenue(cum)})
	}
	for _, ind := range slices.Sorted(maps.Keys(d.industry)) {
		days := d.industry[ind]
		clear(cum)
		for _, day := range slices.Sorted(maps.Keys(days)) {
			revenue := map[int64]int64{}
			for i, rev := range days[day] {
				revenue[d.products[i]] += rev
			}
			delete(days, day)
			enc := encodeRevenue(revenue)
			if len(enc) == 0 {
				continue
			}
			for p, rev := range revenue {
				cum[p] += rev
			}
			out = append(out, sumRow{table: "industry_day_sums", industry: ind, day: day, sums: enc},
				sumRow{table: "industry_running_revenue", industry: ind, day: day, sums: encodeRevenue(cum)})
		}
		delete(d.industry, ind)
	}
	d.encoded = out
}

// writeCategorySeries writes the company's series of each of the categories (all of
// them when categories is nil) from the stored day sums.
func (b *Batch) writeCategorySeries(ctx context.Context, categories map[string]bool) error {
	names, _, err := b.productNames(ctx)
	if err != nil {
		return err
	}
	type catDay struct {
		day int64
		daySum
	}
	byCategory := map[string][]catDay{}
	rows, err := b.tx.QueryContext(ctx, `SELECT day, sums FROM day_sums ORDER BY day`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var day int64
		var sums sql.RawBytes
		if err := rows.Scan(&day, &sums); err != nil {
			return err
		}
		err := eachSum(sums, func(p int64, s daySum) {
			c := names[p]
			if categories != nil && !categories[c] {
				return
			}
			days := byCategory[c]
			if n := len(days); n == 0 || days[n-1].day != day {
				byCategory[c] = append(days, catDay{day: day, daySum: s})
				return
			}
			t := &days[len(days)-1]
			t.lines, t.revenue, t.cost = t.lines+s.lines, t.revenue+s.revenue, t.cost+s.cost
		})
		if err != nil {
			return fmt.Errorf("day %d: %w", day, err)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	del, args := `DELETE FROM category_series`, []any(nil)
	if categories != nil {
		del = `DELETE FROM category_series WHERE category IN (SELECT value FROM json_each(?))`
		args = []any{jsonList(slices.Collect(maps.Keys(categories)))}
	}
	if _, err := b.tx.ExecContext(ctx, del, args...); err != nil {
		return err
	}
	for _, c := range slices.Sorted(maps.Keys(byCategory)) {
		days := byCategory[c]
		series := make([]byte, len(days)*recordSize)
		var rev, cost int64
		for i, d := range days {
			rev, cost = rev+d.revenue, cost+d.cost
			r := series[i*recordSize:]
			binary.LittleEndian.PutUint32(r, uint32(int32(d.day)))
			binary.LittleEndian.PutUint64(r[4:], math.Float64bits(fromMicro(rev)))
			binary.LittleEndian.PutUint64(r[12:], math.Float64bits(fromMicro(cost)))
		}
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO category_series (category, series) VALUES (?, ?)`, c, series); err != nil {
			return err
		}
	}
	return nil
}

// jsonList is a JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
func jsonList(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}

// BestSellers returns the company's best-selling SKU of each category over W of asOf
// (by revenue; ties to the first SKU in order), from two rows of running_revenue.
func (s *Store) BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error) {
	out, err := s.bestSellers(ctx, `SELECT sums FROM running_revenue WHERE day <= ? ORDER BY day DESC LIMIT 1`, nil, asOf)
	if err != nil {
		return nil, fmt.Errorf("sqlite: best sellers: %w", err)
	}
	return out, nil
}

// IndustryBestSellers returns the best-selling SKU of each category over W of asOf
// among the accounts of the industry, from two rows of industry_running_revenue.
func (s *Store) IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error) {
	out, err := s.bestSellers(ctx, `SELECT sums FROM industry_running_revenue
		WHERE industry = ? AND day <= ? ORDER BY day DESC LIMIT 1`, []any{industry}, asOf)
	if err != nil {
		return nil, fmt.Errorf("sqlite: industry best sellers: %w", err)
	}
	return out, nil
}

// bestSellers takes each product's revenue over W of asOf as the difference of the
// running revenue q returns (args, then a day) at the window's end and at its start,
// and picks each category's best.
func (s *Store) bestSellers(ctx context.Context, q string, args []any, asOf time.Time) (map[string]string, error) {
	w := domain.NewDayWindow(asOf)
	revenue := map[int64]int64{}
	for _, at := range []struct {
		day  int64
		sign int64
	}{{w.Through, 1}, {w.After, -1}} {
		var sums []byte
		err := s.db.QueryRowContext(ctx, q, append(slices.Clip(args), at.day)...).Scan(&sums)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if err := eachRevenue(sums, func(p, rev int64) { revenue[p] += at.sign * rev }); err != nil {
			return nil, err
		}
	}
	type best struct {
		sku string
		rev int64
	}
	top := map[string]best{}
	prows, err := s.db.QueryContext(ctx, `SELECT id, sku, category FROM products`)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var id int64
		var sku, c string
		if err := prows.Scan(&id, &sku, &c); err != nil {
			return nil, err
		}
		rev := revenue[id]
		if rev <= 0 {
			continue
		}
		if t, ok := top[c]; !ok || rev > t.rev || rev == t.rev && strings.Compare(sku, t.sku) < 0 {
			top[c] = best{sku, rev}
		}
	}
	if err := prows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(top))
	for c, t := range top {
		out[c] = t.sku
	}
	return out, nil
}
