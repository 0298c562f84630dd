package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/plot"
	redisadapter "github.com/incumbent/incumbent/adapters/redis"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/bot"
)

// accessCompany writes the digest test company with South's figures made unmistakable:
// Southern Foods sells 12,345 (cost 8,642), has 67,890 of potential, a 9,137
// opportunity and a 4,321 invoice, so that any of them in a reply, a log line or a
// cached entry meant for someone who may not see South is found.
func accessCompany(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := testdata("digestdata")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	replace := map[string][2]string{
		"sales.csv":         {"2026-04-04,S1,F-1,1000,10000,7000", "2026-04-04,S1,F-1,1000,12345,8642"},
		"potential.csv":     {"S1,Fasteners,30000,Fastenal", "S1,Fasteners,67890,Fastenal"},
		"opportunities.csv": {"O8,S1,Fasteners,Southern bolts,9000,", "O8,S1,Fasteners,Southern bolts,9137,"},
		"invoices.csv":      {"I6,S1,2026-05-01,2026-05-31,4000,", "I6,S1,2026-05-01,2026-05-31,4321,"},
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := replace[e.Name()]; ok {
			if !bytes.Contains(b, []byte(r[0])) {
				t.Fatalf("%s has no %q", e.Name(), r[0])
			}
			b = bytes.ReplaceAll(b, []byte(r[0]), []byte(r[1]))
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "access.db")
	s, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := (&csvimport.Importer{Store: s}).Import(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return db
}

// What of each territory must not reach someone who may not see it: account names
// (as the data writes them; a command typed in lower case does not match) and figures.
var (
	southMarks = []string{"Southern Foods", "Southern bolts", "12,345", "8,642", "67,890", "9,137", "4,321", "55,545", "3,703"}
	northMarks = []string{"Acme Manufacturing", "Birch Supply", "Cedar Works", "Dune Prospects", "Bolt contract", "Welding trial",
		"27,000", "76,500", "49,500"}
)

// accessCommands are every command of the grammar, about both territories; S-1 is a
// scenario of Southern Foods and S-2 one of Acme, saved by an admin first.
var accessCommands = []string{
	"help", "help gap", "accounts", "accounts North", "accounts South", "account acme", "account southern foods", "account S1",
	"gap acme", "gap N1", "gap southern foods", "gap S1", "gap territory North", "gap territory South", "gap market", "gap",
	"grade acme", "grade southern foods", "grade territory North", "grade territory South", "grade",
	"growth acme", "growth southern foods", "growth territory North", "growth territory South",
	"growth set South 2026 50000", "growth set southern foods 2026 20000", "growth set North 2026 41000",
	"deal acme give 5% on fasteners get 10 W-1 yearly", "deal southern foods give 5% on fasteners get 10 W-1 yearly",
	"deal suggest acme", "deal suggest southern foods", "deal show S-1", "deal show S-2", "deal vary S-1 give 3%",
	"deal compare S-1 S-2", "cpu acme F-1", "cpu southern foods F-1", "cpu S1 F-1 vs Fastenal",
	"offer southern foods Fastenal F-1 9", "offer acme Fastenal F-1 9",
	// Potentials set to what they are: the marks stay as they are.
	"potential set southern foods fasteners 67890 competitor Fastenal", "potential set acme fasteners 25000 competitor Fastenal",
	"talk S-1", "talk S-2", "talk southern foods", "talk acme",
	"brief acme", "brief southern foods", "brief S1", "brief",
	"digest North", "digest South", "digest", "digest settings South", "digest settings South hour 9", "digest settings North hour 9",
}

// TestAccessMatrix runs every command, and every button of every admin reply, as a rep
// of each territory, a manager of each, an admin and an unknown person, through a bot
// whose sessions and reply cache are in Redis (REDIS_URL's, else a miniredis) and whose
// log is kept: no mark of a territory someone may not see appears in their replies (text
// and JSON), in the log, or in any entry the bot wrote to Redis.
func TestAccessMatrix(t *testing.T) {
	db := accessCompany(t)
	ctx := context.Background()
	asOf := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	newBot := func(t *testing.T) (*bot.Bot, func() map[string]string, *bytes.Buffer) {
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		url, entries := accessRedis(t)
		kv, err := redisadapter.Open(ctx, redisadapter.Options{Fallback: &memory.Store{}, URL: url, Prefix: accessPrefix(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kv.Close() })
		var logs bytes.Buffer
		b := bot.New(s)
		b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }
		b.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		b.Charter = plot.Charter{}
		b.Sessions, b.Cache = kv, kv
		return b, entries, &logs
	}

	// The admin saves the scenarios the others ask about, and collects the buttons.
	admin, _, _ := newBot(t)
	for _, c := range []string{"deal southern foods give 4% on fasteners get 20 W-1 yearly", "deal acme give 4% on fasteners get 20 W-1 yearly"} {
		if r := admin.Handle(ctx, bot.Request{Actor: bot.Admin("ops"), Text: c, AsOf: asOf}); r.Err != nil {
			t.Fatalf("%s: %v", c, r.Err)
		}
	}
	commands := slices.Clone(accessCommands)
	for _, c := range accessCommands {
		r := admin.Handle(ctx, bot.Request{Actor: bot.Admin("ops"), Text: c, AsOf: asOf})
		for _, blk := range r.Blocks {
			if bs, ok := blk.(*bot.Buttons); ok {
				for _, x := range bs.Buttons {
					if x.Command != bot.ShareCommand && !slices.Contains(commands, x.Command) {
						commands = append(commands, x.Command)
					}
				}
			}
		}
	}
	if len(commands) < len(accessCommands)+10 {
		t.Fatalf("only %d commands with the buttons", len(commands))
	}

	own := []string{"Acme Manufacturing", "27,000"}
	south := []string{"Southern Foods", "12,345", "67,890"}
	for _, p := range []struct {
		email            string
		forbidden, shown []string // shown: what they do see, so that the test is not empty
	}{
		{"rita@example.com", southMarks, own},                         // a rep of North
		{"ray@example.com", northMarks, south},                        // a rep of South
		{"nora@example.com", southMarks, own},                         // North's manager
		{"sam@example.com", northMarks, south},                        // South's manager
		{"ops@example.com", nil, append(slices.Clone(own), south...)}, // an admin
	} {
		t.Run(p.email, func(t *testing.T) {
			b, entries, logs := newBot(t)
			actor, err := b.ActorByEmail(ctx, p.email)
			if err != nil {
				t.Fatal(err)
			}
			var seen strings.Builder
			for _, c := range commands {
				r := b.Handle(ctx, bot.Request{Actor: actor, Text: c, AsOf: asOf, Adapter: "test"})
				js, err := bot.RenderJSON(r)
				if err != nil {
					t.Fatal(err)
				}
				if m := firstMark(bot.RenderText(r)+string(js), p.forbidden); m != "" {
					t.Errorf("%q as %s shows %q:\n%s", c, p.email, m, bot.RenderText(r))
				}
				seen.WriteString(bot.RenderText(r))
			}
			for _, m := range p.shown {
				if !strings.Contains(seen.String(), m) {
					t.Errorf("%s never saw %q, which they may see", p.email, m)
				}
			}
			if m := firstMark(logs.String(), p.forbidden); m != "" {
				t.Errorf("the log of %s's commands has %q", p.email, m)
			}
			kv := entries()
			if len(kv) == 0 {
				t.Error("nothing was written to Redis: the test would check nothing there")
			}
			for k, v := range kv {
				if m := firstMark(v, p.forbidden); m != "" {
					t.Errorf("Redis key %s, written for %s, has %q", k, p.email, m)
				}
			}
		})
	}

	// Someone not in people.csv gets nothing, through the playground's API.
	t.Run("unknown", func(t *testing.T) {
		url, _ := serve(t, map[string]string{"INCUMBENT_DB": db})
		var mu sync.Mutex
		for _, c := range commands[:len(accessCommands)] {
			code, html := askAPI(t, url, c, "stranger@example.com")
			mu.Lock()
			if m := firstMark(html, append(slices.Clone(southMarks), northMarks...)); m != "" || code != 403 {
				t.Errorf("%q as a stranger: %d, shows %q", c, code, m)
			}
			mu.Unlock()
		}
	})
}

// accessRedis returns the URL of the Redis the matrix's bots use, and a function that
// reads every entry written under the test's key prefix: the Redis of REDIS_URL, or,
// when it is not set, a miniredis (the matrix does not need a real Redis to be
// meaningful, so it does not skip). The adapter writes strings only.
func accessRedis(t *testing.T) (url string, entries func() map[string]string) {
	t.Helper()
	prefix := accessPrefix(t)
	url = os.Getenv("REDIS_URL")
	if url == "" {
		mr := miniredis.RunT(t)
		return "redis://" + mr.Addr(), func() map[string]string {
			m := map[string]string{}
			for _, k := range mr.Keys() {
				if strings.HasPrefix(k, prefix) {
					m[k], _ = mr.Get(k)
				}
			}
			return m
		}
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	c := goredis.NewClient(opt)
	t.Cleanup(func() {
		keys, _ := c.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			c.Del(context.Background(), keys...)
		}
		c.Close()
	})
	return url, func() map[string]string {
		ctx := context.Background()
		m := map[string]string{}
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			v, err := c.Get(ctx, iter.Val()).Result()
			if err != nil && !errors.Is(err, goredis.Nil) {
				t.Fatalf("reading %s: %v", iter.Val(), err)
			}
			m[iter.Val()] = v
		}
		if err := iter.Err(); err != nil {
			t.Fatalf("scanning Redis: %v", err)
		}
		return m
	}
}

// accessPrefix is the Redis key prefix of one subtest of the matrix.
func accessPrefix(t *testing.T) string {
	return fmt.Sprintf("incumbent-access-%d-%s:", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
}

// firstMark returns the first of marks found in s, or "".
func firstMark(s string, marks []string) string {
	for _, m := range marks {
		if strings.Contains(s, m) {
			return m
		}
	}
	return ""
}
