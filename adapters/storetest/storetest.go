// Package storetest is the contract test suite of Incumbent's stores: Run checks that a
// store behaves as the computations, the CSV import and the bot expect of every store
// (domain.Store, the import batch and the other store interfaces), so that the SQLite
// and PostgreSQL stores are proven to behave alike. It is to stores what net/http/httptest
// is to handlers: test support, imported only by tests.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// Store is what the suite tests: every interface a store of Incumbent implements. The
// computations read through domain.Store (its parts Directory, Records and Facts) and
// keep gradings in a domain.GradingStore; the bot writes objectives, offers,
// potentials, scenarios, snapshots, digest settings and deliveries through its own
// interfaces. The interfaces of other adapters are written out here, since storetest
// may not import them.
type Store interface {
	domain.Store
	domain.GradingStore
	bot.ObjectiveWriter
	bot.OfferWriter
	bot.PotentialWriter
	bot.ScenarioStore
	bot.DigestSnapshotStore
	bot.DigestSettingsWriter
	bot.DigestDeliveryStore
	bot.AlertStore

	// Known and BeginImport are what the CSV importer writes through (csvimport.Store).
	Known(ctx context.Context) (domain.KnownKeys, error)
	BeginImport(ctx context.Context) (domain.ImportBatch, error)
	// SaveConversation and FindConversation keep the Teams adapter's conversation
	// references (teams.ConversationStore): SaveConversation inserts or replaces the
	// conversation with c's adapter and key, FindConversation returns ENOTFOUND when
	// there is none.
	SaveConversation(ctx context.Context, c domain.Conversation) error
	FindConversation(ctx context.Context, adapter, key string) (domain.Conversation, error)
	// ClaimSync, MarkSyncDone, SyncState and PutSyncState keep a CRM sync's state and
	// claim its scheduled runs (crm.StateStore).
	ClaimSync(ctx context.Context, crm, slot, claimant string, now time.Time, stale time.Duration) (bool, error)
	MarkSyncDone(ctx context.Context, crm, slot, claimant, detail string, now time.Time) error
	SyncState(ctx context.Context, crm string) (domain.SyncState, error)
	PutSyncState(ctx context.Context, st domain.SyncState) error
	// RowCounts returns the number of rows of every table of records, by table name
	// (territories, people, accounts, products, sales, potentials, …).
	RowCounts(ctx context.Context) (map[string]int64, error)
}

// Run runs the contract suite, one subtest per behaviour. open returns a new, empty
// store for each subtest and closes it when that subtest ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, open func(t *testing.T) Store)
	}{
		{"Empty", testEmpty},
		{"RoundTrip", testRoundTrip},
		{"UpsertReplaces", testUpsertReplaces},
		{"SetObjective", testSetObjective},
		{"SetPotential", testSetPotential},
		{"DataVersion", testDataVersion},
		{"Rollback", testRollback},
		{"ConcurrentImports", testConcurrentImports},
		{"ReplaceSales", testReplaceSales},
		{"Scopes", testScopes},
		{"FindCompetitorOffers", testFindCompetitorOffers},
		{"NotFound", testNotFound},
		{"SalesByCategory", testSalesByCategory},
		{"SalesBySKU", testSalesBySKU},
		{"SalesDates", testSalesDates},
		{"Known", testKnown},
		{"AddSaleUnknown", testAddSaleUnknown},
		{"WriteDoesNotBlockReads", testWriteDoesNotBlockReads},
		{"BulkImport", testBulkImport},
		{"GapFacts", testGapFacts},
		{"FindAccountsByName", testFindAccountsByName},
		{"GeneratedSales", testGeneratedSales},
		{"BestSellers", testBestSellers},
		{"IndustryBestSellers", testIndustryBestSellers},
		{"GradeFactsMatchRecords", testGradeFactsMatchRecords},
		{"GradeFactsRebuild", testGradeFactsRebuild},
		{"Gradings", testGradings},
		{"ScenarioStore", testScenarioStore},
		{"RecordCompetitorOffer", testRecordCompetitorOffer},
		{"ConversationStore", testConversationStore},
		{"DigestSnapshots", testDigestSnapshots},
		{"DigestDeliveries", testDigestDeliveries},
		{"DigestGiveUp", testDigestGiveUp},
		{"DigestClaimRace", testDigestClaimRace},
		{"SetDigestSettings", testSetDigestSettings},
		{"Alerts", testAlerts},
		{"WritesWaitForImport", testWritesWaitForImport},
		{"DeltaEqualsFullRebuild", testDeltaEqualsFullRebuild},
		{"DeleteOpportunity", testDeleteOpportunity},
		{"SyncState", testSyncState},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open) })
	}
}

