package bot

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// dealUsage is the grammar of a deal, shown whenever a deal cannot be parsed.
// The command adds an example built from the store (dealCmd, exampleError).
const dealUsage = "Usage: `deal <account> give <pct>% on <sku|category> [for <n> months] get <qty> <sku> [once|yearly] [at <price>] [also give|get <item> [worth <amount> [once]] [primary]]`."

// dealClauses are the clauses of a deal command after the account, or the changes of
// `deal vary`. The Has fields say which clauses were given.
type dealClauses struct {
	HasGive   bool
	Pct       float64 // percent: 5 for 5%
	X         string  // "" when `give` named no product or category (vary)
	HasMonths bool
	Months    int
	HasGet    bool
	Qty       float64
	Y         string // "" when `get` named no product (vary)
	Cadence   string // "", "once" or "yearly"
	HasPrice  bool
	Price     float64
	Ledger    []domain.LedgerItem
}

// empty reports whether no clause was given.
func (c dealClauses) empty() bool {
	return !c.HasGive && !c.HasMonths && !c.HasGet && c.Cadence == "" && !c.HasPrice && len(c.Ledger) == 0
}

// dealKeywords end a run of free words (a product, a category, an item).
var dealKeywords = map[string]bool{"give": true, "on": true, "off": true, "for": true, "get": true, "once": true,
	"yearly": true, "annually": true, "at": true, "also": true}

// cadenceAt reports a cadence starting at words[i] and how many words it takes: "once",
// "yearly", "annually", "per year", "a year", "every year", "each year", "/yr".
func cadenceAt(words []string, i int) (string, int) {
	w := strings.ToLower(words[i])
	switch w {
	case "once", "one-off", "oneoff":
		return "once", 1
	case "yearly", "annually", "/yr", "/year", "annual":
		return "yearly", 1
	case "per", "a", "every", "each":
		if i+1 < len(words) && strings.HasPrefix(strings.ToLower(words[i+1]), "year") {
			return "yearly", 2
		}
	}
	return "", 0
}

// isStop reports whether words[i] ends a run of free words.
func isStop(words []string, i int) bool {
	if dealKeywords[strings.ToLower(words[i])] {
		return true
	}
	c, _ := cadenceAt(words, i)
	return c != ""
}

