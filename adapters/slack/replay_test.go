package slack_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/memory"
)

// signedRequest is a request signed as Slack signs it, that can be sent again as it is
// (a replay), with its signature's hex digits in another case if need be.
type signedRequest struct {
	path, body, ts, sig string
}

func signRequest(path, body string, at time.Time) signedRequest {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	return signedRequest{path: path, body: body, ts: ts, sig: hex.EncodeToString(mac.Sum(nil))}
}

// send posts the request with its signature's hex as caseOf makes it; it returns the
// status and the Retry-After header.
func (s signedRequest) send(t *testing.T, base string, caseOf func(string) string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+s.path, strings.NewReader(s.body))
	req.Header.Set("Content-Type", form)
	req.Header.Set("X-Slack-Request-Timestamp", s.ts)
	req.Header.Set("X-Slack-Signature", "v0="+caseOf(s.sig))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

func same(s string) string { return s }

// mixedCase upper-cases every other letter.
func mixedCase(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i += 2 {
		if b[i] >= 'a' && b[i] <= 'f' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

// TestReplayLetterCase replays a captured "Share in channel" with its signature's hex
// in upper and in mixed case (slack-go decodes hex whatever its case, so both verify):
// each is the same request, refused, and the reply is shared once.
func TestReplayLetterCase(t *testing.T) {
	_, f, base := setup(t)
	share := `{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","thread_ts":"1700000000.000100"},"actions":[{"action_id":"share-3","block_id":"b","type":"button","value":"gap acme"}]}`
	req := signRequest("/slack/interactions", interaction(share), time.Now())
	if code, _ := req.send(t, base, same); code != 200 {
		t.Fatalf("the request itself: %d", code)
	}
	f.wait("chat.postMessage")
	for _, tt := range []struct {
		name   string
		caseOf func(string) string
	}{
		{"upper case", strings.ToUpper},
		{"mixed case", mixedCase},
		{"as captured", same},
	} {
		if code, _ := req.send(t, base, tt.caseOf); code != 401 {
			t.Errorf("replayed in %s: status %d, want 401", tt.name, code)
		}
	}
	if n := f.calls("chat.postMessage"); n != 1 {
		t.Errorf("shared %d times, want once", n)
	}
}

// TestReplayWholeWindow sends a request stamped nearly five minutes ahead (slack-go
// accepts it), then replays it when six minutes have passed for the replay memory: the
// timestamp is still good, so the mark must be too.
func TestReplayWholeWindow(t *testing.T) {
	h, f, base := setup(t)
	var mu sync.Mutex
	now := time.Now()
	h.Dedupe = &memory.Store{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	req := signRequest("/slack/commands", command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1"), time.Now().Add(4*time.Minute+50*time.Second))
	if code, _ := req.send(t, base, same); code != 200 {
		t.Fatalf("the request itself: %d", code)
	}
	mu.Lock()
	now = now.Add(6*time.Minute + 10*time.Second)
	mu.Unlock()
	if code, _ := req.send(t, base, same); code != 401 {
		t.Errorf("replayed 6 minutes later, within its timestamp's window: status %d, want 401", code)
	}
}

// TestReplayAfterFlood captures a signed request, then floods the replay memory with
// as many distinct signed requests as it holds (each leaves one mark): the captured
// request replayed is still refused, and a new request while the memory is full is
// refused with 503 and Retry-After, never let through unchecked.
func TestReplayAfterFlood(t *testing.T) {
	h, f, base := setup(t)
	mem := &memory.Store{}
	h.Dedupe, h.Cursors = mem, mem
	captured := signRequest("/slack/commands", command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1"), time.Now())
	if code, _ := captured.send(t, base, same); code != 200 {
		t.Fatalf("the request itself: %d", code)
	}
	// The flood's marks, as its requests leave them (sending them all through HTTP
	// would take minutes): then a few real ones through HTTP.
	for i := range memory.MaxMarks - 1 {
		mem.FirstSeen(t.Context(), fmt.Sprintf("slack:sig:%064x", i), 11*time.Minute)
	}
	for i := range 3 {
		req := signRequest("/slack/commands", command("/gap", fmt.Sprintf("flood %d", i), "U_RITA", "C1", f.srv.URL+"/response/2"), time.Now())
		code, retry := req.send(t, base, same)
		if code != 503 || retry == "" {
			t.Errorf("a new request while the replay memory is full: status %d, Retry-After %q; want 503 with Retry-After", code, retry)
		}
		if n, err := strconv.Atoi(retry); err != nil || n < 1 || n > 11*60 {
			t.Errorf("Retry-After %q", retry)
		}
	}
	if code, _ := captured.send(t, base, same); code != 401 {
		t.Errorf("the captured request replayed after the flood: status %d, want 401", code)
	}
	if n := f.calls("response/2"); n != 0 {
		t.Errorf("%d flood requests answered", n)
	}
}
