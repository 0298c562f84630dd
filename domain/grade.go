package domain

import (
	"math"
	"sort"
	"time"
)

// Criterion names, in the order of DESIGN section 3 "Grade".
const (
	CriterionSpend       = "spend"
	CriterionMargin      = "margin"
	CriterionPayment     = "payment"
	CriterionInventory   = "inventory"
	CriterionNewBusiness = "new_business"
)

// Tiers of the customer value scale, best first.
const (
	TierBusinessBuild    = "Business Build"
	TierCoreCustomer     = "Core Customer"
	TierConvenientSale   = "Convenient Sale"
	TierOperationalDrain = "Operational Drain"
)

// tiers lists the tiers best first; GradeSettings.Tiers holds the lowest score of each
// but the last.
var tiers = []string{TierBusinessBuild, TierCoreCustomer, TierConvenientSale, TierOperationalDrain}

// GradeSettings are the weights, thresholds and rates of the grade. The zero value is not
// valid: start from DefaultGradeSettings.
type GradeSettings struct {
	// Weights by criterion: spend, margin, payment, inventory, new_business.
	Weights map[string]float64
	// Score thresholds of each criterion for scores 4, 3 and 2. Spend, margin and
	// new_business score higher for larger values (value ≥ threshold); payment and
	// inventory for smaller ones (value ≤ threshold).
	Thresholds map[string][3]float64
	// Tiers are the lowest scores of Business Build, Core Customer and Convenient Sale.
	Tiers [3]float64
	// CostOfCapital is the yearly rate at which late payments cost us money.
	CostOfCapital float64
	// CarryingRate is the yearly cost of holding inventory, as a share of its cost.
	CarryingRate float64
}

// DefaultGradeSettings returns the settings of DESIGN section 3.
func DefaultGradeSettings() GradeSettings {
	return GradeSettings{
		Weights: map[string]float64{CriterionSpend: 0.30, CriterionMargin: 0.25, CriterionPayment: 0.20,
			CriterionInventory: 0.15, CriterionNewBusiness: 0.10},
		Thresholds: map[string][3]float64{
			CriterionSpend:       {0.75, 0.50, 0.25},
			CriterionMargin:      {1.10, 1.00, 0.85},
			CriterionPayment:     {2, 15, 45},
			CriterionInventory:   {0.10, 0.25, 0.50},
			CriterionNewBusiness: {0.80, 0.50, 0.25},
		},
		Tiers:         [3]float64{3.25, 2.50, 1.75},
		CostOfCapital: 0.08,
		CarryingRate:  0.25,
	}
}

// criteria lists the criteria in order, with whether a larger value is better.
var criteria = []struct {
	name   string
	higher bool
}{
	{CriterionSpend, true}, {CriterionMargin, true}, {CriterionPayment, false},
	{CriterionInventory, false}, {CriterionNewBusiness, true},
}

// Validate reports settings that would make grades meaningless: a negative or missing
// weight, weights that are all zero, thresholds out of order, tiers out of order or
// outside 1–4, negative rates.
func (s GradeSettings) Validate() error {
	known := map[string]bool{}
	for _, c := range criteria {
		known[c.name] = true
	}
	for name := range s.Weights {
		if !known[name] {
			return Errorf(EINVALID, "grade weights: unknown criterion %q (the criteria are spend, margin, payment, inventory, new_business)", name)
		}
	}
	for name := range s.Thresholds {
		if !known[name] {
			return Errorf(EINVALID, "grade thresholds: unknown criterion %q (the criteria are spend, margin, payment, inventory, new_business)", name)
		}
	}
	total := 0.0
	for _, c := range criteria {
		w, ok := s.Weights[c.name]
		if !ok || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return Errorf(EINVALID, "grade weight of %s must be a number of 0 or more", c.name)
		}
		total += w
		t, ok := s.Thresholds[c.name]
		if !ok {
			return Errorf(EINVALID, "grade thresholds of %s are missing", c.name)
		}
		for _, v := range t {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxQuantity {
				return Errorf(EINVALID, "grade thresholds of %s must be numbers of at most 1,000,000,000: %v", c.name, t)
			}
		}
		ordered := t[0] > t[1] && t[1] > t[2]
		if !c.higher {
			ordered = t[0] < t[1] && t[1] < t[2]
		}
		if !ordered {
			dir := "decreasing"
			if !c.higher {
				dir = "increasing"
			}
			return Errorf(EINVALID, "grade thresholds of %s (scores 4, 3, 2) must be strictly %s: %v", c.name, dir, t)
		}
	}
	if total <= 0 {
		return Errorf(EINVALID, "grade weights are all zero: at least one criterion must count")
	}
	if !(s.Tiers[0] > s.Tiers[1] && s.Tiers[1] > s.Tiers[2] && s.Tiers[2] > 1 && s.Tiers[0] <= 4) {
		return Errorf(EINVALID, "tier thresholds must be strictly decreasing between 1 and 4: %v", s.Tiers)
	}
	if !(s.CostOfCapital >= 0 && s.CostOfCapital <= 1) || !(s.CarryingRate >= 0 && s.CarryingRate <= 1) {
		return Errorf(EINVALID, "cost of capital and carrying rate must be between 0 and 1 (0.08 is 8%% a year; at most 100%%), not %v and %v", s.CostOfCapital, s.CarryingRate)
	}
	return nil
}

