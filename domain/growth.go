package domain

import "time"

// SuggestedGrowth is the share of the gap a suggested objective adds to the last twelve
// months' revenue.
const SuggestedGrowth = 0.20

// GrowthFinalDays is how few days must be left in the year for a growth reply to say
// what is needed in the days left rather than per month.
const GrowthFinalDays = 45

// Growth is the pace of an account or territory against its objective for a year (the
// year of the as-of date unless named), with the field names of DESIGN section 3. A
// past year is read as of its 31 December (AsOf); a year after the as-of date's carries
// its objective only. Without an objective it carries a suggested target instead, for
// SuggestedYear.
type Growth struct {
	Scope          ObjectiveScope `json:"scope"`
	Key            string         `json:"key"`
	Name           string         `json:"name"`
	Year           int            `json:"year"`
	AsOf           Date           `json:"as_of"`
	Target         float64        `json:"target,omitempty" money:"amount"`
	GPTarget       float64        `json:"gp_target,omitempty" money:"amount"`
	SetBy          string         `json:"set_by,omitempty"`
	YTD            float64        `json:"ytd" money:"amount"`
	Elapsed        float64        `json:"elapsed"`
	Expected       float64        `json:"expected,omitempty" money:"amount"`
	Pace           *float64       `json:"pace,omitempty"`
	Projection     float64        `json:"projection" money:"amount"`
	NeededPerMonth *float64       `json:"needed_per_month,omitempty" money:"amount"`
	// DaysLeft is the days of the year after AsOf: 0 on 31 December (the year is
	// closed), all of them for a year not started.
	DaysLeft int `json:"days_left"`
	// YTDLastYear is the revenue from 1 January of the year before to the same day a
	// year earlier; YoY = YTD/YTDLastYear − 1, nil when YTDLastYear is 0.
	YTDLastYear float64  `json:"ytd_last_year" money:"amount"`
	YoY         *float64 `json:"yoy"`
	// LastYearFrom is set when the sales on file begin after 1 January of the year
	// before (the date they begin): YTDLastYear is then partial and YoY nil.
	LastYearFrom Date    `json:"last_year_from,omitzero"`
	GPYTD        float64 `json:"gp_ytd" money:"amount"`
	HasObjective bool    `json:"has_objective"`
	// Without an objective: revenue over W plus 20% of the gap, for SuggestedYear (the
	// year, or the next when the as-of date is in the last quarter). None for a past
	// year.
	SuggestedTarget float64 `json:"suggested_target,omitempty" money:"amount"`
	SuggestedYear   int     `json:"suggested_year,omitempty"`
	RevenueW        float64 `json:"revenue_w" money:"amount"`
	GapTotal        float64 `json:"gap" money:"amount"`
	// Months is the cumulative revenue at the end of each month of the year that has
	// begun (the last at AsOf), for the pace chart; MonthsLastYear the same over the
	// year before to the same day a year earlier. Their last values are YTD and
	// YTDLastYear.
	Months         []float64 `json:"months,omitempty" money:"amount"`
	MonthsLastYear []float64 `json:"months_last_year,omitempty" money:"amount"`
}

// MonthPeriods returns the months of a year's periods from GrowthPeriods, the last one
// cut at the period's end: January to March 14 is three periods, the last 1–14 March.
func MonthPeriods(p Period) []Period {
	var out []Period
	for start := p.After.AddDate(0, 0, 1); !start.After(p.Through); start = start.AddDate(0, 1, 0) {
		end := start.AddDate(0, 1, -1)
		if end.After(p.Through) {
			end = p.Through
		}
		out = append(out, Period{After: start.AddDate(0, 0, -1), Through: end})
	}
	return out
}

// Closed reports whether the year is over: a past year, or the as-of date is its 31
// December.
func (g Growth) Closed() bool { return g.DaysLeft == 0 }

// Upcoming reports whether the year starts after the as-of date.
func (g Growth) Upcoming() bool { return g.Elapsed == 0 }

// YearToDate returns the period from 1 January of the as-of date's year to the as-of
// date, both included.
func YearToDate(asOf time.Time) Period {
	a := Day(asOf)
	return Period{After: time.Date(a.Year(), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1), Through: a}
}

