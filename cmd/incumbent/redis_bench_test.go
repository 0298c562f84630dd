package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/redis"
	"github.com/incumbent/incumbent/bot"
)

// benchRedis opens the Redis of REDIS_URL with a fresh key prefix, or skips.
func benchRedis(b *testing.B) *redis.Store {
	b.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		b.Skip("REDIS_URL is not set")
	}
	s, err := redis.Open(context.Background(), redis.Options{Fallback: &memory.Store{}, URL: u, Prefix: fmt.Sprintf("incumbent-bench:%d:", time.Now().UnixNano()),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkGapRedisCache answers `gap <Acme>` through the bot with the reply cache in
// Redis: cold (the lookup misses: the reply is computed, from the bot's warm in-process
// caches, and stored) and warm (the reply read back from Redis).
func BenchmarkGapRedisCache(b *testing.B) {
	store := benchStore(b)
	text := "gap " + acmeID(b)
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			r := benchRedis(b)
			bt := bot.New(store)
			bt.Now = func() time.Time { return benchAsOf }
			bt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			bt.Cache = r
			if !warm {
				bt.Cache = missing{r}
			}
			ctx := context.Background()
			req := bot.Request{Actor: bot.Admin("bench"), Text: text, AsOf: benchAsOf}
			bt.Handle(ctx, req) // the bot's own in-process caches are warm in both
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				if r := bt.Handle(ctx, req); r.Err != nil {
					b.Fatal(r.Err)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			p := func(q float64) float64 {
				return float64(times[min(len(times)-1, int(q*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(p(0.5), "p50-ms")
			b.ReportMetric(p(0.99), "p99-ms")
		})
	}
}

// missing is a cache whose lookups always miss (its writes go through).
type missing struct{ bot.KV }

func (missing) Get(context.Context, string) ([]byte, bool, error) { return nil, false, nil }

// TestRedisRoundTrips counts the Redis commands one slash command costs (on miniredis,
// which counts them): reported in docs/PERFORMANCE.md.
func TestRedisRoundTrips(t *testing.T) {
	mr := miniredis.RunT(t)
	db := testDB(t, "gradedata")
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: "redis://" + mr.Addr(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := Env{Getenv: func(string) string { return "" }, Stderr: io.Discard, Stdout: io.Discard,
		Now: func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }}
	cfg := readConfig(env)
	cfg.DB, cfg.asOfArg = db, "2026-11-27"
	if err := cfg.checkBot(); err != nil {
		t.Fatal(err)
	}
	sess, err := openSession(t.Context(), env, cfg, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.store.Close()
	sess.bot.Cache, sess.bot.Sessions = s, s
	count := func(text string) (trips, commands int) {
		t0, c0 := s.RoundTrips(), mr.CommandCount()
		sess.bot.Handle(t.Context(), bot.Request{Actor: bot.Admin("x"), Text: text, AsOf: sess.asOf})
		return int(s.RoundTrips() - t0), mr.CommandCount() - c0
	}
	count("help") // the connections are made
	missTrips, missCommands := count("grade G1")
	hitTrips, hitCommands := count("grade G1")
	// A miss: GET (it misses), then the reply and the person's last account SET in one
	// pipeline; a hit: GET, then SET of the last account it names. The Slack adapter
	// adds one SET NX for the replay check.
	if missTrips != 2 || missCommands != 3 || hitTrips != 2 || hitCommands != 2 {
		t.Errorf("a miss: %d round trips, %d commands (want 2, 3); a hit: %d, %d (want 2, 2)", missTrips, missCommands, hitTrips, hitCommands)
	}
	// The session written in the pipeline is the one `grade` alone then uses.
	r := sess.bot.Handle(t.Context(), bot.Request{Actor: bot.Admin("x"), Text: "gap", AsOf: sess.asOf})
	if out := bot.RenderText(r); !strings.Contains(out, "the account you last asked about") {
		t.Errorf("gap alone after the pipeline: %s", out)
	}
}
