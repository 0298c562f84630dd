package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/postgres/pgtest"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
)

// lockedBuffer is a buffer written by the server's goroutines and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSecretsNotLogged serves with every secret configured and makes each dependency
// fail in the ways that get logged — Slack refusing the token, Redis unreachable, the
// model answering 401, forged Slack and Teams requests — then checks that no secret
// appears in the logs, the output or any answer.
func TestSecretsNotLogged(t *testing.T) {
	secrets := map[string]string{
		"SLACK_BOT_TOKEN":        "xoxb-1111-SECRETSLACKTOKEN",
		"SLACK_SIGNING_SECRET":   "SECRETSIGNINGKEY0000",
		"MICROSOFT_APP_PASSWORD": "SECRETMSPASSWORD~000",
		"OPENAI_API_KEY":         "sk-SECRETOPENAIKEY0000",
		"redis password":         "SECRETREDISPASSWORD",
		"playground token":       "SECRETPLAYGROUNDTOKEN0",
	}
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	defer slackAPI.Close()
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// Some servers echo what they were sent.
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error"}}`, r.Header.Get("Authorization"))
	}))
	defer model.Close()
	bf := teamstest.New(t)
	bf.Password = secrets["MICROSOFT_APP_PASSWORD"]

	env := map[string]string{
		"INCUMBENT_DB":                  filepath.Join(t.TempDir(), "incumbent.db"),
		"SLACK_BOT_TOKEN":               secrets["SLACK_BOT_TOKEN"],
		"SLACK_SIGNING_SECRET":          secrets["SLACK_SIGNING_SECRET"],
		"SLACK_API_URL":                 slackAPI.URL,
		"MICROSOFT_APP_ID":              bf.AppID,
		"MICROSOFT_APP_PASSWORD":        "wrong-" + secrets["MICROSOFT_APP_PASSWORD"], // Entra refuses it
		"MICROSOFT_OPENID_METADATA_URL": bf.MetadataURL,
		"MICROSOFT_TOKEN_URL":           bf.TokenURL,
		"MICROSOFT_SERVICE_URL_HOSTS":   "127.0.0.1",
		"OPENAI_API_KEY":                secrets["OPENAI_API_KEY"],
		"OPENAI_BASE_URL":               model.URL + "/v1",
		"REDIS_URL":                     "redis://:" + secrets["redis password"] + "@127.0.0.1:1/0",
		"INCUMBENT_LOG_LEVEL":           "debug",
		"INCUMBENT_PLAYGROUND_TOKEN":    secrets["playground token"],
	}
	out, logs := &urlWriter{url: make(chan string, 1)}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: logs,
			Getenv: func(k string) string { return env[k] }, Now: time.Now})
	}()
	var url string
	select {
	case url = <-out.url:
	case code := <-done:
		t.Fatalf("serve exited with %d:\n%s", code, logs)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	var answers strings.Builder
	do := func(req *http.Request) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		answers.WriteString(b.String())
	}
	// A forged Slack command, a signed one whose answer needs Slack (which refuses the
	// token), a forged Teams activity, a Teams message whose reply needs Entra (which
	// refuses the password), the readiness report, and talking points from the model.
	req, _ := http.NewRequest(http.MethodPost, url+"/slack/commands", strings.NewReader("command=%2Fgap&text=acme&user_id=U1"))
	req.Header.Set("X-Slack-Signature", "v0=00")
	req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(time.Now().Unix()))
	do(req)
	do(slackRequest(url+"/slack/commands", "application/x-www-form-urlencoded", "command=%2Fgap&text=acme&user_id=U1&channel_id=C1", secrets["SLACK_SIGNING_SECRET"], 0))
	activity, _ := json.Marshal(map[string]any{"type": "message", "id": "1", "channelId": "msteams", "serviceUrl": bf.ConnectorURL,
		"from": map[string]any{"id": "29:x"}, "conversation": map[string]any{"id": "a:1", "conversationType": "personal", "tenantId": "t1"}, "text": "gap acme"})
	for _, token := range []string{"forged." + secrets["SLACK_BOT_TOKEN"], bf.Token(teamstest.TokenClaims{Audience: bf.AppID, ServiceURL: bf.ConnectorURL})} {
		req, _ = http.NewRequest(http.MethodPost, url+"/api/messages", bytes.NewReader(activity))
		req.Header.Set("Authorization", "Bearer "+token)
		do(req)
	}
	do(mustRequest(t, http.MethodGet, url+"/readyz", ""))
	// The playground's token in a page's URL (exchanged for a cookie, redirected to the
	// page: the answers followed hold the cookie's value, not the token) and a wrong one.
	do(mustRequest(t, http.MethodGet, url+"/?token="+secrets["playground token"], ""))
	do(mustRequest(t, http.MethodGet, url+"/digests?token=wrong"+secrets["playground token"], ""))
	for _, text := range []string{"deal suggest acme", "talk acme"} {
		req = mustRequest(t, http.MethodPost, url+"/api/ask", `{"text":"`+text+`"}`)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Incumbent-Playground", "1")
		req.Header.Set("Authorization", "Bearer "+secrets["playground token"])
		do(req)
	}
	// The deferred Teams reply fails on Entra: wait for its failure to be logged.
	if !eventually(t, 60*time.Second, func() bool {
		l := logs.String()
		return strings.Contains(l, "teams: reply") || strings.Contains(l, "teams: before answering")
	}) {
		t.Errorf("the Teams reply's failure was not logged:\n%s", logs)
	}
	cancel()
	<-done

	all := logs.String() + out.String() + answers.String()
	for name, secret := range secrets {
		if strings.Contains(all, secret) {
			t.Errorf("%s appears in the logs or answers: %s", name, around(all, secret))
		}
	}
	// The failures themselves were logged: the test saw what it meant to provoke.
	for _, want := range []string{"auth.test failed", "redis", "teams", "model"} {
		if !strings.Contains(strings.ToLower(logs.String()), want) {
			t.Errorf("the logs do not mention %q:\n%s", want, logs)
		}
	}
}

