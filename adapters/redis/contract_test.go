package redis_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/redis"
	"github.com/incumbent/incumbent/bot"
)

// kv is what the contract covers: what the Slack adapter uses.
type kv interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Acquire(ctx context.Context, name string, ttl time.Duration) (string, bool, error)
	Release(ctx context.Context, name, token string) (bool, error)
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	PutCursor(ctx context.Context, id string, data []byte, ttl time.Duration) error
	TakeCursor(ctx context.Context, id string) ([]byte, bool, error)
	SetAll(ctx context.Context, entries []bot.KVEntry) error
}

// impl is one implementation under test, with a way to let time pass for it.
type impl struct {
	name    string
	store   kv
	advance func(time.Duration)
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// realRedis opens the Redis of REDIS_URL, with a prefix of its own; it skips without
// one unless INCUMBENT_REQUIRE_SERVICES is set.
func realRedis(t *testing.T) *redis.Store {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
			t.Fatal("REDIS_URL is not set, and INCUMBENT_REQUIRE_SERVICES requires the real Redis")
		}
		t.Skip("REDIS_URL is not set: the contract runs against memory and miniredis only")
	}
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: u, Prefix: fmt.Sprintf("incumbent-test:%d:", time.Now().UnixNano()), Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Redis at %s does not answer: %v", u, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func impls(t *testing.T) []impl {
	now := time.Now()
	var mu sync.Mutex
	mem := &memory.Store{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	out := []impl{{"memory", mem, func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }}}
	mr := miniredis.RunT(t)
	// miniredis's time and its store's memory fallback's move together.
	mrNow := time.Now()
	ms, err := redis.Open(t.Context(), redis.Options{URL: "redis://" + mr.Addr(), Logger: discard(),
		Fallback: &memory.Store{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return mrNow }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ms.Close() })
	out = append(out, impl{"miniredis", ms, func(d time.Duration) { mr.FastForward(d); mu.Lock(); mrNow = mrNow.Add(d); mu.Unlock() }})
	if os.Getenv("REDIS_URL") != "" || os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
		out = append(out, impl{"redis", realRedis(t), time.Sleep})
	}
	return out
}

// TestUniversalClient opens the store through go-redis's universal client (the path of
// REDIS_ADDRS, for Sentinel or Cluster), here on one address.
func TestUniversalClient(t *testing.T) {
	mr := miniredis.RunT(t)
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: "redis://unused:6379", Addrs: []string{mr.Addr()}, Prefix: "u:", Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, err := s.FirstSeen(t.Context(), "k", time.Minute); !ok || err != nil || !mr.Exists("u:seen:k") {
		t.Errorf("through the universal client: %v %v", ok, err)
	}
}

func TestContract(t *testing.T) {
	for _, im := range impls(t) {
		t.Run(im.name, func(t *testing.T) { testContract(t, im) })
	}
}

