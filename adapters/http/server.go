// Package http is Incumbent's HTTP server: the listener, graceful shutdown, health
// (/healthz), readiness (/readyz), metrics (/metrics) and the middleware every route
// gets: a request id, a structured log line, metrics, a body-size limit and recovery from
// panics. Chat adapters (the web playground, Slack, Teams) register their handlers on it.
package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// Defaults of a Server.
const (
	DefaultMaxBody         = 1 << 20 // bytes a request body may have
	DefaultShutdownTimeout = 10 * time.Second
	readHeaderTimeout      = 10 * time.Second
	// DefaultReadTimeout bounds reading a request, its body included: a client that
	// trickles a body is cut off.
	DefaultReadTimeout = 15 * time.Second
	// DefaultWriteTimeout bounds a request from the end of its headers to the end of its
	// response: longer than a talking-point draft may take (bot.DefaultDraftTimeout).
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout closes a kept-alive connection that sends nothing.
	DefaultIdleTimeout = 120 * time.Second
	// maxConnsCap bounds the connections served at once however high the open-file
	// limit: each holds memory, and the server is not meant to face a crowd directly.
	maxConnsCap = 4096
)

// DefaultMaxConns is how many connections a Server serves at once unless MaxConns says
// otherwise: below the process's open-file limit, leaving a quarter of it (at least 64
// files) to the database, Redis, the calls to Slack, Teams and the model, and the logs,
// and at most 4,096. Further connections wait in the listen queue until one closes.
func DefaultMaxConns() int {
	n := openFileLimit()
	if n <= 0 {
		return maxConnsCap
	}
	bound := n - max(64, n/4)
	if bound < n/2 {
		bound = n / 2
	}
	return max(1, min(maxConnsCap, bound))
}

// Check is one readiness check: a dependency the server needs (the store, Slack, …).
// An optional one (Redis, which the server can do without for a while) is reported
// but does not make the server unready.
type Check struct {
	Name     string
	Check    func(ctx context.Context) error
	Optional bool
	// HideError keeps the check's error out of /readyz, which anyone may read: the
	// error of a database or Redis names its host, user and database. /readyz then says
	// only "failing"; the log has the error.
	HideError bool
	// Detail, when set, adds what it returns to /readyz under "details" by the check's
	// name (a CRM sync's last run, time and row counts), whatever the check's result.
	Detail func(ctx context.Context) any
}

// Observer records HTTP requests (adapters/prometheus implements it).
type Observer interface {
	ObserveHTTP(route string, code int, d time.Duration)
}

// Server serves Incumbent over HTTP. Set its fields, register routes with Handle, then
// Open; Close shuts it down.
type Server struct {
	Addr    string // host:port; port 0 picks a free one
	Logger  *slog.Logger
	Checks  []Check      // readiness
	Metrics http.Handler // served at /metrics when set
	Observer
	MaxBody int64 // 0: DefaultMaxBody
	// MaxConns bounds the connections served at once (0: DefaultMaxConns()).
	MaxConns int
	// ReadTimeout, WriteTimeout and IdleTimeout are net/http's (0: the defaults).
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration

	mux       *http.ServeMux
	srv       *http.Server
	ln        net.Listener
	done      chan error
	once      sync.Once
	closeOnce sync.Once
	closeErr  error
}

func (s *Server) init() {
	s.once.Do(func() {
		s.mux = http.NewServeMux()
		if s.Logger == nil {
			s.Logger = slog.Default()
		}
		if s.MaxBody == 0 {
			s.MaxBody = DefaultMaxBody
		}
		s.mux.Handle("GET /healthz", s.wrap("GET /healthz", "health", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})))
		s.mux.Handle("GET /readyz", s.wrap("GET /readyz", "health", http.HandlerFunc(s.ready)))
	})
}

// Handle registers h for pattern (net/http's patterns: "GET /healthz", "/api/"),
// wrapped in the middleware. adapter names the handler's adapter in logs.
func (s *Server) Handle(pattern, adapter string, h http.Handler) {
	s.init()
	s.mux.Handle(pattern, s.wrap(pattern, adapter, h))
}

