package csvimport

import (
	"fmt"
	"hash/maphash"
	"net/mail"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/incumbent/incumbent/domain"
)

// keys detects duplicate keys within one file. It keeps a 64-bit hash of each key
// rather than the key, so two million invoice ids cost tens of megabytes, not hundreds;
// the chance that two different keys of one file share a hash is below one in ten
// million even at that size.
type keys struct {
	t    *table
	seen map[uint64]int32 // key hash → line
}

func newKeys(t *table) *keys { return &keys{t: t, seen: map[uint64]int32{}} }

var keySeed = maphash.MakeSeed()

// unique records the key of the current row; it returns false (and records a problem
// naming col) when an earlier row of the file had the same key.
func (k *keys) unique(col string, parts ...string) bool {
	var h maphash.Hash
	h.SetSeed(keySeed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	sum := h.Sum64()
	if prev, dup := k.seen[sum]; dup {
		k.t.bad(col, "duplicate key %s (first seen on line %d)", strings.Join(parts, ", "), prev)
		return false
	}
	k.seen[sum] = int32(k.t.line)
	return true
}

// ok reports whether the current row may be written.
func (t *table) ok() bool { return !t.rowBad && !t.run.failed() }

func (t *table) account(col string, required bool) string {
	id := t.str(col)
	if id == "" {
		if required {
			t.bad(col, "is required")
		}
		return ""
	}
	if !t.run.accounts[id] && !t.run.unread["accounts.csv"] {
		t.bad(col, "unknown account %q (not in accounts.csv or the database)", id)
	}
	return id
}

func (t *table) product(col string) (domain.Product, bool) {
	sku := t.req(col)
	if sku == "" {
		return domain.Product{}, false
	}
	p, ok := t.run.products[sku]
	if !ok && !t.run.unread["products.csv"] {
		t.bad(col, "unknown sku %q (not in products.csv or the database)", sku)
	}
	return p, ok
}

func (t *table) category(col string) string {
	c := t.req(col)
	if c != "" && !t.run.categories[c] && !t.run.unread["products.csv"] {
		t.bad(col, "%q is not a product category%s", c, suggest(c, t.run.categories))
	}
	return c
}

// suggest names the closest known value, when one is close enough to be a typo.
func suggest(s string, known map[string]bool) string {
	best, bestD := "", 4
	for k := range known {
		d := levenshtein.ComputeDistance(strings.ToLower(s), strings.ToLower(k))
		if d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func (t *table) email(col string, required bool) string {
	v := strings.ToLower(t.str(col))
	if v == "" {
		if required {
			t.bad(col, "is required")
		}
		return ""
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		t.bad(col, "%q is not an email address", v)
	}
	return v
}
