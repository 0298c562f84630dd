package sqlite

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
)

// rebuildReadModel rebuilds the whole read model in the import's transaction: every
// account's facts and grade facts, the day sums and the company's category series. It
// loads the potentials, the open pipeline and the grade inputs, then makes one pass
// over the sales in the order of their read index (account, product, day), writing
// each account's facts as soon as the next account starts. It runs the CREATE INDEX
// statements creates, while the pass merges sorted runs (see writeFacts).
func (b *Batch) rebuildReadModel(ctx context.Context, creates []string) error {
	for _, q := range []string{`DELETE FROM account_facts`, `DELETE FROM grade_facts`, `DELETE FROM facts_tail`,
		fmt.Sprintf(`UPDATE meta SET read_model = %d`, readModelLayout)} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	sums := newSumsDelta()
	if err := b.writeFacts(ctx, nil, sums, creates); err != nil {
		return err
	}
	if err := b.writeSums(ctx, sums); err != nil {
		return err
	}
	if err := b.writeCategorySeries(ctx, nil); err != nil {
		return err
	}
	return b.recordSalesDates(ctx)
}

// updateReadModel brings the read model up to date with the batch's delta: the day
// sums by the lines added and removed, the category series of the products they sold
// (and of both categories of a product that changed category), and the facts of the
// accounts touched: from their new lines alone for those that only gained lines after
// their last sales day (appendLines), else from all their lines. When the delta
// touches more than half the accounts (of minRebuildAccounts or more), it rebuilds the
// whole read model instead, which then costs about the same.
func (b *Batch) updateReadModel(ctx context.Context) error {
	b.delta.settleRemoved()
	ids, err := b.touchedAccounts(ctx)
	if err != nil {
		return err
	}
	d := b.delta
	rebuild := make(map[int64]bool, len(ids))
	for _, id := range ids {
		rebuild[id] = true
	}
	var appended []int64 // accounts that only gained lines
	for id := range d.added {
		if !rebuild[id] {
			appended = append(appended, id)
		}
	}
	var total int64
	if err := b.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&total); err != nil {
		return err
	}
	if total >= minRebuildAccounts && 2*int64(len(ids)+len(appended)) > total {
		return b.rebuildReadModel(ctx, nil)
	}
	categories, _, err := b.productNames(ctx)
	if err != nil {
		return err
	}
	if !d.sums.empty() || len(d.categories) > 0 {
		cats := maps.Clone(d.categories)
		for p := range d.sums.changed() {
			cats[categories[p]] = true
		}
		if err := b.applySums(ctx, d.sums); err != nil {
			return err
		}
		if err := b.writeCategorySeries(ctx, cats); err != nil {
			return err
		}
		if err := b.recordSalesDates(ctx); err != nil {
			return err
		}
	}
	slices.Sort(appended)
	for _, id := range appended {
		ok, err := b.appendLines(ctx, id, d.added[id], categories)
		if err != nil {
			return err
		}
		if !ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil // (writeFacts takes nil for every account)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM account_facts WHERE account = ?`, `DELETE FROM grade_facts WHERE account = ?`,
			`DELETE FROM facts_tail WHERE account = ?`} {
			if err := b.exec(ctx, q, id); err != nil {
				return err
			}
		}
	}
	return b.writeFacts(ctx, ids, nil, nil)
}

// minRebuildAccounts is the fewest accounts for which a delta touching most of them
// rebuilds the whole read model instead: below it both cost little, and the delta's
// path is the one taken.
const minRebuildAccounts = 1000

// recordSalesDates records the first and last sales days from the day sums.
func (b *Batch) recordSalesDates(ctx context.Context) error {
	_, err := b.tx.ExecContext(ctx, `UPDATE meta SET (sales_first, sales_last) = (SELECT MIN(day), MAX(day) FROM day_sums)`)
	return err
}

