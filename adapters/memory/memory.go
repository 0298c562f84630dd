// Package memory keeps Incumbent's state in this process's memory. It holds two stores,
// both safe for concurrent use:
//
//   - Store, the shared state: event de-duplication, the cursors of long replies,
//     sessions and locks. It is the default when no Redis is configured, and what the
//     Redis adapter falls back on while Redis is down.
//   - DataStore, the records and what is kept with them: everything the SQLite store
//     keeps (domain.Store, the import batch, gradings, scenarios, conversations, digest
//     snapshots and deliveries), with the SQLite store's figures to the bit, so that a
//     test of the bot needs neither a database nor the binary.
package memory

import (
	"container/heap"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// The memory's bounds, one per kind of entry, so that a flood of one kind never pushes
// out another.
//
//   - De-duplication and replay marks (FirstSeen): at most MaxMarks. A mark leaves only
//     when its time is up; with MaxMarks unexpired marks, FirstSeen refuses new keys
//     (*FullError) rather than forget one, since a forgotten mark lets a captured
//     request be replayed. About 150 bytes each: 30 MB when full.
//   - Cached replies (session keys starting "reply:", bot's reply cache), sessions (the
//     other session keys) and the cursors of long replies: each at most maxValues
//     entries and maxBytes bytes. Beyond either, the expired ones are swept, then
//     others dropped, whichever, until half the bound is left: they are caches, and a
//     dropped one is recomputed or asked again.
//   - Locks: never dropped; the expired ones are swept now and then.
//
// maxBytes keeps the reply cache from growing a serving process: a gap reply is several
// KiB, and 20,000 accounts' would be 100 MB (docs/PERFORMANCE.md, "Load").
const (
	MaxMarks  = 200000
	maxValues = 100000
	maxBytes  = 16 << 20
	// sweepLocksAt is how many locks (held or expired) make Acquire sweep the expired.
	sweepLocksAt = 1024
)

// FullError is FirstSeen's refusal when MaxMarks marks are in their time: nothing is
// known about the key, so the caller must refuse what it guards (a request: 503, retry
// after RetryAfter) rather than accept it unchecked.
type FullError struct {
	// Wait is how long until the oldest mark's time is up, and a new one fits.
	Wait time.Duration
}

func (e *FullError) Error() string {
	return fmt.Sprintf("memory: %d de-duplication marks in their time, the most kept; one frees in %s", MaxMarks, e.Wait.Round(time.Second))
}

// RetryAfter is how long the caller should wait before trying again.
func (e *FullError) RetryAfter() time.Duration { return e.Wait }

type entry struct {
	value []byte
	until time.Time
}

// size is what an entry under key costs, roughly: its key, its value and the map's
// overhead.
func size(key string, e entry) int { return len(key) + len(e.value) + 64 }

// values is one bounded kind of cached values.
type values struct {
	entries map[string]entry
	bytes   int // the sum of size over entries
}

// put keeps e under key, making room first when the kind is at a bound.
func (v *values) put(key string, e entry, now time.Time) {
	v.remove(key)
	v.sweep(now)
	v.entries[key] = e
	v.bytes += size(key, e)
}

// get returns the unexpired entry under key.
func (v *values) get(key string, now time.Time) (entry, bool) {
	e, ok := v.entries[key]
	if !ok || now.After(e.until) {
		return entry{}, false
	}
	return e, true
}

// remove forgets key.
func (v *values) remove(key string) {
	if old, ok := v.entries[key]; ok {
		v.bytes -= size(key, old)
		delete(v.entries, key)
	}
}

// sweep makes room when the kind is at a bound: the expired first, then any, down to
// half of both bounds (so that the sweep's cost is shared by the many puts after it).
func (v *values) sweep(now time.Time) {
	if v.entries == nil {
		v.entries = map[string]entry{}
	}
	if len(v.entries) < maxValues && v.bytes < maxBytes {
		return
	}
	for k, e := range v.entries {
		if now.After(e.until) {
			v.remove(k)
		}
	}
	for k := range v.entries {
		if len(v.entries) <= maxValues/2 && v.bytes <= maxBytes/2 {
			break
		}
		v.remove(k)
	}
}

// mark is a de-duplication mark in the expiry heap.
type mark struct {
	key   string
	until int64 // Unix nanoseconds
}

// marks is a min-heap of marks by expiry (container/heap).
type marks []mark

func (m marks) Len() int           { return len(m) }
func (m marks) Less(i, j int) bool { return m[i].until < m[j].until }
func (m marks) Swap(i, j int)      { m[i], m[j] = m[j], m[i] }
func (m *marks) Push(x any)        { *m = append(*m, x.(mark)) }
func (m *marks) Pop() any {
	old := *m
	x := old[len(old)-1]
	*m = old[:len(old)-1]
	return x
}

// Store is an in-memory key-value store with expiry.
type Store struct {
	Now func() time.Time // the clock; nil: time.Now

	mu       sync.Mutex
	seen     map[string]int64 // mark → until (Unix nanoseconds)
	expiry   marks            // the marks by until; one per key in seen, maybe stale ones too
	sessions values
	replies  values
	cursors  values
	locks    map[string]entry
}

// The interfaces Store implements. Those other adapters declare (slack's and teams'
// Deduper, slack's Cursors, redis' Fallback) are checked where cmd/incumbent wires them.
var (
	_ bot.KV      = (*Store)(nil)
	_ bot.KVBatch = (*Store)(nil)
	_ bot.Locker  = (*Store)(nil)
)

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// expire forgets the marks whose time is up; s.mu is held. Each mark is pushed and
// popped once, so this costs O(log n) a mark.
func (s *Store) expire(now int64) {
	for len(s.expiry) > 0 && s.expiry[0].until <= now {
		m := heap.Pop(&s.expiry).(mark)
		if until, ok := s.seen[m.key]; ok && until == m.until {
			delete(s.seen, m.key)
		}
	}
}

// FirstSeen records key for ttl and reports whether it was not already recorded (SET NX).
// With MaxMarks marks in their time it records nothing and returns a *FullError.
func (s *Store) FirstSeen(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]int64{}
	}
	now := s.now().UnixNano()
	s.expire(now)
	if until, ok := s.seen[key]; ok && now < until {
		return false, nil
	}
	if len(s.seen) >= MaxMarks {
		return false, &FullError{Wait: max(time.Duration(s.expiry[0].until-now), time.Second)}
	}
	until := now + int64(ttl)
	s.seen[key] = until
	heap.Push(&s.expiry, mark{key: key, until: until})
	return true, nil
}

