package domain

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Sides of a concession-ledger item.
const (
	LedgerGive = "give"
	LedgerGet  = "get"
)

// LedgerItem is something beyond price that a trade gives or gets: payment terms, a
// volume commitment, a term length, freight.
type LedgerItem struct {
	Side    string `json:"side"` // LedgerGive or LedgerGet
	Text    string `json:"text"`
	Primary bool   `json:"primary"` // primary or secondary importance
	// Worth is what the item is worth as typed (`worth 1200`): a yearly value, or a
	// one-off when Once is set; nil when none was typed.
	Worth *float64 `json:"worth,omitempty" money:"amount"`
	Once  bool     `json:"once,omitempty"`
	// Value is what the item is worth over the deal's term (DESIGN section 3 "Deal
	// what-if", v2), never negative; nil when it cannot be priced and is only counted.
	Value *float64 `json:"value" money:"amount"`
	// Terms is what payment terms were priced on; nil for other items.
	Terms *TermsBasis `json:"terms,omitempty"`
}

// TermsBasis is what an item of payment terms is priced on.
type TermsBasis struct {
	Today         int     `json:"today_days"`             // the account's payment terms when priced
	Days          int     `json:"days"`                   // the terms the item names
	Revenue       float64 `json:"revenue" money:"amount"` // the account's over W
	CostOfCapital float64 `json:"cost_of_capital"`
}

// TermsDays reads the payment terms an item names: "net 60", "net 60 terms",
// "net-60 days", "Net60 payment terms". ok is false for any other item.
func (it LedgerItem) TermsDays() (days int, ok bool) {
	words := strings.Fields(strings.ToLower(it.Text))
	if len(words) == 0 {
		return 0, false
	}
	n := ""
	switch w := words[0]; {
	case w == "net" && len(words) >= 2:
		n, words = words[1], words[2:]
	case strings.HasPrefix(w, "net-") || strings.HasPrefix(w, "net"):
		n, words = strings.TrimPrefix(strings.TrimPrefix(w, "net"), "-"), words[1:]
	default:
		return 0, false
	}
	d, err := strconv.Atoi(n)
	if err != nil || d < 0 {
		return 0, false
	}
	for _, w := range words {
		switch w {
		case "day", "days", "term", "terms", "payment", "payments":
		default:
			return 0, false
		}
	}
	return d, true
}

// LedgerInput is what a ledger is priced on: the account's payment terms today and its
// revenue over W, the yearly cost of capital (the grade's setting) and the deal's term.
type LedgerInput struct {
	PaymentTermsDays int
	Revenue          float64 // the account's, over W
	CostOfCapital    float64
	Months           int
}

// PriceLedger returns a copy of items with each item's Value set where it can be priced
// (DESIGN section 3 "Deal what-if", v2): `worth V` as V × T/12 (a one-off: V); payment
// terms as the financing cost of the days between the account's terms today and the
// ones named, on its revenue over W, at the cost of capital, over the term. Other items
// are counted only (Value nil). It fails (EINVALID) on terms that are no concession in
// the item's direction (giving terms no longer than today's, getting terms no shorter)
// and on more than one item of payment terms.
func PriceLedger(items []LedgerItem, in LedgerInput) ([]LedgerItem, error) {
	if items == nil {
		return nil, nil
	}
	out := make([]LedgerItem, len(items))
	term := float64(in.Months) / 12
	terms := ""
	for i, it := range items {
		it.Value, it.Terms = nil, nil
		days, isTerms := it.TermsDays()
		if isTerms {
			if terms != "" {
				return nil, Errorf(EINVALID, "Payment terms appear twice (%s and %s): say them once.", terms, it.Text)
			}
			terms = it.Text
		}
		switch {
		case it.Worth != nil:
			if !(*it.Worth >= 0) || math.IsInf(*it.Worth, 0) {
				return nil, Errorf(EINVALID, "What %s is worth must be 0 or more.", it.Text)
			}
			v := *it.Worth
			if !it.Once {
				v *= term
			}
			it.Value = &v
		case isTerms:
			now := in.PaymentTermsDays
			extra := days - now // days of credit we give
			if it.Side == LedgerGive && extra <= 0 {
				return nil, Errorf(EINVALID, "They are on net %d today: giving %s is no concession. Give longer terms than net %d, or leave terms out.", now, it.Text, now)
			}
			if it.Side == LedgerGet && extra >= 0 {
				return nil, Errorf(EINVALID, "They are on net %d today: getting %s gains nothing. Ask for shorter terms than net %d, or leave terms out.", now, it.Text, now)
			}
			v := math.Abs(float64(extra)) * in.Revenue * in.CostOfCapital / 365 * term
			it.Value = &v
			it.Terms = &TermsBasis{Today: now, Days: days, Revenue: in.Revenue, CostOfCapital: in.CostOfCapital}
		}
		out[i] = it
	}
	return out, nil
}

