package teams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/teams"
)

const (
	testAppID    = "00000000-0000-0000-0000-0000000000b0"
	testPassword = "s3cr3t~Value.With+Symbols"
)

// testClock is an injected clock that tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// entraStub stands in for Microsoft Entra's token endpoint: it issues token-1,
// token-2, … valid for expiresIn seconds.
type entraStub struct {
	*httptest.Server
	hits      atomic.Int64
	expiresIn int
	// status and body, when status is set, answer every request instead.
	status int
	body   string
	// gate, when set, holds each request until it is closed; entered is signalled
	// when a request arrives.
	gate    chan struct{}
	entered chan struct{}

	mu    sync.Mutex
	hosts []string
	paths []string
	forms []url.Values
}

func newEntra(t *testing.T, useTLS bool) *entraStub {
	t.Helper()
	e := &entraStub{expiresIn: 3600}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := e.hits.Add(1)
		r.ParseForm()
		e.mu.Lock()
		e.hosts = append(e.hosts, r.Host)
		e.paths = append(e.paths, r.URL.Path)
		e.forms = append(e.forms, r.PostForm)
		e.mu.Unlock()
		if e.entered != nil {
			e.entered <- struct{}{}
		}
		if e.gate != nil {
			<-e.gate
		}
		w.Header().Set("Content-Type", "application/json")
		if e.status != 0 {
			w.WriteHeader(e.status)
			io.WriteString(w, e.body)
			return
		}
		fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":%d,"ext_expires_in":%d,"access_token":"token-%d"}`,
			e.expiresIn, e.expiresIn, n)
	})
	if useTLS {
		e.Server = httptest.NewTLSServer(h)
	} else {
		e.Server = httptest.NewServer(h)
	}
	t.Cleanup(e.Close)
	return e
}

// request returns the host, path and form of the i-th request.
func (e *entraStub) request(i int) (host, path string, form url.Values) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hosts[i], e.paths[i], e.forms[i]
}

func (e *entraStub) credentials(clock *testClock) *teams.Credentials {
	return &teams.Credentials{
		AppID:    testAppID,
		Password: testPassword,
		TenantID: "tenant-1",
		TokenURL: e.URL + "/tenant-1/oauth2/v2.0/token",
		Now:      clock.Now,
	}
}

// routedClient sends every request to the stand-ins whatever its host: port 443 to
// tlsSrv (its certificate checked as example.com's), any other to plainSrv. It lets
// the real URLs (login.microsoftonline.com, smba.trafficmanager.net) be exercised.
func routedClient(tlsSrv, plainSrv *httptest.Server) *http.Client {
	tr := tlsSrv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com"
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		target := plainSrv.Listener.Addr().String()
		if strings.HasSuffix(addr, ":443") {
			target = tlsSrv.Listener.Addr().String()
		}
		return d.DialContext(ctx, network, target)
	}
	return &http.Client{Transport: tr}
}

func TestCredentialsTokenCachedUntilExpiry(t *testing.T) {
	entra := newEntra(t, false)
	clock := newTestClock()
	creds := entra.credentials(clock)
	ctx := t.Context()

	// expires_in is 3600 s: the token is replaced 5 minutes before, at 55 min.
	steps := []struct {
		advance   time.Duration
		wantToken string
		wantHits  int64
	}{
		{0, "token-1", 1},
		{0, "token-1", 1},
		{30 * time.Minute, "token-1", 1},
		{24*time.Minute + 59*time.Second, "token-1", 1},
		{time.Second, "token-2", 2},
		{time.Minute, "token-2", 2},
		{2 * time.Hour, "token-3", 3},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		got, err := creds.Token(ctx)
		if err != nil {
			t.Fatalf("step %d: Token: %v", i, err)
		}
		if got != s.wantToken || entra.hits.Load() != s.wantHits {
			t.Errorf("step %d: Token = %q after %d requests to Entra, want %q after %d",
				i, got, entra.hits.Load(), s.wantToken, s.wantHits)
		}
	}

	want := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {testAppID},
		"client_secret": {testPassword},
		"scope":         {"https://api.botframework.com/.default"},
	}
	_, path, form := entra.request(0)
	if diff := cmp.Diff(want, form); diff != "" {
		t.Errorf("token request form (-want +got):\n%s", diff)
	}
	if got, want := path, "/tenant-1/oauth2/v2.0/token"; got != want {
		t.Errorf("token request path = %q, want %q", got, want)
	}
}

