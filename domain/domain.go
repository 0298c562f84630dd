// Package domain holds Incumbent's core: the records a sales organisation exports
// (accounts, products, sales lines, potentials, opportunities, invoices, commitments,
// RFQs, competitor offers, objectives, territories and people), the error codes every
// layer speaks, and the interfaces the computations read through: Store, in its parts
// Directory, Records and Facts, and the narrower reader each service holds.
//
// It imports the standard library only. Money and quantities are float64 in the
// company's one currency; dates are time.Time values at midnight UTC.
//
// A singular file holds a computation's pure formulas and a plural one the service
// that runs them over the store, with the interface it reads through: gap.go and gaps.go
// (Gaps, GapReader), grade.go and grades.go (Grades, GradeReader), deal.go and deals.go
// (Deals, DealReader).
package domain

import (
	"fmt"
	"strings"
	"time"
)

// Role is what a person may see: a rep their territory, a manager the territories they
// manage, an admin everything.
type Role string

// The roles of people.csv.
const (
	RoleRep     Role = "rep"
	RoleManager Role = "manager"
	RoleAdmin   Role = "admin"
)

// ParseRole returns the role named s (case-insensitive).
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleRep, RoleManager, RoleAdmin:
		return r, nil
	}
	return "", Errorf(EINVALID, "role %q is not one of rep, manager, admin", s)
}

// Territory is a sales territory with its manager and digest settings.
type Territory struct {
	Name          string       `json:"territory"`
	Manager       string       `json:"manager,omitempty"` // email
	DigestChannel string       `json:"digest_channel,omitempty"`
	Timezone      string       `json:"timezone"` // IANA, default UTC
	DigestDay     time.Weekday `json:"digest_day"`
	DigestHour    int          `json:"digest_hour"`
}

// Person is someone who may talk to the bot.
type Person struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
	Territory   string `json:"territory,omitempty"` // a rep's territory
	SlackUserID string `json:"slack_user_id,omitempty"`
	TeamsUserID string `json:"teams_user_id,omitempty"`
}

// Account is a customer.
type Account struct {
	ID               string   `json:"account_id"`
	Name             string   `json:"name"`
	Territory        string   `json:"territory"`
	Owner            string   `json:"owner,omitempty"` // email
	Industry         string   `json:"industry,omitempty"`
	Aliases          []string `json:"aliases,omitempty"`
	PaymentTermsDays int      `json:"payment_terms_days"`
	Employees        int      `json:"employees,omitempty"`
}

// Product is one of our SKUs.
type Product struct {
	SKU         string  `json:"sku"`
	Name        string  `json:"name"`
	Category    string  `json:"category"`
	ListPrice   float64 `json:"list_price"`
	UnitCost    float64 `json:"unit_cost"`
	UsesPerUnit float64 `json:"uses_per_unit,omitempty"` // 0 when unknown
	UnitOfUse   string  `json:"unit_of_use,omitempty"`
}

// Sale is one invoice line. Source is the name of the file it was imported from: a
// later import of a file of the same name replaces all of that file's rows.
type Sale struct {
	Date      time.Time `json:"date"`
	AccountID string    `json:"account_id"`
	SKU       string    `json:"sku"`
	Quantity  float64   `json:"quantity"`
	Amount    float64   `json:"amount"` // net revenue
	Cost      float64   `json:"cost"`
	InvoiceID string    `json:"invoice_id,omitempty"`
	Source    string    `json:"source,omitempty"`
}

// Potential is what an account spends a year in a category, with us and with others.
type Potential struct {
	AccountID       string  `json:"account_id"`
	Category        string  `json:"category"`
	AnnualPotential float64 `json:"annual_potential" money:"amount"`
	Competitor      string  `json:"competitor,omitempty"` // who holds the rest
	Note            string  `json:"note,omitempty"`
	// SetBy and SetAt say who set the potential from chat and when; empty for imported
	// potentials (an import of potential.csv replaces a potential set from chat).
	SetBy string    `json:"set_by,omitempty"`
	SetAt time.Time `json:"set_at,omitzero"`
}

// Opportunity is a deal in the pipeline. Stages "won" and "lost" are closed; any other
// stage is open.
type Opportunity struct {
	ID          string    `json:"opp_id"`
	AccountID   string    `json:"account_id"`
	Category    string    `json:"category"`
	Name        string    `json:"name"`
	Value       float64   `json:"value"` // annual
	Stage       string    `json:"stage"`
	Probability float64   `json:"probability"`
	CloseDate   time.Time `json:"close_date,omitzero"`
	Competitor  string    `json:"competitor,omitempty"`
	NextStep    string    `json:"next_step,omitempty"`
}

// Open reports whether the opportunity's stage is neither won nor lost.
func (o Opportunity) Open() bool {
	s := strings.ToLower(strings.TrimSpace(o.Stage))
	return s != "won" && s != "lost"
}

// Invoice is a receivable. A zero PaidDate means it is open.
type Invoice struct {
	ID          string    `json:"invoice_id"`
	AccountID   string    `json:"account_id"`
	InvoiceDate time.Time `json:"invoice_date"`
	DueDate     time.Time `json:"due_date"`
	Amount      float64   `json:"amount"`
	PaidDate    time.Time `json:"paid_date,omitzero"`
}

// Commitment is a quantity of a SKU an account said it would take in a month.
type Commitment struct {
	AccountID    string  `json:"account_id"`
	SKU          string  `json:"sku"`
	Period       Month   `json:"period"`
	CommittedQty float64 `json:"committed_qty"`
}

// RFQOutcome is what became of a request for quotation.
type RFQOutcome string

