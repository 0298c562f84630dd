package domain

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DealReader is what Deals reads through besides Gaps (a Store is one; see Store and its
// parts for each method): an account, the competitor offers on file and an account's
// sales by SKU.
type DealReader interface {
	FindAccount(ctx context.Context, id string) (Account, error)
	FindCompetitorOffers(ctx context.Context, s Scope) ([]CompetitorOffer, error)
	SalesBySKU(ctx context.Context, s Scope, periods []Period) ([]SalesTotal, error)
}

// Deals prices trades, compares costs per use and suggests trades for an account through
// a DealReader, using Gaps for the account's gap and the cached products and best
// sellers. Safe for concurrent use.
type Deals struct {
	Store    DealReader
	Gaps     *Gaps
	Settings DealSettings // must be valid
	// Grades' settings hold the cost of capital that prices payment terms given or got
	// (one setting for grades and deals); nil: DefaultGradeSettings'.
	Grades *Grades
}

// costOfCapital is the yearly rate payment terms are priced at.
func (d *Deals) costOfCapital() float64 {
	if d.Grades != nil {
		return d.Grades.Settings.CostOfCapital
	}
	return DefaultGradeSettings().CostOfCapital
}

// Target is what a deal's X or Y names: a SKU (Product set) or a category.
type Target struct {
	SKU      string
	Category string
	Product  Product
}

// IsSKU reports whether the target is one SKU.
func (t Target) IsSKU() bool { return t.SKU != "" }

// Name is the SKU or the category.
func (t Target) Name() string {
	if t.SKU != "" {
		return t.SKU
	}
	return t.Category
}

// FindTarget resolves what a person typed as a SKU, a category or a product name (any
// case): an exact SKU, category or product name first, then the products whose name
// holds every word typed. skuOnly refuses categories. It fails with EINVALID, naming
// the near misses, when nothing or several things match.
func FindTarget(products map[string]Product, text string, skuOnly bool) (Target, error) {
	q := NameKey(text)
	if q == "" {
		if skuOnly {
			return Target{}, Errorf(EINVALID, "Name a product (SKU or name).")
		}
		return Target{}, Errorf(EINVALID, "Name a product (SKU or name) or a category.")
	}
	skus := make([]string, 0, len(products))
	for sku := range products {
		skus = append(skus, sku)
	}
	slices.Sort(skus)
	for _, sku := range skus {
		if NameKey(sku) == q {
			return Target{SKU: sku, Category: products[sku].Category, Product: products[sku]}, nil
		}
	}
	if !skuOnly {
		for _, sku := range skus {
			if c := products[sku].Category; NameKey(c) == q {
				return Target{Category: c}, nil
			}
		}
	}
	var named, partial, inCategory []string
	words := strings.Fields(q)
	for _, sku := range skus {
		n := NameKey(products[sku].Name)
		if n == q {
			named = append(named, sku)
			continue
		}
		if NameKey(products[sku].Category) == q {
			inCategory = append(inCategory, sku)
		}
		all := true
		for _, w := range words {
			all = all && strings.Contains(n, w)
		}
		if all {
			partial = append(partial, sku)
		}
	}
	if skuOnly && len(named) == 0 && len(inCategory) > 0 {
		var names []string
		for _, sku := range inCategory[:min(len(inCategory), 3)] {
			names = append(names, fmt.Sprintf("%s (%s)", sku, products[sku].Name))
		}
		return Target{}, Errorf(EINVALID, "%q is a category: name one of its products, e.g. %s.", text, strings.Join(names, ", "))
	}
	for _, hits := range [][]string{named, partial} {
		switch {
		case len(hits) == 1:
			p := products[hits[0]]
			return Target{SKU: p.SKU, Category: p.Category, Product: p}, nil
		case len(hits) > 1:
			var names []string
			for _, sku := range hits[:min(len(hits), 5)] {
				names = append(names, fmt.Sprintf("%s (%s)", sku, products[sku].Name))
			}
			return Target{}, Errorf(EINVALID, "%q matches several products: %s. Use the SKU.", text, strings.Join(names, ", "))
		}
	}
	what := "product (SKU or name)"
	if !skuOnly {
		what = "product or category"
	}
	return Target{}, Errorf(EINVALID, "No %s matches %q.", what, text)
}

// accountSales is an account's revenue, GP and quantity of each SKU and category over W.
type accountSales struct {
	bySKU      map[string]SalesTotal
	byCategory map[string]SalesTotal
}

func (d *Deals) accountSales(ctx context.Context, accountID string, asOf time.Time, products map[string]Product) (accountSales, error) {
	sales, err := d.Store.SalesBySKU(ctx, ForAccount(accountID), []Period{Window(asOf)})
	if err != nil {
		return accountSales{}, fmt.Errorf("sales by SKU: %w", err)
	}
	out := accountSales{bySKU: map[string]SalesTotal{}, byCategory: map[string]SalesTotal{}}
	for _, s := range sales {
		out.bySKU[s.Key] = s
		c := products[s.Key].Category
		t := out.byCategory[c]
		t.Key, t.Revenue, t.Cost, t.Quantity = c, t.Revenue+s.Revenue, t.Cost+s.Cost, t.Quantity+s.Quantity
		out.byCategory[c] = t
	}
	return out, nil
}

// TopBought returns up to n of what the account bought over W, biggest first: the
// suggestions when a deal names an X they do not buy.
func (s accountSales) topBought(n int) []string {
	var cats []SalesTotal
	for _, t := range s.byCategory {
		if t.Revenue > 0 {
			cats = append(cats, t)
		}
	}
	slices.SortFunc(cats, func(a, b SalesTotal) int { return cmp.Or(cmp.Compare(b.Revenue, a.Revenue), cmp.Compare(a.Key, b.Key)) })
	var out []string
	for _, c := range cats[:min(len(cats), n)] {
		out = append(out, c.Key)
	}
	return out
}

// DealRequest is a trade as typed: X and Y as text, resolved by Price.
type DealRequest struct {
	AccountID string
	Discount  float64 // fraction
	X, Y      string
	Months    int // 0: DefaultDealMonths
	Qty       float64
	Yearly    bool
	PriceY    float64 // 0: list price
	// Ledger is what the trade gives and gets beyond price; Price prices it.
	Ledger []LedgerItem
}

// PricedDeal is a priced trade with what the reply needs around it.
type PricedDeal struct {
	Deal
	// Ledger is the request's ledger, priced where it can be (see PriceLedger).
	Ledger  []LedgerItem `json:"ledger"`
	XTarget Target       `json:"-"`
	YTarget Target       `json:"-"`
	// CostPerUse compares our SKUs of X with the competitor offers on file for the
	// account (or market-wide).
	CostPerUse []CostPerUse `json:"cost_per_use"`
}

// Price resolves and prices a trade at the account as of asOf.
func (d *Deals) Price(ctx context.Context, r DealRequest, asOf time.Time) (PricedDeal, error) {
	products, err := d.Gaps.Products(ctx, asOf)
	if err != nil {
		return PricedDeal{}, err
	}
	x, err := FindTarget(products, r.X, false)
	if err != nil {
		return PricedDeal{}, err
	}
	y, err := FindTarget(products, r.Y, true)
	if err != nil {
		return PricedDeal{}, err
	}
	sales, err := d.accountSales(ctx, r.AccountID, asOf, products)
	if err != nil {
		return PricedDeal{}, err
	}
	var xs SalesTotal
	if x.IsSKU() {
		xs = sales.bySKU[x.SKU]
	} else {
		xs = sales.byCategory[x.Category]
	}
	if !(xs.Revenue > 0) {
		msg := fmt.Sprintf("They bought no %s in the last 12 months: a concession cannot be priced on what they do not buy. Name a product or category they buy", x.Name())
		if top := sales.topBought(3); len(top) > 0 {
			msg += ": " + strings.Join(top, ", ")
		}
		return PricedDeal{}, Errorf(EINVALID, "%s.", msg)
	}
	months := r.Months
	if months == 0 {
		months = DefaultDealMonths
	}
	terms := DealTerms{Discount: r.Discount, X: x.Name(), XIsSKU: x.IsSKU(), Months: months, Qty: r.Qty, Y: y.SKU,
		Yearly: r.Yearly, PriceY: r.PriceY}
	ledger, err := d.priceLedger(ctx, r, months, sales)
	if err != nil {
		return PricedDeal{}, err
	}
	deal, err := ComputeDeal(terms, DealInput{RevenueX: xs.Revenue, GPX: xs.Revenue - xs.Cost,
		UnitCostY: y.Product.UnitCost, ListPriceY: y.Product.ListPrice, Ledger: ledger})
	if err != nil {
		return PricedDeal{}, err
	}
	pd := PricedDeal{Deal: deal, Ledger: ledger, XTarget: x, YTarget: y}
	offers, err := d.Store.FindCompetitorOffers(ctx, ForAccount(r.AccountID))
	if err != nil {
		return PricedDeal{}, fmt.Errorf("find competitor offers: %w", err)
	}
	for _, o := range dedupeOffers(offers) {
		p, ok := products[o.SKU]
		if !ok || (x.IsSKU() && o.SKU != x.SKU) || (!x.IsSKU() && p.Category != x.Category) {
			continue
		}
		s := sales.bySKU[o.SKU]
		pd.CostPerUse = append(pd.CostPerUse, ComputeCostPerUse(CPUInput{AccountID: r.AccountID, Product: p, Quantity: s.Quantity, Revenue: s.Revenue}, o))
	}
	return pd, nil
}

// priceLedger prices a request's ledger at the account: its payment terms are read only
// when an item names terms.
func (d *Deals) priceLedger(ctx context.Context, r DealRequest, months int, sales accountSales) ([]LedgerItem, error) {
	in := LedgerInput{CostOfCapital: d.costOfCapital(), Months: months}
	for _, it := range r.Ledger {
		if _, ok := it.TermsDays(); ok && it.Worth == nil {
			a, err := d.Store.FindAccount(ctx, r.AccountID)
			if err != nil {
				return nil, fmt.Errorf("account %s: %w", r.AccountID, err)
			}
			in.PaymentTermsDays = a.PaymentTermsDays
			break
		}
	}
	keys := make([]string, 0, len(sales.bySKU))
	for k := range sales.bySKU {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a sum in a fixed order
	for _, k := range keys {
		in.Revenue += sales.bySKU[k].Revenue
	}
	return PriceLedger(r.Ledger, in)
}

// CostPerUseResult is the `cpu` command's result: our SKU at the account against every
// offer on file (or one competitor's).
type CostPerUseResult struct {
	AccountID   string       `json:"account_id"`
	SKU         string       `json:"sku"`
	Comparisons []CostPerUse `json:"comparisons"`
}

// CostPerUse compares our cost per use of a SKU at an account with the competitor offers
// on file for it (the account's and market-wide); competitor, when set, keeps only that
// competitor's (any case).
func (d *Deals) CostPerUse(ctx context.Context, accountID, product, competitor string, asOf time.Time) (CostPerUseResult, error) {
	products, err := d.Gaps.Products(ctx, asOf)
	if err != nil {
		return CostPerUseResult{}, err
	}
	t, err := FindTarget(products, product, true)
	if err != nil {
		return CostPerUseResult{}, err
	}
	sales, err := d.accountSales(ctx, accountID, asOf, products)
	if err != nil {
		return CostPerUseResult{}, err
	}
	offers, err := d.Store.FindCompetitorOffers(ctx, ForAccount(accountID))
	if err != nil {
		return CostPerUseResult{}, fmt.Errorf("find competitor offers: %w", err)
	}
	res := CostPerUseResult{AccountID: accountID, SKU: t.SKU, Comparisons: []CostPerUse{}}
	s := sales.bySKU[t.SKU]
	for _, o := range dedupeOffers(offers) {
		if o.SKU != t.SKU || (competitor != "" && !strings.EqualFold(o.Competitor, competitor)) {
			continue
		}
		res.Comparisons = append(res.Comparisons, ComputeCostPerUse(CPUInput{AccountID: accountID, Product: t.Product, Quantity: s.Quantity, Revenue: s.Revenue}, o))
	}
	return res, nil
}

// dedupeOffers drops a market-wide offer where the same competitor made the account its
// own offer on the same SKU: the account's replaces it.
func dedupeOffers(offers []CompetitorOffer) []CompetitorOffer {
	own := map[[2]string]bool{}
	for _, o := range offers {
		if o.AccountID != "" {
			own[[2]string{strings.ToLower(o.Competitor), o.SKU}] = true
		}
	}
	out := make([]CompetitorOffer, 0, len(offers))
	for _, o := range offers {
		if o.AccountID == "" && own[[2]string{strings.ToLower(o.Competitor), o.SKU}] {
			continue
		}
		out = append(out, o)
	}
	return out
}

// Suggest proposes trades for an account as of asOf (see the function Suggest).
func (d *Deals) Suggest(ctx context.Context, accountID string, asOf time.Time) ([]Suggestion, error) {
	gap, err := d.Gaps.AccountGap(ctx, accountID, asOf)
	if err != nil {
		return nil, err
	}
	return d.SuggestFromGap(ctx, gap, asOf)
}

// SuggestFromGap is Suggest for an account whose gap is already computed.
func (d *Deals) SuggestFromGap(ctx context.Context, gap AccountGap, asOf time.Time) ([]Suggestion, error) {
	products, err := d.Gaps.Products(ctx, asOf)
	if err != nil {
		return nil, err
	}
	company, err := d.Gaps.BestSellers(ctx, asOf)
	if err != nil {
		return nil, err
	}
	// Y's SKU: the best seller among the accounts of the same industry, the company's
	// where they bought none of the category (or the account names no industry).
	best := company
	if gap.Industry != "" {
		industry, err := d.Gaps.IndustryBestSellers(ctx, gap.Industry, asOf)
		if err != nil {
			return nil, err
		}
		best = make(map[string]string, len(company))
		for c, sku := range company {
			best[c] = sku
		}
		for c, sku := range industry {
			best[c] = sku
		}
	}
	in := SuggestInput{Gap: gap, GPByCategory: map[string]float64{}, BestSKU: best, Products: products}
	for _, c := range gap.Categories {
		if c.Current > 0 {
			in.GPByCategory[c.Category] = c.Current * c.GPRate // the account's own rate where it bought
		}
	}
	offers, err := d.Store.FindCompetitorOffers(ctx, ForAccount(gap.AccountID))
	if err != nil {
		return nil, fmt.Errorf("find competitor offers: %w", err)
	}
	if len(offers) > 0 {
		sales, err := d.accountSales(ctx, gap.AccountID, asOf, products)
		if err != nil {
			return nil, err
		}
		for _, o := range dedupeOffers(offers) {
			p, ok := products[o.SKU]
			if !ok {
				continue
			}
			s := sales.bySKU[o.SKU]
			in.CostPerUse = append(in.CostPerUse, ComputeCostPerUse(CPUInput{AccountID: gap.AccountID, Product: p, Quantity: s.Quantity, Revenue: s.Revenue}, o))
		}
	}
	return Suggest(in, d.Settings), nil
}
