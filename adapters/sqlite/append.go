package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// addedLine is a sales line a batch added.
type addedLine struct {
	product, day           int64
	amount, cost, quantity float64
}

// compareLines orders lines as the read index does: product, day, amount, cost,
// quantity (its account being the same).
func compareLines(a, b addedLine) int {
	return cmp.Or(cmp.Compare(a.product, b.product), cmp.Compare(a.day, b.day),
		cmp.Compare(a.amount, b.amount), cmp.Compare(a.cost, b.cost), cmp.Compare(a.quantity, b.quantity))
}

// appendLines brings the facts and grade facts of account up to date with lines added
// after its last sales day, without reading its other lines. The lines go to the
// account's tail (facts_tail), which readers continue the stored blobs with, and each
// commitment's quantity taken goes on from its stored one, adding the new lines in the
// order a rebuild adds them (the read index's), so that what a reader sees is a
// rebuild's to the bit. A tail grown past tailFold lines is folded into the blobs. It
// is the nightly case: a day's file of new lines. It reports false, changing nothing,
// when the account has no stored facts or sales yet, or a line falls on or before its
// last sales day.
func (b *Batch) appendLines(ctx context.Context, account int64, lines []addedLine, categories map[int64]string) (bool, error) {
	var accountID string
	var last int64
	var tail []tailLine
	var stored, commitments []byte
	err := b.tx.QueryRowContext(ctx, `SELECT f.account_id, t.last_day, t.lines, t.commitments
		FROM facts_tail t JOIN account_facts f ON f.account = t.account WHERE t.account = ?`, account).
		Scan(&accountID, &last, &stored, &commitments)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var grade []byte
		err := b.tx.QueryRowContext(ctx, `SELECT account_id, facts FROM grade_facts WHERE account = ?`, account).
			Scan(&accountID, &grade)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		g, err := splitGrade(grade)
		if err != nil {
			return false, fmt.Errorf("grade facts of %s: %w", accountID, err)
		}
		n := len(g.series) / recordSize
		if n == 0 {
			return false, nil
		}
		last, commitments = seriesDay(g.series, n-1), g.commitments
	case err != nil:
		return false, err
	default:
		if tail, err = decodeTail(stored, nil); err != nil {
			return false, fmt.Errorf("facts tail of %s: %w", accountID, err)
		}
	}
	slices.SortFunc(lines, compareLines)
	newLast := last
	for _, l := range lines {
		if l.day <= last {
			return false, nil
		}
		newLast = max(newLast, l.day)
		tail = append(tail, tailLine{l, categories[l.product]})
	}
	if ok, err := b.takeCommitments(ctx, accountID, commitments, lines); !ok || err != nil {
		return false, err
	}
	sortTail(tail)
	encoded := encodeTail(tail)
	if commitments == nil {
		commitments = []byte{} // (NOT NULL)
	}
	if len(tail) > tailFold {
		return true, b.foldTail(ctx, account, encoded, commitments)
	}
	return true, b.exec(ctx, `INSERT INTO facts_tail (account, last_day, lines, commitments) VALUES (?, ?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET last_day = excluded.last_day, lines = excluded.lines, commitments = excluded.commitments`,
		account, newLast, encoded, commitments)
}

// foldTail writes account's facts and grade facts continued with tail (encodeTail's
// bytes) and commitments, and deletes its tail.
func (b *Batch) foldTail(ctx context.Context, account int64, tail, commitments []byte) error {
	var factsRow, gradeRow int64
	var facts, grade []byte
	err := b.tx.QueryRowContext(ctx, `SELECT f.rowid, f.facts, g.rowid, g.facts
		FROM account_facts f JOIN grade_facts g ON g.account = f.account WHERE f.account = ?`, account).
		Scan(&factsRow, &facts, &gradeRow, &grade)
	if err != nil {
		return err
	}
	if facts, err = factsWithTail(facts, tail, nil); err != nil {
		return err
	}
	if grade, err = gradeWithTail(grade, tail, commitments); err != nil {
		return err
	}
	if err := b.exec(ctx, `UPDATE account_facts SET facts = ? WHERE rowid = ?`, facts, factsRow); err != nil {
		return err
	}
	if err := b.exec(ctx, `UPDATE grade_facts SET facts = ? WHERE rowid = ?`, grade, gradeRow); err != nil {
		return err
	}
	return b.exec(ctx, `DELETE FROM facts_tail WHERE account = ?`, account)
}

