package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// BenchmarkResolve measures resolving typed names against the benchmark data set
// (benchStore) through `account`, the command that does little else: an exact alias, a typo, a word shared
// by many, a subsequence, a text of 2,000 characters (resolution reads the first 200),
// and one of 30,000 (refused for its length).
func BenchmarkResolve(b *testing.B) {
	bt := bot.New(benchStore(b))
	bt.Now = func() time.Time { return benchAsOf }
	ctx := context.Background()
	admin := bot.Admin("bench")
	for _, bc := range []struct{ name, query string }{
		{"alias", "acme"},
		{"typo", "kramer stmping"},
		{"shared word", "manufacturing"},
		{"subsequence", "tmpng"},
		{"2000 chars", strings.Repeat("a ", 1000)},
		{"30000 chars", strings.Repeat("zq ", 10000)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := bot.Request{Actor: admin, Text: "account " + bc.query, AsOf: benchAsOf}
			bt.Handle(ctx, req) // the name index is built once per data version
			b.ResetTimer()
			for b.Loop() {
				bt.Handle(ctx, req)
			}
		})
	}
}