// parsePct reads a percentage at words[i]: "5%", "5", "5.5 %", "5 percent", "5pct";
// it returns the percent and how many words it took.
func parsePct(words []string, i int) (float64, int, bool) {
	if i >= len(words) {
		return 0, 0, false
	}
	w := strings.ToLower(words[i])
	n := 1
	num := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(w, "%"), "percent"), "pct")
	if num == w && i+1 < len(words) {
		switch strings.ToLower(words[i+1]) {
		case "%", "percent", "pct", "per-cent":
			n = 2
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(num, "eExXpP_") {
		return 0, 0, false
	}
	return v, n, true
}

// parseMonths reads a term at words[i]: "12 months", "12m", "12mo", "6 month",
// "1 year", "2 years", "12".
func parseMonths(words []string, i int) (int, int, bool) {
	if i >= len(words) {
		return 0, 0, false
	}
	w := strings.ToLower(words[i])
	unit := ""
	for _, u := range []string{"months", "month", "mos", "mo", "m", "years", "year", "yrs", "yr", "y"} {
		if strings.HasSuffix(w, u) && len(w) > len(u) {
			unit, w = u, strings.TrimSuffix(w, u)
			break
		}
	}
	n := 1
	if unit == "" && i+1 < len(words) {
		switch u := strings.ToLower(words[i+1]); u {
		case "months", "month", "mos", "mo", "m", "years", "year", "yrs", "yr", "y":
			unit, n = u, 2
		}
	}
	v, err := strconv.Atoi(w)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(w, "-") {
		return math.MaxInt, n, true // refused by the caller as over the limit
	}
	if err != nil || v <= 0 {
		return 0, 0, false
	}
	if strings.HasPrefix(unit, "y") {
		if v > maxMonths {
			return math.MaxInt, n, true
		}
		v *= 12
	}
	return v, n, true
}

// freeWords reads words from i up to the next keyword and returns them joined, and the
// index after them.
func freeWords(words []string, i int) (string, int) {
	j := i
	for j < len(words) && !isStop(words, j) {
		j++
	}
	return strings.Join(words[i:j], " "), j
}

// dealError is a parse error with the grammar and an example.
func dealError(format string, args ...any) error {
	return domain.Errorf(domain.EINVALID, "%s %s", fmt.Sprintf(format, args...), dealUsage)
}

// parseDealClauses reads the clauses of a deal: give, on, for, get, once|yearly, at,
// also give|get. Keywords are case-insensitive; a product or category with a keyword in
// its name can be quoted.
func parseDealClauses(words []string) (dealClauses, error) {
	var c dealClauses
	for i := 0; i < len(words); {
		var err error
		switch w := strings.ToLower(words[i]); w {
		case "give":
			i, err = c.give(words, i)
		case "on", "off":
			err = dealError("`%s` must follow the discount: `give 5%% on <product or category>`.", words[i])
		case "for":
			i, err = c.term(words, i)
		case "get":
			i, err = c.get(words, i)
		case "at":
			i, err = c.price(words, i)
		case "also":
			i, err = c.also(words, i)
		default:
			cad, n := cadenceAt(words, i)
			switch {
			case cad == "":
				err = dealError("I did not understand %q (word %d).", words[i], i+1)
			case c.Cadence != "":
				err = dealError("Say `once` or `yearly` once.")
			}
			c.Cadence, i = cad, i+n
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// give reads `give <pct>% [on|off <product or category>]` at words[i]; it returns where
// the next clause starts.
func (c *dealClauses) give(words []string, i int) (int, error) {
	if c.HasGive {
		return i, dealError("`give` appears twice.")
	}
	pct, n, ok := parsePct(words, i+1)
	if !ok {
		got := "nothing"
		if i+1 < len(words) {
			got = fmt.Sprintf("%q", words[i+1])
		}
		return i, dealError("After `give`, say the discount as a percentage (`give 5%%`), not %s.", got)
	}
	if err := checkMax("discount", pct, maxPercent, "percent"); err != nil {
		return i, err
	}
	c.HasGive, c.Pct = true, pct
	i += 1 + n
	if i < len(words) && (strings.EqualFold(words[i], "on") || strings.EqualFold(words[i], "off")) {
		x, j := freeWords(words, i+1)
		if x == "" {
			return i, dealError("After `on`, name the product (SKU or name) or category the discount is on.")
		}
		c.X, i = x, j
	}
	return i, nil
}

// term reads `for <n> months` at words[i].
func (c *dealClauses) term(words []string, i int) (int, error) {
	if c.HasMonths {
		return i, dealError("`for` appears twice.")
	}
	m, n, ok := parseMonths(words, i+1)
	if !ok {
		return i, dealError("After `for`, say the term in months (`for 12 months` or `for 12m`).")
	}
	if err := checkMax("term", float64(m), maxMonths, "months"); err != nil {
		return i, err
	}
	c.HasMonths, c.Months = true, m
	return i + 1 + n, nil
}

// get reads `get <qty> <product>` at words[i].
func (c *dealClauses) get(words []string, i int) (int, error) {
	if c.HasGet {
		return i, dealError("`get` appears twice.")
	}
	if i+1 >= len(words) {
		return i, dealError("After `get`, say the quantity and the product: `get 200 <sku>`.")
	}
	q, ok := parseAmount(words[i+1])
	if !ok {
		return i, dealError("After `get`, say the quantity first (`get 200 <sku>`), not %q.", words[i+1])
	}
	if err := checkMax("quantity after `get`", q, maxQuantity, "quantity"); err != nil {
		return i, err
	}
	c.HasGet, c.Qty = true, q
	y, j := freeWords(words, i+2)
	c.Y = y
	return j, nil
}

// price reads `at <price>` at words[i].
func (c *dealClauses) price(words []string, i int) (int, error) {
	if c.HasPrice {
		return i, dealError("`at` appears twice.")
	}
	if i+1 >= len(words) {
		return i, dealError("After `at`, say the price of the product we get: `at 45`.")
	}
	p, ok := parseAmount(words[i+1])
	if !ok {
		return i, dealError("After `at`, say a price (`at 45` or `at $45.50`), not %q.", words[i+1])
	}
	if err := checkMax("price after `at`", p, maxMoney, "money"); err != nil {
		return i, err
	}
	c.HasPrice, c.Price = true, p
	return i + 2, nil
}

// also reads `also give|get <item> …` at words[i], up to the next `also`.
func (c *dealClauses) also(words []string, i int) (int, error) {
	if i+1 >= len(words) || (!strings.EqualFold(words[i+1], "give") && !strings.EqualFold(words[i+1], "get")) {
		return i, dealError("After `also`, say `give` or `get` and the item: `also give net 60 terms primary`.")
	}
	side := strings.ToLower(words[i+1])
	j := i + 2
	for j < len(words) && !strings.EqualFold(words[j], "also") {
		j++
	}
	it, err := parseLedgerItem(side, words[i+2:j])
	if err != nil {
		return i, err
	}
	c.Ledger = append(c.Ledger, it)
	return j, nil
}

// parseDeal reads `deal <account> give … get …`: the account is every word before
// `give`.
func parseDeal(words []string) (account string, c dealClauses, err error) {
	g := -1
	for i, w := range words {
		if strings.EqualFold(w, "give") {
			g = i
			break
		}
	}
	switch {
	case g < 0:
		return "", c, dealError("A deal says what we give: `give 5%% on <product or category>`.")
	case g == 0:
		return "", c, dealError("Name the account before `give`.")
	}
	account = strings.Join(words[:g], " ")
	if c, err = parseDealClauses(words[g:]); err != nil {
		return "", c, err
	}
	switch {
	case c.X == "":
		return "", c, dealError("Say what the discount is on: `give %s%% on <product or category>`.", strconv.FormatFloat(c.Pct, 'f', -1, 64))
	case !c.HasGet:
		return "", c, dealError("Say what we get in return: `get <quantity> <product>`.")
	case c.Y == "":
		return "", c, dealError("Say which product we get after the quantity: `get %s <SKU or name>`.", strconv.FormatFloat(c.Qty, 'f', -1, 64))
	}
	return account, c, nil
}

// importance reads "primary" or "secondary" (in brackets or not) at words[i].
func importance(w string) (primary, ok bool) {
	switch strings.Trim(strings.ToLower(w), "()[]") {
	case "primary":
		return true, true
	case "secondary":
		return false, true
	}
	return false, false
}

// parseLedgerItem reads the words of an `also give|get` clause: the item, then `worth
// <amount>` with `once` or a yearly cadence after it (yearly when neither is said), and
// `primary` or `secondary` last (or right after the item).
func parseLedgerItem(side string, item []string) (domain.LedgerItem, error) {
	it := domain.LedgerItem{Side: side}
	if n := len(item); n > 0 {
		if p, ok := importance(item[n-1]); ok {
			it.Primary, item = p, item[:n-1]
		}
	}
	w := -1
	for k := len(item) - 1; k >= 0; k-- {
		if strings.EqualFold(item[k], "worth") {
			w = k
			break
		}
	}
	if w >= 0 {
		tail := item[w+1:]
		item = item[:w]
		if len(item) == 0 {
			return it, dealError("Say what we %s before `worth`: `also %s free freight worth 1200`.", side, side)
		}
		if len(tail) == 0 {
			return it, dealError("After `worth`, say what %s is worth a year (`worth 1200`) or once (`worth 1200 once`).", strings.Join(item, " "))
		}
		v, ok := parseAmount(tail[0])
		if !ok {
			return it, dealError("After `worth`, say an amount (`worth 1200`, `worth $1.2k a year`, `worth 500 once`), not %q.", tail[0])
		}
		if v < 0 {
			return it, dealError("What %s is worth must be 0 or more.", strings.Join(item, " "))
		}
		if err := checkMax("value after `worth`", v, maxMoney, "money"); err != nil {
			return it, err
		}
		it.Worth = &v
		for k := 1; k < len(tail); {
			if cad, n := cadenceAt(tail, k); cad != "" {
				it.Once = cad == "once"
				k += n
				continue
			}
			return it, dealError("After `worth %s`, say `once` or `a year` (or nothing: a year), not %q.", tail[0], tail[k])
		}
		if n := len(item); n > 0 {
			if p, ok := importance(item[n-1]); ok {
				it.Primary, item = p, item[:n-1]
			}
		}
	}
	if len(item) == 0 {
		return it, dealError("Say what we %s after `also %s`: `also %s net 60 terms primary` or `also %s free freight worth 1200`.", side, side, side, side)
	}
	it.Text = strings.Join(item, " ")
	if len(item) >= 2 && strings.EqualFold(item[0], "net") {
		if d, err := strconv.ParseFloat(item[1], 64); err == nil || errors.Is(err, strconv.ErrRange) {
			if err := checkMax("payment term", d, maxTermDays, "days"); err != nil {
				return it, err
			}
		}
	}
	return it, nil
}
