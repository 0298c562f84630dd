package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hbollon/go-edlib"
	"github.com/sahilm/fuzzy"

	"github.com/incumbent/incumbent/domain"
)

// Resolution turns a typed name into the account or territory the asker meant, in the
// order of DESIGN section 4: (1) an account id; (2) a name or alias, or a territory's
// name or initials, equal after normalising (nameWords); (3) each typed word the
// prefix of a word of the name, in order; (4) a close spelling, unique and at least an
// edit better than the runner-up; (5) substring or subsequence, as choices only. The
// first step that finds anything ends it: one match answers, several are choices. Every
// step searches every account, so that a name typed exactly is never taken for a
// visible look-alike; a match the asker may not see is answered as no match.

// maxQuery bounds the text resolution reads, so that a very long text costs no more
// than a short one.
const maxQuery = 200

// maxChoices is how many accounts or territories an ambiguous match offers.
const maxChoices = 10

// Choice is one of several accounts or territories a typed name may mean.
type Choice struct {
	Label string // what the button says: "Acme Manufacturing (A0001)"
	// Value replaces the typed name in the command the button runs: an account id, or
	// a territory's name ("territory Northeast" where the command also takes accounts).
	Value string
	// AccountID is the account's id; empty for a territory.
	AccountID string
}

// AmbiguousError is returned when a typed name could mean several accounts or
// territories, or, for a command that writes, when it was not named exactly: the
// reply offers the choices as buttons.
type AmbiguousError struct {
	Query   string
	Choices []Choice
	More    int    // matches left out of Choices
	Message string // what the reply says above the choices
	Code    string // EINVALID, or ENOTFOUND when nothing matched and these are guesses
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d choices", e.Query, len(e.Choices)+e.More)
}

// Unwrap gives the ambiguity its domain code and message.
func (e *AmbiguousError) Unwrap() error {
	code := e.Code
	if code == "" {
		code = domain.EINVALID
	}
	return domain.Errorf(code, "%s", e.Message)
}

// look says what a command's name argument may be.
type look int

const (
	lookAccount   look = 1 << iota // an account
	lookTerritory                  // a territory
	// lookExact takes only an id, name or alias typed exactly (any case): for commands
	// that write; anything looser is offered as a choice.
	lookExact
)

// target is what a typed name resolved to.
type target struct {
	account   domain.Account
	territory domain.Territory
	isTerr    bool
	// note says what was taken when it was not named exactly ("Taking … for …"); empty
	// otherwise.
	note string
}

// nameEntry is one name of an account or territory, normalised.
type nameEntry struct {
	exact   string   // NameKey: lower case, spacing collapsed
	words   []string // nameWords
	joined  string   // words joined by spaces
	compact string   // words joined without spaces
}

func newNameEntry(s string) nameEntry {
	w := nameWords(s)
	return nameEntry{exact: domain.NameKey(s), words: w, joined: strings.Join(w, " "), compact: strings.Join(w, "")}
}

// candidate is an account or a territory with its names.
type candidate struct {
	acc      int // index into nameIndex.accounts, or -1
	terr     int // index into nameIndex.territories, or -1
	names    []nameEntry
	initials string // a territory's initials ("ne"); empty for accounts
}

// nameIndex is every account and territory, normalised, as of one data version.
type nameIndex struct {
	version     int64
	accounts    []domain.Account
	territories []domain.Territory
	cands       []candidate
	byID        map[string]int // lower-case account id → candidate
}

// indexCache keeps the index of the latest data version.
type indexCache struct {
	mu  sync.Mutex
	idx *nameIndex
}

func (b *Bot) nameIndex(ctx context.Context) (*nameIndex, error) {
	v, err := b.Store.DataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	b.names.mu.Lock()
	defer b.names.mu.Unlock()
	if b.names.idx != nil && b.names.idx.version == v {
		return b.names.idx, nil
	}
	accs, err := b.Store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find accounts: %w", err)
	}
	ts, err := b.Store.FindTerritories(ctx)
	if err != nil {
		return nil, fmt.Errorf("find territories: %w", err)
	}
	idx := &nameIndex{version: v, accounts: accs, territories: ts, byID: make(map[string]int, len(accs))}
	for i, a := range accs {
		c := candidate{acc: i, terr: -1}
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			c.names = append(c.names, newNameEntry(n))
		}
		idx.byID[strings.ToLower(a.ID)] = len(idx.cands)
		idx.cands = append(idx.cands, c)
	}
	for i, t := range ts {
		e := newNameEntry(t.Name)
		split := compassWords(e.words)
		c := candidate{acc: -1, terr: i, names: []nameEntry{e}, initials: initials(split)}
		if len(split) != len(e.words) {
			c.names = append(c.names, nameEntry{exact: e.exact, words: split, joined: strings.Join(split, " "), compact: e.compact})
		}
		idx.cands = append(idx.cands, c)
	}
	b.names.idx = idx
	return idx, nil
}

