package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/domain"
)

// syncTable is digest_deliveries for a CRM's scheduled sync run (issue 39).
var syncTable = deliveryTable{name: "sync_runs", key: "crm", period: "slot", what: "sync"}

// ClaimSync claims a CRM's sync run of slot for claimant, as ClaimDigest claims a digest:
// of the replicas that try at once, one runs it. It does not change the data version.
func (s *Store) ClaimSync(ctx context.Context, crm, slot, claimant string, now time.Time, stale time.Duration) (bool, error) {
	return s.claim(ctx, syncTable, crm, slot, claimant, now, stale)
}

// MarkSyncDone records that claimant finished the run (whatever its outcome, which the
// sync state keeps): it is not claimed again.
func (s *Store) MarkSyncDone(ctx context.Context, crm, slot, claimant, detail string, now time.Time) error {
	return s.markSent(ctx, syncTable, crm, slot, claimant, detail, now)
}

// SyncState returns what the CRM's sync keeps between runs; the zero state (CRM set)
// when it never ran.
func (s *Store) SyncState(ctx context.Context, crm string) (domain.SyncState, error) {
	st := domain.SyncState{CRM: crm}
	var data string
	err := s.pool.QueryRow(ctx, `SELECT state FROM sync_state WHERE crm = $1`, crm).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("postgres: sync state of %s: %w", crm, err)
	}
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return st, fmt.Errorf("postgres: sync state of %s: %w", crm, err)
	}
	return st, nil
}

// PutSyncState stores st, replacing the state of its CRM. It does not change the data
// version.
func (s *Store) PutSyncState(ctx context.Context, st domain.SyncState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("postgres: put sync state of %s: %w", st.CRM, err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO sync_state (crm, state) VALUES ($1, $2)
		ON CONFLICT (crm) DO UPDATE SET state = excluded.state`, st.CRM, string(data)); err != nil {
		return fmt.Errorf("postgres: put sync state of %s: %w", st.CRM, err)
	}
	return nil
}