// thresholdSlack is how close to a threshold a value counts as reaching it: ratios such
// as 0.44/0.40 come out a hair below 1.10 in floating point.
const thresholdSlack = 1e-9

// score returns the 1–4 score of value against a criterion's thresholds.
func (s GradeSettings) score(criterion string, higher bool, value float64) int {
	t := s.Thresholds[criterion]
	for i, th := range t {
		if (higher && value >= th-thresholdSlack) || (!higher && value <= th+thresholdSlack) {
			return 4 - i
		}
	}
	return 1
}

// tier returns the tier of a score.
func (s GradeSettings) tier(score float64) string {
	for i, th := range s.Tiers {
		if score >= th-thresholdSlack {
			return tiers[i]
		}
	}
	return tiers[3]
}

// CriterionScore is one criterion of a grade. HasData is false when the account has no
// data for it: it is left out and the other weights renormalised.
type CriterionScore struct {
	Name    string  `json:"name"`
	HasData bool    `json:"has_data"`
	Value   float64 `json:"value"`
	Score   int     `json:"score"`
	Weight  float64 `json:"weight"` // renormalised; 0 without data
}

// Lift is a way to move the account up one tier by improving one criterion alone.
type Lift struct {
	Criterion string  `json:"criterion"`
	Score     int     `json:"score"`     // the score it needs
	Threshold float64 `json:"threshold"` // the value that earns that score
	// Saving is the yearly financing cost saved at that threshold (payment only).
	Saving float64 `json:"saving,omitempty" money:"amount"`
}

// RFQCounts are an account's RFQs dated in W by outcome.
type RFQCounts struct {
	Won        int `json:"won"`
	Lost       int `json:"lost"`
	Pending    int `json:"pending"`
	NotInvited int `json:"not_invited"`
}

// Grade places an account on the value scale.
type Grade struct {
	AccountID string           `json:"account_id"`
	Name      string           `json:"name"`
	Territory string           `json:"territory"`
	AsOf      Date             `json:"as_of"`
	Score     float64          `json:"score"`
	Tier      string           `json:"tier"`
	Criteria  []CriterionScore `json:"criteria"`
	Revenue   float64          `json:"revenue" money:"amount"`
	GP        float64          `json:"gp" money:"amount"`
	Invoiced  float64          `json:"invoiced" money:"amount"` // Σ amount of the invoices dated in W
	// EarlierOpen is Σ amount of the invoices dated before W and still open at the as-of
	// date: payment scores them with those of W.
	EarlierOpen   float64   `json:"earlier_open" money:"amount"`
	FinancingCost float64   `json:"financing_cost" money:"amount"`
	InventoryCost float64   `json:"inventory_cost" money:"amount"`
	TrueGP        float64   `json:"true_gp" money:"amount"`
	WinRate       *float64  `json:"win_rate"` // won/(won+lost) of the RFQs in W; nil without any
	RFQs          RFQCounts `json:"rfqs"`
	// CompanyGPRate is the company's GP% over W that margin compares with (0 when the
	// company made no gross profit).
	CompanyGPRate float64 `json:"company_gp_rate"`
	// Graded is false when the account has no sales, invoices, commitment months or RFQs
	// in W: there is nothing to grade, Score is 0 and Tier empty.
	Graded   bool   `json:"graded"`
	NextTier string `json:"next_tier,omitempty"`
	Lifts    []Lift `json:"lifts"`
	// Overdue are the account's invoices open at the as-of date more than
	// DigestLateDays past due, as the digest counts them, whatever their date; nil when
	// there are none. Grades.Account fills it in (the book's grades leave it nil).
	Overdue *Overdue `json:"overdue"`
}

