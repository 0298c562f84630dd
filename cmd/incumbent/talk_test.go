package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeModel is an OpenAI-compatible server that answers content after delay.
type fakeModel struct {
	content string // the assistant message's content
	delay   time.Duration
}

func (m *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select { // a slow model, until the client gives up on it
	case <-time.After(m.delay):
	case <-r.Context().Done():
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion", "model": "fake",
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": m.content}, "finish_reason": "stop"}},
		"usage":   map[string]int{"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366}})
}

// grounded is a draft whose every figure was computed.
const grounded = `{"points":[{"text":"Lead with cost per use: $0.125 against $0.667 saves them about $43k a year.","facts":["offer_2_our_cost_per_use"]},{"text":"If they give us a first order of 100 W-1, we can look at 5% on gloves for 12 months: it nets the account $1,000.","facts":["net"]}]}`

// TestTalkFromEnv drafts through the command line with the model configured by the
// environment.
func TestTalkFromEnv(t *testing.T) {
	m := &fakeModel{content: grounded}
	srv := httptest.NewServer(m)
	defer srv.Close()
	db := testDB(t, "dealdata")
	if code, out := ask(t, db, "deal acme give 5% on gloves get 100 W-1"); code != 0 {
		t.Fatal(out)
	}
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": "sk-x", "INCUMBENT_LLM_MODEL": "local-llama"}
	code, out, errOut := run(t, "", env, "ask", "--db", db, "--as-of", "2026-11-27", "talk S-1")
	if code != 0 || !strings.Contains(out, "Drafted by local-llama") {
		t.Errorf("%d %s%s", code, out, errOut)
	}
	env["INCUMBENT_LLM_TIMEOUT"] = "soon"
	if code, _, errOut := run(t, "", env, "ask", "--db", db, "talk S-1"); code != exitUsage || !strings.Contains(errOut, "INCUMBENT_LLM_TIMEOUT") {
		t.Errorf("bad timeout: %d %s", code, errOut)
	}
}

// TestTalkServed runs `talk S-1` where reps ask it: in Slack (a slash command, the
// draft acknowledged at once and delivered through response_url when the model is
// slower than Slack's inline budget) and in the playground, through a served process
// drafting with an OpenAI-compatible model; and with a model that times out, the
// template answers with its one-line note.
func TestTalkServed(t *testing.T) {
	db := testDB(t, "dealdata")
	if code, out := ask(t, db, "deal acme give 5% on gloves get 100 W-1"); code != 0 {
		t.Fatal(out)
	}
	responses := make(chan string, 4)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","profile":{"email":"rita@example.com"}}}`)
		case "/response/1":
			b, _ := io.ReadAll(r.Body)
			responses <- string(b)
			fmt.Fprint(w, `ok`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer api.Close()
	for _, tt := range []struct {
		name    string
		delay   time.Duration // the model's
		timeout string        // INCUMBENT_LLM_TIMEOUT
		want    []string      // in the draft
	}{
		{"slower than the inline budget", 2500 * time.Millisecond, "10s", []string{"Drafted by local-llama", "Lead with cost per use"}},
		{"timing out", time.Second, "300ms", []string{"did not answer in time or usefully", "Drafted from the computed figures (template)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeModel{content: grounded, delay: tt.delay}
			model := httptest.NewServer(m)
			defer model.Close()
			url, stop := serve(t, map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
				"SLACK_API_URL": api.URL + "/", "OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_API_KEY": "sk-x",
				"INCUMBENT_LLM_MODEL": "local-llama", "INCUMBENT_LLM_TIMEOUT": tt.timeout})
			defer stop()
			body := "command=%2Fincumbent&text=talk+S-1&user_id=U1&channel_id=D1&team_id=T1&response_url=" + api.URL + "/response/1"
			start := time.Now()
			resp, err := http.DefaultClient.Do(slackRequest(url+"/slack/commands", "application/x-www-form-urlencoded", body, "s3cr3t", 0))
			if err != nil {
				t.Fatal(err)
			}
			ack, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			took := time.Since(start)
			var draft string
			if strings.Contains(string(ack), "Working on `talk S-1`") {
				if took > 2900*time.Millisecond {
					t.Errorf("acknowledged after %v, past Slack's 3 s", took)
				}
				select {
				case draft = <-responses:
				case <-time.After(15 * time.Second):
					t.Fatal("no draft through response_url")
				}
			} else {
				draft = string(ack) // the template answered within the budget
			}
			for _, w := range tt.want {
				if !strings.Contains(draft, w) {
					t.Errorf("Slack draft lacks %q:\n%s", w, draft)
				}
			}
			if !strings.Contains(draft, `"response_type":"ephemeral"`) || !strings.Contains(draft, `share-`) {
				t.Errorf("the draft is not shown to the asker first, with Share in channel:\n%s", draft)
			}
			if strings.Contains(draft, "50%") {
				t.Errorf("an ungrounded figure reached Slack:\n%s", draft)
			}
			// The playground.
			if code, html := askAPI(t, url, "talk S-1", "rita@example.com"); code != 200 || !strings.Contains(html, tt.want[0]) {
				t.Errorf("playground: %d %s", code, html)
			}
		})
	}
}
