package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// asMainEnv, set in a child process's environment, makes the test binary run main with
// its arguments instead of the tests: a real process that a test can kill.
const asMainEnv = "INCUMBENT_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// process runs `incumbent args…` as a child process (this test binary running main) with
// only the environment env, and kills it when the test ends.
func process(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{asMainEnv + "=1"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("incumbent %s:\n%s", strings.Join(args, " "), out.String())
		}
	})
	return cmd
}

// kill kills the process as a crash or the OOM killer would (SIGKILL: no shutdown).
func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// dueNow imports the digest test data with both territories' digests due an hour ago by
// the real clock (a child process has no injected clock), each to its own Slack channel.
func dueNow(t *testing.T) (db string) {
	t.Helper()
	due := time.Now().UTC().Add(-time.Hour)
	day, hour := strings.ToLower(due.Weekday().String()[:3]), due.Hour()
	return digestDBWith(t, fmt.Sprintf("territory,manager,digest_channel,timezone,digest_day,digest_hour\n"+
		"North,nora@example.com,#sales-north,UTC,%s,%d\nSouth,sam@example.com,#sales-south,UTC,%s,%d\n", day, hour, day, hour))
}

// digestDBWith imports the digest test data with territories.csv replaced by
// territories into a new database.
func digestDBWith(t *testing.T, territories string) (db string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testdata("digestdata"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "territories.csv"), []byte(territories), 0o644); err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(t.TempDir(), "incumbent.db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	return db
}

// killableSlack stands in for Slack's Web API in TestDigestKilledMidSend. A message or
// an upload it holds is answered only when the client goes away, and is then not
// accepted: Slack never got it whole.
type killableSlack struct {
	mu       sync.Mutex
	posts    map[string]int // digests accepted, by channel
	charts   map[string]int // charts shared, by channel id
	holdPost bool           // hold the next chat.postMessage
	holdFile bool           // hold the next file upload
	held     chan string    // what was held: "post #sales-north", "upload"
}

