package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// BenchmarkDigestAll builds the weekly digest of every territory, chart included, from a
// cold bot (no cached gaps or grades), as the scheduler does on a Monday morning: one op
// is every territory. It reports the territories and the process's peak resident memory
// (the high-water mark of the whole benchmark process, store caches included).
func BenchmarkDigestAll(b *testing.B) {
	store := benchStore(b)
	ctx := context.Background()
	territories, err := store.FindTerritories(ctx)
	if err != nil || len(territories) == 0 {
		b.Fatal(len(territories), err)
	}
	week := benchAsOf.Format(domain.DateLayout)
	for b.Loop() {
		bt := bot.New(store)
		bt.Now = func() time.Time { return benchAsOf }
		bt.Charter = plot.Charter{}
		for _, t := range territories {
			r, err := bt.Digest(ctx, t.Name, benchAsOf, week)
			if err != nil || r.Err != nil {
				b.Fatal(t.Name, err, r.Err)
			}
		}
	}
	b.ReportMetric(float64(len(territories)), "territories")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB") // Linux: kilobytes
	}
}
