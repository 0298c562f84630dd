package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// playgroundPost posts a command to the playground's API with the headers the page
// sends, then headers (name, value pairs; "Host" sets the Host), and returns the
// status and the reply's HTML.
func playgroundPost(t *testing.T, url, text, as string, headers ...string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text, "as": as})
	req := mustRequest(t, http.MethodPost, url+"/api/ask", string(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Incumbent-Playground", "1")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct{ HTML string }
	json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a.HTML
}

// TestPlaygroundDNSRebinding: a web page whose name an attacker rebound to 127.0.0.1
// sends the playground its own name as Host; a page of another site posting to
// 127.0.0.1 sends its Origin. Neither reads the page (which lists the people) nor sets
// an objective; the playground's own page does.
func TestPlaygroundDNSRebinding(t *testing.T) {
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db")})
	port := url[strings.LastIndex(url, ":")+1:]
	rebound := "attacker.example:" + port

	req := mustRequest(t, http.MethodGet, url+"/", "")
	req.Host = rebound
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || strings.Contains(string(page), "@example.com") {
		t.Errorf("GET / with Host %s: %d %.300s", rebound, resp.StatusCode, page)
	}
	for _, h := range [][]string{
		{"Host", rebound, "Origin", "http://" + rebound},
		{"Origin", "http://attacker.example"},
		{"Origin", "null"},
	} {
		if code, html := playgroundPost(t, url, "growth set Northeast 2031 7m", "", h...); code != http.StatusForbidden {
			t.Errorf("growth set with %v: %d %s", h, code, html)
		}
	}
	if _, html := playgroundPost(t, url, "growth Northeast 2031", ""); strings.Contains(html, "7,000,000") {
		t.Errorf("the objective was set from another site:\n%s", html)
	}
	// The page itself, from its own origin, still works.
	if code, html := playgroundPost(t, url, "growth set Northeast 2031 8m", "", "Origin", url); code != 200 || !strings.Contains(html, "8,000,000") {
		t.Errorf("growth set from the page: %d %s", code, html)
	}
}

// TestPlaygroundOffLoopback: off loopback the playground needs its token, its public
// URL and the one person it acts as; it then acts as that person whatever the request
// asks (not as an admin: a rep cannot set an objective), exchanges the token in a URL
// for a cookie that is HttpOnly, SameSite=Strict and Secure behind HTTPS, and never logs
// the token.
func TestPlaygroundOffLoopback(t *testing.T) {
	const token = "PLAYGROUNDTOKEN0123456789"
	db := filepath.Join(t.TempDir(), "incumbent.db")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"INCUMBENT_PLAYGROUND_TOKEN": token},
			"set INCUMBENT_PUBLIC_URL and INCUMBENT_PLAYGROUND_AS, or INCUMBENT_PLAYGROUND=off"},
		{map[string]string{"INCUMBENT_PLAYGROUND_TOKEN": token, "INCUMBENT_PUBLIC_URL": "https://incumbent.example.com"},
			"set INCUMBENT_PLAYGROUND_AS, or INCUMBENT_PLAYGROUND=off"},
		{map[string]string{"INCUMBENT_PLAYGROUND_TOKEN": token, "INCUMBENT_PUBLIC_URL": "incumbent.example.com", "INCUMBENT_PLAYGROUND_AS": "ops@example.com"},
			`INCUMBENT_PUBLIC_URL "incumbent.example.com": give the server's public address`},
		{map[string]string{"INCUMBENT_PLAYGROUND_TOKEN": token, "INCUMBENT_PUBLIC_URL": "https://incumbent.example.com", "INCUMBENT_PLAYGROUND_AS": "nobody@example.com"},
			"INCUMBENT_PLAYGROUND_AS nobody@example.com: "},
	} {
		tc.env["INCUMBENT_DB"] = db
		code, out, errOut := serveOrRefuse(t, tc.env, "--addr", "0.0.0.0:0")
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want %q:\n%s%s", tc.env, code, tc.want, out, errOut)
		}
	}

	logs := &lockedBuffer{}
	url, _ := serveLogged(t, map[string]string{"INCUMBENT_DB": db, "INCUMBENT_PLAYGROUND_TOKEN": token,
		"INCUMBENT_PUBLIC_URL": "https://incumbent.example.com", "INCUMBENT_PLAYGROUND_AS": "paul.sanchez@example.com",
		"INCUMBENT_LOG_LEVEL": "debug"}, logs, "--addr", "0.0.0.0:0")
	url = "http://127.0.0.1" + url[strings.LastIndex(url, ":"):]
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(url + "/?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cs := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || len(cs) != 1 {
		t.Fatalf("/?token=: %d, Location %q, cookies %v", resp.StatusCode, resp.Header.Get("Location"), cs)
	}
	if c := cs[0]; !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || strings.Contains(c.Value, token) {
		t.Errorf("cookie: %+v", c)
	}
	cookie := cs[0].Name + "=" + cs[0].Value

	req := mustRequest(t, http.MethodGet, url+"/", "")
	req.Header.Set("Cookie", cookie)
	req.Host = "incumbent.example.com"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(page), "Admin") || strings.Contains(string(page), "ops@example.com") ||
		!strings.Contains(string(page), "paul.sanchez@example.com") {
		t.Errorf("page: %d\n%s", resp.StatusCode, page)
	}
	// As the admin: refused. As nobody in particular: as the rep, who may not set an
	// objective but sees his own territory.
	if code, html := playgroundPost(t, url, "gap territory Northeast", "ops@example.com", "Cookie", cookie); code != http.StatusForbidden ||
		!strings.Contains(html, "acts as paul.sanchez@example.com") {
		t.Errorf("as the admin: %d %s", code, html)
	}
	if code, html := playgroundPost(t, url, "growth set Northeast 2031 7m", "", "Cookie", cookie); code == 200 || strings.Contains(html, "7,000,000") {
		t.Errorf("a rep set an objective: %d %s", code, html)
	}
	if code, html := playgroundPost(t, url, "gap territory Northeast", "", "Cookie", cookie, "Origin", "https://incumbent.example.com"); code != 200 {
		t.Errorf("gap territory Northeast as its rep: %d %s", code, html)
	}
	if code, _ := playgroundPost(t, url, "gap territory Northeast", "", "Cookie", cookie, "Host", "attacker.example"); code != http.StatusForbidden {
		t.Errorf("with another Host: %d", code)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the token is in the logs: %s", around(logs.String(), token))
	}
}

// serveOrRefuse runs `incumbent serve args…` and returns its status and output: that of
// a refusal to start, or, when it starts serving instead, stops it at once.
func serveOrRefuse(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &urlWriter{url: make(chan string, 1)}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve"}, args...), Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut,
			Getenv: func(k string) string { return env[k] }, Now: time.Now})
	}()
	select {
	case code := <-done:
		return code, out.String(), errOut.String()
	case <-out.url:
		cancel()
		return <-done, out.String(), errOut.String()
	}
}
