package plot

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/google/go-cmp/cmp"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
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

// TestGlyphs: a glyph moved by whole pixels is composited from its mask as gg's
// bilinear resampling composites it, but for rounding (at most 1 in a channel: the
// charts' golden pictures come out byte for byte the same); other moves are resampled.
func TestGlyphs(t *testing.T) {
	mask := image.NewAlpha(image.Rect(0, 0, 13, 17))
	for i := range mask.Pix {
		mask.Pix[i] = uint8(i * 37)
	}
	src := image.NewUniform(color.RGBA{R: 0x20, G: 0x40, B: 0x60, A: 0xff})
	for _, tt := range []struct {
		name string
		s2d  f64.Aff3
	}{
		{"whole pixels", f64.Aff3{1, 0, 30, 0, 1, 12}},
		{"half a pixel", f64.Aff3{1, 0, 30.5, 0, 1, 12}},
		{"flipped", f64.Aff3{1, 0, 30, 0, -1, 40}},
	} {
		fresh := func() *image.RGBA {
			img := image.NewRGBA(image.Rect(0, 0, 64, 48))
			for i := range img.Pix {
				img.Pix[i] = uint8(255 - i%7)
			}
			return img
		}
		want, got := fresh(), fresh()
		opts := &xdraw.Options{SrcMask: mask, SrcMaskP: image.Pt(2, 3)}
		xdraw.BiLinear.Transform(want, tt.s2d, src, image.Rect(0, 0, 9, 11), xdraw.Over, opts)
		glyphs{}.Transform(got, tt.s2d, src, image.Rect(0, 0, 9, 11), xdraw.Over, opts)
		n, most := 0, 0
		for i := range want.Pix {
			if d := int(want.Pix[i]) - int(got.Pix[i]); d != 0 {
				n, most = n+1, max(most, d, -d)
			}
		}
		if most > 1 {
			t.Errorf("%s: %d bytes differ from gg's, by up to %d", tt.name, n, most)
		}
	}
}
