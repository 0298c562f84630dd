package domain

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Gaps computes account, territory and market gaps and growth through a Store.
//
// A territory or market gap, and the company-wide gross-profit rates every account gap
// falls back on, need the sales of all accounts, which is the costly read. Gaps computes
// every account's gap in one pass for a (data version, as-of date) and keeps that
// snapshot until either changes, so a server answers the day's questions from memory and
// an import (which changes the data version) is seen at once. Safe for concurrent use.
type Gaps struct {
	Store Store

	mu   sync.Mutex
	snap *gapSnapshot
	// building is closed when the snapshot being built is ready; concurrent callers
	// wait for it rather than build it twice.
	building chan struct{}
}

// gapSnapshot is every account's gap for one data version and as-of date.
type gapSnapshot struct {
	version int64
	asOf    time.Time
	gaps    []AccountGap
	byID    map[string]int
	err     error // only while it is being handed to the callers that waited
}

// snapshot returns the snapshot of the store's current data version at asOf, computing
// it when needed.
func (g *Gaps) snapshot(ctx context.Context, asOf time.Time) (*gapSnapshot, error) {
	asOf = Day(asOf)
	v, err := g.Store.DataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	for {
		g.mu.Lock()
		if s := g.snap; s != nil && s.version == v && s.asOf.Equal(asOf) {
			g.mu.Unlock()
			return s, s.err
		}
		if wait := g.building; wait != nil {
			g.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		g.building = done
		g.mu.Unlock()

		s := &gapSnapshot{version: v, asOf: asOf}
		s.gaps, s.err = g.computeAll(ctx, asOf)
		s.byID = make(map[string]int, len(s.gaps))
		for i, a := range s.gaps {
			s.byID[a.AccountID] = i
		}
		g.mu.Lock()
		if s.err == nil {
			g.snap = s
		}
		g.building = nil
		close(done)
		g.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return s, s.err
	}
}

// computeAll computes the gap of every account at asOf.
func (g *Gaps) computeAll(ctx context.Context, asOf time.Time) ([]AccountGap, error) {
	accounts, err := g.Store.FindAccounts(ctx, AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find accounts: %w", err)
	}
	products, err := g.Store.FindProducts(ctx)
	if err != nil {
		return nil, fmt.Errorf("find products: %w", err)
	}
	sales, err := g.Store.SalesByCategory(ctx, AllAccounts, GapPeriods(asOf))
	if err != nil {
		return nil, fmt.Errorf("sales by category: %w", err)
	}
	pots, err := g.Store.FindPotentials(ctx, AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find potentials: %w", err)
	}
	opps, err := g.Store.FindOpportunities(ctx, AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find opportunities: %w", err)
	}
	offers, err := g.Store.FindCompetitorOffers(ctx, AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find competitor offers: %w", err)
	}

	byProduct := make(map[string]Product, len(products))
	for _, p := range products {
		byProduct[p.SKU] = p
	}
	salesBy := groupBy(sales, func(s SalesTotal) string { return s.AccountID })
	potsBy := groupBy(pots, func(p Potential) string { return p.AccountID })
	oppsBy := groupBy(opps, func(o Opportunity) string { return o.AccountID })
	offersBy := groupBy(offers, func(o CompetitorOffer) string { return o.AccountID })
	market := offersBy[""]
	rates := NewGPRates(sales)

	out := make([]AccountGap, len(accounts))
	for i, a := range accounts {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i] = ComputeAccountGap(GapInput{
			Account: a, AsOf: asOf, Sales: salesBy[a.ID], Potentials: potsBy[a.ID],
			Opportunities: oppsBy[a.ID], Offers: append(offersBy[a.ID][:len(offersBy[a.ID]):len(offersBy[a.ID])], market...),
			Products: byProduct, Rates: rates,
		})
	}
	return out, nil
}

func groupBy[T any](xs []T, key func(T) string) map[string][]T {
	m := map[string][]T{}
	for _, x := range xs {
		k := key(x)
		m[k] = append(m[k], x)
	}
	return m
}

// AccountGap returns the gap of one account at asOf.
func (g *Gaps) AccountGap(ctx context.Context, id string, asOf time.Time) (AccountGap, error) {
	s, err := g.snapshot(ctx, asOf)
	if err != nil {
		return AccountGap{}, err
	}
	i, ok := s.byID[id]
	if !ok {
		return AccountGap{}, Errorf(ENOTFOUND, "No account %q.", id)
	}
	return s.gaps[i], nil
}

// TerritoryGap returns the roll-up of one territory's accounts at asOf.
func (g *Gaps) TerritoryGap(ctx context.Context, territory string, asOf time.Time) (Rollup, error) {
	s, err := g.snapshot(ctx, asOf)
	if err != nil {
		return Rollup{}, err
	}
	var gaps []AccountGap
	for _, a := range s.gaps {
		if a.Territory == territory {
			gaps = append(gaps, a)
		}
	}
	return ComputeRollup(territory, s.asOf.Format(DateLayout), gaps), nil
}

// MarketGap returns the roll-up of every account at asOf.
func (g *Gaps) MarketGap(ctx context.Context, asOf time.Time) (Market, error) {
	s, err := g.snapshot(ctx, asOf)
	if err != nil {
		return Market{}, err
	}
	return ComputeMarket(s.asOf.Format(DateLayout), s.gaps), nil
}

// AccountGrowth returns an account's pace against its objective for the year of asOf.
func (g *Gaps) AccountGrowth(ctx context.Context, a Account, asOf time.Time) (Growth, error) {
	gap, err := g.AccountGap(ctx, a.ID, asOf)
	if err != nil {
		return Growth{}, err
	}
	return g.growth(ctx, ScopeAccount, a.ID, a.Name, ForAccount(a.ID), asOf, gap.Totals)
}

// TerritoryGrowth returns a territory's pace against its objective for the year of asOf.
func (g *Gaps) TerritoryGrowth(ctx context.Context, territory string, asOf time.Time) (Growth, error) {
	r, err := g.TerritoryGap(ctx, territory, asOf)
	if err != nil {
		return Growth{}, err
	}
	return g.growth(ctx, ScopeTerritory, territory, territory, ForTerritory(territory), asOf, r.Totals)
}

func (g *Gaps) growth(ctx context.Context, scope ObjectiveScope, key, name string, sc Scope, asOf time.Time, totals GapTotals) (Growth, error) {
	objs, err := g.Store.FindObjectives(ctx, Day(asOf).Year())
	if err != nil {
		return Growth{}, fmt.Errorf("find objectives: %w", err)
	}
	var obj *Objective
	for i, o := range objs {
		if o.Scope == scope && o.Key == key {
			obj = &objs[i]
		}
	}
	sales, err := g.Store.SalesByCategory(ctx, sc, []Period{YearToDate(asOf)})
	if err != nil {
		return Growth{}, fmt.Errorf("sales year to date: %w", err)
	}
	var ytd float64
	for _, s := range sales {
		ytd += s.Revenue
	}
	return ComputeGrowth(scope, key, name, asOf, obj, ytd, totals.Current, totals.Gap), nil
}