// PricedSums returns the sums of the priced gives and gets of a ledger.
func PricedSums(items []LedgerItem) (gives, gets float64) {
	for _, it := range items {
		if it.Value == nil {
			continue
		}
		if it.Side == LedgerGive {
			gives += *it.Value
		} else {
			gets += *it.Value
		}
	}
	return gives, gets
}

// LedgerBalance counts a trade's primary items on each side. The price concession is a
// primary item we give and the order of Y a primary item we get.
type LedgerBalance struct {
	PrimaryGives int  `json:"primary_gives"`
	PrimaryGets  int  `json:"primary_gets"`
	Lopsided     bool `json:"lopsided"` // we give more primary items than we get
}

// BalanceLedger counts the primary items of a trade with the given ledger.
func BalanceLedger(items []LedgerItem) LedgerBalance {
	b := LedgerBalance{PrimaryGives: 1, PrimaryGets: 1}
	for _, it := range items {
		if !it.Primary {
			continue
		}
		if it.Side == LedgerGive {
			b.PrimaryGives++
		} else {
			b.PrimaryGets++
		}
	}
	b.Lopsided = b.PrimaryGives > b.PrimaryGets
	return b
}

// Scenario is a priced trade saved for a team to work on: shown, varied and compared by
// its id (S-12) in the channel or thread it was made in.
type Scenario struct {
	ID          int64        `json:"-"`
	ParentID    int64        `json:"-"` // the scenario it varies; 0 for none
	AccountID   string       `json:"account_id"`
	AccountName string       `json:"account_name"`
	Author      string       `json:"author"` // email, or who asked on the command line
	Channel     string       `json:"channel,omitempty"`
	Thread      string       `json:"thread,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	AsOf        Date         `json:"as_of"` // the date the deal was priced at
	Ledger      []LedgerItem `json:"ledger"`
	Deal        Deal         `json:"deal"` // as priced when saved
	// CostPerUse compares our SKUs of X with the competitor offers on file when saved.
	CostPerUse []CostPerUse `json:"cost_per_use,omitempty"`
}

// Name is the scenario's id as people type it: "S-12".
func (s Scenario) Name() string { return ScenarioName(s.ID) }

// ScenarioName writes a scenario id: "S-12".
func ScenarioName(id int64) string { return "S-" + strconv.FormatInt(id, 10) }

// ParseScenarioID reads "S-12", "s12" or "12".
func ParseScenarioID(s string) (int64, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "S"), "-")
	id, err := strconv.ParseInt(t, 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "%q is not a scenario id: they look like S-12.", s)
	}
	return id, nil
}

// ScenarioJSON is a scenario with its id and parent spelt as people type them.
type ScenarioJSON struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Scenario
	Balance LedgerBalance `json:"balance"`
}

// JSON returns the scenario as its JSON form.
func (s Scenario) JSON() ScenarioJSON {
	j := ScenarioJSON{ID: s.Name(), Scenario: s, Balance: BalanceLedger(s.Ledger)}
	if s.ParentID != 0 {
		j.Parent = ScenarioName(s.ParentID)
	}
	return j
}

// ErrScenarioNotFound returns the ENOTFOUND error of an unknown scenario id, for stores.
func ErrScenarioNotFound(id int64) error {
	return Errorf(ENOTFOUND, "There is no scenario %s.", ScenarioName(id))
}
