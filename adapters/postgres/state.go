package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/domain"
)

// The records the bot keeps besides the imported data: gradings, scenarios, chat
// conversations, digest snapshots and deliveries, digest settings. Writing them does
// not change the data version, except for what the figures read.

// SaveGrading stores g, replacing the grading of the same territory and as-of date. A
// grading already stored at the same data version is left as it is: it is the same.
func (s *Store) SaveGrading(ctx context.Context, g domain.Grading) error {
	asOf := domain.Day(g.AsOf)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var version int64
		err := tx.QueryRow(ctx, `SELECT version FROM gradings WHERE territory = $1 AND as_of = $2 FOR UPDATE`,
			g.Territory, asOf).Scan(&version)
		if err == nil && version == g.Version {
			return nil
		}
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM grading_marks WHERE territory = $1 AND as_of = $2`, g.Territory, asOf); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO gradings (territory, as_of, version) VALUES ($1, $2, $3)
			ON CONFLICT (territory, as_of) DO UPDATE SET version = excluded.version`, g.Territory, asOf, g.Version); err != nil {
			return err
		}
		rows := make([][]any, len(g.Marks))
		for i, m := range g.Marks {
			rows[i] = []any{g.Territory, asOf, m.AccountID, m.Tier, m.Score}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"grading_marks"}, []string{"territory", "as_of", "account_id", "tier", "score"},
			pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: save grading of %s at %s: %w", g.Territory, asOf.Format(domain.DateLayout), err)
	}
	return nil
}

