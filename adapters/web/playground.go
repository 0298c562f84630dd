// Package web is the local web playground: a page at / where anyone can talk to the bot
// in a browser and see the replies the chat platforms will show, rendered from the
// neutral bot.Reply as HTML (every value escaped), with working buttons, a command
// history and a "who am I" selector over people.csv. It is server-rendered HTML with a
// little plain JavaScript, embedded in the binary: no front-end build.
package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/page.html"))

// Limits of the playground's API.
const (
	maxBody    = 64 << 10             // bytes of a request
	maxCommand = bot.MaxCommandLength // characters of a command
	cookieName = "incumbent_playground"
)

// Answerer answers commands (the bot).
type Answerer interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// chartDrawer draws the charts a reply carries (the bot): the page shows them inline.
type chartDrawer interface {
	Drawn(ctx context.Context, r bot.Reply) bot.Reply
}

// drawn returns r with its charts drawn, when the bot can draw them; else without them.
func (p *Playground) drawn(ctx context.Context, r bot.Reply) bot.Reply {
	if d, ok := p.Bot.(chartDrawer); ok {
		return d.Drawn(ctx, r)
	}
	r.Blocks = bot.WithoutCharts(r.Blocks)
	return r
}

// Directory finds the people a playground user may act as.
type Directory interface {
	FindPeople(ctx context.Context) ([]domain.Person, error)
	ActorByEmail(ctx context.Context, email string) (bot.Actor, error)
}

// Playground serves the page and its API. Register it with Routes.
type Playground struct {
	Bot       Answerer
	Directory Directory
	Logger    *slog.Logger
	// AsOf, when set, gives the as-of date of every command (INCUMBENT_AS_OF); zero:
	// today.
	AsOf time.Time
	// Token, when set, must be presented as "Authorization: Bearer …", or once as
	// ?token= on a page, which exchanges it for a cookie and takes it out of the address.
	// Required when the server is not on loopback.
	Token string
	// PublicURL, when set, is the server's public URL (INCUMBENT_PUBLIC_URL): its host is
	// accepted besides the loopback names, its origin on a POST, and https makes the
	// cookie Secure. Required when the server is not on loopback.
	PublicURL *url.URL
	// As, when set, is the email of the one person the playground acts as
	// (INCUMBENT_PLAYGROUND_AS): nobody may pick another identity, nor act as an admin.
	// Required when the server is not on loopback. Empty: the page lets its user act as
	// anyone in people.csv, or as an admin.
	As string
	// Inbox, when set, holds the weekly digests delivered to the playground, shown at
	// /digests.
	Inbox *Inbox
}

// Routes registers the playground's handlers, each behind the Host and Origin checks.
func (p *Playground) Routes(handle func(pattern, adapter string, h http.Handler)) {
	static, _ := fs.Sub(assets, "assets")
	handle("GET /{$}", "web", p.guard(http.HandlerFunc(p.page)))
	handle("GET /static/", "web", p.guard(http.StripPrefix("/static/", http.FileServerFS(static))))
	handle("POST /api/ask", "web", p.guard(http.HandlerFunc(p.ask)))
	handle("GET /digests", "web", p.guard(http.HandlerFunc(p.digests)))
}

// guard refuses a request whose Host is not a loopback name or the public URL's host
// (a page of another site whose name was rebound to this machine's address: DNS
// rebinding), and a POST from another origin.
func (p *Playground) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.hostAllowed(r.Host) {
			p.refuse(w, r, "This playground answers only at localhost, 127.0.0.1 or [::1], or at the host of INCUMBENT_PUBLIC_URL.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !p.originAllowed(r) {
			p.refuse(w, r, "Send commands from the playground page: this request comes from another site.")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// refuse answers a request the guard refuses: 403, JSON for the API, text otherwise.
func (p *Playground) refuse(w http.ResponseWriter, r *http.Request, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		p.fail(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, "%s", msg))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, msg+"\n")
}

