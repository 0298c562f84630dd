package csvimport

import (
	"fmt"
	"hash/maphash"
	"maps"
	"net/mail"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/incumbent/incumbent/domain"
)

// keys detects duplicate keys within the sources of one file. It keeps a 64-bit hash of
// each key rather than the key, so two million invoice ids cost tens of megabytes, not
// hundreds; the chance that two different keys of one file share a hash is below one in
// ten million even at that size.
//
// A key's line is counted across the sources: a source's lines follow the last line
// recorded from the sources before it, so one int32 still says where a key was first seen.
type keys struct {
	t     *table
	seen  map[uint64]int32 // key hash → line, counted across the sources
	base  int32            // the current source's line 0
	top   int32            // the last line recorded
	files []keysFile       // the sources, in order
}

// keysFile is where a source's lines start.
type keysFile struct {
	name string
	base int32
}

func newKeys(t *table) *keys { return &keys{t: t, seen: map[uint64]int32{}} }

// startFile starts counting the lines of the next source.
func (k *keys) startFile(name string) {
	k.base = k.top
	k.files = append(k.files, keysFile{name, k.base})
}

// where returns the source and line of a line counted across the sources.
func (k *keys) where(at int32) (string, int) {
	f := k.files[0]
	for _, g := range k.files[1:] {
		if g.base >= at {
			break
		}
		f = g
	}
	return f.name, int(at - f.base)
}

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
		file, line := k.where(prev)
		k.t.bad(col, "duplicate key %s (first seen %s)", strings.Join(parts, ", "), k.t.lineName(file, line))
		return false
	}
	at := k.base + int32(k.t.line)
	k.seen[sum] = at
	k.top = max(k.top, at)
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
	return closest(s, slices.Collect(maps.Keys(known)))
}

// closest suggests the choice closest to s, when one is close enough to be a typo.
func closest(s string, choices []string) string {
	best, d := nearest(s, choices)
	if best == "" || d >= 4 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// nearest returns the choice closest to s, ignoring case (the first in order of a tie),
// and its distance.
func nearest(s string, choices []string) (string, int) {
	best, bestD := "", -1
	for _, c := range choices {
		d := levenshtein.ComputeDistance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best, bestD
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