func (idx *nameIndex) isTerritory(c int) bool { return idx.cands[c].terr >= 0 }

func (idx *nameIndex) label(c int) string {
	if k := idx.cands[c]; k.terr >= 0 {
		return idx.territories[k.terr].Name + " (territory)"
	}
	a := idx.accounts[idx.cands[c].acc]
	return fmt.Sprintf("%s (%s)", a.Name, a.ID)
}

// noteLabel names a candidate in the note that says what was taken.
func (idx *nameIndex) noteLabel(c int) string {
	if k := idx.cands[c]; k.terr >= 0 {
		return "the " + idx.territories[k.terr].Name + " territory"
	}
	return idx.label(c)
}

func (idx *nameIndex) sortName(c int) string {
	if k := idx.cands[c]; k.terr >= 0 {
		return idx.territories[k.terr].Name
	}
	return idx.accounts[idx.cands[c].acc].Name
}

// visible reports whether the actor may see candidate c.
func (idx *nameIndex) visible(actor Actor, c int) bool {
	if k := idx.cands[c]; k.terr >= 0 {
		return actor.CanSeeTerritory(idx.territories[k.terr].Name)
	}
	return actor.CanSeeAccount(idx.accounts[idx.cands[c].acc])
}

// resolveAccount finds the account a command names (a command that takes only
// accounts). A territory named there is refused with where it fits.
func (b *Bot) resolveAccount(ctx context.Context, actor Actor, query string) (domain.Account, string, error) {
	t, err := b.resolve(ctx, actor, query, lookAccount)
	if err != nil {
		return domain.Account{}, "", err
	}
	return t.account, t.note, nil
}

// resolveTarget finds the account or territory a command that takes either names
// (gap, grade, growth).
func (b *Bot) resolveTarget(ctx context.Context, actor Actor, query string) (target, error) {
	return b.resolve(ctx, actor, query, lookAccount|lookTerritory)
}

// resolveAccountToWrite finds the account a command that writes names: only an id,
// name or alias typed exactly (any case); anything looser is offered as a choice.
func (b *Bot) resolveAccountToWrite(ctx context.Context, actor Actor, query string) (domain.Account, error) {
	t, err := b.resolve(ctx, actor, query, lookAccount|lookExact)
	return t.account, err
}

// resolveTerritory finds the territory a command names (a command that takes only
// territories), with a note when it was not named exactly.
func (b *Bot) resolveTerritory(ctx context.Context, actor Actor, query string) (domain.Territory, string, error) {
	t, err := b.resolve(ctx, actor, query, lookTerritory)
	return t.territory, t.note, err
}

// resolveTerritoryToWrite is resolveTerritory for a command that writes.
func (b *Bot) resolveTerritoryToWrite(ctx context.Context, actor Actor, query string) (domain.Territory, error) {
	t, err := b.resolve(ctx, actor, query, lookTerritory|lookExact)
	return t.territory, err
}

