package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/agnivade/levenshtein"
	"github.com/sahilm/fuzzy"

	"github.com/incumbent/incumbent/domain"
)

// AmbiguousError is returned when a name matches several accounts equally well.
type AmbiguousError struct {
	Query   string
	Choices []domain.Account
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d accounts", e.Query, len(e.Choices))
}

// Unwrap gives the ambiguity its domain code and message.
func (e *AmbiguousError) Unwrap() error {
	return domain.Errorf(domain.EINVALID, "%q matches several accounts: which one?", e.Query)
}

// accountIndex is every account, for the fuzzy steps of resolution, as of one data
// version.
type accountIndex struct {
	version  int64
	accounts []domain.Account
}

// accountCache keeps the index of the latest data version.
type accountCache struct {
	mu  sync.Mutex
	idx *accountIndex
}

func (b *Bot) accountIndex(ctx context.Context) (*accountIndex, error) {
	v, err := b.Store.DataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	b.accounts.mu.Lock()
	defer b.accounts.mu.Unlock()
	if b.accounts.idx != nil && b.accounts.idx.version == v {
		return b.accounts.idx, nil
	}
	accs, err := b.Store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		return nil, fmt.Errorf("find accounts: %w", err)
	}
	b.accounts.idx = &accountIndex{version: v, accounts: accs}
	return b.accounts.idx, nil
}

func normalize(s string) string { return domain.NameKey(s) }

// resolveAccount finds the account a person means by query: by id, name or alias
// (case-insensitive, through the store, over all accounts, so that an account outside
// the asker's territories is refused rather than reported missing); then, among the
// accounts the asker may see (the index of all accounts, built once per data version),
// by word prefixes ("acme mfg"), by substring, by fuzzy subsequence, and by edit
// distance for typos. A match that is not exact comes with a note saying which
// account was taken. Several equally good matches give an *AmbiguousError; none gives
// ENOTFOUND with the closest names.
func (b *Bot) resolveAccount(ctx context.Context, actor Actor, query string) (domain.Account, string, error) {
	a, note, err := b.findAccount(ctx, actor, query)
	if err == nil {
		b.remember(ctx, actor, a.ID)
	}
	return a, note, err
}

func (b *Bot) findAccount(ctx context.Context, actor Actor, query string) (domain.Account, string, error) {
	q := normalize(query)
	if q == "" {
		return domain.Account{}, "", domain.Errorf(domain.EINVALID, "Which account? Give its id or name.")
	}
	// An id typed as stored (the buttons' commands) needs no index.
	if a, err := b.Store.FindAccount(ctx, strings.TrimSpace(query)); err == nil {
		if !actor.CanSeeAccount(a) {
			return domain.Account{}, "", actor.forbidden(fmt.Sprintf("Account %q", query))
		}
		return a, "", nil
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return domain.Account{}, "", fmt.Errorf("find account: %w", err)
	}
	// So does an exact id in another case, name or alias.
	accs, err := b.Store.FindAccountsByName(ctx, q)
	if err != nil {
		return domain.Account{}, "", fmt.Errorf("find accounts by name: %w", err)
	}
	if len(accs) > 0 {
		sort.Slice(accs, func(i, j int) bool { return accs[i].Name < accs[j].Name })
		if len(accs) == 1 {
			if !actor.CanSeeAccount(accs[0]) {
				return domain.Account{}, "", actor.forbidden(fmt.Sprintf("Account %q", query))
			}
			return accs[0], "", nil
		}
		if vis := visible(actor, accs); len(vis) == 1 {
			return vis[0], "", nil
		} else if len(vis) > 1 {
			return domain.Account{}, "", &AmbiguousError{Query: query, Choices: vis}
		}
		return domain.Account{}, "", actor.forbidden(fmt.Sprintf("Account %q", query))
	}

	idx, err := b.accountIndex(ctx)
	if err != nil {
		return domain.Account{}, "", err
	}
	var cands []int // the accounts the actor may see
	for i, a := range idx.accounts {
		if actor.CanSeeAccount(a) {
			cands = append(cands, i)
		}
	}
	for _, match := range []func(a domain.Account) bool{
		func(a domain.Account) bool { return wordPrefixes(q, a) },
		func(a domain.Account) bool { return substring(q, a) },
	} {
		var hits []int
		for _, i := range cands {
			if match(idx.accounts[i]) {
				hits = append(hits, i)
			}
		}
		switch {
		case len(hits) == 1:
			a := idx.accounts[hits[0]]
			return a, takenAs(query, a), nil
		case len(hits) > 1:
			return domain.Account{}, "", &AmbiguousError{Query: query, Choices: idx.pick(hits)}
		}
	}
	if a, ok, err := fuzzyBest(query, idx, cands); ok || err != nil {
		if err != nil {
			return domain.Account{}, "", err
		}
		return a, takenAs(query, a), nil
	}
	return closest(query, idx, cands)
}

