package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/incumbent/incumbent/domain"
)

// SetPotential stores p, a potential set from chat (p.SetBy and p.SetAt say who set it
// and when), replacing the potential of the same account and category, and increments
// the data version. The account's gap facts are written again in the same transaction
// (its row of account_facts, with its sales and pipeline as they are), so that every gap,
// digest and suggestion reads it at once without the read model being rebuilt; only
// when the account's territory has no place in the read model yet (an account imported
// since the last rebuild, in a new territory) is the whole read model rebuilt, as an
// import would. ENOTFOUND when there is no such account; ECONFLICT when another process
// holds the database past the busy timeout.
func (s *Store) SetPotential(ctx context.Context, p domain.Potential) error {
	if err := domain.CheckPotential(p); err != nil {
		return err
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: set potential %q/%q: %w", p.AccountID, p.Category, err)
	}
	b, err := s.begin(ctx, conn)
	if err != nil {
		return err
	}
	defer b.Rollback()
	if err := b.setPotential(ctx, p); err != nil {
		return fmt.Errorf("sqlite: set potential %q/%q: %w", p.AccountID, p.Category, err)
	}
	if _, err := b.Commit(ctx); err != nil {
		return err
	}
	return nil
}

// setPotential writes p and the account's gap facts with it, or asks Commit for a
// rebuild of the read model.
func (b *Batch) setPotential(ctx context.Context, p domain.Potential) error {
	var account int64
	var territory string
	err := b.tx.QueryRowContext(ctx, `SELECT id, territory FROM accounts WHERE account_id = ?`, p.AccountID).Scan(&account, &territory)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "There is no account %q.", p.AccountID)
	}
	if err != nil {
		return err
	}
	if _, err := b.tx.ExecContext(ctx, upsertPotential.one, potentialArgs(p)...); err != nil {
		return err
	}
	var rowid int64
	var facts []byte
	err = b.tx.QueryRowContext(ctx, `SELECT rowid, facts FROM account_facts WHERE account = ?`, account).Scan(&rowid, &facts)
	switch {
	case err == nil:
		facts, err = withPotential(facts, p)
		if err != nil {
			return err
		}
		_, err = b.tx.ExecContext(ctx, `UPDATE account_facts SET facts = ? WHERE rowid = ?`, facts, rowid)
		return err
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// The account had no sales, potential or open pipeline: its first row, at its
	// territory's place.
	var rank int64
	err = b.tx.QueryRowContext(ctx, `SELECT rank FROM series_territories WHERE territory = ?`, territory).Scan(&rank)
	if errors.Is(err, sql.ErrNoRows) {
		b.rebuildFacts = true
		return nil
	}
	if err != nil {
		return err
	}
	facts = encodeFacts(nil, map[string]*categoryFacts{p.Category: {hasPotential: true, potential: p.AnnualPotential, competitor: p.Competitor}})
	_, err = b.tx.ExecContext(ctx, `INSERT INTO account_facts (rowid, account, account_id, facts) VALUES (?, ?, ?, ?)`,
		rank<<32|account, account, p.AccountID, facts)
	return err
}

// withPotential returns an account's facts (encodeFacts's layout) with p as the
// potential of its category: the category's entry keeps its pipeline and sales, or is
// added in its place among the categories (sorted) with none, as a rebuild writes it.
func withPotential(facts []byte, p domain.Potential) ([]byte, error) {
	r := factsReader{b: facts}
	n := int(r.uint16())
	out := binary.LittleEndian.AppendUint16(make([]byte, 0, len(facts)+64), 0)
	count, done := 0, false
	entry := func(cat string, flags byte, potential float64, competitor string, pipeline, weighted float64, series []byte) {
		out = appendString(out, cat)
		out = append(out, flags)
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(potential))
		out = appendString(out, competitor)
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(pipeline))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(weighted))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(series)/recordSize))
		out = append(out, series...)
		count++
	}
	for range n {
		cat := r.string()
		flags := r.byte()
		potential := r.float()
		competitor := r.string()
		pipeline, weighted := r.float(), r.float()
		series := r.bytes(int(r.uint32()) * recordSize)
		if r.err != nil {
			return nil, r.err
		}
		switch {
		case cat == p.Category:
			flags, potential, competitor, done = flags|1, p.AnnualPotential, p.Competitor, true
		case !done && cat > p.Category:
			entry(p.Category, 1, p.AnnualPotential, p.Competitor, 0, 0, nil)
			done = true
		}
		entry(cat, flags, potential, competitor, pipeline, weighted, series)
	}
	if !done {
		entry(p.Category, 1, p.AnnualPotential, p.Competitor, 0, 0, nil)
	}
	if count > math.MaxUint16 {
		return nil, fmt.Errorf("account facts: %d categories", count)
	}
	binary.LittleEndian.PutUint16(out, uint16(count))
	return out, nil
}