// Overdue sums an account's invoices open at the as-of date more than DigestLateDays
// past due, and names the oldest.
type Overdue struct {
	Invoices int     `json:"invoices"`
	Amount   float64 `json:"amount" money:"amount"`
	// Oldest is the invoice the most days past due (of those, the largest).
	Oldest OverdueInvoice `json:"oldest"`
}

// OverdueInvoice is one invoice open at the as-of date, with its days past due then.
type OverdueInvoice struct {
	InvoiceID   string  `json:"invoice_id"`
	Amount      float64 `json:"amount" money:"amount"`
	InvoiceDate Date    `json:"invoice_date"`
	DueDate     Date    `json:"due_date"`
	DaysPastDue int     `json:"days_past_due"`
}

// SummarizeOverdue returns the invoices of invoices open at asOf (dated on or before it,
// not paid by then) more than DigestLateDays past due, summed, with the oldest named;
// nil when there is none.
func SummarizeOverdue(invoices []Invoice, asOf time.Time) *Overdue {
	a := DayNumber(asOf)
	var o *Overdue
	for _, inv := range invoices {
		if DayNumber(inv.InvoiceDate) > a || (!inv.PaidDate.IsZero() && DayNumber(inv.PaidDate) <= a) {
			continue
		}
		late := int(a - DayNumber(inv.DueDate))
		if late <= DigestLateDays {
			continue
		}
		if o == nil {
			o = &Overdue{}
		}
		o.Invoices++
		o.Amount += inv.Amount
		if o.Invoices == 1 || late > o.Oldest.DaysPastDue || (late == o.Oldest.DaysPastDue && inv.Amount > o.Oldest.Amount) {
			o.Oldest = OverdueInvoice{InvoiceID: inv.ID, Amount: inv.Amount, InvoiceDate: DateOf(inv.InvoiceDate),
				DueDate: DateOf(inv.DueDate), DaysPastDue: late}
		}
	}
	return o
}

// CommitmentTaken is a commitment with the quantity the account actually bought of that
// SKU in that month, and the SKU's unit cost.
type CommitmentTaken struct {
	Commitment
	Taken    float64
	UnitCost float64
}

// DayNumber is t's calendar date as days since 1970-01-01 (negative before). Stores keep
// dates this way; the grade's sums take them so that a whole book's invoices add up
// without building a time.Time for each.
func DayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// DayWindow is a Period as day numbers: After excluded, Through included.
type DayWindow struct{ After, Through int64 }

// NewDayWindow returns W of the as-of date as day numbers.
func NewDayWindow(asOf time.Time) DayWindow {
	w := Window(asOf)
	return DayWindow{After: DayNumber(w.After), Through: DayNumber(w.Through)}
}

// Contains reports whether day d lies in the window.
func (w DayWindow) Contains(d int64) bool { return d > w.After && d <= w.Through }

// NoDay marks an invoice without a paid date.
const NoDay = math.MinInt64

// GradeFacts are the sums over W that one account's grade is computed from. They do not
// depend on the settings, so a book's facts can be cached and graded under any.
type GradeFacts struct {
	AccountID string
	// Revenue and Cost are the account's sales over W.
	Revenue, Cost float64
	// Invoiced is Σ amount of the invoices dated in W; EarlierOpen Σ amount of those
	// dated before W and still open at the as-of date. Payment scores both (DESIGN
	// section 3, v2). LateAmountDays is Σ amount × days late over both, where days late
	// = (paid date, or the as-of date if the invoice was open on it) − due date, floored
	// at 0; FinancedAmountDays counts only the late days that fall inside W.
	Invoiced, EarlierOpen, LateAmountDays, FinancedAmountDays float64
	// Committed is Σ committed quantity of the commitment months wholly in W; Strayed is
	// Σ |taken − committed|; ShortCost is Σ max(0, committed − taken) × unit cost.
	Committed, Strayed, ShortCost float64
	// RFQs dated in W by outcome.
	Won, Lost, Pending, NotInvited int
}

