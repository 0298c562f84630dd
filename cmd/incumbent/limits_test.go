package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/teams/teamstest"
)

// TestBodiesLimited serves Slack, Teams and the playground at once and sends each POST
// route a body over its limit, signed or with a valid token, so that only its size is
// wrong: each is refused with 413 and nothing runs (no call reaches Slack's Web API or
// the Bot Framework Connector). Then the same routes still answer a request of a normal
// size, from another person in another conversation: once their answers have reached
// Slack and the Connector, anything the refused requests had started would have too,
// so the test waits for those rather than a fixed time.
func TestBodiesLimited(t *testing.T) {
	// slackCalls counts the calls a refused request would have caused had it run: the
	// asker (U1) looked up, an answer posted to C1 or to the response_url (not the
	// start-up's auth.test, nor a digest due at start-up). answered counts the answers
	// posted to C2, where the request of a normal size afterwards is made.
	var slackCalls, answered atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.URL.Path == "/users.info" && r.FormValue("user") == "U1" || r.URL.Path == "/respond" || r.FormValue("channel") == "C1" {
			slackCalls.Add(1)
		}
		if r.URL.Path == "/chat.postMessage" && r.FormValue("channel") == "C2" {
			answered.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","profile":{"email":"ops@example.com"}}}`)
		default:
			fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
		}
	}))
	defer api.Close()
	bf := teamstest.New(t)
	const secret = "s3cr3t"
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db"),
		"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": api.URL,
		"MICROSOFT_APP_ID": bf.AppID, "MICROSOFT_APP_PASSWORD": bf.Password,
		"MICROSOFT_OPENID_METADATA_URL": bf.MetadataURL, "MICROSOFT_TOKEN_URL": bf.TokenURL,
		"MICROSOFT_SERVICE_URL_HOSTS": "127.0.0.1"})

	// Each makes a body of at least n bytes (a pad field) that is otherwise what its route takes.
	command := func(n int) string {
		return "command=%2Fincumbent&text=gap+acme&user_id=U1&channel_id=C1&response_url=" + api.URL + "/respond&pad=" + strings.Repeat("a", n)
	}
	event := func(n int) string {
		return `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.1","text":"<@B1> gap acme"},"pad":"` + strings.Repeat("a", n) + `"}`
	}
	interaction := func(n int) string {
		return "payload=" + strings.Repeat("a", n)
	}
	activity := func(n int) string {
		b, _ := json.Marshal(map[string]any{"type": "message", "id": "1", "channelId": "msteams", "serviceUrl": bf.ConnectorURL,
			"from": map[string]any{"id": "29:x"}, "conversation": map[string]any{"id": "a:1", "conversationType": "personal", "tenantId": "t1"},
			"text": "gap acme", "pad": strings.Repeat("a", n)})
		return string(b)
	}
	otherEvent := `{"type":"event_callback","event_id":"Ev2","event":{"type":"app_mention","user":"U2","channel":"C2","ts":"2.2","text":"<@B1> gap acme"}}`
	otherActivity := strings.Replace(strings.Replace(activity(0), `"a:1"`, `"a:2"`, 1), `"29:x"`, `"29:y"`, 1)
	ask := func(n int) string { return `{"text":"gap acme` + strings.Repeat(" ", n) + `"}` }
	post := func(route, body string) (int, string) {
		t.Helper()
		var req *http.Request
		switch {
		case strings.HasPrefix(route, "/slack/"):
			ctype := "application/x-www-form-urlencoded"
			if route == "/slack/events" {
				ctype = "application/json"
			}
			req = slackRequest(url+route, ctype, body, secret, 0)
		case route == "/api/messages":
			req = mustRequest(t, http.MethodPost, url+route, body)
			req.Header.Set("Authorization", "Bearer "+bf.Token(teamstest.TokenClaims{Audience: bf.AppID, ServiceURL: bf.ConnectorURL}))
			req.Header.Set("Content-Type", "application/json")
		default:
			req = mustRequest(t, http.MethodPost, url+route, body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Incumbent-Playground", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", route, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	routes := []struct {
		route string
		limit int // the route's own limit, below the server's 1 MiB
		body  func(n int) string
	}{
		{"/slack/commands", 256 << 10, command},
		{"/slack/events", 256 << 10, event},
		{"/slack/interactions", 256 << 10, interaction},
		{"/api/messages", 256 << 10, activity},
		{"/api/ask", 64 << 10, ask},
	}
	for _, r := range routes {
		for _, size := range []int{r.limit + 1, 2 << 20} {
			if code, body := post(r.route, r.body(size)); code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s with a body of %d bytes: %d %.200s", r.route, size, code, body)
			}
		}
	}
	if code, body := post("/nowhere", strings.Repeat("a", 2<<20)); code != http.StatusNotFound && code != http.StatusRequestEntityTooLarge {
		t.Errorf("an unknown route with 2 MiB: %d %.200s", code, body)
	}

	// Still serving: the same routes answer a request of a normal size. The event and
	// the activity come from another person in another conversation, and their answers
	// are what the test waits for.
	if code, body := post("/slack/events", otherEvent); code != 200 {
		t.Errorf("/slack/events afterwards: %d %.200s", code, body)
	}
	if code, _ := post("/api/messages", otherActivity); code != 200 {
		t.Errorf("/api/messages afterwards: %d", code)
	}
	if !eventually(t, 60*time.Second, func() bool { return answered.Load() > 0 }) {
		t.Fatal("the event of a normal size was not answered in C2 within 60 s")
	}
	for _, a := range bf.WaitActivities(t, 1, 60*time.Second) {
		if a.ConversationID != "a:2" {
			t.Errorf("the Connector got an activity for %q after refused requests: %s", a.ConversationID, a.Raw)
		}
	}
	if n := slackCalls.Load(); n != 0 {
		t.Errorf("%d calls reached Slack's Web API for refused requests", n)
	}
	if code, body := post("/slack/commands", command(10)); code != 200 {
		t.Errorf("/slack/commands afterwards: %d %.200s", code, body)
	}
	if code, body := post("/api/ask", ask(1)); code != 200 || !bytes.Contains([]byte(body), []byte("Acme")) {
		t.Errorf("/api/ask afterwards: %d %.200s", code, body)
	}
}

// TestSettingsSizeLimited: a settings file over 1 MiB (here valid TOML: comments) is
// refused, naming the file and the limit, without being read further; one of exactly
// 1 MiB is read.
func TestSettingsSizeLimited(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		path := filepath.Join(dir, name)
		line := "# " + strings.Repeat("x", 61) + "\n" // 64 bytes
		text := strings.Repeat(line, size/len(line)) + strings.Repeat("#", size%len(line))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	big, fits := write("big.toml", 1<<20+1), write("fits.toml", 1<<20)
	code, out, errOut := run(t, "", nil, "ask", "--db", filepath.Join(dir, "none.db"), "--settings", big, "help")
	if code == 0 || !strings.Contains(errOut, "settings "+big+": the file is over 1 MiB") {
		t.Errorf("a settings file of 1 MiB and a byte: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := loadSettings(fits); err != nil {
		t.Errorf("a settings file of 1 MiB: %v", err)
	}
}