func TestCredentialsTokenURL(t *testing.T) {
	tests := []struct {
		name      string
		tenantID  string
		scope     string
		wantHost  string
		wantPath  string
		wantScope string
	}{
		{
			name:      "single-tenant bot asks its tenant",
			tenantID:  "72f988bf-86f1-41af-91ab-2d7cd011db47",
			wantHost:  "login.microsoftonline.com",
			wantPath:  "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
			wantScope: "https://api.botframework.com/.default",
		},
		{
			name:      "multi-tenant bot asks botframework.com",
			wantHost:  "login.microsoftonline.com",
			wantPath:  "/botframework.com/oauth2/v2.0/token",
			wantScope: "https://api.botframework.com/.default",
		},
		{
			name:      "scope override",
			tenantID:  "tenant-1",
			scope:     "https://api.botframework.us/.default",
			wantHost:  "login.microsoftonline.com",
			wantPath:  "/tenant-1/oauth2/v2.0/token",
			wantScope: "https://api.botframework.us/.default",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entra := newEntra(t, true)
			creds := &teams.Credentials{
				AppID:      testAppID,
				Password:   testPassword,
				TenantID:   tt.tenantID,
				Scope:      tt.scope,
				HTTPClient: routedClient(entra.Server, entra.Server),
			}
			if _, err := creds.Token(t.Context()); err != nil {
				t.Fatalf("Token: %v", err)
			}
			host, path, form := entra.request(0)
			got := []string{host, path, form.Get("scope")}
			want := []string{tt.wantHost, tt.wantPath, tt.wantScope}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("host, path, scope (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCredentialsTokenErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		wantErr   *teams.TokenError // nil: another error
		wantInErr string
	}{
		{
			name:   "Entra 401 invalid_client",
			status: http.StatusUnauthorized,
			body: `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: ` +
				testPassword + ` (` + url.QueryEscape(testPassword) + `).\r\nTrace ID: 0f0e\r\nCorrelation ID: 1a2b\r\nTimestamp: 2026-03-02 09:00:00Z","error_codes":[7000215]}`,
			wantErr: &teams.TokenError{
				Status:      401,
				Code:        "invalid_client",
				Description: "AADSTS7000215: Invalid client secret provided: [redacted] ([redacted]).",
			},
			wantInErr: "invalid_client",
		},
		{
			name:      "Entra 400 unknown tenant",
			status:    http.StatusBadRequest,
			body:      `{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'tenant-1' not found."}`,
			wantErr:   &teams.TokenError{Status: 400, Code: "invalid_request", Description: "AADSTS90002: Tenant 'tenant-1' not found."},
			wantInErr: "AADSTS90002",
		},
		{
			name:      "gateway page",
			status:    http.StatusBadGateway,
			body:      `<html>bad gateway</html>`,
			wantErr:   &teams.TokenError{Status: 502},
			wantInErr: "502",
		},
		{
			name:      "no access token",
			status:    http.StatusOK,
			body:      `{"token_type":"Bearer","expires_in":3599}`,
			wantInErr: "no access_token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entra := newEntra(t, false)
			entra.status, entra.body = tt.status, tt.body
			_, err := entra.credentials(newTestClock()).Token(t.Context())
			if err == nil {
				t.Fatal("Token succeeded, want an error")
			}
			for _, secret := range []string{testPassword, url.QueryEscape(testPassword)} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains the client secret", err)
				}
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantInErr)
			}
			var te *teams.TokenError
			if isTokenErr := errors.As(err, &te); isTokenErr != (tt.wantErr != nil) {
				t.Fatalf("error %v: a *TokenError: %v, want %v", err, isTokenErr, tt.wantErr != nil)
			}
			if diff := cmp.Diff(tt.wantErr, te); tt.wantErr != nil && diff != "" {
				t.Errorf("TokenError (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCredentialsTokenConcurrentCallersShareOneRequest(t *testing.T) {
	entra := newEntra(t, false)
	entra.gate = make(chan struct{})
	creds := entra.credentials(newTestClock())

	const callers = 32
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { tokens[i], errs[i] = creds.Token(t.Context()) })
	}
	close(entra.gate)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || tokens[i] != "token-1" {
			t.Errorf("caller %d: Token = %q, %v; want token-1", i, tokens[i], errs[i])
		}
	}
	if got := entra.hits.Load(); got != 1 {
		t.Errorf("Entra got %d requests, want 1", got)
	}
}