// AddInvoice adds one invoice (day numbers; paid is NoDay when the invoice is open) to
// the sums of the as-of date (w.Through) and its window w: an invoice dated in W, or one
// dated before W and still open at the as-of date (DESIGN section 3, payment v2). An
// invoice paid after the as-of date was open on it, so it is late until the as-of date:
// a grade as of a past date does not use what happened after it (DESIGN section 3 reads
// "paid_date, or A if open"; for the default as-of date, today, the two agree).
func (f *GradeFacts) AddInvoice(w DayWindow, invoice, due, paid int64, amount float64) {
	if invoice > w.Through {
		return
	}
	open := paid == NoDay || paid > w.Through
	switch {
	case invoice > w.After:
		f.Invoiced += amount
	case open:
		f.EarlierOpen += amount
	default:
		return
	}
	end := paid
	if open {
		end = w.Through
	}
	if late := end - due; late > 0 {
		f.LateAmountDays += amount * float64(late)
		// The late days inside W: those after both the due date and W's start.
		f.FinancedAmountDays += amount * float64(max(0, end-max(due, w.After)))
	}
}

// AddCommitment adds one commitment month, if it lies wholly in w.
func (f *GradeFacts) AddCommitment(w DayWindow, m Month, committed, taken, unitCost float64) {
	if DayNumber(m.First()) <= w.After || DayNumber(m.Last()) > w.Through {
		return
	}
	f.Committed += committed
	f.Strayed += math.Abs(taken - committed)
	f.ShortCost += math.Max(0, committed-taken) * unitCost
}

// AddRFQ adds one RFQ, if it is dated in w.
func (f *GradeFacts) AddRFQ(w DayWindow, day int64, o RFQOutcome) {
	if !w.Contains(day) {
		return
	}
	switch o {
	case RFQWon:
		f.Won++
	case RFQLost:
		f.Lost++
	case RFQPending:
		f.Pending++
	case RFQNotInvited:
		f.NotInvited++
	}
}

// HasData reports whether the account has anything to grade in W: sales, invoices,
// commitment months or RFQs.
func (f GradeFacts) HasData() bool {
	return f.Revenue != 0 || f.Cost != 0 || f.Invoiced > 0 || f.Committed > 0 ||
		f.Won+f.Lost+f.Pending+f.NotInvited > 0
}

// GradeBook is what every grade is measured against: the revenue over W of each account
// with revenue > 0, sorted ascending, and the company's revenue and cost over W.
type GradeBook struct {
	Revenues      []float64
	Revenue, Cost float64
}

// NewGradeBook returns the book of a whole company's facts.
func NewGradeBook(facts []GradeFacts) *GradeBook {
	b := &GradeBook{}
	for _, f := range facts {
		b.Revenue += f.Revenue
		b.Cost += f.Cost
		if f.Revenue > 0 {
			b.Revenues = append(b.Revenues, f.Revenue)
		}
	}
	sort.Float64s(b.Revenues)
	return b
}

// GradeInput is one account's records, for grading it on its own (tests, one-off
// checks); GradeAccount grades from sums that stores compute in bulk.
type GradeInput struct {
	Account Account
	AsOf    time.Time
	// Revenue and Cost are the account's sales over W.
	Revenue, Cost float64
	// Book is the revenue over W of every account with revenue > 0, sorted ascending.
	Book []float64
	// CompanyRevenue and CompanyCost are every account's sales over W.
	CompanyRevenue, CompanyCost float64
	Invoices                    []Invoice         // the account's; those dated in W count
	Commitments                 []CommitmentTaken // the account's; months wholly in W count
	RFQs                        []RFQ             // the account's; those dated in W count
}

// Facts sums the input's records into the account's grade facts.
func (in GradeInput) Facts() GradeFacts {
	w := NewDayWindow(in.AsOf)
	f := GradeFacts{AccountID: in.Account.ID, Revenue: in.Revenue, Cost: in.Cost}
	for _, inv := range in.Invoices {
		paid := int64(NoDay)
		if !inv.PaidDate.IsZero() {
			paid = DayNumber(inv.PaidDate)
		}
		f.AddInvoice(w, DayNumber(inv.InvoiceDate), DayNumber(inv.DueDate), paid, inv.Amount)
	}
	for _, c := range in.Commitments {
		f.AddCommitment(w, c.Period, c.CommittedQty, c.Taken, c.UnitCost)
	}
	for _, r := range in.RFQs {
		f.AddRFQ(w, DayNumber(r.Date), r.Outcome)
	}
	return f
}

