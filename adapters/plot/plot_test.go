package plot_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden PNG files in testdata")

// charts are one chart of each kind, and the cases at their edges.
func charts() map[string]*bot.Chart {
	var many []bot.ChartCategory
	for i := range 9 {
		many = append(many, bot.ChartCategory{Name: fmt.Sprintf("Category number %d with a long name", i),
			Current: float64(1000 * i), Potential: float64(5000 + 3000*i), Gap: float64(4000 + 2000*i), Uncovered: float64(1000 + 1500*i)})
	}
	return map[string]*bot.Chart{
		"categories": {Kind: bot.ChartCategories, Title: "Acme Manufacturing — current vs potential", Currency: "USD",
			Categories: []bot.ChartCategory{
				{Name: "Fasteners", Current: 25000, Potential: 100000, Gap: 75000, Uncovered: 40000},
				{Name: "Safety", Current: 8000, Potential: 40000, Gap: 32000, Uncovered: 32000},
				{Name: "Welding", Current: 30000, Potential: 30000},
				{Name: "Other (4)", Current: 12000, Potential: 20000, Gap: 8000, Uncovered: 2000},
			}},
		"categories_many": {Kind: bot.ChartCategories, Title: "North — current vs potential", Currency: "EUR", Categories: many},
		"pace": {Kind: bot.ChartPace, Title: "Acme Manufacturing — revenue 2026", Currency: "USD", Pace: &bot.ChartPaceData{
			Year: 2026, Elapsed: 331.0 / 365, Target: 600000, TargetLabel: "Objective", Projection: 540000,
			Months:   []float64{30000, 75000, 120000, 150000, 200000, 250000, 280000, 330000, 380000, 420000, 480000},
			LastYear: []float64{40000, 80000, 110000, 160000, 190000, 230000, 270000, 300000, 340000, 390000, 440000},
		}},
		"pace_past": {Kind: bot.ChartPace, Title: "North — revenue 2025", Currency: "USD", Pace: &bot.ChartPaceData{
			Year: 2025, Elapsed: 1, Target: 500000, TargetLabel: "Suggested target",
			Months: []float64{30000, 75000, 120000, 150000, 200000, 250000, 280000, 330000, 380000, 420000, 480000, 510000},
		}},
		"grade": {Kind: bot.ChartGrade, Title: "Acme Manufacturing — Core Customer, 2.85 of 4", Grade: &bot.ChartGradeData{
			Score: 2.85, Tier: domain.TierCoreCustomer, Thresholds: [3]float64{3.25, 2.5, 1.75},
			Criteria: []bot.ChartCriterion{{Name: "Spend", Score: 4, HasData: true}, {Name: "Margin", Score: 3, HasData: true},
				{Name: "Payment", Score: 2, HasData: true}, {Name: "Inventory"}, {Name: "New business", Score: 1, HasData: true}},
		}},
	}
}

// TestGolden draws each chart and compares its pixels with testdata/<name>.png: the
// same size, and at most 0.5% of the pixels differing by more than 48 in a channel (fonts
// and antialiasing may differ a little between versions; a moved bar or line does not
// pass). -update rewrites the files.
func TestGolden(t *testing.T) {
	for name, c := range charts() {
		t.Run(name, func(t *testing.T) {
			b, err := plot.Charter{}.Draw(c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got.Bounds() != image.Rect(0, 0, plot.Width, plot.Height) {
				t.Errorf("size %v, want %d×%d", got.Bounds(), plot.Width, plot.Height)
			}
			file := filepath.Join("testdata", name+".png")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			want, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if d := differing(got, want); d > 0.005 {
				t.Errorf("%.2f%% of the pixels differ from %s; look at the new one with -update and git diff", 100*d, file)
			}
			t.Logf("%d bytes", len(b))
		})
	}
}

// differing returns the share of pixels of a and b that differ by more than 48 in a
// channel (1 when the sizes differ).
func differing(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	r := a.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d > 48 || d < -48 {
					n++
					break
				}
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// TestGoldenCatchesAChange makes sure the comparison is not blind: a chart with another
// figure does not match the golden file.
func TestGoldenCatchesAChange(t *testing.T) {
	c := charts()["categories"]
	c.Categories[0].Current = 90000
	b, err := plot.Charter{}.Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := png.Decode(bytes.NewReader(b))
	raw, err := os.ReadFile(filepath.Join("testdata", "categories.png"))
	if err != nil {
		t.Skip(err)
	}
	want, _ := png.Decode(bytes.NewReader(raw))
	if d := differing(got, want); d <= 0.005 {
		t.Errorf("a bar three times as long differs in %.3f%% of the pixels: the tolerance hides changes", 100*d)
	}
}

func TestDrawErrors(t *testing.T) {
	for name, c := range map[string]*bot.Chart{
		"nil":          nil,
		"kind":         {Kind: "pie"},
		"no category":  {Kind: bot.ChartCategories},
		"not a number": {Kind: bot.ChartCategories, Categories: []bot.ChartCategory{{Name: "a", Current: math.NaN()}}},
		"no months":    {Kind: bot.ChartPace, Pace: &bot.ChartPaceData{Year: 2026}},
		"no criteria":  {Kind: bot.ChartGrade, Grade: &bot.ChartGradeData{}},
	} {
		if _, err := (plot.Charter{}).Draw(c); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
