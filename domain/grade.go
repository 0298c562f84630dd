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
	if s.CostOfCapital < 0 || s.CarryingRate < 0 {
		return Errorf(EINVALID, "cost of capital and carrying rate must be 0 or more")
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
	Saving float64 `json:"saving,omitempty"`
}

// Grade places an account on the value scale.
type Grade struct {
	AccountID     string           `json:"account_id"`
	Name          string           `json:"name"`
	Territory     string           `json:"territory"`
	AsOf          string           `json:"as_of"`
	Score         float64          `json:"score"`
	Tier          string           `json:"tier"`
	Criteria      []CriterionScore `json:"criteria"`
	Revenue       float64          `json:"revenue"`
	GP            float64          `json:"gp"`
	FinancingCost float64          `json:"financing_cost"`
	InventoryCost float64          `json:"inventory_cost"`
	TrueGP        float64          `json:"true_gp"`
	WinRate       *float64         `json:"win_rate"` // won/(won+lost) of the RFQs in W; nil without any
	NextTier      string           `json:"next_tier,omitempty"`
	Lifts         []Lift           `json:"lifts"`
}

// CommitmentTaken is a commitment with the quantity the account actually bought of that
// SKU in that month, and the SKU's unit cost.
type CommitmentTaken struct {
	Commitment
	Taken    float64
	UnitCost float64
}

// GradeInput is what one account's grade is computed from.
type GradeInput struct {
	Account Account
	AsOf    time.Time
	// Revenue and Cost are the account's sales over W.
	Revenue, Cost float64
	// Book is the revenue over W of every account with revenue > 0, sorted ascending:
	// the spend criterion ranks the account in it.
	Book []float64
	// CompanyRevenue and CompanyCost are every account's sales over W.
	CompanyRevenue, CompanyCost float64
	Invoices                    []Invoice         // the account's; those dated in W count
	Commitments                 []CommitmentTaken // the account's; months wholly in W count
	RFQs                        []RFQ             // the account's; those dated in W count
}

// ComputeGrade computes DESIGN section 3 "Grade" for one account; s must be valid.
func ComputeGrade(in GradeInput, s GradeSettings) Grade {
	a := Day(in.AsOf)
	w := Window(a)
	g := Grade{AccountID: in.Account.ID, Name: in.Account.Name, Territory: in.Account.Territory,
		AsOf: a.Format(DateLayout), Revenue: in.Revenue, GP: in.Revenue - in.Cost}
	values := map[string]float64{}
	has := map[string]bool{}

	// spend: the share of accounts with revenue whose revenue is strictly below ours.
	has[CriterionSpend] = true
	if in.Revenue > 0 && len(in.Book) > 0 {
		below := sort.SearchFloat64s(in.Book, in.Revenue) // first index with Book[i] ≥ Revenue
		values[CriterionSpend] = float64(below) / float64(len(in.Book))
	}

	// margin: our GP% at the account against the company's.
	if in.Revenue > 0 && in.CompanyRevenue > 0 {
		company := (in.CompanyRevenue - in.CompanyCost) / in.CompanyRevenue
		if company > 0 {
			has[CriterionMargin] = true
			values[CriterionMargin] = (g.GP / in.Revenue) / company
		}
	}

	// payment: days late, weighted by amount; open invoices are late until today.
	var amount, weighted float64
	for _, inv := range in.Invoices {
		if !w.Contains(inv.InvoiceDate) {
			continue
		}
		end := inv.PaidDate
		if end.IsZero() {
			end = a
		}
		late := math.Max(0, end.Sub(inv.DueDate).Hours()/24)
		amount += inv.Amount
		weighted += inv.Amount * late
	}
	if amount > 0 {
		has[CriterionPayment] = true
		values[CriterionPayment] = weighted / amount
		g.FinancingCost = weighted * s.CostOfCapital / 365
	}

	// inventory: how far takings strayed from commitments, in months wholly inside W.
	var committed, strayed float64
	for _, c := range in.Commitments {
		if !c.Period.First().After(w.After) || c.Period.Last().After(w.Through) {
			continue
		}
		committed += c.CommittedQty
		strayed += math.Abs(c.Taken - c.CommittedQty)
		g.InventoryCost += math.Max(0, c.CommittedQty-c.Taken) * c.UnitCost * s.CarryingRate / 12
	}
	if committed > 0 {
		has[CriterionInventory] = true
		values[CriterionInventory] = strayed / committed
	}

	// new_business: how often we are invited to quote.
	var won, lost, pending, notInvited float64
	for _, r := range in.RFQs {
		if !w.Contains(r.Date) {
			continue
		}
		switch r.Outcome {
		case RFQWon:
			won++
		case RFQLost:
			lost++
		case RFQPending:
			pending++
		case RFQNotInvited:
			notInvited++
		}
	}
	if invited := won + lost + pending; invited+notInvited > 0 {
		has[CriterionNewBusiness] = true
		values[CriterionNewBusiness] = invited / (invited + notInvited)
	}
	if won+lost > 0 {
		wr := won / (won + lost)
		g.WinRate = &wr
	}

	scores := map[string]int{}
	for _, c := range criteria {
		if has[c.name] {
			scores[c.name] = s.score(c.name, c.higher, values[c.name])
			if c.name == CriterionSpend && in.Revenue <= 0 {
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
	g.NextTier, g.Lifts = lifts(s, has, scores, values, in, g)
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
	return sum / total
}

// lifts finds, for an account below the top tier, each criterion whose improvement alone
// lifts it one tier, with the lowest score that does it and the value that earns it.
func lifts(s GradeSettings, has map[string]bool, scores map[string]int, values map[string]float64, in GradeInput, g Grade) (string, []Lift) {
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
				l.Threshold = spendToRank(in.Book, l.Threshold)
			case CriterionPayment:
				var amount float64
				for _, inv := range in.Invoices {
					if Window(in.AsOf).Contains(inv.InvoiceDate) {
						amount += inv.Amount
					}
				}
				l.Saving = amount * (values[c.name] - l.Threshold) * s.CostOfCapital / 365
			}
			out = append(out, l)
			break
		}
	}
	return tiers[idx-1], out
}

// spendToRank returns the yearly revenue above which an account's spend ranks at or above
// share p of the book: it must exceed the revenue of ceil(p × n) accounts.
func spendToRank(book []float64, p float64) float64 {
	k := int(math.Ceil(p * float64(len(book))))
	if k <= 0 || len(book) == 0 {
		return 0
	}
	return book[min(k, len(book))-1]
}
