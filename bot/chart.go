package bot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// Chart kinds: what a Chart draws.
const (
	// ChartCategories: a horizontal bar per category, the current business then the gap,
	// split into what the pipeline covers and what nothing covers.
	ChartCategories = "categories"
	// ChartPace: cumulative revenue by month against a straight pace line to a target,
	// last year's cumulative and the projection.
	ChartPace = "pace"
	// ChartGrade: the grade's criteria on the 1–4 scale and the weighted score against
	// the tiers' thresholds.
	ChartGrade = "grade"
)

// ChartCategoryBars is how many categories a category chart names: those with the
// largest gap; the rest are summed as "Other".
const ChartCategoryBars = 8

// Chart is a picture of a reply's figures, described rather than drawn: the reply
// carries it, and only adapters that show pictures draw it (Bot.DrawChart), so a reply
// read as text or JSON costs no drawing. Every number in it is one the reply already
// has. Kind says which of the parts below is set.
type Chart struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	// AltText says what the picture shows, for screen readers and where it is not shown.
	AltText string `json:"alt_text"`
	// Currency is the ISO 4217 code of the money axes.
	Currency   string          `json:"currency,omitempty"`
	Categories []ChartCategory `json:"categories,omitempty"`
	Pace       *ChartPaceData  `json:"pace,omitempty"`
	Grade      *ChartGradeData `json:"grade,omitempty"`
}

func (*Chart) block() {}

// ChartCategory is one bar of a category chart: Current, then Gap − Uncovered (in the
// pipeline), then Uncovered (no plan).
type ChartCategory struct {
	Name      string  `json:"name"`
	Current   float64 `json:"current"`
	Potential float64 `json:"potential"`
	Gap       float64 `json:"gap"`
	Uncovered float64 `json:"uncovered"`
}

// ChartPaceData is a year's cumulative revenue against its target.
type ChartPaceData struct {
	Year int `json:"year"`
	// Months is the cumulative revenue at the end of each month of the year so far (the
	// last one at the as-of date); LastYear the same a year earlier.
	Months   []float64 `json:"months"`
	LastYear []float64 `json:"last_year,omitempty"`
	// Elapsed is the share of the year gone at the as-of date (1 for a past year).
	Elapsed float64 `json:"elapsed"`
	// Target is where the straight pace line ends on 31 December; TargetLabel names it
	// ("Objective", "Suggested target"). Zero: no pace line.
	Target      float64 `json:"target,omitempty"`
	TargetLabel string  `json:"target_label,omitempty"`
	// Projection is where the year ends at this rate (drawn from the last month to 31
	// December); zero for a year over.
	Projection float64 `json:"projection,omitempty"`
}

// ChartGradeData is a grade's criteria and score.
type ChartGradeData struct {
	Criteria []ChartCriterion `json:"criteria"`
	Score    float64          `json:"score"`
	Tier     string           `json:"tier"`
	// Thresholds are the lowest scores of Business Build, Core Customer and Convenient
	// Sale.
	Thresholds [3]float64 `json:"thresholds"`
}

// ChartCriterion is one criterion's score (1–4), or none when it has no data.
type ChartCriterion struct {
	Name    string `json:"name"`
	Score   int    `json:"score"`
	HasData bool   `json:"has_data"`
}

// Charter draws a chart as a PNG (adapters/plot).
type Charter interface {
	Draw(c *Chart) ([]byte, error)
}

// chartTTL bounds how long a drawn chart is kept; its key is its figures, so a chart
// whose figures change is drawn anew.
const chartTTL = cacheTTL

// DrawChart draws a chart as a PNG once per set of figures: a chart drawn before (for
// the same reply cache entry, or any chart with the same figures) is read from the
// reply cache. ENOTFOUND without a Charter.
func (b *Bot) DrawChart(ctx context.Context, c *Chart) ([]byte, error) {
	if b.Charter == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "this deployment draws no charts")
	}
	spec, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	h := sha256.Sum256(spec)
	key := "reply:chart:" + hex.EncodeToString(h[:16]) // kept, and bounded, with the replies
	if b.Cache != nil {
		if png, ok, err := b.Cache.Get(ctx, key); err == nil && ok {
			return png, nil
		}
	}
	png, err := b.Charter.Draw(c)
	if err != nil {
		return nil, err
	}
	if b.Cache != nil {
		if err := b.Cache.Set(ctx, key, png, chartTTL); err != nil {
			b.Logger.WarnContext(ctx, "chart not cached", "err", err)
		}
	}
	return png, nil
}

// Draws reports whether the bot can draw charts (it has a Charter).
func (b *Bot) Draws() bool { return b.Charter != nil }

// Drawn returns the reply with each chart drawn: an Image with its PNG and alt text in
// its place, or nothing where it cannot be drawn (logged): for adapters that show
// pictures inline (the playground, Teams).
func (b *Bot) Drawn(ctx context.Context, r Reply) Reply {
	if !slices.ContainsFunc(r.Blocks, func(x Block) bool { _, ok := x.(*Chart); return ok }) {
		return r
	}
	out := make([]Block, 0, len(r.Blocks))
	for _, x := range r.Blocks {
		c, ok := x.(*Chart)
		if !ok {
			out = append(out, x)
			continue
		}
		png, err := b.DrawChart(ctx, c)
		if err != nil {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				b.Logger.WarnContext(ctx, "chart left out", "title", c.Title, "err", err)
			}
			continue
		}
		out = append(out, &Image{PNG: png, AltText: c.AltText})
	}
	r.Blocks = out
	return r
}

// ReplyChart returns the reply's first chart, nil when it has none.
func ReplyChart(r Reply) *Chart {
	for _, x := range r.Blocks {
		if c, ok := x.(*Chart); ok {
			return c
		}
	}
	return nil
}

