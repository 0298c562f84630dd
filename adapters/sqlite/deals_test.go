package sqlite_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

// TestBestSellers checks best_sellers, and industry_best_sellers for each industry,
// against every SKU's sales summed from the lines, on a demo company, at dates inside,
// at the ends of and after the history.
func TestBestSellers(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{Accounts: 40, Months: 14, End: end, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	s, _ := open(t)
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	var industries []string
	for _, a := range accounts {
		if a.Industry != "" && !slices.Contains(industries, a.Industry) {
			industries = append(industries, a.Industry)
		}
	}
	for _, asOf := range []time.Time{end, end.AddDate(0, -5, 3), end.AddDate(0, 6, 0), end.AddDate(-1, 0, 0), end.AddDate(2, 0, 0)} {
		want := storetest.ReferenceBestSellers(t, s, asOf)
		got, err := s.BestSellers(ctx, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("as of %s (-lines +best_sellers):\n%s", asOf.Format(domain.DateLayout), diff)
		}
		for _, ind := range industries {
			want := storetest.ReferenceIndustryBestSellers(t, s, ind, asOf)
			got, err := s.IndustryBestSellers(ctx, ind, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s as of %s (-lines +industry_best_sellers):\n%s", ind, asOf.Format(domain.DateLayout), diff)
			}
		}
	}
}
