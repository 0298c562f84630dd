package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestSayMoney(t *testing.T) {
	m := Money{Code: "USD", Symbol: "$"}
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{9587, "about $9,600"},
		{1049, "about $1,000"},
		{1200, "$1,200"},
		{999.6, "$1,000"},
		{480, "$480"},
		{67.73, "$68"},
		{43333.33, "about $43,000"},
		{123456.78, "about $120,000"},
		{-9587, "about -$9,600"},
		{0, "$0"},
	} {
		got := m.SayMoney(tt.v)
		if got != tt.want {
			t.Errorf("SayMoney(%v) = %q, want %q", tt.v, got, tt.want)
		}
		// What it says is grounded in the figure it says.
		if bad := Ungrounded(got, []Fact{{Name: "x", Value: tt.v}}); len(bad) > 0 {
			t.Errorf("SayMoney(%v) = %q is not grounded: %v", tt.v, got, bad)
		}
	}
}

func TestSayName(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"Socket Set 3/8 in Drive 28 pc", "Socket Set 3/8 in Drive 28 pc"},
		{"Heavy Duty Ratcheting Socket Set 3/8 in Drive Metric and SAE 28 pc", "Heavy Duty Ratcheting Socket Set 3/8 in…"},
		{"Supercalifragilisticexpialidocious-welding-wire-spool", "Supercalifragilisticexpialidocious-weld…"},
		{"  Welding   wire ", "Welding wire"},
	} {
		got := sayName(tt.name)
		if got != tt.want {
			t.Errorf("sayName(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if n := len([]rune(got)); n > maxSaidName {
			t.Errorf("sayName(%q) is %d characters long", tt.name, n)
		}
	}
}

// TestTemplateDraftSaysNames: products by name with the SKU once in brackets,
// categories by name, money the way people say it, and every priced give and get.
func TestTemplateDraftSaysNames(t *testing.T) {
	terms := domain.DealTerms{Discount: 0.05, X: "Hand Tools", Months: 12, Qty: 326, Y: "ST-38", Yearly: true}
	deal := domain.Deal{Terms: terms, RevenueX: 191740, GPX: 57522, MarginX: 0.3, Concession: 9587, RequiredVolumeIncrease: ptr(0.2),
		PriceY: 60, UnitCostY: 20, UnitGPY: 40, Gain: 13040, PricedGives: 1200, PricedGets: 500, Net: 2753, BreakEvenQty: ptr(257.2), Verdict: domain.VerdictAccretive}
	ledger := []domain.LedgerItem{
		{Side: domain.LedgerGive, Text: "free freight", Worth: ptr(1200), Value: ptr(1200)},
		{Side: domain.LedgerGet, Text: "rebate clawback", Worth: ptr(500), Value: ptr(500), Primary: true},
	}
	f := TalkFacts{Account: "Acme", Scenario: "S-1", Deal: deal, Ledger: ledger, Money: Money{Code: "USD", Symbol: "$"},
		Products: map[string]domain.Product{"ST-38": {SKU: "ST-38", Name: "Socket Set 3/8 in Drive 28 pc", Category: "Hand Tools"}}}
	for _, fc := range []struct {
		name string
		v    float64
		pct  bool
	}{{"discount", 0.05, true}, {"months", 12, false}, {"quantity_of_y", 326, false}, {"concession", 9587, false}, {"gain", 13040, false},
		{"net", 2753, false}, {"ledger_item_1_value_over_the_term", 1200, false}, {"ledger_item_2_value_over_the_term", 500, false},
		{"number in the name", 28, false}, {"number in the name", -38, false}} { // as talkFacts reads the name and "ST-38"
		f.Figures = append(f.Figures, Fact{Name: fc.name, Value: fc.v, Percent: fc.pct})
	}
	got := TemplateDraft(f).Points
	want := []string{
		`Trade, don't give: "If you can give us 326 Socket Set 3/8 in Drive 28 pc (ST-38) a year and rebate clawback, we can look at 5% on Hand Tools for 12 months, with free freight."`,
		"Know our number: the trade adds about $2,800 of gross profit to the account over the year (about $9,600 of discount and $1,200 of free freight, against about $13,000 from Socket Set 3/8 in Drive 28 pc and $500 of rebate clawback).",
		"Nothing is free: free freight costs us $1,200 over the year. If they ask for it, ask for something of the same worth in return.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := strings.Count(strings.Join(got, " "), "ST-38"); n != 1 {
		t.Errorf("the SKU is said %d times", n)
	}
}
