package redis

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/incumbent/incumbent/adapters/memory"
)

// TestMarksFull fills the store's memory with marks in their time (a flood of distinct
// requests): Redis alone then decides, a replay is still refused, and with Redis down
// too the store says it cannot tell (*memory.FullError) rather than first-seen.
func TestMarksFull(t *testing.T) {
	mr := miniredis.RunT(t)
	s, err := Open(t.Context(), Options{Fallback: &memory.Store{}, URL: "redis://" + mr.Addr(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	for i := range memory.MaxMarks {
		s.fallback.FirstSeen(ctx, fmt.Sprintf("flood-%d", i), time.Hour)
	}
	if ok, err := s.FirstSeen(ctx, "new", time.Minute); !ok || err != nil {
		t.Fatalf("a new key with the memory full and Redis up: %v %v", ok, err)
	}
	if ok, err := s.FirstSeen(ctx, "new", time.Minute); ok || err != nil {
		t.Errorf("its replay: %v %v", ok, err)
	}
	mr.Close()
	var full *memory.FullError
	if ok, err := s.FirstSeen(ctx, "during", time.Minute); ok || !errors.As(err, &full) {
		t.Errorf("a new key with the memory full and Redis down: %v %v; want a *memory.FullError", ok, err)
	}
}

// TestOpenNeedsFallback: the memory a store falls back on is passed in, never made here.
func TestOpenNeedsFallback(t *testing.T) {
	if _, err := Open(t.Context(), Options{URL: "redis://127.0.0.1:1"}); err == nil {
		t.Error("Open without a Fallback: no error")
	}
}
