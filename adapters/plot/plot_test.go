package plot_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/domain"
)

// dollars writes whole dollars with thousands separated, as the bot's Money does.
func dollars(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if v < 0 {
		return "-$" + b.String()
	}
	return "$" + b.String()
}

// TestCategoryChart draws charts and checks each is a PNG of the promised size with
// something drawn on it. INCUMBENT_CHART=/tmp/chart_*.png keeps them to look at (* is
// the case's name).
func TestCategoryChart(t *testing.T) {
	var cats []string
	var cur, pot []float64
	for i := range 14 {
		cats = append(cats, fmt.Sprintf("Category number %d with a long name", i))
		cur = append(cur, float64(1000*i))
		pot = append(pot, float64(5000+3000*i))
	}
	for _, tt := range []struct {
		name         string
		cats         []string
		current, pot []float64
	}{
		{"one", []string{"Fasteners"}, []float64{2500}, []float64{10000}},
		{"several", []string{"Fasteners", "Safety", "Welding", "Hydraulics"}, []float64{2500, 800, 0, 0}, []float64{10000, 800, 4000, 3000}},
		{"many, with other", cats, cur, pot},
		{"nothing sold", []string{"Safety"}, []float64{0}, []float64{0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := plot.Charter{}.CategoryChart("North — current vs potential by category", tt.cats, tt.current, tt.pot, dollars)
			if err != nil {
				t.Fatal(err)
			}
			if f := os.Getenv("INCUMBENT_CHART"); f != "" {
				os.WriteFile(strings.ReplaceAll(f, "*", strings.ReplaceAll(tt.name, " ", "_")), b, 0o644)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got := img.Bounds(); got != image.Rect(0, 0, plot.Width, plot.Height) {
				t.Errorf("size %v, want %d×%d", got, plot.Width, plot.Height)
			}
			colors := map[color.RGBA]int{}
			bounds := img.Bounds()
			for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
				for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
					colors[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
				}
			}
			if len(colors) < 3 {
				t.Errorf("%d colours: the chart is blank", len(colors))
			}
			t.Logf("%d bytes, %d colours", len(b), len(colors))
		})
	}
}

func TestCategoryChartErrors(t *testing.T) {
	for name, call := range map[string]func() ([]byte, error){
		"no category": func() ([]byte, error) { return plot.Charter{}.CategoryChart("t", nil, nil, nil, dollars) },
		"lengths": func() ([]byte, error) {
			return plot.Charter{}.CategoryChart("t", []string{"a", "b"}, []float64{1}, []float64{1, 2}, dollars)
		},
		"not a number": func() ([]byte, error) {
			return plot.Charter{}.CategoryChart("t", []string{"a"}, []float64{math.NaN()}, []float64{1}, dollars)
		},
	} {
		if _, err := call(); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
