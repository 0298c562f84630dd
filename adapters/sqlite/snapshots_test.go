package sqlite_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestDigestSnapshots(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	if _, err := s.PreviousDigestSnapshot(ctx, "North", "2026-11-30"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("nothing saved yet: %v", err)
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	snap := func(territory, week string, gap float64, tiers map[string]string) domain.DigestSnapshot {
		return domain.DigestSnapshot{Territory: territory, Week: week, AsOf: week, Current: 100, Potential: 100 + gap,
			Gap: gap, Share: 100 / (100 + gap), Tiers: tiers, CreatedAt: at}
	}
	first := snap("North", "2026-11-16", 50, map[string]string{"A1": domain.TierCoreCustomer})
	again := snap("North", "2026-11-16", 40, map[string]string{"A1": domain.TierBusinessBuild, "A2": domain.TierConvenientSale})
	again.CreatedAt = at.Add(time.Hour)
	older := snap("North", "2026-11-09", 60, map[string]string{})
	later := snap("North", "2026-11-23", 30, map[string]string{})
	south := snap("South", "2026-11-20", 10, map[string]string{})
	for _, x := range []domain.DigestSnapshot{first, again, older, later, south} {
		if err := s.SaveDigestSnapshot(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		territory, before string
		want              *domain.DigestSnapshot // nil: ENOTFOUND
	}{
		{"North", "2026-11-30", &later},
		{"North", "2026-11-23", &again}, // the same week saved again replaced the first
		{"North", "2026-11-17", &again},
		{"North", "2026-11-16", &older}, // strictly before
		{"North", "2026-11-09", nil},
		{"South", "2026-11-30", &south},
		{"East", "2026-11-30", nil},
	} {
		got, err := s.PreviousDigestSnapshot(ctx, tt.territory, tt.before)
		if tt.want == nil {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("%s before %s: %+v, %v; want ENOTFOUND", tt.territory, tt.before, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s before %s: %v", tt.territory, tt.before, err)
			continue
		}
		if diff := cmp.Diff(*tt.want, got); diff != "" {
			t.Errorf("%s before %s (-want +got):\n%s", tt.territory, tt.before, diff)
		}
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: snapshots are not data the figures read", v, v2)
	}
	for name, bad := range map[string]domain.DigestSnapshot{
		"no territory": {Week: "2026-11-30", CreatedAt: at},
		"bad week":     {Territory: "North", Week: "week 48", CreatedAt: at},
		"no time":      {Territory: "North", Week: "2026-11-30"},
	} {
		if err := s.SaveDigestSnapshot(ctx, bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := s.PreviousDigestSnapshot(ctx, "North", "soon"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("bad week: %v, want EINVALID", err)
	}
}
