package main

import (
	"context"
	"testing"

	"github.com/incumbent/incumbent/bot"
)

// TestWorstInputsBounded answers each command's worst input (worstInputs: nearly 2,000
// characters built to make its parser and resolver work hardest) and bounds the work by
// what it allocates, a count that does not depend on the machine's speed: parsing and
// resolving must be linear in the text, so none may allocate more than a small multiple
// of what a short command does. (`cpu acme a a a …` once re-matched every tail of its
// words against every product: a 2,000-word text took over a minute.)
func TestWorstInputsBounded(t *testing.T) {
	b, _ := demoBot(t)
	ctx := context.Background()
	admin := bot.Admin("test")
	const limit = 200_000 // allocations; the worst of them makes about 40,000
	for name, text := range worstInputs() {
		t.Run(name, func(t *testing.T) {
			req := bot.Request{Actor: admin, Text: text, AsOf: demoAsOf}
			b.Handle(ctx, req) // indexes and caches built once
			n := testing.AllocsPerRun(2, func() { b.Handle(ctx, req) })
			t.Logf("%.0f allocations", n)
			if n > limit {
				t.Errorf("%.0f allocations, want at most %d", n, limit)
			}
		})
	}
}
