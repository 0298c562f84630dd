package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// deliveryTime is how digest_deliveries writes times: UTC with a fixed width, so that
// they compare as text.
const deliveryTime = "2006-01-02T15:04:05.000000000Z"

func formatDeliveryTime(t time.Time) string { return t.UTC().Format(deliveryTime) }

// claimDigest claims a week's digest in one statement. A new row is a first attempt.
// An existing row is taken over only when it is a pending claim made at or before
// :stale (its claimant died mid-send) or a failed attempt whose retry time has come;
// a stale claim on the last allowed attempt is given up instead (status failed, no
// retry time; {giveup} stands for giveup). The WHERE of DO UPDATE leaves any other row
// as it is, and RETURNING then returns nothing: the claim is lost. SQLite runs the
// statement under its write lock, so of two processes claiming at once the second sees
// the first's row and loses (PostgreSQL locks the conflicting row and re-checks the
// WHERE, to the same effect).
const claimDigest = `INSERT INTO digest_deliveries (territory, week, status, claimant, claimed_at, attempts)
VALUES (:territory, :week, 'pending', :claimant, :now, 1)
ON CONFLICT (territory, week) DO UPDATE SET
    status     = CASE WHEN {giveup} THEN 'failed' ELSE 'pending' END,
    claimant   = CASE WHEN {giveup} THEN digest_deliveries.claimant ELSE excluded.claimant END,
    claimed_at = CASE WHEN {giveup} THEN digest_deliveries.claimed_at ELSE excluded.claimed_at END,
    attempts   = CASE WHEN {giveup} THEN digest_deliveries.attempts ELSE digest_deliveries.attempts + 1 END,
    retry_at   = NULL,
    last_error = CASE WHEN {giveup}
        THEN 'given up after ' || digest_deliveries.attempts || ' attempts: the claim of ' || digest_deliveries.claimant ||
             ' at ' || digest_deliveries.claimed_at || ' was never completed (the process stopped mid-send?)'
        ELSE digest_deliveries.last_error END
WHERE (digest_deliveries.status = 'pending' AND digest_deliveries.claimed_at <= :stale)
   OR (digest_deliveries.status = 'failed' AND digest_deliveries.retry_at <= :now)
RETURNING status`

// giveup is the condition, on the existing row, of a stale claim on the last attempt.
const giveup = `(digest_deliveries.status = 'pending' AND digest_deliveries.attempts >= :max)`

// ClaimDigest claims the week's digest of territory for claimant (see
// bot.DigestDeliveryStore). It does not change the data version.
func (s *Store) ClaimDigest(ctx context.Context, territory, week, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if territory == "" || week == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "a digest claim needs a territory, a week and a claimant")
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlite: claim the digest of %s for %s: %w", territory, week, err)
	}
	defer conn.Close()
	var status string
	err = conn.QueryRowContext(ctx, claimDigestSQL,
		sql.Named("territory", territory), sql.Named("week", week), sql.Named("claimant", claimant),
		sql.Named("now", formatDeliveryTime(now)), sql.Named("stale", formatDeliveryTime(now.Add(-stale))),
		sql.Named("max", domain.DigestMaxAttempts)).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: claim the digest of %s for %s: %w", territory, week, err)
	}
	return status == domain.DigestPending, nil
}

// claimDigestSQL is claimDigest with its give-up condition written out.
var claimDigestSQL = strings.ReplaceAll(claimDigest, "{giveup}", giveup)

// MarkDigestSent records that claimant sent the week's digest of territory, detail
// saying where. ECONFLICT when claimant does not hold a pending claim on it. It does not
// change the data version.
func (s *Store) MarkDigestSent(ctx context.Context, territory, week, claimant, detail string, now time.Time) error {
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s sent: %w", territory, week, err)
	}
	defer conn.Close()
	res, err := conn.ExecContext(ctx, `UPDATE digest_deliveries SET status = 'sent', sent_at = ?, detail = ?, last_error = '', retry_at = NULL
		WHERE territory = ? AND week = ? AND claimant = ? AND status = 'pending'`,
		formatDeliveryTime(now), detail, territory, week, claimant)
	if err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s sent: %w", territory, week, err)
	}
	return s.claimHeld(ctx, res, territory, week, claimant)
}

// MarkDigestFailed records that claimant's attempt at the week's digest of territory
// failed for reason: it may be claimed again after domain.DigestRetryDelay(attempts),
// or never once attempts reach domain.DigestMaxAttempts. ECONFLICT when claimant does
// not hold a pending claim on it. It does not change the data version.
func (s *Store) MarkDigestFailed(ctx context.Context, territory, week, claimant, reason string, now time.Time) error {
	// One transaction on the writer (BEGIN IMMEDIATE): the attempts read are the ones
	// the update sees.
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s failed: %w", territory, week, err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s failed: %w", territory, week, err)
	}
	defer tx.Rollback()
	var attempts int
	err = tx.QueryRowContext(ctx, `SELECT attempts FROM digest_deliveries
		WHERE territory = ? AND week = ? AND claimant = ? AND status = 'pending'`, territory, week, claimant).Scan(&attempts)
	if errors.Is(err, sql.ErrNoRows) {
		tx.Rollback()
		return s.notHeld(ctx, territory, week, claimant)
	}
	if err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s failed: %w", territory, week, err)
	}
	var retry any // NULL: given up
	if attempts < domain.DigestMaxAttempts {
		retry = formatDeliveryTime(now.Add(domain.DigestRetryDelay(attempts)))
	} else {
		reason = fmt.Sprintf("given up after %d attempts: %s", attempts, reason)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE digest_deliveries SET status = 'failed', retry_at = ?, last_error = ?
		WHERE territory = ? AND week = ?`, retry, reason, territory, week); err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s failed: %w", territory, week, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: mark the digest of %s for %s failed: %w", territory, week, err)
	}
	return nil
}

// claimHeld returns nil when the update res changed a row, else notHeld's ECONFLICT.
func (s *Store) claimHeld(ctx context.Context, res sql.Result, territory, week, claimant string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: digest of %s for %s: %w", territory, week, err)
	}
	if n == 0 {
		return s.notHeld(ctx, territory, week, claimant)
	}
	return nil
}

// notHeld returns the ECONFLICT error of a claimant that does not hold the claim,
// saying what the record is instead.
func (s *Store) notHeld(ctx context.Context, territory, week, claimant string) error {
	var status, holder string
	err := s.db.QueryRowContext(ctx, `SELECT status, claimant FROM digest_deliveries WHERE territory = ? AND week = ?`,
		territory, week).Scan(&status, &holder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.Errorf(domain.ECONFLICT, "the digest of %s for %s was never claimed", territory, week)
	case err != nil:
		return fmt.Errorf("sqlite: digest of %s for %s: %w", territory, week, err)
	}
	return domain.Errorf(domain.ECONFLICT, "the digest of %s for %s is not claimed by %s: it is %s, last claimed by %s",
		territory, week, claimant, status, holder)
}

// FindDigestDeliveries returns the digest records of territory (of every territory when
// it is ""), the latest week first.
func (s *Store) FindDigestDeliveries(ctx context.Context, territory string) ([]domain.DigestDelivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT territory, week, status, claimant, claimed_at, attempts,
			COALESCE(retry_at, ''), COALESCE(sent_at, ''), last_error, detail
		FROM digest_deliveries WHERE ? = '' OR territory = ? ORDER BY week DESC, territory`, territory, territory)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find digest deliveries: %w", err)
	}
	defer rows.Close()
	var out []domain.DigestDelivery
	for rows.Next() {
		var d domain.DigestDelivery
		var claimed, retry, sent string
		if err := rows.Scan(&d.Territory, &d.Week, &d.Status, &d.Claimant, &claimed, &d.Attempts,
			&retry, &sent, &d.LastError, &d.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: find digest deliveries: %w", err)
		}
		for _, f := range []struct {
			s string
			t *time.Time
		}{{claimed, &d.ClaimedAt}, {retry, &d.RetryAt}, {sent, &d.SentAt}} {
			if f.s == "" {
				continue
			}
			if *f.t, err = time.Parse(deliveryTime, f.s); err != nil {
				return nil, fmt.Errorf("sqlite: digest of %s for %s: %w", d.Territory, d.Week, err)
			}
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find digest deliveries: %w", err)
	}
	return out, nil
}
