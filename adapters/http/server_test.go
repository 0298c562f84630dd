package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	httpserver "github.com/incumbent/incumbent/adapters/http"
)

// observer records what the server observed.
type observer struct {
	mu    sync.Mutex
	seen  []string
	codes []int
}

func (o *observer) ObserveHTTP(route string, code int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, route)
	o.codes = append(o.codes, code)
}

func start(t *testing.T, s *httpserver.Server) string {
	t.Helper()
	s.Addr = "127.0.0.1:0"
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s.URL()
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	var failing error
	var mu sync.Mutex
	s := &httpserver.Server{Checks: []httpserver.Check{{Name: "store", Check: func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return failing
	}}}}
	url := start(t, s)
	if resp, body := get(t, url+"/healthz"); resp.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	resp, body := get(t, url+"/readyz")
	var r struct {
		Status string
		Checks map[string]string
	}
	json.Unmarshal([]byte(body), &r)
	if resp.StatusCode != 200 || r.Status != "ok" || r.Checks["store"] != "ok" {
		t.Errorf("readyz: %d %s", resp.StatusCode, body)
	}
	mu.Lock()
	failing = errors.New("database is locked")
	mu.Unlock()
	resp, body = get(t, url+"/readyz")
	json.Unmarshal([]byte(body), &r)
	if resp.StatusCode != 503 || r.Status != "unavailable" || r.Checks["store"] != "failing: database is locked" {
		t.Errorf("readyz with the store down: %d %s", resp.StatusCode, body)
	}
	// The process is still alive.
	if resp, _ := get(t, url+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz with the store down: %d", resp.StatusCode)
	}
}

// TestReadinessHidesErrors: a check whose error may name hosts, users and databases
// says only that it fails, and how long it took.
func TestReadinessHidesErrors(t *testing.T) {
	s := &httpserver.Server{Checks: []httpserver.Check{{Name: "store", HideError: true, Check: func(context.Context) error {
		return errors.New("failed to connect to `user=u database=db`: db.internal:5432")
	}}}}
	url := start(t, s)
	resp, body := get(t, url+"/readyz")
	var r struct {
		Status  string
		Checks  map[string]string
		Latency map[string]float64 `json:"latency_ms"`
	}
	json.Unmarshal([]byte(body), &r)
	_, timed := r.Latency["store"]
	if resp.StatusCode != 503 || r.Checks["store"] != "failing" || !timed || strings.Contains(body, "db.internal") || strings.Contains(body, "user=") {
		t.Errorf("readyz: %d %s", resp.StatusCode, body)
	}
}

func TestMiddleware(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	obs := &observer{}
	s := &httpserver.Server{Observer: obs, MaxBody: 16,
		Logger: slog.New(httpserver.LogHandler{Handler: slog.NewJSONHandler(lockedWriter{&logs, &logMu}, nil)})}
	s.Handle("GET /panic", "test", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom at /panic") }))
	s.Handle("POST /echo", "test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			httpserver.WriteError(w, http.StatusRequestEntityTooLarge, "invalid", "too big")
			return
		}
		w.Write([]byte(httpserver.RequestID(r.Context())))
	}))
	url := start(t, s)

	// A request id is made, or the caller's kept when it is plain.
	resp, _ := get(t, url+"/healthz")
	if id := resp.Header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("request id %q", id)
	}
	resp, _ = get(t, url+"/healthz", "X-Request-Id", "abc-123")
	if id := resp.Header.Get("X-Request-Id"); id != "abc-123" {
		t.Errorf("caller's request id: %q", id)
	}
	resp, _ = get(t, url+"/healthz", "X-Request-Id", "<script>")
	if id := resp.Header.Get("X-Request-Id"); id == "<script>" {
		t.Error("a request id with markup was kept")
	}

	// A panic is a 500 with a plain message, no stack; the stack goes to the log.
	resp, body := get(t, url+"/panic")
	if resp.StatusCode != 500 || strings.Contains(body, "goroutine") || strings.Contains(body, "boom") || !strings.Contains(body, "Something went wrong on our side") {
		t.Errorf("panic: %d %s", resp.StatusCode, body)
	}
	logMu.Lock()
	if !strings.Contains(logs.String(), "boom at /panic") || !strings.Contains(logs.String(), `"request_id"`) {
		t.Errorf("the panic is not logged with its request id:\n%s", logs.String())
	}
	logMu.Unlock()

	// Bodies over the limit are refused.
	r2, err := http.Post(url+"/echo", "text/plain", strings.NewReader(strings.Repeat("x", 64)))
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", r2.StatusCode)
	}

	// Unknown routes: JSON, or a page for a browser.
	resp, body = get(t, url+"/nope")
	if resp.StatusCode != 404 || !strings.Contains(body, `"not_found"`) || !strings.Contains(body, "Nothing is served at /nope.") {
		t.Errorf("unknown route: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, url+"/<b>x", "Accept", "text/html")
	if resp.StatusCode != 404 || !strings.Contains(body, "&lt;b&gt;x") || strings.Contains(body, "<b>x") {
		t.Errorf("unknown route, HTML: %d %s", resp.StatusCode, body)
	}

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !contains(obs.seen, "GET /panic") || !contains(obs.seen, "/") {
		t.Errorf("observed routes %v: want patterns, not paths", obs.seen)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestGracefulShutdown checks that Close stops accepting at once, waits for a request
// in flight, and returns once it has been answered.
func TestGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s := &httpserver.Server{}
	s.Handle("GET /slow", "test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("done"))
	}))
	url := start(t, s)
	result := make(chan string, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			result <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		result <- string(b)
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	closed := make(chan error, 1)
	go func() { closed <- s.Close(ctx) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		resp, err := client.Get(url + "/healthz")
		if err != nil {
			break // no longer accepting
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting 10 s after Close")
		}
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := <-result; got != "done" {
		t.Errorf("the request in flight got %q", got)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.5:80": false, "example.com:80": false, "nonsense": false} {
		if got := httpserver.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

// TestSlowClientsCut: clients that send a body's first bytes and then nothing hold at
// most MaxConns connections, each for at most ReadTimeout; /healthz answers once they
// are cut, and every slow client sees its connection closed.
func TestSlowClientsCut(t *testing.T) {
	s := &httpserver.Server{MaxConns: 4, ReadTimeout: 300 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.Handle("POST /upload", "test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			httpserver.WriteError(w, http.StatusBadRequest, "invalid", "the body did not arrive")
		}
	}))
	url := start(t, s)
	addr := strings.TrimPrefix(url, "http://")
	var slow []net.Conn
	for range 6 { // more than MaxConns: the last two wait to be accepted
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nslow", addr)
		slow = append(slow, c)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("healthz behind slow clients: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	for i, c := range slow {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.ReadAll(c); err != nil {
			t.Errorf("slow client %d: its connection was not closed: %v", i, err)
		}
	}
}
