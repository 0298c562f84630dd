package main

// The demo company of `incumbent demo` at its default size, imported into SQLite once
// per test binary, for the tests that run every command on it.

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/bot"
)

// demoAsOf is the last day of the demo company the tests generate.
var demoAsOf = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

var (
	demoOnce  sync.Once
	demoDir   string
	demoSetup error
)

// demoDB returns a copy, for the test alone, of a database holding the demo company of
// `incumbent demo` at its default size (200 accounts, 24 months), generated once per
// test binary.
func demoDB(t testing.TB) string {
	t.Helper()
	_, db := demoFiles(t)
	return db
}

// demoFiles returns the folder of the demo company's CSV files (shared: read it only)
// and a copy, for the test alone, of the database they were imported into.
func demoFiles(t testing.TB) (data, db string) {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "incumbent-demo-")
		if err != nil {
			demoSetup = err
			return
		}
		demoDir = dir
		ctx := context.Background()
		if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{End: demoAsOf}); err != nil {
			demoSetup = err
			return
		}
		s, err := sqlite.Open(ctx, filepath.Join(dir, "demo.db"))
		if err != nil {
			demoSetup = err
			return
		}
		defer s.Close()
		_, demoSetup = (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data"))
	})
	if demoSetup != nil {
		t.Fatalf("demo database: %v", demoSetup)
	}
	raw, err := os.ReadFile(filepath.Join(demoDir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(demoDir, "data"), db
}

// demoBot is a bot over a fresh copy of the demo database, on the demo's last day.
func demoBot(t testing.TB) (*bot.Bot, *sqlite.Store) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), demoDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := bot.New(s)
	b.Now = func() time.Time { return demoAsOf.Add(9 * time.Hour) }
	return b, s
}

func actorOf(t *testing.T, b *bot.Bot, email string) bot.Actor {
	t.Helper()
	a, err := b.ActorByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
