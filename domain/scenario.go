package domain

import (
	"context"
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
	AsOf        string       `json:"as_of"` // the date the deal was priced at
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

// ScenarioStore keeps scenarios.
type ScenarioStore interface {
	// SaveScenario stores a new scenario and sets its ID.
	SaveScenario(ctx context.Context, s *Scenario) error
	// FindScenario returns a scenario; ENOTFOUND when there is none with that id.
	FindScenario(ctx context.Context, id int64) (Scenario, error)
}

// OfferWriter stores a competitor offer heard in the field, with who recorded it and
// when; it replaces the offer of the same competitor, SKU and account.
type OfferWriter interface {
	RecordCompetitorOffer(ctx context.Context, o CompetitorOffer) error
}

// ErrScenarioNotFound returns the ENOTFOUND error of an unknown scenario id, for stores.
func ErrScenarioNotFound(id int64) error {
	return Errorf(ENOTFOUND, "There is no scenario %s.", ScenarioName(id))
}