// resolve finds what query names, by the steps at the top of this file.
func (b *Bot) resolve(ctx context.Context, actor Actor, query string, what look) (target, error) {
	if r := []rune(query); len(r) > maxQuery {
		query = string(r[:maxQuery])
	}
	query = strings.TrimSpace(query)
	if domain.NameKey(query) == "" {
		return target{}, domain.Errorf(domain.EINVALID, "Which %s? Give its id or name.", noun(what))
	}
	// An account id typed as stored (the buttons' commands) needs no index.
	if what&lookAccount != 0 {
		a, err := b.Store.FindAccount(ctx, query)
		switch {
		case err == nil:
			if !actor.CanSeeAccount(a) {
				return target{}, noMatch(actor, nil, query, what)
			}
			b.remember(ctx, actor, a.ID)
			return target{account: a}, nil
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			return target{}, fmt.Errorf("find account: %w", err)
		}
	}
	idx, err := b.nameIndex(ctx)
	if err != nil {
		return target{}, err
	}
	// Territories are looked for even where only an account fits, so that "NE" is
	// refused as a territory rather than guessed as some account.
	search := what | lookTerritory
	exact, hits, step := idx.find(query, search)
	if len(hits) == 0 {
		return target{}, noMatch(actor, idx, query, what)
	}
	if what&lookAccount == 0 {
		hits = onlyTerritories(idx, hits)
		if len(hits) == 0 {
			return target{}, noMatch(actor, idx, query, what)
		}
	}
	if what&lookTerritory == 0 {
		accs := onlyAccounts(idx, hits)
		if len(accs) == 0 {
			t := idx.territories[idx.cands[hits[0]].terr]
			if !actor.CanSeeTerritory(t.Name) {
				return target{}, noMatch(actor, idx, query, what)
			}
			return target{}, domain.Errorf(domain.EINVALID, "%s is a territory: try `gap %s`, `grade %s` or `growth %s`.", t.Name, t.Name, t.Name, t.Name)
		}
		hits = accs
	}
	// A name given exactly answers even when others share it, if the asker sees only one.
	if len(hits) > 1 && exact {
		var vis []int
		for _, h := range hits {
			if idx.visible(actor, h) {
				vis = append(vis, h)
			}
		}
		if len(vis) == 1 {
			hits = vis
		}
	}
	if len(hits) == 1 && step <= stepSpelling {
		return b.resolved(ctx, actor, idx, query, hits[0], exact, what)
	}
	msg := fmt.Sprintf("%q could mean several: which one?", query)
	code := domain.EINVALID
	if step == stepLoose {
		msg = fmt.Sprintf("No %s is named %q. Did you mean one of these?", noun(what), query)
		code = domain.ENOTFOUND
	}
	err = idx.choices(actor, query, hits, what, msg)
	if amb, ok := err.(*AmbiguousError); ok {
		amb.Code = code
		if len(amb.Choices) == 0 {
			return target{}, noMatch(actor, idx, query, what)
		}
	}
	return target{}, err
}

// resolved is resolve's answer when the query names one account or territory, h: the
// target, unless the asker may not see it, or a write needs the exact name and the
// query is not.
func (b *Bot) resolved(ctx context.Context, actor Actor, idx *nameIndex, query string, h int, exact bool, what look) (target, error) {
	if !idx.visible(actor, h) {
		if idx.isTerritory(h) {
			return target{}, actor.forbidden(fmt.Sprintf("Territory %q", idx.territories[idx.cands[h].terr].Name))
		}
		return target{}, noMatch(actor, idx, query, what)
	}
	if what&lookExact != 0 && !exact {
		return target{}, idx.choices(actor, query, []int{h}, what, fmt.Sprintf(
			"To change data I need the exact name or id: did you mean %s? Press it to go on.", idx.label(h)))
	}
	t := idx.target(h)
	if t.isTerr {
		// The index is as of a data version, and `digest settings` changes a
		// territory's schedule without a new one: the record is read afresh.
		var err error
		if t.territory, err = b.Store.FindTerritory(ctx, t.territory.Name); err != nil {
			return target{}, fmt.Errorf("find territory: %w", err)
		}
	}
	if !exact {
		t.note = fmt.Sprintf("Taking %s for %q.", idx.noteLabel(h), query)
	}
	if !t.isTerr {
		b.remember(ctx, actor, t.account.ID)
	}
	return t, nil
}

// Steps of resolution that can find something.
const (
	stepName     = iota + 2 // (2) a name, alias or territory, equal after normalising
	stepPrefix              // (3) word prefixes
	stepSpelling            // (4) a close spelling
	stepLoose               // (5) substring or subsequence: choices only
)

