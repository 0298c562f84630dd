package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/web"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostile is a reply whose every value carries markup, as data from a CSV file could.
func hostile() bot.Reply {
	x := `<script>alert("x")</script>`
	return bot.Reply{Blocks: []bot.Block{
		&bot.Header{Text: "Acme " + x},
		&bot.Text{Text: "*Bold* and _italic_ and `gap acme`, then " + x + "\nnext line"},
		&bot.Fields{Fields: []bot.Field{{Label: "Name " + x, Value: "*" + x + "*"}}},
		&bot.Table{Columns: []bot.Column{{Title: "Account"}, {Title: "Gap", Numeric: true}},
			Rows: [][]string{{x, "$1,000"}, {"Beta", "$2"}}, More: 3},
		&bot.Buttons{Buttons: []bot.Button{{Label: "Gap " + x, Command: `gap "` + x + `"`, Style: "primary"}}},
		&bot.Context{Text: "weak: " + x},
		&bot.Image{URL: `javascript:alert(1)`, AltText: x},
	}}
}

func TestRenderHTMLEscapes(t *testing.T) {
	html, err := web.RenderHTML(hostile())
	if err != nil {
		t.Fatal(err)
	}
	got := string(html)
	if strings.Contains(got, "<script") || strings.Contains(got, "javascript:") {
		t.Errorf("markup from data got through:\n%s", got)
	}
	for _, want := range []string{"&lt;script&gt;", "<strong>Bold</strong>", "<em>italic</em>", "<code>gap acme</code>", "<br>next line",
		`<td class="num">$1,000</td>`, `data-command="gap &#34;&lt;script&gt;`, "… and 3 more"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendering lacks %q:\n%s", want, got)
		}
	}
	golden(t, "reply_hostile.html", got)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// echoBot answers every command with the text it got and who asked; "fail" gives an
// EINVALID reply and "hostile" a reply full of markup.
type echoBot struct{ last bot.Request }

func (b *echoBot) Handle(_ context.Context, req bot.Request) bot.Reply {
	b.last = req
	switch req.Text {
	case "fail":
		return bot.Reply{Blocks: []bot.Block{&bot.Text{Text: "No account matches \"fail\"."}}, Err: domain.Errorf(domain.ENOTFOUND, "No account matches \"fail\".")}
	case "hostile":
		return hostile()
	}
	return bot.Reply{Blocks: []bot.Block{&bot.Header{Text: req.Text}, &bot.Text{Text: "asked by " + req.Actor.Person.Name}}}
}

type people struct{}

func (people) FindPeople(context.Context) ([]domain.Person, error) {
	return []domain.Person{{Email: "rita@example.com", Name: "Rita <b>Rep</b>", Role: domain.RoleRep, Territory: "North"}}, nil
}

func (people) ActorByEmail(_ context.Context, email string) (bot.Actor, error) {
	if email == "rita@example.com" {
		return bot.NewActor(domain.Person{Email: email, Name: "Rita", Role: domain.RoleRep, Territory: "North"}, nil), nil
	}
	if email == "down@example.com" { // the store fails
		return bot.Actor{}, errors.New("find person: connection refused")
	}
	return bot.Actor{}, domain.Errorf(domain.ENOTFOUND, "%s is not in people.csv", email)
}

func server(t *testing.T, token string) (*httptest.Server, *echoBot) {
	t.Helper()
	b := &echoBot{}
	p := &web.Playground{Bot: b, Directory: people{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Token: token}
	mux := http.NewServeMux()
	p.Routes(func(pattern, _ string, h http.Handler) { mux.Handle(pattern, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, b
}

type answer struct {
	HTML    string `json:"html"`
	Error   *struct{ Code, Message string }
	Command string `json:"command"`
}

func post(t *testing.T, c *http.Client, url, body string, headers ...string) (int, answer) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/ask", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Incumbent-Playground", "1")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" { // net/http sends req.Host, not a header
			req.Host = headers[i+1]
			continue
		}
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return resp.StatusCode, a
}

func TestPage(t *testing.T) {
	srv, _ := server(t, "")
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, `<option value="rita@example.com">Rita &lt;b&gt;Rep&lt;/b&gt; — rep, North</option>`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("page: %d\n%s", resp.StatusCode, page)
	}
	for _, asset := range []string{"/static/app.js", "/static/style.css"} {
		r, err := http.Get(srv.URL + asset)
		if err != nil || r.StatusCode != 200 {
			t.Errorf("%s: %v %v", asset, r.StatusCode, err)
		}
		r.Body.Close()
	}
}

