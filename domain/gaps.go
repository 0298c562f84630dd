package domain

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// GapReader is what Gaps reads through (a Store is one; see Store and its parts for
// each method): the data version its cache keys on, accounts and products from the
// Directory, competitor offers and objectives from the Records, and the sales and gap
// Facts.
type GapReader interface {
	DataVersion(ctx context.Context) (int64, error)
	FindAccounts(ctx context.Context, s Scope) ([]Account, error)
	FindAccount(ctx context.Context, id string) (Account, error)
	FindProducts(ctx context.Context) ([]Product, error)
	FindCompetitorOffers(ctx context.Context, s Scope) ([]CompetitorOffer, error)
	FindObjectives(ctx context.Context, year int) ([]Objective, error)
	GapFacts(ctx context.Context, s Scope, periods []Period) ([]GapFacts, error)
	SalesByCategory(ctx context.Context, s Scope, periods []Period) ([]SalesTotal, error)
	CompanySalesByCategory(ctx context.Context, periods []Period) ([]SalesTotal, error)
	BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error)
	IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error)
	SalesDates(ctx context.Context) (first, last time.Time, err error)
}

// Gaps computes account, territory and market gaps and growth through a GapReader.
//
// Every gap falls back on the company-wide gross-profit rates, and territory and market
// gaps read many accounts; Gaps keeps the rates, the products and the territory and
// market results of the current (data version, as-of date) in memory, and drops them
// when either changes, so an import is seen at once. Safe for concurrent use.
type Gaps struct {
	Store GapReader

	mu    sync.Mutex
	cache *gapCache
}

// gapCache holds what was computed for one data version and as-of date.
type gapCache struct {
	version  int64
	asOf     time.Time
	rates    *GPRates
	products map[string]Product
	rollups  map[string]Rollup // by territory
	market   *Market
	best     map[string]string // best-selling SKU by category
	// industryBest is the best-selling SKU by category among each industry's accounts.
	industryBest map[string]map[string]string
}

// current returns the cache of the store's data version at asOf, emptied when either
// changed.
func (g *Gaps) current(ctx context.Context, asOf time.Time) (*gapCache, error) {
	v, err := g.Store.DataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if c := g.cache; c != nil && c.version == v && c.asOf.Equal(asOf) {
		return c, nil
	}
	g.cache = &gapCache{version: v, asOf: asOf, rollups: map[string]Rollup{}}
	return g.cache, nil
}

// base returns the products and the company-wide rates at asOf.
func (g *Gaps) base(ctx context.Context, c *gapCache) (map[string]Product, GPRates, error) {
	g.mu.Lock()
	products, rates := c.products, c.rates
	g.mu.Unlock()
	if products != nil && rates != nil {
		return products, *rates, nil
	}
	ps, err := g.Store.FindProducts(ctx)
	if err != nil {
		return nil, GPRates{}, fmt.Errorf("find products: %w", err)
	}
	company, err := g.Store.CompanySalesByCategory(ctx, []Period{Window(c.asOf)})
	if err != nil {
		return nil, GPRates{}, fmt.Errorf("company sales: %w", err)
	}
	products = make(map[string]Product, len(ps))
	for _, p := range ps {
		products[p.SKU] = p
	}
	r := NewGPRates(company)
	g.mu.Lock()
	c.products, c.rates = products, &r
	g.mu.Unlock()
	return products, r, nil
}

// Products returns every product by SKU, cached with the data version.
func (g *Gaps) Products(ctx context.Context, asOf time.Time) (map[string]Product, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return nil, err
	}
	products, _, err := g.base(ctx, c)
	return products, err
}

// BestSellers returns the company's best-selling SKU of each category over W (by
// revenue; see Store.BestSellers), cached with the data version and date.
func (g *Gaps) BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	best := c.best
	g.mu.Unlock()
	if best != nil {
		return best, nil
	}
	if best, err = g.Store.BestSellers(ctx, c.asOf); err != nil {
		return nil, fmt.Errorf("best sellers: %w", err)
	}
	g.mu.Lock()
	c.best = best
	g.mu.Unlock()
	return best, nil
}