// GrowthPeriods returns the date a growth of year is read at (the as-of date; 31
// December for a past year), and the periods it sums: the year to that date, and the
// year before to the same day a year earlier (29 February reads 28 February). ok is
// false for a year after the as-of date's: there is nothing to sum yet.
func GrowthPeriods(asOf time.Time, year int) (at time.Time, ytd, lastYear Period, ok bool) {
	a := Day(asOf)
	switch {
	case year > a.Year():
		return a, Period{}, Period{}, false
	case year < a.Year():
		a = time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	before := time.Date(year-1, a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	if a.Month() == time.February && a.Day() == 29 {
		before = time.Date(year-1, 2, 28, 0, 0, 0, 0, time.UTC)
	}
	return a, YearToDate(a), Period{After: time.Date(year-2, 12, 31, 0, 0, 0, 0, time.UTC), Through: before}, true
}

// GrowthInput is what a growth is computed from.
type GrowthInput struct {
	Scope     ObjectiveScope
	Key, Name string
	AsOf      time.Time
	// Year is the objective's year; 0 means the year of AsOf.
	Year      int
	Objective *Objective // nil when none is set for Year
	// YTD, GPYTD and YTDLastYear are the revenue and gross profit of GrowthPeriods'
	// year to date and the revenue of its year before.
	YTD, GPYTD, YTDLastYear float64
	// RevenueW and Gap are the revenue over W and the total gap at AsOf, for the
	// suggestion.
	RevenueW, Gap float64
	// Months and MonthsLastYear are the revenue of each month of those periods
	// (MonthPeriods), summed cumulatively for the chart.
	Months, MonthsLastYear []float64
	// SalesFrom is the first day of the sales on file (zero: unknown): a year before it
	// began is not compared with.
	SalesFrom time.Time
}

// cumulative returns the running sums of v; nil for none.
func cumulative(v []float64) []float64 {
	if len(v) == 0 {
		return nil
	}
	out := make([]float64, len(v))
	var sum float64
	for i, x := range v {
		sum += x
		out[i] = sum
	}
	return out
}

// ComputeGrowth computes DESIGN section 3 "Growth" (v2).
func ComputeGrowth(in GrowthInput) Growth {
	a := Day(in.AsOf)
	year := in.Year
	if year == 0 {
		year = a.Year()
	}
	at, _, _, started := GrowthPeriods(a, year)
	jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	daysInYear := int(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(jan1).Hours() / 24)
	g := Growth{Scope: in.Scope, Key: in.Key, Name: in.Name, Year: year, AsOf: DateOf(at),
		RevenueW: in.RevenueW, GapTotal: in.Gap, DaysLeft: daysInYear}
	if started {
		elapsedDays := int(at.Sub(jan1).Hours()/24) + 1
		g.YTD, g.GPYTD, g.YTDLastYear = in.YTD, in.GPYTD, in.YTDLastYear
		g.Months, g.MonthsLastYear = cumulative(in.Months), cumulative(in.MonthsLastYear)
		g.Elapsed = float64(elapsedDays) / float64(daysInYear)
		g.DaysLeft = daysInYear - elapsedDays
		g.Projection = g.YTD / g.Elapsed
		switch lastJan1 := jan1.AddDate(-1, 0, 0); {
		case !in.SalesFrom.IsZero() && Day(in.SalesFrom).After(lastJan1):
			g.LastYearFrom = DateOf(in.SalesFrom)
		case g.YTDLastYear != 0:
			y := g.YTD/g.YTDLastYear - 1
			g.YoY = &y
		}
	}
	if in.Objective == nil {
		switch {
		case year > a.Year():
			g.SuggestedYear = year
		case year < a.Year():
			return g // no objective for a year gone by
		case a.Month() >= time.October:
			g.SuggestedYear = year + 1
		default:
			g.SuggestedYear = year
		}
		g.SuggestedTarget = in.RevenueW + SuggestedGrowth*in.Gap
		return g
	}
	g.HasObjective = true
	g.Target, g.GPTarget, g.SetBy = in.Objective.RevenueTarget, in.Objective.GPTarget, in.Objective.SetBy
	if !started {
		return g
	}
	g.Expected = g.Target * g.Elapsed
	if g.Expected > 0 {
		p := g.YTD / g.Expected
		g.Pace = &p
	}
	if g.Elapsed < 1 {
		n := (g.Target - g.YTD) / (12 * (1 - g.Elapsed))
		g.NeededPerMonth = &n
	}
	return g
}
