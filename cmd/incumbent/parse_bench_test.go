package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// worstInputs are, for each command, texts of nearly the 2,000 characters a command may
// have, built to make its parser and resolver work hardest: many short words that each
// match something (an account word, a product word, a keyword), and long runs of one
// character.
func worstInputs() map[string]string {
	words := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	return map[string]string{
		"cpu":             "cpu acme " + words("a", 990),
		"cpu last":        "cpu " + words("disc", 390),
		"cpu vs":          "cpu acme ABR-0033 vs " + words("a", 985),
		"deal":            "deal acme give 3% on " + words("a", 480) + " get 5 " + words("a", 480),
		"deal also":       "deal acme give 3% on fasteners get 5 WLD-0022 " + words("also give a", 150),
		"deal suggest":    "deal suggest " + words("a", 990),
		"deal compare":    "deal compare " + words("S-1", 490),
		"offer":           "offer akme Uline ABR-0033 9 weak " + words("a", 980), // not named exactly: nothing written
		"offer name":      "offer " + words("a", 980) + " Uline ABR-0033 9",
		"gap":             "gap " + words("a", 995),
		"gap territory":   "gap territory " + words("n", 990),
		"grade":           "grade " + strings.Repeat("x", 1990),
		"growth":          "growth " + words("a", 990) + " 2026",
		"growth set":      "growth set " + words("a", 985) + " 2027 100k",
		"digest settings": "digest settings " + words("north", 320) + " hour 9",
		"potential set":   "potential set " + words("a", 985) + " fasteners 100k", // no such account: nothing written
		"potential near":  "potential set acme " + words("a", 985) + " 5k",
		"potential terms": "potential set acme fasteners 5k competitor " + words("note competitor", 120),
		"talk":            "talk " + words("a", 995),
		"account":         "account " + words("ac", 660),
		"accounts":        "accounts " + words("n", 995),
		"help":            "help " + words("gap", 495),
		"brief":           "brief " + words("a", 995),
		"unknown":         words("zzz", 499),
	}
}

// BenchmarkParseWorst answers each command's worst input (worstInputs) on the
// benchmark data set (benchStore): what it costs is parsing and resolving, since such a
// text names nothing to compute. Each must stay under 50 ms (docs/PERFORMANCE.md).
func BenchmarkParseWorst(b *testing.B) {
	bt := bot.New(benchStore(b))
	bt.Now = func() time.Time { return benchAsOf }
	ctx := context.Background()
	admin := bot.Admin("bench")
	for name, text := range worstInputs() {
		if len([]rune(text)) > bot.MaxCommandLength {
			b.Fatalf("%s: %d characters, over the limit", name, len([]rune(text)))
		}
		b.Run(name, func(b *testing.B) {
			req := bot.Request{Actor: admin, Text: text, AsOf: benchAsOf}
			bt.Handle(ctx, req)
			b.ResetTimer()
			for b.Loop() {
				bt.Handle(ctx, req)
			}
		})
	}
}
