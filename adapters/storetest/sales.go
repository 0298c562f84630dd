package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func testSalesByCategory(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	// The first line of A1 lies on the After of the first period (excluded) and in the
	// second period; the G-2 line lies on Through (included); the 2024-04-01 line lies
	// after both.
	periods := []domain.Period{
		{After: Day(t, "2024-01-01"), Through: Day(t, "2024-03-31")},
		{After: Day(t, "2023-12-31"), Through: Day(t, "2024-01-31")},
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
		a := f.Accounts[1] // A2, North
		a.Territory = "South"
		Load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutAccount(ctx, a) })
		defer func() {
			Load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutAccount(ctx, f.Accounts[1]) })
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
		p := f.Products[1] // G-2
		p.Category = "Masks"
		Load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutProduct(ctx, p) })
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

func testSalesBySKU(t *testing.T, open func(t *testing.T) Store) {
	s, _ := loaded(t, open)
	periods := []domain.Period{
		{After: Day(t, "2024-01-01"), Through: Day(t, "2024-03-31")},
		{After: Day(t, "2024-03-31"), Through: Day(t, "2024-04-01")},
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
	if got, err := s.SalesBySKU(t.Context(), domain.AllAccounts, nil); err != nil || got != nil {
		t.Errorf("SalesBySKU(no periods) = %v, %v, want nil, nil", got, err)
	}
}

func testSalesDates(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	empty := open(t)
	first, last, err := empty.SalesDates(ctx)
	if err != nil || !first.IsZero() || !last.IsZero() {
		t.Errorf("empty store: SalesDates() = %v, %v, %v, want zero dates", first, last, err)
	}
	s, _ := loaded(t, open)
	first, last, err = s.SalesDates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := Day(t, "2024-01-01"); !first.Equal(want) || first.Location() != time.UTC {
		t.Errorf("first = %v, want %v", first, want)
	}
	if want := Day(t, "2024-04-01"); !last.Equal(want) || last.Location() != time.UTC {
		t.Errorf("last = %v, want %v", last, want)
	}
}

// testBulkImport adds more lines in one batch than a store buffers at a time and checks
// the totals.
func testBulkImport(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, _ := loaded(t, open)
	const n = 25_000 // several chunks of any store's buffer
	period := []domain.Period{{After: Day(t, "2025-01-01"), Through: Day(t, "2025-12-31")}}
	// A line that fails after several chunks were written (PostgreSQL copies a chunk
	// while the next is read): the batch is rolled back, and nothing of it is kept.
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		sale := domain.Sale{Date: Day(t, "2025-06-01"), AccountID: "B1", SKU: "M-1", Quantity: 1, Amount: 2, Cost: 1, Source: "big.csv"}
		if i == n-3_000 {
			sale.AccountID = "Z9"
		}
		if err = b.AddSale(ctx, sale); err != nil {
			break
		}
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("an unknown account after %d lines: %v, want %s", n-3_000, err, domain.EINVALID)
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SalesByCategory(ctx, domain.ForTerritory("South"), period); err != nil || len(got) != 0 {
		t.Fatalf("after the rolled-back import: %v %v", got, err)
	}
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for i := range n {
			err := b.AddSale(ctx, domain.Sale{Date: Day(t, "2025-06-01").AddDate(0, 0, i%30),
				AccountID: "B1", SKU: "M-1", Quantity: 1, Amount: 2, Cost: 1, Source: "big.csv"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.SalesByCategory(ctx, domain.ForTerritory("South"), period)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "B1", Key: "Masks", Period: 0, Revenue: 2 * n, Cost: n}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, last, err := s.SalesDates(ctx); err != nil || !last.Equal(Day(t, "2025-06-30")) {
		t.Errorf("SalesDates() last = %v, %v, want 2025-06-30", last, err)
	}
}

// testGapFacts checks the facts the gaps use: per account and category its sales,
// potential and open pipeline, for accounts with any of them, up to date when only
// potentials or opportunities change.
func testGapFacts(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, _ := loaded(t, open)
	periods := []domain.Period{{After: Day(t, "2023-12-31"), Through: Day(t, "2024-12-31")}}
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
	// B1's won opportunity is no pipeline.
	got, err = s.GapFacts(ctx, domain.ForAccount("B1"), periods)
	if err != nil {
		t.Fatal(err)
	}
	wantB1 := []domain.GapFacts{{
		AccountID:  "B1",
		Sales:      []domain.SalesTotal{{AccountID: "B1", Key: "Gloves", Revenue: 70, Cost: 49}},
		Potentials: []domain.Potential{{AccountID: "B1", Category: "Gloves", AnnualPotential: 900}},
	}}
	if diff := cmp.Diff(wantB1, got); diff != "" {
		t.Errorf("B1 (-want +got):\n%s", diff)
	}

	// A potential for a new account with no sales, and a won opportunity that leaves
	// the pipeline, in an import without any sales line.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
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
		!cmp.Equal(got[2].Potentials, []domain.Potential{{AccountID: "A9", Category: "Masks", AnnualPotential: 70}}) ||
		got[2].Sales != nil {
		t.Errorf("after the second import: %+v", got)
	}
	all, err := s.GapFacts(ctx, domain.AllAccounts, periods)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range all {
		ids = append(ids, f.AccountID)
	}
	if diff := cmp.Diff([]string{"A1", "A2", "A9", "B1"}, ids); diff != "" {
		t.Errorf("every account's facts, by territory (-want +got):\n%s", diff)
	}
}
