package bot_test

// Deals, costs per use, scenarios and competitor offers over testdata/dealdata. Acme
// (A1) bought 800 G-1 (Gloves) for 10,000 at a cost of 7,000 (30% margin) and 100 M-1
// (Masks) for 300 at 100; W-1 (Welding) lists at 50 and costs 35. Rival offers Acme
// RG-100 against G-1 at 10 for 90 uses and 50 to change over; Other offers G-1's market
// OG at 11 for 100.

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// dealJSON is the JSON of a deal reply, as scripts read it.
type dealJSON struct {
	Scenario               string   `json:"scenario"`
	Parent                 string   `json:"parent"`
	Concession             float64  `json:"concession"`
	RequiredVolumeIncrease *float64 `json:"required_volume_increase"`
	Gain                   float64  `json:"gain"`
	Net                    float64  `json:"net"`
	BreakEvenQty           *float64 `json:"break_even_qty"`
	Verdict                string   `json:"verdict"`
	UnitGPY                float64  `json:"unit_gp_y"`
	Terms                  domain.DealTerms
	Balance                domain.LedgerBalance `json:"balance"`
	CostPerUse             []domain.CostPerUse  `json:"cost_per_use"`
}

// TestDealFormulas checks DESIGN section 3 "Deal what-if".
func TestDealFormulas(t *testing.T) {
	b := newTestBot(t, "dealdata")
	p := ptr
	tests := []struct {
		text string
		want dealJSON
	}{
		// 5% × 10,000; .05/(.30 − .05); 100 × (50 − 35); 500/15.
		{"deal acme give 5% on gloves get 100 W-1",
			dealJSON{Concession: 500, RequiredVolumeIncrease: p(0.2), Gain: 1500, Net: 1000, BreakEvenQty: p(500.0 / 15), Verdict: "accretive", UnitGPY: 15}},
		// The SKU G-1 is all of Acme's gloves; yearly over 6 months: 250, 1,000 × 5 × 6/12.
		{"deal Acme Manufacturing give 5 % off nitrile gloves for 6m get 1k welding wire yearly at 40",
			dealJSON{Concession: 250, RequiredVolumeIncrease: p(0.2), Gain: 2500, Net: 2250, BreakEvenQty: p(250 / 2.5), Verdict: "accretive", UnitGPY: 5}},
		// 30% is the whole margin: no volume increase holds it.
		{"deal acme give 30% on G-1 get 100 W-1 once",
			dealJSON{Concession: 3000, Gain: 1500, Net: -1500, BreakEvenQty: p(200), Verdict: "dilutive", UnitGPY: 15}},
		// Y below cost: computed, no break-even.
		{"deal acme give 2% on gloves get 10 W-1 at 30",
			dealJSON{Concession: 200, RequiredVolumeIncrease: p(0.02 / 0.28), Gain: -50, Net: -250, Verdict: "dilutive", UnitGPY: -5}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := askJSON[dealJSON](t, b, tt.text)
			opts := []cmp.Option{cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreFields(dealJSON{}, "Scenario", "Parent", "Terms", "Balance", "CostPerUse")}
			if diff := cmp.Diff(tt.want, got, opts...); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	out, err := ask(t, b, "deal acme give 2% on gloves get 10 W-1 at 30")
	if err != nil || !strings.Contains(out, "W-1 at $30.00 is at or below its unit cost of $35.00") || !strings.Contains(out, "never: W-1 earns no margin at this price") {
		t.Errorf("Y below cost is not said plainly: %v\n%s", err, out)
	}
}

// TestDealLedger checks the priced ledger of DESIGN section 3 "Deal what-if" (v2).
// Acme is on net 30 (the default) with 10,300 of revenue over W.
func TestDealLedger(t *testing.T) {
	b := newTestBot(t, "dealdata")
	p := ptr
	type ledgerJSON struct {
		Side  string   `json:"side"`
		Text  string   `json:"text"`
		Worth *float64 `json:"worth"`
		Once  bool     `json:"once"`
		Value *float64 `json:"value"`
	}
	type pricedJSON struct {
		Concession, Gain, Net float64
		PricedGives           float64  `json:"priced_gives"`
		PricedGets            float64  `json:"priced_gets"`
		BreakEvenQty          *float64 `json:"break_even_qty"`
		Verdict               string
		Ledger                []ledgerJSON `json:"ledger"`
	}
	// A day of terms on 10,300 at 8% costs 10,300 × 0.08 / 365 a year.
	day := 10300 * 0.08 / 365
	tests := []struct {
		name, text string
		settings   func(*bot.Bot) // the deployment's settings, when not the defaults
		want       pricedJSON
	}{
		{"terms, worth a year and once, a get, an unpriced item",
			"deal acme give 5% on gloves for 6 months get 100 W-1 also give net 45 terms also give free freight worth $1.2k a year also get rebate clawback worth 500 once primary also give 2-year contract",
			nil,
			// concession .05 × 10,000 × 6/12 = 250; gain 100 × 15; net 45: 15 days × 6/12;
			// freight 1,200 × 6/12; rebate 500 once.
			pricedJSON{Concession: 250, Gain: 1500, PricedGives: 15*day*0.5 + 600, PricedGets: 500,
				Net: 1500 - 250 - (15*day*0.5 + 600) + 500, BreakEvenQty: p((250 + 15*day*0.5 + 600 - 500) / 15), Verdict: "accretive",
				Ledger: []ledgerJSON{{Side: "give", Text: "net 45 terms", Value: p(15 * day * 0.5)}, {Side: "give", Text: "free freight", Worth: p(1200), Value: p(600)},
					{Side: "get", Text: "rebate clawback", Worth: p(500), Once: true, Value: p(500)}, {Side: "give", Text: "2-year contract"}}}},
		{"yearly, a get of shorter terms, the cost of capital a setting",
			"deal acme give 3% on gloves get 10 W-1 yearly for 24 months also get net 10 terms also give free freight worth 1000",
			func(b *bot.Bot) { b.Grades.Settings.CostOfCapital = 0.10 },
			// concession .03 × 10,000 × 2 = 600; gain 10 × 15 × 2 = 300; net 10: 20 days ×
			// 10,300 × 0.10 / 365 × 2; freight 1,000 × 2.
			pricedJSON{Concession: 600, Gain: 300, PricedGives: 2000, PricedGets: 20 * 10300 * 0.10 / 365 * 2,
				Net: 300 - 600 - 2000 + 20*10300*0.10/365*2, BreakEvenQty: p((600 + 2000 - 20*10300*0.10/365*2) / 30), Verdict: "dilutive",
				Ledger: []ledgerJSON{{Side: "get", Text: "net 10 terms", Value: p(20 * 10300 * 0.10 / 365 * 2)}, {Side: "give", Text: "free freight", Worth: p(1000), Value: p(2000)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := b
			if tt.settings != nil {
				b = configured(b.Store, tt.settings)
			}
			out, err := ask(t, b, tt.text, inJSONFormat)
			var got pricedJSON
			if jerr := json.Unmarshal([]byte(out), &got); err != nil || jerr != nil {
				t.Fatalf("%v, %v\n%s", err, jerr, out)
			}
			// JSON writes money to the cent.
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 0.005+1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if strings.Contains(tt.text, "2-year contract") && !strings.Contains(out, `"value": null`) {
				t.Errorf("an unpriced item's value is not null:\n%s", out)
			}
		})
	}
	// The reply shows each priced line; a variant prices the ledger again on its term and
	// replaces its terms.
	out, err := ask(t, b, "deal acme give 5% on gloves get 100 W-1 also give free freight worth 1200 also give net 60 terms also get rebate clawback worth 500 once")
	for _, want := range []string{"Give: free freight              worth $1,200 a year × 12/12", "Give: net 60 terms", "30 days beyond net 30 on $10,300 a year at 8% × 12/12",
		"Get: rebate clawback            worth $500 once", "gain − concession − gives + gets", "(concession + gives − gets) ÷ GP per unit of W-1"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("the reply lacks %q: %v\n%s", want, err, out)
		}
	}
	v := askJSON[dealJSON](t, b, "deal vary S-3 for 6 months also give net 90 terms")
	// 5% × 10,000 × 6/12 = 250; freight 1,200 × 6/12; net 90 (not 60): 60 days × 6/12;
	// rebate 500 once.
	if want := 1500 - 250 - 600 - 60*day*0.5 + 500; v.Net < want-0.006 || v.Net > want+0.006 {
		t.Errorf("variant net %v, want %v", v.Net, want)
	}

	for _, tt := range []struct{ text, want string }{
		{"deal acme give 5% on gloves get 1 W-1 also give net 30 terms", "They are on net 30 today: giving net 30 terms is no concession."},
		{"deal acme give 5% on gloves get 1 W-1 also give net 15", "They are on net 30 today: giving net 15 is no concession."},
		{"deal acme give 5% on gloves get 1 W-1 also get net 45 terms", "They are on net 30 today: getting net 45 terms gains nothing."},
	} {
		if out, err := ask(t, b, tt.text); err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("%q: error %v, want one and %q:\n%s", tt.text, err, tt.want, out)
		}
	}
}

// TestDealReplies compares deal, cpu and suggest replies with golden files.
func TestDealReplies(t *testing.T) {
	b := newTestBot(t, "dealdata")
	for _, tt := range []struct{ name, text string }{
		{"deal", "deal acme give 5% on gloves for 12 months get 100 W-1 also give net 60 terms primary"},
		{"deal_vary", "deal vary S-1 give 3% yearly"},
		{"deal_compare", "deal compare S-1 S-2"},
		{"deal_suggest", "deal suggest acme"},
		{"cpu", "cpu acme G-1"},
		{"cpu_vs", "cpu acme nitrile gloves vs rival"},
		{"deal_priced", "deal acme give 5% on gloves for 6 months get 100 W-1 yearly also give free freight worth $1.2k a year also get rebate clawback worth 500 once primary also give 2-year contract"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			golden(t, filepath.Join("golden", tt.name+".txt"), []byte(out))
		})
	}
}

// TestCostPerUse checks DESIGN section 3 "Cost-per-use".
func TestCostPerUse(t *testing.T) {
	b := newTestBot(t, "dealdata")
	got := askJSON[domain.CostPerUseResult](t, b, "cpu acme G-1")
	// Ours: 10,000/800 = 12.50 for 100 uses; 80,000 uses a year. Rival: (10 + 50)/90.
	// Other: 11/100, cheaper per use. Parity = their cost per use × our 100 uses: 11.00
	// for Other, 66.67 for Rival (its change-over counted once).
	rival := 60.0 / 90
	want := []domain.CostPerUse{
		{AccountID: "A1", SKU: "G-1", Competitor: "Other", CompetitorProduct: "OG", PriceOurs: 12.5, PriceSource: "account", UsesOurs: 100,
			PriceTheirs: 11, UsesTheirs: 100, CPUOurs: 0.125, CPUTheirs: 0.11, AnnualUses: 80000, Savings: (0.11 - 0.125) * 80000, ParityPrice: 11, UnitOfUse: "pair"},
		{AccountID: "A1", SKU: "G-1", Competitor: "Rival", CompetitorProduct: "RG-100", OfferAccountID: "A1", Weaknesses: "tears under solvent",
			PriceOurs: 12.5, PriceSource: "account", UsesOurs: 100, PriceTheirs: 10, UsesTheirs: 90, ChangeCost: 50,
			CPUOurs: 0.125, CPUTheirs: rival, AnnualUses: 80000, Savings: (rival - 0.125) * 80000, ParityPrice: rival * 100, UnitOfUse: "pair"},
	}
	if diff := cmp.Diff(inJSON(want), got.Comparisons, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	out, err := ask(t, b, "cpu acme W-1")
	if err != nil || !strings.Contains(out, "No offer from any competitor on W-1 (Welding wire) is on file") {
		t.Errorf("no offer: %v\n%s", err, out)
	}
}

// TestScenarios creates, varies, shows and compares scenarios, each command through a
// new bot over the same store, and checks that errors save nothing and that access
// holds.
func TestScenarios(t *testing.T) {
	store := newTestBot(t, "dealdata").Store
	// fresh is a new bot, as every `incumbent ask` is a new process.
	fresh := func() *bot.Bot { return configured(store) }
	s1 := askJSON[dealJSON](t, fresh(), "deal acme give 5% on gloves get 100 W-1 also give net 60 terms primary")
	if s1.Scenario != "S-1" || s1.Parent != "" || !s1.Balance.Lopsided {
		t.Fatalf("first deal: %+v", s1)
	}
	s2 := askJSON[dealJSON](t, fresh(), "deal vary S-1 give 3% also get 2-year contract primary")
	if s2.Scenario != "S-2" || s2.Parent != "S-1" || s2.Concession != 300 || s2.Terms.X != "Gloves" || s2.Terms.Qty != 100 || s2.Balance.Lopsided {
		t.Errorf("variant: %+v", s2)
	}
	// A mistake saves nothing: the next scenario is still S-3.
	for _, bad := range []string{"deal acme give 0% on gloves get 1 W-1", "deal acme give 5% on masks get -5 W-1", "deal vary S-1 give 100%"} {
		if out, err := ask(t, fresh(), bad); err == nil {
			t.Errorf("%q: no error\n%s", bad, out)
		}
	}
	s3 := askJSON[dealJSON](t, fresh(), "deal vary S-2 get 200 yearly")
	if s3.Scenario != "S-3" || s3.Parent != "S-2" || s3.Terms.Discount != 0.03 || !s3.Terms.Yearly || s3.Gain != 3000 {
		t.Errorf("variant of a variant: %+v", s3)
	}
	shown := askJSON[dealJSON](t, fresh(), "deal show s1")
	if shown.Scenario != "S-1" || shown.Net != s1.Net {
		t.Errorf("show: %+v", shown)
	}
	if cmpd := askJSON[[]dealJSON](t, fresh(), "deal compare S-1 S-2 S-3"); len(cmpd) != 3 {
		t.Fatalf("compare: %d scenarios, want 3: %+v", len(cmpd), cmpd)
	}
	out, err := ask(t, fresh(), "deal compare S-1 S-2 S-3")
	// 3,000 − 300 − net 60 terms: 30 days × 10,300 × 0.08 / 365 = 67.73.
	if err != nil || !strings.Contains(out, "*S-3* adds the most gross profit: $2,632.") {
		t.Errorf("compare: %v\n%s", err, out)
	}

	ray := as("ray@example.com")
	for _, tt := range []struct {
		name, text string
		opts       []askOption
		want       string
	}{
		{"unknown scenario", "deal show S-99", nil, "There is no scenario S-99."},
		{"bad id", "deal show twelve", nil, `"twelve" is not a scenario id`},
		{"rep of another territory shows", "deal show S-1", []askOption{ray}, "There is no scenario S-1."},
		{"rep of another territory varies", "deal vary S-1 give 2%", []askOption{ray}, "There is no scenario S-1."},
		{"rep of another territory compares", "deal compare S-1 S-2", []askOption{ray}, "There is no scenario S-1."},
		{"vary nothing", "deal vary S-1", nil, "Usage: `deal vary <id> <changed terms>`"},
		{"compare one", "deal compare S-1", nil, "Usage: `deal compare <id> <id>…`"},
		{"never bought", "deal acme give 5% on welding get 10 W-1", nil, "They bought no Welding in the last 12 months: a concession cannot be priced on what they do not buy. Name a product or category they buy: Gloves, Masks."},
		{"100 percent", "deal acme give 100% on gloves get 10 W-1", nil, "A discount must be more than 0% and less than 100%, not 100%."},
		{"zero", "deal acme give 0% on gloves get 10 W-1", nil, "not 0%"},
		{"negative quantity", "deal acme give 5% on gloves get -10 W-1", nil, "The quantity of W-1 must be more than 0."},
		{"Y a category", "deal acme give 5% on gloves get 10 welding", nil, `"welding" is a category: name one of its products, e.g. W-1 (Welding wire).`},
		{"unknown Y", "deal acme give 5% on gloves get 10 hammers", nil, `No product (SKU or name) matches "hammers".`},
		{"unknown X", "deal acme give 5% on widgets get 10 W-1", nil, `No product or category matches "widgets".`},
		{"garbled", "deal acme 5% gloves for W-1", nil, "A deal says what we give"},
		{"unknown account", "deal zzzz give 5% on gloves get 1 W-1", nil, `No account matches "zzzz".`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, fresh(), tt.text, tt.opts...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one), reply lacks %q:\n%s", err, tt.want, out)
			}
			if strings.Contains(tt.name, "rep") && strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}
	// Still S-4 next: none of those saved anything.
	if d := askJSON[dealJSON](t, fresh(), "deal acme give 2% on masks get 1 W-1"); d.Scenario != "S-4" {
		t.Errorf("after the errors: %s, want S-4", d.Scenario)
	}
}

// TestOfferFromChat records a competitor offer and sees it in cpu and the gap at once.
func TestOfferFromChat(t *testing.T) {
	b := newTestBot(t, "dealdata")
	out, err := ask(t, b, "offer acme Airgas W-1 42.5 uses 1 change 10 weak late deliveries", as("rita@example.com"))
	if err != nil || !strings.Contains(out, "Recorded: Airgas offers Acme Manufacturing $42.50 a unit against W-1 (Welding wire), 1 use a unit, $10.00 to change over. Weaknesses: late deliveries.") ||
		!strings.Contains(out, "Recorded by rita@example.com at 2026-11-27 09:30 UTC.") {
		t.Fatalf("offer: %v\n%s", err, out)
	}
	got := askJSON[domain.CostPerUseResult](t, b, "cpu acme W-1 vs airgas")
	if len(got.Comparisons) != 1 {
		t.Fatalf("cpu after the offer: %+v", got)
	}
	// Acme never bought W-1: list 50 a use against (42.50 + 10)/1.
	if c := got.Comparisons[0]; c.CPUOurs != 50 || c.CPUTheirs != 52.5 || c.PriceSource != "list" || c.Weaknesses != "late deliveries" {
		t.Errorf("comparison: %+v", c)
	}
	g := askJSON[domain.AccountGap](t, b, "gap acme")
	for _, c := range g.Categories {
		if c.Category == "Welding" && !c.Contested {
			t.Errorf("Welding is not contested after the offer: %+v", c)
		}
	}
	for _, tt := range []struct {
		name, text string
		opts       []askOption
		want       string
	}{
		{"no price", "offer acme Airgas W-1", nil, "I could not find the SKU followed by the price."},
		{"zero price", "offer acme Airgas W-1 0", nil, "The competitor's price must be more than 0."},
		{"bad uses", "offer acme Airgas W-1 40 uses none", nil, "After `uses`, say how many uses"},
		{"unknown word", "offer acme Airgas W-1 40 cheap", nil, `I did not understand "cheap" after the price.`},
		{"rep, other account", "offer acme Airgas W-1 40", []askOption{as("ray@example.com")}, `No account matches "acme".`},
		// DESIGN section 5's maxima, refused with the field and the limit.
		{"price over the limit", "offer acme Airgas W-1 1000001m", nil, "The competitor's price is over the limit: at most 1,000,000,000,000."},
		{"uses over the limit", "offer acme Airgas W-1 40 uses 1000000001", nil, "The uses per unit is over the limit: at most 1,000,000,000."},
		{"change over the limit", "offer acme Airgas W-1 40 change 1000000000001", nil, "The change-over cost is over the limit: at most 1,000,000,000,000."},
		{"objective over the limit", "growth set acme 2027 1000001m", nil, "The revenue objective is over the limit: at most 1,000,000,000,000."},
		{"gp objective over the limit", "growth set acme 2027 1m gp 1000001m", nil, "The gross profit objective is over the limit: at most 1,000,000,000,000."},
		{"command too long", "gap " + strings.Repeat("a", 1997), nil, "That command is 2,001 characters long; the limit is 2,000."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one), reply lacks %q:\n%s", err, tt.want, out)
			}
		})
	}
}