// WithoutCharts returns blocks without their charts.
func WithoutCharts(blocks []Block) []Block {
	return slices.DeleteFunc(slices.Clone(blocks), func(x Block) bool { _, ok := x.(*Chart); return ok })
}

// categoryChart is the chart of a gap by category: the ChartCategoryBars categories with
// the largest gap (then potential, current, name), the rest summed as "Other"; nil when
// there is nothing to show (no current business and no potential).
func (b *Bot) categoryChart(title, of string, cats []ChartCategory) *Chart {
	var total float64
	for _, c := range cats {
		total += c.Current + c.Potential
	}
	if len(cats) == 0 || total <= 0 {
		return nil
	}
	cats = slices.Clone(cats)
	slices.SortStableFunc(cats, func(a, c ChartCategory) int {
		return cmp.Or(cmp.Compare(c.Gap, a.Gap), cmp.Compare(c.Potential, a.Potential), cmp.Compare(c.Current, a.Current),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(c.Name)))
	})
	if len(cats) > ChartCategoryBars+1 {
		other := ChartCategory{Name: fmt.Sprintf("Other (%d)", len(cats)-ChartCategoryBars)}
		for _, c := range cats[ChartCategoryBars:] {
			other.Current += c.Current
			other.Potential += c.Potential
			other.Gap += c.Gap
			other.Uncovered += c.Uncovered
		}
		cats = append(cats[:ChartCategoryBars:ChartCategoryBars], other)
	}
	var alt []string
	for i, c := range cats {
		if i == 3 {
			break
		}
		alt = append(alt, fmt.Sprintf("%s %s of %s, %s with no plan", c.Name, b.Money.Format(c.Current), b.Money.Format(c.Potential), b.Money.Format(c.Uncovered)))
	}
	text := fmt.Sprintf("Current vs potential by category in %s, largest gap first: %s", of, strings.Join(alt, "; "))
	if len(cats) > 3 {
		text += fmt.Sprintf("; and %d more", len(cats)-3)
	}
	return &Chart{Kind: ChartCategories, Title: title, AltText: text, Currency: b.Money.Code, Categories: cats}
}

// gapCategories are a gap's categories as a chart draws them.
func gapCategories(cats []domain.CategoryGap) []ChartCategory {
	out := make([]ChartCategory, len(cats))
	for i, c := range cats {
		out[i] = ChartCategory{Name: c.Category, Current: c.Current, Potential: c.Potential, Gap: c.Gap, Uncovered: c.Uncovered}
	}
	return out
}

// rollupCategories are a roll-up's categories as a chart draws them.
func rollupCategories(cats []domain.CategoryRollup) []ChartCategory {
	out := make([]ChartCategory, len(cats))
	for i, c := range cats {
		out[i] = ChartCategory{Name: c.Category, Current: c.Current, Potential: c.Potential, Gap: c.Gap, Uncovered: c.Uncovered}
	}
	return out
}

// paceChart is the chart of a growth: nil for a year not begun, or with no monthly
// figures.
func (b *Bot) paceChart(g domain.Growth) *Chart {
	if g.Upcoming() || len(g.Months) == 0 {
		return nil
	}
	p := &ChartPaceData{Year: g.Year, Months: g.Months, LastYear: g.MonthsLastYear, Elapsed: g.Elapsed}
	if g.LastYearFrom != (domain.Date{}) {
		p.LastYear = nil // partial: not a year to compare with
	}
	switch {
	case g.HasObjective:
		p.Target, p.TargetLabel = g.Target, "Objective"
	case g.SuggestedYear == g.Year && g.SuggestedTarget > 0:
		p.Target, p.TargetLabel = g.SuggestedTarget, "Suggested target"
	}
	if !g.Closed() {
		p.Projection = g.Projection
	}
	text := fmt.Sprintf("Cumulative revenue in %d: %s", g.Year, b.Money.Format(g.YTD))
	if !g.Closed() {
		text += " to " + g.AsOf.Time().Format("2 Jan")
	}
	if p.Target > 0 {
		text += fmt.Sprintf(" against a straight line to the %s of %s", strings.ToLower(p.TargetLabel), b.Money.Format(p.Target))
	}
	if p.Projection > 0 {
		text += "; projected " + b.Money.Format(p.Projection)
	}
	if p.LastYear != nil {
		text += fmt.Sprintf("; %s by then last year", b.Money.Format(g.YTDLastYear))
	}
	return &Chart{Kind: ChartPace, Title: fmt.Sprintf("%s — revenue %d", g.Name, g.Year), AltText: text + ".",
		Currency: b.Money.Code, Pace: p}
}

// gradeChart is the chart of a graded account's grade.
func (b *Bot) gradeChart(g domain.Grade) *Chart {
	if !g.Graded {
		return nil
	}
	d := &ChartGradeData{Score: g.Score, Tier: g.Tier}
	if b.Grades != nil {
		d.Thresholds = b.Grades.Settings.Tiers
	}
	var alt []string
	for _, c := range g.Criteria {
		d.Criteria = append(d.Criteria, ChartCriterion{Name: criterionTitles[c.Name], Score: c.Score, HasData: c.HasData})
		if c.HasData {
			alt = append(alt, fmt.Sprintf("%s %d", criterionTitles[c.Name], c.Score))
		} else {
			alt = append(alt, criterionTitles[c.Name]+" no data")
		}
	}
	text := fmt.Sprintf("Scores on 1 to 4: %s; weighted score %.2f, %s.", strings.Join(alt, ", "), g.Score, g.Tier)
	return &Chart{Kind: ChartGrade, Title: fmt.Sprintf("%s — %s, %.2f of 4", g.Name, g.Tier, g.Score), AltText: text, Grade: d}
}
