package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

const tenant = "tenant-1"

// fixture is a Teams handler over a real bot and store, against the Bot Framework
// stand-in (keys, Entra and the connector), served by an httptest server.
type fixture struct {
	bf    *teamstest.BotFramework
	h     *teams.Handler
	url   string // the bot's /api/messages
	store *sqlite.Store
	calls *atomic.Int64 // commands the bot answered
}

// counting counts the commands the bot answers, and can slow them down.
type counting struct {
	b     *bot.Bot
	n     *atomic.Int64
	delay time.Duration
}

func (c counting) Handle(ctx context.Context, req bot.Request) bot.Reply {
	c.n.Add(1)
	time.Sleep(c.delay)
	return c.b.Handle(ctx, req)
}

// Drawn draws the reply's charts, as the bot does.
func (c counting) Drawn(ctx context.Context, r bot.Reply) bot.Reply { return c.b.Drawn(ctx, r) }

type directory struct {
	s *sqlite.Store
	b *bot.Bot
}

func (d directory) FindPeople(ctx context.Context) ([]domain.Person, error) {
	return d.s.FindPeople(ctx)
}
func (d directory) ActorByEmail(ctx context.Context, email string) (bot.Actor, error) {
	return d.b.ActorByEmail(ctx, email)
}

// importedStore is a fresh SQLite store (closed when the test ends) with the CSV files
// of dir imported.
func importedStore(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := (&csvimport.Importer{Store: s}).Import(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return s
}

func newFixture(t testing.TB, delay time.Duration) *fixture {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "bot", "testdata", "dealdata"))); err != nil {
		t.Fatal(err)
	}
	// Rita is known by her Teams id; Nora by the email in her Teams profile.
	os.WriteFile(filepath.Join(dir, "people.csv"), []byte("email,name,role,territory,teams_user_id\n"+
		"ops@example.com,Olive Ops,admin,,\nnora@example.com,Nora North,manager,North,\n"+
		"rita@example.com,Rita Rep,rep,North,29:rita\nray@example.com,Ray Rep,rep,South,\n"), 0o644)
	s := importedStore(t, dir)
	b := bot.New(s)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	b.Charter = plot.Charter{}

	bf := teamstest.New(t)
	bf.AddMember(teamstest.Member{ID: "29:nora", AADObjectID: "aad-nora", Email: "Nora@example.com", TenantID: tenant})
	bf.AddMember(teamstest.Member{ID: "29:stranger", AADObjectID: "aad-stranger", Email: "stranger@example.com", TenantID: tenant})
	calls := &atomic.Int64{}
	h := &teams.Handler{
		Bot:           counting{b: b, n: calls, delay: delay},
		Directory:     directory{s, b},
		Auth:          &teams.Verifier{AppID: bf.AppID, MetadataURL: bf.MetadataURL},
		Connector:     &teams.Connector{Tokens: &teams.Credentials{AppID: bf.AppID, Password: bf.Password, TokenURL: bf.TokenURL}, AllowedHosts: []string{"127.0.0.1"}},
		Conversations: s,
		Dedupe:        &memory.Store{},
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		AsOf:          time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		TenantID:      tenant,
		InvokeBudget:  time.Second,
	}
	mux := http.NewServeMux()
	h.Routes(func(pattern, _ string, hh http.Handler) { mux.Handle(pattern, hh) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { h.Wait(context.Background()) })
	return &fixture{bf: bf, h: h, url: srv.URL + "/api/messages", store: s, calls: calls}
}

// activity is a Teams activity as the connector sends it.
func (f *fixture) activity(typ, id, from, text string) map[string]any {
	return map[string]any{
		"type": typ, "id": id, "channelId": "msteams", "serviceUrl": f.bf.ConnectorURL,
		"from":         map[string]any{"id": from, "aadObjectId": "aad-" + strings.TrimPrefix(from, "29:")},
		"recipient":    map[string]any{"id": "28:" + f.bf.AppID, "name": "Incumbent"},
		"conversation": map[string]any{"id": "a:personal-" + from, "conversationType": "personal", "tenantId": tenant},
		"text":         text,
	}
}

