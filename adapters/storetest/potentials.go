package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// testSetPotential sets potentials as chat does: each write bumps the data version,
// FindPotentials returns it with who and when, and the gap facts carry it at once,
// whether it replaces a potential, adds one to a category the account buys, adds a
// category it does not buy, or is the first fact of an account (in a territory the read
// model knows, and in one it does not). A bad potential or an unknown account changes
// nothing. A later import of potential.csv replaces the row it names.
func testSetPotential(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	// Accounts with no facts yet: one in North, one in a new territory.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, err := range []error{
			b.PutTerritory(ctx, domain.Territory{Name: "East", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8}),
			b.PutAccount(ctx, domain.Account{ID: "A3", Name: "Delta", Territory: "North", PaymentTermsDays: 30}),
			b.PutAccount(ctx, domain.Account{ID: "E1", Name: "Epsilon", Territory: "East", PaymentTermsDays: 30}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	set := []domain.Potential{
		// Replaces A2's Masks (800, no competitor).
		{AccountID: "A2", Category: "Masks", AnnualPotential: 900, Competitor: "Rival", Note: "from chat", SetBy: "mia@example.com", SetAt: at},
		// A category A1 buys, with an open opportunity, and no potential yet.
		{AccountID: "A1", Category: "Masks", AnnualPotential: 3000, SetBy: "rob@example.com", SetAt: at.Add(time.Minute)},
		// A category A2 does not buy: before its Masks in the facts.
		{AccountID: "A2", Category: "Gloves", AnnualPotential: 100, SetBy: "rob@example.com", SetAt: at},
		{AccountID: "A3", Category: "Gloves", AnnualPotential: 250.5, SetBy: "mia@example.com", SetAt: at},
		{AccountID: "E1", Category: "Masks", AnnualPotential: 75, Competitor: "Other", SetBy: "mia@example.com", SetAt: at},
	}
	periods := []domain.Period{{After: Day(t, "2023-12-31"), Through: Day(t, "2024-12-31")}}
	for _, p := range set {
		before, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPotential(ctx, p); err != nil {
			t.Fatalf("SetPotential(%+v): %v", p, err)
		}
		if after, err := s.DataVersion(ctx); err != nil || after != before+1 {
			t.Errorf("SetPotential(%s/%s): data version %d → %d, %v; want one more", p.AccountID, p.Category, before, after, err)
		}
		factsHoldPotentials(t, s, periods, p)
	}
	got, err := s.FindPotentials(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Potential{f.Potentials[0], set[1], set[2], set[0], set[3], f.Potentials[2], set[4]}
	if diff := cmp.Diff(want, got, byAccountCategory); diff != "" {
		t.Errorf("potentials (-want +got):\n%s", diff)
	}

	facts, err := s.GapFacts(ctx, domain.AllAccounts, periods)
	if err != nil {
		t.Fatal(err)
	}
	wantFacts := []domain.GapFacts{
		{AccountID: "E1", Potentials: []domain.Potential{{AccountID: "E1", Category: "Masks", AnnualPotential: 75, Competitor: "Other"}}},
		{
			AccountID: "A1",
			Sales: []domain.SalesTotal{
				{AccountID: "A1", Key: "Gloves", Revenue: 130, Cost: 78},
				{AccountID: "A1", Key: "Masks", Revenue: 1000, Cost: 500},
			},
			Potentials: []domain.Potential{
				{AccountID: "A1", Category: "Gloves", AnnualPotential: 5000, Competitor: "Rival"},
				{AccountID: "A1", Category: "Masks", AnnualPotential: 3000},
			},
			Pipelines: []domain.Pipeline{{AccountID: "A1", Category: "Masks", Value: 1200, Weighted: 600}},
		},
		{
			AccountID: "A2",
			Sales:     []domain.SalesTotal{{AccountID: "A2", Key: "Masks", Revenue: 50, Cost: 25}},
			Potentials: []domain.Potential{
				{AccountID: "A2", Category: "Gloves", AnnualPotential: 100},
				{AccountID: "A2", Category: "Masks", AnnualPotential: 900, Competitor: "Rival"},
			},
		},
		{AccountID: "A3", Potentials: []domain.Potential{{AccountID: "A3", Category: "Gloves", AnnualPotential: 250.5}}},
		{
			AccountID:  "B1",
			Sales:      []domain.SalesTotal{{AccountID: "B1", Key: "Gloves", Revenue: 70, Cost: 49}},
			Potentials: []domain.Potential{{AccountID: "B1", Category: "Gloves", AnnualPotential: 900}},
		},
	}
	if diff := cmp.Diff(wantFacts, facts, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("gap facts after SetPotential (-want +got):\n%s", diff)
	}
	north, err := s.GapFacts(ctx, domain.ForTerritory("North"), periods)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantFacts[1:4], north, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("North's gap facts after SetPotential (-want +got):\n%s", diff)
	}

	setPotentialRefused(t, s)
	importReplacesPotential(t, s, set[2], periods)
}

// setPotentialRefused checks that a potential no store keeps, or one of an unknown
// account, is refused and changes nothing.
func setPotentialRefused(t *testing.T, s Store) {
	ctx := t.Context()
	got, err := s.FindPotentials(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		p    domain.Potential
		code string
	}{
		{domain.Potential{AccountID: "Z9", Category: "Masks", AnnualPotential: 10}, domain.ENOTFOUND},
		{domain.Potential{AccountID: "A1", AnnualPotential: 10}, domain.EINVALID},
		{domain.Potential{AccountID: "A1", Category: "Masks", AnnualPotential: -1}, domain.EINVALID},
		{domain.Potential{AccountID: "A1", Category: "Masks", AnnualPotential: 2 * domain.MaxMoney}, domain.EINVALID},
	} {
		if err := s.SetPotential(ctx, tt.p); domain.ErrorCode(err) != tt.code {
			t.Errorf("SetPotential(%+v) error = %v, want code %s", tt.p, err, tt.code)
		}
	}
	if after, err := s.DataVersion(ctx); err != nil || after != v {
		t.Errorf("refused potentials changed the data version: %d → %d, %v", v, after, err)
	}
	if again, err := s.FindPotentials(ctx, domain.AllAccounts); err != nil || !cmp.Equal(got, again) {
		t.Errorf("refused potentials changed the potentials: %v\n%s", err, cmp.Diff(got, again))
	}
}

// importReplacesPotential checks that a later import of potential.csv replaces a
// potential set from chat, who set it included, and the gap facts with it; kept is
// A2's other potential, set from chat.
func importReplacesPotential(t *testing.T, s Store, kept domain.Potential, periods []domain.Period) {
	ctx := t.Context()
	imported := domain.Potential{AccountID: "A2", Category: "Masks", AnnualPotential: 700}
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error { return b.PutPotential(ctx, imported) })
	a2, err := s.FindPotentials(ctx, domain.ForAccount("A2"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Potential{kept, imported}, a2); diff != "" {
		t.Errorf("A2's potentials after the import (-want +got):\n%s", diff)
	}
	facts, err := s.GapFacts(ctx, domain.ForAccount("A2"), periods)
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 1 || !cmp.Equal(facts[0].Potentials, []domain.Potential{
		{AccountID: "A2", Category: "Gloves", AnnualPotential: 100}, {AccountID: "A2", Category: "Masks", AnnualPotential: 700}}) {
		t.Errorf("A2's gap facts after the import: %+v", facts)
	}
}

// factsHoldPotentials checks, after p was set, that the gap facts of every account hold
// exactly the potentials on record (without their notes and who set them).
func factsHoldPotentials(t *testing.T, s Store, periods []domain.Period, p domain.Potential) {
	t.Helper()
	records, err := s.FindPotentials(t.Context(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range records {
		records[i].Note, records[i].SetBy, records[i].SetAt = "", "", time.Time{}
	}
	facts, err := s.GapFacts(t.Context(), domain.AllAccounts, periods)
	if err != nil {
		t.Fatal(err)
	}
	var got []domain.Potential
	for _, f := range facts {
		got = append(got, f.Potentials...)
	}
	if diff := cmp.Diff(records, got, byAccountCategory); diff != "" {
		t.Errorf("after SetPotential(%s/%s), gap facts' potentials (-records +facts):\n%s", p.AccountID, p.Category, diff)
	}
}

// byAccountCategory sorts potentials by account and category.
var byAccountCategory = cmpopts.SortSlices(func(a, b domain.Potential) bool {
	return a.AccountID < b.AccountID || a.AccountID == b.AccountID && a.Category < b.Category
})