// The outcomes of rfqs.csv. NotInvited records business quoted without us.
const (
	RFQWon        RFQOutcome = "won"
	RFQLost       RFQOutcome = "lost"
	RFQPending    RFQOutcome = "pending"
	RFQNotInvited RFQOutcome = "not_invited"
)

// ParseRFQOutcome returns the outcome named s.
func ParseRFQOutcome(s string) (RFQOutcome, error) {
	switch o := RFQOutcome(strings.ToLower(strings.TrimSpace(s))); o {
	case RFQWon, RFQLost, RFQPending, RFQNotInvited:
		return o, nil
	}
	return "", Errorf(EINVALID, "outcome %q is not one of won, lost, pending, not_invited", s)
}

// RFQ is a request for quotation an account made (or made without inviting us).
type RFQ struct {
	ID        string     `json:"rfq_id"`
	AccountID string     `json:"account_id"`
	Date      time.Time  `json:"date"`
	Category  string     `json:"category"`
	Value     float64    `json:"value,omitempty"`
	Outcome   RFQOutcome `json:"outcome"`
}

// CompetitorOffer is a competitor's product and price against one of our SKUs, for one
// account or (AccountID empty) market-wide.
type CompetitorOffer struct {
	Competitor        string  `json:"competitor"`
	SKU               string  `json:"sku"`
	AccountID         string  `json:"account_id,omitempty"`
	CompetitorProduct string  `json:"competitor_product,omitempty"`
	Price             float64 `json:"price" money:"unit"`
	UsesPerUnit       float64 `json:"uses_per_unit,omitempty"`
	ChangeCost        float64 `json:"change_cost" money:"amount"`
	Weaknesses        string  `json:"weaknesses,omitempty"`
	// SetBy and SetAt say who recorded the offer from chat and when; empty for imported
	// offers.
	SetBy string    `json:"set_by,omitempty"`
	SetAt time.Time `json:"set_at,omitzero"`
}

// ObjectiveScope says what an objective is set for.
type ObjectiveScope string

// The scopes of objectives.csv.
const (
	ScopeAccount   ObjectiveScope = "account"
	ScopeTerritory ObjectiveScope = "territory"
)

// ParseObjectiveScope returns the scope named s.
func ParseObjectiveScope(s string) (ObjectiveScope, error) {
	switch o := ObjectiveScope(strings.ToLower(strings.TrimSpace(s))); o {
	case ScopeAccount, ScopeTerritory:
		return o, nil
	}
	return "", Errorf(EINVALID, "scope %q is not one of account, territory", s)
}

// Objective is a revenue (and optionally gross profit) target for a year.
type Objective struct {
	Scope         ObjectiveScope `json:"scope"`
	Key           string         `json:"key"` // account_id or territory
	Year          int            `json:"year"`
	RevenueTarget float64        `json:"revenue_target" money:"amount"`
	GPTarget      float64        `json:"gp_target,omitempty" money:"amount"`
	SetBy         string         `json:"set_by,omitempty"` // who set it in chat; empty when imported
	SetAt         time.Time      `json:"set_at,omitzero"`
}

// Month is a calendar month, as in commitments.csv's period (YYYY-MM).
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, Errorf(EINVALID, "%q is not a month (YYYY-MM)", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// String formats the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// First returns the first day of the month.
func (m Month) First() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Last returns the last day of the month.
func (m Month) Last() time.Time { return m.First().AddDate(0, 1, -1) }

// MarshalText formats the month as YYYY-MM.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses YYYY-MM.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// DateLayout is the layout of every date in the CSV files and the chat grammar.
const DateLayout = "2006-01-02"

// ParseDate parses YYYY-MM-DD into midnight UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}

// Day truncates t to midnight UTC of its calendar day in t's location.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseWeekday parses mon…sun (or full English names).
func ParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, nil
		}
	}
	return 0, Errorf(EINVALID, "%q is not a day of the week (mon…sun)", s)
}

// NameKey is the form in which account names and aliases are matched: lower case, with
// runs of white space made one space.
func NameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// CheckObjective returns o with its scope normalised, or EINVALID when it cannot be
// stored: an unknown scope, or no account or territory. Every store checks an objective
// set from chat with it.
func CheckObjective(o Objective) (Objective, error) {
	scope, err := ParseObjectiveScope(string(o.Scope))
	if err != nil {
		return o, err
	}
	o.Scope = scope
	if o.Key == "" {
		return o, Errorf(EINVALID, "an objective needs an account or a territory")
	}
	return o, nil
}

// CheckDigestSettings returns EINVALID when t's digest schedule cannot be stored: a day
// that is not a weekday, an hour outside 0–23, no time zone. Every store checks the
// settings changed from chat with it.
func CheckDigestSettings(t Territory) error {
	switch {
	case t.DigestDay < time.Sunday || t.DigestDay > time.Saturday:
		return Errorf(EINVALID, "digest day %d is not a day of the week", t.DigestDay)
	case t.DigestHour < 0 || t.DigestHour > 23:
		return Errorf(EINVALID, "digest hour %d is not between 0 and 23", t.DigestHour)
	case t.Timezone == "":
		return Errorf(EINVALID, "a digest needs a time zone")
	}
	return nil
}

// CheckPotential returns EINVALID when p cannot be stored: no account or category, or
// an annual potential that is not an amount from 0 to MaxMoney. Every store checks a
// potential set from chat with it.
func CheckPotential(p Potential) error {
	switch {
	case p.AccountID == "" || p.Category == "":
		return Errorf(EINVALID, "A potential needs an account and a category.")
	case !(p.AnnualPotential >= 0 && p.AnnualPotential <= MaxMoney):
		return Errorf(EINVALID, "An annual potential is an amount from 0 to %.0f, not %v.", float64(MaxMoney), p.AnnualPotential)
	}
	return nil
}