// continueSeries returns series with days (sorted, one record a day, all after its
// last) added, the running totals going on from its last record.
func continueSeries(series []byte, days []dayTotals) []byte {
	var rev, cost float64
	if n := len(series) / recordSize; n > 0 {
		r := series[(n-1)*recordSize:]
		rev = math.Float64frombits(binary.LittleEndian.Uint64(r[4:]))
		cost = math.Float64frombits(binary.LittleEndian.Uint64(r[12:]))
	}
	out := make([]byte, len(series), len(series)+len(days)*recordSize)
	copy(out, series)
	for _, d := range days {
		rev, cost = rev+d.revenue, cost+d.cost
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(d.day)))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(rev))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(cost))
	}
	return out
}

// continueFacts returns an account's facts (encodeFacts's layout) with the new lines of
// each category (in read-index order) added to its series; a category new to the
// account takes its sorted place with no potential or pipeline.
func continueFacts(facts []byte, byCategory map[string][]dayTotals) ([]byte, error) {
	type entry struct {
		cat, competitor               string
		flags                         byte
		potential, pipeline, weighted float64
		series                        []byte
	}
	r := factsReader{b: facts}
	n := int(r.uint16())
	entries := make([]entry, 0, n+len(byCategory))
	seen := map[string]bool{}
	for range n {
		var e entry
		e.cat, e.flags, e.potential, e.competitor = r.string(), r.byte(), r.float(), r.string()
		e.pipeline, e.weighted = r.float(), r.float()
		e.series = r.bytes(int(r.uint32()) * recordSize)
		entries = append(entries, e)
		seen[e.cat] = true
	}
	if r.err != nil {
		return nil, r.err
	}
	for c := range byCategory {
		if !seen[c] {
			entries = append(entries, entry{cat: c})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.cat, b.cat) })
	out := binary.LittleEndian.AppendUint16(make([]byte, 0, len(facts)+len(byCategory)*64), uint16(len(entries)))
	for _, e := range entries {
		out = appendString(out, e.cat)
		out = append(out, e.flags)
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(e.potential))
		out = appendString(out, e.competitor)
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(e.pipeline))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(e.weighted))
		series := continueSeries(e.series, mergeDays(byCategory[e.cat]))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(series)/recordSize))
		out = append(out, series...)
	}
	return out, nil
}

// gradeParts are the four runs of a grade_facts blob (see the schema), each without
// its count.
type gradeParts struct {
	series, invoices, commitments, rfqs []byte
}

func splitGrade(b []byte) (gradeParts, error) {
	r := factsReader{b: b}
	var g gradeParts
	g.series = r.bytes(int(r.uint32()) * recordSize)
	g.invoices = r.bytes(int(r.uint32()) * invoiceRecord)
	g.commitments = r.bytes(int(r.uint32()) * commitmentRecord)
	g.rfqs = r.bytes(int(r.uint32()) * rfqRecord)
	return g, r.err
}

func (g gradeParts) encode() []byte {
	out := make([]byte, 0, 16+len(g.series)+len(g.invoices)+len(g.commitments)+len(g.rfqs))
	for _, run := range []struct {
		b    []byte
		size int
	}{{g.series, recordSize}, {g.invoices, invoiceRecord}, {g.commitments, commitmentRecord}, {g.rfqs, rfqRecord}} {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(run.b)/run.size))
		out = append(out, run.b...)
	}
	return out
}

// takeCommitments adds the new lines' quantities (in read-index order) to the quantity
// taken of the commitment of their product and month, in place in commitments (the
// records of the account's grade facts, in the order loadGradeInputs writes them). It
// reports false when the stored commitments do not match the records.
func (b *Batch) takeCommitments(ctx context.Context, accountID string, commitments []byte, lines []addedLine) (bool, error) {
	n := len(commitments) / commitmentRecord
	if n == 0 {
		return true, nil
	}
	st, err := b.stmt(ctx, `SELECT p.id, c.period FROM commitments c JOIN products p ON p.sku = c.sku
		WHERE c.account_id = ? ORDER BY c.period, c.sku`)
	if err != nil {
		return false, err
	}
	rows, err := st.QueryContext(ctx, accountID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var products []int64
	for rows.Next() {
		var p int64
		var period string
		if err := rows.Scan(&p, &period); err != nil {
			return false, err
		}
		products = append(products, p)
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(products) != n {
		return false, nil
	}
	for _, l := range lines {
		t := time.Unix(l.day*86400, 0).UTC()
		month := uint32(int32(t.Year()*12 + int(t.Month()) - 1))
		for i, p := range products {
			rec := commitments[i*commitmentRecord:]
			if p != l.product || binary.LittleEndian.Uint32(rec) != month {
				continue
			}
			taken := math.Float64frombits(binary.LittleEndian.Uint64(rec[12:])) + l.quantity
			binary.LittleEndian.PutUint64(rec[12:], math.Float64bits(taken))
		}
	}
	return true, nil
}
