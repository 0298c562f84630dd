package sqlite_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

// TestDigestDeliveries walks one week's digest through its life: claimed, a fresh
// claim refused, a stale claim taken over, a failure retried after its delay, sent once.
func TestDigestDeliveries(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	const stale = 10 * time.Minute
	claim := func(claimant string, at time.Time, want bool) {
		t.Helper()
		got, err := s.ClaimDigest(ctx, "North", "2026-03-09", claimant, at, stale)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("ClaimDigest(%s at +%v) = %v, want %v", claimant, at.Sub(t0), got, want)
		}
	}
	claim("a", t0, true)                             // no record
	claim("b", t0.Add(time.Minute), false)           // a's claim is fresh
	claim("a", t0.Add(time.Minute), false)           // even for a
	claim("b", t0.Add(stale-time.Nanosecond), false) // not quite stale
	claim("b", t0.Add(stale), true)                  // a died mid-send: b takes over
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "a", "C1/1.1", t0.Add(stale)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a marks sent after b took over: %v", err)
	}
	if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "a", "late", t0.Add(stale)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a marks failed after b took over: %v", err)
	}
	failedAt := t0.Add(11 * time.Minute)
	if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "b", "slack: 503", failedAt); err != nil {
		t.Fatal(err)
	}
	// b's was the second attempt: retried after DigestRetryDelay(2) = 2 minutes.
	claim("c", failedAt.Add(2*time.Minute-time.Nanosecond), false)
	claim("c", failedAt.Add(2*time.Minute), true)
	sentAt := failedAt.Add(3 * time.Minute)
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "c", "C1/1700000000.000100", sentAt); err != nil {
		t.Fatal(err)
	}
	claim("d", sentAt.Add(24*time.Hour), false) // sent: never again
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "c", "again", sentAt); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("marked sent twice: %v", err)
	}
	if err := s.MarkDigestSent(ctx, "South", "2026-03-09", "c", "", sentAt); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("never claimed: %v", err)
	}
	if _, err := s.ClaimDigest(ctx, "", "2026-03-09", "c", sentAt, stale); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("no territory: %v", err)
	}
	// Another territory and week, failed once and waiting.
	claim2, err := s.ClaimDigest(ctx, "South", "2026-03-16", "a", sentAt, stale)
	if err != nil || !claim2 {
		t.Fatalf("South: %v, %v", claim2, err)
	}
	if err := s.MarkDigestFailed(ctx, "South", "2026-03-16", "a", "no channel", sentAt); err != nil {
		t.Fatal(err)
	}

	got, err := s.FindDigestDeliveries(ctx, "North")
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.DigestDelivery{{Territory: "North", Week: "2026-03-09", Status: domain.DigestSent, Claimant: "c",
		Detail: "C1/1700000000.000100", Attempts: 3, ClaimedAt: failedAt.Add(2 * time.Minute), SentAt: sentAt}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("North (-want +got):\n%s", diff)
	}
	all, err := s.FindDigestDeliveries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want = append([]domain.DigestDelivery{{Territory: "South", Week: "2026-03-16", Status: domain.DigestFailed, Claimant: "a",
		LastError: "no channel", Attempts: 1, ClaimedAt: sentAt, RetryAt: sentAt.Add(time.Minute)}}, want...)
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("every territory (-want +got):\n%s", diff)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: deliveries are not data the figures read", v, v2)
	}
}

// TestDigestGiveUp fails a digest until it is given up, and gives up a claim that goes
// stale on the last attempt.
func TestDigestGiveUp(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	start := now
	for i := 1; i <= domain.DigestMaxAttempts; i++ {
		ok, err := s.ClaimDigest(ctx, "North", "2026-03-09", "p", now, time.Hour)
		if err != nil || !ok {
			t.Fatalf("attempt %d at +%v: %v, %v", i, now.Sub(start), ok, err)
		}
		if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "p", fmt.Sprintf("failure %d", i), now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(domain.DigestRetryDelay(i))
	}
	if ok, err := s.ClaimDigest(ctx, "North", "2026-03-09", "p", now.Add(24*time.Hour), time.Hour); ok || err != nil {
		t.Fatalf("claimed after %d attempts: %v, %v", domain.DigestMaxAttempts, ok, err)
	}
	d, err := s.FindDigestDeliveries(ctx, "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || !d[0].GivenUp() || d[0].Attempts != domain.DigestMaxAttempts ||
		d[0].LastError != fmt.Sprintf("given up after %d attempts: failure %d", domain.DigestMaxAttempts, domain.DigestMaxAttempts) {
		t.Errorf("given up: %+v", d)
	}
	if span := d[0].ClaimedAt.Sub(start); span < 3*time.Hour || span > 5*time.Hour {
		t.Errorf("the attempts span %v; the documented policy is about four hours", span)
	}

	// A claim that goes stale on the last attempt.
	now = start
	for i := 1; i < domain.DigestMaxAttempts; i++ {
		if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "p", now, time.Hour); err != nil || !ok {
			t.Fatalf("attempt %d: %v, %v", i, ok, err)
		}
		if err := s.MarkDigestFailed(ctx, "South", "2026-03-09", "p", "boom", now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
	}
	if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "dies", now, time.Hour); err != nil || !ok {
		t.Fatalf("last attempt: %v, %v", ok, err)
	}
	if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "q", now.Add(time.Hour), time.Hour); ok || err != nil {
		t.Fatalf("stale last attempt taken over: %v, %v", ok, err)
	}
	d, err = s.FindDigestDeliveries(ctx, "South")
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || !d[0].GivenUp() || d[0].Claimant != "dies" || !strings.Contains(d[0].LastError, "the claim of dies at") {
		t.Errorf("stale last attempt: %+v", d)
	}
	if err := s.MarkDigestSent(ctx, "South", "2026-03-09", "dies", "late", now.Add(time.Hour)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("the dead claimant marks a given-up digest sent: %v", err)
	}
}

// TestDigestClaimRace claims the same digests from two handles on one file at once:
// each is won exactly once.
func TestDigestClaimRace(t *testing.T) {
	ctx := t.Context()
	a, path := open(t)
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	const weeks, claimants = 20, 8
	var mu sync.Mutex
	won := map[string][]string{}
	var wg sync.WaitGroup
	for c := range claimants {
		store := a
		if c%2 == 1 {
			store = b
		}
		wg.Go(func() {
			for w := range weeks {
				week := now.AddDate(0, 0, 7*w).Format(domain.DateLayout)
				ok, err := store.ClaimDigest(ctx, "North", week, fmt.Sprint("p", c), now, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won[week] = append(won[week], fmt.Sprint("p", c))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(won) != weeks {
		t.Errorf("%d of %d weeks claimed", len(won), weeks)
	}
	for week, who := range won {
		if len(who) != 1 {
			t.Errorf("%s claimed by %v", week, who)
		}
	}
}
