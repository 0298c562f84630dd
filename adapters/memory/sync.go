package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// ClaimSync claims a CRM's sync run of slot for claimant, as ClaimDigest claims a digest.
func (s *DataStore) ClaimSync(_ context.Context, crm, slot, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if crm == "" || slot == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "a sync claim needs a crm, a slot and a claimant")
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return claim(&st.syncs, crm, slot, claimant, now, stale), nil
}

// MarkSyncDone records that claimant finished the run: it is not claimed again.
func (s *DataStore) MarkSyncDone(_ context.Context, crm, slot, claimant, detail string, now time.Time) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return markSent(st.syncs, "sync", crm, slot, claimant, detail, now)
}

// SyncState returns what the CRM's sync keeps between runs; the zero state (CRM set)
// when it never ran.
func (s *DataStore) SyncState(_ context.Context, crm string) (domain.SyncState, error) {
	st := &s.state
	st.mu.Lock()
	data := st.syncStates[crm]
	st.mu.Unlock()
	out := domain.SyncState{CRM: crm}
	if data == nil {
		return out, nil
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, fmt.Errorf("memory: sync state of %s: %w", crm, err)
	}
	return out, nil
}

// PutSyncState stores ss, replacing the state of its CRM.
func (s *DataStore) PutSyncState(_ context.Context, ss domain.SyncState) error {
	data, err := json.Marshal(ss)
	if err != nil {
		return fmt.Errorf("memory: put sync state of %s: %w", ss.CRM, err)
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.syncStates == nil {
		st.syncStates = map[string][]byte{}
	}
	st.syncStates[ss.CRM] = data
	return nil
}