// PreviousGrading returns the territory's latest grading before the date before.
func (s *Store) PreviousGrading(ctx context.Context, territory string, before time.Time) (domain.Grading, error) {
	g := domain.Grading{Territory: territory}
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT as_of, version FROM gradings WHERE territory = $1 AND as_of < $2
			ORDER BY as_of DESC LIMIT 1`, territory, domain.Day(before)).Scan(&g.AsOf, &g.Version)
		if err != nil {
			return notFound(err, fmt.Sprintf("No grading of %s is stored before %s.", territory, before.Format(domain.DateLayout)))
		}
		rows, err := tx.Query(ctx, `SELECT account_id, tier, score FROM grading_marks WHERE territory = $1 AND as_of = $2`,
			territory, g.AsOf)
		if err != nil {
			return err
		}
		var m domain.GradeMark
		_, err = pgx.ForEachRow(rows, []any{&m.AccountID, &m.Tier, &m.Score}, func() error {
			g.Marks = append(g.Marks, m)
			return nil
		})
		return err
	})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return g, err
	}
	if err != nil {
		return g, fmt.Errorf("postgres: previous grading: %w", err)
	}
	return g, nil
}

// SaveScenario stores a new scenario and sets its ID. It does not change the data
// version: scenarios are not data the computations read.
func (s *Store) SaveScenario(ctx context.Context, sc *domain.Scenario) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("postgres: save scenario: %w", err)
	}
	var parent *int64
	if sc.ParentID != 0 {
		parent = &sc.ParentID
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO scenarios (parent_id, account_id, author, channel, thread, created_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		parent, sc.AccountID, sc.Author, sc.Channel, sc.Thread, sc.CreatedAt.UTC().Format(time.RFC3339Nano), string(data)).Scan(&sc.ID)
	if err != nil {
		return fmt.Errorf("postgres: save scenario: %w", err)
	}
	return nil
}

// FindScenario returns the scenario with the id; ENOTFOUND when there is none.
func (s *Store) FindScenario(ctx context.Context, id int64) (domain.Scenario, error) {
	var sc domain.Scenario
	var parent *int64
	var data string
	err := s.pool.QueryRow(ctx, `SELECT id, parent_id, data FROM scenarios WHERE id = $1`, id).Scan(&sc.ID, &parent, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return sc, domain.ErrScenarioNotFound(id)
	}
	if err != nil {
		return sc, fmt.Errorf("postgres: find scenario: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &sc); err != nil {
		return sc, fmt.Errorf("postgres: scenario %d: %w", id, err)
	}
	if parent != nil {
		sc.ParentID = *parent
	}
	return sc, nil
}

// SaveConversation inserts or replaces a conversation reference (for the Teams adapter:
// teams.ConversationStore). It does not change the data version.
func (s *Store) SaveConversation(ctx context.Context, c domain.Conversation) error {
	if c.Adapter == "" || c.Key == "" {
		return domain.Errorf(domain.EINVALID, "a conversation needs an adapter and a key")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO conversations (adapter, key, ref, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (adapter, key) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
		c.Adapter, c.Key, string(c.Ref), c.UpdatedAt.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("postgres: save conversation: %w", err)
	}
	return nil
}

// FindConversation returns the conversation with the adapter and key; ENOTFOUND when
// there is none.
func (s *Store) FindConversation(ctx context.Context, adapter, key string) (domain.Conversation, error) {
	c := domain.Conversation{Adapter: adapter, Key: key}
	var ref, at string
	err := s.pool.QueryRow(ctx, `SELECT ref, updated_at FROM conversations WHERE adapter = $1 AND key = $2`, adapter, key).Scan(&ref, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, domain.Errorf(domain.ENOTFOUND, "no %s conversation %q is known", adapter, key)
	}
	if err != nil {
		return c, fmt.Errorf("postgres: find conversation: %w", err)
	}
	c.Ref = []byte(ref)
	if c.UpdatedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return c, fmt.Errorf("postgres: conversation %s/%s: %w", adapter, key, err)
	}
	return c, nil
}

// SaveDigestSnapshot stores s, replacing the snapshot of the same territory and week. It
// does not change the data version: snapshots are not data the figures read.
func (s *Store) SaveDigestSnapshot(ctx context.Context, snap domain.DigestSnapshot) error {
	if err := domain.CheckDigestSnapshot(snap); err != nil {
		return err
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("postgres: save digest snapshot: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO digest_snapshots (territory, week, data, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (territory, week) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
		snap.Territory, snap.Week.String(), string(data), snap.CreatedAt.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("postgres: save digest snapshot of %s, week %s: %w", snap.Territory, snap.Week, err)
	}
	return nil
}

// PreviousDigestSnapshot returns the territory's latest snapshot of a week before
// beforeWeek (YYYY-MM-DD); ENOTFOUND when there is none.
func (s *Store) PreviousDigestSnapshot(ctx context.Context, territory, beforeWeek string) (domain.DigestSnapshot, error) {
	var snap domain.DigestSnapshot
	if _, err := domain.ParseDate(beforeWeek); err != nil {
		return snap, domain.Errorf(domain.EINVALID, "a week is a date (YYYY-MM-DD), not %q", beforeWeek)
	}
	var data string
	err := s.pool.QueryRow(ctx, `SELECT data FROM digest_snapshots WHERE territory = $1 AND week < $2
		ORDER BY week DESC LIMIT 1`, territory, beforeWeek).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return snap, domain.Errorf(domain.ENOTFOUND, "No digest of %s is stored before the week of %s.", territory, beforeWeek)
	}
	if err != nil {
		return snap, fmt.Errorf("postgres: previous digest snapshot: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &snap); err != nil {
		return snap, fmt.Errorf("postgres: digest snapshot of %s before %s: %w", territory, beforeWeek, err)
	}
	return snap, nil
}

// SetDigestSettings changes the digest schedule of the territory named t.Name: its
// channel, time zone, day and hour (its manager is left as it is). It does not change the
// data version. ENOTFOUND when there is no such territory.
func (s *Store) SetDigestSettings(ctx context.Context, t domain.Territory) error {
	if err := domain.CheckDigestSettings(t); err != nil {
		return err
	}
	var n int64
	err := s.chatWrite(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE territories SET digest_channel = $1, timezone = $2, digest_day = $3, digest_hour = $4
			WHERE name = $5`, t.DigestChannel, t.Timezone, int(t.DigestDay), t.DigestHour, t.Name)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set digest settings of %s: %w", t.Name, err)
	}
	if n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "There is no territory %q.", t.Name)
	}
	return nil
}

