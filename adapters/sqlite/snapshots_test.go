package sqlite_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// TestEarlierRowsLoad reads a scenario and a digest snapshot as an earlier build wrote
// them, when their dates were strings in the code: the JSON is the same, so they load
// with their dates.
func TestEarlierRowsLoad(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO digest_snapshots (territory, week, data, created_at) VALUES
		('Northeast', '2026-11-24', '{"territory":"Northeast","week":"2026-11-24","as_of":"2026-11-20","current":100,"potential":150,"gap":50,"share":0.6666666666666666,"tiers":{"A0001":"Core Customer"},"created_at":"2026-11-24T14:00:00Z"}', '2026-11-24T14:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRowContext(ctx, `INSERT INTO scenarios (account_id, author, created_at, data) VALUES
		('A0001', 'command line', '2026-12-07T11:32:05Z', '{"account_id":"A0001","account_name":"Acme Manufacturing","author":"command line","created_at":"2026-12-07T11:32:05Z","as_of":"2026-11-20","ledger":null,"deal":{"terms":{"discount":0.03,"x":"Fasteners","x_is_sku":false,"months":12,"qty":100,"y":"FAS-0013","yearly":true},"net":-1355.0359,"verdict":"dilutive"}}')
		RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}

	snap, err := s.PreviousDigestSnapshot(ctx, "Northeast", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	wantSnap := domain.DigestSnapshot{Territory: "Northeast", Week: domain.NewDate(2026, 11, 24), AsOf: domain.NewDate(2026, 11, 20),
		Current: 100, Potential: 150, Gap: 50, Share: 100.0 / 150, Tiers: map[string]string{"A0001": domain.TierCoreCustomer},
		CreatedAt: time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(wantSnap, snap); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}

	sc, err := s.FindScenario(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := domain.NewDate(2026, 11, 20); sc.AsOf != want || sc.AccountID != "A0001" || sc.Deal.Net != -1355.0359 {
		t.Errorf("scenario: as of %v, account %s, net %g; want as of %v, A0001, -1355.0359", sc.AsOf, sc.AccountID, sc.Deal.Net, want)
	}
}