// find runs the steps after the id's: the candidates the first step that finds anything
// found, that step, and whether the match was exact (an id, name or alias in any case).
func (idx *nameIndex) find(query string, what look) (exact bool, hits []int, step int) {
	t := typedName{key: domain.NameKey(query), words: nameWords(query), lower: strings.ToLower(query)}
	t.compact, t.joined = strings.Join(t.words, ""), strings.Join(t.words, " ")
	wanted := func(c int) bool {
		if idx.isTerritory(c) {
			return what&lookTerritory != 0
		}
		return what&lookAccount != 0
	}
	if exact, hits := idx.byName(t, wanted); len(hits) > 0 || len(t.words) == 0 {
		return exact, hits, stepName
	}
	if hits := idx.byPrefixes(t, wanted); len(hits) > 0 {
		return false, hits, stepPrefix
	}
	if hits := idx.bySpelling(t, wanted); len(hits) > 0 {
		return false, hits, stepSpelling
	}
	return false, idx.loosely(t, wanted), stepLoose
}

// typedName is a typed text in the forms the steps compare.
type typedName struct {
	key, lower      string   // domain.NameKey, and lower case as typed (for an id)
	words           []string // nameWords
	compact, joined string   // the words without and with spaces
}

// byName is steps (1), an id in another case, and (2): names, aliases and territories
// equal in any case (exact) or after normalising, or a territory's initials.
func (idx *nameIndex) byName(t typedName, wanted func(int) bool) (exact bool, hits []int) {
	if c, ok := idx.byID[t.lower]; ok && wanted(c) {
		return true, []int{c}
	}
	var exactHits, normHits []int
	for c, k := range idx.cands {
		if !wanted(c) {
			continue
		}
		isExact, isNorm := false, k.terr >= 0 && len(t.compact) >= 2 && t.compact == k.initials
		for _, n := range k.names {
			switch {
			case n.exact == t.key:
				isExact = true
			case n.joined == t.joined || n.compact == t.compact:
				isNorm = true
			}
		}
		switch {
		case isExact:
			exactHits = append(exactHits, c)
		case isNorm:
			normHits = append(normHits, c)
		}
	}
	if len(exactHits) > 0 {
		return true, exactHits
	}
	return false, normHits
}

// byPrefixes is step (3): each typed word begins a word of the name, in order.
func (idx *nameIndex) byPrefixes(t typedName, wanted func(int) bool) []int {
	var hits []int
	for c, k := range idx.cands {
		if !wanted(c) {
			continue
		}
		for _, n := range k.names {
			if prefixesInOrder(t.words, n.words) {
				hits = append(hits, c)
				break
			}
		}
	}
	return hits
}

// bySpelling is step (4): the closest spelling when it is alone and at least an edit
// ahead of the runner-up; otherwise every close one, best first.
func (idx *nameIndex) bySpelling(t typedName, wanted func(int) bool) []int {
	type scored struct{ c, d int }
	var close []scored
	for c, k := range idx.cands {
		if !wanted(c) {
			continue
		}
		best := -1
		for _, n := range k.names {
			if d, ok := spellingDistance(t.words, t.compact, n); ok && (best < 0 || d < best) {
				best = d
			}
		}
		if best >= 0 {
			close = append(close, scored{c, best})
		}
	}
	sort.SliceStable(close, func(i, j int) bool { return close[i].d < close[j].d })
	if len(close) == 1 || (len(close) > 1 && close[1].d > close[0].d) {
		return []int{close[0].c}
	}
	hits := make([]int, len(close))
	for i, s := range close {
		hits[i] = s.c
	}
	return hits
}

// loosely is step (5): a substring of a name, or else a subsequence of at least three
// letters (github.com/sahilm/fuzzy). Its hits are only ever offered.
func (idx *nameIndex) loosely(t typedName, wanted func(int) bool) []int {
	var hits []int
	var src compactNames
	for c, k := range idx.cands {
		if !wanted(c) {
			continue
		}
		for _, n := range k.names {
			src = append(src, compactName{c, n.compact})
		}
		for _, n := range k.names {
			if strings.Contains(n.joined, t.joined) || strings.Contains(n.compact, t.compact) {
				hits = append(hits, c)
				break
			}
		}
	}
	if len(hits) > 0 || len([]rune(t.compact)) < 3 {
		return hits
	}
	seen := map[int]bool{}
	for _, m := range fuzzy.FindFrom(t.compact, src) {
		if c := src[m.Index].c; !seen[c] {
			seen[c] = true
			hits = append(hits, c)
		}
	}
	return hits
}

