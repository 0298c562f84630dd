// Package plot draws the charts of Incumbent's replies as PNG images, with
// gonum.org/v1/plot: a gap by category (the digest's too), a year's pace against its
// target, and a grade's criteria against the tiers. Each adapter is named after what it
// adapts; this one adapts gonum's plotting to bot.Charter.
package plot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	imagedraw "image/draw"
	"image/png"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	gonum "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"git.sr.ht/~sbinet/gg"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// The size of a chart: 800×450 pixels (16:9) at 96 dots per inch, readable in a chat
// message, where a phone shows it at about half that width.
const (
	Width  = 800
	Height = 450
	dpi    = 96
)

// maxLabel is how many characters of a category's name the axis shows.
const maxLabel = 20

// Font sizes, in points (at 96 dpi a point is 4/3 of a pixel): large, since chat shows
// the picture small.
const (
	titleSize = 18
	labelSize = 14
)

// The palette: Okabe and Ito's, told apart with every common colour blindness and in
// grey (dark blue, light blue, orange and vermillion differ in lightness too).
var (
	blue       = color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff} // what we have: current business, this year, scores
	skyBlue    = color.RGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff} // covered by the pipeline, last year
	orange     = color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff} // what nothing covers, the weighted score
	vermillion = color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff} // targets and thresholds
	grey       = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff} // "no data"
	gridColor  = color.RGBA{R: 0xd0, G: 0xd0, B: 0xd0, A: 0xff}
)

// sans is the typeface of every text: Liberation Sans, which gonum embeds.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Charter draws charts. The zero value is ready to use and safe for concurrent use.
type Charter struct{}

var _ bot.Charter = Charter{}

// Draw draws a chart as an 800×450 PNG. A chart of an unknown kind, without its part,
// or with a value that is not a number is an EINVALID error.
func (Charter) Draw(c *bot.Chart) ([]byte, error) {
	if c == nil {
		return nil, domain.Errorf(domain.EINVALID, "no chart to draw")
	}
	var (
		p   *gonum.Plot
		leg *legend
		err error
	)
	switch c.Kind {
	case bot.ChartCategories:
		p, leg, err = categories(c)
	case bot.ChartPace:
		p, leg, err = pace(c)
	case bot.ChartGrade:
		p, leg, err = grade(c)
	default:
		return nil, domain.Errorf(domain.EINVALID, "chart kind %q is not one of categories, pace, grade", c.Kind)
	}
	if err != nil {
		return nil, err
	}
	return render(p, leg)
}

// newPlot is a plot in the charts' one style: the title, the fonts and the grid.
func newPlot(title string) *gonum.Plot {
	p := gonum.New()
	// The canvas is white already (vgimg paints it so): painting the plot's area white
	// again through the rasterizer cost a tenth of a chart.
	p.BackgroundColor = nil
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*gonum.Axis{&p.X, &p.Y} {
		ax.Tick.Label.Font = font.From(sans, labelSize)
		ax.Label.TextStyle.Font = font.From(sans, labelSize)
	}
	return p
}

// legend is a chart's legend with its entries' names, to size its column (gonum's
// legend does not say).
type legend struct {
	*gonum.Legend
	names []string
}

func newLegend() *legend {
	l := gonum.NewLegend()
	l.TextStyle.Font = font.From(sans, labelSize)
	l.Top, l.Left = true, true
	l.Padding = vg.Points(4)
	return &legend{Legend: &l}
}

// add puts an entry in the legend.
func (l *legend) add(name string, thumb ...gonum.Thumbnailer) {
	l.Add(name, thumb...)
	l.names = append(l.names, name)
}