// hostAllowed reports whether host (a Host header: name or address, and maybe a port)
// names this machine's loopback or the public URL's host.
func (p *Playground) hostAllowed(host string) bool {
	if p.PublicURL != nil && strings.EqualFold(host, p.PublicURL.Host) {
		return true
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
	if p.PublicURL != nil && name == strings.ToLower(p.PublicURL.Hostname()) {
		return true
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// originAllowed reports whether a request's Origin, when it has one, is the page's own:
// the origin of the Host it was sent to, or of the public URL.
func (p *Playground) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" { // not a browser's cross-site request: curl, a script
		return true
	}
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" || (o.Scheme != "http" && o.Scheme != "https") {
		return false // "null": a sandboxed frame, a file, a redirect from elsewhere
	}
	if p.PublicURL != nil && strings.EqualFold(o.Scheme, p.PublicURL.Scheme) && strings.EqualFold(o.Host, p.PublicURL.Host) {
		return true
	}
	return strings.EqualFold(o.Host, r.Host) && p.hostAllowed(o.Host)
}

// setPageHeaders sets the headers of an HTML page: its type, and a content security
// policy that lets it load only its own script and styles (and data: images: charts).
func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// authorized checks the token, if one is set: the cookie, or the bearer token.
func (p *Playground) authorized(r *http.Request) bool {
	if p.Token == "" {
		return true
	}
	if c, err := r.Cookie(cookieName); err == nil && equal(c.Value, p.cookieValue()) {
		return true
	}
	a := r.Header.Get("Authorization")
	return strings.HasPrefix(a, "Bearer ") && equal(strings.TrimPrefix(a, "Bearer "), p.Token)
}

// exchangeToken handles a page asked for with ?token=: when the token is right, it sets
// the cookie and redirects to the same address without the token, so that the token
// stays out of the browser's history, bookmarks and Referer headers (and the server
// logs paths only). It reports whether it answered.
func (p *Playground) exchangeToken(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	if p.Token == "" || !q.Has("token") {
		return false
	}
	if !equal(q.Get("token"), p.Token) {
		return false // the page says the token is needed
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: p.cookieValue(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || p.PublicURL != nil && p.PublicURL.Scheme == "https"})
	q.Del("token")
	target := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
	return true
}

// cookieValue is what the cookie holds: derived from the token, so that the browser
// does not keep the token itself.
func (p *Playground) cookieValue() string {
	sum := sha256.Sum256([]byte("incumbent playground cookie\x00" + p.Token))
	return hex.EncodeToString(sum[:])
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// locked answers a page asked for without the token.
func locked(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusUnauthorized)
	pageTemplate.ExecuteTemplate(w, "locked", nil)
}

type personOption struct {
	Email, Label string
}

func (p *Playground) page(w http.ResponseWriter, r *http.Request) {
	if p.exchangeToken(w, r) {
		return
	}
	if !p.authorized(r) {
		locked(w)
		return
	}
	people, err := p.Directory.FindPeople(r.Context())
	if err != nil {
		p.Logger.ErrorContext(r.Context(), "playground: find people", "err", err)
	}
	var opts []personOption
	for _, x := range people {
		if p.As != "" && !strings.EqualFold(x.Email, p.As) {
			continue
		}
		label := x.Name + " — " + string(x.Role)
		if x.Territory != "" {
			label += ", " + x.Territory
		}
		opts = append(opts, personOption{Email: x.Email, Label: label})
	}
	setPageHeaders(w)
	if err := pageTemplate.Execute(w, map[string]any{"People": opts, "Admin": p.As == "", "Digests": p.Inbox != nil}); err != nil {
		p.Logger.ErrorContext(r.Context(), "playground: render page", "err", err)
	}
}

// askRequest is the body of POST /api/ask. A form's submission sends the button's
// command as Text, the form and the values typed in it: the command asked is the one
// they make.
type askRequest struct {
	Text   string            `json:"text"`
	As     string            `json:"as"` // email; "" for an admin, or the person the playground acts as
	Form   *bot.Form         `json:"form,omitempty"`
	Values map[string]string `json:"values,omitempty"`
}