// deliveryTime is how digest_deliveries writes times: UTC with a fixed width, so that
// they compare as text (the columns are COLLATE "C").
const deliveryTime = "2006-01-02T15:04:05.000000000Z"

func formatDeliveryTime(t time.Time) string { return t.UTC().Format(deliveryTime) }

// claimDigest claims a week's digest (or a day's alert: deliveryTable) in one
// statement, as the SQLite store does: a new row is a first attempt; an existing row is
// taken over only when it is a pending claim made at or before $5 (stale: its claimant
// died mid-send) or a failed attempt whose retry time ($4, now) has come; a stale claim
// on the last allowed attempt ($6) is given up instead. PostgreSQL locks the conflicting
// row and re-checks the WHERE of DO UPDATE, so of two claims at once one wins; RETURNING
// returns nothing for the loser.
var claimDigest = strings.ReplaceAll(`INSERT INTO {table} ({key}, {period}, status, claimant, claimed_at, attempts)
VALUES ($1, $2, 'pending', $3, $4, 1)
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
WHERE ({table}.status = 'pending' AND {table}.claimed_at <= $5)
   OR ({table}.status = 'failed' AND {table}.retry_at <= $4)
RETURNING status`, "{giveup}", `({table}.status = 'pending' AND {table}.attempts >= $6)`)

// deliveryTable is a table of delivery records: digest_deliveries (a territory's week)
// or alert_deliveries (a person's day), with the same columns but their key and period.
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

// ClaimAlert claims a person's alert of day for claimant (see bot.AlertStore).
func (s *Store) ClaimAlert(ctx context.Context, person, day, claimant string, now time.Time, stale time.Duration) (bool, error) {
	return s.claim(ctx, alertTable, person, day, claimant, now, stale)
}

func (s *Store) claim(ctx context.Context, t deliveryTable, key, period, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if key == "" || period == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "a %s claim needs a %s, a %s and a claimant", t.what, t.key, t.period)
	}
	var status string
	err := s.pool.QueryRow(ctx, t.sql(claimDigest), key, period, claimant,
		formatDeliveryTime(now), formatDeliveryTime(now.Add(-stale)), domain.DigestMaxAttempts).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: claim the %s of %s for %s: %w", t.what, key, period, err)
	}
	return status == domain.DigestPending, nil
}

// MarkDigestSent records that claimant sent the week's digest of territory, detail
// saying where. ECONFLICT when claimant does not hold a pending claim on it.
func (s *Store) MarkDigestSent(ctx context.Context, territory, week, claimant, detail string, now time.Time) error {
	return s.markSent(ctx, digestTable, territory, week, claimant, detail, now)
}

// MarkAlertSent records that claimant sent a person's alert of day (see bot.AlertStore).
func (s *Store) MarkAlertSent(ctx context.Context, person, day, claimant, detail string, now time.Time) error {
	return s.markSent(ctx, alertTable, person, day, claimant, detail, now)
}

func (s *Store) markSent(ctx context.Context, t deliveryTable, key, period, claimant, detail string, now time.Time) error {
	tag, err := s.pool.Exec(ctx, t.sql(`UPDATE {table} SET status = 'sent', sent_at = $1, detail = $2, last_error = '', retry_at = NULL
		WHERE {key} = $3 AND {period} = $4 AND claimant = $5 AND status = 'pending'`),
		formatDeliveryTime(now), detail, key, period, claimant)
	if err != nil {
		return fmt.Errorf("postgres: mark the %s of %s for %s sent: %w", t.what, key, period, err)
	}
	if tag.RowsAffected() == 0 {
		return s.notHeld(ctx, t, key, period, claimant)
	}
	return nil
}

