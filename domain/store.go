package domain

import (
	"context"
	"time"
)

// Period is the range of days (After, Through]: After is excluded, Through included.
// Every window of DESIGN section 3 has this shape.
type Period struct {
	After   time.Time
	Through time.Time
}

// Contains reports whether day d lies in the period.
func (p Period) Contains(d time.Time) bool { return d.After(p.After) && !d.After(p.Through) }

// Window returns W, the twelve months up to and including the as-of date:
// A−12 months < d ≤ A.
func Window(asOf time.Time) Period {
	a := Day(asOf)
	return Period{After: a.AddDate(0, -12, 0), Through: a}
}

// Scope selects accounts: one account (AccountID set), one territory (Territory set), or
// every account (both empty).
type Scope struct {
	AccountID string
	Territory string
}

// AllAccounts is the scope of every account.
var AllAccounts = Scope{}

// ForAccount returns the scope of one account.
func ForAccount(id string) Scope { return Scope{AccountID: id} }

// ForTerritory returns the scope of one territory's accounts.
func ForTerritory(name string) Scope { return Scope{Territory: name} }

// SalesTotal is the sum of the sales lines of one account in one group (a category or a
// SKU, depending on the query) within one of the periods asked for.
type SalesTotal struct {
	AccountID string
	Key       string // category or SKU
	Period    int    // index of the period in the request
	Revenue   float64
	Cost      float64
	Quantity  float64
}

// Store is a whole store: its data version and the three parts the data is read in. The
// bot holds one (it builds Gaps, Grades and Deals over it and itself reads names,
// access, digests and examples across all three parts), as do cmd/incumbent and the
// stores' contract suite (adapters/storetest). The computations each hold the narrower
// interface they read through: GapReader, GradeReader, DealReader.
//
// Reads come by account, by territory or for all accounts (Scope); sales come
// pre-aggregated per account and category or SKU for whole periods, so a gap over 20,000
// accounts never walks individual lines in Go. Lookups of one record return an ENOTFOUND
// *Error when it does not exist.
type Store interface {
	// DataVersion changes on every write; caches key on it.
	DataVersion(ctx context.Context) (int64, error)
	Directory
	Records
	Facts
}

// Directory is who and what the data names: territories, people, accounts and products.
// The bot reads through it to resolve names, to find who is asking and what they may
// see, and to list; the computations to find accounts and products; cmd/incumbent to
// list the people a playground user may act as.
type Directory interface {
	FindTerritories(ctx context.Context) ([]Territory, error)
	FindTerritory(ctx context.Context, name string) (Territory, error)
	FindPeople(ctx context.Context) ([]Person, error)
	FindPerson(ctx context.Context, email string) (Person, error)
	FindAccounts(ctx context.Context, s Scope) ([]Account, error)
	FindAccount(ctx context.Context, id string) (Account, error)
	// FindAccountsByName returns the accounts whose id, name or an alias has the
	// NameKey key, by id.
	FindAccountsByName(ctx context.Context, key string) ([]Account, error)
	FindProducts(ctx context.Context) ([]Product, error)
}

// Records are the imported records other than sales lines, as they were imported. Gaps,
// Deals and the examples the bot's help quotes read the competitor offers, Gaps the
// objectives, Grades and the bot's digest the overdue invoices, the digest the
// opportunities; only the contract suite reads back the other kinds, which reach the
// computations through Facts.
type Records interface {
	FindPotentials(ctx context.Context, s Scope) ([]Potential, error)
	FindOpportunities(ctx context.Context, s Scope) ([]Opportunity, error)
	FindInvoices(ctx context.Context, s Scope) ([]Invoice, error)
	// FindOverdueInvoices returns the scope's invoices open at asOf (issued by then, not
	// paid by then) and more than minDaysLate days past their due date, by id: a
	// digest's late payers, without reading years of paid invoices.
	FindOverdueInvoices(ctx context.Context, s Scope, asOf time.Time, minDaysLate int) ([]Invoice, error)
	FindCommitments(ctx context.Context, s Scope) ([]Commitment, error)
	FindRFQs(ctx context.Context, s Scope) ([]RFQ, error)
	// FindCompetitorOffers returns the offers made to the scope's accounts and every
	// market-wide offer (AccountID empty).
	FindCompetitorOffers(ctx context.Context, s Scope) ([]CompetitorOffer, error)
	FindObjectives(ctx context.Context, year int) ([]Objective, error)
}

// Facts are the figures the computations start from, summed over sales lines (and for
// GradeFacts and GapFacts over the other records too) by the store, which keeps the
// costly ones ready. Gaps, Grades and Deals read through them, and the bot to check an
// as-of date against the sales dates and for the examples its help quotes.
type Facts interface {
	// SalesByCategory sums the scope's sales lines per account, product category and
	// period. Groups with no line are left out. Quantity is not summed (it is zero): the
	// quantities of a category's different SKUs do not add up.
	SalesByCategory(ctx context.Context, s Scope, periods []Period) ([]SalesTotal, error)
	// GapFacts returns, for each account of the scope with sales, a potential or an
	// open opportunity, what its gap needs per category: sales over the periods (as
	// SalesByCategory), potentials and open pipeline. Stores keep it ready so that a
	// territory or the market is one read.
	GapFacts(ctx context.Context, s Scope, periods []Period) ([]GapFacts, error)
	// CompanySalesByCategory sums every account's sales lines per category and period,
	// with AccountID empty: the company-wide figures (gross-profit rates) that every
	// account's gap falls back on.
	CompanySalesByCategory(ctx context.Context, periods []Period) ([]SalesTotal, error)
	// BestSellers returns the company's best-selling SKU of each category over W of
	// asOf, by revenue (ties to the first SKU in order); categories without sales in W
	// are left out.
	BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error)
	// IndustryBestSellers is BestSellers among the accounts whose industry is industry
	// (as stored, exactly): the best-selling SKU of each category over W of asOf by
	// their revenue, ties to the first SKU in order; categories they bought nothing of in
	// W are left out. An account's change of industry is seen after its import.
	IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error)
	// SalesBySKU sums the scope's sales lines per account, SKU and period.
	SalesBySKU(ctx context.Context, s Scope, periods []Period) ([]SalesTotal, error)
	// GradeFacts returns the grade facts at asOf of every account with sales, invoices,
	// commitments or RFQs: always the whole book, since every grade ranks the account's
	// spend in it. Stores keep it ready so that the book is one read.
	GradeFacts(ctx context.Context, asOf time.Time) ([]GradeFacts, error)
	// SalesDates returns the dates of the first and last sales line (zero when none).
	SalesDates(ctx context.Context) (first, last time.Time, err error)
}