// IndustryBestSellers returns the best-selling SKU of each category over W among the
// accounts of the industry (see Store.IndustryBestSellers), cached with the data version
// and date.
func (g *Gaps) IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	best, ok := c.industryBest[industry]
	g.mu.Unlock()
	if ok {
		return best, nil
	}
	if best, err = g.Store.IndustryBestSellers(ctx, industry, c.asOf); err != nil {
		return nil, fmt.Errorf("best sellers of %s: %w", industry, err)
	}
	g.mu.Lock()
	if c.industryBest == nil {
		c.industryBest = map[string]map[string]string{}
	}
	c.industryBest[industry] = best
	g.mu.Unlock()
	return best, nil
}

// compute computes the gap of every account of the scope.
func (g *Gaps) compute(ctx context.Context, c *gapCache, sc Scope) ([]AccountGap, error) {
	products, rates, err := g.base(ctx, c)
	if err != nil {
		return nil, err
	}
	// The reads are independent. For a territory or the market they run at once, each on
	// its own connection; for one account they are quick enough that goroutines and
	// connections would cost more than they save.
	var (
		accounts []Account
		facts    []GapFacts
		offers   []CompetitorOffer
	)
	reads := []func() error{
		func() (err error) {
			if sc.AccountID == "" {
				if accounts, err = g.Store.FindAccounts(ctx, sc); err != nil {
					return fmt.Errorf("find accounts: %w", err)
				}
				return nil
			}
			a, err := g.Store.FindAccount(ctx, sc.AccountID)
			accounts = []Account{a}
			return err
		},
		func() (err error) {
			if facts, err = g.Store.GapFacts(ctx, sc, GapPeriods(c.asOf)); err != nil {
				return fmt.Errorf("gap facts: %w", err)
			}
			return nil
		},
		func() (err error) {
			if offers, err = g.Store.FindCompetitorOffers(ctx, sc); err != nil {
				return fmt.Errorf("find competitor offers: %w", err)
			}
			return nil
		},
	}
	if err := run(reads, sc.AccountID == ""); err != nil {
		return nil, err
	}
	factsBy := make(map[string]*GapFacts, len(facts))
	for i := range facts {
		factsBy[facts[i].AccountID] = &facts[i]
	}
	offersBy := groupBy(offers, func(o CompetitorOffer) string { return o.AccountID })
	market := offersBy[""]

	out := make([]AccountGap, len(accounts))
	for i, a := range accounts {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		own := offersBy[a.ID]
		in := GapInput{Account: a, AsOf: c.asOf, Offers: append(own[:len(own):len(own)], market...),
			Products: products, Rates: rates}
		if f := factsBy[a.ID]; f != nil {
			in.Sales, in.Potentials, in.Pipelines = f.Sales, f.Potentials, f.Pipelines
		}
		out[i] = ComputeAccountGap(in)
	}
	return out, nil
}

// run calls fns, at once when parallel is set, and returns the first error.
func run(fns []func() error, parallel bool) error {
	if !parallel {
		for _, fn := range fns {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func groupBy[T any](xs []T, key func(T) string) map[string][]T {
	m := map[string][]T{}
	for _, x := range xs {
		k := key(x)
		m[k] = append(m[k], x)
	}
	return m
}

// AccountGap returns the gap of one account at asOf; ENOTFOUND when there is no such
// account.
func (g *Gaps) AccountGap(ctx context.Context, id string, asOf time.Time) (AccountGap, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return AccountGap{}, err
	}
	gaps, err := g.compute(ctx, c, ForAccount(id))
	if err != nil {
		return AccountGap{}, err
	}
	return gaps[0], nil
}

// TerritoryGap returns the roll-up of one territory's accounts at asOf.
func (g *Gaps) TerritoryGap(ctx context.Context, territory string, asOf time.Time) (Rollup, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return Rollup{}, err
	}
	g.mu.Lock()
	r, ok := c.rollups[territory]
	g.mu.Unlock()
	if ok {
		return r, nil
	}
	gaps, err := g.compute(ctx, c, ForTerritory(territory))
	if err != nil {
		return Rollup{}, err
	}
	r = ComputeRollup(territory, DateOf(c.asOf), gaps)
	g.mu.Lock()
	c.rollups[territory] = r
	g.mu.Unlock()
	return r, nil
}

// MarketGap returns the roll-up of every account at asOf.
func (g *Gaps) MarketGap(ctx context.Context, asOf time.Time) (Market, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return Market{}, err
	}
	g.mu.Lock()
	m := c.market
	g.mu.Unlock()
	if m != nil {
		return *m, nil
	}
	gaps, err := g.compute(ctx, c, AllAccounts)
	if err != nil {
		return Market{}, err
	}
	mk := ComputeMarket(DateOf(c.asOf), gaps)
	g.mu.Lock()
	c.market = &mk
	g.mu.Unlock()
	return mk, nil
}

