package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

// referenceGradeFacts computes every account's grade facts at asOf from the records
// themselves, through domain.GradeInput: what the read model must agree with.
func referenceGradeFacts(t *testing.T, s *sqlite.Store, asOf time.Time) map[string]domain.GradeFacts {
	t.Helper()
	ctx := t.Context()
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	invoices, err := s.FindInvoices(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	commitments, err := s.FindCommitments(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	rfqs, err := s.FindRFQs(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sales, err := s.SalesByCategory(ctx, domain.AllAccounts, []domain.Period{domain.Window(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	unitCost := map[string]float64{}
	for _, p := range products {
		unitCost[p.SKU] = p.UnitCost
	}
	in := map[string]*domain.GradeInput{}
	for _, a := range accounts {
		in[a.ID] = &domain.GradeInput{Account: a, AsOf: asOf}
	}
	for _, x := range sales {
		in[x.AccountID].Revenue += x.Revenue
		in[x.AccountID].Cost += x.Cost
	}
	for _, x := range invoices {
		in[x.AccountID].Invoices = append(in[x.AccountID].Invoices, x)
	}
	for _, x := range rfqs {
		in[x.AccountID].RFQs = append(in[x.AccountID].RFQs, x)
	}
	// Quantities taken: the account's sales of the SKU in the month.
	months := map[domain.Month]bool{}
	for _, c := range commitments {
		months[c.Period] = true
	}
	for m := range months {
		p := domain.Period{After: m.First().AddDate(0, 0, -1), Through: m.Last()}
		taken, err := s.SalesBySKU(ctx, domain.AllAccounts, []domain.Period{p})
		if err != nil {
			t.Fatal(err)
		}
		qty := map[[2]string]float64{}
		for _, x := range taken {
			qty[[2]string{x.AccountID, x.Key}] += x.Quantity
		}
		for _, c := range commitments {
			if c.Period == m {
				in[c.AccountID].Commitments = append(in[c.AccountID].Commitments, domain.CommitmentTaken{
					Commitment: c, Taken: qty[[2]string{c.AccountID, c.SKU}], UnitCost: unitCost[c.SKU]})
			}
		}
	}
	out := map[string]domain.GradeFacts{}
	for id, x := range in {
		if f := x.Facts(); f.HasData() {
			out[id] = f
		}
	}
	return out
}

func gradeFactsByAccount(t *testing.T, s *sqlite.Store, asOf time.Time) map[string]domain.GradeFacts {
	t.Helper()
	facts, err := s.GradeFacts(t.Context(), asOf)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.GradeFacts{}
	for _, f := range facts {
		if f.HasData() {
			out[f.AccountID] = f
		}
	}
	return out
}

// TestGradeFactsMatchRecords checks the grade read model against the records it was
// built from, on a demo company and at several as-of dates: today, a past date whose
// invoices were paid later, and one whose window holds only part of the history.
func TestGradeFactsMatchRecords(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{Accounts: 60, Months: 24, End: end, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	s, _ := open(t)
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	for _, asOf := range []time.Time{end, end.AddDate(0, -4, -3), end.AddDate(-1, 0, 0)} {
		want := referenceGradeFacts(t, s, asOf)
		got := gradeFactsByAccount(t, s, asOf)
		if len(want) < 50 {
			t.Fatalf("as of %s: only %d accounts with data", asOf.Format(domain.DateLayout), len(want))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 1e-6)); diff != "" {
			t.Errorf("as of %s (-records +read model):\n%s", asOf.Format(domain.DateLayout), diff)
		}
	}
}

// TestGradeFactsRebuild checks that an import of invoices, commitments or RFQs alone,
// or of a product's new unit cost, rebuilds the grade facts.
func TestGradeFactsRebuild(t *testing.T) {
	s, _ := loaded(t)
	asOf := day(t, "2024-06-30")
	check := func(when string) {
		t.Helper()
		if diff := cmp.Diff(referenceGradeFacts(t, s, asOf), gradeFactsByAccount(t, s, asOf), cmpopts.EquateApprox(1e-12, 1e-9)); diff != "" {
			t.Errorf("%s (-records +read model):\n%s", when, diff)
		}
	}
	check("after the first import")
	a1 := gradeFactsByAccount(t, s, asOf)["A1"]
	// A1 took 11 of the 12 gloves it committed to in January 2024.
	if a1.Committed != 12 || a1.Strayed != 1 || a1.ShortCost != 7.25 || a1.Pending != 1 || a1.LateAmountDays != 100*15 {
		t.Errorf("A1 = %+v", a1)
	}

	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutInvoice(ctx, domain.Invoice{ID: "I-9", AccountID: "A2", InvoiceDate: day(t, "2024-03-01"), DueDate: day(t, "2024-03-31"), Amount: 40})
	})
	check("after an invoice")
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutRFQ(ctx, domain.RFQ{ID: "R9", AccountID: "A2", Date: day(t, "2024-03-02"), Category: "Masks", Outcome: domain.RFQWon})
	})
	check("after an RFQ")
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutCommitment(ctx, domain.Commitment{AccountID: "A2", SKU: "M-1", Period: domain.Month{Year: 2024, Month: time.February}, CommittedQty: 20})
	})
	check("after a commitment")
	load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutProduct(ctx, domain.Product{SKU: "G-1", Name: "Nitrile gloves", Category: "Gloves", ListPrice: 12.5, UnitCost: 8, UsesPerUnit: 100, UnitOfUse: "pair"})
	})
	check("after a new unit cost")
	if got := gradeFactsByAccount(t, s, asOf)["A1"].ShortCost; got != 8 {
		t.Errorf("A1 short cost after the unit cost changed = %v, want 8", got)
	}
	a2 := gradeFactsByAccount(t, s, asOf)["A2"]
	if a2.Invoiced != 40 || a2.Won != 1 || a2.Committed != 20 || a2.Strayed != 5 {
		t.Errorf("A2 = %+v", a2)
	}
}

