// Package plot draws the charts of Incumbent's replies as PNG images, with
// gonum.org/v1/plot: the weekly digest's business by category, what we sell next to
// what the customers spend. Each adapter is named after what it adapts; this one adapts
// gonum's plotting to bot.Charter.
package plot

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/color"
	xdraw "image/draw"
	"image/png"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	gonum "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// The size of a chart: 800×450 pixels (16:9) at 96 dots per inch, readable in a chat
// message, where it is often shown at half that width.
const (
	Width  = 800
	Height = 450
	dpi    = 96
)

// MaxCategories is how many bars a chart shows: the categories with the largest
// potential, and the rest summed as "Other".
const MaxCategories = 10

// maxLabel is how many characters of a category's name the axis shows.
const maxLabel = 22

// Font sizes, in points (at 96 dpi a point is 4/3 of a pixel): large, since chat shows
// the picture small.
const (
	titleSize = 18
	labelSize = 14
)

// Colours: what we sell in a strong blue, the potential in a light one, so the two read
// apart in grey too.
var (
	currentColor   = color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	potentialColor = color.RGBA{R: 0xa9, G: 0xc8, B: 0xe8, A: 0xff}
	gridColor      = color.RGBA{R: 0xc8, G: 0xc8, B: 0xc8, A: 0xff}
)

// sans is the typeface of every text: Liberation Sans, which gonum embeds.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Charter draws charts. The zero value is ready to use and safe for concurrent use.
type Charter struct{}

var _ bot.Charter = Charter{}

// bar is one category's pair of bars.
type bar struct {
	name               string
	current, potential float64
}

