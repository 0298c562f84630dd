package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestParseDeal(t *testing.T) {
	base := dealClauses{HasGive: true, Pct: 5, X: "gloves", HasGet: true, Qty: 200, Y: "W-1"}
	with := func(f func(*dealClauses)) dealClauses {
		c := base
		f(&c)
		return c
	}
	tests := []struct {
		text    string
		account string
		want    dealClauses
	}{
		{"acme give 5% on gloves get 200 W-1", "acme", base},
		{"Acme Mfg GIVE 5 % ON gloves GET 200 W-1", "Acme Mfg", with(func(c *dealClauses) {})},
		{"acme give 5 percent off gloves get 200 W-1", "acme", base},
		{"acme give 5pct on gloves get 200 W-1", "acme", base},
		{"acme give 5% on gloves for 12 months get 200 W-1", "acme", with(func(c *dealClauses) { c.HasMonths, c.Months = true, 12 })},
		{"acme give 5% on gloves for 12m get 200 W-1", "acme", with(func(c *dealClauses) { c.HasMonths, c.Months = true, 12 })},
		{"acme give 5% on gloves for 6 mo get 200 W-1", "acme", with(func(c *dealClauses) { c.HasMonths, c.Months = true, 6 })},
		{"acme give 5% on gloves for 1 year get 200 W-1", "acme", with(func(c *dealClauses) { c.HasMonths, c.Months = true, 12 })},
		{"acme give 5% on gloves for 2y get 200 W-1", "acme", with(func(c *dealClauses) { c.HasMonths, c.Months = true, 24 })},
		{"acme give 5% on gloves get 200 W-1 yearly", "acme", with(func(c *dealClauses) { c.Cadence = "yearly" })},
		{"acme give 5% on gloves get 200 W-1 a year", "acme", with(func(c *dealClauses) { c.Cadence = "yearly" })},
		{"acme give 5% on gloves get 200 W-1 per year", "acme", with(func(c *dealClauses) { c.Cadence = "yearly" })},
		{"acme give 5% on gloves get 200 W-1 once", "acme", with(func(c *dealClauses) { c.Cadence = "once" })},
		{"acme give 5% on gloves get 200 W-1 at $45.50", "acme", with(func(c *dealClauses) { c.HasPrice, c.Price = true, 45.5 })},
		{"acme give 5% on gloves get 1,000 W-1", "acme", with(func(c *dealClauses) { c.Qty = 1000 })},
		{"acme give 5% on gloves get 1k W-1", "acme", with(func(c *dealClauses) { c.Qty = 1000 })},
		{"acme give 5% on nitrile gloves get 200 welding wire", "acme", with(func(c *dealClauses) { c.X, c.Y = "nitrile gloves", "welding wire" })},
		{`acme give 5% on "gloves for welders" get 200 W-1`, "acme", with(func(c *dealClauses) { c.X = "gloves for welders" })},
		{"acme give 2.5% on gloves get 200 W-1 yearly at 40 for 6m", "acme", with(func(c *dealClauses) {
			c.Pct, c.Cadence, c.HasPrice, c.Price, c.HasMonths, c.Months = 2.5, "yearly", true, 40, true, 6
		})},
		{"acme give 5% on gloves get 200 W-1 also give net 60 terms primary also get 2-year contract (primary) also give free freight", "acme",
			with(func(c *dealClauses) {
				c.Ledger = []domain.LedgerItem{{Side: "give", Text: "net 60 terms", Primary: true}, {Side: "get", Text: "2-year contract", Primary: true},
					{Side: "give", Text: "free freight"}}
			})},
		{"acme give 5% on gloves get 200 W-1 also give free freight worth 1200 also get rebate clawback worth $1.2k a year primary also give setup worth 500 once", "acme",
			with(func(c *dealClauses) {
				c.Ledger = []domain.LedgerItem{{Side: "give", Text: "free freight", Worth: ptr(1200)}, {Side: "get", Text: "rebate clawback", Worth: ptr(1200), Primary: true},
					{Side: "give", Text: "setup", Worth: ptr(500), Once: true}}
			})},
		{"acme give 5% on gloves get 200 W-1 also give free freight primary worth 1,200 per year also give net 60 terms worth 300 yearly (secondary)", "acme",
			with(func(c *dealClauses) {
				c.Ledger = []domain.LedgerItem{{Side: "give", Text: "free freight", Worth: ptr(1200), Primary: true},
					{Side: "give", Text: "net 60 terms", Worth: ptr(300)}}
			})},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			account, got, err := parseDeal(tokenize(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if account != tt.account {
				t.Errorf("account %q, want %q", account, tt.account)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDealErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"acme", "A deal says what we give"},
		{"give 5% on gloves get 1 W-1", "Name the account before `give`."},
		{"acme give five on gloves get 1 W-1", "After `give`, say the discount as a percentage (`give 5%`), not \"five\"."},
		{"acme give", "not nothing"},
		{"acme give 5% get 1 W-1", "Say what the discount is on"},
		{"acme give 5% on gloves", "Say what we get in return"},
		{"acme give 5% on gloves get W-1", "say the quantity first (`get 200 <sku>`), not \"W-1\""},
		{"acme give 5% on gloves get 200", "Say which product we get after the quantity: `get 200 <SKU or name>`."},
		{"acme give 5% on gloves for ever get 1 W-1", "After `for`, say the term in months"},
		{"acme give 5% on gloves get 1 W-1 at cheap", "After `at`, say a price"},
		{"acme give 5% on gloves get 1 W-1 once please", `I did not understand "please" (word 9).`},
		{"acme give 5% on gloves get 1 W-1 once yearly", "Say `once` or `yearly` once."},
		{"acme give 5% on gloves give 3% on masks get 1 W-1", "`give` appears twice."},
		{"acme give 5% on gloves get 1 W-1 also", "After `also`, say `give` or `get`"},
		{"acme give 5% on gloves get 1 W-1 also give primary", "Say what we give after `also give`"},
		{"acme give 5% on get 1 W-1", "After `on`, name the product"},
		{"acme give 5% on gloves get 1 W-1 also give freight worth", "After `worth`, say what freight is worth a year"},
		{"acme give 5% on gloves get 1 W-1 also give freight worth plenty", "After `worth`, say an amount"},
		{"acme give 5% on gloves get 1 W-1 also give freight worth -5", "What freight is worth must be 0 or more."},
		{"acme give 5% on gloves get 1 W-1 also give freight worth 5 forever", "After `worth 5`, say `once` or `a year`"},
		{"acme give 5% on gloves get 1 W-1 also give worth 5 primary", "Say what we give before `worth`"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, _, err := parseDeal(tokenize(tt.text))
			msg := domain.ErrorMessage(err)
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(msg, tt.want) {
				t.Fatalf("err = %v, want EINVALID with %q", err, tt.want)
			}
			// The grammar, with no made-up names: the command adds an example from the
			// loaded data (TestHelpExamples).
			if !strings.Contains(msg, "Usage: `deal <account> give <pct>% on") || strings.Contains(msg, "e.g.") {
				t.Errorf("the error lacks the grammar or quotes a made-up example: %s", msg)
			}
		})
	}
}

// TestParseDealMaxima: values over DESIGN section 5's maxima are refused with the
// field's name and the limit; values at the limit pass.
func TestParseDealMaxima(t *testing.T) {
	tests := []struct{ text, want string }{
		{"acme give 101% on x get 1 y", "The discount is over the limit: at most 100%."},
		{"acme give 5% on x for 1201 months get 1 y", "The term is over the limit: at most 1,200 months."},
		{"acme give 5% on x for 101 years get 1 y", "The term is over the limit: at most 1,200 months."},
		{"acme give 5% on x for 99999999999999999999999 months get 1 y", "The term is over the limit: at most 1,200 months."},
		{"acme give 5% on x get 1000000001 y", "The quantity after `get` is over the limit: at most 1,000,000,000."},
		{"acme give 5% on x get 1.5m y", ""},
		{"acme give 5% on x get 2000m y", "The quantity after `get` is over the limit: at most 1,000,000,000."},
		{"acme give 5% on x get 1 y at 1000000000001", "The price after `at` is over the limit: at most 1,000,000,000,000."},
		{"acme give 5% on x get 1 y at 1000001m", "The price after `at` is over the limit: at most 1,000,000,000,000."},
		{"acme give 5% on x get 1 y also give net 3651 terms", "The payment term is over the limit: at most 3,650 days."},
		{"acme give 5% on x get 1 y also give freight worth 1000000000001", "The value after `worth` is over the limit: at most 1,000,000,000,000."},
		{"acme give 5% on x get 1 y also give freight worth 1000000000000 once", ""},
		{"acme give 100% on x for 1200 months get 1000000000 y at 1000000000000 also give net 3650 terms", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, _, err := parseDeal(tokenize(tt.text))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused at the limit: %v", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorMessage(err) != tt.want {
				t.Errorf("err = %v, want EINVALID %q", err, tt.want)
			}
		})
	}
}

