package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/postgres"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// benchAsOf is the as-of date of the gap benchmarks: the end of the demo history.
var benchAsOf = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

var (
	benchOnce  sync.Once
	benchDB    string
	benchSetup error
)

// benchStore opens the database the benchmarks read:
//   - $INCUMBENT_BENCH_DATABASE_URL when set: a PostgreSQL database (postgres://…)
//     that holds an import of the benchmark data set, to compare the stores;
//   - else $INCUMBENT_BENCH_DB when set (an import of `incumbent demo --accounts 20000
//     --end 2026-11-27`, the benchmark data set of docs/PERFORMANCE.md);
//   - else a demo company of 2,000 accounts imported once into a temporary file.
func benchStore(b *testing.B) appStore {
	b.Helper()
	if u := os.Getenv("INCUMBENT_BENCH_DATABASE_URL"); u != "" {
		s, err := postgres.Open(context.Background(), u)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	benchOnce.Do(func() {
		if benchDB = os.Getenv("INCUMBENT_BENCH_DB"); benchDB != "" {
			return
		}
		dir, err := os.MkdirTemp("", "incumbent-bench-")
		if err != nil {
			benchSetup = err
			return
		}
		ctx := context.Background()
		if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{Accounts: 2000, Months: 24, End: benchAsOf, Seed: 1}); err != nil {
			benchSetup = err
			return
		}
		benchDB = filepath.Join(dir, "bench.db")
		s, err := sqlite.Open(ctx, benchDB)
		if err != nil {
			benchSetup = err
			return
		}
		defer s.Close()
		_, benchSetup = (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data"))
	})
	if benchSetup != nil {
		b.Fatal(benchSetup)
	}
	s, err := sqlite.Open(context.Background(), benchDB)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchCommand runs text through the bot b.N times and reports the 50th and 99th
// percentile latencies. Cold runs use a new bot each time (no resolver index, no rates,
// no cached roll-ups); warm runs reuse one bot whose caches the first call filled.
func benchCommand(b *testing.B, text string, cold bool) {
	benchCommands(b, func(int) string { return text }, cold)
}

// benchCommands is benchCommand with the i-th command given by text(i).
func benchCommands(b *testing.B, text func(i int) string, cold bool) {
	ctx := context.Background()
	store := benchStore(b)
	newBot := func() *bot.Bot {
		bt := bot.New(store)
		bt.Now = func() time.Time { return benchAsOf }
		return bt
	}
	bt := newBot()
	req := bot.Request{Actor: bot.Admin("bench"), Text: text(0), AsOf: benchAsOf}
	if r := bt.Handle(ctx, req); r.Err != nil {
		b.Fatalf("%s: %v", req.Text, r.Err)
	}
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		if cold {
			bt = newBot()
		}
		req.Text = text(i)
		start := time.Now()
		r := bt.Handle(ctx, req)
		times = append(times, time.Since(start))
		if r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkGapAccount(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "gap "+acmeID(b), cold) })
	}
}

func BenchmarkGapAccountByName(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "gap acme", cold) })
	}
}

func BenchmarkGapTerritory(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "gap territory Northeast", cold) })
	}
}

func BenchmarkGapMarket(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "gap market", cold) })
	}
}

func coldName(cold bool) string {
	if cold {
		return "cold"
	}
	return "warm"
}

// acmeID is Acme's id, which is wider in bigger demo companies (A0001, A00001).
func acmeID(b *testing.B) string {
	accs, err := benchStore(b).FindAccounts(context.Background(), domain.AllAccounts)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range accs {
		if a.Name == "Acme Manufacturing" {
			return a.ID
		}
	}
	b.Fatal("no Acme in the benchmark data")
	return ""
}

var _ = strconv.Itoa
