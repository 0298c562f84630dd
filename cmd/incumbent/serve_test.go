package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
)

// urlWriter collects what serve prints and hands over its URL.
type urlWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	url  chan string
	sent bool
}

var urlRe = regexp.MustCompile(`serving on (http://[0-9.:\[\]]+)`)

func (w *urlWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	if m := urlRe.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.url <- m[1]
	}
	return len(b), nil
}

func (w *urlWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// serve runs `incumbent serve` on a free loopback port until the test ends (or stop is
// called) and returns its URL. stop cancels it as SIGINT would and returns Main's status.
func serve(t *testing.T, env map[string]string, args ...string) (url string, stop func() int) {
	t.Helper()
	return startServe(t, env, args...)()
}

// startServe starts `incumbent serve` as serve does, and returns at once: wait waits
// for it to listen (several can so start together).
func startServe(t *testing.T, env map[string]string, args ...string) (wait func() (url string, stop func() int)) {
	t.Helper()
	wait, _ = startServeLog(t, env, args...)
	return wait
}

// serveLog is serve that also returns what the server logs.
func serveLog(t *testing.T, env map[string]string, args ...string) (url string, log fmt.Stringer) {
	t.Helper()
	wait, log := startServeLog(t, env, args...)
	url, _ = wait()
	return url, log
}

// startServeLog is startServe that also returns what the server logs (its stderr).
func startServeLog(t *testing.T, env map[string]string, args ...string) (wait func() (url string, stop func() int), log fmt.Stringer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &urlWriter{url: make(chan string, 1)}
	errOut := &urlWriter{url: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), Env{
			Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut,
			Getenv: func(k string) string { return env[k] },
			Now:    func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) },
		})
	}()
	var once sync.Once
	status := -1
	stop := func() int {
		once.Do(func() {
			cancel()
			select {
			case status = <-done:
			case <-time.After(15 * time.Second):
				t.Errorf("serve did not stop within 15 s")
			}
		})
		return status
	}
	t.Cleanup(func() { stop() })
	return func() (string, func() int) {
		t.Helper()
		select {
		case url := <-out.url:
			return url, stop
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s%s", code, out, errOut)
		case <-time.After(5 * time.Minute): // a first start makes the demo company: slow under -race
			t.Fatalf("serve did not start:\n%s%s", out, errOut)
		}
		return "", stop
	}, errOut
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func askAPI(t *testing.T, url, text, as string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text, "as": as})
	req, _ := http.NewRequest(http.MethodPost, url+"/api/ask", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Incumbent-Playground", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct{ HTML string }
	json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a.HTML
}