func (s *killableSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	r.ParseForm()
	io.Copy(io.Discard, r.Body) // all of it, so that a closed connection cancels r.Context()
	hold := func(flag *bool, what string) bool {
		s.mu.Lock()
		h := *flag
		*flag = false
		s.mu.Unlock()
		if h {
			s.held <- what
			<-r.Context().Done() // the process was killed
		}
		return h
	}
	switch {
	case r.URL.Path == "/auth.test":
		fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
	case r.URL.Path == "/chat.postMessage":
		channel := r.Form.Get("channel")
		if hold(&s.holdPost, "post "+channel) {
			return
		}
		s.mu.Lock()
		s.posts[channel]++
		s.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":"C-%s","ts":"1700000000.0001"}`, strings.TrimPrefix(channel, "#"))
	case r.URL.Path == "/conversations.list":
		slackChannels(w, nil)
	case r.URL.Path == "/files.getUploadURLExternal":
		fmt.Fprintf(w, `{"ok":true,"upload_url":"http://%s/upload","file_id":"F1"}`, r.Host)
	case r.URL.Path == "/upload":
		if hold(&s.holdFile, "upload") {
			return
		}
		fmt.Fprint(w, "OK")
	case r.URL.Path == "/files.completeUploadExternal":
		s.mu.Lock()
		s.charts[r.Form.Get("channel_id")]++
		s.mu.Unlock()
		fmt.Fprint(w, `{"ok":true,"files":[{"id":"F1"}]}`)
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (s *killableSlack) counts() (posts, charts map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.posts), maps.Clone(s.charts)
}

// TestDigestKilledMidSend kills real `incumbent serve` processes (SIGKILL) in the
// middle of sending a weekly digest, and restarts them, over one SQLite file:
//   - the first dies while Slack has not yet taken the first digest's message: its claim
//     outlives it, and once that has timed out a later process sends the digest;
//   - the second dies after Slack took the other digest's message, during its chart
//     upload: that digest is recorded sent already and is not posted again (its chart
//     is missing, the README's documented cost).
//
// Each territory's digest reaches Slack exactly once.
func TestDigestKilledMidSend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	db := dueNow(t)
	slack := &killableSlack{posts: map[string]int{}, charts: map[string]int{}, held: make(chan string, 1)}
	api := httptest.NewServer(slack)
	defer api.Close()
	env := map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
		"SLACK_API_URL": api.URL, "INCUMBENT_PLAYGROUND": "off", "INCUMBENT_DIGEST_CLAIM_TIMEOUT": "6s",
		"INCUMBENT_LOG_LEVEL": "debug"}
	args := []string{"serve", "--addr", "127.0.0.1:0"}
	waitHeld := func() string {
		t.Helper()
		select {
		case what := <-slack.held:
			return what
		case <-time.After(60 * time.Second):
			t.Fatal("no digest was sent within 60 s")
			return ""
		}
	}

	// 1. Killed while posting the first digest: Slack has not taken it.
	slack.mu.Lock()
	slack.holdPost = true
	slack.mu.Unlock()
	p1 := process(t, env, args...)
	first := strings.TrimPrefix(waitHeld(), "post ")
	kill(t, p1)
	claimedAt := time.Now()

	// 2. Restarted at once: the first digest's claim is still fresh, so the next process
	// leaves it alone (unless it started slowly) and sends the other, whose chart upload
	// it is killed in.
	slack.mu.Lock()
	slack.holdFile = true
	slack.mu.Unlock()
	p2 := process(t, env, args...)
	if what := waitHeld(); what != "upload" {
		t.Fatalf("held %q, want a chart upload", what)
	}
	kill(t, p2)
	posts, charts := slack.counts()
	if time.Since(claimedAt) < 6*time.Second && posts[first] != 0 {
		t.Errorf("%s's digest was sent again while its dead process's claim was fresh", first)
	}

	// 3. Restarted: the first digest goes out once its claim has timed out; the second
	// is not posted again. The test waits until the store records both as sent and the
	// first one's chart is shared (it is recorded sent once Slack has taken the post,
	// before the chart goes up): a sent digest is never claimed again, so the counts are
	// then final.
	p3 := process(t, env, args...)
	store := openStore(t, db)
	var recs []domain.DigestDelivery
	sent := func() bool {
		var err error
		if recs, err = store.FindDigestDeliveries(context.Background(), ""); err != nil {
			t.Logf("reading the deliveries: %v", err)
			return false
		}
		n := 0
		for _, r := range recs {
			if r.Status == domain.DigestSent {
				n++
			}
		}
		_, charts := slack.counts()
		return n == 2 && charts["C-"+strings.TrimPrefix(first, "#")] > 0
	}
	if !eventually(t, 90*time.Second, sent) {
		t.Errorf("within 90 s, the deliveries are %+v, want both sent, and the first one's chart shared", recs)
	}
	kill(t, p3)
	want := map[string]int{"#sales-north": 1, "#sales-south": 1}
	posts, charts = slack.counts()
	if diff := cmp.Diff(want, posts); diff != "" {
		t.Errorf("digests posted to Slack (-want +got):\n%s", diff)
	}
	firstID := "C-" + strings.TrimPrefix(first, "#")
	if charts[firstID] != 1 || len(charts) != 1 {
		t.Errorf("charts shared %v: want one, with %s's digest (the other's upload died with its process)", charts, first)
	}

	if len(recs) != 2 {
		t.Fatalf("delivery records: %+v", recs)
	}
	for _, r := range recs {
		if r.Status != domain.DigestSent || !strings.HasPrefix(r.Detail, "Slack C-sales-") {
			t.Errorf("%s: %s %q, want sent to Slack", r.Territory, r.Status, r.Detail)
		}
		if "#sales-"+strings.ToLower(r.Territory) == first && r.Attempts != 2 {
			t.Errorf("%s: %d attempts, want 2 (the killed one and the one after its claim timed out)", r.Territory, r.Attempts)
		}
	}
}