func inChannel(a map[string]any) map[string]any {
	a["conversation"] = map[string]any{"id": "19:sales@thread.tacv2;messageid=1700", "conversationType": "channel", "tenantId": tenant, "isGroup": true}
	a["channelData"] = map[string]any{"tenant": map[string]any{"id": tenant}, "team": map[string]any{"id": "19:team@thread.tacv2"},
		"channel": map[string]any{"id": "19:sales@thread.tacv2", "name": "Sales"}}
	return a
}

// post sends an activity with a valid token (unless token is given) and returns the
// status and body.
func (f *fixture) post(t *testing.T, a any, token string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(a)
	if token == "" {
		token = f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL})
	}
	req, _ := http.NewRequest(http.MethodPost, f.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "-" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// cardText returns the texts of a posted activity's card, joined.
func cardText(t *testing.T, body map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(body["attachments"])
	var atts []struct {
		ContentType string
		Content     struct {
			Body    []struct{ Text string }
			Actions []struct{ Title string }
		}
	}
	if err := json.Unmarshal(b, &atts); err != nil || len(atts) != 1 || atts[0].ContentType != teams.ContentTypeAdaptiveCard {
		t.Fatalf("not one Adaptive Card: %s", b)
	}
	var out []string
	for _, e := range atts[0].Content.Body {
		out = append(out, e.Text)
	}
	for _, a := range atts[0].Content.Actions {
		out = append(out, "["+a.Title+"]")
	}
	return strings.Join(out, "\n")
}

// TestChannelMention: "@Incumbent gap acme" in a channel is answered with a card in the
// thread, as the person asking (found through the member list by email).
func TestChannelMention(t *testing.T) {
	f := newFixture(t, 0)
	a := inChannel(f.activity("message", "1700", "29:nora", "<at>Incumbent</at>&nbsp;gap acme"))
	if code, _ := f.post(t, a, ""); code != 200 {
		t.Fatalf("status %d", code)
	}
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	if got.ConversationID != "19:sales@thread.tacv2;messageid=1700" || got.ActivityID != "1700" {
		t.Errorf("posted to %q in reply to %q; want the thread of 1700", got.ConversationID, got.ActivityID)
	}
	text := cardText(t, got.Body)
	if !strings.Contains(text, "Acme Manufacturing — gap") || strings.Contains(text, "Share in channel") {
		t.Errorf("card:\n%s", text)
	}
	if got.Body["summary"] != "Acme Manufacturing — gap" {
		t.Errorf("summary %q", got.Body["summary"])
	}
}

// TestButtons: an Action.Submit press comes back as a message with the command in its
// value; an Action.Execute press as an adaptiveCard/action invoke, answered with the
// card in the response.
func TestButtons(t *testing.T) {
	f := newFixture(t, 0)
	a := f.activity("message", "m1", "29:rita", "")
	a["value"] = map[string]any{"command": "grade A1"}
	f.post(t, a, "")
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	if text := cardText(t, got.Body); !strings.Contains(text, "Acme Manufacturing — Convenient Sale") {
		t.Errorf("submit: card\n%s", text)
	}

	inv := f.activity("invoke", "i1", "29:rita", "")
	inv["name"] = "adaptiveCard/action"
	inv["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "run", "data": map[string]any{"command": "growth A1"}}}
	code, body := f.post(t, inv, "")
	var resp struct {
		StatusCode int
		Type       string
		Value      struct{ Body []struct{ Text string } }
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || code != 200 || resp.StatusCode != 200 || resp.Type != teams.ContentTypeAdaptiveCard ||
		len(resp.Value.Body) == 0 || !strings.Contains(resp.Value.Body[0].Text, "Acme Manufacturing") {
		t.Errorf("invoke: %d %s", code, body)
	}
	inv["id"], inv["name"] = "i2", "composeExtension/query"
	if _, body := f.post(t, inv, ""); !strings.Contains(body, `"statusCode":501`) {
		t.Errorf("another invoke: %s", body)
	}
}

// TestSlowInvoke: a press whose command takes longer than the budget is answered
// "working on it" at once, and the card follows in the conversation.
func TestSlowInvoke(t *testing.T) {
	f := newFixture(t, 300*time.Millisecond)
	f.h.InvokeBudget = 50 * time.Millisecond
	inv := f.activity("invoke", "i1", "29:rita", "")
	inv["name"] = "adaptiveCard/action"
	inv["value"] = map[string]any{"action": map[string]any{"data": map[string]any{"command": "gap A1"}}}
	_, body := f.post(t, inv, "")
	if !strings.Contains(body, "Working on gap A1") {
		t.Errorf("invoke answer: %s", body)
	}
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	if got.ActivityID != "i1" || !strings.Contains(cardText(t, got.Body), "Acme Manufacturing — gap") {
		t.Errorf("follow-up: %+v", got)
	}
}

// TestRefused: every request whose token is wrong is refused before anything runs; a
// malformed or oversize activity is refused; nothing reaches the bot or the connector.
func TestRefused(t *testing.T) {
	f := newFixture(t, 0)
	a := f.activity("message", "m1", "29:rita", "gap acme")
	other := f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: "https://evil.example/"})
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"no token", "-", 401},
		{"forged", f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL, Forge: true}), 401},
		{"expired", f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL, Expiry: time.Now().Add(-time.Hour)}), 401},
		{"another bot", f.bf.Token(teamstest.TokenClaims{Audience: "another-app", ServiceURL: f.bf.ConnectorURL}), 401},
		{"alg none", f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL, Alg: "none"}), 401},
		{"another serviceUrl", other, 403},
	} {
		if code, _ := f.post(t, a, tt.token); code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, code, tt.want)
		}
	}
	// A token for another serviceUrl with the activity rewritten to match it: the token
	// is good, but the bot will not send its own token there.
	a2 := f.activity("message", "m2", "29:rita", "gap acme")
	a2["serviceUrl"] = "https://evil.example/"
	if code, _ := f.post(t, a2, other); code != 200 {
		t.Errorf("a consistent activity from another serviceUrl: %d", code)
	}
	token := f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL})
	for _, tt := range []struct {
		name string
		body []byte
		want int
	}{
		{"malformed", []byte(`{"type":"message",`), 400},
		{"oversize", bytes.Repeat([]byte(" "), teams.MaxBody+1), 413},
		{"no conversation", []byte(`{"type":"message","serviceUrl":"` + f.bf.ConnectorURL + `","channelId":"msteams"}`), 400},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.url, bytes.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	f.h.Wait(t.Context())
	if n := f.calls.Load(); n != 1 {
		t.Errorf("the bot answered %d commands; want only the consistent one", n)
	}
	if n := len(f.bf.Activities()); n != 0 {
		t.Errorf("%d activities reached the connector", n)
	}
}

