package domain

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Verdicts of a deal.
const (
	VerdictAccretive = "accretive" // the trade adds gross profit to the account
	VerdictDilutive  = "dilutive"  // it costs more than it brings
)

// DealTerms are a trade: give Discount (a fraction: 0.05 is 5%) on X (a SKU or a
// category) for Months months, get Qty of SKU Y once or every year, at PriceY (0: Y's
// list price).
type DealTerms struct {
	Discount float64 `json:"discount"`
	// X is a SKU when XIsSKU is set, else a category.
	X      string  `json:"x"`
	XIsSKU bool    `json:"x_is_sku"`
	Months int     `json:"months"`
	Qty    float64 `json:"qty"`
	Y      string  `json:"y"` // SKU
	Yearly bool    `json:"yearly"`
	PriceY float64 `json:"price_y,omitempty" money:"unit"` // 0: Y's list price
}

// DefaultDealMonths is the term of a deal that names none.
const DefaultDealMonths = 12

// DealInput is what a deal is priced on: the account's revenue and GP on X over W, and
// Y's unit cost and list price; Ledger is the trade's ledger as PriceLedger priced it
// (nil: nothing beyond price).
type DealInput struct {
	RevenueX, GPX         float64
	UnitCostY, ListPriceY float64
	Ledger                []LedgerItem
}

// Deal is DESIGN section 3 "Deal what-if" for one trade.
type Deal struct {
	Terms    DealTerms `json:"terms"`
	RevenueX float64   `json:"revenue_x" money:"amount"`
	GPX      float64   `json:"gp_x" money:"amount"`
	MarginX  float64   `json:"margin_x"`
	// Concession is d × revenue_X × T/12: what the discount costs over the term.
	Concession float64 `json:"concession" money:"amount"`
	// RequiredVolumeIncrease is d/(margin_X − d): how much more of X the account must
	// buy for X to hold its GP on its own; nil when d ≥ margin_X (the discount eats the
	// whole margin: no volume makes up for it).
	RequiredVolumeIncrease *float64 `json:"required_volume_increase"`
	PriceY                 float64  `json:"price_y" money:"unit"`
	UnitCostY              float64  `json:"unit_cost_y" money:"unit"`
	UnitGPY                float64  `json:"unit_gp_y" money:"unit"`
	// Gain is q × unit_gp_Y (once) or q × unit_gp_Y × T/12 (yearly).
	Gain float64 `json:"gain" money:"amount"`
	// PricedGives and PricedGets are the sums of the ledger's priced gives and gets
	// over the term.
	PricedGives float64 `json:"priced_gives" money:"amount"`
	PricedGets  float64 `json:"priced_gets" money:"amount"`
	// Net is gain − concession − priced gives + priced gets.
	Net float64 `json:"net" money:"amount"`
	// BreakEvenQty is the quantity of Y whose GP pays for the concession and the priced
	// gives less the priced gets (per year when yearly), 0 when the gets pay for them;
	// nil when Y earns nothing per unit (unit_gp_Y ≤ 0).
	BreakEvenQty *float64 `json:"break_even_qty"`
	Verdict      string   `json:"verdict"`
}

// Check reports terms no deal can be priced with: a discount not between 0% and 100%,
// a quantity not more than 0, a term under a month.
func (t DealTerms) Check() error {
	switch {
	case !(t.Discount > 0 && t.Discount < 1):
		return Errorf(EINVALID, "A discount must be more than 0%% and less than 100%%, not %s.", fmtPct(t.Discount))
	case !(t.Qty > 0) || math.IsInf(t.Qty, 0):
		return Errorf(EINVALID, "The quantity of %s must be more than 0.", t.Y)
	case t.Months <= 0:
		return Errorf(EINVALID, "The term must be at least one month.")
	}
	return nil
}

