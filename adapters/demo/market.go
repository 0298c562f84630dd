package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// gapCategory is a category of an account as the opportunities see it: what it buys from
// us and what it could.
type gapCategory struct {
	cat        int
	current    float64 // revenue in W, dollars
	potential  float64 // the estimate, or current when there is none
	competitor string
	bought     bool
}

// writePotential writes potential.csv and opportunities.csv. For a category an account
// buys, the potential is usually 1.2 to 4 times what it bought in W; some rows are below
// it (understated) and some are missing (no estimate). Every account also has a few
// whitespace categories it buys elsewhere. Opportunities, about 1.5 an account, go
// mostly after the whitespace.
func (g *generator) writePotential(ctx context.Context, dir string) error {
	pot, err := createTable(dir, filePotential)
	if err != nil {
		return err
	}
	defer pot.abort()
	opp, err := createTable(dir, fileOpportunities)
	if err != nil {
		return err
	}
	defer opp.abort()

	r := g.rng(streamPotential)
	ow := oppWriter{t: opp, width: max(5, digits(4*len(g.accounts))), end: g.opt.End}
	var gaps []gapCategory
	for ai, a := range g.accounts {
		if err := checkCtx(ctx); err != nil {
			return err
		}
		gaps = gaps[:0]
		for _, cp := range a.cats {
			gc := gapCategory{cat: cp.cat, current: float64(cp.revW) / 100, bought: true}
			gc.competitor = pickCompetitor(r)
			u := r.Float64()
			if ai == 0 && categorySpecs[cp.cat].name == "Abrasives" {
				gc.competitor, u = acmeRival, 1 // an estimate, and who is taking it
			}
			switch {
			case gc.current <= 0:
				gc.potential = whitespacePotential(r, a)
			case u < 0.10: // no estimate
				gc.potential = gc.current
				gaps = append(gaps, gc)
				continue
			case u < 0.18: // understated
				gc.potential = floorSig(gc.current*uniform(r, 0.5, 0.95), 2)
			default:
				gc.potential = roundSig(gc.current*uniform(r, 1.2, 4), 2)
				for gc.potential <= gc.current {
					gc.potential = roundSig(gc.potential*1.25, 2)
				}
			}
			gaps = append(gaps, gc)
			if err := writePotentialRow(r, pot, a, gc); err != nil {
				return err
			}
		}
		for _, c := range a.whitespace {
			gc := gapCategory{cat: c, potential: whitespacePotential(r, a), competitor: pickCompetitor(r)}
			gaps = append(gaps, gc)
			if err := writePotentialRow(r, pot, a, gc); err != nil {
				return err
			}
		}
		if err := ow.write(r, a, ai == 0, gaps); err != nil {
			return err
		}
	}
	if err := pot.close(g); err != nil {
		return err
	}
	return opp.close(g)
}

func writePotentialRow(r *rand.Rand, t *table, a *account, gc gapCategory) error {
	note := ""
	if r.Float64() < 0.15 {
		note = pick(r, potentialNotes)
	}
	return t.write(a.id, categorySpecs[gc.cat].name, money(gc.potential), gc.competitor, note)
}

// whitespacePotential estimates what an account spends a year in a category it does not
// buy from us: 5% to 35% of its spend with us, at least 1,000.
func whitespacePotential(r *rand.Rand, a *account) float64 {
	return max(1000, roundSig(a.annual*uniform(r, 0.05, 0.35), 2))
}

// pickCompetitor returns who holds the business we do not have: mostly a national
// distributor, sometimes a regional one, sometimes unknown.
func pickCompetitor(r *rand.Rand) string {
	switch u := r.Float64(); {
	case u < 0.15:
		return ""
	case u < 0.75:
		return pick(r, competitors[:7])
	default:
		return pick(r, competitors[7:])
	}
}

// oppWriter writes the opportunities of one account after another.
type oppWriter struct {
	t     *table
	width int
	seq   int
	end   time.Time
}

