package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// handle asks b text as an admin as of asOf and returns the reply itself.
func handle(t testing.TB, b *bot.Bot, text string) bot.Reply {
	t.Helper()
	r := b.Handle(context.Background(), bot.Request{Actor: bot.Admin("command line"), Text: text, AsOf: asOf})
	if r.Err != nil {
		t.Fatalf("%s: %v", text, r.Err)
	}
	return r
}

// TestChartSpecs checks what each reply says to draw: the figures the reply has, the
// kind, and no chart where there is nothing to show.
func TestChartSpecs(t *testing.T) {
	b := newTestBot(t, "gapdata")
	c := bot.ReplyChart(handle(t, b, "gap acme"))
	if c == nil || c.Kind != bot.ChartCategories || c.Currency != "USD" {
		t.Fatalf("gap acme: chart %+v", c)
	}
	g := handle(t, b, "gap acme").Data.(domain.AccountGap)
	var sum, sumChart float64
	for _, x := range g.Categories {
		sum += x.Current + x.Gap + x.Uncovered
	}
	for i, x := range c.Categories {
		sumChart += x.Current + x.Gap + x.Uncovered
		if i > 0 && x.Gap > c.Categories[i-1].Gap && !strings.HasPrefix(x.Name, "Other") {
			t.Errorf("gap acme: %s (gap %v) after a smaller gap", x.Name, x.Gap)
		}
	}
	if sum != sumChart {
		t.Errorf("gap acme: the chart's figures sum to %v, the reply's to %v", sumChart, sum)
	}
	if c := bot.ReplyChart(handle(t, b, "gap territory north")); c == nil || c.Kind != bot.ChartCategories {
		t.Errorf("gap territory north: chart %+v", c)
	}

	// Growth: this year's months, cumulative, ending at the year to date; a year not
	// begun has none.
	gr := handle(t, b, "growth acme")
	c = bot.ReplyChart(gr)
	gd := gr.Data.(domain.Growth)
	if c == nil || c.Kind != bot.ChartPace || len(c.Pace.Months) != 11 || c.Pace.Months[10] != gd.YTD || c.Pace.Projection != gd.Projection {
		t.Errorf("growth acme: chart %+v", c)
	}
	if c := bot.ReplyChart(handle(t, b, "growth acme 2027")); c != nil {
		t.Errorf("growth acme 2027 (not begun): a chart %+v", c)
	}
	if c := bot.ReplyChart(handle(t, b, "growth acme 2025")); c == nil || c.Pace.Projection != 0 || len(c.Pace.Months) != 12 {
		t.Errorf("growth acme 2025 (a year gone): chart %+v, want the whole year and no projection", c)
	}

	// Grade: five criteria, the score and the thresholds of the settings.
	c = bot.ReplyChart(handle(t, newTestBot(t, "gradedata"), "grade granite"))
	if c == nil || c.Kind != bot.ChartGrade || len(c.Grade.Criteria) != 5 || c.Grade.Thresholds != [3]float64{3.25, 2.5, 1.75} {
		t.Errorf("grade granite: chart %+v", c)
	}

	// Text and JSON describe the chart, never draw it.
	text := bot.RenderText(handle(t, b, "gap acme"))
	if !strings.Contains(text, "[chart: Current vs potential by category in Acme Manufacturing") {
		t.Errorf("gap acme as text names no chart:\n%s", text)
	}
	out, err := json.Marshal(handle(t, b, "gap acme"))
	if err != nil || !bytes.Contains(out, []byte(`"type":"chart"`)) || bytes.Contains(out, []byte(`"png"`)) {
		t.Errorf("gap acme as JSON: %v\n%s", err, out)
	}
}

