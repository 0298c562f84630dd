package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

var (
	_ domain.Store       = (*sqlite.Store)(nil)
	_ domain.ImportBatch = (*sqlite.Batch)(nil)
	_ csvimport.Store    = (*sqlite.Store)(nil)
)

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// open opens a store on a new file and closes it when the test ends.
func open(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "incumbent.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, path
}

// load runs write in one import batch and commits it.
func load(t testing.TB, s *sqlite.Store, write func(ctx context.Context, b domain.ImportBatch) error) int64 {
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

// fixture is a small data set with one record of every kind or more.
type fixture struct {
	territories []domain.Territory
	people      []domain.Person
	accounts    []domain.Account
	products    []domain.Product
	sales       []domain.Sale
	potentials  []domain.Potential
	opps        []domain.Opportunity
	invoices    []domain.Invoice
	commitments []domain.Commitment
	rfqs        []domain.RFQ
	offers      []domain.CompetitorOffer
	objectives  []domain.Objective
}

func newFixture(t testing.TB) fixture {
	return fixture{
		territories: []domain.Territory{
			{Name: "North", Manager: "mia@example.com", DigestChannel: "C123", Timezone: "Europe/Oslo", DigestDay: time.Monday, DigestHour: 8},
			{Name: "South", Timezone: "UTC", DigestDay: time.Friday, DigestHour: 17},
		},
		people: []domain.Person{
			{Email: "mia@example.com", Name: "Mia", Role: domain.RoleManager, SlackUserID: "U1"},
			{Email: "rob@example.com", Name: "Rob", Role: domain.RoleRep, Territory: "North", TeamsUserID: "29:abc"},
		},
		accounts: []domain.Account{
			{ID: "A1", Name: "Acme", Territory: "North", Owner: "rob@example.com", Industry: "Food", Aliases: []string{"ACME Corp", "Acme Inc"}, PaymentTermsDays: 30, Employees: 250},
			{ID: "A2", Name: "Beta", Territory: "North", PaymentTermsDays: 45},
			{ID: "B1", Name: "Gamma", Territory: "South", PaymentTermsDays: 30},
		},
		products: []domain.Product{
			{SKU: "G-1", Name: "Nitrile gloves", Category: "Gloves", ListPrice: 12.5, UnitCost: 7.25, UsesPerUnit: 100, UnitOfUse: "pair"},
			{SKU: "G-2", Name: "Latex gloves", Category: "Gloves", ListPrice: 10, UnitCost: 6},
			{SKU: "M-1", Name: "Mask", Category: "Masks", ListPrice: 3, UnitCost: 1},
		},
		sales: []domain.Sale{
			{Date: day(t, "2024-01-01"), AccountID: "A1", SKU: "G-1", Quantity: 10, Amount: 100, Cost: 60, InvoiceID: "I-1", Source: "sales-2024-01.csv"},
			{Date: day(t, "2024-01-15"), AccountID: "A1", SKU: "G-1", Quantity: 1, Amount: 10, Cost: 6, Source: "sales-2024-01.csv"},
			{Date: day(t, "2024-03-31"), AccountID: "A1", SKU: "G-2", Quantity: 2, Amount: 20, Cost: 12, Source: "sales-2024-03.csv"},
			{Date: day(t, "2024-04-01"), AccountID: "A1", SKU: "M-1", Quantity: 5, Amount: 1000, Cost: 500, Source: "sales-2024-04.csv"},
			{Date: day(t, "2024-02-10"), AccountID: "A2", SKU: "M-1", Quantity: 25, Amount: 50, Cost: 25, Source: "sales-2024-02.csv"},
			{Date: day(t, "2024-02-10"), AccountID: "B1", SKU: "G-1", Quantity: 7, Amount: 70, Cost: 49, Source: "sales-2024-02.csv"},
		},
		potentials: []domain.Potential{
			{AccountID: "A1", Category: "Gloves", AnnualPotential: 5000, Competitor: "Rival", Note: "ask"},
			{AccountID: "A2", Category: "Masks", AnnualPotential: 800},
			{AccountID: "B1", Category: "Gloves", AnnualPotential: 900},
		},
		opps: []domain.Opportunity{
			{ID: "O1", AccountID: "A1", Category: "Masks", Name: "Masks 2024", Value: 1200, Stage: "proposal", Probability: 0.5, CloseDate: day(t, "2024-06-30"), Competitor: "Rival", NextStep: "call"},
			{ID: "O2", AccountID: "B1", Category: "Gloves", Name: "Gloves", Value: 300, Stage: "won"},
		},
		invoices: []domain.Invoice{
			{ID: "I-1", AccountID: "A1", InvoiceDate: day(t, "2024-01-01"), DueDate: day(t, "2024-01-31"), Amount: 100, PaidDate: day(t, "2024-02-15")},
			{ID: "I-2", AccountID: "B1", InvoiceDate: day(t, "2024-02-10"), DueDate: day(t, "2024-03-11"), Amount: 70},
		},
		commitments: []domain.Commitment{
			{AccountID: "A1", SKU: "G-1", Period: domain.Month{Year: 2024, Month: time.January}, CommittedQty: 12},
			{AccountID: "B1", SKU: "G-1", Period: domain.Month{Year: 2024, Month: time.February}, CommittedQty: 5},
		},
		rfqs: []domain.RFQ{
			{ID: "R1", AccountID: "A1", Date: day(t, "2024-02-01"), Category: "Masks", Value: 400, Outcome: domain.RFQPending},
			{ID: "R2", AccountID: "B1", Date: day(t, "2024-02-02"), Category: "Gloves", Outcome: domain.RFQNotInvited},
		},
		offers: []domain.CompetitorOffer{
			{Competitor: "Rival", SKU: "G-1", Price: 11, UsesPerUnit: 90, Weaknesses: "tears"},
			{Competitor: "Rival", SKU: "G-1", AccountID: "A1", CompetitorProduct: "RG", Price: 10, UsesPerUnit: 90, ChangeCost: 50},
			{Competitor: "Other", SKU: "M-1", AccountID: "B1", Price: 2.5},
		},
		objectives: []domain.Objective{
			{Scope: domain.ScopeAccount, Key: "A1", Year: 2024, RevenueTarget: 10000, GPTarget: 4000},
			{Scope: domain.ScopeTerritory, Key: "North", Year: 2024, RevenueTarget: 50000},
			{Scope: domain.ScopeTerritory, Key: "North", Year: 2025, RevenueTarget: 60000},
		},
	}
}

// write puts every record of f in b.
func (f fixture) write(ctx context.Context, b domain.ImportBatch) error {
	var errs []error
	for _, v := range f.territories {
		errs = append(errs, b.PutTerritory(ctx, v))
	}
	for _, v := range f.people {
		errs = append(errs, b.PutPerson(ctx, v))
	}
	for _, v := range f.accounts {
		errs = append(errs, b.PutAccount(ctx, v))
	}
	for _, v := range f.products {
		errs = append(errs, b.PutProduct(ctx, v))
	}
	for _, v := range f.sales {
		errs = append(errs, b.AddSale(ctx, v))
	}
	for _, v := range f.potentials {
		errs = append(errs, b.PutPotential(ctx, v))
	}
	for _, v := range f.opps {
		errs = append(errs, b.PutOpportunity(ctx, v))
	}
	for _, v := range f.invoices {
		errs = append(errs, b.PutInvoice(ctx, v))
	}
	for _, v := range f.commitments {
		errs = append(errs, b.PutCommitment(ctx, v))
	}
	for _, v := range f.rfqs {
		errs = append(errs, b.PutRFQ(ctx, v))
	}
	for _, v := range f.offers {
		errs = append(errs, b.PutCompetitorOffer(ctx, v))
	}
	for _, v := range f.objectives {
		errs = append(errs, b.PutObjective(ctx, v))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loaded returns a store holding the fixture.
func loaded(t testing.TB) (*sqlite.Store, fixture) {
	t.Helper()
	s, _ := open(t)
	f := newFixture(t)
	load(t, s, f.write)
	return s, f
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	counts, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n != 0 {
			t.Errorf("new store: %s has %d rows, want 0", table, n)
		}
	}
	if v, err := s.DataVersion(ctx); err != nil || v != 0 {
		t.Errorf("new store: DataVersion() = %d, %v, want 0", v, err)
	}

	f := newFixture(t)
	v := load(t, s, f.write)
	before, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Re-open the existing file, as a second process would.
	s2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("re-open: %v", err)
	}
	defer s2.Close()
	after, err := s2.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("re-opened store row counts (-before +after):\n%s", diff)
	}
	if v2, err := s2.DataVersion(ctx); err != nil || v2 != v {
		t.Errorf("re-opened store: DataVersion() = %d, %v, want %d", v2, err, v)
	}
	got, err := s2.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.accounts, got); diff != "" {
		t.Errorf("re-opened store accounts (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	s, f := loaded(t)
	tests := []struct {
		name string
		find func(context.Context) (any, error)
		want any
	}{
		{"FindTerritories", func(ctx context.Context) (any, error) { return s.FindTerritories(ctx) }, f.territories},
		{"FindTerritory", func(ctx context.Context) (any, error) { return s.FindTerritory(ctx, "South") }, f.territories[1]},
		{"FindPeople", func(ctx context.Context) (any, error) { return s.FindPeople(ctx) }, f.people},
		{"FindPerson", func(ctx context.Context) (any, error) { return s.FindPerson(ctx, "rob@example.com") }, f.people[1]},
		{"FindAccounts", func(ctx context.Context) (any, error) { return s.FindAccounts(ctx, domain.AllAccounts) }, f.accounts},
		{"FindAccount", func(ctx context.Context) (any, error) { return s.FindAccount(ctx, "A1") }, f.accounts[0]},
		{"FindProducts", func(ctx context.Context) (any, error) { return s.FindProducts(ctx) }, f.products},
		{"FindPotentials", func(ctx context.Context) (any, error) { return s.FindPotentials(ctx, domain.AllAccounts) }, f.potentials},
		{"FindOpportunities", func(ctx context.Context) (any, error) { return s.FindOpportunities(ctx, domain.AllAccounts) }, f.opps},
		{"FindInvoices", func(ctx context.Context) (any, error) { return s.FindInvoices(ctx, domain.AllAccounts) }, f.invoices},
		{"FindCommitments", func(ctx context.Context) (any, error) { return s.FindCommitments(ctx, domain.AllAccounts) }, f.commitments},
		{"FindRFQs", func(ctx context.Context) (any, error) { return s.FindRFQs(ctx, domain.AllAccounts) }, f.rfqs},
		{"FindCompetitorOffers", func(ctx context.Context) (any, error) { return s.FindCompetitorOffers(ctx, domain.AllAccounts) },
			[]domain.CompetitorOffer{f.offers[2], f.offers[0], f.offers[1]}},
		{"FindObjectives", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2024) }, f.objectives[:2]},
		{"FindObjectivesNone", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2023) }, []domain.Objective(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.find(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpsertReplaces(t *testing.T) {
	ctx := t.Context()
	s, f := loaded(t)
	before, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	territory := f.territories[0]
	territory.Manager = "max@example.com"
	person := f.people[1]
	person.Territory = "South"
	account := f.accounts[0]
	account.Name, account.Aliases = "Acme Holdings", nil
	product := f.products[0]
	product.ListPrice = 13
	potential := f.potentials[0]
	potential.AnnualPotential = 6000
	opp := f.opps[0]
	opp.Stage, opp.CloseDate = "won", time.Time{}
	invoice := f.invoices[1]
	invoice.PaidDate = day(t, "2024-03-20")
	commitment := f.commitments[0]
	commitment.CommittedQty = 20
	rfq := f.rfqs[0]
	rfq.Outcome = domain.RFQWon
	offer := f.offers[0]
	offer.Price = 9
	objective := f.objectives[0]
	objective.RevenueTarget = 12000
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, err := range []error{
			b.PutTerritory(ctx, territory),
			b.PutPerson(ctx, person),
			b.PutAccount(ctx, account),
			b.PutProduct(ctx, product),
			b.PutPotential(ctx, potential),
			b.PutOpportunity(ctx, opp),
			b.PutInvoice(ctx, invoice),
			b.PutCommitment(ctx, commitment),
			b.PutRFQ(ctx, rfq),
			b.PutCompetitorOffer(ctx, offer),
			b.PutObjective(ctx, objective),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})

	after, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("row counts changed by upserts (-before +after):\n%s", diff)
	}
	tests := []struct {
		name string
		find func(context.Context) (any, error)
		want any
	}{
		{"territory", func(ctx context.Context) (any, error) { return s.FindTerritory(ctx, "North") }, territory},
		{"person", func(ctx context.Context) (any, error) { return s.FindPerson(ctx, person.Email) }, person},
		{"account", func(ctx context.Context) (any, error) { return s.FindAccount(ctx, "A1") }, account},
		{"product", func(ctx context.Context) (any, error) {
			ps, err := s.FindProducts(ctx)
			return ps[0], err
		}, product},
		{"potential", func(ctx context.Context) (any, error) { return s.FindPotentials(ctx, domain.ForAccount("A1")) }, []domain.Potential{potential}},
		{"opportunity", func(ctx context.Context) (any, error) { return s.FindOpportunities(ctx, domain.ForAccount("A1")) }, []domain.Opportunity{opp}},
		{"invoice", func(ctx context.Context) (any, error) { return s.FindInvoices(ctx, domain.ForAccount("B1")) }, []domain.Invoice{invoice}},
		{"commitment", func(ctx context.Context) (any, error) { return s.FindCommitments(ctx, domain.ForAccount("A1")) }, []domain.Commitment{commitment}},
		{"rfq", func(ctx context.Context) (any, error) { return s.FindRFQs(ctx, domain.ForAccount("A1")) }, []domain.RFQ{rfq}},
		{"offer", func(ctx context.Context) (any, error) { return s.FindCompetitorOffers(ctx, domain.ForAccount("A1")) },
			[]domain.CompetitorOffer{offer, f.offers[1]}},
		{"objective", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2024) }, []domain.Objective{objective, f.objectives[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.find(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetObjective(t *testing.T) {
	ctx := t.Context()
	s, f := loaded(t)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o := f.objectives[1]
	o.RevenueTarget, o.SetBy, o.SetAt = 55000, "mia@example.com", time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	if err := s.SetObjective(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindObjectives(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Objective{f.objectives[0], o}, got); diff != "" {
		t.Errorf("objectives (-want +got):\n%s", diff)
	}
	if v, err := s.DataVersion(ctx); err != nil || v <= v0 {
		t.Errorf("DataVersion() after SetObjective = %d, %v, want > %d", v, err, v0)
	}
	if err := s.SetObjective(ctx, domain.Objective{Scope: "region", Key: "x", Year: 2024}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("SetObjective(bad scope) error = %v, want code %s", err, domain.EINVALID)
	}
}

func TestDataVersion(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	f := newFixture(t)
	var last int64
	for i := range 3 {
		v := load(t, s, f.write)
		got, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= last || got != v {
			t.Errorf("commit %d: Commit() = %d, DataVersion() = %d, want both > %d", i, v, got, last)
		}
		last = v
	}
}

func TestRollback(t *testing.T) {
	tests := []struct {
		name  string
		lines int // enough to drop and restore the sales indexes when large
	}{
		{"small", 10},
		{"bulk", 120_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, path := open(t)
			f := newFixture(t)
			load(t, s, f.write)
			counts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			version, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			indexes := salesIndexes(t, path)

			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.write(ctx, b); err != nil {
				t.Fatal(err)
			}
			if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
				t.Fatal(err)
			}
			for i := range tt.lines {
				sale := f.sales[i%len(f.sales)]
				sale.Source = "big.csv"
				if err := b.AddSale(ctx, sale); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Rollback(); err != nil {
				t.Fatal(err)
			}

			gotCounts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(counts, gotCounts); diff != "" {
				t.Errorf("row counts after rollback (-before +after):\n%s", diff)
			}
			if v, err := s.DataVersion(ctx); err != nil || v != version {
				t.Errorf("DataVersion() after rollback = %d, %v, want %d", v, err, version)
			}
			if diff := cmp.Diff(indexes, salesIndexes(t, path)); diff != "" {
				t.Errorf("sales indexes after rollback (-before +after):\n%s", diff)
			}
			if err := b.Rollback(); err != nil {
				t.Errorf("second Rollback() = %v, want nil", err)
			}
		})
	}
}

// salesIndexes returns the names of the indexes of the sales table in the file at path.
func salesIndexes(t testing.TB, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(),
		`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'sales' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestReplaceSales(t *testing.T) {
	ctx := t.Context()
	s, f := loaded(t)
	jan := []domain.Period{{After: day(t, "2023-12-31"), Through: day(t, "2024-01-31")}}
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
			return err
		}
		return b.AddSale(ctx, domain.Sale{Date: day(t, "2024-01-20"), AccountID: "A1", SKU: "G-1",
			Quantity: 3, Amount: 33, Cost: 21, Source: "sales-2024-01.csv"})
	})
	got, err := s.SalesBySKU(ctx, domain.AllAccounts, jan)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "A1", Key: "G-1", Period: 0, Revenue: 33, Cost: 21, Quantity: 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("January after replacing its file (-want +got):\n%s", diff)
	}
	counts, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(f.sales) - 2 + 1); counts["sales"] != want {
		t.Errorf("sales rows = %d, want %d (the other files' lines kept)", counts["sales"], want)
	}

	// Lines added earlier in the same batch are replaced too.
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		sale := domain.Sale{Date: day(t, "2024-01-21"), AccountID: "A1", SKU: "G-1",
			Quantity: 1, Amount: 1, Cost: 1, Source: "sales-2024-01.csv"}
		if err := b.AddSale(ctx, sale); err != nil {
			return err
		}
		if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
			return err
		}
		sale.Amount = 5
		return b.AddSale(ctx, sale)
	})
	got, err = s.SalesBySKU(ctx, domain.AllAccounts, jan)
	if err != nil {
		t.Fatal(err)
	}
	want = []domain.SalesTotal{{AccountID: "A1", Key: "G-1", Period: 0, Revenue: 5, Cost: 1, Quantity: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("January after replacing within one batch (-want +got):\n%s", diff)
	}
}

func TestScopes(t *testing.T) {
	s, f := loaded(t)
	tests := []struct {
		name  string
		scope domain.Scope
		want  []string // account ids
	}{
		{"account", domain.ForAccount("A2"), []string{"A2"}},
		{"territory", domain.ForTerritory("North"), []string{"A1", "A2"}},
		{"all", domain.AllAccounts, []string{"A1", "A2", "B1"}},
		{"unknown account", domain.ForAccount("Z9"), nil},
		{"unknown territory", domain.ForTerritory("West"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			in := make(map[string]bool)
			for _, id := range tt.want {
				in[id] = true
			}
			accounts, err := s.FindAccounts(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range accounts {
				ids = append(ids, a.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("FindAccounts (-want +got):\n%s", diff)
			}
			potentials, err := s.FindPotentials(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.potentials, in, func(p domain.Potential) string { return p.AccountID }), potentials); diff != "" {
				t.Errorf("FindPotentials (-want +got):\n%s", diff)
			}
			opps, err := s.FindOpportunities(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.opps, in, func(o domain.Opportunity) string { return o.AccountID }), opps); diff != "" {
				t.Errorf("FindOpportunities (-want +got):\n%s", diff)
			}
			invoices, err := s.FindInvoices(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.invoices, in, func(i domain.Invoice) string { return i.AccountID }), invoices); diff != "" {
				t.Errorf("FindInvoices (-want +got):\n%s", diff)
			}
			// Overdue at the dates around each invoice's boundaries: issued, due + 30
			// (not yet more than 30 days late), due + 31, paid.
			for _, inv := range invoices {
				for _, asOf := range []time.Time{inv.InvoiceDate.AddDate(0, 0, -1), inv.DueDate.AddDate(0, 0, 30), inv.DueDate.AddDate(0, 0, 31), inv.PaidDate} {
					if asOf.IsZero() {
						continue
					}
					var want []domain.Invoice
					for _, x := range invoices {
						open := !x.InvoiceDate.After(asOf) && (x.PaidDate.IsZero() || x.PaidDate.After(asOf))
						if open && domain.DayNumber(asOf)-domain.DayNumber(x.DueDate) > 30 {
							want = append(want, x)
						}
					}
					got, err := s.FindOverdueInvoices(ctx, tt.scope, asOf, 30)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("FindOverdueInvoices at %s (-want +got):\n%s", asOf.Format(domain.DateLayout), diff)
					}
				}
			}
			commitments, err := s.FindCommitments(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.commitments, in, func(c domain.Commitment) string { return c.AccountID }), commitments); diff != "" {
				t.Errorf("FindCommitments (-want +got):\n%s", diff)
			}
			rfqs, err := s.FindRFQs(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.rfqs, in, func(r domain.RFQ) string { return r.AccountID }), rfqs); diff != "" {
				t.Errorf("FindRFQs (-want +got):\n%s", diff)
			}
			totals, err := s.SalesBySKU(ctx, tt.scope, []domain.Period{domain.Window(day(t, "2024-12-31"))})
			if err != nil {
				t.Fatal(err)
			}
			seen := make(map[string]bool)
			for _, st := range totals {
				seen[st.AccountID] = true
			}
			if diff := cmp.Diff(in, seen); diff != "" {
				t.Errorf("SalesBySKU accounts (-want +got):\n%s", diff)
			}
		})
	}
}

// filter returns the records of rs whose account is in accounts, nil when none.
func filter[R any](rs []R, accounts map[string]bool, account func(R) string) []R {
	var out []R
	for _, r := range rs {
		if accounts[account(r)] {
			out = append(out, r)
		}
	}
	return out
}

func TestFindCompetitorOffers(t *testing.T) {
	s, f := loaded(t)
	marketWide, toA1, toB1 := f.offers[0], f.offers[1], f.offers[2]
	tests := []struct {
		name  string
		scope domain.Scope
		want  []domain.CompetitorOffer
	}{
		{"account", domain.ForAccount("A1"), []domain.CompetitorOffer{marketWide, toA1}},
		{"account without offers", domain.ForAccount("A2"), []domain.CompetitorOffer{marketWide}},
		{"territory", domain.ForTerritory("South"), []domain.CompetitorOffer{toB1, marketWide}},
		{"all", domain.AllAccounts, []domain.CompetitorOffer{toB1, marketWide, toA1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindCompetitorOffers(t.Context(), tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	s, _ := loaded(t)
	tests := []struct {
		name string
		find func(context.Context) error
	}{
		{"territory", func(ctx context.Context) error { _, err := s.FindTerritory(ctx, "West"); return err }},
		{"person", func(ctx context.Context) error { _, err := s.FindPerson(ctx, "nobody@example.com"); return err }},
		{"account", func(ctx context.Context) error { _, err := s.FindAccount(ctx, "Z9"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.find(t.Context())
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("error = %v, want code %s", err, domain.ENOTFOUND)
			}
			if msg := domain.ErrorMessage(err); msg == "" || msg == "Internal error." {
				t.Errorf("message = %q, want a human one", msg)
			}
		})
	}
}

func TestSalesByCategory(t *testing.T) {
	ctx := t.Context()
	s, f := loaded(t)
	// The first line of A1 lies on the After of the first period (excluded) and in the
	// second period; the G-2 line lies on Through (included); the 2024-04-01 line lies
	// after both.
	periods := []domain.Period{
		{After: day(t, "2024-01-01"), Through: day(t, "2024-03-31")},
		{After: day(t, "2023-12-31"), Through: day(t, "2024-01-31")},
	}
	tests := []struct {
		name  string
		scope domain.Scope
		want  []domain.SalesTotal
	}{
		{"account", domain.ForAccount("A1"), []domain.SalesTotal{
			{AccountID: "A1", Key: "Gloves", Period: 0, Revenue: 30, Cost: 18},
			{AccountID: "A1", Key: "Gloves", Period: 1, Revenue: 110, Cost: 66},
		}},
		{"territory", domain.ForTerritory("North"), []domain.SalesTotal{
			{AccountID: "A1", Key: "Gloves", Period: 0, Revenue: 30, Cost: 18},
			{AccountID: "A1", Key: "Gloves", Period: 1, Revenue: 110, Cost: 66},
			{AccountID: "A2", Key: "Masks", Period: 0, Revenue: 50, Cost: 25},
		}},
		{"all", domain.AllAccounts, []domain.SalesTotal{
			{AccountID: "A1", Key: "Gloves", Period: 0, Revenue: 30, Cost: 18},
			{AccountID: "A1", Key: "Gloves", Period: 1, Revenue: 110, Cost: 66},
			{AccountID: "A2", Key: "Masks", Period: 0, Revenue: 50, Cost: 25},
			{AccountID: "B1", Key: "Gloves", Period: 0, Revenue: 70, Cost: 49},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.SalesByCategory(ctx, tt.scope, periods)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("company", func(t *testing.T) {
		got, err := s.CompanySalesByCategory(ctx, periods)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.SalesTotal{
			{Key: "Gloves", Period: 0, Revenue: 100, Cost: 67},
			{Key: "Gloves", Period: 1, Revenue: 110, Cost: 66},
			{Key: "Masks", Period: 0, Revenue: 50, Cost: 25},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("account moves territory", func(t *testing.T) {
		a := f.accounts[1] // A2, North
		a.Territory = "South"
		load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutAccount(ctx, a) })
		defer func() {
			load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutAccount(ctx, f.accounts[1]) })
		}()
		got, err := s.SalesByCategory(ctx, domain.ForTerritory("South"), periods[:1])
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.SalesTotal{
			{AccountID: "A2", Key: "Masks", Period: 0, Revenue: 50, Cost: 25},
			{AccountID: "B1", Key: "Gloves", Period: 0, Revenue: 70, Cost: 49},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("recategorised", func(t *testing.T) {
		p := f.products[1] // G-2
		p.Category = "Masks"
		load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutProduct(ctx, p) })
		got, err := s.SalesByCategory(ctx, domain.ForAccount("A1"), periods[:1])
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.SalesTotal{
			{AccountID: "A1", Key: "Gloves", Period: 0, Revenue: 10, Cost: 6},
			{AccountID: "A1", Key: "Masks", Period: 0, Revenue: 20, Cost: 12},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("no periods", func(t *testing.T) {
		got, err := s.SalesByCategory(ctx, domain.AllAccounts, nil)
		if err != nil || got != nil {
			t.Errorf("SalesByCategory(no periods) = %v, %v, want nil, nil", got, err)
		}
	})
}

func TestSalesBySKU(t *testing.T) {
	s, _ := loaded(t)
	periods := []domain.Period{
		{After: day(t, "2024-01-01"), Through: day(t, "2024-03-31")},
		{After: day(t, "2024-03-31"), Through: day(t, "2024-04-01")},
	}
	want := []domain.SalesTotal{
		{AccountID: "A1", Key: "G-1", Period: 0, Revenue: 10, Cost: 6, Quantity: 1},
		{AccountID: "A1", Key: "G-2", Period: 0, Revenue: 20, Cost: 12, Quantity: 2},
		{AccountID: "A1", Key: "M-1", Period: 1, Revenue: 1000, Cost: 500, Quantity: 5},
	}
	got, err := s.SalesBySKU(t.Context(), domain.ForAccount("A1"), periods)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSalesDates(t *testing.T) {
	ctx := t.Context()
	empty, _ := open(t)
	first, last, err := empty.SalesDates(ctx)
	if err != nil || !first.IsZero() || !last.IsZero() {
		t.Errorf("empty store: SalesDates() = %v, %v, %v, want zero dates", first, last, err)
	}
	s, _ := loaded(t)
	first, last, err = s.SalesDates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := day(t, "2024-01-01"); !first.Equal(want) || first.Location() != time.UTC {
		t.Errorf("first = %v, want %v", first, want)
	}
	if want := day(t, "2024-04-01"); !last.Equal(want) {
		t.Errorf("last = %v, want %v", last, want)
	}
}

func TestKnown(t *testing.T) {
	s, f := loaded(t)
	got, err := s.Known(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := domain.KnownKeys{
		Territories: map[string]bool{"North": true, "South": true},
		People:      map[string]bool{"mia@example.com": true, "rob@example.com": true},
		Accounts:    map[string]bool{"A1": true, "A2": true, "B1": true},
		Products:    map[string]domain.Product{"G-1": f.products[0], "G-2": f.products[1], "M-1": f.products[2]},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAddSaleUnknown(t *testing.T) {
	s, _ := loaded(t)
	tests := []struct {
		name string
		sale domain.Sale
	}{
		{"account", domain.Sale{Date: day(t, "2024-01-01"), AccountID: "Z9", SKU: "G-1", Source: "x.csv"}},
		{"product", domain.Sale{Date: day(t, "2024-01-01"), AccountID: "A1", SKU: "Z-9", Source: "x.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Rollback()
			if err := b.AddSale(ctx, tt.sale); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("AddSale() error = %v, want code %s", err, domain.EINVALID)
			}
		})
	}
}

// TestWriteDoesNotBlockReads reads while an import holds the write transaction.
func TestWriteDoesNotBlockReads(t *testing.T) {
	ctx := t.Context()
	s, f := loaded(t)
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	a := f.accounts[0]
	a.Name = "Renamed"
	if err := b.PutAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	readCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got, err := s.FindAccount(readCtx, "A1")
	if err != nil {
		t.Fatalf("read during import: %v", err)
	}
	if got.Name != f.accounts[0].Name {
		t.Errorf("read during import saw %q, want the committed %q", got.Name, f.accounts[0].Name)
	}
}

// TestBulkImport adds enough lines to a table to take the bulk path (indexes dropped
// and built again) and checks the totals and the indexes.
func TestBulkImport(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	f := newFixture(t)
	load(t, s, f.write)
	indexes := salesIndexes(t, path)
	const n = 100_000
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for i := range n {
			err := b.AddSale(ctx, domain.Sale{Date: day(t, "2025-06-01").AddDate(0, 0, i%30),
				AccountID: "B1", SKU: "M-1", Quantity: 1, Amount: 2, Cost: 1, Source: "big.csv"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if diff := cmp.Diff(indexes, salesIndexes(t, path)); diff != "" {
		t.Errorf("sales indexes after bulk import (-before +after):\n%s", diff)
	}
	got, err := s.SalesByCategory(ctx, domain.ForTerritory("South"),
		[]domain.Period{{After: day(t, "2025-01-01"), Through: day(t, "2025-12-31")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "B1", Key: "Masks", Period: 0, Revenue: 2 * n, Cost: n}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// BenchmarkAddSale imports 200,000 generated lines of one file in one batch into a store
// holding 2,000 accounts and 200 products: each iteration replaces the lines of the one
// before (the first fills an empty table), so it measures ReplaceSales, AddSale and a
// Commit that builds the read index again.
func BenchmarkAddSale(b *testing.B) {
	const (
		lines    = 200_000
		accounts = 2_000
		products = 200
	)
	ctx := b.Context()
	s, _ := open(b)
	load(b, s, func(ctx context.Context, bt domain.ImportBatch) error {
		for i := range accounts {
			if err := bt.PutAccount(ctx, domain.Account{ID: fmt.Sprintf("A%05d", i), Name: "x", Territory: "T"}); err != nil {
				return err
			}
		}
		for i := range products {
			if err := bt.PutProduct(ctx, domain.Product{SKU: fmt.Sprintf("P%03d", i), Name: "x", Category: fmt.Sprintf("C%d", i%12)}); err != nil {
				return err
			}
		}
		return nil
	})
	sales := make([]domain.Sale, lines)
	start := day(b, "2022-01-01")
	for i := range sales {
		sales[i] = domain.Sale{
			Date:      start.AddDate(0, 0, i*1095/lines),
			AccountID: fmt.Sprintf("A%05d", (i*7919)%accounts),
			SKU:       fmt.Sprintf("P%03d", (i*31)%products),
			Quantity:  float64(1 + i%20),
			Amount:    float64(1+i%20) * 12.34,
			Cost:      float64(1+i%20) * 7.5,
			InvoiceID: fmt.Sprintf("INV-%07d", i/5),
			Source:    "sales.csv",
		}
	}
	for b.Loop() {
		bt, err := s.BeginImport(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := bt.ReplaceSales(ctx, "sales.csv"); err != nil {
			b.Fatal(err)
		}
		for _, sale := range sales {
			if err := bt.AddSale(ctx, sale); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bt.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestGapFacts checks the read model the gaps use: per account and category its sales,
// potential and open pipeline, for accounts with any of them, rebuilt when only
// potentials or opportunities change.
func TestGapFacts(t *testing.T) {
	ctx := t.Context()
	s, _ := loaded(t)
	periods := []domain.Period{{After: day(t, "2023-12-31"), Through: day(t, "2024-12-31")}}
	got, err := s.GapFacts(ctx, domain.ForTerritory("North"), periods)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.GapFacts{
		{
			AccountID: "A1",
			Sales: []domain.SalesTotal{
				{AccountID: "A1", Key: "Gloves", Revenue: 130, Cost: 78},
				{AccountID: "A1", Key: "Masks", Revenue: 1000, Cost: 500},
			},
			Potentials: []domain.Potential{{AccountID: "A1", Category: "Gloves", AnnualPotential: 5000, Competitor: "Rival"}},
			Pipelines:  []domain.Pipeline{{AccountID: "A1", Category: "Masks", Value: 1200, Weighted: 600}},
		},
		{
			AccountID:  "A2",
			Sales:      []domain.SalesTotal{{AccountID: "A2", Key: "Masks", Revenue: 50, Cost: 25}},
			Potentials: []domain.Potential{{AccountID: "A2", Category: "Masks", AnnualPotential: 800}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("North (-want +got):\n%s", diff)
	}

	// A potential for a new account with no sales, and a won opportunity that leaves
	// the pipeline, in an import without any sales line.
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.PutAccount(ctx, domain.Account{ID: "A9", Name: "Nine", Territory: "North"}); err != nil {
			return err
		}
		if err := b.PutPotential(ctx, domain.Potential{AccountID: "A9", Category: "Masks", AnnualPotential: 70}); err != nil {
			return err
		}
		return b.PutOpportunity(ctx, domain.Opportunity{ID: "O1", AccountID: "A1", Category: "Masks", Name: "Masks 2024", Value: 1200, Stage: "won", Probability: 1})
	})
	got, err = s.GapFacts(ctx, domain.ForTerritory("North"), periods)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Pipelines != nil || got[2].AccountID != "A9" ||
		!cmp.Equal(got[2].Potentials, []domain.Potential{{AccountID: "A9", Category: "Masks", AnnualPotential: 70}}) {
		t.Errorf("after the second import: %+v", got)
	}
}

func TestFindAccountsByName(t *testing.T) {
	ctx := t.Context()
	s, _ := loaded(t)
	for _, tt := range []struct {
		key  string
		want []string
	}{
		{"acme", []string{"A1"}},      // name
		{"acme corp", []string{"A1"}}, // alias "ACME Corp"
		{"a1", []string{"A1"}},        // id, any case
		{"gamma", []string{"B1"}},
		{"nobody", nil},
	} {
		got, err := s.FindAccountsByName(ctx, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if diff := cmp.Diff(tt.want, ids); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.key, diff)
		}
	}
	// Renaming an account replaces its names.
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutAccount(ctx, domain.Account{ID: "B1", Name: "Delta", Territory: "South"})
	})
	if got, _ := s.FindAccountsByName(ctx, "gamma"); len(got) != 0 {
		t.Errorf("the old name still finds %v", got)
	}
}