// TestRetriedActivity: an activity Teams sends again is processed once.
func TestRetriedActivity(t *testing.T) {
	f := newFixture(t, 0)
	a := f.activity("message", "m1", "29:rita", "gap acme")
	f.post(t, a, "")
	f.post(t, a, "")
	f.bf.WaitActivities(t, 1, 10*time.Second)
	f.h.Wait(t.Context())
	if n := len(f.bf.Activities()); n != 1 || f.calls.Load() != 1 {
		t.Errorf("%d replies, %d commands; want 1", n, f.calls.Load())
	}
}

// TestWhoIsAsking: an unknown person is told how to get access, with their id; a
// person of another organisation is refused; a rep is refused another territory.
func TestWhoIsAsking(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, f.activity("message", "m1", "29:stranger", "gap acme"), "")
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	if text := cardText(t, got.Body); !strings.Contains(text, "not set up in Incumbent") || !strings.Contains(text, "aad-stranger") {
		t.Errorf("unknown person:\n%s", text)
	}
	a := f.activity("message", "m2", "29:rita", "gap acme")
	a["conversation"].(map[string]any)["tenantId"] = "another-tenant"
	if code, _ := f.post(t, a, ""); code != 403 {
		t.Errorf("another tenant: status %d, want 403", code)
	}
	f.post(t, f.activity("message", "m3", "29:rita", "gap Bolt"), "")
	got = f.bf.WaitActivities(t, 2, 10*time.Second)[1]
	if text := cardText(t, got.Body); strings.Contains(text, "$") {
		t.Errorf("a rep asking about another territory got figures:\n%s", text)
	}
}