// TestChartOther checks a gap of many categories names the eight largest gaps and
// sums the rest as "Other", keeping every figure.
func TestChartOther(t *testing.T) {
	b := demoBot(t)
	r := handle(t, b, "gap territory northeast")
	c := bot.ReplyChart(r)
	rl := r.Data.(domain.Rollup)
	if c == nil || len(rl.Categories) <= bot.ChartCategoryBars+1 {
		t.Fatalf("chart %+v of %d categories", c, len(rl.Categories))
	}
	if len(c.Categories) != bot.ChartCategoryBars+1 || !strings.HasPrefix(c.Categories[bot.ChartCategoryBars].Name, "Other (") {
		t.Errorf("%d bars, the last %q", len(c.Categories), c.Categories[len(c.Categories)-1].Name)
	}
	var want, got float64
	for _, x := range rl.Categories {
		want += x.Potential
	}
	for _, x := range c.Categories {
		got += x.Potential
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 })); diff != "" {
		t.Errorf("potential (-reply +chart):\n%s", diff)
	}
}

// countingCharter counts the charts it draws.
type countingCharter struct{ n *atomic.Int32 }

func (c countingCharter) Draw(ch *bot.Chart) ([]byte, error) {
	c.n.Add(1)
	return plot.Charter{}.Draw(ch)
}

// TestChartDrawnOnce checks a chart is drawn once per set of figures: asked again (from
// the reply cache or not), its PNG comes from the cache, through JSON and back.
func TestChartDrawnOnce(t *testing.T) {
	var n atomic.Int32
	kv := &memory.Store{}
	b := newTestBot(t, "gapdata", func(b *bot.Bot) { b.Charter, b.Cache = countingCharter{&n}, kv })
	ctx := context.Background()
	var first []byte
	for i := range 3 {
		r := b.Drawn(ctx, handle(t, b, "gap acme"))
		var img *bot.Image
		for _, x := range r.Blocks {
			if im, ok := x.(*bot.Image); ok {
				img = im
			}
			if _, ok := x.(*bot.Chart); ok {
				t.Error("a chart left undrawn")
			}
		}
		if img == nil {
			t.Fatal("no image")
		}
		if _, err := png.Decode(bytes.NewReader(img.PNG)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = img.PNG
		} else if !bytes.Equal(first, img.PNG) {
			t.Error("another PNG the second time")
		}
	}
	if n.Load() != 1 {
		t.Errorf("drawn %d times, want once", n.Load())
	}
	// A cached reply keeps its chart through JSON.
	raw, _ := json.Marshal(handle(t, b, "gap acme"))
	var back bot.Reply
	if err := json.Unmarshal(raw, &back); err != nil || bot.ReplyChart(back) == nil {
		t.Errorf("chart lost through JSON: %v", err)
	}
	// Without a Charter, the chart is left out.
	b.Charter = nil
	for _, x := range b.Drawn(ctx, handle(t, b, "gap acme")).Blocks {
		switch x.(type) {
		case *bot.Chart, *bot.Image:
			t.Errorf("%T without a Charter", x)
		}
	}
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkChart draws the chart of each kind on the demo data (200 accounts, 24
// months): the PNG an adapter gets when a reply's chart is not cached yet.
func BenchmarkChart(b *testing.B) {
	bt := demoBot(b)
	for _, tt := range []struct{ name, text string }{
		{"GapAccount", "gap acme"},
		{"GapTerritory", "gap territory northeast"},
		{"Growth", "growth territory northeast"},
		{"Grade", "grade acme"},
	} {
		c := bot.ReplyChart(handle(b, bt, tt.text))
		if c == nil {
			b.Fatalf("%s: no chart", tt.text)
		}
		b.Run(tt.name, func(b *testing.B) {
			var size int
			before := cpuTime()
			for b.Loop() {
				png, err := plot.Charter{}.Draw(c)
				if err != nil {
					b.Fatal(err)
				}
				size = len(png)
			}
			b.ReportMetric(float64(size)/1024, "KB")
			// CPU time, not wall time: on a shared machine the wall clock counts the
			// neighbours too.
			b.ReportMetric(float64(cpuTime()-before)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
