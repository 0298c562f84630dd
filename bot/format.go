package bot

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// Money formats amounts in the one currency of a deployment (INCUMBENT_CURRENCY): its
// symbol, thousands separated by commas, whole units (chat replies round to the unit;
// JSON writes money to the cent, see domain.RoundMoney).
type Money struct {
	Code   string
	Symbol string
}

// symbols are the currencies written with a symbol; any other ISO code is written as a
// prefix ("SEK 1,200").
var symbols = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩",
	"CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "MXN": "MX$", "BRL": "R$", "CHF": "CHF ",
	"ZAR": "R ",
}

// NewMoney returns the formatter of an ISO 4217 code (empty: USD).
func NewMoney(code string) (Money, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		code = "USD"
	}
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Money{}, domain.Errorf(domain.EINVALID, "currency %q is not an ISO 4217 code such as USD or EUR", code)
	}
	sym, ok := symbols[code]
	if !ok {
		sym = code + " "
	}
	return Money{Code: code, Symbol: sym}, nil
}

// Format writes v rounded to the unit: "$28,850", "-$1,200".
func (m Money) Format(v float64) string {
	sign := ""
	r := math.Round(v)
	if r < 0 {
		sign, r = "-", -r
	}
	return sign + m.symbol() + groupThousands(strconv.FormatFloat(r, 'f', 0, 64))
}

func (m Money) symbol() string {
	if m.Symbol == "" {
		return "$"
	}
	return m.Symbol
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pct writes a ratio as a percentage, rounded sensibly: whole percents from 10% up, one
// decimal below ("4.5%"), "0%" for zero.
func pct(r float64) string {
	p := r * 100
	switch a := math.Abs(p); {
	case a == 0:
		return "0%"
	case a >= 10 || math.Abs(p-math.Round(p)) < 0.05:
		return fmt.Sprintf("%.0f%%", p)
	default:
		return fmt.Sprintf("%.1f%%", p)
	}
}

// change writes a trend as "up 12%" or "down 49%".
func change(t float64) string {
	if t < 0 {
		return "down " + pct(-t)
	}
	return "up " + pct(t)
}

// parseAmount reads an amount typed in chat: "500000", "500,000", "$1.2m", "750k".
func parseAmount(s string) (float64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, sym := range symbols {
		s = strings.TrimPrefix(s, strings.ToLower(strings.TrimSpace(sym)))
	}
	s = strings.ReplaceAll(s, ",", "")
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "m"):
		mult, s = 1e6, strings.TrimSuffix(s, "m")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "eExXpP_") {
		return 0, false
	}
	return v * mult, true
}
