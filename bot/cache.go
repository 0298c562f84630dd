package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// KV is a key-value store with expiry: adapters/memory in one process, adapters/redis
// shared by replicas. Sessions and the reply cache use it.
type KV interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// KVEntry is one value to keep, for KVBatch.
type KVEntry struct {
	Key   string
	Value []byte
	TTL   time.Duration
}

// KVBatch is a KV that keeps several values at once: adapters/redis pipelines them into
// one round trip. A command that misses the reply cache keeps its reply and the
// person's last account together.
type KVBatch interface {
	SetAll(ctx context.Context, entries []KVEntry) error
}

// cacheTTL bounds how long a cached reply is kept; the data version in its key already
// retires it at the next import.
const cacheTTL = time.Hour

// cacheable reports whether a command's reply may be cached: it only reads (no scenario
// saved, no objective or offer recorded, no grading stored).
func cacheable(verb string, args []string) bool {
	first := ""
	if len(args) > 0 {
		first = strings.ToLower(args[0])
	}
	switch verb {
	case "gap", "cpu", "help", "account", "accounts":
		return true
	case "grade":
		return first != "territory" // a territory's grading is stored for its movers
	case "growth":
		return first != "set"
	case "deal":
		return first == "suggest"
	case "brief":
		// A brief compares with the territory's last stored grading, which `grade
		// territory` stores without changing the data version.
		return false
	case "digest":
		// A preview compares with the latest digest snapshot, which a scheduled digest
		// changes without changing the data version; `digest settings` writes.
		return false
	}
	return false
}

// usesLast reports whether a command may stand the account the person last asked about
// in for one it does not name: then its reply depends on that account.
func usesLast(verb string, args []string) bool {
	switch verb {
	case "gap", "grade", "growth":
		return len(args) == 0
	case "deal":
		return len(args) == 1 // a bare `deal suggest`
	case "cpu":
		return true // `cpu <sku>` alone
	}
	return false
}

// cacheKey identifies a reply by everything it depends on (DESIGN section 5): the
// command as typed (normalised), the as-of date, the data version, the settings and the
// currency; what the asker may see and their role; the account the command took from
// the person's last one, when it may; and the asker, where the reply names the asker's
// own accounts. An import is never answered from before it, a rep never gets a reply
// cut for a manager, and two reps never get each other's last account.
func (b *Bot) cacheKey(ctx context.Context, req Request, words []string) (string, error) {
	v, err := b.Store.DataVersion(ctx)
	if err != nil {
		return "", err
	}
	scope := "all"
	if !req.Actor.All() {
		ts := req.Actor.Territories()
		slices.Sort(ts)
		scope = strings.Join(ts, "\x1f")
	}
	verb, args := strings.ToLower(words[0]), words[1:]
	last := ""
	if usesLast(verb, args) {
		if a, _, ok := b.lastAccount(ctx, req.Actor); ok {
			last = a.ID
		}
	}
	who := ""
	if verb == "accounts" && len(args) == 0 && req.Actor.Person.Role == domain.RoleRep {
		who = strings.ToLower(req.Actor.Person.Email) // "Your accounts"
	}
	h := sha256.Sum256([]byte(strings.Join([]string{strings.ToLower(strings.Join(words, " ")),
		req.AsOf.Format(domain.DateLayout), scope, string(req.Actor.Person.Role), last, who,
		b.Money.Code, fmt.Sprint(v), b.settingsKey()}, "\x1e")))
	return "reply:" + hex.EncodeToString(h[:16]), nil
}

// settingsKey is a fingerprint of the settings replies are computed with.
func (b *Bot) settingsKey() string {
	var g, d any
	if b.Grades != nil {
		g = b.Grades.Settings
	}
	if b.Deals != nil {
		d = b.Deals.Settings
	}
	return fmt.Sprintf("%+v|%+v", g, d)
}

// cachedReply is a reply as cached, with the account it was about (for the session).
type cachedReply struct {
	Reply   json.RawMessage `json:"reply"`
	Account string          `json:"account,omitempty"`
}