func TestAsk(t *testing.T) {
	srv, b := server(t, "")
	c := srv.Client()
	code, a := post(t, c, srv.URL, `{"text":"gap acme","as":"rita@example.com"}`)
	if code != 200 || a.Error != nil || !strings.Contains(a.HTML, "<h2>gap acme</h2>") || !strings.Contains(a.HTML, "asked by Rita") {
		t.Errorf("ask: %d %+v", code, a)
	}
	if b.last.Adapter != "web" || b.last.Actor.Person.Email != "rita@example.com" {
		t.Errorf("request: %+v", b.last)
	}
	code, a = post(t, c, srv.URL, `{"text":"hostile"}`)
	if code != 200 || strings.Contains(a.HTML, "<script") || !strings.Contains(a.HTML, "&lt;script&gt;") {
		t.Errorf("hostile reply: %d %s", code, a.HTML)
	}
	for _, tt := range []struct {
		name    string
		body    string
		headers []string
		status  int
		want    string
	}{
		{"an error reply", `{"text":"fail"}`, nil, 404, `No account matches &#34;fail&#34;.`},
		{"unknown person", `{"text":"gap acme","as":"who@example.com"}`, nil, 403, "who@example.com is not in people.csv"},
		{"people cannot be read", `{"text":"gap acme","as":"down@example.com"}`, nil, 503, "Something went wrong on our side"},
		{"not JSON", `gap acme`, nil, 400, "The request is not the JSON"},
		{"unknown field", `{"text":"gap","x":1}`, nil, 400, "unknown field"},
		{"too long", `{"text":"` + strings.Repeat("a", 2001) + `"}`, nil, 400, "A command is at most 2000 characters; this one has 2001."},
		{"too big", `{"text":"` + strings.Repeat("a", 70<<10) + `"}`, nil, 413, "The request is over 64 KiB"},
		{"no playground header", `{"text":"gap"}`, []string{"X-Incumbent-Playground", ""}, 403, "Send commands from the playground page"},
		{"form post", `{"text":"gap"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 403, "Send commands from the playground page"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, a := post(t, c, srv.URL, tt.body, tt.headers...)
			if code != tt.status || a.Error == nil || !strings.Contains(a.HTML, tt.want) {
				t.Errorf("%d (want %d) %+v", code, tt.status, a)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/api/ask")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/ask: %d", resp.StatusCode)
	}
}

func TestToken(t *testing.T) {
	srv, _ := server(t, "s3cret")
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "INCUMBENT_PLAYGROUND_TOKEN") || strings.Contains(string(b), "rita") {
		t.Errorf("without the token: %d %s", resp.StatusCode, b)
	}
	if code, _ := post(t, srv.Client(), srv.URL, `{"text":"gap"}`); code != 401 {
		t.Errorf("ask without the token: %d", code)
	}
	if code, _ := post(t, srv.Client(), srv.URL, `{"text":"gap"}`, "Authorization", "Bearer wrong"); code != 401 {
		t.Errorf("ask with a wrong token: %d", code)
	}
	if code, _ := post(t, srv.Client(), srv.URL, `{"text":"gap"}`, "Authorization", "Bearer s3cret"); code != 200 {
		t.Errorf("ask with the bearer token: %d", code)
	}
	// ?token= on the page sets a cookie the API then accepts.
	jar := &cookieJar{}
	c := &http.Client{Jar: jar}
	resp, err = c.Get(srv.URL + "/?token=s3cret")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with ?token=: %d", resp.StatusCode)
	}
	if code, _ := post(t, c, srv.URL, `{"text":"gap"}`); code != 200 {
		t.Errorf("ask with the cookie: %d", code)
	}
}

// cookieJar keeps the cookies of one host.
type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(*url.URL) []*http.Cookie          { return j.cookies }

// serverWith serves p (its bot an echoBot) as server does.
func serverWith(t *testing.T, p *web.Playground) (*httptest.Server, *echoBot) {
	t.Helper()
	b := &echoBot{}
	p.Bot, p.Directory, p.Logger = b, people{}, slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	p.Routes(func(pattern, _ string, h http.Handler) { mux.Handle(pattern, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, b
}

// TestDNSRebinding: a page of another site whose name was rebound to the playground's
// address reaches it with that name as Host: every route refuses it, and the bot is not
// asked. Loopback names and the public URL's host are served.
func TestDNSRebinding(t *testing.T) {
	public, _ := url.Parse("https://incumbent.example.com")
	srv, b := serverWith(t, &web.Playground{PublicURL: public})
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	for _, tt := range []struct {
		host string
		ok   bool
	}{
		{"attacker.example:" + port, false},
		{"attacker.example", false},
		{"127.0.0.1.attacker.example:" + port, false},
		{"localhost.attacker.example:" + port, false},
		{"10.0.0.5:" + port, false},
		{"incumbent.example.com.attacker.example", false},
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"LOCALHOST:" + port, true},
		{"[::1]:" + port, true},
		{"127.0.0.2:" + port, true},
		{"incumbent.example.com", true},
		{"incumbent.example.com:443", true},
	} {
		t.Run(tt.host, func(t *testing.T) {
			b.last = bot.Request{}
			for _, path := range []string{"/", "/static/app.js", "/digests"} {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				req.Host = tt.host
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := resp.StatusCode != http.StatusForbidden; got != tt.ok {
					t.Errorf("GET %s: %d %.100s", path, resp.StatusCode, body)
				}
			}
			code, a := post(t, srv.Client(), srv.URL, `{"text":"growth set acme 2026 1m"}`, "Host", tt.host)
			if tt.ok != (code == 200) || !tt.ok && (b.last.Text != "" || a.Error == nil || a.Error.Code != domain.EFORBIDDEN) {
				t.Errorf("POST /api/ask: %d %+v; the bot got %q", code, a, b.last.Text)
			}
		})
	}
}

// TestForeignOrigin: a POST from another origin is refused, also one sent to a
// loopback name; the page's own origin and a request without one (curl) are served.
func TestForeignOrigin(t *testing.T) {
	public, _ := url.Parse("https://incumbent.example.com")
	srv, b := serverWith(t, &web.Playground{PublicURL: public})
	own := srv.URL // http://127.0.0.1:port
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"http://attacker.example", false},
		{"https://attacker.example:" + port, false},
		{"null", false},
		{"http://localhost:" + port, false}, // another origin than the Host the page came from
		{"http://127.0.0.1:1", false},
		{"http://incumbent.example.com", false},
		{"", true},
		{own, true},
		{"https://incumbent.example.com", true},
	} {
		t.Run(tt.origin, func(t *testing.T) {
			b.last = bot.Request{}
			code, a := post(t, srv.Client(), srv.URL, `{"text":"growth set acme 2026 1m"}`, "Origin", tt.origin)
			if tt.ok != (code == 200) || !tt.ok && (b.last.Text != "" || a.Error == nil || !strings.Contains(a.Error.Message, "another site")) {
				t.Errorf("%d %+v; the bot got %q", code, a, b.last.Text)
			}
		})
	}
}

// TestPlaygroundAs: a playground that acts as one person offers nobody else, not even
// an admin, asks as that person whatever the request says, and refuses another.
func TestPlaygroundAs(t *testing.T) {
	srv, b := serverWith(t, &web.Playground{As: "rita@example.com"})
	_, page := get(t, srv.Client(), srv.URL+"/")
	if strings.Contains(page, "Admin") || !strings.Contains(page, `<option value="rita@example.com">`) {
		t.Errorf("page:\n%s", page)
	}
	if code, a := post(t, srv.Client(), srv.URL, `{"text":"gap acme"}`); code != 200 || b.last.Actor.Person.Email != "rita@example.com" || b.last.Actor.Person.Role != domain.RoleRep {
		t.Errorf("without as: %d %+v, asked as %+v", code, a, b.last.Actor.Person)
	}
	b.last = bot.Request{}
	for _, as := range []string{"ops@example.com", "who@example.com"} {
		code, a := post(t, srv.Client(), srv.URL, `{"text":"gap acme","as":"`+as+`"}`)
		if code != 403 || b.last.Text != "" || a.Error == nil || !strings.Contains(a.Error.Message, "This playground acts as rita@example.com (INCUMBENT_PLAYGROUND_AS)") {
			t.Errorf("as %s: %d %+v", as, code, a)
		}
	}
}

// TestTokenCookie: the token in a page's URL is exchanged for a cookie (HttpOnly,
// SameSite=Strict, Secure behind HTTPS, not the token itself) with a redirect to the
// address without it; the API does not take the token in its URL.
func TestTokenCookie(t *testing.T) {
	for _, scheme := range []string{"https", "http"} {
		t.Run(scheme, func(t *testing.T) {
			public, _ := url.Parse(scheme + "://incumbent.example.com")
			srv, _ := serverWith(t, &web.Playground{Token: "s3cret", PublicURL: public})
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Get(srv.URL + "/digests?token=s3cret&x=1")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/digests?x=1" {
				t.Errorf("with ?token=: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			cs := resp.Cookies()
			if len(cs) != 1 || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Secure != (scheme == "https") ||
				strings.Contains(cs[0].Value, "s3cret") {
				t.Errorf("cookie: %+v", cs)
			}
			// The cookie opens the page and the API.
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
			req.AddCookie(&http.Cookie{Name: cs[0].Name, Value: cs[0].Value})
			if resp, err := c.Do(req); err != nil || resp.StatusCode != 200 {
				t.Errorf("page with the cookie: %v %v", resp.StatusCode, err)
			} else {
				resp.Body.Close()
			}
			if code, _ := post(t, c, srv.URL, `{"text":"gap"}`, "Cookie", cs[0].Name+"="+cs[0].Value); code != 200 {
				t.Errorf("ask with the cookie: %d", code)
			}
			// A wrong token gets the locked page; the API ignores ?token=.
			if resp, err := c.Get(srv.URL + "/?token=wrong"); err != nil || resp.StatusCode != 401 || len(resp.Cookies()) != 0 {
				t.Errorf("with a wrong token: %v %v", resp.StatusCode, err)
			} else {
				resp.Body.Close()
			}
			req, _ = http.NewRequest(http.MethodPost, srv.URL+"/api/ask?token=s3cret", strings.NewReader(`{"text":"gap"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Incumbent-Playground", "1")
			if resp, err := c.Do(req); err != nil || resp.StatusCode != 401 {
				t.Errorf("ask with ?token=: %v %v", resp.StatusCode, err)
			} else {
				resp.Body.Close()
			}
		})
	}
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAskForm sends a form's values as the page does: the server makes the command of
// the button's command and the values, asks it and says which command it asked; a
// required value left empty is refused before the bot is asked. A button's form is
// rendered folded under its label, with every value escaped.
func TestAskForm(t *testing.T) {
	srv, b := server(t, "")
	c := srv.Client()
	form := `{"fields":[{"name":"amount","label":"Annual potential"},{"name":"competitor","label":"Competitor","keyword":"competitor","optional":true}]}`
	code, a := post(t, c, srv.URL, `{"text":"potential set A1 Masks","form":`+form+`,"values":{"amount":"5k","competitor":"Acme \"Tools\""}}`)
	if want := `potential set A1 Masks 5k competitor "Acme 'Tools'"`; code != 200 || a.Error != nil || b.last.Text != want || a.Command != want {
		t.Errorf("form: %d %+v; the bot got %q", code, a, b.last.Text)
	}
	b.last = bot.Request{}
	code, a = post(t, c, srv.URL, `{"text":"potential set A1 Masks","form":`+form+`,"values":{"competitor":"x"}}`)
	if code != 400 || a.Error == nil || !strings.Contains(a.HTML, "Fill in annual potential.") || b.last.Text != "" {
		t.Errorf("no amount: %d %+v; the bot got %q", code, a, b.last.Text)
	}

	x := `<script>alert("x")</script>`
	html, err := web.RenderHTML(bot.Reply{Blocks: []bot.Block{&bot.Buttons{Buttons: []bot.Button{{Label: "Set " + x, Command: "potential set A1 " + x,
		Form: &bot.Form{Title: "Set", Submit: "Set it", Fields: []bot.FormField{{Name: "amount", Label: "Amount " + x, Placeholder: x, MaxLength: 30},
			{Name: "note", Label: "Note", Keyword: "note", Optional: true, Hint: x}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := string(html)
	if strings.Contains(got, "<script") {
		t.Errorf("markup from data got through:\n%s", got)
	}
	for _, want := range []string{`<details class="form"><summary>Set &lt;script&gt;`, `<form class="buttonform" data-command="potential set A1 &lt;script&gt;`,
		`data-form="{&#34;title&#34;:&#34;&#34;,&#34;submit&#34;:&#34;&#34;,&#34;fields&#34;:[{&#34;name&#34;:&#34;amount&#34;`,
		`<input name="amount" type="text" placeholder="&lt;script&gt;`, `maxlength="30" required>`, `<input name="note" type="text">`,
		`<small>&lt;script&gt;`, `<button type="submit" class="primary">Set it</button>`} {
		if !strings.Contains(got, want) {
			t.Errorf("the form lacks %q:\n%s", want, got)
		}
	}
}