// ComputeGrade computes DESIGN section 3 "Grade" for one account from its records; s
// must be valid.
func ComputeGrade(in GradeInput, s GradeSettings) Grade {
	book := &GradeBook{Revenues: in.Book, Revenue: in.CompanyRevenue, Cost: in.CompanyCost}
	return GradeAccount(in.Account, in.Facts(), book, s, in.AsOf)
}

// GradeAccount computes DESIGN section 3 "Grade" for one account from its facts and the
// book; s must be valid. An account without any data (see GradeFacts.HasData) is
// returned with Graded false, score 0 and no tier.
func GradeAccount(a Account, f GradeFacts, book *GradeBook, s GradeSettings, asOf time.Time) Grade {
	g := Grade{AccountID: a.ID, Name: a.Name, Territory: a.Territory, AsOf: DateOf(asOf),
		Revenue: f.Revenue, GP: f.Revenue - f.Cost, Graded: f.HasData(), Criteria: []CriterionScore{}, Lifts: []Lift{}}
	if !g.Graded {
		for _, c := range criteria {
			g.Criteria = append(g.Criteria, CriterionScore{Name: c.name})
		}
		return g
	}
	values := map[string]float64{}
	has := map[string]bool{}

	// spend: the share of accounts with revenue whose revenue is strictly below ours.
	has[CriterionSpend] = true
	if f.Revenue > 0 && len(book.Revenues) > 0 {
		below := sort.SearchFloat64s(book.Revenues, f.Revenue) // first index with Revenues[i] ≥ Revenue
		values[CriterionSpend] = float64(below) / float64(len(book.Revenues))
	}

	// margin: our GP% at the account against the company's.
	if book.Revenue > 0 {
		company := (book.Revenue - book.Cost) / book.Revenue
		g.CompanyGPRate = company
		if f.Revenue > 0 && company > 0 {
			has[CriterionMargin] = true
			values[CriterionMargin] = (g.GP / f.Revenue) / company
		}
	}

	// payment: days late, weighted by amount, over the invoices of W and the older ones
	// still open; the financing cost counts only the late days inside W.
	if scored := f.Invoiced + f.EarlierOpen; scored > 0 {
		has[CriterionPayment] = true
		values[CriterionPayment] = f.LateAmountDays / scored
		g.FinancingCost = f.FinancedAmountDays * s.CostOfCapital / 365
		g.Invoiced, g.EarlierOpen = f.Invoiced, f.EarlierOpen
	}

	// inventory: how far takings strayed from commitments.
	if f.Committed > 0 {
		has[CriterionInventory] = true
		values[CriterionInventory] = f.Strayed / f.Committed
		g.InventoryCost = f.ShortCost * s.CarryingRate / 12
	}

	// new_business: how often we are invited to quote.
	invited := float64(f.Won + f.Lost + f.Pending)
	if all := invited + float64(f.NotInvited); all > 0 {
		has[CriterionNewBusiness] = true
		values[CriterionNewBusiness] = invited / all
	}
	if f.Won+f.Lost > 0 {
		wr := float64(f.Won) / float64(f.Won+f.Lost)
		g.WinRate = &wr
	}
	g.RFQs = RFQCounts{Won: f.Won, Lost: f.Lost, Pending: f.Pending, NotInvited: f.NotInvited}

	scores := map[string]int{}
	for _, c := range criteria {
		if has[c.name] {
			scores[c.name] = s.score(c.name, c.higher, values[c.name])
			if c.name == CriterionSpend && f.Revenue <= 0 {
				scores[c.name] = 1
			}
		}
	}
	g.Score = weightedScore(s, has, scores)
	g.Tier = s.tier(g.Score)
	total := 0.0
	for _, c := range criteria {
		if has[c.name] {
			total += s.Weights[c.name]
		}
	}
	for _, c := range criteria {
		cs := CriterionScore{Name: c.name, HasData: has[c.name], Value: values[c.name], Score: scores[c.name]}
		if cs.HasData && total > 0 {
			cs.Weight = s.Weights[c.name] / total
		}
		g.Criteria = append(g.Criteria, cs)
	}
	g.TrueGP = g.GP - g.FinancingCost - g.InventoryCost
	g.NextTier, g.Lifts = lifts(s, has, scores, values, f, book, g)
	return g
}

