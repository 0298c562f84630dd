package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// slackChannels answers conversations.list for the fake Web APIs of these tests: the
// digest channels of the test data and of the demo company, shared with another
// organisation (Slack Connect) when shared says so.
func slackChannels(w http.ResponseWriter, shared map[string]bool) {
	var chs []string
	names := []string{"sales-north", "sales-south", "sales-northeast", "sales-great-lakes", "sales-gulf-coast",
		"sales-pacific-northwest", "sales-mountain-west", "sales-southeast", "sales-upper-midwest", "sales-mid-atlantic",
		"sales-southwest", "sales-southern-california", "sales-southern-plains", "sales-ohio-valley"}
	for i, name := range names {
		chs = append(chs, fmt.Sprintf(`{"id":"C%03d","name":%q,"is_ext_shared":%v}`, i, name, shared[name]))
	}
	fmt.Fprintf(w, `{"ok":true,"channels":[%s],"response_metadata":{"next_cursor":""}}`, strings.Join(chs, ","))
}

// TestDigestSlackConnectRefused: a weekly digest set to a channel shared with another
// organisation is not posted there (the rule of replies), and /readyz says why; the
// other territory's digest goes out. With INCUMBENT_ALLOW_EXTERNAL=on it is posted.
func TestDigestSlackConnectRefused(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow external %v", allow), func(t *testing.T) {
			var mu sync.Mutex
			digests := map[string]int{}
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/conversations.list":
					slackChannels(w, map[string]bool{"sales-great-lakes": true})
				case "/chat.postMessage":
					r.ParseForm()
					mu.Lock()
					digests[r.Form.Get("channel")]++
					mu.Unlock()
					fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
				default:
					fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
				}
			}))
			defer api.Close()
			env := map[string]string{"INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db"), "SLACK_BOT_TOKEN": "xoxb-1",
				"SLACK_SIGNING_SECRET": "s3cr3t", "SLACK_API_URL": api.URL, "INCUMBENT_PLAYGROUND": "off"}
			if allow {
				env["INCUMBENT_ALLOW_EXTERNAL"] = "on"
			}
			url, _ := serve(t, env)
			sent := func() map[string]int {
				mu.Lock()
				defer mu.Unlock()
				out := map[string]int{}
				for k, v := range digests {
					out[k] = v
				}
				return out
			}
			var body string
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				_, body = httpGet(t, url+"/readyz")
				if s := sent(); s["#sales-northeast"] == 1 && (allow && s["#sales-great-lakes"] == 1 || !allow && strings.Contains(body, "Great Lakes: the digest of")) {
					break
				}
			}
			s := sent()
			if s["#sales-northeast"] != 1 {
				t.Errorf("Northeast's digest posted %d times, want once", s["#sales-northeast"])
			}
			if allow {
				if s["#sales-great-lakes"] != 1 {
					t.Errorf("with external channels allowed, Great Lakes' digest posted %d times, want once", s["#sales-great-lakes"])
				}
				return
			}
			if n := s["#sales-great-lakes"]; n != 0 {
				t.Errorf("Great Lakes' digest posted %d times to a channel shared with another organisation", n)
			}
			for _, want := range []string{`"status":"degraded"`, "Great Lakes: the digest of 2026-11-25 failed",
				"digest_channel #sales-great-lakes is shared with another organisation (Slack Connect)", "INCUMBENT_ALLOW_EXTERNAL=on"} {
				if !strings.Contains(body, want) {
					t.Errorf("readyz lacks %q: %s", want, body)
				}
			}
		})
	}
}