func TestCredentialsTokenCallerGivesUpOthersWait(t *testing.T) {
	entra := newEntra(t, false)
	entra.gate = make(chan struct{})
	entra.entered = make(chan struct{}, 1)
	creds := entra.credentials(newTestClock())

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := creds.Token(ctx)
		first <- err
	}()
	<-entra.entered // the request is in flight
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled caller got %v, want context.Canceled", err)
	}

	second := make(chan string, 1)
	go func() {
		token, err := creds.Token(t.Context())
		if err != nil {
			t.Errorf("second caller: %v", err)
		}
		second <- token
	}()
	close(entra.gate)
	if got := <-second; got != "token-1" {
		t.Errorf("second caller got %q, want token-1 from the shared request", got)
	}
	if got := entra.hits.Load(); got != 1 {
		t.Errorf("Entra got %d requests, want 1", got)
	}
}

// connectorRequest is what the connector stand-in saw of a request.
type connectorRequest struct {
	Method      string
	URI         string
	Host        string
	Auth        string
	ContentType string
	Body        any // decoded JSON; nil when empty
}

// connectorStub stands in for the Bot Framework connector. respond answers the n-th
// request (from 1); nil answers 201 {"id":"activity-n"}.
type connectorStub struct {
	*httptest.Server
	hits    atomic.Int64
	respond func(n int64, w http.ResponseWriter, r *http.Request)

	mu   sync.Mutex
	reqs []connectorRequest
}

func newConnectorStub(t *testing.T, respond func(n int64, w http.ResponseWriter, r *http.Request)) *connectorStub {
	t.Helper()
	s := &connectorStub{respond: respond}
	s.Server = httptest.NewServer(s.handler(t))
	t.Cleanup(s.Close)
	return s
}

// newTLSConnectorStub is a connector stand-in that answers 201 over https.
func newTLSConnectorStub(t *testing.T) *connectorStub {
	t.Helper()
	s := &connectorStub{}
	s.Server = httptest.NewTLSServer(s.handler(t))
	t.Cleanup(s.Close)
	return s
}

func (s *connectorStub) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := s.hits.Add(1)
		raw, _ := io.ReadAll(r.Body)
		var body any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Errorf("request body is not JSON: %q", raw)
			}
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, connectorRequest{
			Method:      r.Method,
			URI:         r.RequestURI,
			Host:        r.Host,
			Auth:        r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"),
			Body:        body,
		})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if s.respond == nil {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":"activity-%d"}`, n)
			return
		}
		s.respond(n, w, r)
	}
}

func (s *connectorStub) requests() []connectorRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]connectorRequest(nil), s.reqs...)
}

// sleeps records the connector's waits and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newTestConnector(t *testing.T, tokens teams.TokenSource, sl *sleeps) *teams.Connector {
	return &teams.Connector{
		Tokens:       tokens,
		AllowedHosts: []string{"127.0.0.1"},
		Sleep:        sl.Sleep,
		Logger:       slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
}