// resolvedKey carries, in a command's context, a *resolved: where to note the account
// it resolved.
type resolvedKey struct{}

// resolved is the account a command resolved. With deferred set, the session is not
// written at once: keep writes it with the reply, in one round trip.
type resolved struct {
	account  string
	deferred bool
}

// UnmarshalJSON reads a reply written by MarshalJSON. Data comes back as raw JSON, which
// marshals to the same text.
func (r *Reply) UnmarshalJSON(b []byte) error {
	var w struct {
		Blocks []wireBlock     `json:"blocks"`
		Data   json.RawMessage `json:"data"`
		Error  *ErrorJSON      `json:"error"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Reply{}
	for _, x := range w.Blocks {
		var blk Block
		switch x.Type {
		case "header":
			blk = &Header{Text: x.Text}
		case "text":
			blk = &Text{Text: x.Text}
		case "fields":
			blk = &Fields{Fields: x.Fields}
		case "table":
			blk = &Table{Columns: x.Columns, Rows: x.Rows, More: x.More}
		case "buttons":
			blk = &Buttons{Buttons: x.Buttons}
		case "context":
			blk = &Context{Text: x.Text}
		case "image":
			blk = &Image{URL: x.URL, PNG: x.PNG, AltText: x.AltText}
		case "chart":
			if x.Chart == nil {
				return fmt.Errorf("a chart block without its chart")
			}
			blk = x.Chart
		default:
			return fmt.Errorf("unknown block type %q", x.Type)
		}
		r.Blocks = append(r.Blocks, blk)
	}
	if len(w.Data) > 0 && string(w.Data) != "null" {
		r.Data = w.Data
	}
	if w.Error != nil {
		r.Err = domain.Errorf(w.Error.Code, "%s", w.Error.Message)
	}
	return nil
}

// fromCache returns a cached reply, noting its account in the session.
func (b *Bot) fromCache(ctx context.Context, req Request, key string) (Reply, bool) {
	raw, ok, err := b.Cache.Get(ctx, key)
	if err != nil || !ok {
		return Reply{}, false
	}
	var c cachedReply
	var r Reply
	if json.Unmarshal(raw, &c) != nil || json.Unmarshal(c.Reply, &r) != nil {
		return Reply{}, false
	}
	if c.Account != "" {
		b.remember(ctx, req.Actor, c.Account)
	}
	return r, true
}

// batch returns the cache as a KVBatch when it also keeps the sessions, so that a reply
// and the person's last account can be written together; nil otherwise.
func (b *Bot) batch() KVBatch {
	kb, ok := b.Cache.(KVBatch)
	if !ok || b.Sessions == nil || !sameKV(b.Cache, b.Sessions) {
		return nil
	}
	return kb
}

// sameKV reports whether two KVs are the same store (false for values that cannot be
// compared).
func sameKV(a, b KV) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// keep writes what a command that may be cached leaves behind: its reply when it
// answered without error (key set), and the person's last account when its write was
// deferred; together in one round trip where the store can.
func (b *Bot) keep(ctx context.Context, req Request, key string, r Reply, res *resolved) {
	var entries []KVEntry
	if key != "" && r.Err == nil {
		if rb, err := json.Marshal(r); err == nil {
			if cb, err := json.Marshal(cachedReply{Reply: rb, Account: res.account}); err == nil {
				entries = append(entries, KVEntry{Key: key, Value: cb, TTL: cacheTTL})
			}
		}
	}
	session := res.deferred && res.account != "" && req.Actor.who() != ""
	if session {
		entries = append(entries, KVEntry{Key: lastAccountKey(req.Actor), Value: []byte(res.account), TTL: sessionTTL})
	}
	if len(entries) == 0 {
		return
	}
	if kb := b.batch(); kb != nil {
		if err := kb.SetAll(ctx, entries); err != nil {
			b.Logger.WarnContext(ctx, "reply and session not kept", "err", err)
		}
		return
	}
	for _, e := range entries {
		if err := b.Cache.Set(ctx, e.Key, e.Value, e.TTL); err != nil {
			b.Logger.WarnContext(ctx, "reply not cached", "err", err)
		}
	}
}