// render draws the plot with its legend in a column of its own on the right (so it never
// hides a bar or a line) and encodes it.
func render(p *gonum.Plot, legend *legend) ([]byte, error) {
	// A canvas over an image of our own: gonum's default copies a blank picture through
	// a scaler, a tenth of the time of a chart.
	img := canvases.Get().(*image.RGBA)
	defer canvases.Put(img) // vgimg paints it white first
	gc := gg.NewContextForRGBA(img)
	gc.SetLineCapButt()
	gc.SetInterpolator(glyphs{})
	gc.InvertY()
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, gc), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	var legendWidth vg.Length
	for _, e := range legend.names {
		legendWidth = max(legendWidth, legend.TextStyle.Width(e))
	}
	if legendWidth > 0 {
		legendWidth += legend.ThumbnailWidth + vg.Points(24)
	}
	p.Draw(draw.Crop(dc, vg.Points(4), -legendWidth-vg.Points(4), vg.Points(4), -vg.Points(4)))
	if legendWidth > 0 {
		top := p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding + vg.Points(4)
		legend.Draw(draw.Crop(dc, dc.Max.X-legendWidth+vg.Points(8), -vg.Points(8), 0, -top))
	}
	return encode(img)
}

// canvases are the pictures charts are drawn on, reused (each is 1.4 MB).
var canvases = sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, Width, Height)) }}

// glyphs is gg's interpolator for drawing text: a glyph moved by whole pixels, as every
// upright label is, is composited straight from its mask (image/draw's fast path for
// text) rather than resampled pixel by pixel, which took a quarter of a chart's time
// for the same pixels (but for rounding, at most 1 in a channel; the charts come out
// byte for byte the same); anything else is resampled bilinearly, as gg does.
type glyphs struct{}

func (glyphs) Scale(dst xdraw.Image, dr image.Rectangle, src image.Image, sr image.Rectangle, op xdraw.Op, opts *xdraw.Options) {
	xdraw.BiLinear.Scale(dst, dr, src, sr, op, opts)
}

func (glyphs) Transform(dst xdraw.Image, s2d f64.Aff3, src image.Image, sr image.Rectangle, op xdraw.Op, opts *xdraw.Options) {
	dx, dy := s2d[2], s2d[5]
	if opts != nil && opts.SrcMask != nil && opts.DstMask == nil && op == xdraw.Over &&
		s2d[0] == 1 && s2d[1] == 0 && s2d[3] == 0 && s2d[4] == 1 && dx == math.Trunc(dx) && dy == math.Trunc(dy) {
		if _, uniform := src.(*image.Uniform); uniform {
			r := sr.Add(image.Pt(int(dx), int(dy)))
			imagedraw.DrawMask(dst, r, src, image.Point{}, opts.SrcMask, opts.SrcMaskP, imagedraw.Over)
			return
		}
	}
	xdraw.BiLinear.Transform(dst, s2d, src, sr, op, opts)
}

// checkNumbers refuses values that are not numbers.
func checkNumbers(what string, vs ...float64) error {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return domain.Errorf(domain.EINVALID, "%s has a value that is not a number", what)
		}
	}
	return nil
}

// categories draws a bar per category, largest gap at the top: current business, then
// the gap the pipeline covers, then the gap nothing covers.
func categories(c *bot.Chart) (*gonum.Plot, *legend, error) {
	n := len(c.Categories)
	if n == 0 {
		return nil, nil, domain.Errorf(domain.EINVALID, "a category chart needs at least one category")
	}
	names := make([]string, n)
	cur, covered, uncovered := make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)
	var top float64
	for i, cat := range c.Categories {
		if err := checkNumbers(fmt.Sprintf("category %q", cat.Name), cat.Current, cat.Potential, cat.Gap, cat.Uncovered); err != nil {
			return nil, nil, err
		}
		// A nominal axis counts from the bottom: the first category at the top.
		j := n - 1 - i
		gap := max(0, cat.Gap)
		names[j] = label(cat.Name)
		cur[j] = max(0, cat.Current)
		uncovered[j] = min(gap, max(0, cat.Uncovered))
		covered[j] = gap - uncovered[j]
		top = max(top, cur[j]+gap, cat.Potential)
	}
	p := newPlot(c.Title)
	// Each category gets a band of the plot's height; its bar fills 60% of it.
	const plotHeight = Height*72.0/dpi - 90 // points, less the title and the value axis
	w := vg.Points(min(28, plotHeight/float64(n)*0.6))
	var bars []*plotter.BarChart
	for _, v := range []plotter.Values{cur, covered, uncovered} {
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, nil, fmt.Errorf("plot: category bars: %w", err)
		}
		b.Horizontal = true
		b.LineStyle.Width = 0
		if len(bars) > 0 {
			b.StackOn(bars[len(bars)-1])
		}
		bars = append(bars, b)
	}
	bars[0].Color, bars[1].Color, bars[2].Color = blue, skyBlue, orange
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color, grid.Vertical.Dashes = gridColor, nil
	p.Add(grid, bars[0], bars[1], bars[2])
	p.NominalY(names...)
	ticks := moneyTicks(top, compactMoney(c.Currency))
	p.X.Min, p.X.Max = 0, ticks[len(ticks)-1].Value
	p.X.Tick.Marker = gonum.ConstantTicks(ticks)
	l := newLegend()
	l.add("Current", bars[0])
	l.add("Gap in pipeline", bars[1])
	l.add("Gap, no plan", bars[2])
	return p, l, nil
}

