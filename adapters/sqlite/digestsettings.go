package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// SetDigestSettings changes the digest schedule of the territory named t.Name: its
// channel, time zone, day and hour (its manager is left as it is). It does not change the
// data version: the figures do not read it, and nothing caches territories (every
// FindTerritories reads the table). A later import of territories.csv replaces it.
// ENOTFOUND when there is no such territory.
func (s *Store) SetDigestSettings(ctx context.Context, t domain.Territory) error {
	switch {
	case t.DigestDay < time.Sunday || t.DigestDay > time.Saturday:
		return domain.Errorf(domain.EINVALID, "digest day %d is not a day of the week", t.DigestDay)
	case t.DigestHour < 0 || t.DigestHour > 23:
		return domain.Errorf(domain.EINVALID, "digest hour %d is not between 0 and 23", t.DigestHour)
	case t.Timezone == "":
		return domain.Errorf(domain.EINVALID, "a digest needs a time zone")
	}
	res, err := s.w.ExecContext(ctx, `UPDATE territories SET digest_channel = ?, timezone = ?, digest_day = ?, digest_hour = ?
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