// MarkDigestFailed records that claimant's attempt at the week's digest of territory
// failed for reason: it may be claimed again after domain.DigestRetryDelay(attempts),
// or never once attempts reach domain.DigestMaxAttempts. ECONFLICT when claimant does
// not hold a pending claim on it.
func (s *Store) MarkDigestFailed(ctx context.Context, territory, week, claimant, reason string, now time.Time) error {
	return s.markFailed(ctx, digestTable, territory, week, claimant, reason, now)
}

// MarkAlertFailed records that claimant's attempt at a person's alert of day failed (see
// bot.AlertStore), with the digests' retries.
func (s *Store) MarkAlertFailed(ctx context.Context, person, day, claimant, reason string, now time.Time) error {
	return s.markFailed(ctx, alertTable, person, day, claimant, reason, now)
}

func (s *Store) markFailed(ctx context.Context, t deliveryTable, key, period, claimant, reason string, now time.Time) error {
	held := true
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var attempts int
		err := tx.QueryRow(ctx, t.sql(`SELECT attempts FROM {table}
			WHERE {key} = $1 AND {period} = $2 AND claimant = $3 AND status = 'pending' FOR UPDATE`),
			key, period, claimant).Scan(&attempts)
		if errors.Is(err, pgx.ErrNoRows) {
			held = false
			return nil
		}
		if err != nil {
			return err
		}
		var retry *string // NULL: given up
		if attempts < domain.DigestMaxAttempts {
			r := formatDeliveryTime(now.Add(domain.DigestRetryDelay(attempts)))
			retry = &r
		} else {
			reason = fmt.Sprintf("given up after %d attempts: %s", attempts, reason)
		}
		_, err = tx.Exec(ctx, t.sql(`UPDATE {table} SET status = 'failed', retry_at = $1, last_error = $2
			WHERE {key} = $3 AND {period} = $4`), retry, reason, key, period)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: mark the %s of %s for %s failed: %w", t.what, key, period, err)
	}
	if !held {
		return s.notHeld(ctx, t, key, period, claimant)
	}
	return nil
}

// notHeld returns the ECONFLICT error of a claimant that does not hold the claim,
// saying what the record is instead.
func (s *Store) notHeld(ctx context.Context, t deliveryTable, key, period, claimant string) error {
	var status, holder string
	err := s.pool.QueryRow(ctx, t.sql(`SELECT status, claimant FROM {table} WHERE {key} = $1 AND {period} = $2`),
		key, period).Scan(&status, &holder)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return domain.Errorf(domain.ECONFLICT, "the %s of %s for %s was never claimed", t.what, key, period)
	case err != nil:
		return fmt.Errorf("postgres: %s of %s for %s: %w", t.what, key, period, err)
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
	rows, err := s.pool.Query(ctx, t.sql(`SELECT {key}, {period}, status, claimant, claimed_at, attempts,
			COALESCE(retry_at, ''), COALESCE(sent_at, ''), last_error, detail
		FROM {table} WHERE $1 = '' OR {key} = $1 ORDER BY {period} DESC, {key}`), key)
	if err != nil {
		return nil, fmt.Errorf("postgres: find %s deliveries: %w", t.what, err)
	}
	defer rows.Close()
	var out []domain.DigestDelivery
	for rows.Next() {
		var d domain.DigestDelivery
		var status, claimed, retry, sent string
		if err := rows.Scan(&d.Territory, &d.Week, &status, &d.Claimant, &claimed, &d.Attempts,
			&retry, &sent, &d.LastError, &d.Detail); err != nil {
			return nil, fmt.Errorf("postgres: find %s deliveries: %w", t.what, err)
		}
		d.Status = status
		for _, f := range []struct {
			s string
			t *time.Time
		}{{claimed, &d.ClaimedAt}, {retry, &d.RetryAt}, {sent, &d.SentAt}} {
			if f.s == "" {
				continue
			}
			if *f.t, err = time.Parse(deliveryTime, f.s); err != nil {
				return nil, fmt.Errorf("postgres: %s of %s for %s: %w", t.what, d.Territory, d.Week, err)
			}
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: find %s deliveries: %w", t.what, err)
	}
	return out, nil
}
