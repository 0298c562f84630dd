package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/sqlite"
)

// BenchmarkImportSales imports the sales.csv of a demo company into a database that
// already holds its accounts and products, as a monthly or first load would, and reports
// sales lines per second including the commit (which rebuilds the sales read index).
// INCUMBENT_BENCH_ACCOUNTS sets the company's size (default 2000, about 500,000 lines;
// 20000 gives the five-million-line set of docs/PERFORMANCE.md).
func BenchmarkImportSales(b *testing.B) {
	ctx := context.Background()
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("INCUMBENT_BENCH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	all, master, sales := filepath.Join(dir, "all"), filepath.Join(dir, "master"), filepath.Join(dir, "sales")
	sum, err := demo.Write(ctx, all, demo.Options{Accounts: n, Months: 24, End: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	for _, f := range sum.Files {
		if f.Name == "sales.csv" {
			lines = f.Rows
		}
	}
	for _, d := range []string{master, sales} {
		os.MkdirAll(d, 0o755)
	}
	for _, f := range []string{"territories.csv", "people.csv", "accounts.csv", "products.csv"} {
		os.Rename(filepath.Join(all, f), filepath.Join(master, f))
	}
	os.Rename(filepath.Join(all, "sales.csv"), filepath.Join(sales, "sales.csv"))

	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		store, err := sqlite.Open(ctx, filepath.Join(dir, "bench"+strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (&csvimport.Importer{Store: store}).Import(ctx, master); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := (&csvimport.Importer{Store: store}).Import(ctx, sales); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(lines)*float64(b.N)/elapsed.Seconds(), "lines/s")
}