// write writes zero to four opportunities for the account (more for larger accounts),
// mostly on whitespace, with a value that is a part of the gap.
func (w *oppWriter) write(r *rand.Rand, a *account, acme bool, gaps []gapCategory) error {
	var white, open []gapCategory
	for _, gc := range gaps {
		switch {
		case !gc.bought:
			white = append(white, gc)
		case gc.potential > gc.current:
			open = append(open, gc)
		}
	}
	n := min(4, stochRound(r, 1.5*math.Exp(0.35*a.z-0.06)*uniform(r, 0.4, 1.6)))
	if acme {
		n = 4
	}
	for i := range n {
		var gc gapCategory
		var value float64
		if len(white) > 0 && (r.Float64() < 0.65 || len(open) == 0) {
			gc = pick(r, white)
			value = gc.potential * uniform(r, 0.2, 0.8)
		} else if len(open) > 0 {
			gc = pick(r, open)
			value = (gc.potential - gc.current) * uniform(r, 0.3, 0.8)
		} else {
			gc = pick(r, gaps) // a category with no estimate
			value = gc.current * uniform(r, 0.2, 0.5)
		}
		value = max(500, roundSig(value, 2))
		st := stages[pickWeighted(r, stageWeights)]
		if acme && i < 2 {
			st = stages[2+i] // proposal, negotiation: Acme always has open pipeline
		}
		var close time.Time
		nextStep := ""
		switch st.name {
		case "won":
			close = w.end.AddDate(0, 0, -between(r, 3, 300))
			nextStep = pick(r, wonNextSteps)
		case "lost":
			close = w.end.AddDate(0, 0, -between(r, 3, 300))
			nextStep = pick(r, lostNextSteps)
		default:
			close = w.end.AddDate(0, 0, between(r, 7, 180))
			nextStep = pick(r, openNextSteps)
		}
		competitor := gc.competitor
		if competitor == "" {
			competitor = pickCompetitor(r)
		}
		w.seq++
		err := w.t.write(padded("O", w.seq, w.width), a.id, categorySpecs[gc.cat].name,
			fmt.Sprintf(pick(r, oppTemplates), categorySpecs[gc.cat].name), money(value),
			st.name, number(st.probability), close.Format(domain.DateLayout), competitor, nextStep)
		if err != nil {
			return err
		}
	}
	return nil
}

var stageWeights = func() []float64 {
	w := make([]float64, len(stages))
	for i, s := range stages {
		w[i] = s.weight
	}
	return w
}()

// rfq is a row of rfqs.csv before it gets its id.
type rfq struct {
	date    time.Time
	cat     int
	value   float64
	outcome string
}

// writeRFQs writes two to six RFQs per account over the last 24 months. Whether we were
// invited follows the account's habit; recent ones are often still pending.
func (g *generator) writeRFQs(ctx context.Context, dir string) error {
	r := g.rng(streamRFQs)
	width := max(6, digits(6*len(g.accounts)))
	from := g.opt.End.AddDate(0, -24, 0) // excluded
	span := int(g.opt.End.Sub(from).Hours() / 24)
	recent := g.opt.End.AddDate(0, 0, -45)
	seq := 0
	var rfqs []rfq
	return g.writeTable(dir, fileRFQs, func(t *table) error {
		for _, a := range g.accounts {
			if err := checkCtx(ctx); err != nil {
				return err
			}
			rfqs = rfqs[:0]
			for range between(r, 2, 6) {
				q := rfq{
					date:  from.AddDate(0, 0, 1+r.IntN(span)),
					value: max(250, roundSig(a.annual*uniform(r, 0.01, 0.15), 2)),
				}
				if len(a.whitespace) > 0 && r.Float64() < 0.5 {
					q.cat = pick(r, a.whitespace)
				} else {
					q.cat = pick(r, a.cats).cat
				}
				switch {
				case r.Float64() >= a.invite:
					q.outcome = "not_invited"
				case q.date.After(recent) && r.Float64() < 0.7, r.Float64() < 0.03:
					q.outcome = "pending"
				case r.Float64() < a.winRate:
					q.outcome = "won"
				default:
					q.outcome = "lost"
				}
				rfqs = append(rfqs, q)
			}
			slices.SortStableFunc(rfqs, func(x, y rfq) int { return x.date.Compare(y.date) })
			for _, q := range rfqs {
				seq++
				err := t.write(padded("R", seq, width), a.id, q.date.Format(domain.DateLayout),
					categorySpecs[q.cat].name, money(q.value), q.outcome)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// topAccounts returns the indexes of the accounts sorted by revenue in W, largest first.
func (g *generator) topAccounts() []int {
	idx := make([]int, len(g.accounts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(g.accounts[y].revW, g.accounts[x].revW) })
	return idx
}
