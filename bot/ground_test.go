package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestExtractNumbers(t *testing.T) {
	tests := []struct {
		text string
		want []Number
	}{
		{"saves $1,234 a year", []Number{{Text: "$1,234", Value: 1234, Money: true, Tolerance: 0.5}}},
		{"about $43.3k", []Number{{Text: "$43.3k", Value: 43300, Money: true, Tolerance: 50, Approx: true}}},
		{"roughly 20% and ~$9,600, some 300 units", []Number{{Text: "20%", Value: 20, Percent: true, Tolerance: 0.5, Approx: true},
			{Text: "$9,600", Value: 9600, Money: true, Tolerance: 0.5, Approx: true}, {Text: "300", Value: 300, Tolerance: 0.5, Approx: true}}},
		{"it costs $9,600 about", []Number{{Text: "$9,600", Value: 9600, Money: true, Tolerance: 0.5}}},
		{"1.2m in gap", []Number{{Text: "1.2m", Value: 1.2e6, Tolerance: 50000}}},
		{"give 5% off", []Number{{Text: "5%", Value: 5, Percent: true, Tolerance: 0.5}}},
		{"12 percent more", []Number{{Text: "12 percent", Value: 12, Percent: true, Tolerance: 0.5}}},
		{"a 2.5 % discount", []Number{{Text: "2.5 %", Value: 2.5, Percent: true, Tolerance: 0.05}}},
		{"cost per use $0.125 vs $0.667", []Number{{Text: "$0.125", Value: 0.125, Money: true, Tolerance: 0.0005},
			{Text: "$0.667", Value: 0.667, Money: true, Tolerance: 0.0005}}},
		{"net -$250", []Number{{Text: "-$250", Value: -250, Money: true, Tolerance: 0.5}}},
		{"€2,000,000", []Number{{Text: "€2,000,000", Value: 2e6, Money: true, Tolerance: 0.5}}},
		{"no numbers here", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ExtractNumbers(tt.text), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestUngrounded(t *testing.T) {
	facts := []Fact{{Name: "net", Value: 1000}, {Name: "concession", Value: 500}, {Name: "discount", Value: 0.05, Percent: true},
		{Name: "savings", Value: 43333.33}, {Name: "cpu_ours", Value: 0.125}, {Name: "months", Value: 12}, {Name: "net_loss", Value: -250}}
	tests := []struct {
		text string
		want []string
	}{
		{"Give 5% for 12 months: the account gains $1,000 net after a $500 concession.", nil},
		{"They save about $43k a year, $43,333 exactly.", nil},
		{"Our cost per use is $0.125.", nil},
		{"Three points: 1, 2 and 3.", nil},
		{"The trade loses $250.", nil},
		{"Offer them 50% off.", []string{"50%"}},
		{"It adds $1,200.", []string{"$1,200"}},
		{"Our cost per use is $0.13.", nil}, // 0.125 rounded to cents
		{"Our cost per use is $0.14.", []string{"$0.14"}},
		{"A 15 percent rise", []string{"15 percent"}},
		{"Offer 1000% off", []string{"1000%"}}, // the $1,000 net is not a percentage
		{"It costs $5.", []string{"$5"}},       // the 5% discount is not money
	}
	for _, tt := range tests {
		if got := Ungrounded(tt.text, facts); !cmp.Equal(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestUngroundedSaidRounded: a figure said to be rounded ("about …") may be a fact
// rounded to a power of ten that keeps two significant digits of it; an unqualified
// figure may not.
func TestUngroundedSaidRounded(t *testing.T) {
	facts := []Fact{{Name: "concession", Value: 9587}, {Name: "gives", Value: 1049}, {Name: "gain", Value: 123456.78},
		{Name: "unit", Value: 67.73}, {Name: "margin", Value: 0.2962, Percent: true}}
	tests := []struct {
		text string
		want []string
	}{
		{"about $9,600 over the year", nil},
		{"around $9,590", nil},
		{"roughly $9.6k", nil},
		{"~$9,600", nil},
		{"$9,400 over the year", []string{"$9,400"}}, // unqualified: within 1% or the rounding of its writing
		{"about $10,000", []string{"$10,000"}},       // one significant digit: too far
		{"about $9,400", []string{"$9,400"}},         // not a rounding of 9,587
		{"about $1,000", nil},
		{"nearly $1,050", nil},
		{"$1,000", []string{"$1,000"}},
		{"some $120,000 of gain", nil},
		{"about $123,000", nil},
		{"about $123,500", nil},
		{"about $100,000", []string{"$100,000"}},
		{"about $68", nil},
		{"about $70", []string{"$70"}}, // one significant digit of 67.73
		{"about 30% margin", nil},
	}
	for _, tt := range tests {
		if got := Ungrounded(tt.text, facts); !cmp.Equal(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzExtractNumbers checks that no text makes the extractor panic, that every number
// it finds is written in the text, and that a fact equal to a number grounds it.
func FuzzExtractNumbers(f *testing.F) {
	for _, s := range []string{"saves $1,234.50 a year", "5% off for 12 months", "1.2k units", "-$250", "€2,000,000 and 3m",
		"12 percent", "1,23", "$", "99999999999999999999999999", "0.000001%", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range ExtractNumbers(s) {
			if !strings.Contains(s, n.Text) {
				t.Fatalf("%q: found %q, which is not in it", s, n.Text)
			}
			if n.Tolerance <= 0 {
				t.Fatalf("%q: %+v has no tolerance", s, n)
			}
			fact := Fact{Name: "x", Value: n.Value, Percent: n.Percent}
			if n.Percent {
				fact.Value = n.Value / 100
			}
			if !grounded(n, []Fact{fact}) {
				t.Fatalf("%q: %+v is not grounded by an equal fact", s, n)
			}
		}
	})
}