func TestConnectorCalls(t *testing.T) {
	card := teams.Attachment{
		ContentType: teams.ContentTypeAdaptiveCard,
		Content:     map[string]any{"type": "AdaptiveCard", "version": "1.5"},
	}
	tests := []struct {
		name     string
		call     func(ctx context.Context, c *teams.Connector, serviceURL string) (any, error)
		status   int
		answer   string
		want     any
		wantReq  connectorRequest // URI without the serviceUrl's path; no Host or Auth
		wantBody any
	}{
		{
			name: "send to a channel thread",
			call: func(ctx context.Context, c *teams.Connector, serviceURL string) (any, error) {
				return c.Send(ctx, serviceURL, "19:abc@thread.tacv2;messageid=123",
					&teams.Activity{Type: teams.TypeMessage, Text: "Gap at **Acme**", Attachments: []teams.Attachment{card}})
			},
			status: http.StatusCreated,
			answer: `{"id":"1712345678901"}`,
			want:   "1712345678901",
			wantReq: connectorRequest{
				Method:      "POST",
				URI:         "/v3/conversations/19:abc@thread.tacv2%3Bmessageid=123/activities",
				ContentType: "application/json; charset=utf-8",
				Body: map[string]any{
					"type": "message",
					"text": "Gap at **Acme**",
					"attachments": []any{map[string]any{
						"contentType": "application/vnd.microsoft.card.adaptive",
						"content":     map[string]any{"type": "AdaptiveCard", "version": "1.5"},
					}},
				},
			},
		},
		{
			name: "reply in a personal chat",
			call: func(ctx context.Context, c *teams.Connector, serviceURL string) (any, error) {
				return c.Reply(ctx, serviceURL, "a:1Xy-Z_personal", "1712345678000", &teams.Activity{Text: "Working on it"})
			},
			status: http.StatusOK,
			answer: `{"id":"1712345678999"}`,
			want:   "1712345678999",
			wantReq: connectorRequest{
				Method:      "POST",
				URI:         "/v3/conversations/a:1Xy-Z_personal/activities/1712345678000",
				ContentType: "application/json; charset=utf-8",
				Body:        map[string]any{"type": "message", "text": "Working on it", "replyToId": "1712345678000"},
			},
		},
		{
			name: "member",
			call: func(ctx context.Context, c *teams.Connector, serviceURL string) (any, error) {
				return c.Member(ctx, serviceURL, "19:abc@thread.tacv2", "29:1AbC/dEf=")
			},
			status: http.StatusOK,
			answer: `{"id":"29:1AbC/dEf=","name":"Ana Rep","aadObjectId":"6b3c0d5e","givenName":"Ana","surname":"Rep",` +
				`"email":"ana@example.com","userPrincipalName":"ana@example.com","tenantId":"tenant-1","userRole":"user"}`,
			want: teams.ChannelAccount{
				ID:                "29:1AbC/dEf=",
				Name:              "Ana Rep",
				AADObjectID:       "6b3c0d5e",
				Email:             "ana@example.com",
				UserPrincipalName: "ana@example.com",
			},
			wantReq: connectorRequest{
				Method: "GET",
				URI:    "/v3/conversations/19:abc@thread.tacv2/members/29:1AbC%2FdEf=",
			},
		},
		{
			name: "create a personal conversation",
			call: func(ctx context.Context, c *teams.Connector, serviceURL string) (any, error) {
				return c.CreateConversation(ctx, serviceURL, "tenant-1", "28:bot-app-id", "29:1AbC")
			},
			status: http.StatusCreated,
			answer: `{"id":"a:1new-personal","activityId":"","serviceUrl":"https://smba.trafficmanager.net/amer/"}`,
			want:   "a:1new-personal",
			wantReq: connectorRequest{
				Method:      "POST",
				URI:         "/v3/conversations",
				ContentType: "application/json; charset=utf-8",
				Body: map[string]any{
					"bot":         map[string]any{"id": "28:bot-app-id"},
					"members":     []any{map[string]any{"id": "29:1AbC"}},
					"isGroup":     false,
					"tenantId":    "tenant-1",
					"channelData": map[string]any{"tenant": map[string]any{"id": "tenant-1"}},
				},
			},
		},
	}
	for _, tt := range tests {
		for _, prefix := range []string{"", "/", "/amer", "/amer/"} {
			t.Run(tt.name+" at "+prefix, func(t *testing.T) {
				stub := newConnectorStub(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
					w.WriteHeader(tt.status)
					io.WriteString(w, tt.answer)
				})
				entra := newEntra(t, false)
				c := newTestConnector(t, entra.credentials(newTestClock()), &sleeps{})

				got, err := tt.call(t.Context(), c, stub.URL+prefix)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				want := tt.wantReq
				want.URI = strings.TrimSuffix(prefix, "/") + want.URI
				want.Host = strings.TrimPrefix(stub.URL, "http://")
				want.Auth = "Bearer token-1"
				if diff := cmp.Diff([]connectorRequest{want}, stub.requests()); diff != "" {
					t.Errorf("requests (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestConnectorReplyLeavesTheActivityAlone(t *testing.T) {
	stub := newConnectorStub(t, nil)
	c := newTestConnector(t, newEntra(t, false).credentials(newTestClock()), &sleeps{})
	a := &teams.Activity{Text: "hello"}
	if _, err := c.Reply(t.Context(), stub.URL, "a:1", "17", a); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if diff := cmp.Diff(&teams.Activity{Text: "hello"}, a); diff != "" {
		t.Errorf("Reply changed the caller's activity (-want +got):\n%s", diff)
	}
}

// answer is one response of the connector stand-in.
type answer struct {
	status     int
	retryAfter string
	body       string
}

func TestConnectorRetries(t *testing.T) {
	clock := newTestClock()
	tests := []struct {
		name       string
		answers    []answer // the last repeats
		wantHits   int64
		wantWaits  []time.Duration
		jitter     bool // wantWaits are ceilings
		wantID     string
		wantStatus int // a *ConnectorError with this status, or 0 for success
		wantCode   string
	}{
		{
			name:      "429 with Retry-After then 201 delivers once",
			answers:   []answer{{429, "2", `{"error":{"code":"Throttled","message":"slow down"}}`}, {201, "", `{"id":"a-1"}`}},
			wantHits:  2,
			wantWaits: []time.Duration{2 * time.Second},
			wantID:    "a-1",
		},
		{
			name:      "Retry-After is capped at 30 s",
			answers:   []answer{{429, "3600", ""}, {201, "", `{"id":"a-1"}`}},
			wantHits:  2,
			wantWaits: []time.Duration{30 * time.Second},
			wantID:    "a-1",
		},
		{
			name:      "Retry-After as a date",
			answers:   []answer{{503, clock.Now().Add(7 * time.Second).Format(http.TimeFormat), ""}, {201, "", `{"id":"a-1"}`}},
			wantHits:  2,
			wantWaits: []time.Duration{7 * time.Second},
			wantID:    "a-1",
		},
		{
			name:      "Retry-After as a date is capped at 30 s",
			answers:   []answer{{429, clock.Now().Add(2 * time.Hour).Format(http.TimeFormat), ""}, {201, "", `{"id":"a-1"}`}},
			wantHits:  2,
			wantWaits: []time.Duration{30 * time.Second},
			wantID:    "a-1",
		},
		{
			name:      "412, 502 and 504 are retried with backoff",
			answers:   []answer{{412, "", ""}, {502, "", "<html>Bad Gateway</html>"}, {504, "", ""}, {201, "", `{"id":"a-1"}`}},
			wantHits:  4,
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second},
			jitter:    true,
			wantID:    "a-1",
		},
		{
			name:       "at most four attempts",
			answers:    []answer{{503, "", ""}},
			wantHits:   4,
			wantWaits:  []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second},
			jitter:     true,
			wantStatus: 503,
		},
		{
			name:       "400 is not retried",
			answers:    []answer{{400, "", `{"error":{"code":"BadArgument","message":"Unknown activity type"}}`}},
			wantHits:   1,
			wantStatus: 400,
			wantCode:   "BadArgument",
		},
		{
			name:       "404 is not retried",
			answers:    []answer{{404, "", `{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}`}},
			wantHits:   1,
			wantStatus: 404,
			wantCode:   "ConversationNotFound",
		},
		{
			name:       "500 is not retried",
			answers:    []answer{{500, "", ""}},
			wantHits:   1,
			wantStatus: 500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newConnectorStub(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
				a := tt.answers[min(int(n), len(tt.answers))-1]
				if a.retryAfter != "" {
					w.Header().Set("Retry-After", a.retryAfter)
				}
				w.WriteHeader(a.status)
				io.WriteString(w, a.body)
			})
			sl := &sleeps{}
			c := newTestConnector(t, newEntra(t, false).credentials(clock), sl)
			c.Now = clock.Now

			id, err := c.Send(t.Context(), stub.URL, "19:abc@thread.tacv2", &teams.Activity{Text: "hi"})

			if got := stub.hits.Load(); got != tt.wantHits {
				t.Errorf("the connector got %d requests, want %d", got, tt.wantHits)
			}
			waits := sl.waits()
			if tt.jitter {
				if len(waits) != len(tt.wantWaits) {
					t.Errorf("waits = %v, want %d", waits, len(tt.wantWaits))
				}
				for i := range min(len(waits), len(tt.wantWaits)) {
					if waits[i] < 0 || waits[i] > tt.wantWaits[i] {
						t.Errorf("wait %d = %v, want between 0 and %v", i, waits[i], tt.wantWaits[i])
					}
				}
			} else if diff := cmp.Diff(tt.wantWaits, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if tt.wantStatus == 0 {
				if err != nil || id != tt.wantID {
					t.Errorf("Send = %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			var ce *teams.ConnectorError
			if !errors.As(err, &ce) {
				t.Fatalf("Send error = %v, want a *ConnectorError", err)
			}
			if ce.Status != tt.wantStatus || ce.Code != tt.wantCode {
				t.Errorf("ConnectorError = %+v, want status %d, code %q", ce, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

// cancelOnRetry is a slog.Handler that ends a context when the connector logs that it
// will retry: the moment it starts to wait.
type cancelOnRetry struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnRetry) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "retried") {
		h.cancel()
	}
	return h.Handler.Handle(ctx, r)
}

func TestConnectorRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stub := newConnectorStub(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newTestConnector(t, newEntra(t, false).credentials(newTestClock()), &sleeps{})
	c.Sleep = nil // the real wait, which must end with ctx
	c.Logger = slog.New(cancelOnRetry{slog.NewTextHandler(t.Output(), nil), cancel})

	done := make(chan error, 1)
	go func() {
		_, err := c.Send(ctx, stub.URL, "a:1", &teams.Activity{Text: "hi"})
		done <- err
	}()
	select {
	case err := <-done:
		var ce *teams.ConnectorError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &ce) || ce.Status != http.StatusTooManyRequests {
			t.Errorf("Send error = %v, want context.Canceled and the 429", err)
		}
	case <-time.After(20 * time.Second): // a guard, not a measure: the wait is 30 s
		t.Fatal("Send still waits for Retry-After after its context ended")
	}
	if got := stub.hits.Load(); got != 1 {
		t.Errorf("the connector got %d requests, want 1", got)
	}
}

func TestConnectorRenewsTokenOn401(t *testing.T) {
	tests := []struct {
		name       string
		goodToken  string // the token the connector accepts
		wantHits   int64
		wantEntra  int64
		wantStatus int // 0: success
	}{
		{name: "renewed token accepted", goodToken: "Bearer token-2", wantHits: 2, wantEntra: 2},
		{name: "retried once only", goodToken: "none", wantHits: 2, wantEntra: 2, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newConnectorStub(t, func(n int64, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != tt.goodToken {
					w.WriteHeader(http.StatusUnauthorized)
					io.WriteString(w, `{"message":"Authorization has been denied for this request."}`)
					return
				}
				w.WriteHeader(http.StatusCreated)
				io.WriteString(w, `{"id":"a-1"}`)
			})
			entra := newEntra(t, false)
			c := newTestConnector(t, entra.credentials(newTestClock()), &sleeps{})

			_, err := c.Send(t.Context(), stub.URL, "a:1", &teams.Activity{Text: "hi"})
			var ce *teams.ConnectorError
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Errorf("Send: %v", err)
			case tt.wantStatus != 0 && (!errors.As(err, &ce) || ce.Status != tt.wantStatus):
				t.Errorf("Send error = %v, want a ConnectorError %d", err, tt.wantStatus)
			}
			if got, want := [2]int64{stub.hits.Load(), entra.hits.Load()}, [2]int64{tt.wantHits, tt.wantEntra}; got != want {
				t.Errorf("connector and Entra requests = %v, want %v", got, want)
			}
		})
	}
}

func TestCheckServiceURL(t *testing.T) {
	tests := []struct {
		url     string
		allowed []string
		ok      bool
	}{
		{"https://smba.trafficmanager.net/amer/", nil, true},
		{"https://smba.trafficmanager.net/teams", nil, true},
		{"https://SMBA.TrafficManager.net/emea/", nil, true},
		{"https://smba.infra.gcc.teams.microsoft.com/", nil, true},
		{"https://smba.infra.gcc.teams.microsoft.com/teams", nil, true},
		{"https://smba.infra.gov.teams.microsoft.us/teams", nil, true},
		{"https://smba.infra.dod.teams.microsoft.us/teams", nil, true},
		{"https://webchat.botframework.com/", nil, true},
		{"https://evil.example/", nil, false},
		{"http://smba.trafficmanager.net/", nil, false},
		{"https://botframework.com.evil.example/", nil, false},
		{"https://evilbotframework.com/", nil, false},
		{"https://evil.trafficmanager.net/", nil, false},
		{"https://smba.trafficmanager.net.evil.example/", nil, false},
		{"https://user:pw@smba.trafficmanager.net/amer/", nil, false},
		{"https://smba.trafficmanager.net/amer/?next=https://evil.example", nil, false},
		{"https://smba.trafficmanager.net/amer/#x", nil, false},
		{"ftp://smba.trafficmanager.net/", nil, false},
		{"smba.trafficmanager.net/amer/", nil, false},
		{"//smba.trafficmanager.net/amer/", nil, false},
		{"", nil, false},
		{"http://127.0.0.1:8080/", nil, false},
		{"http://127.0.0.1:8080/", []string{"127.0.0.1"}, true},
		{"http://[::1]:8080/", []string{"[::1]"}, true},
		{"http://localhost:8080/", []string{"localhost"}, true},
		{"https://smba.trafficmanager.net/amer/", []string{"127.0.0.1"}, false},
		{"http://bots.example.com/", []string{"bots.example.com"}, false},
		{"https://bots.example.com/", []string{"bots.example.com"}, true},
		{"https://a.bots.example.com/", []string{"bots.example.com"}, false},
		{"https://a.bots.example.com/", []string{".bots.example.com"}, true},
		{"https://a.bots.example.com/", []string{"*.bots.example.com"}, true},
		{"https://bots.example.com/", []string{".bots.example.com"}, false},
		{"https://xbots.example.com/", []string{".bots.example.com"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.url, tt.allowed), func(t *testing.T) {
			err := teams.CheckServiceURL(tt.url, tt.allowed)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckServiceURL = %v, want ok %v", err, tt.ok)
			}
			if err == nil {
				return
			}
			if !errors.Is(err, teams.ErrServiceURLNotAllowed) {
				t.Errorf("error %v is not ErrServiceURLNotAllowed", err)
			}
			if u, perr := url.Parse(tt.url); perr == nil && u.Hostname() != "" && !strings.Contains(err.Error(), strings.ToLower(u.Hostname())) {
				t.Errorf("error %q does not name the host %q", err, u.Hostname())
			}
		})
	}
}

// TestConnectorServiceURLAllowList sends with the default allow-list through a client
// that would deliver any host to the stand-ins: a refused serviceUrl must never reach
// them, nor cost a token.
func TestConnectorServiceURLAllowList(t *testing.T) {
	tlsStub := newTLSConnectorStub(t)
	plainStub := newConnectorStub(t, nil)
	entra := newEntra(t, false)
	c := &teams.Connector{
		Tokens:     entra.credentials(newTestClock()),
		HTTPClient: routedClient(tlsStub.Server, plainStub.Server),
		Sleep:      (&sleeps{}).Sleep,
		Logger:     slog.New(slog.NewTextHandler(t.Output(), nil)),
	}

	for _, refused := range []string{
		"https://evil.example/",
		"http://smba.trafficmanager.net/",
		"https://botframework.com.evil.example/",
		"https://evilbotframework.com/",
		"https://evil.trafficmanager.net/amer/",
		plainStub.URL + "/",
	} {
		_, err := c.Send(t.Context(), refused, "a:1", &teams.Activity{Text: "hi"})
		if !errors.Is(err, teams.ErrServiceURLNotAllowed) {
			t.Errorf("Send to %s: error = %v, want ErrServiceURLNotAllowed", refused, err)
		}
	}
	if got := [3]int64{tlsStub.hits.Load(), plainStub.hits.Load(), entra.hits.Load()}; got != [3]int64{} {
		t.Errorf("requests to the TLS stand-in, the plain one and Entra = %v, want none", got)
	}

	for _, allowed := range []string{"https://smba.trafficmanager.net/amer/", "https://smba.infra.gcc.teams.microsoft.com/teams"} {
		if _, err := c.Send(t.Context(), allowed, "a:1", &teams.Activity{Text: "hi"}); err != nil {
			t.Errorf("Send to %s: %v", allowed, err)
		}
	}
	var hosts []string
	for _, r := range tlsStub.requests() {
		hosts = append(hosts, r.Host+" "+r.URI)
	}
	want := []string{"smba.trafficmanager.net /amer/v3/conversations/a:1/activities", "smba.infra.gcc.teams.microsoft.com /teams/v3/conversations/a:1/activities"}
	if diff := cmp.Diff(want, hosts); diff != "" {
		t.Errorf("requests delivered (-want +got):\n%s", diff)
	}
}

func TestConnectorConcurrentSends(t *testing.T) {
	stub := newConnectorStub(t, nil)
	entra := newEntra(t, false)
	c := newTestConnector(t, entra.credentials(newTestClock()), &sleeps{})

	const senders = 24
	var wg sync.WaitGroup
	ids := make([]string, senders)
	for i := range senders {
		wg.Go(func() {
			id, err := c.Send(t.Context(), stub.URL, fmt.Sprintf("a:%d", i), &teams.Activity{Text: "digest"})
			if err != nil {
				t.Errorf("sender %d: %v", i, err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(seen) != senders || seen[""] {
		t.Errorf("activity ids = %v, want %d distinct", ids, senders)
	}
	if got := [2]int64{stub.hits.Load(), entra.hits.Load()}; got != [2]int64{senders, 1} {
		t.Errorf("connector and Entra requests = %v, want [%d 1]", got, senders)
	}
}