// ComputeDeal prices a trade. It fails (EINVALID) on terms no trade can have: a discount
// outside (0, 1), a quantity that is not positive, a term that is not positive, and when
// the account buys nothing of X (a concession cannot be priced on what they do not buy).
// Y sold at or below its unit cost is priced as given: the reply says so.
func ComputeDeal(t DealTerms, in DealInput) (Deal, error) {
	switch err := t.Check(); {
	case err != nil:
		return Deal{}, err
	case !(in.RevenueX > 0):
		return Deal{}, Errorf(EINVALID, "They bought no %s in the last 12 months: a concession cannot be priced on what they do not buy.", t.X)
	}
	d := Deal{Terms: t, RevenueX: in.RevenueX, GPX: in.GPX, MarginX: in.GPX / in.RevenueX,
		PriceY: t.PriceY, UnitCostY: in.UnitCostY}
	if d.PriceY == 0 {
		d.PriceY = in.ListPriceY
	}
	term := float64(t.Months) / 12
	d.Concession = t.Discount * in.RevenueX * term
	if t.Discount < d.MarginX {
		v := t.Discount / (d.MarginX - t.Discount)
		d.RequiredVolumeIncrease = &v
	}
	d.UnitGPY = d.PriceY - in.UnitCostY
	perYearOrOnce := d.UnitGPY
	if t.Yearly {
		perYearOrOnce *= term
	}
	d.Gain = t.Qty * perYearOrOnce
	d.PricedGives, d.PricedGets = PricedSums(in.Ledger)
	cost := d.Concession + d.PricedGives - d.PricedGets
	d.Net = d.Gain - cost
	if perYearOrOnce > 0 {
		q := max(0, cost/perYearOrOnce)
		d.BreakEvenQty = &q
	}
	d.Verdict = VerdictDilutive
	if d.Net > 0 {
		d.Verdict = VerdictAccretive
	}
	return d, nil
}