// monthNames label the pace chart's months, at the middle of each.
var monthNames = []string{"J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"}

// pace draws the year's cumulative revenue by month, last year's dashed, the straight
// line to the target and the projection dotted.
func pace(c *bot.Chart) (*gonum.Plot, *legend, error) {
	d := c.Pace
	if d == nil || len(d.Months) == 0 {
		return nil, nil, domain.Errorf(domain.EINVALID, "a pace chart needs the year's months")
	}
	if err := checkNumbers("the pace", append(append([]float64{d.Elapsed, d.Target, d.Projection}, d.Months...), d.LastYear...)...); err != nil {
		return nil, nil, err
	}
	// Month i ends at x = i+1; the last point is at the as-of date.
	line := func(vs []float64) plotter.XYs {
		xy := plotter.XYs{{X: 0, Y: 0}}
		for i, v := range vs {
			x := float64(i + 1)
			if i == len(vs)-1 {
				x = math.Min(x, math.Max(float64(i), d.Elapsed*12))
			}
			xy = append(xy, plotter.XY{X: x, Y: v})
		}
		return xy
	}
	p := newPlot(c.Title)
	l := newLegend()
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color, grid.Horizontal.Dashes = gridColor, nil
	p.Add(grid)
	cur := line(d.Months)
	last := cur[len(cur)-1]
	ty, err := plotter.NewLine(cur)
	if err != nil {
		return nil, nil, fmt.Errorf("plot: this year: %w", err)
	}
	ty.Color, ty.Width = blue, vg.Points(3.5)
	l.add(fmt.Sprintf("%d", d.Year), ty)
	top := d.Target
	if len(d.LastYear) > 0 {
		ly, err := plotter.NewLine(line(d.LastYear))
		if err != nil {
			return nil, nil, fmt.Errorf("plot: last year: %w", err)
		}
		ly.Color, ly.Width, ly.Dashes = skyBlue, vg.Points(2.5), []vg.Length{vg.Points(8), vg.Points(5)}
		p.Add(ly)
		l.add(fmt.Sprintf("%d", d.Year-1), ly)
		top = max(top, d.LastYear[len(d.LastYear)-1])
	}
	if d.Target > 0 {
		t, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 12, Y: d.Target}})
		if err != nil {
			return nil, nil, fmt.Errorf("plot: pace line: %w", err)
		}
		t.Color, t.Width = vermillion, vg.Points(2)
		p.Add(t)
		l.add(d.TargetLabel, t)
	}
	if d.Projection > 0 && last.X < 12 {
		pr, err := plotter.NewLine(plotter.XYs{last, {X: 12, Y: d.Projection}})
		if err != nil {
			return nil, nil, fmt.Errorf("plot: projection: %w", err)
		}
		pr.Color, pr.Width, pr.Dashes = blue, vg.Points(2), []vg.Length{vg.Points(2), vg.Points(4)}
		p.Add(pr)
		l.add("Projection", pr)
		top = max(top, d.Projection)
	}
	p.Add(ty)
	top = max(top, last.Y)
	ticks := moneyTicks(top, compactMoney(c.Currency))
	p.Y.Min, p.Y.Max = 0, ticks[len(ticks)-1].Value
	p.Y.Tick.Marker = gonum.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0, 12
	var mt []gonum.Tick
	for i, m := range monthNames {
		mt = append(mt, gonum.Tick{Value: float64(i) + 0.5, Label: m})
	}
	p.X.Tick.Marker = gonum.ConstantTicks(mt)
	p.X.Tick.Length = 0
	return p, l, nil
}