// TestServe starts the server the way a newcomer does (no database: demo data first),
// checks health, readiness, metrics and the playground, and stops it cleanly.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "incumbent.db")
	url, stop := serve(t, map[string]string{"INCUMBENT_DB": db})
	if code, body := httpGet(t, url+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("healthz: %d %s", code, body)
	}
	if code, body := httpGet(t, url+"/readyz"); code != 200 || !strings.Contains(body, `"store":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
	if code, body := httpGet(t, url+"/"); code != 200 || !strings.Contains(body, "Incumbent playground") || !strings.Contains(body, "— rep, ") {
		t.Errorf("page: %d %s", code, body)
	}
	code, html := askAPI(t, url, "gap acme", "")
	if code != 200 || !strings.Contains(html, "<h2>Acme Manufacturing — gap</h2>") {
		t.Errorf("gap acme: %d %s", code, html)
	}
	if code, html := askAPI(t, url, "gap zzzzzz", ""); code != 404 || !strings.Contains(html, "No account matches") {
		t.Errorf("unknown account: %d %s", code, html)
	}
	wants := []string{`incumbent_commands_total{adapter="web",command="gap",outcome="ok"} 1`,
		`incumbent_commands_total{adapter="web",command="gap",outcome="not_found"} 1`, `incumbent_command_errors_total{code="not_found"} 1`,
		`incumbent_http_requests_total{code="200",route="POST /api/ask"} 1`, "incumbent_command_duration_seconds_bucket"}
	// A request is counted when its handler returns, which can be just after the client
	// has read the response: read the metrics again until they show it (up to 5 s).
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		code, body = httpGet(t, url+"/metrics")
		all := true
		for _, want := range wants {
			all = all && strings.Contains(body, want)
		}
		if all || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s\n%s", want, grepLines(body, "incumbent_command"), grepLines(body, "incumbent_http"))
		}
	}
	if code != 200 {
		t.Errorf("metrics: %d", code)
	}
	if code, _ := httpGet(t, url+"/nowhere"); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
	if status := stop(); status != 0 {
		t.Errorf("stopped with status %d", status)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("still serving after stop")
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the demo database was not kept: %v", err)
	}
}

// TestServeEscapes imports data whose names and notes carry markup and checks that the
// playground shows it as text.
func TestServeEscapes(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"territories.csv": "territory\nNorth\n",
		"people.csv":      "email,name,role,territory\nrita@example.com,<img src=x onerror=alert(1)>,rep,North\n",
		"accounts.csv":    "account_id,name,territory\nX1,<script>alert('acct')</script>,North\n",
		"products.csv":    "sku,name,category,list_price,unit_cost,uses_per_unit\nG-1,Gloves,Gloves,10,6,100\n",
		"sales.csv":       "date,account_id,sku,quantity,amount,cost\n2026-06-01,X1,G-1,10,100,60\n",
		"competitor_offers.csv": "competitor,sku,account_id,price,uses_per_unit,weaknesses\n" +
			"Rival,G-1,X1,9,90,<script>alert('weak')</script>\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "x.db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import: %d %s%s", code, out, errOut)
	}
	url, _ := serve(t, nil, "--db", db)
	_, page := httpGet(t, url+"/")
	if strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the people selector is not escaped:\n%s", page)
	}
	for _, text := range []string{"accounts", "account X1", "cpu X1 G-1", "gap X1"} {
		code, html := askAPI(t, url, text, "")
		if code != 200 || strings.Contains(html, "<script") || !strings.Contains(html, "&lt;script&gt;alert(") {
			t.Errorf("%s: %d, markup not escaped:\n%s", text, code, html)
		}
	}
}

func TestServeConfig(t *testing.T) {
	db := filepath.Join(t.TempDir(), "incumbent.db")
	// Not on loopback, no token: refused before anything starts.
	code, _, errOut := run(t, "", map[string]string{"INCUMBENT_DB": db}, "serve", "--addr", "0.0.0.0:0")
	if code != exitUsage || !strings.Contains(errOut, "set INCUMBENT_PLAYGROUND_TOKEN and INCUMBENT_PUBLIC_URL and INCUMBENT_PLAYGROUND_AS, or INCUMBENT_PLAYGROUND=off") {
		t.Errorf("non-loopback without a token: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", map[string]string{"INCUMBENT_PLAYGROUND": "maybe"}, "serve"); code != exitUsage || !strings.Contains(errOut, `INCUMBENT_PLAYGROUND "maybe": use on or off`) {
		t.Errorf("bad INCUMBENT_PLAYGROUND: %d %s", code, errOut)
	}
	for _, v := range []string{"soon", "1s", "-5m"} {
		code, _, errOut := run(t, "", map[string]string{"INCUMBENT_DB": db, "INCUMBENT_DIGEST_CLAIM_TIMEOUT": v}, "serve")
		if code != exitUsage || !strings.Contains(errOut, fmt.Sprintf("INCUMBENT_DIGEST_CLAIM_TIMEOUT %q: a duration of at least 2s", v)) {
			t.Errorf("INCUMBENT_DIGEST_CLAIM_TIMEOUT=%s: %d %s", v, code, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused configuration created the database")
	}
	// The playground off: health answers, / does not.
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db, "INCUMBENT_PLAYGROUND": "off"})
	if code, _ := httpGet(t, url+"/healthz"); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code, _ := httpGet(t, url+"/"); code != 404 {
		t.Errorf("playground off, /: %d", code)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.Contains(l, "_bucket") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeSlack serves Slack over HTTP against a stand-in for Slack's Web API
// (SLACK_API_URL) and answers a signed slash command.
func TestServeSlack(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT","team_id":"T1"}`)
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","team_id":"T1","profile":{"email":"dana.alvarez@example.com"}}}`)
		case "/conversations.info":
			fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1","is_ext_shared":false}}`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer api.Close()
	db := filepath.Join(t.TempDir(), "incumbent.db")
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t", "SLACK_API_URL": api.URL})
	body := "command=%2Fgap&text=acme&user_id=U1&channel_id=C1&team_id=T1"
	req := slackRequest(url+"/slack/commands", "application/x-www-form-urlencoded", body, "s3cr3t", 0)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Acme Manufacturing — gap") {
		t.Errorf("signed /gap acme: %d %s", resp.StatusCode, b)
	}
	req = slackRequest(url+"/slack/commands", "application/x-www-form-urlencoded", body, "s3cr3t", 0)
	req.Header.Set("X-Slack-Signature", "v0=00")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("forged: %d", resp.StatusCode)
	}
	if code, body := httpGet(t, url+"/readyz"); code != 200 || !strings.Contains(body, `"slack":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
	// Configuration mistakes stop serve before it starts.
	code, _, errOut := run(t, "", map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1"}, "serve", "--addr", "127.0.0.1:0")
	if code != exitUsage || !strings.Contains(errOut, "add SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)") {
		t.Errorf("token without secret: %d %s", code, errOut)
	}
}

// TestReplicasShareRedis runs two servers sharing one Redis (miniredis here): Slack
// retries an event on the other replica, and it is answered once.
func TestReplicasShareRedis(t *testing.T) {
	mr := miniredis.RunT(t)
	var mu sync.Mutex
	posts := 0                  // answers to the mention, in its thread
	digests := map[string]int{} // weekly digests, by channel
	var ephemeral []string      // blocks of messages for one person
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","profile":{"email":"ops@example.com"}}}`)
		case "/chat.postEphemeral":
			r.ParseForm()
			mu.Lock()
			ephemeral = append(ephemeral, r.Form.Get("blocks"))
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"message_ts":"1.2"}`)
		case "/chat.postMessage":
			r.ParseForm()
			mu.Lock()
			if r.Form.Get("thread_ts") == "1.0" {
				posts++
			} else if strings.Contains(r.Form.Get("blocks"), "weekly digest") {
				digests[r.Form.Get("channel")]++
			}
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
		case "/conversations.list":
			slackChannels(w, nil)
		default:
			fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1"}}`)
		}
	}))
	defer api.Close()
	db := filepath.Join(t.TempDir(), "incumbent.db")
	env := map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
		"SLACK_API_URL": api.URL, "REDIS_URL": "redis://" + mr.Addr(), "INCUMBENT_PLAYGROUND": "off",
		"INCUMBENT_LOG_LEVEL": "info"} // for the replica that skips the retried event to say so
	a, logA := serveLog(t, env)
	b, logB := serveLog(t, env)
	post := func(url, path, contentType, body string, age int) string {
		t.Helper()
		resp, err := http.DefaultClient.Do(slackRequest(url+path, contentType, body, "s3cr3t", age))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s%s: %d %s", url, path, resp.StatusCode, out)
		}
		return string(out)
	}
	event := `{"type":"event_callback","event_id":"Ev42","event":{"type":"app_mention","user":"U1","text":"<@U_BOT> help","ts":"1.0","channel":"C1"}}`
	post(a, "/slack/events", "application/json", event, 0)
	post(b, "/slack/events", "application/json", event, 1)
	// One replica answers; the other says it skipped the retried event, and then has no
	// work left that could answer it: once both are seen, the count is final.
	answered := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		return posts, strings.Contains(logA.String()+logB.String(), "slack: retried event skipped")
	}
	eventually(t, 30*time.Second, func() bool { n, skipped := answered(); return n >= 1 && skipped })
	if n, skipped := answered(); n != 1 || !skipped {
		t.Errorf("the event was answered %d times by two replicas sharing Redis, want once (a replica said it skipped the retry: %v)", n, skipped)
	}
	// Both replicas run the digest scheduler over the same database: the digests of the
	// demo company's territories that fell due in the last three days (Northeast's on
	// Tuesday, Great Lakes' on Wednesday; Gulf Coast's is a week old) go out once each.
	want := map[string]int{"#sales-northeast": 1, "#sales-great-lakes": 1}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		got := maps.Clone(digests)
		mu.Unlock()
		if diff := cmp.Diff(want, got); diff == "" || time.Now().After(deadline) {
			if diff != "" {
				t.Errorf("digests posted by two replicas (-want +got):\n%s", diff)
			}
			break
		}
	}
	// And no second copy comes afterwards: a replica sends a digest only under its lock
	// and its claim on the delivery record, so once no digest lock is held the senders are
	// done, and a round that comes later finds the week claimed.
	if !eventually(t, 30*time.Second, func() bool {
		for _, k := range mr.Keys() {
			if strings.Contains(k, "lock:digest:") {
				return false
			}
		}
		return true
	}) {
		t.Errorf("a digest lock is still held: %v", mr.Keys())
	}
	mu.Lock()
	for ch, n := range digests {
		if n != 1 {
			t.Errorf("%d digests to %s", n, ch)
		}
	}
	mu.Unlock()
	// Sessions are shared: asked about on one replica, `/grade` alone on the other uses
	// the same account.
	if out := post(a, "/slack/commands", "application/x-www-form-urlencoded", "command=%2Fgap&text=acme&user_id=U1&channel_id=D1&team_id=T1", 0); !strings.Contains(out, "Acme Manufacturing — gap") {
		t.Fatalf("gap on the first replica: %s", out)
	}
	if out := post(b, "/slack/commands", "application/x-www-form-urlencoded", "command=%2Fgrade&text=&user_id=U1&channel_id=D1&team_id=T1", 0); !strings.Contains(out, "the account you last asked about") || !strings.Contains(out, "Acme Manufacturing — ") {
		t.Errorf("grade alone on the second replica: %s", out)
	}
	// The deal builder's steps are shared too: priced on one replica, the deal the
	// modal showed is posted by the other.
	step := func(url, callback, meta, state string) string {
		p := fmt.Sprintf(`{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V7","callback_id":%q,"private_metadata":%q,"state":{"values":%s}}}`, callback, meta, state)
		return post(url, "/slack/interactions", "application/x-www-form-urlencoded", "payload="+neturl.QueryEscape(p), 0)
	}
	field := func(id, v string) string {
		return fmt.Sprintf(`%q:{%q:{"type":"plain_text_input","value":%q}}`, id, id, v)
	}
	out := step(a, "deal_builder", `{"account":"acme","channel":"C1"}`, "{"+strings.Join([]string{field("discount", "5"), field("x", "power transmission"),
		field("months", "12"), field("qty", "352"), field("y", "HTL-0028"), `"cadence":{"cadence":{"type":"static_select","selected_option":{"value":"once"}}}`}, ",")+"}")
	var step2 struct {
		View struct {
			PrivateMetadata string `json:"private_metadata"`
		} `json:"view"`
	}
	if err := json.Unmarshal([]byte(out), &step2); err != nil || !strings.Contains(out, `"response_action":"update"`) {
		t.Fatalf("deal builder, first step on one replica: %s", out)
	}
	if !mr.Exists("incumbent:cursor:deal-builder:V7") {
		t.Errorf("the priced deal is not kept in Redis between the steps: %v", mr.Keys())
	}
	step(b, "deal_preview", step2.View.PrivateMetadata, "{}")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(ephemeral)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
	}
	mu.Lock()
	if len(ephemeral) != 1 || !strings.Contains(ephemeral[0], "Deal: Acme Manufacturing") {
		t.Errorf("deal builder, second step on the other replica: %q", ephemeral)
	}
	mu.Unlock()
	if mr.Exists("incumbent:cursor:deal-builder:V7") {
		t.Error("the priced deal is still kept after it was posted")
	}
	if code, body := httpGet(t, a+"/readyz"); code != 200 || !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
	// Redis down: the service stays ready, and says Redis is failing.
	mr.Close()
	if code, body := httpGet(t, a+"/readyz"); code != 200 || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"redis":"failing`) {
		t.Errorf("readyz with Redis down: %d %s", code, body)
	}
	if _, body := httpGet(t, a+"/metrics"); !strings.Contains(body, "incumbent_redis_failures_total") || strings.Contains(body, "incumbent_redis_failures_total 0\n") {
		t.Errorf("Redis failures are not counted:\n%s", grepLines(body, "redis"))
	}
	// Every command is still answered while Redis is down…
	for i, text := range []string{"grade acme", "gap acme", "growth acme"} {
		out := post(a, "/slack/commands", "application/x-www-form-urlencoded", "command=%2Fincumbent&text="+strings.ReplaceAll(text, " ", "+")+"&user_id=U1&channel_id=D1&team_id=T1&n="+strconv.Itoa(i), 0)
		if !strings.Contains(out, "Acme Manufacturing") {
			t.Errorf("%s with Redis down: %s", text, out)
		}
	}
	// …and Redis is used again when it comes back.
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := httpGet(t, a+"/readyz")
		if code == 200 && strings.Contains(body, `"redis":"ok"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Redis not used again: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	post(a, "/slack/commands", "application/x-www-form-urlencoded", "command=%2Fgap&text=acme&user_id=U1&channel_id=D1&team_id=T1&n=9", 0)
	if len(mr.Keys()) == 0 {
		t.Error("nothing was written to Redis after it came back")
	}
}

// slackRequest builds a request signed as Slack signs it, with the secret, age seconds
// ago (Slack signs each retry anew).
func slackRequest(url, contentType, body, secret string, age int) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix()-int64(age), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

// TestDigestFailureReported: when Slack refuses the weekly digests (the bot is not in
// the channel), /readyz says which are failing, why and when they are retried
// (degraded, still 200), and /metrics counts the failed attempts.
func TestDigestFailureReported(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/chat.postMessage":
			fmt.Fprint(w, `{"ok":false,"error":"not_in_channel"}`)
		case "/conversations.list":
			slackChannels(w, nil)
		default:
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
		}
	}))
	defer api.Close()
	db := filepath.Join(t.TempDir(), "incumbent.db")
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
		"SLACK_API_URL": api.URL, "INCUMBENT_PLAYGROUND": "off"})
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var code int
		if code, body = httpGet(t, url+"/readyz"); code != 200 {
			t.Fatalf("readyz: %d %s", code, body)
		}
		if strings.Contains(body, "Northeast: the digest of") && strings.Contains(body, "Great Lakes: the digest of") {
			break
		}
	}
	for _, want := range []string{`"status":"degraded"`, `"digests":"failing: Great Lakes: the digest of 2026-11-25 failed: send: slack: post the digest to #sales-great-lakes: not_in_channel`,
		`Northeast: the digest of 2026-11-24 failed`, `not_in_channel`} {
		if !strings.Contains(body, want) {
			t.Errorf("readyz lacks %q: %s", want, body)
		}
	}
	if _, m := httpGet(t, url+"/metrics"); !strings.Contains(m, `incumbent_digests_total{outcome="failed"} 2`) {
		t.Errorf("failed digests not counted:\n%s", grepLines(m, "digest"))
	}
}

