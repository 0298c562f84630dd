package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// testDeleteOpportunity: DeleteOpportunity removes the opportunity, after one the same
// batch put before it, and its pipeline leaves the gap facts; an unknown id is no
// error; a rolled-back delete leaves it.
func testDeleteOpportunity(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	periods := []domain.Period{{After: Day(t, "2023-12-31"), Through: Day(t, "2024-12-31")}}
	pipelines := func() []domain.Pipeline {
		t.Helper()
		facts, err := s.GapFacts(ctx, domain.ForAccount("A1"), periods)
		if err != nil {
			t.Fatal(err)
		}
		var out []domain.Pipeline
		for _, g := range facts {
			out = append(out, g.Pipelines...)
		}
		return out
	}

	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteOpportunity(ctx, "O1"); err != nil {
		t.Fatal(err)
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := pipelines(); len(got) != 1 {
		t.Fatalf("after a rolled-back delete, A1's pipelines = %v, want O1's", got)
	}

	added := domain.Opportunity{ID: "O3", AccountID: "A1", Category: "Gloves", Name: "Gloves 2025", Value: 400, Stage: "proposal", Probability: 0.25}
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.PutOpportunity(ctx, added); err != nil {
			return err
		}
		if err := b.DeleteOpportunity(ctx, "O1"); err != nil {
			return err
		}
		return b.DeleteOpportunity(ctx, "no-such-opportunity")
	})
	if v <= v0 {
		t.Errorf("data version %d after the delete, was %d", v, v0)
	}
	got, err := s.FindOpportunities(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Opportunity{f.Opps[1], added}, got); diff != "" {
		t.Errorf("opportunities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]domain.Pipeline{{AccountID: "A1", Category: "Gloves", Value: 400, Weighted: 100}}, pipelines()); diff != "" {
		t.Errorf("A1's pipelines (-want +got):\n%s", diff)
	}

	// An opportunity put and deleted in the same batch is not stored.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.PutOpportunity(ctx, domain.Opportunity{ID: "O4", AccountID: "A2", Category: "Masks", Name: "x", Value: 1, Stage: "open"}); err != nil {
			return err
		}
		return b.DeleteOpportunity(ctx, "O4")
	})
	got, err = s.FindOpportunities(ctx, domain.ForAccount("A2"))
	if err != nil || len(got) != 0 {
		t.Errorf("A2's opportunities after a put and a delete = %v, %v", got, err)
	}
}

// testSyncState: a CRM's sync state round-trips, apart per CRM; a sync run is claimed
// once, as a digest is; neither changes the data version.
func testSyncState(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.SyncState(ctx, domain.CRMSalesforce)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(domain.SyncState{CRM: domain.CRMSalesforce}, st); diff != "" {
		t.Errorf("state before any run (-want +got):\n%s", diff)
	}
	t0 := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	want := domain.SyncState{CRM: domain.CRMSalesforce, Through: t0.Add(-time.Minute), Accounts: map[string]string{"001A": "10001"},
		Last:   domain.SyncRun{Started: t0, Finished: t0.Add(time.Second), OK: true, Full: true, Accounts: 1, Opportunities: 2, Calls: 7, Version: 3},
		LastOK: t0.Add(time.Second)}
	if err := s.PutSyncState(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSyncState(ctx, domain.SyncState{CRM: domain.CRMHubSpot, Last: domain.SyncRun{Error: "refused", Record: "deal 12: amount"}}); err != nil {
		t.Fatal(err)
	}
	st, err = s.SyncState(ctx, domain.CRMSalesforce)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}

	slot := "2026-12-08T09:00Z"
	if ok, err := s.ClaimSync(ctx, domain.CRMSalesforce, slot, "replica-1", t0, time.Hour); err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	if ok, err := s.ClaimSync(ctx, domain.CRMSalesforce, slot, "replica-2", t0.Add(time.Second), time.Hour); err != nil || ok {
		t.Fatalf("second claim = %v, %v; want lost", ok, err)
	}
	if ok, err := s.ClaimSync(ctx, domain.CRMHubSpot, slot, "replica-2", t0, time.Hour); err != nil || !ok {
		t.Fatalf("HubSpot's claim of the same slot = %v, %v", ok, err)
	}
	if err := s.MarkSyncDone(ctx, domain.CRMSalesforce, slot, "replica-2", "", t0); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("done by a replica that lost the claim: %v, want ECONFLICT", err)
	}
	if err := s.MarkSyncDone(ctx, domain.CRMSalesforce, slot, "replica-1", "ok", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimSync(ctx, domain.CRMSalesforce, slot, "replica-2", t0.Add(3*time.Hour), time.Hour); err != nil || ok {
		t.Fatalf("a claim of a finished run = %v, %v; want lost", ok, err)
	}
	// A claim whose replica died is taken over once stale.
	if ok, err := s.ClaimSync(ctx, domain.CRMHubSpot, slot, "replica-3", t0.Add(2*time.Hour), time.Hour); err != nil || !ok {
		t.Fatalf("taking over a stale claim = %v, %v", ok, err)
	}
	if v2, err := s.DataVersion(ctx); err != nil || v2 != v {
		t.Errorf("data version %d, %v after sync state writes; was %d", v2, err, v)
	}
}