// grade draws the criteria as bars on the 1–4 scale ("no data" where one has none) and
// the weighted score as a bar of its own with the tiers' thresholds marked across it.
func grade(c *bot.Chart) (*gonum.Plot, *legend, error) {
	d := c.Grade
	if d == nil || len(d.Criteria) == 0 {
		return nil, nil, domain.Errorf(domain.EINVALID, "a grade chart needs its criteria")
	}
	if err := checkNumbers("the grade", d.Score, d.Thresholds[0], d.Thresholds[1], d.Thresholds[2]); err != nil {
		return nil, nil, err
	}
	n := len(d.Criteria)
	scores, score := make(plotter.Values, n+1), make(plotter.Values, n+1)
	names := make([]string, n+1)
	var noData plotter.XYLabels
	for i, cr := range d.Criteria {
		names[i] = strings.Replace(label(cr.Name), " ", "\n", 1) // two short lines fit under a bar
		if cr.HasData {
			scores[i] = float64(cr.Score)
		} else {
			noData.XYs = append(noData.XYs, plotter.XY{X: float64(i), Y: 0.1})
			noData.Labels = append(noData.Labels, "no data")
		}
	}
	names[n], score[n] = "Score", d.Score
	p := newPlot(c.Title)
	w := vg.Points(min(60, (Width*72.0/dpi-200)/float64(n+2)*0.6))
	crit, err := plotter.NewBarChart(scores, w)
	if err != nil {
		return nil, nil, fmt.Errorf("plot: criteria: %w", err)
	}
	sc, err := plotter.NewBarChart(score, w)
	if err != nil {
		return nil, nil, fmt.Errorf("plot: score: %w", err)
	}
	crit.Color, sc.Color = blue, orange
	crit.LineStyle.Width, sc.LineStyle.Width = 0, 0
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color, grid.Horizontal.Dashes = gridColor, nil
	p.Add(grid, crit, sc)
	l := newLegend()
	l.add("Criterion", crit)
	l.add("Weighted", sc)
	if len(noData.XYs) > 0 {
		nd, err := plotter.NewLabels(noData)
		if err != nil {
			return nil, nil, fmt.Errorf("plot: no data: %w", err)
		}
		for i := range nd.TextStyle {
			nd.TextStyle[i].Font = font.From(sans, labelSize)
			nd.TextStyle[i].Color = grey
			nd.TextStyle[i].XAlign = draw.XCenter
		}
		p.Add(nd)
	}
	// The thresholds: a line across the score's bar, its value and tier beside it.
	var marks plotter.XYLabels
	for i, t := range d.Thresholds {
		if t <= 0 {
			continue
		}
		x := float64(n)
		ln, err := plotter.NewLine(plotter.XYs{{X: x - 0.45, Y: t}, {X: x + 0.45, Y: t}})
		if err != nil {
			return nil, nil, fmt.Errorf("plot: threshold: %w", err)
		}
		ln.Color, ln.Width, ln.Dashes = vermillion, vg.Points(2.5), []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(ln)
		if i == 0 {
			l.add("Tier lines", ln)
		}
		marks.XYs = append(marks.XYs, plotter.XY{X: x + 0.5, Y: t})
		marks.Labels = append(marks.Labels, fmt.Sprintf("%.2f %s", t, tierShort[i]))
	}
	if len(marks.XYs) > 0 {
		ml, err := plotter.NewLabels(marks)
		if err != nil {
			return nil, nil, fmt.Errorf("plot: thresholds: %w", err)
		}
		for i := range ml.TextStyle {
			ml.TextStyle[i].Font = font.From(sans, labelSize-2)
			ml.TextStyle[i].Color = vermillion
			ml.TextStyle[i].YAlign = draw.YCenter
		}
		p.Add(ml)
	}
	p.NominalX(names...)
	p.X.Max = float64(n) + 1.3 // room for the thresholds' words
	p.Y.Min, p.Y.Max = 0, 4
	p.Y.Tick.Marker = gonum.ConstantTicks([]gonum.Tick{{Value: 0, Label: "0"}, {Value: 1, Label: "1"}, {Value: 2, Label: "2"}, {Value: 3, Label: "3"}, {Value: 4, Label: "4"}})
	return p, l, nil
}

