package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// alertSlack stands in for Slack's Web API in TestAlertKilledMidSend: it counts the
// messages it accepts by channel, and holds the first one to holdFor until the client
// goes away (the process was killed), which is then not accepted.
type alertSlack struct {
	mu      sync.Mutex
	posts   map[string]int
	holdFor string
	held    chan struct{}
}

func (s *alertSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	r.ParseForm()
	io.Copy(io.Discard, r.Body)
	switch r.URL.Path {
	case "/auth.test":
		fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT","team_id":"T1"}`)
	case "/chat.postMessage":
		channel := r.Form.Get("channel")
		s.mu.Lock()
		hold := s.holdFor != "" && channel == s.holdFor
		if hold {
			s.holdFor = ""
		}
		s.mu.Unlock()
		if hold {
			s.held <- struct{}{}
			<-r.Context().Done()
			return
		}
		s.mu.Lock()
		s.posts[channel]++
		s.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":"D-%s","ts":"1700000000.0001"}`, channel)
	case "/users.lookupByEmail":
		fmt.Fprint(w, `{"ok":false,"error":"users_not_found"}`)
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (s *alertSlack) count(channel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts[channel]
}

// TestAlertKilledMidSend kills a real `incumbent serve` (SIGKILL) while Slack holds a
// rep's daily alert, restarts it at once (the dead claim is still fresh: nothing is
// sent) and again after the claim timed out: the alert reaches Slack once, and a
// further process sends nothing more that day.
func TestAlertKilledMidSend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "incumbent.db")
	for _, d := range []string{"alertdata", "alertdata-delta"} {
		if code, out, errOut := run(t, "", nil, "import", "--db", db, testdata(d)); code != 0 {
			t.Fatalf("import %s: %d\n%s%s", d, code, out, errOut)
		}
	}
	hour := time.Now().UTC().Add(-time.Hour).Hour()
	if code, out, errOut := run(t, "", nil, "ask", "--db", db, "--as", "rita@example.com", fmt.Sprintf("alerts settings %d", hour)); code != 0 {
		t.Fatalf("alerts settings: %d\n%s%s", code, out, errOut)
	}
	slack := &alertSlack{posts: map[string]int{}, holdFor: "U_RITA", held: make(chan struct{}, 1)}
	api := httptest.NewServer(slack)
	defer api.Close()
	env := map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
		"SLACK_API_URL": api.URL, "INCUMBENT_PLAYGROUND": "off", "INCUMBENT_DIGEST_CLAIM_TIMEOUT": "6s",
		"INCUMBENT_AS_OF": "2026-11-27", "INCUMBENT_LOG_LEVEL": "debug"}
	args := []string{"serve", "--addr", "127.0.0.1:0"}

	p1 := process(t, env, args...)
	select {
	case <-slack.held:
	case <-time.After(60 * time.Second):
		t.Fatal("no alert was sent within 60 s")
	}
	kill(t, p1)
	killedAt := time.Now()

	store := openStore(t, db)
	var recs []domain.DigestDelivery
	sent := func() bool {
		var err error
		if recs, err = store.FindAlertDeliveries(context.Background(), "rita@example.com"); err != nil {
			t.Logf("reading the deliveries: %v", err)
			return false
		}
		return len(recs) == 1 && recs[0].Status == domain.DigestSent
	}
	p2 := process(t, env, args...)
	if !eventually(t, 90*time.Second, sent) {
		t.Fatalf("within 90 s, Rita's alert records are %+v, want one sent", recs)
	}
	if time.Since(killedAt) < 6*time.Second {
		t.Errorf("sent %v after the kill, before the dead process's claim timed out", time.Since(killedAt))
	}
	kill(t, p2)
	if recs[0].Attempts != 2 {
		t.Errorf("%d attempts, want 2 (the killed one and the one after its claim timed out)", recs[0].Attempts)
	}

	// Another process that day sends nothing more. Zoe, added now with the same hour,
	// comes after Rita in each round: once her day is recorded (nothing to send: she
	// owns nothing), the round has looked at Rita's.
	zoe := t.TempDir()
	if err := os.WriteFile(filepath.Join(zoe, "people.csv"), []byte("email,name,role,territory\nzoe@example.com,Zoe Rep,rep,North\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "", nil, "import", "--db", db, zoe); code != 0 {
		t.Fatalf("import zoe: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "", nil, "ask", "--db", db, "--as", "zoe@example.com", fmt.Sprintf("alerts settings %d", hour)); code != 0 {
		t.Fatalf("alerts settings: %d\n%s%s", code, out, errOut)
	}
	p3 := process(t, env, args...)
	if !eventually(t, 30*time.Second, func() bool {
		recs, err := store.FindAlertDeliveries(context.Background(), "zoe@example.com")
		return err == nil && len(recs) == 1 && recs[0].Status == domain.DigestSent
	}) {
		t.Fatal("the third process did not do its round within 30 s")
	}
	kill(t, p3)
	if n := slack.count("U_RITA"); n != 1 {
		t.Errorf("Rita's alert reached Slack %d times, want 1", n)
	}
}