func TestParseDealVary(t *testing.T) {
	c, err := parseDealClauses(tokenize("give 4%"))
	if err != nil || !c.HasGive || c.Pct != 4 || c.X != "" || c.HasGet {
		t.Errorf("give 4%%: %+v, %v", c, err)
	}
	c, err = parseDealClauses(tokenize("get 300 yearly"))
	if err != nil || !c.HasGet || c.Qty != 300 || c.Y != "" || c.Cadence != "yearly" {
		t.Errorf("get 300 yearly: %+v, %v", c, err)
	}
	if c, err := parseDealClauses(nil); err != nil || !c.empty() {
		t.Errorf("nothing: %+v, %v", c, err)
	}
}

// FuzzParseDeal checks that no text makes the parser panic, and that whatever it
// accepts has an account, a discount, an X, a quantity and a Y.
func FuzzParseDeal(f *testing.F) {
	for _, s := range []string{
		"acme give 5% on gloves get 200 W-1",
		"Acme Mfg give 5 % off nitrile gloves for 12m get 1,000 welding wire yearly at $40",
		`acme give 2.5 percent on "gloves for welders" for 2 years get 1k W-1 a year also give net 60 primary also get contract`,
		"acme give", "give", "acme give 5% on gloves get", "acme give 1e9% on x get -1 y at NaN",
		"acme give 5% on gloves for 0 months get 1 W-1", "“acme” give 5% on „x“ get 1 y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		account, c, err := parseDeal(tokenize(s))
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("%q: error %v is not EINVALID", s, err)
			}
			return
		}
		if account == "" || c.X == "" || c.Y == "" || !c.HasGive || !c.HasGet {
			t.Fatalf("%q accepted incomplete: %q %+v", s, account, c)
		}
	})
}

func ptr(v float64) *float64 { return &v }
