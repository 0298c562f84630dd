package slack_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
)

// fuzzEndpoints are the HTTP endpoints FuzzSlackPayloads posts to, with their content
// type. An interaction's fuzzed bytes are the JSON of its payload= form field.
var fuzzEndpoints = []struct{ path, contentType string }{
	{"/slack/commands", form},
	{"/slack/events", "application/json"},
	{"/slack/interactions", form},
}

// fuzzSlackFixture is setup's handler for a fuzzing process: the test company, the
// fake Web API (whose calls are drained, not kept), and an HTTP client for response_url
// that dials the fake Web API whatever the URL names, so that a fuzzed response_url
// goes nowhere else.
func fuzzSlackFixture(f *testing.F) (*slack.Handler, *fakeSlack, string) {
	fs := &fakeSlack{got: make(chan call, 100), external: map[string]bool{"C_EXT": true},
		socket: make(chan []byte, 10), acks: make(chan []byte, 10)}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	f.Cleanup(fs.srv.Close)
	done := make(chan struct{})
	f.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case <-fs.got:
			case <-done:
				return
			}
		}
	}()
	addr := fs.srv.Listener.Addr().String()
	anyURL := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	b := bot.New(company(f))
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mem := &memory.Store{}
	h := &slack.Handler{Bot: b, Directory: directory{b}, Dedupe: mem, Cursors: mem,
		Client:     goslack.New("xoxb-test", goslack.OptionAPIURL(fs.srv.URL+"/"), goslack.OptionAppLevelToken("xapp-test")),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		HTTPClient: anyURL, BotUserID: "U_BOT"}
	mux := http.NewServeMux()
	h.Routes(func(p, _ string, hh http.Handler) { mux.Handle(p, hh) }, secret)
	srv := httptest.NewServer(mux)
	f.Cleanup(srv.Close)
	f.Cleanup(func() { h.Wait(context.Background()) })
	return h, fs, srv.URL
}

// FuzzSlackPayloads posts fuzzed bodies, correctly signed, to the HTTP mode's three
// endpoints (which one is the first argument, modulo three): slash command forms,
// Events API JSON, and the JSON of an interaction's payload field. The handler never
// panics; it answers within 10 s with one of its documented statuses (200, 400, 401
// for a replay, 413), a JSON answer is valid JSON, and the work it started after
// answering ends within 10 s.
func FuzzSlackPayloads(f *testing.F) {
	h, fs, base := fuzzSlackFixture(f)
	respURL := fs.srv.URL + "/response/fuzz"
	event := func(id, inner string) string {
		return fmt.Sprintf(`{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":%q,"event_time":1700000000,"event":%s}`, id, inner)
	}
	press := func(user, value string) string {
		return fmt.Sprintf(`{"type":"block_actions","user":{"id":%q},"channel":{"id":"C1"},"response_url":%q,"container":{"type":"message","channel_id":"C1","is_ephemeral":true},"actions":[{"action_id":"run-0","block_id":"b","type":"button","value":%q}]}`, user, respURL, value)
	}
	for _, s := range []string{
		command("/gap", "acme", "U_RITA", "C1", respURL), command("/gap", "southern", "U_RITA", "C1", respURL),
		command("/incumbent", "grade acme", "U_OPS", "C1", respURL), command("/deal", "acme", "U_RITA", "C1", respURL),
		command("/deal", "acme give 5% on gloves get 100 W-1", "U_NORA", "C_EXT", respURL),
		command("/help", "", "U_WHO", "D1", respURL), command("/gap", "acme", "", "C1", respURL),
		"command=%2Fgap&text=acme&user_id=U_RITA&response_url=http%3A%2F%2F%5B%3A%3A1", "command=%zz", "",
	} {
		f.Add(uint8(0), s)
	}
	for _, s := range []string{
		`{"token":"x","challenge":"abc123","type":"url_verification"}`, `{"type":"url_verification","challenge":1}`,
		event("Ev1", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":"1700000000.000100","channel":"C1","event_ts":"1700000000.000100"}`),
		event("Ev2", `{"type":"message","channel_type":"im","user":"U_RITA","text":"grade acme","ts":"1700000000.000300","channel":"D1","event_ts":"1700000000.000300"}`),
		event("Ev3", `{"type":"message","channel_type":"im","user":"U_BOT","bot_id":"B1","text":"Acme","ts":"1700000000.000400","channel":"D1"}`),
		event("Ev4", `{"type":"app_home_opened","user":"U_RITA","channel":"D1","tab":"home","event_ts":"1"}`),
		event("Ev5", `{"type":"app_mention","user":"U_WHO","text":"<@U_BOT> <@U_BOT>","ts":"1.2","channel":"C_EXT"}`),
		event("", `{"type":"message","channel_type":"im","user":"U_RITA","text":"","channel":"D1"}`),
		event("Ev6", `{"type":"reaction_added"}`), event("Ev7", `null`), event("Ev8", `[]`),
		`{"type":"app_rate_limited"}`, `{"type":`, `null`, `"x"`, "",
	} {
		f.Add(uint8(1), s)
	}
	for _, s := range []string{
		press("U_RITA", "grade A1"), press("U_RITA", "gap A2"), press("U_WHO", "help"),
		`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","thread_ts":"1700000000.000100"},"actions":[{"action_id":"share-3","block_id":"b","type":"button","value":"gap acme"}]}`,
		`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"actions":[{"action_id":"frobnicate","block_id":"b","type":"button","value":"x"}]}`,
		`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"response_url":"https://hooks.slack.com/x","actions":[{"action_id":"more-1","block_id":"b","type":"button","value":"cursor"}]}`,
		`{"type":"view_submission","user":{"id":"U_RITA"},"view":{"id":"V1","callback_id":"deal_builder","private_metadata":"{\"account\":\"acme\",\"channel\":\"C1\"}","state":{"values":{}}}}`,
		`{"type":"view_submission","user":{"id":"U_RITA"},"view":{"id":"V1","callback_id":"deal_builder","private_metadata":"nope"}}`,
		`{"type":"shortcut","user":{"id":"U_RITA"}}`, `{"type":"block_actions","actions":[]}`, `{"type":""}`, `{`, "",
	} {
		f.Add(uint8(2), s)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, which uint8, payload string) {
		ep := fuzzEndpoints[int(which)%len(fuzzEndpoints)]
		body := payload
		if ep.path == "/slack/interactions" {
			body = url.Values{"payload": {payload}}.Encode()
		}
		// A signature is refused when seen before: move the timestamp back a second
		// with each request (within Slack's five minutes) so that the same body sent
		// again is, most of the time, a new request.
		ts := strconv.FormatInt(time.Now().Unix()-n.Add(1)%240, 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + ts + ":" + body))
		req, err := http.NewRequest(http.MethodPost, base+ep.path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ep.contentType)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %q: %v", ep.path, body, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %q: reading the answer: %v", ep.path, body, err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%s %q: status %d: %s", ep.path, body, resp.StatusCode, got)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && !json.Valid(got) {
			t.Fatalf("%s %q: the JSON answer is not JSON: %s", ep.path, body, got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Wait(ctx); err != nil {
			t.Fatalf("%s %q: the work after the answer did not end: %v", ep.path, body, err)
		}
		// Keep the fake Web API's log from growing over a long run.
		fs.mu.Lock()
		fs.log = fs.log[:0]
		fs.mu.Unlock()
	})
}
