package bot_test

// The digest scheduler against the in-memory store's claims, with an injected clock.
// The claims are what the guarantee of once rests on: every store passes the contract
// suite's claim race, and the SQLite and PostgreSQL stores race claims from separate
// handles on one database in their own tests.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zones must not depend on the machine's zoneinfo

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/redis"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// clock is an injected clock that tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// territoryList serves FindTerritories from a slice that tests may change.
type territoryList struct {
	mu   sync.Mutex
	list []domain.Territory
}

func (l *territoryList) FindTerritories(context.Context) ([]domain.Territory, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]domain.Territory(nil), l.list...), nil
}

func (l *territoryList) set(ts ...domain.Territory) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = ts
}

// digestData is what the test Build puts in a reply, for Send to record.
type digestData struct {
	Territory, Week string
	AsOf            time.Time
}

// sent is one digest Send delivered, at the clock's time.
type sent struct {
	Territory, Week string
	At              time.Time
}

// outbox is the test's chat platform: it records what Send delivers and fails or
// panics on demand.
type outbox struct {
	clock *clock
	mu    sync.Mutex
	sent  []sent
	asOf  []time.Time
	tries []time.Time // every Send, failed or not
	fail  func(n int) error
	delay time.Duration // up to this long (random) per send, to widen races
	ch    chan sent     // when set, every delivery is also sent here
}

func (o *outbox) build(_ context.Context, t domain.Territory, week string, asOf time.Time) (bot.Reply, error) {
	return bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "Digest " + t.Name}}, Data: digestData{t.Name, week, asOf}}, nil
}

func (o *outbox) send(_ context.Context, t domain.Territory, r bot.Reply, _ func(string)) (string, error) {
	if o.delay > 0 {
		time.Sleep(rand.N(o.delay))
	}
	d := r.Data.(digestData)
	o.mu.Lock()
	o.tries = append(o.tries, o.clock.Now())
	n := len(o.tries)
	if o.fail != nil {
		if err := o.fail(n); err != nil {
			o.mu.Unlock()
			return "", err
		}
	}
	s := sent{d.Territory, d.Week, o.clock.Now()}
	o.sent = append(o.sent, s)
	o.asOf = append(o.asOf, d.AsOf)
	o.mu.Unlock()
	if o.ch != nil {
		o.ch <- s
	}
	return fmt.Sprintf("%s/%d", t.DigestChannel, n), nil
}

func (o *outbox) deliveries() []sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sent(nil), o.sent...)
}

// fixture is a scheduler over a new store, with its clock, territories and outbox.
type fixture struct {
	clock       *clock
	territories *territoryList
	out         *outbox
	store       *memory.DataStore
	logs        *syncBuffer
	s           *bot.DigestScheduler
}

func newFixture(t *testing.T, now time.Time, ts ...domain.Territory) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: now}, territories: &territoryList{list: ts}, logs: &syncBuffer{}}
	f.out = &outbox{clock: f.clock}
	f.store = memory.NewDataStore()
	f.s = f.scheduler("p1", f.store)
	return f
}

// scheduler returns a scheduler of the fixture with its own claimant and store handle.
func (f *fixture) scheduler(claimant string, store bot.DigestDeliveryStore) *bot.DigestScheduler {
	return &bot.DigestScheduler{Territories: f.territories, Deliveries: store, Build: f.out.build, Send: f.out.send,
		ScheduleSettings: bot.ScheduleSettings{Now: f.clock.Now, Claimant: claimant, Logger: slog.New(slog.NewTextHandler(f.logs, nil))}}
}

// runOnce runs a round and fails the test on an error.
func (f *fixture) runOnce(t *testing.T) int {
	t.Helper()
	n, err := f.s.RunOnce(t.Context())
	if err != nil {
		t.Fatalf("RunOnce at %v: %v", f.clock.Now(), err)
	}
	return n
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.b.String(), s)
}

func north() domain.Territory {
	return domain.Territory{Name: "North", Manager: "mia@example.com", DigestChannel: "C-NORTH", Timezone: "UTC",
		DigestDay: time.Monday, DigestHour: 8}
}