// ready answers /readyz: 200 when every check passes within 2 s, else 503, with each
// check's result and how long it took.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	results, latency, details := map[string]string{}, map[string]float64{}, map[string]any{}
	ok, degraded := true, false
	for _, c := range s.Checks {
		if c.Detail != nil {
			details[c.Name] = c.Detail(ctx)
		}
		start := time.Now()
		err := c.Check(ctx)
		latency[c.Name] = float64(time.Since(start).Microseconds()/100) / 10
		if err != nil {
			results[c.Name] = "failing: " + err.Error()
			if c.HideError {
				results[c.Name] = "failing"
			}
			if c.Optional {
				degraded = true
			} else {
				ok = false
			}
			if !c.Optional || c.HideError {
				s.Logger.WarnContext(ctx, "readiness check failing", "check", c.Name, "err", err)
			}
			continue
		}
		results[c.Name] = "ok"
	}
	status, code := "ok", http.StatusOK
	switch {
	case !ok:
		status, code = "unavailable", http.StatusServiceUnavailable
	case degraded:
		status = "degraded"
	}
	body := map[string]any{"status": status, "checks": results, "latency_ms": latency}
	if len(details) > 0 {
		body["details"] = details
	}
	writeJSON(w, code, body)
}

// Open listens on Addr and serves in the background.
func (s *Server) Open() error {
	s.init()
	if s.Metrics != nil {
		s.Handle("GET /metrics", "metrics", s.Metrics)
	}
	s.Handle("/", "notfound", http.HandlerFunc(notFound))
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	if s.MaxConns <= 0 {
		s.MaxConns = DefaultMaxConns()
	}
	// netutil.LimitListener (golang.org/x/net): past the bound, Accept waits for a
	// connection to close, so that a crowd of slow clients cannot use up the open files
	// the store and the chat platforms need; the timeouts close the slow ones.
	s.ln = netutil.LimitListener(ln, s.MaxConns)
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: min(readHeaderTimeout, orDefault(s.ReadTimeout, DefaultReadTimeout)),
		ReadTimeout: orDefault(s.ReadTimeout, DefaultReadTimeout), WriteTimeout: orDefault(s.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout: orDefault(s.IdleTimeout, DefaultIdleTimeout), ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	s.done = make(chan error, 1)
	go func() { s.done <- s.srv.Serve(s.ln) }()
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// URL is the server's base URL, e.g. http://127.0.0.1:8080.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// ListenAddr is the address the server listens on.
func (s *Server) ListenAddr() net.Addr { return s.ln.Addr() }

// Close stops accepting connections and waits for the requests in flight, up to ctx's
// deadline; then it closes what is left. Later calls return the first one's result.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	s.closeOnce.Do(func() {
		err := s.srv.Shutdown(ctx)
		if err != nil {
			s.srv.Close()
		}
		if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
		s.closeErr = err
	})
	return s.closeErr
}

// IsLoopback reports whether addr (host:port) listens on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying a request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validRequestID accepts a caller's X-Request-Id when it is short and plain.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap adds the middleware to h.
func (s *Server) wrap(route, adapter string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := WithRequestID(r.Context(), id)
		r = r.WithContext(ctx)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.ErrorContext(ctx, "panic serving a request", "route", route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.code == 0 {
					WriteError(sw, http.StatusInternalServerError, domain.EINTERNAL, bot.Apology)
				}
			}
			d := time.Since(start)
			if sw.code == 0 {
				sw.code = http.StatusOK
			}
			if s.Observer != nil {
				s.Observer.ObserveHTTP(route, sw.code, d)
			}
			level := slog.LevelInfo
			if adapter == "health" || adapter == "metrics" {
				level = slog.LevelDebug
			}
			s.Logger.Log(ctx, level, "http request", "adapter", adapter, "method", r.Method, "path", r.URL.Path,
				"status", sw.code, "duration_ms", float64(d.Microseconds())/1000)
		}()
		h.ServeHTTP(sw, r)
	})
}

// ErrorBody is the JSON of an error response.
type ErrorBody struct {
	Error ErrorJSON `json:"error"`
}

// ErrorJSON says what was wrong.
type ErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// notFound answers an unknown route: JSON for API paths, a short page otherwise.
func notFound(w http.ResponseWriter, r *http.Request) {
	msg := fmt.Sprintf("Nothing is served at %s. Try /, /healthz, /readyz or /metrics.", r.URL.Path)
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "<!doctype html><title>Not found</title><p>%s</p><p><a href=\"/\">Back to the playground</a></p>", htmlEscape(msg))
		return
	}
	WriteError(w, http.StatusNotFound, domain.ENOTFOUND, msg)
}

// WriteError writes an error response as JSON.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Error: ErrorJSON{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// LogHandler adds the request id of the context to every record: the bot's logs of a
// command carry the id of the HTTP request that asked it.
type LogHandler struct{ slog.Handler }

// Handle adds request_id.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper.
func (h LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LogHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper.
func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }
