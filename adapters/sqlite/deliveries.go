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

// claimDigest claims a week's digest (or a day's alert: deliveryTable) in one statement. A new row is a first attempt.
// An existing row is taken over only when it is a pending claim made at or before
// :stale (its claimant died mid-send) or a failed attempt whose retry time has come;
// a stale claim on the last allowed attempt is given up instead (status failed, no
// retry time; {giveup} stands for giveup). The WHERE of DO UPDATE leaves any other row
// as it is, and RETURNING then returns nothing: the claim is lost. SQLite runs the
// statement under its write lock, so of two processes claiming at once the second sees
// the first's row and loses (PostgreSQL locks the conflicting row and re-checks the
// WHERE, to the same effect).
const claimDigest = `INSERT INTO {table} ({key}, {period}, status, claimant, claimed_at, attempts)
VALUES (:key, :period, 'pending', :claimant, :now, 1)
ON CONFLICT ({key}, {period}) DO UPDATE SET
    status     = CASE WHEN {giveup} THEN 'failed' ELSE 'pending' END,
    claimant   = CASE WHEN {giveup} THEN {table}.claimant ELSE excluded.claimant END,
    claimed_at = CASE WHEN {giveup} THEN {table}.claimed_at ELSE excluded.claimed_at END,
    attempts   = CASE WHEN {giveup} THEN {table}.attempts ELSE {table}.attempts + 1 END,
    retry_at   = NULL,
    last_error = CASE WHEN {giveup}
        THEN 'given up after ' || {table}.attempts || ' attempts: the claim of ' || {table}.claimant ||
             ' at ' || {table}.claimed_at || ' was never completed (the process stopped mid-send?)'
        ELSE {table}.last_error END
WHERE ({table}.status = 'pending' AND {table}.claimed_at <= :stale)
   OR ({table}.status = 'failed' AND {table}.retry_at <= :now)
RETURNING status`

// giveup is the condition, on the existing row, of a stale claim on the last attempt.
const giveup = `({table}.status = 'pending' AND {table}.attempts >= :max)`

// deliveryTable is a table of delivery records: digest_deliveries (a territory's week)
// or alert_deliveries (a person's day). Both have the same columns but their key and
// period, and the same claim, so that an alert goes out once as a digest does.
type deliveryTable struct {
	name, key, period string
	what              string // "digest", "alert": in errors
}

var (
	digestTable = deliveryTable{name: "digest_deliveries", key: "territory", period: "week", what: "digest"}
	alertTable  = deliveryTable{name: "alert_deliveries", key: "person", period: "day", what: "alert"}
)

// sql writes q for the table: {table}, {key} and {period} replaced.
func (t deliveryTable) sql(q string) string {
	return strings.NewReplacer("{table}", t.name, "{key}", t.key, "{period}", t.period).Replace(q)
}

// ClaimDigest claims the week's digest of territory for claimant (see
// bot.DigestDeliveryStore). It does not change the data version.
func (s *Store) ClaimDigest(ctx context.Context, territory, week, claimant string, now time.Time, stale time.Duration) (bool, error) {
	return s.claim(ctx, digestTable, territory, week, claimant, now, stale)
}

// ClaimAlert claims a person's alert of day for claimant (see bot.AlertStore), as
// ClaimDigest claims a digest.
func (s *Store) ClaimAlert(ctx context.Context, person, day, claimant string, now time.Time, stale time.Duration) (bool, error) {
	return s.claim(ctx, alertTable, person, day, claimant, now, stale)
}

func (s *Store) claim(ctx context.Context, t deliveryTable, key, period, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if key == "" || period == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "a %s claim needs a %s, a %s and a claimant", t.what, t.key, t.period)
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlite: claim the %s of %s for %s: %w", t.what, key, period, err)
	}
	defer conn.Close()
	var status string
	err = conn.QueryRowContext(ctx, t.sql(claimDigestSQL),
		sql.Named("key", key), sql.Named("period", period), sql.Named("claimant", claimant),
		sql.Named("now", formatDeliveryTime(now)), sql.Named("stale", formatDeliveryTime(now.Add(-stale))),
		sql.Named("max", domain.DigestMaxAttempts)).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: claim the %s of %s for %s: %w", t.what, key, period, err)
	}
	return status == domain.DigestPending, nil
}

// claimDigestSQL is claimDigest with its give-up condition written out.
var claimDigestSQL = strings.ReplaceAll(claimDigest, "{giveup}", giveup)

// MarkDigestSent records that claimant sent the week's digest of territory, detail
// saying where. ECONFLICT when claimant does not hold a pending claim on it. It does not
// change the data version.
func (s *Store) MarkDigestSent(ctx context.Context, territory, week, claimant, detail string, now time.Time) error {
	return s.markSent(ctx, digestTable, territory, week, claimant, detail, now)
}

// MarkAlertSent records that claimant sent a person's alert of day (see bot.AlertStore).
func (s *Store) MarkAlertSent(ctx context.Context, person, day, claimant, detail string, now time.Time) error {
	return s.markSent(ctx, alertTable, person, day, claimant, detail, now)
}

func (s *Store) markSent(ctx context.Context, t deliveryTable, key, period, claimant, detail string, now time.Time) error {
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s sent: %w", t.what, key, period, err)
	}
	defer conn.Close()
	res, err := conn.ExecContext(ctx, t.sql(`UPDATE {table} SET status = 'sent', sent_at = ?, detail = ?, last_error = '', retry_at = NULL
		WHERE {key} = ? AND {period} = ? AND claimant = ? AND status = 'pending'`),
		formatDeliveryTime(now), detail, key, period, claimant)
	if err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s sent: %w", t.what, key, period, err)
	}
	return s.claimHeld(ctx, t, res, key, period, claimant)
}

// MarkDigestFailed records that claimant's attempt at the week's digest of territory
// failed for reason: it may be claimed again after domain.DigestRetryDelay(attempts),
// or never once attempts reach domain.DigestMaxAttempts. ECONFLICT when claimant does
// not hold a pending claim on it. It does not change the data version.
func (s *Store) MarkDigestFailed(ctx context.Context, territory, week, claimant, reason string, now time.Time) error {
	return s.markFailed(ctx, digestTable, territory, week, claimant, reason, now)
}

// MarkAlertFailed records that claimant's attempt at a person's alert of day failed (see
// bot.AlertStore), with the digests' retries.
func (s *Store) MarkAlertFailed(ctx context.Context, person, day, claimant, reason string, now time.Time) error {
	return s.markFailed(ctx, alertTable, person, day, claimant, reason, now)
}

func (s *Store) markFailed(ctx context.Context, t deliveryTable, key, period, claimant, reason string, now time.Time) error {
	// One transaction on the writer (BEGIN IMMEDIATE): the attempts read are the ones
	// the update sees.
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	defer tx.Rollback()
	var attempts int
	err = tx.QueryRowContext(ctx, t.sql(`SELECT attempts FROM {table}
		WHERE {key} = ? AND {period} = ? AND claimant = ? AND status = 'pending'`), key, period, claimant).Scan(&attempts)
	if errors.Is(err, sql.ErrNoRows) {
		tx.Rollback()
		return s.notHeld(ctx, t, key, period, claimant)
	}
	if err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	var retry any // NULL: given up
	if attempts < domain.DigestMaxAttempts {
		retry = formatDeliveryTime(now.Add(domain.DigestRetryDelay(attempts)))
	} else {
		reason = fmt.Sprintf("given up after %d attempts: %s", attempts, reason)
	}
	if _, err := tx.ExecContext(ctx, t.sql(`UPDATE {table} SET status = 'failed', retry_at = ?, last_error = ?
		WHERE {key} = ? AND {period} = ?`), retry, reason, key, period); err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	return nil
}

// claimHeld returns nil when the update res changed a row, else notHeld's ECONFLICT.
func (s *Store) claimHeld(ctx context.Context, t deliveryTable, res sql.Result, key, period, claimant string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s of %s for %s: %w", t.what, key, period, err)
	}
	if n == 0 {
		return s.notHeld(ctx, t, key, period, claimant)
	}
	return nil
}

// notHeld returns the ECONFLICT error of a claimant that does not hold the claim,
// saying what the record is instead.
func (s *Store) notHeld(ctx context.Context, t deliveryTable, key, period, claimant string) error {
	var status, holder string
	err := s.db.QueryRowContext(ctx, t.sql(`SELECT status, claimant FROM {table} WHERE {key} = ? AND {period} = ?`),
		key, period).Scan(&status, &holder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.Errorf(domain.ECONFLICT, "the %s of %s for %s was never claimed", t.what, key, period)
	case err != nil:
		return fmt.Errorf("sqlite: %s of %s for %s: %w", t.what, key, period, err)
	}
	return domain.Errorf(domain.ECONFLICT, "the %s of %s for %s is not claimed by %s: it is %s, last claimed by %s",
		t.what, key, period, claimant, status, holder)
}

// FindDigestDeliveries returns the digest records of territory (of every territory when
// it is ""), the latest week first.
func (s *Store) FindDigestDeliveries(ctx context.Context, territory string) ([]domain.DigestDelivery, error) {
	return s.findDeliveries(ctx, digestTable, territory)
}

// FindAlertDeliveries returns the alert records of person (of everyone when it is ""),
// the latest day first, each with the person as Territory and the day as Week.
func (s *Store) FindAlertDeliveries(ctx context.Context, person string) ([]domain.DigestDelivery, error) {
	return s.findDeliveries(ctx, alertTable, person)
}

func (s *Store) findDeliveries(ctx context.Context, t deliveryTable, key string) ([]domain.DigestDelivery, error) {
	rows, err := s.db.QueryContext(ctx, t.sql(`SELECT {key}, {period}, status, claimant, claimed_at, attempts,
			COALESCE(retry_at, ''), COALESCE(sent_at, ''), last_error, detail
		FROM {table} WHERE ? = '' OR {key} = ? ORDER BY {period} DESC, {key}`), key, key)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find %s deliveries: %w", t.what, err)
	}
	defer rows.Close()
	var out []domain.DigestDelivery
	for rows.Next() {
		var d domain.DigestDelivery
		var claimed, retry, sent string
		if err := rows.Scan(&d.Territory, &d.Week, &d.Status, &d.Claimant, &claimed, &d.Attempts,
			&retry, &sent, &d.LastError, &d.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: find %s deliveries: %w", t.what, err)
		}
		for _, f := range []struct {
			s string
			t *time.Time
		}{{claimed, &d.ClaimedAt}, {retry, &d.RetryAt}, {sent, &d.SentAt}} {
			if f.s == "" {
				continue
			}
			if *f.t, err = time.Parse(deliveryTime, f.s); err != nil {
				return nil, fmt.Errorf("sqlite: %s of %s for %s: %w", t.what, d.Territory, d.Week, err)
			}
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find %s deliveries: %w", t.what, err)
	}
	return out, nil
}