// TestDatabasePasswordNotShown: a DATABASE_URL that cannot be used is named in the
// error, so that the operator sees which one, but with its password masked, whether the
// URL does not parse, names a bad option, or the server cannot be reached or refuses,
// and whether the password is in the URL's user information, in its query
// (?password=…) or in a connection string of key=value form.
func TestDatabasePasswordNotShown(t *testing.T) {
	const pw = "SECRETPGPASSWORD"
	cases := []struct{ name, url, want string }{
		{"unreachable", "postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable", "connection refused"},
		{"bad option", "postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=bogus", "sslmode is invalid"},
		{"unparseable", "postgres://u:" + pw + "@[::1:5432/db", "(an unreadable URL)"},
		{"password in the query", "postgres://u@127.0.0.1:1/db?sslmode=disable&password=" + pw, "connection refused"},
		{"password in the query, bad option", "postgres://u@127.0.0.1:1/db?sslmode=bogus&password=" + pw, "sslmode is invalid"},
		{"key=value", "host=127.0.0.1 port=1 user=u password=" + pw + " dbname=db sslmode=disable", "connection refused"},
		{"key=value, quoted", "host=127.0.0.1 port=1 user=u password='" + pw + " x' dbname=db sslmode=bogus", "sslmode is invalid"},
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		// The real server refuses a role that does not exist (and creates nothing).
		p, err := neturl.Parse(u)
		if err != nil {
			t.Fatalf("DATABASE_URL: %v", err)
		}
		p.User = neturl.UserPassword("incumbent_no_such_role", pw)
		cases = append(cases, struct{ name, url, want string }{"refused", p.String(), "incumbent_no_such_role"})
	}
	data := t.TempDir()
	for _, tc := range cases {
		for _, args := range [][]string{{"ask", "gap", "acme"}, {"import", data}, {"serve", "--addr", "127.0.0.1:0"}} {
			t.Run(tc.name+"/"+args[0], func(t *testing.T) {
				code, out, errOut := run(t, "", map[string]string{"DATABASE_URL": tc.url}, args...)
				if code == 0 || strings.Contains(out+errOut, pw) || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "DATABASE_URL") {
					t.Errorf("exit %d, want an error naming DATABASE_URL and %q, without its password:\n%s%s", code, tc.want, out, errOut)
				}
			})
		}
	}
}