// weightedScore is Σ wᵢsᵢ / Σ wᵢ over the criteria with data; 1 (the lowest score) when
// none has data or their weights are all zero.
func weightedScore(s GradeSettings, has map[string]bool, scores map[string]int) float64 {
	var sum, total float64
	for _, c := range criteria {
		if has[c.name] {
			sum += s.Weights[c.name] * float64(scores[c.name])
			total += s.Weights[c.name]
		}
	}
	if total == 0 {
		return 1
	}
	// Rounded to 1e-9 so that 0.1×3/0.1 is 3, not 3.0000000000000004, in replies and JSON.
	return math.Round(sum/total*1e9) / 1e9
}

// lifts finds, for an account below the top tier, each criterion whose improvement alone
// lifts it one tier, with the lowest score that does it and the value that earns it.
func lifts(s GradeSettings, has map[string]bool, scores map[string]int, values map[string]float64, f GradeFacts, book *GradeBook, g Grade) (string, []Lift) {
	out := []Lift{}
	idx := 0
	for i, t := range tiers {
		if t == g.Tier {
			idx = i
		}
	}
	if idx == 0 {
		return "", out
	}
	need := s.Tiers[idx-1]
	for _, c := range criteria {
		if !has[c.name] || s.Weights[c.name] == 0 {
			continue
		}
		for score := scores[c.name] + 1; score <= 4; score++ {
			trial := map[string]int{}
			for k, v := range scores {
				trial[k] = v
			}
			trial[c.name] = score
			if weightedScore(s, has, trial) < need-thresholdSlack {
				continue
			}
			l := Lift{Criterion: c.name, Score: score, Threshold: s.Thresholds[c.name][4-score]}
			switch c.name {
			case CriterionSpend:
				var ok bool
				if l.Threshold, ok = spendToRank(book.Revenues, f.Revenue, l.Threshold); !ok {
					continue // no revenue earns this score: try the next
				}
				l.Threshold = roundUpSignificant(l.Threshold, 2)
			case CriterionMargin:
				l.Threshold *= g.CompanyGPRate // as a GP%
			case CriterionPayment:
				// Capped at what the late payments cost this year (DESIGN section 3, v2):
				// an old invoice paid at last saves no more than its financing.
				l.Saving = min((f.Invoiced+f.EarlierOpen)*(values[c.name]-l.Threshold)*s.CostOfCapital/365, g.FinancingCost)
			}
			out = append(out, l)
			break
		}
	}
	return tiers[idx-1], out
}

// roundUpSignificant rounds x > 0 up to its first n significant digits (88,596 → 89,000
// for n = 2). The spend to exceed is another account's exact revenue, perhaps of a
// territory the asker may not see: rounded up, it still lifts the account (more than the
// rounded figure is more than the exact one) and no longer gives that account's figure.
func roundUpSignificant(x float64, n int) float64 {
	if x <= 0 {
		return x
	}
	unit := math.Pow(10, math.Floor(math.Log10(x))-float64(n-1))
	return math.Ceil(x/unit-1e-9) * unit
}

// spendToRank returns the yearly revenue that an account with revenue own must exceed
// for its spend to rank at or above share p of the book: more than ceil(p × n) of the
// other accounts' revenues, where n counts the account itself once it has revenue. ok is
// false when no revenue does it: there are too few other accounts.
func spendToRank(book []float64, own, p float64) (threshold float64, ok bool) {
	n, self := len(book), -1
	if own > 0 {
		// The account's own entry is in the book; the others skip it.
		if i := sort.SearchFloat64s(book, own); i < len(book) && book[i] == own {
			self = i
		}
	} else {
		n++ // it joins the book when it buys
	}
	others := len(book)
	if self >= 0 {
		others--
	}
	k := int(math.Ceil(p*float64(n) - thresholdSlack))
	switch {
	case k > others:
		return 0, false
	case k <= 0:
		return 0, true
	}
	j := k - 1 // the k-th smallest of the others
	if self >= 0 && j >= self {
		j++
	}
	return book[j], true
}
