package bot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Number is a number found in a draft: its value as written (percentages as percent,
// "1.2k" as 1200) and the rounding its writing implies.
type Number struct {
	Text      string
	Value     float64
	Percent   bool
	Money     bool
	Tolerance float64 // half the last written digit, times the multiplier
	// Approx is set when the number is said to be rounded: "about $9,600" (see
	// hedgeRe).
	Approx bool
}

// hedgeRe is a word that says the number after it is rounded: "about $9,600",
// "roughly 20%", "~$1k".
const hedgeRe = `(?:\b(?:about|around|roughly|nearly|almost|approximately|approx\.?|some|circa|close to|just over|just under)\s+|~\s?)`

// numberRe finds numbers in the forms drafts use: $1,234.50, 1.2k, 3m, 12%, 12 percent,
// -5, 0.125, with a hedge word before them or not. A thousands separator must be
// followed by three digits.
var numberRe = regexp.MustCompile(`(?i)(` + hedgeRe + `)?(-?)([$€£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|m|bn|million|thousand)?\b\s?(%|percent|per cent|pct)?`)

// ExtractNumbers returns every number in text.
func ExtractNumbers(text string) []Number {
	var out []Number
	for _, m := range numberRe.FindAllStringSubmatch(text, -1) {
		hedge := m[1]
		m = append([]string{strings.TrimPrefix(m[0], hedge)}, m[2:]...)
		digits := strings.ReplaceAll(m[3], ",", "")
		frac := m[4]
		v, err := strconv.ParseFloat(digits+frac, 64)
		if err != nil {
			continue
		}
		mult := 1.0
		switch strings.ToLower(m[5]) {
		case "k", "thousand":
			mult = 1e3
		case "m", "million":
			mult = 1e6
		case "bn":
			mult = 1e9
		}
		decimals := max(0, len(frac)-1)
		// "$5%" is read as a percentage: a sign after the digits says what they are.
		n := Number{Text: strings.TrimSpace(m[0]), Value: v * mult, Money: m[2] != "" && m[6] == "", Percent: m[6] != "",
			Tolerance: 0.5 * math.Pow(10, -float64(decimals)) * mult, Approx: hedge != ""}
		if m[1] == "-" {
			n.Value = -n.Value
		}
		out = append(out, n)
	}
	return out
}

// Fact is one figure a draft may quote: a computed number with what it is.
type Fact struct {
	Name    string  `json:"name"`
	Value   float64 `json:"value"`
	Percent bool    `json:"percent,omitempty"` // Value is a fraction shown as a percentage (0.05 is 5%)
}

// grounded reports whether n quotes one of the facts of its kind within the rounding of
// its writing (or 1%, for "$43.1k" style roundings of large figures). A number said to
// be rounded ("about $9,600", Approx) may also be a fact rounded the way people say
// money: to a power of ten (10, 100, 1,000…) that keeps at least two significant digits
// of it, so 9,587 may be "about $9,600" or "about $9,590", never "about $10,000", and
// 1,049 "about $1,000" or "about $1,050". Plain integers up to 12 that are neither money
// nor a percentage pass: counts and list numbers ("3 points", "12 months" is a fact
// anyway).
func grounded(n Number, facts []Fact) bool {
	if !n.Money && !n.Percent && n.Value == math.Trunc(n.Value) && math.Abs(n.Value) <= 12 {
		return true
	}
	for _, f := range facts {
		// A percentage quotes a percentage figure, money a money figure: "50%" is not
		// the $50 price of a product.
		if (n.Percent && !f.Percent) || (n.Money && f.Percent) {
			continue
		}
		v := f.Value
		if f.Percent {
			v *= 100
		}
		for _, candidate := range []float64{v, math.Abs(v)} {
			if math.Abs(n.Value-candidate) <= n.Tolerance+1e-9 || (math.Abs(candidate) >= 100 && math.Abs(n.Value-candidate) <= 0.01*math.Abs(candidate)) {
				return true
			}
			if n.Approx && saidRounded(n.Value, candidate) {
				return true
			}
		}
	}
	return false
}

// saidRounded reports whether x is v rounded to a power of ten that keeps at least two
// significant digits of v (see grounded).
func saidRounded(x, v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) < 10 {
		return false
	}
	for e := math.Floor(math.Log10(math.Abs(v))) - 1; e >= 1; e-- {
		unit := math.Pow(10, e)
		if r := math.Round(v/unit) * unit; math.Abs(x-r) <= 1e-9*math.Max(1, math.Abs(r)) {
			return true
		}
	}
	return false
}

// SayMoney writes an amount the way people say it, rounded to two significant digits
// from 1,000 up ("about $9,600" for 9,587; "about $1,000" for 1,049) and to the unit
// below ("$480"): every figure it writes passes grounded with "about" before it.
func (m Money) SayMoney(v float64) string {
	a := math.Abs(v)
	if math.Round(a) < 1000 {
		return m.Format(v)
	}
	unit := math.Pow(10, math.Floor(math.Log10(a))-1)
	r := math.Round(a/unit) * unit
	if v < 0 {
		r = -r
	}
	if r == math.Round(v) {
		return m.Format(r)
	}
	return "about " + m.Format(r)
}

// Ungrounded returns the numbers of text that no fact accounts for.
func Ungrounded(text string, facts []Fact) []string {
	var out []string
	for _, n := range ExtractNumbers(text) {
		if !grounded(n, facts) {
			out = append(out, n.Text)
		}
	}
	return out
}