func testContract(t *testing.T, im impl) {
	ctx := t.Context()
	s := im.store
	// NX: the first caller wins, later ones see it, until the TTL passes.
	first, err := s.FirstSeen(ctx, "ev-1", 300*time.Millisecond)
	if err != nil || !first {
		t.Fatalf("first: %v %v", first, err)
	}
	for range 3 {
		if again, err := s.FirstSeen(ctx, "ev-1", 300*time.Millisecond); err != nil || again {
			t.Fatalf("again: %v %v", again, err)
		}
	}
	if other, _ := s.FirstSeen(ctx, "ev-2", time.Minute); !other {
		t.Error("another key was seen")
	}
	im.advance(400 * time.Millisecond)
	if after, _ := s.FirstSeen(ctx, "ev-1", time.Minute); !after {
		t.Error("still seen after its TTL")
	}
	// Cursors: taken once; gone after their TTL.
	if err := s.PutCursor(ctx, "c1", []byte("pages"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.TakeCursor(ctx, "c1"); err != nil || !ok || string(b) != "pages" {
		t.Fatalf("take: %q %v %v", b, ok, err)
	}
	if _, ok, _ := s.TakeCursor(ctx, "c1"); ok {
		t.Error("a cursor was taken twice")
	}
	s.PutCursor(ctx, "c2", []byte("x"), 300*time.Millisecond)
	im.advance(400 * time.Millisecond)
	if _, ok, _ := s.TakeCursor(ctx, "c2"); ok {
		t.Error("a cursor outlived its TTL")
	}
}

func TestSessionsAndLocks(t *testing.T) {
	for _, im := range impls(t) {
		t.Run(im.name, func(t *testing.T) { testSessionsAndLocks(t, im) })
	}
}

func testSessionsAndLocks(t *testing.T, im impl) {
	ctx := t.Context()
	s := im.store
	if _, ok, err := s.Get(ctx, "u1"); ok || err != nil {
		t.Fatalf("empty session: %v %v", ok, err)
	}
	s.Set(ctx, "u1", []byte("A1"), 300*time.Millisecond)
	if v, ok, _ := s.Get(ctx, "u1"); !ok || string(v) != "A1" {
		t.Errorf("session: %q %v", v, ok)
	}
	s.Set(ctx, "u1", []byte("A2"), 300*time.Millisecond)
	if v, _, _ := s.Get(ctx, "u1"); string(v) != "A2" {
		t.Errorf("session after a second Set: %q", v)
	}
	im.advance(400 * time.Millisecond)
	if _, ok, _ := s.Get(ctx, "u1"); ok {
		t.Error("a session outlived its TTL")
	}
	// SetAll: several values, each with its own TTL.
	if err := s.SetAll(ctx, []bot.KVEntry{{Key: "reply", Value: []byte("R"), TTL: 300 * time.Millisecond},
		{Key: "u1", Value: []byte("A3"), TTL: time.Minute}}); err != nil {
		t.Fatal(err)
	}
	if r, ok, _ := s.Get(ctx, "reply"); !ok || string(r) != "R" {
		t.Errorf("SetAll, reply: %q %v", r, ok)
	}
	im.advance(400 * time.Millisecond)
	if _, ok, _ := s.Get(ctx, "reply"); ok {
		t.Error("a value kept by SetAll outlived its TTL")
	}
	if v, ok, _ := s.Get(ctx, "u1"); !ok || string(v) != "A3" {
		t.Errorf("SetAll, session: %q %v", v, ok)
	}

	// Locks: one holder; a holder whose lock expired and was taken by another
	// cannot release the other's.
	t1, ok, err := s.Acquire(ctx, "digest", 300*time.Millisecond)
	if err != nil || !ok || t1 == "" {
		t.Fatalf("acquire: %q %v %v", t1, ok, err)
	}
	if _, ok, _ := s.Acquire(ctx, "digest", time.Minute); ok {
		t.Error("a held lock was acquired again")
	}
	im.advance(400 * time.Millisecond)
	t2, ok, _ := s.Acquire(ctx, "digest", time.Minute)
	if !ok || t2 == t1 {
		t.Fatalf("acquire after expiry: %q %v", t2, ok)
	}
	if released, _ := s.Release(ctx, "digest", t1); released {
		t.Error("the first holder released the second's lock")
	}
	if _, ok, _ := s.Acquire(ctx, "digest", time.Minute); ok {
		t.Error("the lock was free after the wrong release")
	}
	if released, _ := s.Release(ctx, "digest", t2); !released {
		t.Error("the holder could not release its lock")
	}
	if _, ok, _ := s.Acquire(ctx, "digest", time.Minute); !ok {
		t.Error("the lock is not free after its release")
	}
}

// TestConcurrentFirstSeen: of many replicas racing on one event, exactly one wins.
func TestConcurrentFirstSeen(t *testing.T) {
	for _, im := range impls(t) {
		t.Run(im.name, func(t *testing.T) { testConcurrentFirstSeen(t, im) })
	}
}

func testConcurrentFirstSeen(t *testing.T, im impl) {
	var wins sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for range 20 {
		wins.Go(func() {
			if ok, err := im.store.FirstSeen(t.Context(), "race", time.Minute); err == nil && ok {
				mu.Lock()
				n++
				mu.Unlock()
			}
		})
	}
	wins.Wait()
	if n != 1 {
		t.Errorf("%d winners", n)
	}
}

// TestOutage stops Redis in the middle: every call is still answered (from memory),
// the outage is logged once, and Redis is used again when it comes back.
func TestOutage(t *testing.T) {
	mr := miniredis.RunT(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(b) }), nil))
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: "redis://" + mr.Addr(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if ok, err := s.FirstSeen(ctx, "before", time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	mr.Close()
	for i := range 5 {
		ok, err := s.FirstSeen(ctx, fmt.Sprintf("during-%d", i), time.Minute)
		if !ok || err != nil {
			t.Fatalf("during the outage: %v %v", ok, err)
		}
	}
	if ok, _ := s.FirstSeen(ctx, "during-0", time.Minute); ok {
		t.Error("de-duplication lost during the outage")
	}
	// A key this process saw before the outage is still seen during it.
	if ok, _ := s.FirstSeen(ctx, "before", time.Minute); ok {
		t.Error("a key seen before the outage was first-seen again during it")
	}
	if err := s.PutCursor(ctx, "c", []byte("p"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.TakeCursor(ctx, "c"); !ok || err != nil || string(b) != "p" {
		t.Errorf("cursor during the outage: %q %v %v", b, ok, err)
	}
	if err := s.SetAll(ctx, []bot.KVEntry{{Key: "k", Value: []byte("v"), TTL: time.Minute}}); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.Get(ctx, "k"); !ok || err != nil || string(v) != "v" {
		t.Errorf("SetAll during the outage: %q %v %v", v, ok, err)
	}
	if s.Failures() < 5 {
		t.Errorf("%d failures counted", s.Failures())
	}
	mu.Lock()
	if n := strings.Count(logs.String(), "redis: unavailable"); n != 1 {
		t.Errorf("the outage was logged %d times:\n%s", n, logs.String())
	}
	mu.Unlock()

	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Ping(ctx) != nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if ok, err := s.FirstSeen(ctx, "after", time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// …and one it saw during the outage is still seen after it (the retry of an event
	// answered while Redis was down is not answered again).
	if ok, _ := s.FirstSeen(ctx, "during-1", time.Minute); ok {
		t.Error("a key seen during the outage was first-seen again after it")
	}
	if !mr.Exists("incumbent:seen:after") {
		t.Error("Redis is not used again after it came back")
	}
	mu.Lock()
	if !strings.Contains(logs.String(), "redis: answering again") {
		t.Errorf("the recovery was not logged:\n%s", logs.String())
	}
	mu.Unlock()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