// tierShort names the tiers whose lowest scores the thresholds are, briefly.
var tierShort = [3]string{"Build", "Core", "Convenient"}

// encode writes the picture as a paletted PNG (a third of the size of a full-colour one,
// and faster to compress: chat platforms that carry images inline have small limits),
// compressed for speed rather than size.
func encode(img *image.RGBA) ([]byte, error) {
	pic := quantize(img)
	defer palettes.Put(pic)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: encoders}
	if err := enc.Encode(&buf, pic); err != nil {
		return nil, fmt.Errorf("plot: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// encoders keeps the PNG encoders' buffers (their compressors) between charts.
var encoders = &encoderPool{}

type encoderPool struct{ p sync.Pool }

func (e *encoderPool) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderPool) Put(b *png.EncoderBuffer) { e.p.Put(b) }

// pal is every colour of a chart with the shades between it and white: 16 of black
// (text, axes) and 8 of each other colour.
var pal = func() color.Palette {
	p := color.Palette{}
	ramp := func(c color.RGBA, steps int) {
		for i := range steps + 1 {
			mix := func(v uint8) uint8 { return uint8(255 - (255-int(v))*i/steps) }
			p = append(p, color.RGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xff})
		}
	}
	ramp(color.RGBA{A: 0xff}, 16)
	for _, c := range []color.RGBA{blue, skyBlue, orange, vermillion, grey, gridColor} {
		ramp(c, 8)
	}
	return p
}()

// quantize maps each pixel to its nearest colour of pal, remembering the colours seen
// (a chart has few) in a small table: much faster than image/draw's general path.
func quantize(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	out := palettes.Get().(*image.Paletted)
	if out.Rect != b {
		out = image.NewPaletted(b, pal)
	}
	type slot struct {
		key uint32 // the colour, with bit 24 set once the slot is filled
		idx uint8
	}
	var seen [1 << 12]slot
	prev, prevIdx := uint32(0), uint8(0) // most pixels are the colour of the one before
	for y := range b.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		orow := out.Pix[y*out.Stride : y*out.Stride+b.Dx()]
		for x := range orow {
			// The pixel as one word, R in the low byte; its alpha is left out.
			key := 1<<24 | binary.LittleEndian.Uint32(row[4*x:])&0xffffff
			if key == prev {
				orow[x] = prevIdx
				continue
			}
			s := &seen[(key*2654435761)>>20&(1<<12-1)]
			if s.key != key {
				s.key, s.idx = key, uint8(pal.Index(color.RGBA{R: uint8(key), G: uint8(key >> 8), B: uint8(key >> 16), A: 0xff}))
			}
			orow[x] = s.idx
			prev, prevIdx = key, s.idx
		}
	}
	return out
}

// palettes are the paletted pictures charts are encoded from, reused.
var palettes = sync.Pool{New: func() any { return image.NewPaletted(image.Rect(0, 0, Width, Height), pal) }}

// label shortens a name for an axis.
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

// compactMoney writes an axis amount short, in the currency of code: "$20k", "$1.5M",
// "€250", "SEK 40k".
func compactMoney(code string) func(float64) string {
	m, err := bot.NewMoney(code)
	if err != nil {
		m, _ = bot.NewMoney("")
	}
	return func(v float64) string {
		a := math.Abs(v)
		var s string
		switch {
		case a >= 1e6:
			s = strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", a/1e6), "0"), ".0")
			s = strings.TrimSuffix(s, ".0") + "M"
		case a >= 1e3:
			s = strings.TrimSuffix(fmt.Sprintf("%.1f", a/1e3), ".0") + "k"
		default:
			s = fmt.Sprintf("%.0f", a)
		}
		if v < 0 {
			return "-" + m.Symbol + s
		}
		return m.Symbol + s
	}
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