// TestDigestsInThePlayground: with no chat platform configured, the due weekly digests
// go to the playground's /digests page, each once, with its chart as an 800×450 PNG.
func TestDigestsInThePlayground(t *testing.T) {
	db := filepath.Join(t.TempDir(), "incumbent.db")
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db})
	var page string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, page = httpGet(t, url+"/digests"); strings.Contains(page, "Northeast — weekly digest") && strings.Contains(page, "Great Lakes — weekly digest") {
			break
		}
	}
	for _, h := range []string{"Northeast — weekly digest, week of 24 Nov 2026", "Great Lakes — weekly digest, week of 25 Nov 2026"} {
		if n := strings.Count(page, h); n != 1 {
			t.Errorf("%q shown %d times, want once", h, n)
		}
	}
	charts := regexp.MustCompile(`data:image/png;base64,([^"']+)`).FindAllStringSubmatch(page, -1)
	if len(charts) != 2 {
		t.Fatalf("%d charts on /digests, want 2", len(charts))
	}
	for _, c := range charts {
		b, err := base64.StdEncoding.DecodeString(html.UnescapeString(c[1]))
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width != 800 || cfg.Height != 450 {
			t.Errorf("chart: %+v, %v; want an 800×450 PNG", cfg, err)
		}
	}
	if code, body := httpGet(t, url+"/readyz"); code != 200 || !strings.Contains(body, `"digests":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
}

// TestDigestNobodyReported: a territory with neither a manager nor a digest channel gets
// no digest, and /readyz says so (degraded, still 200).
func TestDigestNobodyReported(t *testing.T) {
	db := digestDBWith(t, "territory,manager,digest_channel,timezone,digest_day,digest_hour\n"+
		"North,nora@example.com,#sales-north,America/New_York,mon,8\nSouth,,,Europe/Berlin,fri,7\n")
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db})
	want := `"digests":"failing: not sent: South: no manager and no digest_channel: nobody to send the digest to"`
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, body = httpGet(t, url+"/readyz"); strings.Contains(body, want) {
			break
		}
	}
	if code != 200 || !strings.Contains(body, want) || !strings.Contains(body, `"status":"degraded"`) {
		t.Errorf("readyz: %d %s\nwant %s", code, body, want)
	}
}
