package domain_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestRoundTo(t *testing.T) {
	tests := []struct {
		x        float64
		decimals int
		want     string // as JSON writes it
	}{
		{0.30000000000000004, 2, "0.3"}, // 0.1 + 0.2 in float64
		{1492207.0999999996, 2, "1492207.1"},
		{1492207.0999999999, 2, "1492207.1"},
		{-0.001, 2, "0"}, // not -0
		{-0.005, 2, "-0.01"},
		{12.345678, 4, "12.3457"},
		{0.30000000000000004, 4, "0.3"},
		{-1e-12, 4, "0"},
		{28850, 2, "28850"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(domain.RoundTo(tt.x, tt.decimals))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("RoundTo(%v, %d) writes %s, want %s", tt.x, tt.decimals, b, tt.want)
		}
	}
}

func TestRoundMoney(t *testing.T) {
	tenth, fifth := 0.1, 0.2
	noise := tenth + fifth // 0.30000000000000004: constants would add exactly
	trend := -noise
	gap := domain.AccountGap{
		AccountID:  "A-1",
		Categories: []domain.CategoryGap{{Category: "Fasteners", Current: noise, Share: noise, Trend: &trend}},
		Totals:     domain.GapTotals{Current: noise, Gap: -1e-9, Share: noise},
	}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"amounts to the cent, ratios as computed", gap,
			`{"account_id":"A-1","name":"","territory":"","as_of":"","categories":[{"category":"Fasteners","current":0.3,"potential":0,"potential_source":"","gap":0,"share":0.30000000000000004,"gp_rate":0,"gap_gp":0,"pipeline":0,"weighted_pipeline":0,"uncovered":0,"trend":-0.30000000000000004,"at_risk":false,"contested":false}],"totals":{"current":0.3,"potential":0,"gap":0,"share":0.30000000000000004,"gap_gp":0,"pipeline":0,"weighted_pipeline":0,"uncovered":0},"trend":null,"at_risk":false}`},
		{"embedded totals", domain.CategoryRollup{Category: "Safety", GapTotals: domain.GapTotals{Potential: 1492207.0999999996}},
			`{"category":"Safety","current":0,"potential":1492207.1,"gap":0,"share":0,"gap_gp":0,"pipeline":0,"weighted_pipeline":0,"uncovered":0,"at_risk_accounts":0}`},
		{"a pointer to an amount", domain.Growth{Year: 2026, NeededPerMonth: &noise, Elapsed: noise},
			`{"scope":"","key":"","name":"","year":2026,"as_of":"","ytd":0,"elapsed":0.30000000000000004,"projection":0,"needed_per_month":0.3,"days_left":0,"ytd_last_year":0,"yoy":null,"gp_ytd":0,"has_objective":false,"revenue_w":0,"gap":0}`},
		{"unit prices to 4 decimals", domain.CostPerUse{PriceOurs: 1.23456789, CPUOurs: 0.123456, UsesOurs: noise, Savings: 1234.5678},
			`{"account_id":"","sku":"","competitor":"","price_ours":1.2346,"price_source":"","uses_per_unit_ours":0.30000000000000004,"price_theirs":0,"uses_per_unit_theirs":0,"change_cost":0,"cpu_ours":0.1235,"cpu_theirs":0,"annual_uses":0,"savings":1234.57,"parity_price":0}`},
		{"in a slice behind an interface", []any{domain.TierSummary{Tier: "Core Customer", GP: noise}},
			`[{"tier":"Core Customer","accounts":0,"revenue":0,"gp":0.3,"true_gp":0}]`},
		{"time kept", domain.Objective{Year: 2026, RevenueTarget: noise, SetAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			`{"scope":"","key":"","year":2026,"revenue_target":0.3,"set_at":"2026-01-02T03:04:05Z"}`},
		{"raw JSON kept", json.RawMessage(`{"current":0.30000000000000004}`), `{"current":0.30000000000000004}`},
		{"nil", nil, `null`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(domain.RoundMoney(tt.v))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, string(b)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if gap.Categories[0].Current != noise || gap.Totals.Current != noise {
		t.Errorf("RoundMoney changed its argument: %+v", gap)
	}
}

// TestMoneyTags checks that every money tag of the results names a kind of money and
// sits on a float (or a pointer or slice of them).
func TestMoneyTags(t *testing.T) {
	results := []any{domain.AccountGap{}, domain.Rollup{}, domain.Market{}, domain.Grade{}, domain.TerritoryGrades{},
		domain.PricedDeal{}, domain.CostPerUseResult{}, domain.Suggestion{}, domain.Growth{}, domain.Digest{},
		domain.CompetitorOffer{}, domain.Objective{}, domain.Scenario{}}
	seen := map[reflect.Type]bool{}
	tagged := 0
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			tag, ok := f.Tag.Lookup("money")
			if !ok {
				walk(f.Type, path+"."+f.Name)
				continue
			}
			tagged++
			base := f.Type
			for base.Kind() == reflect.Pointer || base.Kind() == reflect.Slice {
				base = base.Elem()
			}
			if tag != domain.MoneyAmount && tag != domain.MoneyUnit {
				t.Errorf("%s.%s: money tag %q is neither %q nor %q", path, f.Name, tag, domain.MoneyAmount, domain.MoneyUnit)
			}
			if base.Kind() != reflect.Float64 {
				t.Errorf("%s.%s: money tag on a %s", path, f.Name, f.Type)
			}
		}
	}
	for _, r := range results {
		typ := reflect.TypeOf(r)
		walk(typ, strings.TrimPrefix(typ.String(), "domain."))
	}
	if tagged == 0 {
		t.Error("no money tags found")
	}
}