// writeFacts writes the account facts and grade facts of the accounts with row ids ids
// (every account when ids is nil), whose rows are gone; with sums, it adds every line
// it reads to them. It runs the CREATE INDEX statements creates first; but when the
// lines come from the batch's sorted runs (a first load), it reads what it needs from
// SQLite, then runs them on another goroutine while it merges the runs and computes the
// facts, which it keeps in a temporary file until they have run: the writer connection
// builds the indexes on one core while the pass runs on the other.
func (b *Batch) writeFacts(ctx context.Context, ids []int64, sums *sumsDelta, creates []string) error {
	merge := ids == nil && b.lines != nil && b.lines.finish()
	if !merge {
		if err := b.createIndexes(ctx, creates); err != nil {
			return err
		}
	}
	categories, _, err := b.productNames(ctx)
	if err != nil {
		return err
	}
	accounts, err := b.seriesAccounts(ctx, ids)
	if err != nil {
		return err
	}
	only := ""
	if ids != nil {
		names := make([]string, 0, len(accounts))
		for _, a := range accounts {
			names = append(names, a.id)
		}
		only = jsonList(names)
	}
	others, err := b.otherFacts(ctx, accounts, only)
	if err != nil {
		return err
	}
	grades, err := b.loadGradeInputs(ctx, accounts, only)
	if err != nil {
		return err
	}
	p := &salesPass{b: b, categories: categories, accounts: accounts, others: others, grades: grades,
		facts: &factsWriter{b: b, table: "account_facts"}, gradeFacts: &factsWriter{b: b, table: "grade_facts"},
		sums: sums, account: map[string][]dayTotals{}, current: -1}
	if merge {
		return p.fromRuns(ctx, creates)
	}
	if ids == nil {
		// After a bulk load no line is recent: one index's scan, without the merge.
		var recent bool
		if err := b.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sales WHERE recent = 1)`).Scan(&recent); err != nil {
			return err
		}
		q := `SELECT account, product, day, amount, cost, quantity FROM sales WHERE recent = 0
			ORDER BY account, product, day, amount, cost, quantity`
		if recent {
			q = linesInIndexOrder("")
		}
		err = p.readSales(ctx, q)
	}
	for _, id := range ids {
		if err = p.readSales(ctx, linesInIndexOrder("account = ?"), id, id); err != nil {
			break
		}
	}
	if err != nil {
		return err
	}
	return p.finish(ctx)
}

// fromRuns makes the pass over the merge of the batch's sorted runs while another
// goroutine runs the CREATE INDEX statements creates on the writer connection; it
// keeps the facts aside until they have run, then writes them. It encodes the day sums
// meanwhile too, for writeSums.
func (p *salesPass) fromRuns(ctx context.Context, creates []string) error {
	b := p.b
	built := make(chan error, 1)
	go func() { built <- b.createIndexes(ctx, creates) }()
	var once sync.Once
	var buildErr error
	wait := func() error {
		once.Do(func() { buildErr = <-built })
		return buildErr
	}
	p.grades.ready = wait
	p.facts.aside, p.gradeFacts.aside = true, true
	err := p.pipe(ctx, mergeRead(b.lines.merge()))
	if err == nil {
		err = p.finish(ctx)
	}
	if err == nil && p.sums != nil {
		p.sums.encode() // while the indexes are built
	}
	if werr := wait(); err == nil {
		err = werr
	}
	for _, w := range []*factsWriter{p.facts, p.gradeFacts} {
		if err == nil {
			err = w.replay(ctx)
		}
		w.discard()
	}
	return err
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

// salesPass is writeFacts's pass over the sales, in the order of their read index
// (account, product, day): it writes each account's facts and grade facts when the
// next account starts, and adds every line to the day sums on the way when it
// rebuilds them.
type salesPass struct {
	b          *Batch
	categories map[int64]string
	accounts   map[int64]seriesAccount
	others     map[int64]map[string]*categoryFacts // potentials and pipeline, by account
	grades     *gradeInputs
	facts      *factsWriter
	gradeFacts *factsWriter
	sums       *sumsDelta // nil when the sums are not rebuilt

	current int64                  // the account being read; -1 before the first
	account map[string][]dayTotals // its lines, by category
	all     []dayTotals            // its lines over every category
}

// linesInIndexOrder returns the query of the sales lines (account, product, day,
// amount, cost, quantity) that match where (every line when empty) in the order of the
// read index: the lines of sales_account_product and of sales_recent, merged (see
// sales_recent in the schema). Its arguments are where's, twice.
func linesInIndexOrder(where string) string {
	arm := func(recent string) string {
		q := `SELECT account, product, day, amount, cost, quantity FROM sales WHERE recent = ` + recent
		if where != "" {
			q += ` AND ` + where
		}
		return q
	}
	return arm("0") + ` UNION ALL ` + arm("1") + ` ORDER BY account, product, day, amount, cost, quantity`
}

// readSales reads the lines q returns (account, product, day, amount, cost, quantity,
// by account, product and day) through pipe. Reading them (SQLite's step and
// database/sql's scan, and the day sums) and taking them (the facts and grade inputs)
// each cost about half of the pass: this goroutine reads the lines in chunks and
// another takes them, so that on two cores the pass costs about the larger of the
// two. The taker's writes (facts rows,
// an account's invoices) share the transaction's connection with the open query,
// which database/sql serialises call by call.
func (p *salesPass) readSales(ctx context.Context, q string, args ...any) error {
	st, err := p.b.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	err = p.pipe(ctx, func(l *salesLine) (bool, error) {
		if !rows.Next() {
			return false, nil
		}
		return true, rows.Scan(&l.acc, &l.prod, &l.d.day, &l.d.revenue, &l.d.cost, &l.qty)
	})
	if err != nil {
		return err
	}
	return rows.Err()
}

// mergeRead adapts a merge of sorted runs to pipe.
func mergeRead(next func() (salesLine, bool, error)) func(*salesLine) (bool, error) {
	return func(l *salesLine) (bool, error) {
		var ok bool
		var err error
		*l, ok, err = next()
		return ok, err
	}
}

// pipe reads lines with read, which returns false after the last, and has another
// goroutine take them (takeChunks).
func (p *salesPass) pipe(ctx context.Context, read func(*salesLine) (bool, error)) error {
	full := make(chan []salesLine, passChunks-1)
	free := make(chan []salesLine, passChunks)
	for range passChunks {
		free <- make([]salesLine, 0, passChunk)
	}
	taken := make(chan error, 1)
	go func() { taken <- p.takeChunks(ctx, full, free) }()
	chunk := <-free
	var readErr error
	acc, industry := int64(-1), ""
	for {
		var l salesLine
		var ok bool
		if ok, readErr = read(&l); readErr != nil || !ok {
			break
		}
		if p.sums != nil {
			// Added here rather than by the taker, which has more to do: the sums are
			// integers (millionths), the same in any order.
			if l.acc != acc {
				acc, industry = l.acc, p.accounts[l.acc].industry
			}
			p.sums.add(industry, 1, l.d.day, l.prod, l.d.revenue, l.d.cost)
		}
		if chunk = append(chunk, l); len(chunk) == passChunk {
			full <- chunk
			chunk = <-free
		}
	}
	if len(chunk) > 0 {
		full <- chunk
	}
	close(full)
	takeErr := <-taken
	if readErr != nil {
		return readErr
	}
	return takeErr
}

// salesLine is one line as salesPass reads it.
type salesLine struct {
	acc, prod int64
	d         dayTotals
	qty       float64
}

// The pass hands lines from its reader to its taker passChunk at a time, through
// passChunks buffers.
const (
	passChunk  = 1024
	passChunks = 4
)

// takeChunks takes the lines of the chunks from full in order, giving each chunk back
// to free, and writes the last account's facts at the end. After an error it only
// gives the chunks back, so that the reader never waits, and returns the error.
func (p *salesPass) takeChunks(ctx context.Context, full <-chan []salesLine, free chan<- []salesLine) error {
	var err error
	for chunk := range full {
		for _, l := range chunk {
			if err != nil {
				break
			}
			if l.acc != p.current {
				if err = p.flush(ctx); err != nil {
					break
				}
				p.current = l.acc
			}
			p.take(l.acc, l.prod, l.d, l.qty)
		}
		free <- chunk[:0]
	}
	if err != nil {
		return err
	}
	return p.flush(ctx)
}

// take adds one sales line of the current account.
func (p *salesPass) take(acc, prod int64, d dayTotals, qty float64) {
	p.all = append(p.all, d)
	p.grades.take(acc, prod, d.day, qty)
	cat := p.categories[prod]
	p.account[cat] = append(p.account[cat], d)
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
	if err := p.gradeFacts.add(ctx, a.rank<<32|p.current, p.current, a.id, g); err != nil {
		return err
	}
	clear(p.account)
	p.all = p.all[:0]
	p.current = -1
	return nil
}

// finish writes the facts of the accounts without sales.
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
	return p.gradeFacts.flush(ctx)
}

// categoryFacts is the potential and open pipeline of one account in one category.
type categoryFacts struct {
	hasPotential bool
	potential    float64
	competitor   string
	pipeline     float64
	weighted     float64
}

// otherFacts loads the potentials and the open pipeline of the accounts, by account
// row id and category; only, when not "", is the JSON list of their account ids.
func (b *Batch) otherFacts(ctx context.Context, accounts map[int64]seriesAccount, only string) (map[int64]map[string]*categoryFacts, error) {
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
	where, args := "", []any(nil)
	if only != "" {
		where, args = ` AND account_id IN (SELECT value FROM json_each(?))`, []any{only}
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT account_id, category, annual_potential, competitor FROM potentials
		WHERE TRUE`+where, args...)
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
		FROM opportunities WHERE lower(stage) NOT IN ('won', 'lost')`+where+` GROUP BY account_id, category`, args...)
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

// seriesAccounts returns the accounts with row ids ids (every account when ids is
// nil) by row id, with their territories' ranks. A territory keeps its rank in
// series_territories once given: a new one takes the next (new ones in name order), so
// that no other territory's rows move.
func (b *Batch) seriesAccounts(ctx context.Context, ids []int64) (map[int64]seriesAccount, error) {
	ranks := map[string]int64{}
	var next int64 = 1
	rows, err := b.tx.QueryContext(ctx, `SELECT territory, rank FROM series_territories`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var r int64
		if err := rows.Scan(&t, &r); err != nil {
			return nil, err
		}
		ranks[t], next = r, max(next, r+1)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	q, args := `SELECT id, account_id, territory, industry FROM accounts ORDER BY territory`, []any(nil)
	if ids != nil {
		q = `SELECT id, account_id, territory, industry FROM accounts
			WHERE id IN (SELECT value FROM json_each(?)) ORDER BY territory`
		args = []any{jsonInts(ids)}
	}
	rows, err = b.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]seriesAccount{}
	var added []string
	for rows.Next() {
		var id int64
		var accountID, territory, industry string
		if err := rows.Scan(&id, &accountID, &territory, &industry); err != nil {
			return nil, err
		}
		r, ok := ranks[territory]
		if !ok {
			r, next = next, next+1
			ranks[territory] = r
			added = append(added, territory)
		}
		out[id] = seriesAccount{id: accountID, rank: r, industry: industry}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, t := range added {
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO series_territories (territory, rank) VALUES (?, ?)`, t, ranks[t]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// jsonInts is a JSON array of integers, for `IN (SELECT value FROM json_each(?))`.
func jsonInts(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
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

// factsWriter inserts rows of account_facts or grade_facts a chunk at a time; aside,
// it keeps them in a temporary file instead, until replay.
type factsWriter struct {
	b     *Batch
	table string
	args  []any

	aside bool
	file  *os.File
	w     *bufio.Writer
}

const factsChunk = 64

func (w *factsWriter) add(ctx context.Context, rowid, account int64, accountID string, facts []byte) error {
	if w.aside {
		return w.keep(rowid, account, accountID, facts)
	}
	w.args = append(w.args, rowid, account, accountID, facts)
	if len(w.args) == 4*factsChunk {
		return w.flush(ctx)
	}
	return nil
}

func (w *factsWriter) flush(ctx context.Context) error {
	n := len(w.args) / 4
	if n == 0 || w.aside {
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

// keep writes one row to the temporary file: row id, account, then the account id and
// the facts, each after its length.
func (w *factsWriter) keep(rowid, account int64, accountID string, facts []byte) error {
	if w.file == nil {
		f, err := os.CreateTemp(w.b.dir, "incumbent-import-*.facts")
		if err != nil {
			return fmt.Errorf("write %s aside: %w", w.table, err)
		}
		w.file, w.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	var head [24]byte
	binary.LittleEndian.PutUint64(head[0:], uint64(rowid))
	binary.LittleEndian.PutUint64(head[8:], uint64(account))
	binary.LittleEndian.PutUint32(head[16:], uint32(len(accountID)))
	binary.LittleEndian.PutUint32(head[20:], uint32(len(facts)))
	w.w.Write(head[:])
	w.w.WriteString(accountID)
	_, err := w.w.Write(facts) // (a bufio.Writer's error sticks)
	if err != nil {
		return fmt.Errorf("write %s aside: %w", w.table, err)
	}
	return nil
}

// replay writes the rows kept aside to the table.
func (w *factsWriter) replay(ctx context.Context) error {
	w.aside = false
	if w.file == nil {
		return nil
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("write %s aside: %w", w.table, err)
	}
	if _, err := w.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read %s back: %w", w.table, err)
	}
	r := bufio.NewReaderSize(w.file, 1<<20)
	var head [24]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("read %s back: %w", w.table, err)
		}
		rec := make([]byte, binary.LittleEndian.Uint32(head[16:])+binary.LittleEndian.Uint32(head[20:]))
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("read %s back: %w", w.table, err)
		}
		n := binary.LittleEndian.Uint32(head[16:])
		err := w.add(ctx, int64(binary.LittleEndian.Uint64(head[0:])), int64(binary.LittleEndian.Uint64(head[8:])),
			string(rec[:n]), rec[n:])
		if err != nil {
			return err
		}
	}
	return w.flush(ctx)
}

// discard removes the temporary file, if any.
func (w *factsWriter) discard() {
	if w.file != nil {
		w.file.Close()
		os.Remove(w.file.Name())
		w.file, w.w = nil, nil
	}
	w.aside = false
}
