// Package memory keeps Incumbent's shared state in this process: event de-duplication,
// the cursors of long replies, sessions and locks. It is the default when no Redis is configured, and
// what the Redis adapter falls back on while Redis is down. Safe for concurrent use.
package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// The memory's bounds. Beyond either, the expired entries are swept; if that is not
// enough, cached values (replies, sessions, the rest of long replies) are dropped,
// whichever, until half the bound is left, then (past maxEntries only) de-duplication
// marks. Locks are never dropped. maxBytes keeps the reply cache from growing a
// serving process: a gap reply is several KiB, and 20,000 accounts' would be 100 MB
// (docs/PERFORMANCE.md, "Load").
const (
	maxEntries = 100000
	maxBytes   = 16 << 20
)

type entry struct {
	value []byte
	until time.Time
}

// size is what an entry under key costs, roughly: its key, its value and the map's
// overhead.
func size(key string, e entry) int { return len(key) + len(e.value) + 64 }

// Store is an in-memory key-value store with expiry.
type Store struct {
	Now func() time.Time // the clock; nil: time.Now

	mu      sync.Mutex
	entries map[string]entry
	bytes   int // the sum of size over entries
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// put keeps e under key; s.mu is held.
func (s *Store) put(key string, e entry) {
	s.remove(key)
	s.entries[key] = e
	s.bytes += size(key, e)
}

// remove forgets key; s.mu is held.
func (s *Store) remove(key string) {
	if old, ok := s.entries[key]; ok {
		s.bytes -= size(key, old)
		delete(s.entries, key)
	}
}

// sweep makes room when the store is over a bound; s.mu is held.
func (s *Store) sweep(now time.Time) {
	if s.entries == nil {
		s.entries = map[string]entry{}
	}
	if len(s.entries) < maxEntries && s.bytes < maxBytes {
		return
	}
	for k, e := range s.entries {
		if now.After(e.until) {
			s.remove(k)
		}
	}
	// Cached values first, down to half of both bounds.
	for k := range s.entries {
		if len(s.entries) <= maxEntries/2 && s.bytes <= maxBytes/2 {
			break
		}
		if strings.HasPrefix(k, "kv:") || strings.HasPrefix(k, "cursor:") {
			s.remove(k)
		}
	}
	// Then, past maxEntries still, de-duplication marks, down to half of it.
	if len(s.entries) < maxEntries {
		return
	}
	for k := range s.entries {
		if len(s.entries) <= maxEntries/2 {
			break
		}
		if !strings.HasPrefix(k, "lock:") {
			s.remove(k)
		}
	}
}

// FirstSeen records key for ttl and reports whether it was not already recorded (SET NX).
func (s *Store) FirstSeen(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	if e, ok := s.entries[key]; ok && now.Before(e.until) {
		return false, nil
	}
	s.put(key, entry{until: now.Add(ttl)})
	return true, nil
}

// PutCursor keeps data under id for ttl.
func (s *Store) PutCursor(_ context.Context, id string, data []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	s.put("cursor:"+id, entry{value: append([]byte(nil), data...), until: now.Add(ttl)})
	return nil
}

// TakeCursor returns and forgets the data under id; false when there is none (or it
// expired).
func (s *Store) TakeCursor(_ context.Context, id string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries["cursor:"+id]
	s.remove("cursor:" + id)
	if !ok || s.now().After(e.until) {
		return nil, false, nil
	}
	return e.value, true, nil
}

// Get returns the value of a session key; false when there is none (or it expired).
func (s *Store) Get(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries["kv:"+key]
	if !ok || s.now().After(e.until) {
		return nil, false, nil
	}
	return e.value, true, nil
}

// Set keeps a session value for ttl.
func (s *Store) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	s.put("kv:"+key, entry{value: append([]byte(nil), value...), until: now.Add(ttl)})
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
	s.sweep(now)
	if e, ok := s.entries["lock:"+name]; ok && now.Before(e.until) {
		return "", false, nil
	}
	token := newToken()
	s.put("lock:"+name, entry{value: []byte(token), until: now.Add(ttl)})
	return token, true, nil
}

// Release frees the lock name if token still holds it: a holder whose lock expired and
// was taken by another cannot release the other's.
func (s *Store) Release(_ context.Context, name, token string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries["lock:"+name]
	if !ok || string(e.value) != token || s.now().After(e.until) {
		return false, nil
	}
	s.remove("lock:" + name)
	return true, nil
}

// newToken is a random lock token.
func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