// TestDigestSchedulerDST steps the clock 15 minutes at a time across New York's
// daylight-saving changes of 2026 and checks that each digest goes out once, at its
// instant: 02:00 on the spring-forward Sunday at 03:00 EDT, 01:00 on the fall-back
// Sunday at the first 01:00, and 8 am an hour earlier in UTC after spring forward.
func TestDigestSchedulerDST(t *testing.T) {
	ny := func(name string, day time.Weekday, hour int) domain.Territory {
		return domain.Territory{Name: name, DigestChannel: "C-" + name, Timezone: "America/New_York", DigestDay: day, DigestHour: hour}
	}
	ts := []domain.Territory{ny("Spring", time.Sunday, 2), ny("Fall", time.Sunday, 1), ny("Eight", time.Monday, 8)}
	tests := []struct {
		name       string
		start, end time.Time
		want       []sent
	}{
		{"spring forward", utc(2026, 3, 2, 13, 30), utc(2026, 3, 16, 14, 0), []sent{
			// The first round catches up the week that began before the start.
			{"Spring", "2026-03-01", utc(2026, 3, 2, 13, 30)},
			{"Fall", "2026-03-01", utc(2026, 3, 2, 13, 30)},
			{"Eight", "2026-03-02", utc(2026, 3, 2, 13, 30)},
			{"Fall", "2026-03-08", utc(2026, 3, 8, 6, 0)},    // 01:00 EST
			{"Spring", "2026-03-08", utc(2026, 3, 8, 7, 0)},  // 02:00 does not exist: 03:00 EDT
			{"Eight", "2026-03-09", utc(2026, 3, 9, 12, 0)},  // 08:00 EDT
			{"Fall", "2026-03-15", utc(2026, 3, 15, 5, 0)},   // 01:00 EDT
			{"Spring", "2026-03-15", utc(2026, 3, 15, 6, 0)}, // 02:00 EDT
			{"Eight", "2026-03-16", utc(2026, 3, 16, 12, 0)},
		}},
		{"fall back", utc(2026, 10, 26, 12, 30), utc(2026, 11, 9, 14, 0), []sent{
			{"Spring", "2026-10-25", utc(2026, 10, 26, 12, 30)},
			{"Fall", "2026-10-25", utc(2026, 10, 26, 12, 30)},
			{"Eight", "2026-10-26", utc(2026, 10, 26, 12, 30)},
			{"Fall", "2026-11-01", utc(2026, 11, 1, 5, 0)},   // the first 01:00 (EDT), not again at 06:00
			{"Spring", "2026-11-01", utc(2026, 11, 1, 7, 0)}, // 02:00 EST
			{"Eight", "2026-11-02", utc(2026, 11, 2, 13, 0)}, // 08:00 EST
			{"Fall", "2026-11-08", utc(2026, 11, 8, 6, 0)},
			{"Spring", "2026-11-08", utc(2026, 11, 8, 7, 0)},
			{"Eight", "2026-11-09", utc(2026, 11, 9, 13, 0)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.start, ts...)
			for ; !f.clock.Now().After(tt.end); f.clock.Add(15 * time.Minute) {
				f.runOnce(t)
			}
			if diff := cmp.Diff(tt.want, f.out.deliveries()); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDigestCatchUp: a new deployment sends the current week's digest once; after
// downtime only the current week's is sent, late, and none twice however often rounds
// run.
func TestDigestCatchUp(t *testing.T) {
	f := newFixture(t, utc(2026, 3, 4, 10, 0), north()) // a Wednesday: Monday's digest is due
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("first start: %d sent, want the current week's", n)
	}
	for range 5 {
		if n := f.runOnce(t); n != 0 {
			t.Fatalf("sent again: %d", n)
		}
	}
	f.clock.Set(utc(2026, 3, 9, 7, 59))
	if n := f.runOnce(t); n != 0 {
		t.Fatalf("before the due time: %d sent", n)
	}
	// Down from Monday 9 March 07:59 to Monday 23 March 15:00: the weeks of 9 and 16
	// March are not sent late, the week of 23 March is sent once.
	f.clock.Set(utc(2026, 3, 23, 15, 0))
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("after downtime: %d sent", n)
	}
	if n := f.runOnce(t); n != 0 {
		t.Fatalf("after downtime, again: %d sent", n)
	}
	want := []sent{{"North", "2026-03-02", utc(2026, 3, 4, 10, 0)}, {"North", "2026-03-23", utc(2026, 3, 23, 15, 0)}}
	if diff := cmp.Diff(want, f.out.deliveries()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Time{utc(2026, 3, 2, 0, 0), utc(2026, 3, 23, 0, 0)}, f.out.asOf); diff != "" {
		t.Errorf("as-of dates: the local due dates (-want +got):\n%s", diff)
	}
	got, err := f.store.FindDigestDeliveries(t.Context(), "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Week != "2026-03-23" || got[0].Status != domain.DigestSent || got[0].Detail != "C-NORTH/2" ||
		got[0].Claimant != "p1" || !got[0].SentAt.Equal(utc(2026, 3, 23, 15, 0)) {
		t.Errorf("records: %+v", got)
	}

	// INCUMBENT_AS_OF pins the as-of date.
	f.s.AsOf = utc(2025, 12, 31, 0, 0)
	f.clock.Set(utc(2026, 3, 30, 8, 0))
	f.runOnce(t)
	if got := f.out.asOf[len(f.out.asOf)-1]; !got.Equal(f.s.AsOf) {
		t.Errorf("as of %v, want the override %v", got, f.s.AsOf)
	}
}

// TestDigestCatchUpWindow: a digest that fell due more than three days before the first
// round is not sent late; the next week's is sent on time.
func TestDigestCatchUpWindow(t *testing.T) {
	f := newFixture(t, utc(2026, 3, 5, 8, 1), north()) // Thursday: Monday's digest is 72 h 1 min late
	for range 3 {
		if n := f.runOnce(t); n != 0 {
			t.Fatalf("a digest past the catch-up window was sent: %d", n)
		}
	}
	f.clock.Set(utc(2026, 3, 9, 13, 0)) // Monday 9 March, after North's 08:00 UTC
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("the next week's digest: %d sent", n)
	}
	want := []sent{{"North", "2026-03-09", utc(2026, 3, 9, 13, 0)}}
	if diff := cmp.Diff(want, f.out.deliveries()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	// Within the window (Thursday 07:59, 71 h 59 min after Monday's due time) it is sent.
	g := newFixture(t, utc(2026, 3, 5, 7, 59), north())
	if n := g.runOnce(t); n != 1 {
		t.Errorf("within the catch-up window: %d sent", n)
	}
}

// outcomeCounter counts what a scheduler observes.
type outcomeCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *outcomeCounter) ObserveDigest(outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[outcome]++
}

func (c *outcomeCounter) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// TestDigestRetry fails the first three sends: the digest is retried 1, 2 and 4 minutes
// after each failure, then sent once; meanwhile Failing says what failed and when it is
// retried, and the Observer counts each attempt.
func TestDigestRetry(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	f := newFixture(t, due, north())
	f.out.fail = func(n int) error {
		if n <= 3 {
			return fmt.Errorf("slack: 503 (%d)", n)
		}
		return nil
	}
	outcomes := &outcomeCounter{}
	f.s.Observer = outcomes
	var failing []string
	var errs int
	for ; f.clock.Now().Before(due.Add(30 * time.Minute)); f.clock.Add(30 * time.Second) {
		if _, err := f.s.RunOnce(t.Context()); err != nil {
			if !strings.Contains(err.Error(), "slack: 503") {
				t.Errorf("RunOnce: %v", err)
			}
			errs++
		}
		// What the scheduler says is failing, each time it changes.
		if got := strings.Join(f.s.Failing(), " | "); len(failing) == 0 || failing[len(failing)-1] != got {
			failing = append(failing, got)
		}
	}
	wantFailing := []string{
		"North: the digest of 2026-03-09 failed: send: slack: 503 (1)",
		"North: the digest of 2026-03-09 failed 1 time(s), last: send: slack: 503 (1); retried at 2026-03-09T08:01:00Z",
		"North: the digest of 2026-03-09 failed: send: slack: 503 (2)",
		"North: the digest of 2026-03-09 failed 2 time(s), last: send: slack: 503 (2); retried at 2026-03-09T08:03:00Z",
		"North: the digest of 2026-03-09 failed: send: slack: 503 (3)",
		"North: the digest of 2026-03-09 failed 3 time(s), last: send: slack: 503 (3); retried at 2026-03-09T08:07:00Z",
		"", // sent
	}
	if diff := cmp.Diff(wantFailing, failing); diff != "" {
		t.Errorf("Failing over time (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"failed": 3, "sent": 1}, outcomes.counts()); diff != "" {
		t.Errorf("observed outcomes (-want +got):\n%s", diff)
	}
	want := []time.Time{due, due.Add(time.Minute), due.Add(3 * time.Minute), due.Add(7 * time.Minute)}
	if diff := cmp.Diff(want, f.out.tries); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
	if errs != 3 || len(f.out.sent) != 1 {
		t.Errorf("%d failed rounds, %d sent; want 3 and 1", errs, len(f.out.sent))
	}
	got, err := f.store.FindDigestDeliveries(t.Context(), "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Status != domain.DigestSent || got[0].Attempts != 4 || got[0].LastError != "" {
		t.Errorf("record: %+v", got)
	}
}

// TestDigestGiveUp fails every send: the digest is given up after DigestMaxAttempts,
// reported by Skipped, and the next week starts afresh.
func TestDigestGiveUp(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	f := newFixture(t, due, north())
	f.out.fail = func(int) error { return errors.New("channel_not_found") }
	for ; f.clock.Now().Before(due.Add(6 * time.Hour)); f.clock.Add(time.Minute) {
		f.s.RunOnce(t.Context())
	}
	if len(f.out.tries) != domain.DigestMaxAttempts || len(f.out.sent) != 0 {
		t.Fatalf("%d attempts, %d sent; want %d and 0", len(f.out.tries), len(f.out.sent), domain.DigestMaxAttempts)
	}
	want := []string{fmt.Sprintf("North: the digest of 2026-03-09 was given up: given up after %d attempts: send: channel_not_found",
		domain.DigestMaxAttempts)}
	if diff := cmp.Diff(want, f.s.Skipped()); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
	f.out.fail = nil
	f.clock.Set(due.AddDate(0, 0, 7))
	if n := f.runOnce(t); n != 1 {
		t.Errorf("next week: %d sent", n)
	}
	if got := f.s.Skipped(); len(got) != 0 {
		t.Errorf("Skipped next week: %v", got)
	}
}

// TestDigestPanic: a Build that panics is a failed attempt, not a dead process.
func TestDigestPanic(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	f := newFixture(t, due, north())
	panics := true
	f.s.Build = func(ctx context.Context, tr domain.Territory, week string, asOf time.Time) (bot.Reply, error) {
		if panics {
			panics = false
			panic("index out of range")
		}
		return f.out.build(ctx, tr, week, asOf)
	}
	if _, err := f.s.RunOnce(t.Context()); err == nil || !strings.Contains(err.Error(), "panic: index out of range") {
		t.Fatalf("RunOnce: %v", err)
	}
	f.clock.Add(time.Minute)
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("retry: %d sent", n)
	}
}

// TestDigestCrash: a claim never marked (its process died mid-send) is taken over only
// once it is Stale.
func TestDigestCrash(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	f := newFixture(t, due, north())
	f.s.Stale = 10 * time.Minute
	if ok, err := f.store.ClaimDigest(t.Context(), "North", "2026-03-09", "dead:1:0", due, f.s.Stale); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	for _, d := range []time.Duration{time.Second, time.Minute, 10*time.Minute - time.Second} {
		f.clock.Set(due.Add(d))
		if n := f.runOnce(t); n != 0 {
			t.Fatalf("at +%v, while the claim is fresh: %d sent", d, n)
		}
	}
	f.clock.Set(due.Add(10 * time.Minute))
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("once stale: %d sent", n)
	}
	got, err := f.store.FindDigestDeliveries(t.Context(), "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Claimant != "p1" || got[0].Attempts != 2 || got[0].Status != domain.DigestSent {
		t.Errorf("record: %+v", got)
	}
}

// TestDigestAccepted: a digest is recorded sent the moment the chat platform accepts its
// message, before the rest of the send. A process that dies after that (here: its Send
// never returns) leaves nothing to send again, and a Send that fails or panics after it
// is a delivered digest, not a failed one.
func TestDigestAccepted(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	for _, tt := range []struct {
		name  string
		after func(ctx context.Context) error // what Send does once the message is accepted
	}{
		{"the process dies during the chart upload", func(ctx context.Context) error {
			<-ctx.Done() // never returns before the test gives up on it
			return ctx.Err()
		}},
		{"the chart upload fails", func(context.Context) error { return errors.New("files.completeUploadExternal: 500") }},
		{"a panic after the message", func(context.Context) error { panic("chart: nil pointer") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, due, north())
			f.s.Stale = 10 * time.Minute
			var posts int
			f.s.Send = func(ctx context.Context, tr domain.Territory, r bot.Reply, accepted func(string)) (string, error) {
				posts++
				accepted("C-NORTH at 1.1")
				return "", tt.after(ctx)
			}
			ctx, die := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { _, err := f.s.RunOnce(ctx); done <- err }()
			var recs []domain.DigestDelivery
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				var err error
				if recs, err = f.store.FindDigestDeliveries(t.Context(), "North"); err != nil {
					t.Fatal(err)
				}
				if len(recs) == 1 && recs[0].Status == domain.DigestSent || time.Now().After(deadline) {
					break
				}
			}
			if len(recs) != 1 || recs[0].Status != domain.DigestSent || recs[0].Detail != "C-NORTH at 1.1" {
				t.Fatalf("record once the message was accepted: %+v", recs)
			}
			die()
			if err := <-done; err != nil {
				t.Errorf("RunOnce: %v; want the digest counted as delivered", err)
			}
			// Another process, once the claim would be stale, and a week of rounds: the
			// digest is not posted again.
			other := f.scheduler("p2", f.store)
			var again int
			other.Send = func(context.Context, domain.Territory, bot.Reply, func(string)) (string, error) {
				again++
				return "C-NORTH at 2.2", nil
			}
			for d := 10 * time.Minute; d < 7*24*time.Hour; d += time.Hour {
				f.clock.Set(due.Add(d))
				if _, err := other.RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			if posts != 1 || again != 0 {
				t.Errorf("posted %d + %d times, want once", posts, again)
			}
		})
	}
}

