package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/incumbent/incumbent/domain"
)

// SetPotential stores p, a potential set from chat (p.SetBy and p.SetAt say who set it
// and when), replacing the potential of the same account and category, and increments
// the data version. The account's facts are rebuilt in the same transaction, as an
// import's delta is, so that every gap, digest and suggestion reads it at once. ENOTFOUND when there is no such account; ECONFLICT when another process
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

// setPotential writes p; Commit rebuilds the account's facts.
func (b *Batch) setPotential(ctx context.Context, p domain.Potential) error {
	var account int64
	err := b.tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE account_id = ?`, p.AccountID).Scan(&account)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "There is no account %q.", p.AccountID)
	}
	if err != nil {
		return err
	}
	if _, err := b.tx.ExecContext(ctx, upsertPotential.one, potentialArgs(p)...); err != nil {
		return err
	}
	b.delta.rebuild[account] = true
	return nil
}
