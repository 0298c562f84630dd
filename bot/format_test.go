package bot

import (
	"math"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/domain"
)

func TestMoneyNeverNegativeZero(t *testing.T) {
	m := Money{Code: "USD", Symbol: "$"}
	tests := []struct {
		v                   float64
		format, format2, pu string
	}{
		{0, "$0", "$0.00", "$0.0000"},
		{math.Copysign(0, -1), "$0", "$0.00", "$0.0000"},
		{-0.4, "$0", "-$0.40", "-$0.400"},
		{-0.004, "$0", "$0.00", "-$0.0040"},
		{-0.00004, "$0", "$0.00", "$0.0000"},
		{-0.5, "-$1", "-$0.50", "-$0.500"},
		{0.4, "$0", "$0.40", "$0.400"},
		{1234.5, "$1,235", "$1,234.50", "$1,234.50"},
		{-28850.2, "-$28,850", "-$28,850.20", "-$28,850.20"},
	}
	for _, tt := range tests {
		if got := m.Format(tt.v); got != tt.format {
			t.Errorf("Format(%v) = %q, want %q", tt.v, got, tt.format)
		}
		if got := m.Format2(tt.v); got != tt.format2 {
			t.Errorf("Format2(%v) = %q, want %q", tt.v, got, tt.format2)
		}
		if got := m.perUse(tt.v); got != tt.pu {
			t.Errorf("perUse(%v) = %q, want %q", tt.v, got, tt.pu)
		}
	}
}

