package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/bot"
)

// countingKV counts the cache's hits.
type countingKV struct {
	memory.Store
	mu   sync.Mutex
	hits int
}

func (c *countingKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.Store.Get(ctx, key)
	if ok && strings.HasPrefix(key, "reply:") {
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
	}
	return v, ok, err
}

// TestReplyCache checks the reply cache: a repeated question is answered from it with
// the same reply, an import retires it, a narrower asker never gets a wider asker's
// reply, and commands that write are never cached.
func TestReplyCache(t *testing.T) {
	kv := &countingKV{}
	b := newTestBot(t, "gradedata", func(b *bot.Bot) { b.Cache, b.Sessions = kv, kv })
	ctx := context.Background()
	admin := bot.Admin("test")
	handle := func(actor bot.Actor, text string) bot.Reply {
		return b.Handle(ctx, bot.Request{Actor: actor, Text: text})
	}
	first := handle(admin, "grade granite")
	second := handle(admin, "grade granite")
	if kv.hits != 1 {
		t.Fatalf("%d cache hits, want 1", kv.hits)
	}
	if bot.RenderText(first) != bot.RenderText(second) {
		t.Errorf("the cached reply differs:\n%s\n---\n%s", bot.RenderText(first), bot.RenderText(second))
	}
	j1, _ := bot.RenderJSON(first)
	j2, _ := bot.RenderJSON(second)
	if string(j1) != string(j2) {
		t.Errorf("the cached JSON differs:\n%s\n---\n%s", j1, j2)
	}
	// The cache hit still notes the account for `grade` alone.
	if r := handle(admin, "grade"); !strings.Contains(bot.RenderText(r), "Using Granite Works (G1), the account you last asked about.") {
		t.Errorf("session after a cache hit:\n%s", bot.RenderText(r))
	}

	// A rep of South asking the same is refused, not served the admin's reply.
	ray := actor(t, b, "ray@example.com")
	if r := handle(ray, "grade granite"); r.Err == nil {
		t.Errorf("a rep of another territory got:\n%s", bot.RenderText(r))
	}

	// An import retires it: Granite Works pays on time and moves up.
	importInto(t, b, filepath.Join("testdata", "gradedata-paid"))
	after := handle(admin, "grade granite")
	if !strings.Contains(bot.RenderText(after), "Business Build") {
		t.Errorf("a cached reply survived the import:\n%s", bot.RenderText(after))
	}

	// A territory's grading is stored for its movers: never from the cache.
	hits := kv.hits
	handle(admin, "grade territory north")
	handle(admin, "grade territory north")
	if kv.hits != hits {
		t.Errorf("a command that stores a grading was answered from the cache")
	}
}

// TestReplyCacheKeysByWhatTheReplyDependsOn: two reps of one territory ask the same
// words, each after asking about another account, and get each their own reply: the
// account a bare command took from each one's last, and each one's own accounts.
func TestReplyCacheKeysByWhatTheReplyDependsOn(t *testing.T) {
	kv := &countingKV{}
	b := demoBot(t, func(b *bot.Bot) { b.Cache, b.Sessions = kv, kv })
	ctx := context.Background()
	paul := actor(t, b, "paul.sanchez@example.com")
	dana := actor(t, b, "dana.alvarez@example.com")
	handle := func(a bot.Actor, text string) string {
		t.Helper()
		r := b.Handle(ctx, bot.Request{Actor: a, Text: text, AsOf: asOf})
		if r.Err != nil {
			t.Fatalf("%s: %s: %v", a.Person.Email, text, r.Err)
		}
		return bot.RenderText(r)
	}
	handle(paul, "gap acme")
	handle(dana, "gap chandler logistics")
	for _, text := range []string{"deal suggest", "cpu ABR-0033", "grade", "gap", "growth"} {
		for range 2 { // the second time from the cache
			if got := handle(paul, text); !strings.Contains(got, "Using Acme Manufacturing (A0001), the account you last asked about.") {
				t.Errorf("paul: %s:\n%s", text, got)
			}
			if got := handle(dana, text); !strings.Contains(got, "Using Chandler Logistics Group (A0004), the account you last asked about.") {
				t.Errorf("dana: %s:\n%s", text, got)
			}
		}
	}
	for range 2 {
		if got := handle(paul, "accounts"); !strings.Contains(got, "Your accounts") || !strings.Contains(got, "A0001") {
			t.Errorf("paul: accounts:\n%s", got)
		}
		if got := handle(dana, "accounts"); !strings.Contains(got, "Your accounts") || strings.Contains(got[:strings.Index(got, "Rest of")], "A0001") {
			t.Errorf("dana: accounts lists Paul's Acme as hers:\n%s", got)
		}
	}
	if kv.hits == 0 {
		t.Error("nothing was answered from the cache")
	}
}
