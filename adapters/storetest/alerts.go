package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// testAlerts: alert settings and states round-trip by email in any case, and alert
// deliveries are claimed as digests are, apart from them; none changes the data version.
func testAlerts(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindAlertSettings(ctx); err != nil || len(got) != 0 {
		t.Fatalf("FindAlertSettings on an empty store = %v, %v", got, err)
	}
	if err := s.SetAlertSettings(ctx, domain.AlertSettings{Email: "Rita@Example.com", Hour: 7}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertSettings(ctx, domain.AlertSettings{Email: "rita@example.com", Hour: 9, Off: true, Territory: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertSettings(ctx, domain.AlertSettings{Email: "al@example.com", Hour: 24}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("hour 24: %v", err)
	}
	got, err := s.FindAlertSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.AlertSettings{{Email: "rita@example.com", Hour: 9, Off: true, Territory: true}}, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}

	if st, err := s.AlertState(ctx, "rita@example.com"); err != nil || st != nil {
		t.Fatalf("AlertState before any = %v, %v", st, err)
	}
	want := domain.AlertState{Day: "2026-03-09", Keys: []string{"at_risk|A1|Gloves", "tier|A1|Core Customer"}}
	if err := s.SaveAlertState(ctx, "RITA@example.com", want); err != nil {
		t.Fatal(err)
	}
	want2 := domain.AlertState{Day: "2026-03-10", Keys: []string{"tier|A1|Core Customer"}}
	if err := s.SaveAlertState(ctx, "rita@example.com", want2); err != nil {
		t.Fatal(err)
	}
	st, err := s.AlertState(ctx, "Rita@example.com")
	if err != nil || st == nil {
		t.Fatalf("AlertState = %v, %v", st, err)
	}
	if diff := cmp.Diff(want2, *st); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}

	t0 := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	const stale = 10 * time.Minute
	for _, c := range []struct {
		claimant string
		at       time.Time
		want     bool
	}{{"a", t0, true}, {"b", t0.Add(time.Minute), false}, {"b", t0.Add(stale), true}} {
		got, err := s.ClaimAlert(ctx, "rita@example.com", "2026-03-09", c.claimant, c.at, stale)
		if err != nil || got != c.want {
			t.Fatalf("ClaimAlert(%s at +%v) = %v, %v; want %v", c.claimant, c.at.Sub(t0), got, err, c.want)
		}
	}
	if err := s.MarkAlertSent(ctx, "rita@example.com", "2026-03-09", "a", "late", t0.Add(stale)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a marks sent after b took over: %v", err)
	}
	if err := s.MarkAlertFailed(ctx, "rita@example.com", "2026-03-09", "b", "slack: 503", t0.Add(stale)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimAlert(ctx, "rita@example.com", "2026-03-09", "c", t0.Add(stale+2*time.Minute), stale); err != nil || !ok {
		t.Fatalf("retry claim = %v, %v", ok, err)
	}
	if err := s.MarkAlertSent(ctx, "rita@example.com", "2026-03-09", "c", "Slack DM", t0.Add(stale+3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimAlert(ctx, "rita@example.com", "2026-03-09", "d", t0.Add(48*time.Hour), stale); err != nil || ok {
		t.Fatalf("claim of a sent alert = %v, %v", ok, err)
	}
	// The same key and period as a digest's: a record of its own.
	if ok, err := s.ClaimDigest(ctx, "rita@example.com", "2026-03-09", "d", t0, stale); err != nil || !ok {
		t.Fatalf("digest claim beside the alert's = %v, %v", ok, err)
	}
	recs, err := s.FindAlertDeliveries(ctx, "rita@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Status != domain.DigestSent || recs[0].Attempts != 3 || recs[0].Detail != "Slack DM" {
		t.Errorf("alert deliveries = %+v", recs)
	}
	if d, err := s.FindDigestDeliveries(ctx, ""); err != nil || len(d) != 1 || d[0].Claimant != "d" {
		t.Errorf("digest deliveries = %+v, %v", d, err)
	}
	if v2, err := s.DataVersion(ctx); err != nil || v2 != v {
		t.Errorf("data version %d → %d (%v): alerts are not data", v, v2, err)
	}
}