// TestDealSuggestDemo checks that suggestions on the demo company are accretive trades
// with distinct Y, priced by the deal formula.
func TestDealSuggestDemo(t *testing.T) {
	b := botOver(t, demoData(t, 60, 24))
	accounts := 0
	suggested := 0
	for _, id := range []string{"A0001", "A0002", "A0003", "A0004", "A0005", "A0006", "A0007", "A0008"} {
		sugs := askJSON[[]domain.Suggestion](t, b, "deal suggest "+id)
		accounts++
		ys := map[string]bool{}
		for i, s := range sugs {
			if s.LeadWithValue {
				if i != 0 || s.CostPerUse == nil || !s.CostPerUse.Beats() {
					t.Errorf("%s: lead-with-value suggestion %d: %+v", id, i, s)
				}
				ys[s.Category] = true
				continue
			}
			suggested++
			d := s.Deal
			if d.Verdict != domain.VerdictAccretive || d.Net <= 0 || ys[s.Category] || !d.Terms.Yearly || d.Terms.Months != 12 {
				t.Errorf("%s: suggestion %d: %+v", id, i, s)
			}
			ys[s.Category] = true
			// Saving it prices the same trade.
			saved := askJSON[dealJSON](t, b, "deal "+id+" give "+pctArg(d.Terms.Discount)+" on \""+d.Terms.X+"\" for 12 months get "+
				jsonNum(d.Terms.Qty)+" "+d.Terms.Y+" yearly")
			// Each is written to the cent: the two ways of pricing it (X's GP as revenue ×
			// rate, or as revenue − cost) differ in the last bits and may round a cent apart.
			if saved.Net-d.Net > 0.01+1e-6 || d.Net-saved.Net > 0.01+1e-6 {
				t.Errorf("%s: saved net %v, suggested %v", id, saved.Net, d.Net)
			}
		}
		if len(sugs) > 3 {
			t.Errorf("%s: %d suggestions", id, len(sugs))
		}
	}
	if suggested == 0 {
		t.Errorf("no trade suggested for any of %d demo accounts", accounts)
	}
}

func pctArg(d float64) string { return jsonNum(d*100) + "%" }

func jsonNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