func TestPct(t *testing.T) {
	tests := []struct {
		r    float64
		want string
	}{
		{0, "0%"}, {math.Copysign(0, -1), "0%"}, {-0.0004, "0%"}, {0.0004, "0%"},
		{-0.001, "-0.1%"}, {0.045, "4.5%"}, {0.05, "5%"}, {0.256, "26%"}, {-0.49, "-49%"}, {1, "100%"},
	}
	for _, tt := range tests {
		if got := pct(tt.r); got != tt.want {
			t.Errorf("pct(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

// TestMorePct: "more than N%" rounds down and never passes 99%.
func TestMorePct(t *testing.T) {
	tests := []struct {
		r    float64
		want string
	}{
		{1, "99%"}, {0.999, "99%"}, {0.995, "99%"}, {0.99, "99%"}, {0.989, "98%"}, {0.756, "75%"},
		{0.1, "10%"}, {0.0999, "9.9%"}, {0.0456, "4.5%"}, {0.004, "0.4%"}, {0, "0%"},
	}
	for _, tt := range tests {
		if got := morePct(tt.r); got != tt.want {
			t.Errorf("morePct(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestPluralsAndPossessives(t *testing.T) {
	for _, tt := range []struct {
		n    float64
		want string
	}{{1, "1 use"}, {0, "0 uses"}, {25, "25 uses"}, {1.5, "1.5 uses"}, {190375, "190,375 uses"}} {
		if got := countOf(tt.n, "use", "uses"); got != tt.want {
			t.Errorf("countOf(%v) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := months(1) + ", " + months(12); got != "1 month, 12 months" {
		t.Errorf("months = %q", got)
	}
	for _, tt := range []struct{ name, want string }{
		{"Fasteners", "Fasteners'"}, {"Abrasives", "Abrasives'"}, {"Motion Industries", "Motion Industries'"},
		{"Uline", "Uline's"}, {"Safety & PPE", "Safety & PPE's"}, {"Acme Corp.", "Acme Corp.'s"},
	} {
		if got := possessive(tt.name); got != tt.want {
			t.Errorf("possessive(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOfferName(t *testing.T) {
	for _, tt := range []struct{ competitor, product, want string }{
		{"Uline", "Uline Flap Disc Zirconia 4-1/2 in 60 grit", "Uline Flap Disc Zirconia 4-1/2 in 60 grit"},
		{"Uline", "uline flap disc", "uline flap disc"},
		{"Grainger", "Westline Air-Operated Diaphragm Pump 1 in", "Grainger Westline Air-Operated Diaphragm Pump 1 in"},
		{"Rival", "RivalGrip gloves", "Rival RivalGrip gloves"},
		{"Applied Industrial", "Applied Industrial Select Drill", "Applied Industrial Select Drill"},
		{"Rival", "", "Rival"},
	} {
		if got := offerName(domain.CostPerUse{Competitor: tt.competitor, CompetitorProduct: tt.product}); got != tt.want {
			t.Errorf("offerName(%q, %q) = %q, want %q", tt.competitor, tt.product, got, tt.want)
		}
	}
}

// TestParity works out the demo's ABR-0033 against Uline's offer by hand: their cost per
// use (5.38 + 0.40) / 15 = 0.38533; × our 25 uses a unit = 9.6333, their change-over
// counted once. At the account's 5.12 a unit we are cheaper per use.
func TestParity(t *testing.T) {
	p := domain.Product{SKU: "ABR-0033", Category: "Abrasives", ListPrice: 5.79, UsesPerUnit: 25, UnitOfUse: "part"}
	o := domain.CompetitorOffer{Competitor: "Uline", SKU: "ABR-0033", CompetitorProduct: "Uline Flap Disc Zirconia 4-1/2 in 60 grit",
		Price: 5.38, UsesPerUnit: 15, ChangeCost: 0.40}
	c := domain.ComputeCostPerUse(domain.CPUInput{AccountID: "A0105", Product: p, Quantity: 7615, Revenue: 7615 * 5.12}, o)
	if math.Abs(c.ParityPrice-5.78/15*25) > 1e-9 {
		t.Errorf("parity = %v, want %v", c.ParityPrice, 5.78/15*25)
	}
	b := &Bot{Money: Money{Code: "USD", Symbol: "$"}}
	if got, want := b.parityWords(c), "at $9.63 a unit we cost the same per part as Uline"; got != want {
		t.Errorf("parityWords = %q, want %q", got, want)
	}
	angle := b.cpuAngle(c)
	for _, want := range []string{"*Against Uline Flap Disc Zirconia 4-1/2 in 60 grit* on ABR-0033", "We are cheaper per use",
		"At $9.63 a unit we cost the same per part as Uline."} {
		if !strings.Contains(angle, want) {
			t.Errorf("cpuAngle lacks %q:\n%s", want, angle)
		}
	}
	// Without a unit of use, per use; above parity, dearer; no savings a year, none quoted.
	p.UnitOfUse = ""
	c = domain.ComputeCostPerUse(domain.CPUInput{AccountID: "A0105", Product: p, Quantity: 0}, domain.CompetitorOffer{Competitor: "Uline", SKU: "ABR-0033", Price: 2, UsesPerUnit: 25})
	angle = b.cpuAngle(c)
	for _, want := range []string{"*Against Uline* on ABR-0033: $2.00 a unit for 25 uses", "We are dearer per use. At $2.00 a unit we cost the same per use as Uline."} {
		if !strings.Contains(angle, want) {
			t.Errorf("cpuAngle lacks %q:\n%s", want, angle)
		}
	}
	if strings.Contains(angle, "$0 a year") {
		t.Errorf("cpuAngle quotes no savings:\n%s", angle)
	}
	c = domain.ComputeCostPerUse(domain.CPUInput{AccountID: "A0105", Product: p, Quantity: 0}, domain.CompetitorOffer{Competitor: "Uline", SKU: "ABR-0033", Price: 9, UsesPerUnit: 1})
	if angle = b.cpuAngle(c); strings.Contains(angle, "saves") || !strings.Contains(angle, "We are cheaper per use. At $225.00 a unit") {
		t.Errorf("cheaper with no uses a year:\n%s", angle)
	}
}

// TestCheckMax: DESIGN section 5's maxima, refused with the field's name and the limit.
func TestCheckMax(t *testing.T) {
	tests := []struct {
		field      string
		v, limit   float64
		unit, want string
	}{
		{"price", 1e12, maxMoney, "money", ""},
		{"price", 1e12 + 1, maxMoney, "money", "The price is over the limit: at most 1,000,000,000,000."},
		{"price", math.Inf(1), maxMoney, "money", "The price is over the limit: at most 1,000,000,000,000."},
		{"price", math.NaN(), maxMoney, "money", "The price is over the limit: at most 1,000,000,000,000."},
		{"quantity", 1e9 + 1, maxQuantity, "quantity", "The quantity is over the limit: at most 1,000,000,000."},
		{"discount", 100.5, maxPercent, "percent", "The discount is over the limit: at most 100%."},
		{"payment term", 3651, maxTermDays, "days", "The payment term is over the limit: at most 3,650 days."},
		{"term", 1201, maxMonths, "months", "The term is over the limit: at most 1,200 months."},
	}
	for _, tt := range tests {
		err := checkMax(tt.field, tt.v, tt.limit, tt.unit)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s %v: %v", tt.field, tt.v, err)
			}
			continue
		}
		if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorMessage(err) != tt.want {
			t.Errorf("%s %v: %v, want %q", tt.field, tt.v, err, tt.want)
		}
	}
}
