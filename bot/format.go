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

// Format writes v rounded to the unit: "$28,850", "-$1,200"; an amount that rounds to
// zero is "$0", never "-$0".
func (m Money) Format(v float64) string {
	sign := ""
	r := math.Round(v)
	if r < 0 {
		sign, r = "-", -r
	}
	if r == 0 {
		sign, r = "", 0 // -0 and amounts that round to 0
	}
	return sign + m.symbol() + groupThousands(strconv.FormatFloat(r, 'f', 0, 64))
}

// Format2 writes a unit price with cents: "$12.50"; an amount that rounds to zero cents
// is "$0.00", never "-$0.00".
func (m Money) Format2(v float64) string {
	sign := ""
	r := math.Round(v*100) / 100
	if r < 0 {
		sign, r = "-", -r
	}
	if r == 0 {
		sign, r = "", 0
	}
	s := strconv.FormatFloat(r, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	return sign + m.symbol() + groupThousands(whole) + "." + frac
}

// perUse writes a cost per use with enough digits to compare: "$0.115", "$1.20".
func (m Money) perUse(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1:
		return m.Format2(v)
	case a >= 0.01:
		return signed(v, 3) + m.symbol() + strconv.FormatFloat(math.Abs(v), 'f', 3, 64)
	}
	return signed(v, 4) + m.symbol() + strconv.FormatFloat(math.Abs(v), 'f', 4, 64)
}

// signed is "-" for a value negative at the given decimals, else "".
func signed(v float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	if math.Round(v*p) < 0 {
		return "-"
	}
	return ""
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
// decimal below ("4.5%"), "0%" for zero and for what rounds to it (never "-0%").
func pct(r float64) string {
	p := r * 100
	switch a := math.Abs(p); {
	case a < 0.05:
		return "0%"
	case a >= 10 || math.Abs(p-math.Round(p)) < 0.05:
		return fmt.Sprintf("%.0f%%", p)
	default:
		return fmt.Sprintf("%.1f%%", p)
	}
}

// morePct writes the share of a population strictly below a value as "more than N%" reads
// it: rounded down, so that it never oversells, and at most 99% ("more than 100%" is
// never true). Below 10% it keeps one decimal.
func morePct(r float64) string {
	p := r * 100
	switch {
	case p >= 99:
		return "99%"
	case p >= 10:
		return fmt.Sprintf("%.0f%%", math.Floor(p))
	case p > 0:
		return strconv.FormatFloat(math.Floor(p*10)/10, 'f', -1, 64) + "%"
	}
	return "0%"
}

// countOf writes a count with its noun: "1 use", "25 uses", "1.5 uses".
func countOf(n float64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(n) + " " + many
}

// months writes a term: "1 month", "12 months".
func months(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "month", "months")) }

// possessive writes the possessive of a name: "Fasteners'", "Uline's", "Acme Corp.'s".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "S") {
		return name + "'"
	}
	return name + "'s"
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

// The input maxima of DESIGN section 5 (domain's): a larger value typed in chat is
// refused with the field's name and the limit.
const (
	maxMoney    = domain.MaxMoney
	maxQuantity = domain.MaxQuantity
	maxPercent  = domain.MaxPercent
	maxTermDays = domain.MaxTermDays
	maxMonths   = domain.MaxMonths
	// MaxCommandLength is the longest command text, in characters, that Handle reads.
	MaxCommandLength = 2000
)

// checkMax refuses a value typed for field that is not a finite number of at most limit;
// unit is "money", "quantity", "percent", "days" or "months".
func checkMax(field string, v, limit float64, unit string) error {
	if !math.IsNaN(v) && !math.IsInf(v, 0) && v <= limit {
		return nil
	}
	var l string
	switch unit {
	case "percent":
		l = num(limit) + "%"
	case "days":
		l = num(limit) + " days"
	case "months":
		l = num(limit) + " months"
	default:
		l = num(limit)
	}
	return domain.Errorf(domain.EINVALID, "The %s is over the limit: at most %s.", field, l)
}
