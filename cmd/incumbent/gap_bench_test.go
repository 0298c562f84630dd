package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	s, err := sqlite.Open(context.Background(), benchDBFile(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchDBFile returns the SQLite file the benchmarks read: $INCUMBENT_BENCH_DB, or a
// demo company of 2,000 accounts imported once into a temporary file.
func benchDBFile(b *testing.B) string {
	b.Helper()
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
	return benchDB
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
	reportPercentiles(b, times)
}

// reportPercentiles reports the 50th and 99th percentiles of times, in milliseconds.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		b.Fatal("no times to report")
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

// BenchmarkGapDuringImport asks `gap <account>` for one account of the data set after
// another, cold as BenchmarkGapAccount's cold case (a new bot each call, the reply
// computed), while a full import of $INCUMBENT_BENCH_DATA (the directory of CSV files
// the benchmark database was imported from) runs through importDir, the code `incumbent
// import` uses, into a copy of the benchmark database; it asks until the import has
// committed, and then once more, which must compute with the import's data version. It
// reports the p50 and p99 of the calls made during the import, their number and the
// import's time; each iteration imports once (-benchtime 1x for one import).
func BenchmarkGapDuringImport(b *testing.B) {
	data := os.Getenv("INCUMBENT_BENCH_DATA")
	if data == "" {
		b.Skip("INCUMBENT_BENCH_DATA is not set: set it to the directory of CSV files to import " +
			"(the one INCUMBENT_BENCH_DB was imported from, e.g. incumbent demo's output)")
	}
	if os.Getenv("INCUMBENT_BENCH_DATABASE_URL") != "" {
		b.Skip("BenchmarkGapDuringImport reads a copy of a SQLite benchmark database, not PostgreSQL")
	}
	src := benchDBFile(b)
	var times []time.Duration
	var imports time.Duration
	for b.Loop() {
		b.StopTimer()
		store := openCopy(b, src)
		b.StartTimer()
		t, d := gapDuringImport(b, store, data)
		times, imports = append(times, t...), imports+d
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
	reportPercentiles(b, times)
	b.ReportMetric(float64(len(times))/float64(b.N), "calls")
	b.ReportMetric(imports.Seconds()/float64(b.N), "import-s")
}

// gapDuringImport imports dir into store on a goroutine, meanwhile asks cold `gap`s of
// the store's accounts in turn, and returns the times of the calls made before the
// import had committed and the import's time. The call after the commit must see the
// import's data version.
func gapDuringImport(b *testing.B, store appStore, dir string) ([]time.Duration, time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	accs, err := store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil || len(accs) == 0 {
		b.Fatalf("the benchmark database's accounts: %d, %v", len(accs), err)
	}
	before, err := store.DataVersion(ctx)
	if err != nil {
		b.Fatal(err)
	}
	type result struct {
		err  error
		took time.Duration
	}
	done := make(chan result, 1)
	go func() {
		// The import's soft memory limit is left out (memoryLimitSet): here it would hold
		// the whole process, the gap calls included, where a server is a process of its own.
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: os.Getenv, Now: time.Now}
		start := time.Now()
		err := importDir(ctx, store, dir, nil, env, true)
		done <- result{err, time.Since(start)}
	}()
	finished := false
	defer func() { // a failed call cancels the import and waits for it before the store closes
		cancel()
		if !finished {
			<-done
		}
	}()
	spy := &versionSpy{GapReader: store}
	var times []time.Duration
	for i := 0; ; i++ {
		select {
		case r := <-done:
			finished = true
			if r.err != nil {
				b.Fatalf("import: %v", r.err)
			}
			checkNewVersion(b, store, spy, accs[0].ID, before)
			return times, r.took
		default:
		}
		// 7919 is prime: consecutive calls ask for accounts spread over the set.
		times = append(times, coldGap(b, spy, store, accs[(i*7919)%len(accs)].ID))
	}
}

// checkNewVersion asks one more cold gap after the import and fails b unless it was
// computed with a data version newer than before, the store's current one.
func checkNewVersion(b *testing.B, store appStore, spy *versionSpy, account string, before int64) {
	after, err := store.DataVersion(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	coldGap(b, spy, store, account)
	if seen := spy.last.Load(); after <= before || seen != after {
		b.Fatalf("after the import: data version %d before, %d after, the next gap computed with %d", before, after, seen)
	}
}

// coldGap asks `gap <account>` of a new bot whose gaps read through spy and returns how
// long the call took.
func coldGap(b *testing.B, spy *versionSpy, store appStore, account string) time.Duration {
	bt := bot.New(store)
	bt.Now = func() time.Time { return benchAsOf }
	bt.Gaps.Store = spy
	req := bot.Request{Actor: bot.Admin("bench"), Text: "gap " + account, AsOf: benchAsOf}
	start := time.Now()
	r := bt.Handle(context.Background(), req)
	took := time.Since(start)
	if r.Err != nil {
		b.Fatalf("%s: %v", req.Text, r.Err)
	}
	return took
}

// versionSpy is a domain.GapReader that notes the last data version read through it:
// the version a gap was computed with.
type versionSpy struct {
	domain.GapReader
	last atomic.Int64
}

// DataVersion reads the data version and notes it.
func (s *versionSpy) DataVersion(ctx context.Context) (int64, error) {
	v, err := s.GapReader.DataVersion(ctx)
	if err == nil {
		s.last.Store(v)
	}
	return v, err
}

// openCopy copies the SQLite file src, with its -wal and -shm files when it has them,
// into a temporary directory and opens the copy.
func openCopy(b *testing.B, src string) appStore {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "bench.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := copyFile(src+suffix, dst+suffix); err != nil && (suffix == "" || !errors.Is(err, fs.ErrNotExist)) {
			b.Fatal(err)
		}
	}
	s, err := sqlite.Open(context.Background(), dst)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// copyFile copies the file src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
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
