package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// SaveDigestSnapshot stores s, replacing the snapshot of the same territory and week. It
// does not change the data version: snapshots are not data the figures read.
func (s *Store) SaveDigestSnapshot(ctx context.Context, snap domain.DigestSnapshot) error {
	if err := domain.CheckDigestSnapshot(snap); err != nil {
		return err
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("sqlite: save digest snapshot: %w", err)
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: save digest snapshot of %s, week %s: %w", snap.Territory, snap.Week, err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO digest_snapshots (territory, week, data, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (territory, week) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
		snap.Territory, snap.Week.String(), string(data), snap.CreatedAt.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("sqlite: save digest snapshot of %s, week %s: %w", snap.Territory, snap.Week, err)
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
	err := s.db.QueryRowContext(ctx, `SELECT data FROM digest_snapshots WHERE territory = ? AND week < ?
		ORDER BY week DESC LIMIT 1`, territory, beforeWeek).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return snap, domain.Errorf(domain.ENOTFOUND, "No digest of %s is stored before the week of %s.", territory, beforeWeek)
	}
	if err != nil {
		return snap, fmt.Errorf("sqlite: previous digest snapshot: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &snap); err != nil {
		return snap, fmt.Errorf("sqlite: digest snapshot of %s before %s: %w", territory, beforeWeek, err)
	}
	return snap, nil
}