// AccountGrowth returns an account's pace against its objective for year (0: the year
// of asOf) at asOf.
func (g *Gaps) AccountGrowth(ctx context.Context, a Account, asOf time.Time, year int) (Growth, error) {
	gap, err := g.AccountGap(ctx, a.ID, asOf)
	if err != nil {
		return Growth{}, err
	}
	return g.growth(ctx, ScopeAccount, a.ID, a.Name, ForAccount(a.ID), asOf, year, gap.Totals)
}

// TerritoryGrowth returns a territory's pace against its objective for year (0: the year
// of asOf) at asOf.
func (g *Gaps) TerritoryGrowth(ctx context.Context, territory string, asOf time.Time, year int) (Growth, error) {
	r, err := g.TerritoryGap(ctx, territory, asOf)
	if err != nil {
		return Growth{}, err
	}
	return g.growth(ctx, ScopeTerritory, territory, territory, ForTerritory(territory), asOf, year, r.Totals)
}

// objective returns the objective of the scope and key for year, nil when none is set.
func (g *Gaps) objective(ctx context.Context, scope ObjectiveScope, key string, year int) (*Objective, error) {
	objs, err := g.Store.FindObjectives(ctx, year)
	if err != nil {
		return nil, fmt.Errorf("find objectives: %w", err)
	}
	var obj *Objective
	for i, o := range objs {
		if o.Scope == scope && o.Key == key {
			obj = &objs[i]
		}
	}
	return obj, nil
}

func (g *Gaps) growth(ctx context.Context, scope ObjectiveScope, key, name string, sc Scope, asOf time.Time, year int, totals GapTotals) (Growth, error) {
	if year == 0 {
		year = Day(asOf).Year()
	}
	obj, err := g.objective(ctx, scope, key, year)
	if err != nil {
		return Growth{}, err
	}
	first, _, err := g.Store.SalesDates(ctx)
	if err != nil {
		return Growth{}, fmt.Errorf("sales dates: %w", err)
	}
	in := GrowthInput{Scope: scope, Key: key, Name: name, AsOf: asOf, Year: year, Objective: obj,
		RevenueW: totals.Current, Gap: totals.Gap, SalesFrom: first}
	if _, ytd, lastYear, ok := GrowthPeriods(asOf, year); ok {
		// The two periods, then each of their months, for the chart.
		months, monthsLast := MonthPeriods(ytd), MonthPeriods(lastYear)
		periods := append(append([]Period{ytd, lastYear}, months...), monthsLast...)
		sales, err := g.Store.SalesByCategory(ctx, sc, periods)
		if err != nil {
			return Growth{}, fmt.Errorf("sales year to date: %w", err)
		}
		in.Months, in.MonthsLastYear = make([]float64, len(months)), make([]float64, len(monthsLast))
		for _, s := range sales {
			switch p := s.Period; {
			case p == 0:
				in.YTD += s.Revenue
				in.GPYTD += s.Revenue - s.Cost
			case p == 1:
				in.YTDLastYear += s.Revenue
			case p-2 < len(months):
				in.Months[p-2] += s.Revenue
			default:
				in.MonthsLastYear[p-2-len(months)] += s.Revenue
			}
		}
	}
	gr := ComputeGrowth(in)
	if gr.SuggestedYear != 0 && gr.SuggestedYear != year {
		// Suggested for next year: not when next year's objective is already set.
		next, err := g.objective(ctx, scope, key, gr.SuggestedYear)
		if err != nil {
			return Growth{}, err
		}
		if next != nil {
			gr.SuggestedTarget, gr.SuggestedYear = 0, 0
		}
	}
	return gr, nil
}

// AccountGaps returns the gap of every account of the scope at asOf, in the store's
// order of accounts.
func (g *Gaps) AccountGaps(ctx context.Context, s Scope, asOf time.Time) ([]AccountGap, error) {
	c, err := g.current(ctx, Day(asOf))
	if err != nil {
		return nil, err
	}
	return g.compute(ctx, c, s)
}