// TestRedisPasswordNotShown: a REDIS_URL that does not parse stops serve with an error
// that names REDIS_URL, without its password.
func TestRedisPasswordNotShown(t *testing.T) {
	const pw = "SECRETREDISPASSWORD"
	for _, tc := range []struct{ name, url, want string }{
		{"unparseable host", "redis://:" + pw + "@[::1:6379/0", "missing ']' in host"},
		{"user and password, bad option", "redis://u:" + pw + "@127.0.0.1:6379/0?bogus=1", "unexpected option"},
		{"password in the query, unparseable", "redis://127.0.0.1:6379/0?password=" + pw + "&x=%zz", "REDIS_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"REDIS_URL": tc.url, "INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db")}
			code, out, errOut := run(t, "", env, "serve", "--addr", "127.0.0.1:0")
			if code == 0 || strings.Contains(out+errOut, pw) || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "REDIS_URL") {
				t.Errorf("exit %d, want an error naming REDIS_URL and %q, without its password:\n%s%s", code, tc.want, out, errOut)
			}
		})
	}
}

// TestReadyzHidesDatabase: /readyz, which anyone who reaches the server may read, says
// that the database is down and how long the check took, never the database's host,
// user or name (PostgreSQL's errors name them all).
func TestReadyzHidesDatabase(t *testing.T) {
	u, err := neturl.Parse(pgtest.SchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := tcpProxy(t, u.Host)
	u.Host = proxy.addr
	logs := &lockedBuffer{}
	url, _ := serveLogged(t, map[string]string{"DATABASE_URL": u.String()}, logs)
	code, body := httpGet(t, url+"/readyz")
	if code != 200 || !strings.Contains(body, `"store":"ok"`) || !regexp.MustCompile(`"latency_ms":{[^}]*"store":[0-9.]+`).MatchString(body) {
		t.Fatalf("readyz: %d %s", code, body)
	}
	proxy.close() // the database goes away
	// The first failures are the pool's broken connections; the next, its attempts to
	// connect anew, whose error names the host, the user and the database.
	for failures, deadline := 0, time.Now().Add(30*time.Second); failures < 10 && time.Now().Before(deadline); {
		if code, body = httpGet(t, url+"/readyz"); code == 503 {
			failures++
		}
	}
	_, port, _ := strings.Cut(proxy.addr, ":")
	if code != 503 || !strings.Contains(body, `"store":"failing"`) {
		t.Errorf("readyz with the database down: %d %s", code, body)
	}
	for _, secret := range []string{port, "127.0.0.1", "user=", "database=", u.User.Username(), strings.Trim(u.Path, "/")} {
		if strings.Contains(body, secret) {
			t.Errorf("readyz shows %q: %s", secret, body)
		}
	}
	if !strings.Contains(logs.String(), "readiness check failing") {
		t.Errorf("the failing check is not logged:\n%s", logs)
	}
}

// proxy forwards TCP connections to a server until closed.
type proxy struct {
	addr  string
	close func()
}

// tcpProxy forwards the connections it accepts to target; close closes them all and
// refuses new ones.
func tcpProxy(t *testing.T, target string) proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, up)
			mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	var once sync.Once
	closeAll := func() {
		once.Do(func() {
			ln.Close()
			mu.Lock()
			defer mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
		})
	}
	t.Cleanup(closeAll)
	return proxy{addr: ln.Addr().String(), close: closeAll}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// around returns the text around the first s in all, for a failure message.
func around(all, s string) string {
	i := strings.Index(all, s)
	return all[max(0, i-200):min(len(all), i+len(s)+50)]
}

// serveLogged runs `incumbent serve` as serve does, its logs (stderr) written to logs.
func serveLogged(t *testing.T, env map[string]string, logs io.Writer, args ...string) (url string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &urlWriter{url: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), Env{
			Stdin: strings.NewReader(""), Stdout: out, Stderr: logs,
			Getenv: func(k string) string { return env[k] }, Now: time.Now,
		})
	}()
	var once sync.Once
	status := -1
	stop = func() int {
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
	select {
	case url = <-out.url:
	case code := <-done:
		t.Fatalf("serve exited with %d:\n%s%s", code, out, logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start:\n%s%s", out, logs)
	}
	return url, stop
}