// spellingDistance is how far typed is from a name: the sum over typed words of the
// Damerau–Levenshtein distance to the closest word of the name, each within 1 (2 for a
// word of more than 5 letters); or the distance between the whole texts, within the
// same bound. ok is false when neither is within bounds.
func spellingDistance(typed []string, compact string, n nameEntry) (int, bool) {
	best, ok := 0, true
	for _, q := range typed {
		lim := spellingLimit(q)
		d := lim + 1
		for _, w := range n.words {
			if abs(len(w)-len(q)) > lim {
				continue
			}
			d = min(d, edlib.OSADamerauLevenshteinDistance(q, w))
		}
		if d > lim {
			ok = false
			break
		}
		best += d
	}
	if lim := spellingLimit(compact); abs(len(compact)-len(n.compact)) <= lim {
		if d := edlib.OSADamerauLevenshteinDistance(compact, n.compact); d <= lim && (!ok || d < best) {
			return d, true
		}
	}
	return best, ok
}

func spellingLimit(w string) int {
	if len([]rune(w)) > 5 {
		return 2
	}
	return 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// compactName adapts names to fuzzy.Source.
type compactName struct {
	c    int
	name string
}

type compactNames []compactName

func (n compactNames) String(i int) string { return n[i].name }
func (n compactNames) Len() int            { return len(n) }

func onlyAccounts(idx *nameIndex, hits []int) []int {
	var out []int
	for _, h := range hits {
		if !idx.isTerritory(h) {
			out = append(out, h)
		}
	}
	return out
}

func onlyTerritories(idx *nameIndex, hits []int) []int {
	var out []int
	for _, h := range hits {
		if idx.isTerritory(h) {
			out = append(out, h)
		}
	}
	return out
}

func (idx *nameIndex) target(c int) target {
	if k := idx.cands[c]; k.terr >= 0 {
		return target{territory: idx.territories[k.terr], isTerr: true}
	}
	return target{account: idx.accounts[idx.cands[c].acc]}
}

// choices offers the hits the actor may see, by name, at most maxChoices.
func (idx *nameIndex) choices(actor Actor, query string, hits []int, what look, msg string) error {
	var vis []int
	for _, h := range hits {
		if idx.visible(actor, h) {
			vis = append(vis, h)
		}
	}
	sort.SliceStable(vis, func(i, j int) bool {
		// Territories first: there are few, and a word like "north" most often means one.
		if ti, tj := idx.isTerritory(vis[i]), idx.isTerritory(vis[j]); ti != tj {
			return ti
		}
		return idx.sortName(vis[i]) < idx.sortName(vis[j])
	})
	amb := &AmbiguousError{Query: query, Message: msg}
	for i, h := range vis {
		if i == maxChoices {
			amb.More = len(vis) - maxChoices
			break
		}
		c := Choice{Label: idx.label(h)}
		if k := idx.cands[h]; k.terr >= 0 {
			c.Value = idx.territories[k.terr].Name
			if what&lookAccount != 0 && what&lookExact == 0 {
				c.Value = "territory " + c.Value // gap, grade and growth take "territory <name>"
			}
		} else {
			c.AccountID = idx.accounts[k.acc].ID
			c.Value = c.AccountID
		}
		amb.Choices = append(amb.Choices, c)
	}
	if amb.More > 0 {
		amb.Message += fmt.Sprintf(" (%d more match: type more of the name.)", amb.More)
	}
	return amb
}

func noun(what look) string {
	switch {
	case what&lookAccount != 0 && what&lookTerritory != 0:
		return "account or territory"
	case what&lookTerritory != 0:
		return "territory"
	}
	return "account"
}

// noMatch is the reply to a name that matches nothing the asker may see. It reads the
// same whether or not something outside the asker's territories matched.
func noMatch(actor Actor, idx *nameIndex, query string, what look) error {
	if what&lookAccount == 0 {
		var names []string
		if idx != nil {
			for _, t := range idx.territories {
				if actor.CanSeeTerritory(t.Name) {
					names = append(names, t.Name)
				}
			}
		}
		return domain.Errorf(domain.ENOTFOUND, "No territory matches %q. Yours: %s.", query, orDash(strings.Join(names, ", ")))
	}
	return domain.Errorf(domain.ENOTFOUND, "No account matches %q. Try `accounts` to list the ones you can see.", query)
}
