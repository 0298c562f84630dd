package demo

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// objective is a row of objectives.csv.
type objective struct {
	scope, key        string
	year              int
	revenue, gpTarget float64
}

// writeObjectives writes, for the year of End, a revenue target per territory and for
// the top tenth of the accounts (and Acme) of 5% to 25% over the year before, and, when
// the history covers enough of it, the target of the year before, which they met more or
// less. About half the targets have a gross-profit target too.
func (g *generator) writeObjectives(ctx context.Context, dir string) error {
	r := g.rng(streamObjectives)
	year := g.opt.End.Year()
	cover := g.coverage(year - 1)

	// base returns the revenue of the year before, annualised, or of W when the history
	// holds too little of it; prev the revenue of the year before when there is enough.
	base := func(revPrev, revW int64) float64 {
		if cover >= 0.25 {
			return float64(revPrev) / 100 / cover
		}
		return float64(revW) / 100
	}
	objectives := func(scope, key string, revPrev, revW, costW int64) []objective {
		var out []objective
		b := base(revPrev, revW)
		if b <= 0 {
			return nil
		}
		gp := 0.0
		if revW > 0 {
			gp = float64(revW-costW) / float64(revW)
		}
		if cover >= 0.5 {
			o := objective{scope: scope, key: key, year: year - 1,
				revenue: roundSig(b/uniform(r, 0.85, 1.12), 3)}
			if r.Float64() < 0.5 && gp > 0 {
				o.gpTarget = roundSig(o.revenue*gp*uniform(r, 1, 1.05), 3)
			}
			out = append(out, o)
		}
		o := objective{scope: scope, key: key, year: year, revenue: roundSig(b*uniform(r, 1.05, 1.25), 3)}
		if r.Float64() < 0.5 && gp > 0 {
			o.gpTarget = roundSig(o.revenue*gp*uniform(r, 1, 1.05), 3)
		}
		return append(out, o)
	}

	var rows []objective
	type sums struct{ prev, w, cost int64 }
	byTerritory := make([]sums, len(g.territories))
	for _, a := range g.accounts {
		s := &byTerritory[a.territory]
		s.prev += a.revYear[1]
		s.w += a.revW
		s.cost += a.costW
	}
	for i, t := range g.territories {
		s := byTerritory[i]
		rows = append(rows, objectives("territory", t.spec.name, s.prev, s.w, s.cost)...)
	}
	top := g.topAccounts()
	top = top[:(len(top)+9)/10]
	if !slices.Contains(top, 0) {
		top = append(top, 0)
	}
	slices.Sort(top)
	for _, i := range top {
		if err := checkCtx(ctx); err != nil {
			return err
		}
		a := g.accounts[i]
		rows = append(rows, objectives("account", a.id, a.revYear[1], a.revW, a.costW)...)
	}

	return g.writeTable(dir, fileObjectives, func(t *table) error {
		for _, o := range rows {
			gp := ""
			if o.gpTarget > 0 {
				gp = money(o.gpTarget)
			}
			if err := t.write(o.scope, o.key, strconv.Itoa(o.year), money(o.revenue), gp); err != nil {
				return err
			}
		}
		return nil
	})
}

// coverage returns the share of the days of year y that lie in the history.
func (g *generator) coverage(y int) float64 {
	first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	next := first.AddDate(1, 0, 0)
	lo := max(g.dayIndex(first), 0)
	hi := min(g.dayIndex(next)-1, g.days-1)
	if hi < lo {
		return 0
	}
	return float64(hi-lo+1) / (next.Sub(first).Hours() / 24)
}
