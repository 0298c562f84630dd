package memory

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// TestBounds fills the store past its bounds: cached values go first, de-duplication
// marks only past the entry bound, locks never.
func TestBounds(t *testing.T) {
	ctx := t.Context()
	s := &Store{}
	token, ok, _ := s.Acquire(ctx, "digest", time.Hour)
	if !ok {
		t.Fatal("acquire")
	}
	for i := range 1000 {
		s.FirstSeen(ctx, fmt.Sprintf("ev-%d", i), time.Hour)
	}
	reply := bytes.Repeat([]byte("x"), 8<<10) // a gap reply's size
	for i := range 3 * maxBytes / len(reply) {
		s.Set(ctx, fmt.Sprintf("reply-%d", i), reply, time.Hour)
		if s.bytes > maxBytes+len(reply)+200 {
			t.Fatalf("after %d replies: %d bytes", i+1, s.bytes)
		}
	}
	if v, ok, _ := s.Get(ctx, fmt.Sprintf("reply-%d", 3*maxBytes/len(reply)-1)); !ok || len(v) != len(reply) {
		t.Error("the newest reply was dropped")
	}
	for i := range 1000 {
		if first, _ := s.FirstSeen(ctx, fmt.Sprintf("ev-%d", i), time.Hour); first {
			t.Fatalf("de-duplication mark ev-%d dropped for the replies' bytes", i)
		}
	}
	// Past the entry bound: marks go too, down to half; the lock stays.
	for i := range maxEntries + 10 {
		s.FirstSeen(ctx, fmt.Sprintf("more-%d", i), time.Hour)
	}
	if n := len(s.entries); n > maxEntries {
		t.Errorf("%d entries", n)
	}
	if _, ok, _ := s.Acquire(ctx, "digest", time.Hour); ok {
		t.Error("a held lock was dropped")
	}
	if released, _ := s.Release(ctx, "digest", token); !released {
		t.Error("the holder could not release its lock")
	}
	// The byte count is exact: with everything gone, nothing is left counted.
	for k := range s.entries {
		s.remove(k)
	}
	if s.bytes != 0 {
		t.Errorf("%d bytes counted in an empty store", s.bytes)
	}
}