// askResponse is its answer: the reply as HTML, and its error when it is one; Command
// is the command a form's values made.
type askResponse struct {
	HTML    template.HTML  `json:"html"`
	Error   *bot.ErrorJSON `json:"error,omitempty"`
	Command string         `json:"command,omitempty"`
}

// statusOf maps an error reply's code to the API's status.
var statusOf = map[string]int{
	domain.EINVALID:   http.StatusBadRequest,
	domain.ENOTFOUND:  http.StatusNotFound,
	domain.EFORBIDDEN: http.StatusForbidden,
	domain.ECONFLICT:  http.StatusConflict,
	domain.EINTERNAL:  http.StatusInternalServerError,
}

func (p *Playground) ask(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(r) {
		p.fail(w, r, http.StatusUnauthorized, domain.Errorf(domain.EFORBIDDEN, "This playground needs its token: open it with ?token=… (INCUMBENT_PLAYGROUND_TOKEN)."))
		return
	}
	// A cross-site page cannot send this header without a CORS preflight, which is never
	// granted: no other site can make the browser ask the bot.
	if r.Header.Get("X-Incumbent-Playground") != "1" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		p.fail(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, "Send commands from the playground page (JSON with the X-Incumbent-Playground header)."))
		return
	}
	var req askRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.fail(w, r, http.StatusRequestEntityTooLarge, domain.Errorf(domain.EINVALID, "The request is over %d KiB: send one command at a time.", maxBody>>10))
			return
		}
		p.fail(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, "The request is not the JSON {\"text\": \"…\", \"as\": \"…\"}: %v", err))
		return
	}
	if req.Form != nil {
		text, err := req.Form.Command(req.Text, req.Values)
		if err != nil {
			p.fail(w, r, http.StatusBadRequest, err)
			return
		}
		req.Text = text
	}
	if n := len([]rune(req.Text)); n > maxCommand {
		p.fail(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, "A command is at most %d characters; this one has %d.", maxCommand, n))
		return
	}
	actor, as := bot.Admin("playground"), req.As
	if p.As != "" {
		if as != "" && !strings.EqualFold(as, p.As) {
			p.fail(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, "This playground acts as %s (INCUMBENT_PLAYGROUND_AS) and as nobody else.", p.As))
			return
		}
		as = p.As
	}
	if as != "" {
		a, err := p.Directory.ActorByEmail(r.Context(), as)
		if domain.ErrorCode(err) == domain.EINTERNAL { // the store failed: not the person's fault
			p.fail(w, r, http.StatusServiceUnavailable, err)
			return
		}
		if err != nil {
			p.fail(w, r, http.StatusForbidden, err)
			return
		}
		actor = a
	}
	reply := p.Bot.Handle(r.Context(), bot.Request{Actor: actor, Text: req.Text, AsOf: p.AsOf, Adapter: "web", Channel: "playground"})
	html, err := RenderHTML(p.drawn(r.Context(), reply))
	if err != nil {
		p.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	resp := askResponse{HTML: html}
	if req.Form != nil {
		resp.Command = req.Text
	}
	status := http.StatusOK
	if reply.Err != nil {
		e := bot.NewErrorJSON(reply.Err)
		resp.Error = &e
		status = statusOf[e.Code]
		if status == 0 {
			status = http.StatusBadRequest
		}
	}
	writeJSON(w, status, resp)
}

// fail answers an API request that could not reach the bot: the message as a reply the
// page shows, with the status. Internal errors are logged and not shown.
func (p *Playground) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= 500 {
		p.Logger.ErrorContext(r.Context(), "playground", "err", err)
	}
	html, _ := RenderHTML(bot.ErrorReply(err))
	e := bot.NewErrorJSON(err)
	writeJSON(w, status, askResponse{HTML: html, Error: &e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
