package plot

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMoneyTicks(t *testing.T) {
	for _, tt := range []struct {
		top  float64
		want []float64
	}{
		{28000, []float64{0, 10000, 20000, 30000}},
		{55000, []float64{0, 20000, 40000, 60000}},
		{1000, []float64{0, 250, 500, 750, 1000}},
		{1.2e6, []float64{0, 500000, 1e6, 1.5e6}},
		{3, []float64{0, 1, 2, 3}},
		{0, []float64{0, 1}},
	} {
		ticks := moneyTicks(tt.top, func(v float64) string { return fmt.Sprintf("$%.0f", v) })
		var got []float64
		for _, tk := range ticks {
			got = append(got, tk.Value)
			if want := fmt.Sprintf("$%.0f", tk.Value); tk.Label != want {
				t.Errorf("top %v: tick %v labelled %q, want %q", tt.top, tk.Value, tk.Label, want)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ticks of %v (-want +got):\n%s", tt.top, diff)
		}
	}
}

func TestCompactMoney(t *testing.T) {
	for _, tt := range []struct {
		code string
		v    float64
		want string
	}{
		{"USD", 0, "$0"},
		{"USD", 250, "$250"},
		{"USD", 20000, "$20k"},
		{"USD", 12500, "$12.5k"},
		{"USD", 1.5e6, "$1.5M"},
		{"USD", 2e6, "$2M"},
		{"USD", 1.25e6, "$1.25M"},
		{"EUR", 40000, "€40k"},
		{"SEK", 40000, "SEK 40k"},
		{"", -3000, "-$3k"},
	} {
		if got := compactMoney(tt.code)(tt.v); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.code, tt.v, got, tt.want)
		}
	}
}
