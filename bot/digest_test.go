package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the time zones of the settings must not depend on the machine's zoneinfo

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// settingsStore is a fakeStore that can change digest settings.
type settingsStore struct {
	*fakeStore
	writes int
}

func (s *settingsStore) SetDigestSettings(_ context.Context, t domain.Territory) error {
	for i, x := range s.territories {
		if x.Name == t.Name {
			t.Manager = x.Manager
			s.territories[i] = t
			s.writes++
			return nil
		}
	}
	return domain.Errorf(domain.ENOTFOUND, "no territory %s", t.Name)
}

// mapKV is a KV in a map, without expiry.
type mapKV struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (k *mapKV) Get(_ context.Context, key string) ([]byte, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key]
	return v, ok, nil
}

func (k *mapKV) Set(_ context.Context, key string, v []byte, _ time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string][]byte{}
	}
	k.m[key] = v
	return nil
}

func TestDigestSettingsValues(t *testing.T) {
	for _, tt := range []struct {
		args string
		want domain.Territory // of Great Lakes, from UTC, Monday, 8, no channel
		err  string
	}{
		{args: "hour 12am", want: domain.Territory{DigestHour: 0}},
		{args: "hour 12pm", want: domain.Territory{DigestHour: 12}},
		{args: "hour 5pm", want: domain.Territory{DigestHour: 17}},
		{args: "hour 08:00", want: domain.Territory{DigestHour: 8}},
		{args: "hour 0", want: domain.Territory{DigestHour: 0}},
		{args: "HOUR 23 Day Sunday", want: domain.Territory{DigestHour: 23, DigestDay: time.Sunday}},
		{args: "channel <#C024BE7LR|general>", want: domain.Territory{DigestHour: 8, DigestChannel: "C024BE7LR"}},
		{args: "channel #Sales-North", want: domain.Territory{DigestHour: 8, DigestChannel: "#Sales-North"}},
		{args: "channel 19:abc@thread.tacv2", want: domain.Territory{DigestHour: 8, DigestChannel: "19:abc@thread.tacv2"}},
		{args: "channel teams:channel:19:abc@thread.tacv2", want: domain.Territory{DigestHour: 8, DigestChannel: "teams:channel:19:abc@thread.tacv2"}},
		{args: "channel none", want: domain.Territory{DigestHour: 8}},
		{args: "timezone Asia/Kolkata", want: domain.Territory{DigestHour: 8, Timezone: "Asia/Kolkata"}},
		{args: "hour 13pm", err: `"13pm" is not an hour`},
		{args: "hour -1", err: `"-1" is not an hour`},
		{args: "hour nine", err: `"nine" is not an hour`},
		{args: "channel #", err: `"#" is not a channel`},
		{args: "channel #a/b", err: `"#a/b" is not a channel`},
		{args: "timezone Local", err: `"Local" is not an IANA time zone`},
		{args: "timezone Europe/Nowhere", err: `"Europe/Nowhere" is not an IANA time zone`},
		{args: "day someday", err: `"someday" is not a day`},
	} {
		t.Run(tt.args, func(t *testing.T) {
			s := &settingsStore{fakeStore: testStore()}
			s.territories[2] = domain.Territory{Name: "Great Lakes", Manager: "nora@example.com", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8}
			b := newBot(s)
			r := b.Handle(t.Context(), bot.Request{Actor: actor(t, b, "nora@example.com"), Text: "digest settings great lakes " + tt.args})
			if tt.err != "" {
				if r.Err == nil || domain.ErrorCode(r.Err) != domain.EINVALID || !strings.Contains(bot.RenderText(r), tt.err) || s.writes != 0 {
					t.Errorf("reply %v, %d writes; want EINVALID saying %q and no write:\n%s", r.Err, s.writes, tt.err, bot.RenderText(r))
				}
				return
			}
			if r.Err != nil {
				t.Fatalf("%v\n%s", r.Err, bot.RenderText(r))
			}
			want := tt.want
			want.Name, want.Manager = "Great Lakes", "nora@example.com"
			if want.Timezone == "" {
				want.Timezone = "UTC"
			}
			if want.DigestDay == 0 && !strings.Contains(strings.ToLower(tt.args), "day") {
				want.DigestDay = time.Monday
			}
			if diff := cmp.Diff(want, s.territories[2]); diff != "" {
				t.Errorf("territory (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDigestSettingsNotCached checks that `digest settings` is never answered from the
// reply cache: it writes, and what it shows changes without a new data version.
func TestDigestSettingsNotCached(t *testing.T) {
	ctx := t.Context()
	s := &settingsStore{fakeStore: testStore()}
	b := newBot(s)
	kv := &mapKV{}
	b.Cache = kv
	nora := actor(t, b, "nora@example.com")
	ask := func(text string) string {
		t.Helper()
		r := b.Handle(ctx, bot.Request{Actor: nora, Text: text})
		if r.Err != nil {
			t.Fatalf("%s: %v\n%s", text, r.Err, bot.RenderText(r))
		}
		return bot.RenderText(r)
	}
	if out := ask("digest settings northeast"); !strings.Contains(out, "Sundays at 00:00 UTC to nora@example.com directly (no channel set)") {
		t.Errorf("before:\n%s", out)
	}
	ask("digest settings northeast hour 7 channel #ne")
	if out := ask("digest settings northeast"); !strings.Contains(out, "Sundays at 07:00 UTC to #ne") {
		t.Errorf("after the change:\n%s", out)
	}
	if len(kv.m) != 0 {
		t.Errorf("%d replies cached, want none", len(kv.m))
	}
}

func TestDigestSettingsAccess(t *testing.T) {
	s := &settingsStore{fakeStore: testStore()}
	b := newBot(s)
	for _, tt := range []struct {
		as, text, code, want string
	}{
		{"rita@example.com", "digest settings northeast hour 9", domain.EFORBIDDEN, "set by its manager or an admin"},
		{"rita@example.com", "digest settings northeast", domain.EFORBIDDEN, "set by its manager or an admin"},
		{"nora@example.com", "digest settings gulf coast hour 9", domain.EFORBIDDEN, `Territory "Gulf Coast" is outside your territories`},
		{"ops@example.com", "digest settings gulf coast hour 9", "", "now goes out *Sundays at 09:00 UTC to gus@example.com directly (no channel set)*"},
		{"nora@example.com", "digest settings great lakes day wed", "", "now goes out *Wednesdays at 00:00 UTC to nora@example.com directly (no channel set)*"},
	} {
		r := b.Handle(t.Context(), bot.Request{Actor: actor(t, b, tt.as), Text: tt.text})
		if domain.ErrorCode(r.Err) != tt.code || !strings.Contains(bot.RenderText(r), tt.want) {
			t.Errorf("%s: %s: code %q (want %q), reply lacks %q:\n%s", tt.as, tt.text, domain.ErrorCode(r.Err), tt.code, tt.want, bot.RenderText(r))
		}
	}

	// A store that cannot change them shows them, and says how to change them instead.
	b = newBot(testStore())
	admin := bot.Admin("test")
	if r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "digest settings northeast"}); r.Err != nil {
		t.Errorf("show without a writer: %v", r.Err)
	}
	r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "digest settings northeast hour 9"})
	if domain.ErrorCode(r.Err) != domain.EINVALID || !strings.Contains(bot.RenderText(r), "import it") {
		t.Errorf("change without a writer: %v\n%s", r.Err, bot.RenderText(r))
	}
}