// Day returns the date of s, YYYY-MM-DD, failing the test when it is not one.
func Day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Load runs write in one import batch of s and commits it; it returns the new data
// version.
func Load(t testing.TB, s Store, write func(ctx context.Context, b domain.ImportBatch) error) int64 {
	t.Helper()
	ctx := t.Context()
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	if err := write(ctx, b); err != nil {
		t.Fatal(err)
	}
	v, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Fixture is a small data set with one record of every kind or more.
type Fixture struct {
	Territories []domain.Territory
	People      []domain.Person
	Accounts    []domain.Account
	Products    []domain.Product
	Sales       []domain.Sale
	Potentials  []domain.Potential
	Opps        []domain.Opportunity
	Invoices    []domain.Invoice
	Commitments []domain.Commitment
	RFQs        []domain.RFQ
	Offers      []domain.CompetitorOffer
	Objectives  []domain.Objective
}

// NewFixture returns the suite's small data set.
func NewFixture(t testing.TB) Fixture {
	return Fixture{
		Territories: []domain.Territory{
			{Name: "North", Manager: "mia@example.com", DigestChannel: "C123", Timezone: "Europe/Oslo", DigestDay: time.Monday, DigestHour: 8},
			{Name: "South", Timezone: "UTC", DigestDay: time.Friday, DigestHour: 17},
		},
		People: []domain.Person{
			{Email: "mia@example.com", Name: "Mia", Role: domain.RoleManager, SlackUserID: "U1"},
			{Email: "rob@example.com", Name: "Rob", Role: domain.RoleRep, Territory: "North", TeamsUserID: "29:abc"},
		},
		Accounts: []domain.Account{
			{ID: "A1", Name: "Acme", Territory: "North", Owner: "rob@example.com", Industry: "Food", Aliases: []string{"ACME Corp", "Acme Inc"}, PaymentTermsDays: 30, Employees: 250},
			{ID: "A2", Name: "Beta", Territory: "North", PaymentTermsDays: 45},
			{ID: "B1", Name: "Gamma", Territory: "South", PaymentTermsDays: 30},
		},
		Products: []domain.Product{
			{SKU: "G-1", Name: "Nitrile gloves", Category: "Gloves", ListPrice: 12.5, UnitCost: 7.25, UsesPerUnit: 100, UnitOfUse: "pair"},
			{SKU: "G-2", Name: "Latex gloves", Category: "Gloves", ListPrice: 10, UnitCost: 6},
			{SKU: "M-1", Name: "Mask", Category: "Masks", ListPrice: 3, UnitCost: 1},
		},
		Sales: []domain.Sale{
			{Date: Day(t, "2024-01-01"), AccountID: "A1", SKU: "G-1", Quantity: 10, Amount: 100, Cost: 60, InvoiceID: "I-1", Source: "sales-2024-01.csv"},
			{Date: Day(t, "2024-01-15"), AccountID: "A1", SKU: "G-1", Quantity: 1, Amount: 10, Cost: 6, Source: "sales-2024-01.csv"},
			{Date: Day(t, "2024-03-31"), AccountID: "A1", SKU: "G-2", Quantity: 2, Amount: 20, Cost: 12, Source: "sales-2024-03.csv"},
			{Date: Day(t, "2024-04-01"), AccountID: "A1", SKU: "M-1", Quantity: 5, Amount: 1000, Cost: 500, Source: "sales-2024-04.csv"},
			{Date: Day(t, "2024-02-10"), AccountID: "A2", SKU: "M-1", Quantity: 25, Amount: 50, Cost: 25, Source: "sales-2024-02.csv"},
			{Date: Day(t, "2024-02-10"), AccountID: "B1", SKU: "G-1", Quantity: 7, Amount: 70, Cost: 49, Source: "sales-2024-02.csv"},
		},
		Potentials: []domain.Potential{
			{AccountID: "A1", Category: "Gloves", AnnualPotential: 5000, Competitor: "Rival", Note: "ask"},
			{AccountID: "A2", Category: "Masks", AnnualPotential: 800},
			{AccountID: "B1", Category: "Gloves", AnnualPotential: 900},
		},
		Opps: []domain.Opportunity{
			{ID: "O1", AccountID: "A1", Category: "Masks", Name: "Masks 2024", Value: 1200, Stage: "proposal", Probability: 0.5, CloseDate: Day(t, "2024-06-30"), Competitor: "Rival", NextStep: "call"},
			{ID: "O2", AccountID: "B1", Category: "Gloves", Name: "Gloves", Value: 300, Stage: "won"},
		},
		Invoices: []domain.Invoice{
			{ID: "I-1", AccountID: "A1", InvoiceDate: Day(t, "2024-01-01"), DueDate: Day(t, "2024-01-31"), Amount: 100, PaidDate: Day(t, "2024-02-15")},
			{ID: "I-2", AccountID: "B1", InvoiceDate: Day(t, "2024-02-10"), DueDate: Day(t, "2024-03-11"), Amount: 70},
		},
		Commitments: []domain.Commitment{
			{AccountID: "A1", SKU: "G-1", Period: domain.Month{Year: 2024, Month: time.January}, CommittedQty: 12},
			{AccountID: "B1", SKU: "G-1", Period: domain.Month{Year: 2024, Month: time.February}, CommittedQty: 5},
		},
		RFQs: []domain.RFQ{
			{ID: "R1", AccountID: "A1", Date: Day(t, "2024-02-01"), Category: "Masks", Value: 400, Outcome: domain.RFQPending},
			{ID: "R2", AccountID: "B1", Date: Day(t, "2024-02-02"), Category: "Gloves", Outcome: domain.RFQNotInvited},
		},
		Offers: []domain.CompetitorOffer{
			{Competitor: "Rival", SKU: "G-1", Price: 11, UsesPerUnit: 90, Weaknesses: "tears"},
			{Competitor: "Rival", SKU: "G-1", AccountID: "A1", CompetitorProduct: "RG", Price: 10, UsesPerUnit: 90, ChangeCost: 50},
			{Competitor: "Other", SKU: "M-1", AccountID: "B1", Price: 2.5},
		},
		Objectives: []domain.Objective{
			{Scope: domain.ScopeAccount, Key: "A1", Year: 2024, RevenueTarget: 10000, GPTarget: 4000},
			{Scope: domain.ScopeTerritory, Key: "North", Year: 2024, RevenueTarget: 50000},
			{Scope: domain.ScopeTerritory, Key: "North", Year: 2025, RevenueTarget: 60000},
		},
	}
}

// Write puts every record of f in b.
func (f Fixture) Write(ctx context.Context, b domain.ImportBatch) error {
	var errs []error
	for _, v := range f.Territories {
		errs = append(errs, b.PutTerritory(ctx, v))
	}
	for _, v := range f.People {
		errs = append(errs, b.PutPerson(ctx, v))
	}
	for _, v := range f.Accounts {
		errs = append(errs, b.PutAccount(ctx, v))
	}
	for _, v := range f.Products {
		errs = append(errs, b.PutProduct(ctx, v))
	}
	for _, v := range f.Sales {
		errs = append(errs, b.AddSale(ctx, v))
	}
	for _, v := range f.Potentials {
		errs = append(errs, b.PutPotential(ctx, v))
	}
	for _, v := range f.Opps {
		errs = append(errs, b.PutOpportunity(ctx, v))
	}
	for _, v := range f.Invoices {
		errs = append(errs, b.PutInvoice(ctx, v))
	}
	for _, v := range f.Commitments {
		errs = append(errs, b.PutCommitment(ctx, v))
	}
	for _, v := range f.RFQs {
		errs = append(errs, b.PutRFQ(ctx, v))
	}
	for _, v := range f.Offers {
		errs = append(errs, b.PutCompetitorOffer(ctx, v))
	}
	for _, v := range f.Objectives {
		errs = append(errs, b.PutObjective(ctx, v))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loaded returns a new store holding the fixture.
func loaded(t *testing.T, open func(t *testing.T) Store) (Store, Fixture) {
	t.Helper()
	s := open(t)
	f := NewFixture(t)
	Load(t, s, f.Write)
	return s, f
}