// TestProactive: installing the app keeps the conversation, and a message can then be
// posted there unasked (how digests reach a channel or a manager's personal chat).
func TestProactive(t *testing.T) {
	f := newFixture(t, 0)
	install := inChannel(f.activity("installationUpdate", "", "29:nora", ""))
	install["action"] = "add"
	if code, _ := f.post(t, install, ""); code != 200 {
		t.Fatalf("install: %d", code)
	}
	added := f.activity("conversationUpdate", "", "29:nora", "")
	added["membersAdded"] = []map[string]any{{"id": "28:" + f.bf.AppID}}
	f.post(t, added, "")
	f.h.Wait(t.Context())

	r := bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "North — weekly digest"}, &bot.Text{Text: "Gap $22,000."}}}
	for _, tt := range []struct{ key, conversation string }{
		// A new post in the channel, not a reply in the thread the install came from.
		{"team:19:team@thread.tacv2", "19:sales@thread.tacv2"},
		{"channel:19:sales@thread.tacv2", "19:sales@thread.tacv2"},
		{"conversation:19:sales@thread.tacv2", "19:sales@thread.tacv2"},
		{"user:aad-nora", "a:personal-29:nora"},
		{"user:29:nora", "a:personal-29:nora"},
		{teams.EmailKey("Nora@Example.com"), "a:personal-29:nora"},
	} {
		if _, err := f.h.Notify(t.Context(), tt.key, r); err != nil {
			t.Errorf("notify %s: %v", tt.key, err)
		}
		all := f.bf.Activities()
		got := all[len(all)-1]
		if got.ConversationID != tt.conversation || got.ActivityID != "" || got.Body["summary"] != "North — weekly digest" {
			t.Errorf("notify %s: posted to %q (reply to %q), summary %q", tt.key, got.ConversationID, got.ActivityID, got.Body["summary"])
		}
	}
	if _, err := f.h.Notify(t.Context(), "user:aad-nobody", r); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("notify someone without the app: %v", err)
	}
	ref, err := f.h.ConversationFor(t.Context(), "user:aad-nora")
	want := teams.ConversationReference{ServiceURL: f.bf.ConnectorURL, ChannelID: "msteams", ConversationID: "a:personal-29:nora",
		ConversationType: "personal", TenantID: tenant, BotID: "28:" + f.bf.AppID, UserID: "29:nora", AADObjectID: "aad-nora"}
	if diff := cmp.Diff(want, ref); err != nil || diff != "" {
		t.Errorf("stored reference (-want +got): %v\n%s", err, diff)
	}
}

