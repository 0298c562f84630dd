package memory

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestBounds fills the store past its bounds: each kind is bounded on its own, cached
// values are dropped, marks never before their time, locks never.
func TestBounds(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	s := &Store{Now: func() time.Time { return now }}
	token, ok, _ := s.Acquire(ctx, "digest", time.Hour)
	if !ok {
		t.Fatal("acquire")
	}
	s.Set(ctx, "last-account:rita", []byte("A1"), time.Hour)
	for i := range 1000 {
		s.FirstSeen(ctx, fmt.Sprintf("ev-%d", i), time.Hour)
	}
	reply := bytes.Repeat([]byte("x"), 8<<10) // a gap reply's size
	for i := range 3 * maxBytes / len(reply) {
		s.Set(ctx, fmt.Sprintf("reply:%d", i), reply, time.Hour)
		if s.replies.bytes > maxBytes+len(reply)+200 {
			t.Fatalf("after %d replies: %d bytes", i+1, s.replies.bytes)
		}
	}
	if v, ok, _ := s.Get(ctx, fmt.Sprintf("reply:%d", 3*maxBytes/len(reply)-1)); !ok || len(v) != len(reply) {
		t.Error("the newest reply was dropped")
	}
	if v, ok, _ := s.Get(ctx, "last-account:rita"); !ok || string(v) != "A1" {
		t.Error("a session was dropped for the replies")
	}
	for i := range 1000 {
		if first, _ := s.FirstSeen(ctx, fmt.Sprintf("ev-%d", i), time.Hour); first {
			t.Fatalf("de-duplication mark ev-%d dropped for the replies", i)
		}
	}
	// Sessions past their bound: some go, the replies and marks stay.
	for i := range maxValues + 10 {
		s.Set(ctx, fmt.Sprintf("s-%d", i), []byte("x"), time.Hour)
	}
	if n := len(s.sessions.entries); n > maxValues {
		t.Errorf("%d sessions", n)
	}
	if _, ok, _ := s.Get(ctx, fmt.Sprintf("reply:%d", 3*maxBytes/len(reply)-1)); !ok {
		t.Error("a reply was dropped for the sessions")
	}
	// Marks up to their bound: then new keys are refused, none forgotten.
	for i := 1000; i < MaxMarks; i++ {
		if first, err := s.FirstSeen(ctx, fmt.Sprintf("ev-%d", i), 11*time.Minute); !first || err != nil {
			t.Fatalf("mark %d: %v %v", i, first, err)
		}
	}
	first, err := s.FirstSeen(ctx, "one-more", time.Hour)
	var full *FullError
	if first || !errors.As(err, &full) || full.RetryAfter() != 11*time.Minute {
		t.Fatalf("past the bound: %v %v", first, err)
	}
	for _, k := range []string{"ev-0", "ev-999", "ev-1000", fmt.Sprintf("ev-%d", MaxMarks-1)} {
		if first, err := s.FirstSeen(ctx, k, time.Hour); first || err != nil {
			t.Errorf("%s when full: %v %v", k, first, err)
		}
	}
	// When the oldest marks' time is up, they leave and new ones fit.
	now = now.Add(11*time.Minute + time.Second)
	if first, err := s.FirstSeen(ctx, "one-more", time.Hour); !first || err != nil {
		t.Errorf("after the window: %v %v", first, err)
	}
	if first, _ := s.FirstSeen(ctx, "ev-0", time.Hour); first {
		t.Error("a mark of an hour left after 11 minutes")
	}
	if n := len(s.seen); n != 1000+1 {
		t.Errorf("%d marks left, want the 1,000 of an hour and the new one", n)
	}
	if _, ok, _ := s.Acquire(ctx, "digest", time.Hour); ok {
		t.Error("a held lock was dropped")
	}
	if released, _ := s.Release(ctx, "digest", token); !released {
		t.Error("the holder could not release its lock")
	}
	// The byte count is exact: with everything gone, nothing is left counted.
	for _, v := range []*values{&s.sessions, &s.replies, &s.cursors} {
		for k := range v.entries {
			v.remove(k)
		}
		if v.bytes != 0 {
			t.Errorf("%d bytes counted in an empty kind", v.bytes)
		}
	}
}