// TestGradings stores gradings and reads back the latest before a date.
func TestGradings(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	if _, err := s.PreviousGrading(ctx, "North", day(t, "2026-11-27")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("no grading yet: %v", err)
	}
	g1 := domain.Grading{Territory: "North", AsOf: day(t, "2026-11-20"), Version: 3, Marks: []domain.GradeMark{
		{AccountID: "A1", Tier: domain.TierCoreCustomer, Score: 3.1}, {AccountID: "A2", Tier: domain.TierConvenientSale, Score: 2}}}
	g2 := domain.Grading{Territory: "North", AsOf: day(t, "2026-11-27"), Version: 4, Marks: []domain.GradeMark{
		{AccountID: "A1", Tier: domain.TierBusinessBuild, Score: 3.3}}}
	other := domain.Grading{Territory: "South", AsOf: day(t, "2026-11-26"), Version: 4, Marks: []domain.GradeMark{{AccountID: "B1", Tier: domain.TierCoreCustomer, Score: 3}}}
	for _, g := range []domain.Grading{g1, g2, other} {
		if err := s.SaveGrading(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	sortMarks := cmpopts.SortSlices(func(a, b domain.GradeMark) bool { return a.AccountID < b.AccountID })
	for _, tt := range []struct {
		before string
		want   domain.Grading
	}{
		{"2026-11-27", g1}, // strictly before
		{"2026-11-28", g2},
		{"2026-12-31", g2},
	} {
		got, err := s.PreviousGrading(ctx, "North", day(t, tt.before))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got, sortMarks); diff != "" {
			t.Errorf("before %s (-want +got):\n%s", tt.before, diff)
		}
	}
	// Saving the same date again replaces the marks when the data version changed.
	g1b := domain.Grading{Territory: "North", AsOf: day(t, "2026-11-20"), Version: 5, Marks: []domain.GradeMark{{AccountID: "A3", Tier: domain.TierOperationalDrain, Score: 1.2}}}
	if err := s.SaveGrading(ctx, g1b); err != nil {
		t.Fatal(err)
	}
	got, err := s.PreviousGrading(ctx, "North", day(t, "2026-11-27"))
	if err != nil || !cmp.Equal(g1b, got) {
		t.Errorf("after replacing: %+v, %v", got, err)
	}
}

// TestReadModelUpgrade opens a file whose read model an earlier build made (no grade
// facts): Open rebuilds it.
func TestReadModelUpgrade(t *testing.T) {
	ctx := t.Context()
	s, path := open(t)
	load(t, s, newFixture(t).write)
	want := gradeFactsByAccount(t, s, day(t, "2024-06-30"))
	if len(want) != 3 {
		t.Fatalf("grade facts of %d accounts, want 3", len(want))
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM grade_facts; UPDATE meta SET read_model = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if diff := cmp.Diff(want, gradeFactsByAccount(t, s2, day(t, "2024-06-30"))); diff != "" {
		t.Errorf("after reopening (-before +after):\n%s", diff)
	}
}