func TestStripMentions(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<at>Incumbent</at> gap acme", "gap acme"},
		{"<p><at>Incumbent</at>&nbsp;grade <b>Acme</b></p>", "grade Acme"},
		{"gap O&#39;Brien &amp; Sons", "gap O'Brien & Sons"},
		{"  deal acme give 5% on gloves\n get 100 W-1 ", "deal acme give 5% on gloves get 100 W-1"},
	} {
		if got := teams.StripMentions(tt.in); got != tt.want {
			t.Errorf("StripMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestForeignActivities sends activities signed with a key the Bot Framework endorses
// for several channels (as its real keys are): one from another channel (Web Chat),
// ones naming no tenant, another tenant, or two tenants. Each is refused (403) before
// anything runs: no command, no reply, no conversation kept. A multi-tenant bot still
// refuses an activity without a tenant.
func TestForeignActivities(t *testing.T) {
	f := newFixture(t, 0)
	f.bf.AddKey(t, "multi", "msteams", "webchat", "directline")
	token := f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL, Kid: "multi"})
	if code, _ := f.post(t, f.activity("message", "ok", "29:rita", "gap acme"), token); code != 200 {
		t.Fatalf("a Teams activity with the multi-channel key: %d", code)
	}
	f.bf.WaitActivities(t, 1, 10*time.Second)
	f.h.Wait(t.Context())
	calls, replies := f.calls.Load(), len(f.bf.Activities())

	for _, multiTenant := range []bool{false, true} {
		if multiTenant {
			f.h.TenantID = ""
		}
		for i, tt := range []struct {
			name   string
			change func(a map[string]any)
		}{
			{"Web Chat", func(a map[string]any) { a["channelId"] = "webchat" }},
			{"Direct Line", func(a map[string]any) { a["channelId"] = "directline" }},
			{"no channel", func(a map[string]any) { delete(a, "channelId") }},
			{"MSTeams", func(a map[string]any) { a["channelId"] = "MSTeams" }},
			{"no tenant", func(a map[string]any) { delete(a["conversation"].(map[string]any), "tenantId") }},
			{"another tenant", func(a map[string]any) { a["conversation"].(map[string]any)["tenantId"] = "another-tenant" }},
			{"two tenants", func(a map[string]any) {
				a["channelData"] = map[string]any{"tenant": map[string]any{"id": "another-tenant"}}
			}},
			{"install with no tenant", func(a map[string]any) {
				a["type"] = "installationUpdate"
				a["action"] = "add"
				a["from"] = map[string]any{"id": "29:nora", "aadObjectId": "aad-nora"}
				delete(a["conversation"].(map[string]any), "tenantId")
			}},
		} {
			if multiTenant && (tt.name == "another tenant") {
				continue // a multi-tenant bot serves every organisation
			}
			a := f.activity("message", fmt.Sprintf("m%d-%v", i, multiTenant), "29:rita", "gap acme")
			tt.change(a)
			if code, body := f.post(t, a, token); code != 403 {
				t.Errorf("%s (multi-tenant %v): status %d %s, want 403", tt.name, multiTenant, code, body)
			}
		}
	}
	f.h.Wait(t.Context())
	if n := f.calls.Load() - calls; n != 0 {
		t.Errorf("the bot answered %d refused activities", n)
	}
	if n := len(f.bf.Activities()) - replies; n != 0 {
		t.Errorf("%d replies to refused activities", n)
	}
	if _, err := f.store.FindConversation(t.Context(), "teams", "user:29:nora"); err == nil {
		t.Error("an install without a tenant was kept")
	}
}

// fullDedupe is a de-duplication store that cannot tell (its memory full of marks).
type fullDedupe struct{}

func (fullDedupe) FirstSeen(context.Context, string, time.Duration) (bool, error) {
	return false, fullError{}
}

type fullError struct{}

func (fullError) Error() string             { return "full" }
func (fullError) RetryAfter() time.Duration { return 90 * time.Second }

// TestRepeatsUnchecked: when the store cannot tell whether an activity was processed
// before, the activity is refused with 503 and Retry-After, not processed unchecked.
func TestRepeatsUnchecked(t *testing.T) {
	f := newFixture(t, 0)
	f.h.Dedupe = fullDedupe{}
	body, _ := json.Marshal(f.activity("message", "m1", "29:rita", "gap acme"))
	req, _ := http.NewRequest(http.MethodPost, f.url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.bf.Token(teamstest.TokenClaims{Audience: f.bf.AppID, ServiceURL: f.bf.ConnectorURL}))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "90" {
		t.Errorf("status %d, Retry-After %q; want 503 and 90", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	f.h.Wait(t.Context())
	if n := f.calls.Load(); n != 0 {
		t.Errorf("the bot answered %d unchecked activities", n)
	}
}

// TestFormCard sets a potential through the gap card's "Set potential" form: the card
// opens the form under its button, and its Submit sends the command, the form and the
// values, which make the command run as the presser. A required value left empty is
// refused, and nothing is written.
func TestFormCard(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, f.activity("message", "m1", "29:rita", "gap acme"), "")
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	b, _ := json.Marshal(got.Body["attachments"])
	var atts []struct {
		Content struct {
			Body []struct {
				Type    string
				Actions []struct {
					Type  string
					Title string
					Card  struct {
						Body    []struct{ Type, ID string }
						Actions []struct {
							Type string
							Data map[string]any
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b, &atts); err != nil || len(atts) != 1 {
		t.Fatalf("%v: %s", err, b)
	}
	var data map[string]any
	var inputs []string
	for _, e := range atts[0].Content.Body {
		for _, a := range e.Actions {
			if e.Type == "ActionSet" && a.Type == "Action.ShowCard" && a.Title == "Set potential: Masks" && len(a.Card.Actions) == 1 {
				data = a.Card.Actions[0].Data
				for _, in := range a.Card.Body {
					if in.Type == "Input.Text" {
						inputs = append(inputs, in.ID)
					}
				}
			}
		}
	}
	if data["command"] != "potential set A1 Masks" || strings.Join(inputs, ",") != "form_amount,form_competitor,form_note" {
		t.Fatalf("the gap card's form: %v %v\n%s", data, inputs, b)
	}
	potentials := func() int {
		ps, err := f.store.FindPotentials(t.Context(), domain.ForAccount("A1"))
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	before := potentials()

	sent := 1
	submit := func(id string, values map[string]any) string {
		t.Helper()
		sent++
		a := f.activity("message", id, "29:rita", "")
		v := map[string]any{}
		for k, x := range data {
			v[k] = x
		}
		for k, x := range values {
			v[k] = x
		}
		a["value"] = v
		f.post(t, a, "")
		acts := f.bf.WaitActivities(t, sent, 10*time.Second)
		return cardText(t, acts[sent-1].Body)
	}
	if text := submit("m2", map[string]any{"form_amount": "", "form_note": "x"}); !strings.Contains(text, "Fill in annual potential.") {
		t.Errorf("no amount: card\n%s", text)
	}
	if potentials() != before {
		t.Fatal("a refused form wrote")
	}
	if text := submit("m3", map[string]any{"form_amount": "2,500", "form_competitor": "Uline Inc", "form_note": ""}); !strings.Contains(text, "Potential set") ||
		!strings.Contains(text, "they spend **$2,500** a year; Uline Inc holds the rest.") {
		t.Errorf("good values: card\n%s", text)
	}
	if potentials() != before+1 {
		t.Errorf("not recorded")
	}
}

// TestPlainQuestion: a plain question in Teams is answered as the command it is read as,
// and the card says how it was read.
func TestPlainQuestion(t *testing.T) {
	f := newFixture(t, 0)
	f.post(t, f.activity("message", "q1", "29:rita", "<at>Incumbent</at> what's my biggest gap?"), "")
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	b, _ := json.Marshal(got.Body["attachments"])
	if !strings.Contains(string(b), "I read this as `top gaps mine`.") || !strings.Contains(string(b), "Top gaps — your accounts") {
		t.Errorf("reply: %s", b)
	}
}