// CategoryChart draws grouped horizontal bars of the current business and the potential
// of each category (the slices are parallel), largest potential at the top, at most
// MaxCategories bars with the rest summed as "Other", with money on the value axis
// written by money. It returns the PNG. No category, slices of different lengths or a
// value that is not a number are EINVALID errors.
func (Charter) CategoryChart(title string, cats []string, current, potential []float64, money func(float64) string) ([]byte, error) {
	if len(cats) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "a category chart needs at least one category")
	}
	if len(current) != len(cats) || len(potential) != len(cats) {
		return nil, domain.Errorf(domain.EINVALID, "a category chart needs a current and a potential value for each of its %d categories (got %d and %d)",
			len(cats), len(current), len(potential))
	}
	if money == nil {
		money = func(v float64) string { return fmt.Sprintf("%.0f", v) }
	}
	bars := make([]bar, len(cats))
	for i, c := range cats {
		for _, v := range []float64{current[i], potential[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, domain.Errorf(domain.EINVALID, "category %q has a value that is not a number", c)
			}
		}
		bars[i] = bar{name: c, current: max(0, current[i]), potential: max(0, potential[i])}
	}
	bars = group(bars)

	p := gonum.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*gonum.Axis{&p.X, &p.Y} {
		ax.Tick.Label.Font = font.From(sans, labelSize)
		ax.Label.TextStyle.Font = font.From(sans, labelSize)
	}

	// The largest potential at the top: a nominal axis counts from the bottom.
	n := len(bars)
	names := make([]string, n)
	cur, pot := make(plotter.Values, n), make(plotter.Values, n)
	for i, b := range bars {
		j := n - 1 - i
		names[j], cur[j], pot[j] = label(b.name), b.current, b.potential
	}

	// Each category gets a band of the plot's height; its two bars fill 70% of it.
	const plotHeight = Height*72.0/dpi - 90 // points, less the title and the value axis
	w := vg.Points(min(26, plotHeight/float64(n)*0.35))
	curBars, err := plotter.NewBarChart(cur, w)
	if err != nil {
		return nil, fmt.Errorf("plot: current bars: %w", err)
	}
	potBars, err := plotter.NewBarChart(pot, w)
	if err != nil {
		return nil, fmt.Errorf("plot: potential bars: %w", err)
	}
	for _, b := range []*plotter.BarChart{curBars, potBars} {
		b.Horizontal = true
		b.LineStyle.Width = 0
	}
	curBars.Color, curBars.Offset = currentColor, w/2
	potBars.Color, potBars.Offset = potentialColor, -w/2
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color, grid.Vertical.Dashes = gridColor, nil
	p.Add(grid, potBars, curBars)
	p.NominalY(names...)
	var top float64
	for _, b := range bars {
		top = max(top, b.current, b.potential)
	}
	ticks := moneyTicks(top, money)
	p.X.Min, p.X.Max = 0, ticks[len(ticks)-1].Value
	p.X.Tick.Marker = gonum.ConstantTicks(ticks)

	legend := gonum.NewLegend()
	legend.TextStyle.Font = font.From(sans, labelSize)
	legend.Top, legend.Left = true, true
	legend.Padding = vg.Points(4)
	legend.Add("Current", curBars)
	legend.Add("Potential", potBars)

	c := vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	// The legend gets a column of its own on the right, so it never hides a bar.
	legendWidth := legend.TextStyle.Width("Potential") + legend.ThumbnailWidth + vg.Points(24)
	p.Draw(draw.Crop(dc, vg.Points(4), -legendWidth, vg.Points(4), -vg.Points(4)))
	legendArea := draw.Crop(dc, dc.Max.X-legendWidth+vg.Points(8), -vg.Points(8), 0, -(p.Title.TextStyle.Height(title) + p.Title.Padding + vg.Points(4)))
	legend.Draw(legendArea)

	// Drawn in a few colours (the antialiasing of black text and of each colour on
	// white), the picture is a paletted PNG a third of the size of a full-colour one:
	// chat platforms that carry images inline (Teams cards) have small limits.
	img := c.Image()
	pal := image.NewPaletted(img.Bounds(), palette())
	xdraw.Draw(pal, img.Bounds(), img, img.Bounds().Min, xdraw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, pal); err != nil {
		return nil, fmt.Errorf("plot: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// palette is every colour of a chart with the shades between it and white: 16 of
// black (text, axes) and 8 of each other colour.
func palette() color.Palette {
	p := color.Palette{}
	ramp := func(c color.RGBA, steps int) {
		for i := range steps + 1 {
			mix := func(v uint8) uint8 { return uint8(255 - (255-int(v))*i/steps) }
			p = append(p, color.RGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xff})
		}
	}
	ramp(color.RGBA{A: 0xff}, 16)
	for _, c := range []color.RGBA{currentColor, potentialColor, gridColor} {
		ramp(c, 8)
	}
	return p
}

// group sorts the categories by potential, largest first (then current, then name), and
// sums those beyond MaxCategories − 1 into "Other" when there are more than MaxCategories.
func group(bars []bar) []bar {
	bars = slices.Clone(bars)
	slices.SortStableFunc(bars, func(a, b bar) int {
		return cmp.Or(cmp.Compare(b.potential, a.potential), cmp.Compare(b.current, a.current),
			cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)))
	})
	if len(bars) <= MaxCategories {
		return bars
	}
	other := bar{name: fmt.Sprintf("Other (%d)", len(bars)-(MaxCategories-1))}
	for _, b := range bars[MaxCategories-1:] {
		other.current += b.current
		other.potential += b.potential
	}
	return append(bars[:MaxCategories-1:MaxCategories-1], other)
}

// label shortens a category's name for the axis.
func label(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(none)"
	}
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxLabel-1])) + "…"
}

// moneyTicks returns evenly spaced ticks (three to five, fewer below 4 units) from 0 to
// a round amount at or above top, labelled as money: 0, 10,000, 20,000, 30,000 for a top
// of 28,000.
func moneyTicks(top float64, money func(float64) string) []gonum.Tick {
	if top <= 0 {
		top = 1 // nothing sold and no potential: an axis from 0 all the same
	}
	raw := top / 4
	mag := max(1, math.Pow(10, math.Floor(math.Log10(raw)))) // whole units: money is written so
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	n := int(math.Ceil(top/step - 1e-9))
	ticks := make([]gonum.Tick, 0, n+1)
	for i := range n + 1 {
		v := float64(i) * step
		ticks = append(ticks, gonum.Tick{Value: v, Label: money(v)})
	}
	return ticks
}