func fmtPct(f float64) string {
	p := f * 100
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// CostPerUse is DESIGN section 3 "Cost-per-use" for one SKU at one account against one
// competitor's offer.
type CostPerUse struct {
	AccountID  string `json:"account_id"`
	SKU        string `json:"sku"`
	Competitor string `json:"competitor"`
	// CompetitorProduct, OfferAccountID ("" for a market-wide offer) and Weaknesses are
	// the offer's.
	CompetitorProduct string  `json:"competitor_product,omitempty"`
	OfferAccountID    string  `json:"offer_account_id,omitempty"`
	Weaknesses        string  `json:"weaknesses,omitempty"`
	PriceOurs         float64 `json:"price_ours" money:"unit"`
	// PriceSource is "account" when PriceOurs is the account's average net unit price
	// over W, "list" when it bought none and the list price is used.
	PriceSource string  `json:"price_source"`
	UsesOurs    float64 `json:"uses_per_unit_ours"`
	PriceTheirs float64 `json:"price_theirs" money:"unit"`
	UsesTheirs  float64 `json:"uses_per_unit_theirs"`
	ChangeCost  float64 `json:"change_cost" money:"amount"`
	CPUOurs     float64 `json:"cpu_ours" money:"unit"`
	CPUTheirs   float64 `json:"cpu_theirs" money:"unit"`
	AnnualUses  float64 `json:"annual_uses"`
	Savings     float64 `json:"savings" money:"amount"` // (cpu_theirs − cpu_ours) × annual_uses: positive when we are cheaper per use
	// ParityPrice is cpu_theirs × our uses per unit: the unit price at which our cost per
	// use equals theirs, their change-over counted once (DESIGN section 3, v2).
	ParityPrice float64 `json:"parity_price" money:"unit"`
	// UnitOfUse is what one use of our product is ("part", "pair"); "" when the product
	// names none.
	UnitOfUse string `json:"unit_of_use,omitempty"`
	// UsesAssumed is set when a uses-per-unit was missing and taken as 1 (ours) or as
	// ours (theirs): the reply says so.
	UsesAssumed bool `json:"uses_assumed,omitempty"`
}

// Beats reports whether our cost per use is below the competitor's.
func (c CostPerUse) Beats() bool { return c.CPUOurs < c.CPUTheirs }

// CPUInput is what a cost-per-use comparison needs from the account's sales: its
// quantity and revenue of the SKU over W.
type CPUInput struct {
	AccountID         string
	Product           Product
	Quantity, Revenue float64
}

// ComputeCostPerUse compares our cost per use of a SKU at an account with a competitor's
// offer. Our change-over cost is 0: the account already uses our product. A
// uses-per-unit missing on our product is taken as 1; missing on the offer, as ours.
func ComputeCostPerUse(in CPUInput, o CompetitorOffer) CostPerUse {
	p := in.Product
	c := CostPerUse{AccountID: in.AccountID, SKU: p.SKU, Competitor: o.Competitor, CompetitorProduct: o.CompetitorProduct,
		OfferAccountID: o.AccountID, Weaknesses: o.Weaknesses, PriceTheirs: o.Price, ChangeCost: o.ChangeCost}
	c.PriceOurs, c.PriceSource = p.ListPrice, "list"
	if in.Quantity > 0 && in.Revenue > 0 {
		c.PriceOurs, c.PriceSource = in.Revenue/in.Quantity, "account"
	}
	c.UsesOurs = p.UsesPerUnit
	if c.UsesOurs <= 0 {
		c.UsesOurs, c.UsesAssumed = 1, true
	}
	c.UsesTheirs = o.UsesPerUnit
	if c.UsesTheirs <= 0 {
		c.UsesTheirs, c.UsesAssumed = c.UsesOurs, true
	}
	c.CPUOurs = c.PriceOurs / c.UsesOurs
	c.CPUTheirs = (o.Price + o.ChangeCost) / c.UsesTheirs
	c.AnnualUses = math.Max(0, in.Quantity) * c.UsesOurs
	c.Savings = (c.CPUTheirs - c.CPUOurs) * c.AnnualUses
	c.ParityPrice = c.CPUTheirs * c.UsesOurs
	c.UnitOfUse = p.UnitOfUse
	return c
}

// DealSettings are the parameters of deal suggestions (DESIGN section 3 "Deal
// suggestions (v2)").
type DealSettings struct {
	Discounts []float64 // the discounts tried, as fractions
	Months    int       // the term of every suggestion
	// FirstOrderShare is the share of Y's uncovered gap asked for as a first order a
	// year.
	FirstOrderShare float64
	// MarginMultiple: X must earn more than this many times the discount.
	MarginMultiple float64
	// MinXShare: X must be at least this share of the account's revenue over W (a line
	// the buyer cares about).
	MinXShare float64
	// BalanceMin and BalanceMax bound a trade's balance: the new business asked a year
	// per dollar of discount a year.
	BalanceMin, BalanceMax float64
	// LeadMinSavings is the least the customer must save a year with us for a
	// suggestion to lead with value.
	LeadMinSavings float64
	// Count is how many suggestions are shown.
	Count int
}

// DefaultDealSettings returns the parameters of DESIGN section 3.
func DefaultDealSettings() DealSettings {
	return DealSettings{Discounts: []float64{0.02, 0.03, 0.05}, Months: 12, FirstOrderShare: 0.25, MarginMultiple: 2,
		MinXShare: 0.05, BalanceMin: 3, BalanceMax: 10, LeadMinSavings: 500, Count: 3}
}

// Validate reports parameters that would make suggestions meaningless.
func (s DealSettings) Validate() error {
	if len(s.Discounts) == 0 {
		return Errorf(EINVALID, "deal discounts: give at least one")
	}
	for _, d := range s.Discounts {
		if !(d > 0 && d < 1) {
			return Errorf(EINVALID, "deal discounts must be between 0 and 1 (0.05 is 5%%), not %v", d)
		}
	}
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	switch {
	case s.Months <= 0 || s.Months > MaxMonths:
		return Errorf(EINVALID, "deal months must be 1 or more and at most 1,200, not %d", s.Months)
	case !(s.FirstOrderShare > 0 && s.FirstOrderShare <= 1):
		return Errorf(EINVALID, "deal first_order_share must be more than 0 and at most 1, not %v", s.FirstOrderShare)
	case !(s.MarginMultiple >= 0) || !finite(s.MarginMultiple):
		return Errorf(EINVALID, "deal margin_multiple must be 0 or more, not %v", s.MarginMultiple)
	case !(s.MinXShare >= 0 && s.MinXShare < 1):
		return Errorf(EINVALID, "deal min_x_share must be 0 or more and less than 1 (0.05 is 5%%), not %v", s.MinXShare)
	case !(s.BalanceMin > 0) || !finite(s.BalanceMin):
		return Errorf(EINVALID, "deal balance_min must be more than 0, not %v", s.BalanceMin)
	case !(s.BalanceMax >= s.BalanceMin) || !(s.BalanceMax <= MaxQuantity):
		return Errorf(EINVALID, "deal balance_max must be at least balance_min (%v) and at most 1,000,000,000, not %v", s.BalanceMin, s.BalanceMax)
	case !(s.LeadMinSavings >= 0 && s.LeadMinSavings <= MaxMoney):
		return Errorf(EINVALID, "deal lead_min_savings must be 0 or more and at most 1,000,000,000,000, not %v", s.LeadMinSavings)
	case s.Count <= 0 || s.Count > 10:
		return Errorf(EINVALID, "deal suggestions must be 1 or more and at most 10, not %d", s.Count)
	}
	return nil
}

// Suggestion is one proposed trade: a priced deal, or (LeadWithValue) no discount at all
// because our cost per use already beats a competitor's offer on a SKU the account buys.
type Suggestion struct {
	Category      string      `json:"category"` // Y's category; the led category when LeadWithValue
	LeadWithValue bool        `json:"lead_with_value"`
	CostPerUse    *CostPerUse `json:"cost_per_use,omitempty"` // the offer we beat
	Deal          *Deal       `json:"deal,omitempty"`
	// BalanceRatio is the trade's new business asked a year (q × Y's price) per dollar
	// of discount a year (the concession × 12/T); 0 and left out when LeadWithValue.
	BalanceRatio float64 `json:"balance_ratio,omitempty"`
}

// SuggestInput is what suggestions for one account are made from.
type SuggestInput struct {
	Gap AccountGap // the account's gap as of the date: categories, current, GP rates, uncovered gaps
	// GPByCategory is the account's GP over W per category it bought.
	GPByCategory map[string]float64
	// BestSKU is the best-selling SKU of each category over W (by revenue) among the
	// accounts of the account's industry, else the company's.
	BestSKU  map[string]string
	Products map[string]Product
	// CostPerUse are the comparisons of the account's SKUs with the competitor offers on
	// file, for the lead-with-value suggestion.
	CostPerUse []CostPerUse
}

// Suggest proposes balanced trades for one account (DESIGN section 3 "Deal suggestions
// (v2)"):
//   - Y among the categories with uncovered gap; Y's SKU the category's best seller
//     (BestSKU); a yearly first order of ceil(FirstOrderShare × uncovered / list price);
//   - X among the account's other categories worth at least MinXShare of its revenue
//     and earning more than MarginMultiple times the discount;
//   - every discount of the settings over their term, each trade kept when it adds
//     profit and its balance (new business asked a year per dollar of discount a year)
//     is within [BalanceMin, BalanceMax]; when even the largest discount X's margin
//     allows buys too little, the order shrinks to the largest quantity within
//     BalanceMax at that discount, kept when it still adds profit and is still balanced.
//
// When our cost per use on a SKU the account buys beats a competitor's offer by at least
// LeadMinSavings a year, the first suggestion (the largest savings) is to lead with that
// value and give nothing: its category is then neither X nor Y. The trades are then
// picked greedily by net, each with an X and a Y no other suggestion has, up to Count in
// all.
func Suggest(in SuggestInput, s DealSettings) []Suggestion {
	out := []Suggestion{}
	usedX, usedY := map[string]bool{}, map[string]bool{}
	if lead := leadWithValue(in, s); lead != nil {
		c := in.Products[lead.SKU].Category
		out = append(out, Suggestion{Category: c, LeadWithValue: true, CostPerUse: lead})
		usedX[c], usedY[c] = true, true
	}
	trades := balancedTrades(in, s, usedX, usedY)
	slices.SortStableFunc(trades, func(a, b trade) int { return cmp.Compare(b.deal.Net, a.deal.Net) })
	for i := range trades {
		if len(out) >= s.Count {
			break
		}
		t := &trades[i]
		if usedX[t.deal.Terms.X] || usedY[t.y] {
			continue
		}
		usedX[t.deal.Terms.X], usedY[t.y] = true, true
		out = append(out, Suggestion{Category: t.y, Deal: &t.deal, BalanceRatio: t.balance})
	}
	return out
}

// leadWithValue returns a copy of the comparison with the largest savings on a SKU the
// account buys where we cost less per use and the customer saves at least the setting's
// least savings a year; nil when there is none.
func leadWithValue(in SuggestInput, s DealSettings) *CostPerUse {
	var lead *CostPerUse
	for i, c := range in.CostPerUse {
		if _, ok := in.Products[c.SKU]; ok && c.AnnualUses > 0 && c.Beats() && c.Savings >= s.LeadMinSavings &&
			(lead == nil || c.Savings > lead.Savings) {
			lead = &in.CostPerUse[i]
		}
	}
	if lead == nil {
		return nil
	}
	cp := *lead
	return &cp
}

// trade is a candidate suggestion: a priced deal, Y's category and its balance.
type trade struct {
	deal    Deal
	y       string
	balance float64
}

// balancedTrades prices every (X, Y, discount) the rule allows whose balance lies within
// the settings' bounds, shrinking the ask at the largest discount X allows when even that
// cannot fairly buy the first order; Y and X not among the used ones.
func balancedTrades(in SuggestInput, s DealSettings, usedX, usedY map[string]bool) []trade {
	var ys []CategoryGap
	for _, c := range in.Gap.Categories {
		if c.Uncovered > 0 && !usedY[c.Category] {
			ys = append(ys, c)
		}
	}
	slices.SortStableFunc(ys, func(a, b CategoryGap) int {
		return cmp.Or(cmp.Compare(b.Uncovered*b.GPRate, a.Uncovered*a.GPRate), cmp.Compare(a.Category, b.Category))
	})
	var revenue float64 // the account's over W, in category order
	for _, c := range in.Gap.Categories {
		revenue += c.Current
	}
	var trades []trade
	for _, y := range ys {
		sku, ok := in.BestSKU[y.Category]
		if !ok || in.Products[sku].ListPrice <= 0 {
			continue
		}
		for _, x := range in.Gap.Categories {
			if x.Category == y.Category || usedX[x.Category] || !(x.Current > 0) || x.Current < s.MinXShare*revenue {
				continue
			}
			trades = append(trades, pairTrades(in, s, x, y, sku)...)
		}
	}
	return trades
}

// pairTrades is balancedTrades for one X and one Y (of SKU sku).
func pairTrades(in SuggestInput, s DealSettings, x, y CategoryGap, sku string) []trade {
	py := in.Products[sku]
	discounts := slices.Clone(s.Discounts)
	slices.Sort(discounts)
	// The bounds hold within rounding: 100 × 50 / (5% × 10,000) is a balance of 10.
	lo, hi := s.BalanceMin*(1-1e-9), s.BalanceMax*(1+1e-9)
	q0 := math.Ceil(s.FirstOrderShare * y.Uncovered / py.ListPrice)
	gp := in.GPByCategory[x.Category]
	margin := gp / x.Current
	xin := DealInput{RevenueX: x.Current, GPX: gp, UnitCostY: py.UnitCost, ListPriceY: py.ListPrice}
	// balance = q × list price / (d × revenue_X): the yearly discount is d × revenue_X
	// whatever the term.
	balance := func(q, d float64) float64 { return q * py.ListPrice / (d * x.Current) }
	var trades []trade
	add := func(q, d float64) {
		t := DealTerms{Discount: d, X: x.Category, Months: s.Months, Qty: q, Y: sku, Yearly: true}
		deal, err := ComputeDeal(t, xin)
		if err == nil && deal.Verdict == VerdictAccretive {
			trades = append(trades, trade{deal: deal, y: y.Category, balance: balance(q, d)})
		}
	}
	largest := 0.0
	for _, d := range discounts {
		if margin <= s.MarginMultiple*d {
			continue
		}
		largest = d
		if b := balance(q0, d); b >= lo && b <= hi {
			add(q0, d)
		}
	}
	if largest == 0 || balance(q0, largest) <= hi {
		return trades
	}
	// Too much asked even at the largest discount X allows: ask what it buys.
	if q := math.Floor(s.BalanceMax*largest*x.Current/py.ListPrice + 1e-9); q >= 1 && balance(q, largest) >= lo {
		add(q, largest)
	}
	return trades
}
