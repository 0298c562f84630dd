package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// standIn plays Slack's Web API, the commands' response_url and an OpenAI-compatible
// model for the server under load, and counts what the server sends it: one answer per
// deferred slash command (by its response_url) and per mention (by its thread). A fault
// makes it fail part of the calls while it is on.
type standIn struct {
	email string // what users.info says of every user
	// channels are what conversations.list lists: the data set's digest channels, so
	// that the server can tell they are not shared with another organisation.
	channels []string

	mu        sync.Mutex
	responses map[string]int  // response_url id → deliveries
	threads   map[string]int  // mention ts → answers in its thread
	tried     map[string]bool // Slack calls failed once by the fault
	fault     string          // the fault switched on now ("" none)
	calls     atomic.Int64    // model calls while an llm fault was on
	failed    atomic.Int64    // of which answered with the fault
	drafts    atomic.Int64    // model calls
	sorry     atomic.Int64    // answers that apologise instead (the store failed)
	unknown   atomic.Int64    // answers that do not know the account asked about
	digests   atomic.Int64    // weekly digests posted (the scheduler's, while under load)
}

// apology is how the bot answers when something on its side failed.
const apology = "Something went wrong on our side"

// noAccount is how the bot answers a command about an account it does not hold: the
// server was not given the data set the accounts were read from.
const noAccount = "No account matches"

// says reports whether a request body says phrase: as sent (JSON), or form-encoded
// (chat.postMessage through slack-go).
func says(body []byte, phrase string) bool {
	if bytes.Contains(body, []byte(phrase)) {
		return true
	}
	text, err := url.QueryUnescape(string(body))
	return err == nil && strings.Contains(text, phrase)
}

func newStandIn(email string, channels []string) *standIn {
	return &standIn{email: email, channels: channels, responses: map[string]int{}, threads: map[string]int{}, tried: map[string]bool{}}
}

// setFault switches a fault on ("" switches it off).
func (s *standIn) setFault(f string) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// faulty reports whether this call fails under the current fault of kind (slack or
// llm). Slack fails the first attempt of every call (key: what is called, with what)
// and lets its retry through, as a rate limit lets a caller through once it has waited
// Retry-After; the model fails every other call (the bot does not retry it: the
// template answers).
func (s *standIn) faulty(kind, key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault
	if f == "" || !strings.HasPrefix(f, kind+"-") {
		return "", false
	}
	if kind == "slack" {
		if s.tried[key] {
			return "", false
		}
		s.tried[key] = true
	} else if s.calls.Add(1)%2 == 0 {
		return "", false
	}
	s.failed.Add(1)
	return strings.TrimPrefix(f, kind+"-"), true
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if says(body, apology) {
		s.sorry.Add(1)
	}
	if says(body, noAccount) {
		s.unknown.Add(1)
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/response/"):
		s.mu.Lock()
		s.responses[strings.TrimPrefix(r.URL.Path, "/response/")]++
		s.mu.Unlock()
		fmt.Fprint(w, "ok")
		return
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		s.model(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/auth.test" {
		if f, ok := s.faulty("slack", r.URL.Path+"?"+string(body)); ok {
			switch f {
			case "429":
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
			default:
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"ok":false,"error":"internal_error"}`)
			}
			return
		}
	}
	switch r.URL.Path {
	case "/auth.test":
		fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT","team_id":"T1"}`)
	case "/users.info":
		fmt.Fprintf(w, `{"ok":true,"user":{"id":"U1","team_id":"T1","profile":{"email":%q}}}`, s.email)
	case "/conversations.list":
		type channel struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		list := struct {
			OK       bool      `json:"ok"`
			Channels []channel `json:"channels"`
		}{OK: true, Channels: []channel{}}
		for i, name := range s.channels {
			list.Channels = append(list.Channels, channel{ID: fmt.Sprintf("C%d", i+1), Name: name})
		}
		json.NewEncoder(w).Encode(list)
	case "/chat.postMessage":
		form, _ := url.ParseQuery(string(body))
		if ts := form.Get("thread_ts"); ts != "" {
			s.mu.Lock()
			s.threads[ts]++
			s.mu.Unlock()
		} else if strings.Contains(form.Get("blocks"), "weekly digest") {
			s.digests.Add(1)
		}
		fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
	case "/files.getUploadURLExternal": // a digest's chart
		fmt.Fprintf(w, `{"ok":true,"upload_url":"http://%s/upload","file_id":"F1"}`, r.Host)
	case "/upload":
		fmt.Fprint(w, "OK")
	case "/files.completeUploadExternal":
		fmt.Fprint(w, `{"ok":true,"files":[{"id":"F1"}]}`)
	default:
		fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1","is_ext_shared":false}}`)
	}
}

// model answers chat completions with a draft that quotes no number (so it is grounded),
// or fails under an LLM fault: 500s, or an answer slower than any sensible time-out.
func (s *standIn) model(w http.ResponseWriter, r *http.Request) {
	s.drafts.Add(1)
	if f, ok := s.faulty("llm", ""); ok {
		if f == "timeout" {
			select {
			case <-time.After(30 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"message":"overloaded","type":"server_error"}}`)
		return
	}
	content := `{"points":[{"text":"Lead with the value of what we supply, not the unit price.","facts":[]},{"text":"Trade, do not give: ask for the first order before any concession.","facts":[]}]}`
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion", "model": "stand-in",
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": content}, "finish_reason": "stop"}},
		"usage":   map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
}

// delivered returns how many times response_url id and mention ts were answered.
func (s *standIn) delivered(kind, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == "event" {
		return s.threads[id]
	}
	return s.responses[id]
}

// itoa is strconv.Itoa for ids.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
