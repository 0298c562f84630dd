// Package web is the local web playground: a page at / where anyone can talk to the bot
// in a browser and see the replies the chat platforms will show, rendered from the
// neutral bot.Reply as HTML (every value escaped), with working buttons, a command
// history and a "who am I" selector over people.csv. It is server-rendered HTML with a
// little plain JavaScript, embedded in the binary: no front-end build.
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
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
	// Token, when set, must be presented once as ?token= (it is then kept in a cookie)
	// or as "Authorization: Bearer …". Required when the server is not on loopback.
	Token string
	// Inbox, when set, holds the weekly digests delivered to the playground, shown at
	// /digests.
	Inbox *Inbox
}

// Routes registers the playground's handlers.
func (p *Playground) Routes(handle func(pattern, adapter string, h http.Handler)) {
	static, _ := fs.Sub(assets, "assets")
	handle("GET /{$}", "web", http.HandlerFunc(p.page))
	handle("GET /static/", "web", http.StripPrefix("/static/", http.FileServerFS(static)))
	handle("POST /api/ask", "web", http.HandlerFunc(p.ask))
	handle("GET /digests", "web", http.HandlerFunc(p.digests))
}

// setPageHeaders sets the headers of an HTML page: its type, and a content security
// policy that lets it load only its own script and styles (and data: images: charts).
func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// authorized checks the token, if one is set. A correct ?token= on the page sets the
// cookie.
func (p *Playground) authorized(w http.ResponseWriter, r *http.Request) bool {
	if p.Token == "" {
		return true
	}
	match := func(s string) bool { return subtle.ConstantTimeCompare([]byte(s), []byte(p.Token)) == 1 }
	if c, err := r.Cookie(cookieName); err == nil && match(c.Value) {
		return true
	}
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && match(strings.TrimPrefix(a, "Bearer ")) {
		return true
	}
	if t := r.URL.Query().Get("token"); t != "" && match(t) {
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: p.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

type personOption struct {
	Email, Label string
}

func (p *Playground) page(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		pageTemplate.ExecuteTemplate(w, "locked", nil)
		return
	}
	people, err := p.Directory.FindPeople(r.Context())
	if err != nil {
		p.Logger.ErrorContext(r.Context(), "playground: find people", "err", err)
	}
	var opts []personOption
	for _, x := range people {
		label := x.Name + " — " + string(x.Role)
		if x.Territory != "" {
			label += ", " + x.Territory
		}
		opts = append(opts, personOption{Email: x.Email, Label: label})
	}
	setPageHeaders(w)
	if err := pageTemplate.Execute(w, map[string]any{"People": opts, "Digests": p.Inbox != nil}); err != nil {
		p.Logger.ErrorContext(r.Context(), "playground: render page", "err", err)
	}
}

// askRequest is the body of POST /api/ask.
type askRequest struct {
	Text string `json:"text"`
	As   string `json:"as"` // email; "" for an admin
}

// askResponse is its answer: the reply as HTML, and its error when it is one.
type askResponse struct {
	HTML  template.HTML  `json:"html"`
	Error *bot.ErrorJSON `json:"error,omitempty"`
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
	if !p.authorized(w, r) {
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
	if n := len([]rune(req.Text)); n > maxCommand {
		p.fail(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, "A command is at most %d characters; this one has %d.", maxCommand, n))
		return
	}
	actor := bot.Admin("playground")
	if req.As != "" {
		a, err := p.Directory.ActorByEmail(r.Context(), req.As)
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
	html, err := RenderHTML(reply)
	if err != nil {
		p.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	resp := askResponse{HTML: html}
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
	code, msg := domain.ErrorCode(err), domain.ErrorMessage(err)
	if status >= 500 {
		p.Logger.ErrorContext(r.Context(), "playground", "err", err)
		code, msg = domain.EINTERNAL, "Something went wrong on our side; it has been logged. Please try again in a minute."
	}
	html, _ := RenderHTML(bot.Reply{Blocks: []bot.Block{&bot.Text{Text: msg}}, Err: err})
	writeJSON(w, status, askResponse{HTML: html, Error: &bot.ErrorJSON{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
