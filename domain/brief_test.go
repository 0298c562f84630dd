package domain

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLatestOffer(t *testing.T) {
	products := map[string]Product{"G-1": {SKU: "G-1", Category: "Gloves"}, "W-1": {SKU: "W-1", Category: "Welding"}}
	cats := map[string]bool{"Gloves": true}
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	own := func(comp, sku string, at time.Time) CompetitorOffer {
		return CompetitorOffer{Competitor: comp, SKU: sku, AccountID: "A1", SetAt: at}
	}
	market := func(comp, sku string, at time.Time) CompetitorOffer {
		return CompetitorOffer{Competitor: comp, SKU: sku, SetAt: at}
	}
	tests := []struct {
		name   string
		offers []CompetitorOffer
		want   string // competitor; "" for none
	}{
		{"none", nil, ""},
		{"the account's own before a later market-wide one", []CompetitorOffer{market("Later", "G-1", day(20)), own("Own", "G-1", day(1))}, "Own"},
		{"the latest recorded of the account's", []CompetitorOffer{own("Old", "G-1", day(1)), own("New", "G-1", day(5)), own("Imported", "G-1", time.Time{})}, "New"},
		{"imported ones by competitor", []CompetitorOffer{own("Zeta", "G-1", time.Time{}), own("alpha", "G-1", time.Time{})}, "alpha"},
		{"market-wide only on a category of the gap", []CompetitorOffer{market("Welder", "W-1", day(9)), market("Glover", "G-1", day(2))}, "Glover"},
		{"market-wide off the gap: none", []CompetitorOffer{market("Welder", "W-1", day(9))}, ""},
		{"another account's: none", []CompetitorOffer{{Competitor: "Else", SKU: "G-1", AccountID: "A2", SetAt: day(9)}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LatestOffer(tt.offers, "A1", cats, products)
			if ok != (tt.want != "") || got.Competitor != tt.want {
				t.Errorf("got %q (%v), want %q", got.Competitor, ok, tt.want)
			}
		})
	}
}

func TestAtStake(t *testing.T) {
	g := AccountGap{Categories: []CategoryGap{
		{Category: "A", Uncovered: 1000, GPRate: 0.4},
		{Category: "B", Uncovered: 0, GPRate: 0.9},
		{Category: "C", Uncovered: 500, GPRate: 0.2},
	}}
	for _, tt := range []struct {
		tier string
		want float64
	}{
		{TierBusinessBuild, 500},
		{TierCoreCustomer, 375},
		{TierConvenientSale, 250},
		{TierOperationalDrain, 125},
		{"", 250},
	} {
		if got := AtStake(g, tt.tier); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.tier, got, tt.want)
		}
	}
}

func TestBuildBriefTierChange(t *testing.T) {
	a := Account{ID: "A1", Name: "Acme", Territory: "North"}
	prev := &Grading{Territory: "North", AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Marks: []GradeMark{{AccountID: "A0", Tier: TierBusinessBuild}, {AccountID: "A1", Tier: TierConvenientSale}}}
	for _, tt := range []struct {
		name  string
		grade Grade
		prev  *Grading
		want  *TierChange
	}{
		{"up", Grade{Graded: true, Tier: TierCoreCustomer}, prev, &TierChange{Since: NewDate(2026, 11, 1), From: TierConvenientSale, To: TierCoreCustomer, Move: "up"}},
		{"down", Grade{Graded: true, Tier: TierOperationalDrain}, prev, &TierChange{Since: NewDate(2026, 11, 1), From: TierConvenientSale, To: TierOperationalDrain, Move: "down"}},
		{"same", Grade{Graded: true, Tier: TierConvenientSale}, prev, &TierChange{Since: NewDate(2026, 11, 1), From: TierConvenientSale, To: TierConvenientSale, Move: "same"}},
		{"no grading stored", Grade{Graded: true, Tier: TierConvenientSale}, nil, nil},
		{"not graded now", Grade{}, prev, nil},
		{"not in the grading", Grade{Graded: true, Tier: TierConvenientSale}, &Grading{Marks: []GradeMark{{AccountID: "A9"}}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := BuildBrief(BriefInput{Account: a, AsOf: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Grade: tt.grade, Previous: tt.prev})
			if diff := cmp.Diff(tt.want, b.TierChange); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