// PutCursor keeps data under id for ttl.
func (s *Store) PutCursor(_ context.Context, id string, data []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.cursors.put(id, entry{value: append([]byte(nil), data...), until: now.Add(ttl)}, now)
	return nil
}

// TakeCursor returns and forgets the data under id; false when there is none (or it
// expired).
func (s *Store) TakeCursor(_ context.Context, id string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cursors.get(id, s.now())
	s.cursors.remove(id)
	if !ok {
		return nil, false, nil
	}
	return e.value, true, nil
}

// kind is where a session key is kept: bot's cached replies ("reply:…") apart from the
// sessions, so that many replies never push out who asked about what.
func (s *Store) kind(key string) *values {
	if strings.HasPrefix(key, "reply:") {
		return &s.replies
	}
	return &s.sessions
}

// Get returns the value of a session key; false when there is none (or it expired).
func (s *Store) Get(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.kind(key).get(key, s.now())
	if !ok {
		return nil, false, nil
	}
	return e.value, true, nil
}

// Set keeps a session value for ttl.
func (s *Store) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.kind(key).put(key, entry{value: append([]byte(nil), value...), until: now.Add(ttl)}, now)
	return nil
}

// SetAll keeps several session values.
func (s *Store) SetAll(ctx context.Context, entries []bot.KVEntry) error {
	for _, e := range entries {
		s.Set(ctx, e.Key, e.Value, e.TTL)
	}
	return nil
}

// Acquire takes the lock name for ttl unless someone holds it; the token it returns
// releases it.
func (s *Store) Acquire(_ context.Context, name string, ttl time.Duration) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.locks == nil {
		s.locks = map[string]entry{}
	}
	if e, ok := s.locks[name]; ok && now.Before(e.until) {
		return "", false, nil
	}
	if len(s.locks) >= sweepLocksAt {
		for k, e := range s.locks {
			if now.After(e.until) {
				delete(s.locks, k)
			}
		}
	}
	token := newToken()
	s.locks[name] = entry{value: []byte(token), until: now.Add(ttl)}
	return token, true, nil
}

// Release frees the lock name if token still holds it: a holder whose lock expired and
// was taken by another cannot release the other's.
func (s *Store) Release(_ context.Context, name, token string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.locks[name]
	if !ok || string(e.value) != token || s.now().After(e.until) {
		return false, nil
	}
	delete(s.locks, name)
	return true, nil
}

// newToken is a random lock token.
func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