// TestDigestSchedulersShareOneStore runs two schedulers (two processes: their own
// claimant, one store) concurrently, round after round, over two weeks of many
// territories: every digest is sent exactly once, without a lock, with a lock both
// share, and with Redis.
func TestDigestSchedulersShareOneStore(t *testing.T) {
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Santiago"}
	var ts []domain.Territory
	for i := range 18 {
		ts = append(ts, domain.Territory{Name: fmt.Sprintf("T%02d", i), DigestChannel: fmt.Sprintf("C%02d", i),
			Timezone: zones[i%len(zones)], DigestDay: time.Weekday(i % 7), DigestHour: i % 24})
	}
	lockers := []struct {
		name string
		new  func(t *testing.T) (bot.Locker, bot.Locker) // one per process
	}{
		{"no lock", func(*testing.T) (bot.Locker, bot.Locker) { return nil, nil }},
		{"memory lock", func(*testing.T) (bot.Locker, bot.Locker) { m := &memory.Store{}; return m, m }},
		{"miniredis lock", func(t *testing.T) (bot.Locker, bot.Locker) {
			mr := miniredis.RunT(t)
			return openRedis(t, "redis://"+mr.Addr(), "incumbent:"), openRedis(t, "redis://"+mr.Addr(), "incumbent:")
		}},
		{"redis lock", func(t *testing.T) (bot.Locker, bot.Locker) {
			u := redisURL(t)
			prefix := fmt.Sprintf("incumbent-test:%d:", time.Now().UnixNano())
			return openRedis(t, u, prefix), openRedis(t, u, prefix)
		}},
	}
	for _, lk := range lockers {
		t.Run(lk.name, func(t *testing.T) {
			f := newFixture(t, utc(2026, 3, 9, 12, 0), ts...)
			f.out.delay = 2 * time.Millisecond
			la, lb := lk.new(t)
			a := f.scheduler("host-a:1:aa", f.store)
			a.Lock = la
			b := f.scheduler("host-b:2:bb", f.store)
			b.Lock = lb
			// Every territory's week counts here, however long ago in it its digest fell due.
			a.CatchUp, b.CatchUp = 8*24*time.Hour, 8*24*time.Hour
			for week := range 2 {
				var wg sync.WaitGroup
				for _, s := range []*bot.DigestScheduler{a, b} {
					wg.Go(func() {
						for range 25 {
							if _, err := s.RunOnce(t.Context()); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				if got := len(f.out.deliveries()); got != len(ts)*(week+1) {
					t.Errorf("week %d: %d digests sent in all, want %d", week, got, len(ts)*(week+1))
				}
				f.clock.Add(7 * 24 * time.Hour)
			}
			count := map[string]int{}
			for _, d := range f.out.deliveries() {
				count[d.Territory+" "+d.Week]++
			}
			for k, n := range count {
				if n != 1 {
					t.Errorf("%s sent %d times", k, n)
				}
			}
			records, err := f.store.FindDigestDeliveries(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			by := map[string]int{}
			for _, r := range records {
				if r.Status != domain.DigestSent || r.Attempts != 1 {
					t.Errorf("record %+v", r)
				}
				by[r.Claimant]++
			}
			if len(records) != 2*len(ts) {
				t.Errorf("%d records, want %d", len(records), 2*len(ts))
			}
			t.Logf("sent by %v", by)
		})
	}
}

// redisURL returns REDIS_URL; without one it skips, unless INCUMBENT_REQUIRE_SERVICES
// is set.
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
			t.Fatal("REDIS_URL is not set, and INCUMBENT_REQUIRE_SERVICES requires the real Redis")
		}
		t.Skip("REDIS_URL is not set: the schedulers share memory and miniredis locks only")
	}
	return u
}

// openRedis opens a Redis store that must answer.
func openRedis(t *testing.T, url, prefix string) *redis.Store {
	t.Helper()
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: url, Prefix: prefix, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Redis at %s does not answer: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDigestSkipped: a territory with nobody to send to and one with an invalid time
// zone are reported (and warned about once a week, or once), and do not stop the
// others.
func TestDigestSkipped(t *testing.T) {
	nobody := domain.Territory{Name: "Nobody", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8}
	mars := domain.Territory{Name: "Mars", DigestChannel: "C-MARS", Timezone: "Mars/Olympus_Mons", DigestDay: time.Monday, DigestHour: 8}
	f := newFixture(t, utc(2026, 3, 9, 8, 0), nobody, mars, north())
	for range 5 {
		f.runOnce(t)
		f.clock.Add(time.Minute)
	}
	if got := f.out.deliveries(); len(got) != 1 || got[0].Territory != "North" {
		t.Errorf("sent %v, want North's only", got)
	}
	want := []string{`Mars: time zone "Mars/Olympus_Mons" is not an IANA time zone (e.g. America/Chicago)`,
		"Nobody: no manager and no digest_channel: nobody to send the digest to"}
	if diff := cmp.Diff(want, f.s.Skipped()); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
	if n := f.logs.count("digest not sent"); n != 1 {
		t.Errorf("warned %d times about Nobody in one week, want once", n)
	}
	if n := f.logs.count("digest not scheduled"); n != 1 {
		t.Errorf("warned %d times about Mars, want once", n)
	}
	f.clock.Add(7 * 24 * time.Hour)
	f.runOnce(t)
	f.runOnce(t)
	if n := f.logs.count("digest not sent"); n != 2 {
		t.Errorf("warned %d times about Nobody in two weeks, want twice", n)
	}
	// Fixed: sent, and no longer reported.
	nobody.Manager = "nina@example.com"
	mars.Timezone = "Asia/Kolkata"
	f.territories.set(nobody, mars, north())
	if n := f.runOnce(t); n != 2 {
		t.Errorf("fixed: %d sent, want 2", n)
	}
	if got := f.s.Skipped(); len(got) != 0 {
		t.Errorf("Skipped: %v", got)
	}
}

// refusingLock is held by someone else, or fails.
type refusingLock struct{ err error }

func (l refusingLock) Acquire(context.Context, string, time.Duration) (string, bool, error) {
	return "", false, l.err
}
func (l refusingLock) Release(context.Context, string, string) (bool, error) { return false, nil }

// TestDigestLock: a lock held elsewhere skips the territory this round; a lock that
// cannot be asked leaves the decision to the store's claim.
func TestDigestLock(t *testing.T) {
	f := newFixture(t, utc(2026, 3, 9, 8, 0), north())
	f.s.Lock = refusingLock{}
	if n := f.runOnce(t); n != 0 {
		t.Fatalf("lock held elsewhere: %d sent", n)
	}
	if got, _ := f.store.FindDigestDeliveries(t.Context(), "North"); len(got) != 0 {
		t.Fatalf("lock held elsewhere: claimed %+v", got)
	}
	f.s.Lock = refusingLock{err: errors.New("redis: connection refused")}
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("lock unavailable: %d sent", n)
	}
	mem := &memory.Store{}
	f.s.Lock = mem
	f.clock.Add(7 * 24 * time.Hour)
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("memory lock: %d sent", n)
	}
	// The lock was released after the send.
	if _, ok, _ := mem.Acquire(t.Context(), "digest:North:2026-03-16", time.Minute); !ok {
		t.Error("the lock is still held after the send")
	}
}

// TestDigestScheduleMovedBack: moving the digest day back so that the current week is
// older than the one already sent sends nothing until the next due time.
func TestDigestScheduleMovedBack(t *testing.T) {
	f := newFixture(t, utc(2026, 3, 9, 8, 0), north())
	f.runOnce(t) // Monday 9 March
	friday := north()
	friday.DigestDay = time.Friday
	f.territories.set(friday)
	f.clock.Set(utc(2026, 3, 11, 9, 0)) // Wednesday: the current week began Friday 6 March
	if n := f.runOnce(t); n != 0 {
		t.Fatalf("moved back: %d sent", n)
	}
	f.clock.Set(utc(2026, 3, 13, 8, 0))
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("Friday 13 March: %d sent", n)
	}
	want := []sent{{"North", "2026-03-09", utc(2026, 3, 9, 8, 0)}, {"North", "2026-03-13", utc(2026, 3, 13, 8, 0)}}
	if diff := cmp.Diff(want, f.out.deliveries()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// TestDigestRun: Run catches up at once on start, sends the next digest when it falls
// due, and returns when its context is done.
func TestDigestRun(t *testing.T) {
	f := newFixture(t, utc(2026, 3, 10, 9, 0), north())
	f.out.ch = make(chan sent, 4)
	f.s.Interval = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- f.s.Run(ctx) }()
	wait := func(week string) {
		t.Helper()
		select {
		case s := <-f.out.ch:
			if s.Week != week {
				t.Fatalf("sent week %s, want %s", s.Week, week)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("week %s not sent", week)
		}
	}
	wait("2026-03-09")
	f.clock.Set(utc(2026, 3, 16, 8, 0))
	wait("2026-03-16")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	if n := len(f.out.deliveries()); n != 2 {
		t.Errorf("%d sent", n)
	}
	if err := (&bot.DigestScheduler{}).Run(t.Context()); err == nil {
		t.Error("Run without a store: no error")
	}
}

// importingClaims is a delivery store whose claims meet a running import until it ends.
type importingClaims struct {
	bot.DigestDeliveryStore
	importing bool
}

func (s *importingClaims) ClaimDigest(ctx context.Context, territory, week, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if s.importing {
		return false, domain.ErrImporting
	}
	return s.DigestDeliveryStore.ClaimDigest(ctx, territory, week, claimant, now, stale)
}

// TestDigestClaimDuringImport: a claim refused because an import runs is no failed
// attempt and no failed round: a warning, and the next round sends the digest.
func TestDigestClaimDuringImport(t *testing.T) {
	due := utc(2026, 3, 9, 8, 0)
	f := newFixture(t, due, north())
	store := &importingClaims{DigestDeliveryStore: f.store, importing: true}
	f.s = f.scheduler("p1", store)
	if n := f.runOnce(t); n != 0 {
		t.Fatalf("during the import: %d sent", n)
	}
	if got := f.s.Failing(); len(got) != 0 {
		t.Errorf("Failing during the import: %v", got)
	}
	if n := f.logs.count(`level=WARN msg="digest not claimed: an import is running`); n != 1 {
		t.Errorf("%d warnings of the import, want 1", n)
	}
	if n := f.logs.count("level=ERROR"); n != 0 {
		t.Errorf("%d errors logged, want none", n)
	}
	store.importing = false
	f.clock.Add(time.Minute)
	if n := f.runOnce(t); n != 1 {
		t.Fatalf("after the import: %d sent", n)
	}
	got, err := f.store.FindDigestDeliveries(t.Context(), "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Attempts != 1 || got[0].Status != domain.DigestSent {
		t.Errorf("record: %+v", got)
	}
}
