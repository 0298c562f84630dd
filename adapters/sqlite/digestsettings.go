package sqlite

import (
	"context"
	"fmt"

	"github.com/incumbent/incumbent/domain"
)

// SetDigestSettings changes the digest schedule of the territory named t.Name: its
// channel, time zone, day and hour (its manager is left as it is). It does not change the
// data version: the figures do not read it, and nothing caches territories (every
// FindTerritories reads the table). A later import of territories.csv replaces it.
// ENOTFOUND when there is no such territory.
func (s *Store) SetDigestSettings(ctx context.Context, t domain.Territory) error {
	if err := domain.CheckDigestSettings(t); err != nil {
		return err
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: set digest settings of %s: %w", t.Name, err)
	}
	defer conn.Close()
	res, err := conn.ExecContext(ctx, `UPDATE territories SET digest_channel = ?, timezone = ?, digest_day = ?, digest_hour = ?
		WHERE name = ?`, t.DigestChannel, t.Timezone, int(t.DigestDay), t.DigestHour, t.Name)
	if err != nil {
		return fmt.Errorf("sqlite: set digest settings of %s: %w", t.Name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: set digest settings of %s: %w", t.Name, err)
	}
	if n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "There is no territory %q.", t.Name)
	}
	return nil
}
