package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
)

// offerKey is the key of competitor_offers.csv.
type offerKey struct {
	competitor, sku, account string
}

// offerWriter writes competitor offers, each key once.
type offerWriter struct {
	g    *generator
	r    *rand.Rand
	t    *table
	seen map[offerKey]bool
}

// writeOffers writes about 30 to 60 competitor offers: market-wide ones, mostly on
// products sold by use, three made to Acme and one or two made to each of some of the
// larger accounts on products they buy.
func (g *generator) writeOffers(ctx context.Context, dir string) error {
	r := g.rng(streamOffers)
	return g.writeTable(dir, fileOffers, func(t *table) error {
		w := offerWriter{g: g, r: r, t: t, seen: map[offerKey]bool{}}

		// Market-wide, from the national distributors.
		weights := make([]float64, len(g.products))
		for i, p := range g.products {
			weights[i] = 1
			if p.uses > 0 {
				weights[i] = 6
			}
		}
		for range 18 {
			if err := w.write(pick(r, competitors[:7]), pickWeighted(r, weights), "", false); err != nil {
				return err
			}
		}

		// Acme: its rival undercuts it on abrasives with a product that lasts less, and
		// two others make offers on products of other categories.
		if err := checkCtx(ctx); err != nil {
			return err
		}
		acme := g.accounts[0]
		rivals := []string{acmeRival, "Grainger", "MSC Industrial"}
		for i, p := range g.acmeOfferProducts() {
			if err := w.write(rivals[i], p, acme.id, i == 0); err != nil {
				return err
			}
		}

		// Some of the larger accounts.
		top := g.topAccounts()
		top = top[:max(1, len(top)/5)]
		want := between(r, 35, 55)
		for _, i := range r.Perm(len(top)) {
			a := g.accounts[top[i]]
			if a == acme {
				continue
			}
			for range between(r, 1, 2) {
				if len(w.seen) >= want {
					return nil
				}
				cp := pick(r, a.cats)
				if err := w.write(pickCompetitor(r), pick(r, cp.skus), a.id, false); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// write writes an offer from competitor on product p, to account (empty = market-wide),
// unless one with that key exists. The price is usually 5% to 18% below our list price;
// for products sold by use the competitor's product often lasts less, and always when
// shortLived is set.
func (w *offerWriter) write(competitor string, p int, account string, shortLived bool) error {
	r := w.r
	if competitor == "" {
		competitor = pick(r, competitors)
	}
	prod := w.g.products[p]
	k := offerKey{competitor, prod.sku, account}
	if w.seen[k] {
		return nil
	}
	w.seen[k] = true

	list := float64(prod.list) / 100
	price := list * uniform(r, 0.82, 0.95)
	if r.Float64() < 0.15 {
		price = list * uniform(r, 0.97, 1.05)
	}
	uses := ""
	if prod.uses > 0 {
		u := prod.uses
		switch x := r.Float64(); {
		case x < 0.6 || shortLived:
			u *= uniform(r, 0.55, 0.85)
		case x < 0.85:
		default:
			u *= uniform(r, 1.0, 1.15)
		}
		uses = number(math.Round(u))
	}
	change := ""
	if r.Float64() < 0.35 {
		change = money(price * uniform(r, 0.03, 0.25))
	}
	weak := ""
	if r.Float64() < 0.8 {
		list := drawWithout(r, ones(len(weaknesses)), between(r, 1, 2))
		var ws []string
		for _, i := range list {
			ws = append(ws, weaknesses[i])
		}
		weak = strings.Join(ws, "; ")
	}
	brand := competitorBrands[competitor]
	if brand == "" {
		brand = competitor
	}
	it := categorySpecs[prod.cat].items[prod.item]
	product := brand + " " + it.name + " " + prod.variant
	return w.t.write(competitor, prod.sku, account, product, money(price), uses, change, weak)
}

// acmeOfferProducts returns up to three products Acme buys: one of abrasives, then one
// of each of two other categories, those sold by use first.
func (g *generator) acmeOfferProducts() []int {
	var first, byUse, others []int
	for _, cp := range g.accounts[0].cats {
		p := cp.skus[0]
		for _, q := range cp.skus {
			if g.products[q].uses > 0 {
				p = q
				break
			}
		}
		switch {
		case categorySpecs[cp.cat].name == "Abrasives":
			first = append(first, p)
		case g.products[p].uses > 0:
			byUse = append(byUse, p)
		default:
			others = append(others, p)
		}
	}
	all := append(append(first, byUse...), others...)
	return all[:min(3, len(all))]
}

func ones(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}