func (idx *accountIndex) pick(hits []int) []domain.Account {
	out := make([]domain.Account, len(hits))
	for i, h := range hits {
		out[i] = idx.accounts[h]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func visible(actor Actor, accs []domain.Account) []domain.Account {
	var out []domain.Account
	for _, a := range accs {
		if actor.CanSeeAccount(a) {
			out = append(out, a)
		}
	}
	return out
}

func takenAs(query string, a domain.Account) string {
	return fmt.Sprintf("Taking %q to mean %s (%s).", query, a.Name, a.ID)
}

// wordPrefixes reports whether every word of q begins a word of the account's name or
// of one of its aliases.
func wordPrefixes(q string, a domain.Account) bool {
	for _, name := range append([]string{a.Name}, a.Aliases...) {
		words := strings.Fields(strings.ToLower(name))
		ok := true
		for _, qw := range strings.Fields(q) {
			found := false
			for _, w := range words {
				if strings.HasPrefix(w, qw) {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func substring(q string, a domain.Account) bool {
	for _, name := range append([]string{a.Name}, a.Aliases...) {
		if strings.Contains(normalize(name), q) {
			return true
		}
	}
	return false
}

// names adapts the candidates' names to fuzzy.Source.
type names struct {
	idx   *accountIndex
	cands []int
}

func (n names) String(i int) string { return n.idx.accounts[n.cands[i]].Name }
func (n names) Len() int            { return len(n.cands) }

// fuzzyMargin is how far the best fuzzy score must lead the next for the best to count
// as one clear match (a word-start bonus in github.com/sahilm/fuzzy's scoring).
const fuzzyMargin = 15

// fuzzyBest matches query as a subsequence of the names (github.com/sahilm/fuzzy). One
// clear best is returned; several close ones are an *AmbiguousError.
func fuzzyBest(query string, idx *accountIndex, cands []int) (domain.Account, bool, error) {
	ms := fuzzy.FindFrom(strings.ReplaceAll(query, " ", ""), names{idx, cands})
	if len(ms) == 0 {
		return domain.Account{}, false, nil
	}
	if len(ms) == 1 || ms[0].Score-ms[1].Score >= fuzzyMargin {
		return idx.accounts[cands[ms[0].Index]], true, nil
	}
	var hits []int
	for _, m := range ms {
		if m.Score > ms[0].Score-fuzzyMargin && len(hits) < maxChoices {
			hits = append(hits, cands[m.Index])
		}
	}
	return domain.Account{}, false, &AmbiguousError{Query: query, Choices: idx.pick(hits)}
}

// maxChoices is how many accounts an ambiguous or failed match offers.
const maxChoices = 5

// closest handles a query that matches nothing: a single close spelling (a typo) is
// taken, otherwise the closest names are suggested.
func closest(query string, idx *accountIndex, cands []int) (domain.Account, string, error) {
	q := normalize(query)
	type scored struct {
		i, d int
	}
	var all []scored
	for _, i := range cands {
		a := idx.accounts[i]
		d := levenshtein.ComputeDistance(q, strings.ToLower(a.Name))
		for _, name := range append([]string{a.Name}, a.Aliases...) {
			for _, w := range strings.Fields(strings.ToLower(name)) {
				d = min(d, levenshtein.ComputeDistance(q, w))
			}
			d = min(d, levenshtein.ComputeDistance(q, strings.ToLower(name)))
		}
		all = append(all, scored{i, d})
	}
	sort.SliceStable(all, func(x, y int) bool {
		if all[x].d != all[y].d {
			return all[x].d < all[y].d
		}
		return idx.accounts[all[x].i].Name < idx.accounts[all[y].i].Name
	})
	limit := 1
	if len([]rune(q)) > 4 {
		limit = 2
	}
	if len(all) > 0 && all[0].d <= limit && (len(all) == 1 || all[1].d > all[0].d) {
		a := idx.accounts[all[0].i]
		return a, takenAs(query, a), nil
	}
	var sugg []string
	for _, s := range all {
		if len(sugg) == 3 || s.d > max(3, len([]rune(q))/2) {
			break
		}
		a := idx.accounts[s.i]
		sugg = append(sugg, fmt.Sprintf("%s (%s)", a.Name, a.ID))
	}
	msg := fmt.Sprintf("No account matches %q.", query)
	if len(sugg) > 0 {
		msg += " Did you mean " + strings.Join(sugg, ", ") + "?"
	} else {
		msg += " Try `accounts` to list the ones you can see."
	}
	return domain.Account{}, "", domain.Errorf(domain.ENOTFOUND, "%s", msg)
}

// resolveTerritory finds a territory by name (case-insensitive) or unique prefix, and
// checks the actor may see it.
func (b *Bot) resolveTerritory(ctx context.Context, actor Actor, query string) (domain.Territory, error) {
	ts, err := b.Store.FindTerritories(ctx)
	if err != nil {
		return domain.Territory{}, fmt.Errorf("find territories: %w", err)
	}
	q := normalize(query)
	var hit *domain.Territory
	var prefix []domain.Territory
	for i, t := range ts {
		n := normalize(t.Name)
		if n == q {
			hit = &ts[i]
			break
		}
		if strings.HasPrefix(n, q) {
			prefix = append(prefix, t)
		}
	}
	if hit == nil && len(prefix) == 1 {
		hit = &prefix[0]
	}
	if hit == nil {
		var names []string
		for _, t := range ts {
			if actor.CanSeeTerritory(t.Name) {
				names = append(names, t.Name)
			}
		}
		return domain.Territory{}, domain.Errorf(domain.ENOTFOUND, "No territory matches %q. Yours: %s.", query, strings.Join(names, ", "))
	}
	if !actor.CanSeeTerritory(hit.Name) {
		return domain.Territory{}, actor.forbidden(fmt.Sprintf("Territory %q", hit.Name))
	}
	return *hit, nil
}
