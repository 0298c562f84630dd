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

func TestGroup(t *testing.T) {
	var in []bar
	for i := range 12 {
		in = append(in, bar{name: fmt.Sprintf("c%02d", i), current: float64(i), potential: float64(100 * i)})
	}
	got := group(in)
	var want []bar
	for i := 11; i >= 3; i-- {
		want = append(want, bar{name: fmt.Sprintf("c%02d", i), current: float64(i), potential: float64(100 * i)})
	}
	// The three smallest potentials, summed.
	want = append(want, bar{name: "Other (3)", current: 0 + 1 + 2, potential: 0 + 100 + 200})
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(bar{})); diff != "" {
		t.Errorf("group (-want +got):\n%s", diff)
	}
	if in[0].name != "c00" {
		t.Error("group reordered its input")
	}
	small := []bar{{name: "b", potential: 5}, {name: "a", potential: 5, current: 1}, {name: "c", potential: 9}}
	want = []bar{{name: "c", potential: 9}, {name: "a", potential: 5, current: 1}, {name: "b", potential: 5}}
	if diff := cmp.Diff(want, group(small), cmp.AllowUnexported(bar{})); diff != "" {
		t.Errorf("group of a few (-want +got):\n%s", diff)
	}
}
