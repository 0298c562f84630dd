package teams_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
)

// serviceURLMark stands for the stand-in connector's URL in fuzzed activities: the
// stand-in listens on another port in every fuzzing process, so the corpus cannot
// name it.
const serviceURLMark = "$SERVICE_URL"

// FuzzTeamsActivity posts fuzzed activities with a valid token to /api/messages (every
// $SERVICE_URL in them is the stand-in connector's URL, which the token names). The
// handler never panics; it answers within 10 s with one of its documented statuses
// (200; 400 for what is not an activity; 401 or 403 for a token that does not fit the
// activity; 413 for an oversize one); an invoke's answer is JSON; and the work it
// started after answering ends within 10 s.
func FuzzTeamsActivity(f *testing.F) {
	fx := newFixture(f, 0)
	activity := func(typ, id, from, text string) map[string]any {
		a := fx.activity(typ, id, from, text)
		a["serviceUrl"] = serviceURLMark
		return a
	}
	add := func(a any) {
		b, err := json.Marshal(a)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	add(activity("message", "m1", "29:rita", "<at>Incumbent</at> gap acme"))
	add(activity("message", "m2", "29:rita", "gap southern"))
	add(activity("message", "m3", "29:nora", "<p><at>Incumbent</at>&nbsp;grade <b>Acme</b></p>"))
	add(activity("message", "m4", "29:stranger", "help"))
	add(activity("message", "m5", "29:nobody", "deal acme give 5% on gloves get 100 W-1"))
	add(inChannel(activity("message", "1700", "29:nora", "<at>Incumbent</at>&nbsp;gap acme")))
	sub := activity("message", "m6", "29:rita", "")
	sub["value"] = map[string]any{"command": "grade A1"}
	add(sub)
	inv := activity("invoke", "i1", "29:rita", "")
	inv["name"] = "adaptiveCard/action"
	inv["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "run", "data": map[string]any{"command": "growth A1"}}}
	add(inv)
	other := activity("invoke", "i2", "29:rita", "")
	other["name"] = "composeExtension/query"
	add(other)
	empty := activity("invoke", "i3", "29:rita", "")
	empty["name"] = "adaptiveCard/action"
	empty["value"] = "nope"
	add(empty)
	add(activity("conversationUpdate", "c1", "29:rita", ""))
	inst := activity("installationUpdate", "u1", "29:nora", "")
	inst["action"] = "add"
	add(inst)
	foreign := activity("message", "m7", "29:rita", "gap acme")
	foreign["conversation"] = map[string]any{"id": "a:x", "conversationType": "personal", "tenantId": "another-tenant"}
	add(foreign)
	add(activity("typing", "t1", "29:rita", ""))
	for _, s := range []string{
		`{"type":"message","serviceUrl":"` + serviceURLMark + `","channelId":"msteams"}`,
		`{"type":"message","serviceUrl":"` + serviceURLMark + `","conversation":{"id":"a:1"},"from":null,"text":"gap acme"}`,
		`{"type":"message","serviceUrl":"https://evil.example/","conversation":{"id":"a:1"},"text":"gap acme"}`,
		`{"type":"message","serviceUrl":"` + serviceURLMark + `","conversation":{"id":"a/../../x?y#z"},"id":"m/1","from":{"id":"29:rita"},"text":"help"}`,
		`{"type":"message",`, `null`, `[]`, `""`, ``,
	} {
		f.Add(s)
	}
	token := fx.bf.Token(teamstest.TokenClaims{Audience: fx.bf.AppID, ServiceURL: fx.bf.ConnectorURL})
	client := &http.Client{Timeout: 10 * time.Second}
	f.Fuzz(func(t *testing.T, body string) {
		body = strings.ReplaceAll(body, serviceURLMark, fx.bf.ConnectorURL)
		req, err := http.NewRequest(http.MethodPost, fx.url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%q: reading the answer: %v", body, err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%q: status %d: %s", body, resp.StatusCode, got)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && !json.Valid(got) {
			t.Fatalf("%q: the JSON answer is not JSON: %s", body, got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := fx.h.Wait(ctx); err != nil {
			t.Fatalf("%q: the work after the answer did not end: %v", body, err)
		}
	})
}

// FuzzStripMentions checks that no text makes StripMentions panic, and that what it
// returns has no <at> mention left, no white space at either end and no run of white
// space, and is valid UTF-8 when the text was.
func FuzzStripMentions(f *testing.F) {
	for _, s := range []string{
		"<at>Incumbent</at> gap acme", "<p><at>Incumbent</at>&nbsp;grade <b>Acme</b></p>", "gap O&#39;Brien &amp; Sons",
		"  deal acme give 5% on gloves\n get 100 W-1 ", "<at>Incumbent", "<AT id=\"0\">Incumbent</AT>gap", "<at><at>x</at></at>help",
		"&lt;at&gt;Incumbent&lt;/at&gt; gap", "&nbsp;&#160;&#x2003;gap\u00a0acme\u2003", "<<at>>", "<a\nhref='x'>acme</a>", "\xff<at>\xfe</at>",
		"", " ", "&", "&#0;", "&#x110000;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := teams.StripMentions(s)
		if strings.Contains(strings.ToLower(got), "<at>") {
			t.Errorf("StripMentions(%q) = %q: a mention is left", s, got)
		}
		if got != strings.TrimFunc(got, unicode.IsSpace) {
			t.Errorf("StripMentions(%q) = %q: white space at an end", s, got)
		}
		if strings.Contains(got, "  ") {
			t.Errorf("StripMentions(%q) = %q: a run of spaces", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("StripMentions(%q) = %q: not valid UTF-8", s, got)
		}
	})
}
