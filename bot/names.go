package bot

import (
	"strings"
	"unicode"
)

// legalForms are words that say what kind of company a name is, dropped when names are
// compared: "ACME corp" is Acme.
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true,
	"company": true, "llc": true, "ltd": true, "limited": true, "gmbh": true, "plc": true,
	"llp": true, "lp": true, "ag": true, "sa": true, "bv": true, "pty": true, "srl": true,
}

// abbreviations are the short forms people type, read as the words they stand for.
// Only forms that do not begin their word are listed: "mech" already begins
// "mechanical", and expanding it would break "mechanics".
var abbreviations = map[string]string{
	"mfg": "manufacturing", "mfr": "manufacturer", "mfrs": "manufacturers",
	"intl": "international", "bros": "brothers", "assn": "association",
	"dept": "department", "distr": "distribution", "engr": "engineering",
	"grp": "group", "hosp": "hospital", "inds": "industries", "mtl": "metal",
	"natl": "national", "prods": "products", "svc": "services", "svcs": "services",
	"whse": "warehousing", "coop": "cooperative", "wks": "works", "bldrs": "builders",
}

// compass words count as words inside a territory's name: Northeast is N-E.
var compass = []string{"north", "south", "east", "west"}

// nameWords normalises a name or a typed text to the words that are compared: lower
// case, punctuation and spacing ignored, "&" read as "and", legal forms dropped (unless
// nothing else is left) and common abbreviations expanded.
func nameWords(s string) []string {
	var raw []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			raw = append(raw, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&' || r == '+':
			flush()
			raw = append(raw, "and")
		case r == '\'' || r == '’' || r == '.':
			// "O'Brien" is obrien, "Corp." is corp, "St.Louis"… is rare enough.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	out := make([]string, 0, len(raw))
	for _, w := range raw {
		if legalForms[w] {
			continue
		}
		if long, ok := abbreviations[w]; ok {
			w = long
		}
		out = append(out, w)
	}
	if len(out) == 0 { // a name that is only a legal form keeps it
		for _, w := range raw {
			if long, ok := abbreviations[w]; ok {
				w = long
			}
			out = append(out, w)
		}
	}
	return out
}

// compassWords splits the words of a territory's name at compass words: "northeast"
// → "north", "east"; "midwest" → "mid", "west". Other words are kept whole.
func compassWords(words []string) []string {
	var out []string
	for _, w := range words {
		out = append(out, splitCompass(w)...)
	}
	return out
}

func splitCompass(w string) []string {
	for _, c := range compass {
		if rest, ok := strings.CutSuffix(w, c); ok && rest != "" {
			for _, d := range compass {
				if rest == d {
					return []string{rest, c}
				}
			}
			if len([]rune(rest)) >= 3 {
				return []string{rest, c}
			}
		}
	}
	return []string{w}
}

// initials are the first letters of words: "ne" for Northeast, "gl" for Great Lakes.
func initials(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if w == "and" || w == "of" || w == "the" {
			continue
		}
		for _, r := range w {
			b.WriteRune(r)
			break
		}
	}
	return b.String()
}

// prefixesInOrder reports whether each typed word begins a word of the name, in the
// same order, not necessarily from the name's first word ("pine metal" is Pine Ridge
// Metal Products).
func prefixesInOrder(typed, name []string) bool {
	j := 0
	for _, q := range typed {
		for j < len(name) && !strings.HasPrefix(name[j], q) {
			j++
		}
		if j == len(name) {
			return false
		}
		j++
	}
	return true
}
