package teams

// This file holds the bot's outbound calls: the client-credentials token from Microsoft
// Entra and the Bot Framework connector REST API at {serviceUrl}/v3/conversations/….

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultScope is the OAuth scope of a token for the Bot Framework connector in
// Microsoft's public cloud.
const DefaultScope = "https://api.botframework.com/.default"

// multiTenant is the Entra tenant of a multi-tenant bot's token requests.
const multiTenant = "botframework.com"

const (
	// tokenMargin is how long before its expiry a cached token is replaced.
	tokenMargin = 5 * time.Minute
	// tokenTimeout bounds one token request, which callers share.
	tokenTimeout = 30 * time.Second
	// maxTokenBody is the largest Entra answer read.
	maxTokenBody = 64 << 10
)

// Credentials obtains the bot's access token for the connector from Microsoft Entra
// with the client-credentials grant, and caches it until shortly before it expires.
// Concurrent callers share one request. Set the fields before first use and do not copy
// a Credentials after that.
type Credentials struct {
	// AppID and Password are the bot's Microsoft App ID and client secret.
	AppID    string
	Password string
	// TenantID is the bot's Entra tenant: a single-tenant bot (the default for new
	// Azure Bot registrations) sets it; empty asks the multi-tenant authority
	// botframework.com.
	TenantID string
	// TokenURL, when set, replaces the whole token endpoint (tests, sovereign clouds).
	TokenURL string
	// Scope, when set, replaces DefaultScope (sovereign clouds).
	Scope string
	// HTTPClient makes the requests; nil uses a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock; nil uses time.Now.
	Now func() time.Time

	mu        sync.Mutex
	token     string
	refreshAt time.Time    // when the cached token is to be replaced
	flight    *tokenFlight // the request in progress, if any
}

var (
	_ TokenSource      = (*Credentials)(nil)
	_ tokenInvalidator = (*Credentials)(nil)
)

// tokenFlight is a token request that concurrent callers wait for.
type tokenFlight struct {
	done  chan struct{} // closed when token and err are set
	token string
	err   error
}

// TokenError is Entra's refusal of a token request. It never holds the client secret.
type TokenError struct {
	Status int // the HTTP status
	// Code is Entra's OAuth error code (invalid_client, unauthorized_client, …), and
	// Description the first line of its error_description.
	Code        string
	Description string
}

// Error describes the refusal; it never holds the client secret.
func (e *TokenError) Error() string {
	msg := fmt.Sprintf("teams: Entra refused the token request: %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// Token returns a bearer token for the connector, from the cache when it is still good
// for more than five minutes. A caller whose ctx ends stops waiting; the request it
// started goes on for the others.
func (c *Credentials) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	if c.token != "" && c.now().Before(c.refreshAt) {
		token := c.token
		c.mu.Unlock()
		return token, nil
	}
	f := c.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		c.flight = f
		// The request outlives a caller that gives up: the others wait for it.
		go c.fetch(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("teams: waiting for a token: %w", ctx.Err())
	}
}

// Invalidate drops the cached token if it is still token: the connector refused it
// (401). A token fetched since by another caller is kept.
func (c *Credentials) Invalidate(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == token {
		c.token = ""
		c.refreshAt = time.Time{}
	}
}

// fetch runs one token request for f and caches its result.
func (c *Credentials) fetch(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	start := c.now()
	token, ttl, err := c.request(ctx)
	c.mu.Lock()
	if err == nil {
		margin := tokenMargin
		if ttl <= 2*margin { // a short-lived token: replace it half-way
			margin = ttl / 2
		}
		c.token, c.refreshAt = token, start.Add(ttl-margin)
	}
	c.flight = nil
	c.mu.Unlock()
	f.token, f.err = token, err
	close(f.done)
}

// request asks Entra for a token and returns it with its lifetime.
func (c *Credentials) request(ctx context.Context) (string, time.Duration, error) {
	if c.AppID == "" || c.Password == "" {
		return "", 0, errors.New("teams: token request: the app id and password are required")
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.AppID},
		"client_secret": {c.Password},
		"scope":         {c.scope()},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("teams: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := noRedirects(c.HTTPClient).Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("teams: token request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return "", 0, fmt.Errorf("teams: token request: reading the answer: %w", err)
	}
	var answer struct {
		AccessToken      string          `json:"access_token"`
		ExpiresIn        json.RawMessage `json:"expires_in"` // a number; v1 endpoints send a string
		Error            string          `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &answer)
	if resp.StatusCode != http.StatusOK {
		return "", 0, &TokenError{
			Status:      resp.StatusCode,
			Code:        c.redact(cut(answer.Error, 100)),
			Description: c.redact(cut(firstLineOf(answer.ErrorDescription), 300)),
		}
	}
	if jsonErr != nil {
		return "", 0, fmt.Errorf("teams: token request: the answer is not JSON: %w", jsonErr)
	}
	if answer.AccessToken == "" {
		return "", 0, errors.New("teams: token request: the answer has no access_token")
	}
	secs, err := strconv.ParseInt(strings.Trim(string(answer.ExpiresIn), `"`), 10, 64)
	if err != nil || secs <= 0 {
		return "", 0, fmt.Errorf("teams: token request: bad expires_in %.20q", answer.ExpiresIn)
	}
	return answer.AccessToken, time.Duration(secs) * time.Second, nil
}

func (c *Credentials) tokenURL() string {
	if c.TokenURL != "" {
		return c.TokenURL
	}
	tenant := c.TenantID
	if tenant == "" {
		tenant = multiTenant
	}
	return "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

func (c *Credentials) scope() string {
	if c.Scope != "" {
		return c.Scope
	}
	return DefaultScope
}

func (c *Credentials) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// firstLineOf is s up to its first line break: Entra's error_description goes on with
// trace and correlation ids and a timestamp.
func firstLineOf(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// redact removes the client secret from s, in case Entra echoes it back.
func (c *Credentials) redact(s string) string {
	if c.Password == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.Password, "[redacted]")
	return strings.ReplaceAll(s, url.QueryEscape(c.Password), "[redacted]")
}

// TokenSource supplies the bearer token of connector calls. *Credentials is one.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// tokenInvalidator is a TokenSource that can drop a token the connector refused.
type tokenInvalidator interface {
	Invalidate(token string)
}

// DefaultAllowedHosts are the hosts of the serviceUrls Microsoft's channels send: an
// entry is a host name, or a suffix starting with a dot that matches its subdomains.
// trafficmanager.net is listed only as smba.trafficmanager.net, since anyone can create
// a name under it.
var DefaultAllowedHosts = []string{
	"smba.trafficmanager.net",        // Teams, public cloud (…/amer/, …/emea/, …/teams/)
	".botframework.com",              // Bot Framework channels, public cloud
	".infra.gcc.teams.microsoft.com", // Teams GCC: smba.infra.gcc.teams.microsoft.com
	".infra.gov.teams.microsoft.us",  // Teams GCC High
	".infra.dod.teams.microsoft.us",  // Teams DoD
	".botframework.us",               // Bot Framework, US Government
	".botframework.azure.us",         // Bot Framework, Azure US Government
}

// ErrServiceURLNotAllowed is the error (wrapped) of a serviceUrl that CheckServiceURL
// refuses.
var ErrServiceURLNotAllowed = errors.New("teams: serviceUrl not allowed")

// CheckServiceURL reports whether the bot may call serviceURL, and send it its token:
// the URL must be https with a host that allowed lists (DefaultAllowedHosts when
// allowed is nil), without credentials, query or fragment. An entry of allowed is a
// host name (exact), or ".suffix" for the subdomains of suffix ("*.suffix" reads the
// same). Plain http is accepted only for a loopback host (127.0.0.1, ::1, localhost)
// that allowed names: for tests. The error names the host refused.
func CheckServiceURL(serviceURL string, allowed []string) error {
	if allowed == nil {
		allowed = DefaultAllowedHosts
	}
	u, err := url.Parse(serviceURL)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: %.200q is not an absolute URL", ErrServiceURLNotAllowed, serviceURL)
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.User != nil:
		return fmt.Errorf("%w: host %q: credentials in the URL", ErrServiceURLNotAllowed, host)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("%w: host %q: query or fragment in the URL", ErrServiceURLNotAllowed, host)
	case !hostAllowed(host, allowed):
		return fmt.Errorf("%w: host %q is not in the allowed hosts", ErrServiceURLNotAllowed, host)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(host):
		return nil
	default:
		return fmt.Errorf("%w: host %q: scheme %q, want https", ErrServiceURLNotAllowed, host, u.Scheme)
	}
}

// hostAllowed reports whether host (lower case) matches an entry of allowed.
func hostAllowed(host string, allowed []string) bool {
	if host == "" {
		return false
	}
	for _, entry := range allowed {
		entry = strings.ToLower(strings.TrimSpace(entry))
		entry = strings.TrimPrefix(entry, "*")
		entry = strings.TrimSuffix(strings.TrimPrefix(entry, "["), "]") // [::1]
		switch {
		case entry == "" || entry == ".":
		case strings.HasPrefix(entry, "."):
			if len(host) > len(entry) && strings.HasSuffix(host, entry) {
				return true
			}
		case host == entry:
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Connector retry policy: Teams asks bots to back off on 429, 412, 502 and 504 (503 is
// as transient).
const (
	connectorAttempts      = 4 // in all, for the retried statuses
	connectorBaseDelay     = 500 * time.Millisecond
	connectorMaxDelay      = 8 * time.Second
	connectorMaxRetryAfter = 30 * time.Second
	// maxConnectorBody is the largest connector answer read.
	maxConnectorBody = 1 << 20
)

// httpClient30s is the client of Credentials and Connector without an HTTPClient.
var httpClient30s = &http.Client{Timeout: 30 * time.Second}

// Connector calls the Bot Framework connector REST API of a conversation's serviceUrl
// with the bot's token. Every serviceUrl is checked against AllowedHosts before
// anything is sent. Throttling and gateway errors (429, 412, 502, 503, 504) are retried
// with exponential backoff and full jitter, honouring Retry-After; a 401 drops the
// token and retries once. A Connector is safe for concurrent use.
type Connector struct {
	// Tokens supplies the bearer token; a source that also has Invalidate(token string),
	// as *Credentials does, drops a token the connector answers 401 to.
	Tokens TokenSource
	// HTTPClient makes the requests; nil uses a client with a 30 s timeout. Redirects
	// are never followed.
	HTTPClient *http.Client
	// AllowedHosts replaces DefaultAllowedHosts when set: see CheckServiceURL.
	AllowedHosts []string
	// Now is the clock, for a Retry-After date; nil uses time.Now.
	Now func() time.Time
	// Sleep waits d before a retry, or returns ctx's error when ctx ends first; nil
	// waits on a timer. Tests make it record and return at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger logs retries; nil uses slog.Default.
	Logger *slog.Logger
}

var _ Messenger = (*Connector)(nil)

// ConnectorError is a call the connector answered with an error status, with the Bot
// Framework error body when there is one.
type ConnectorError struct {
	Status  int    // the HTTP status
	Code    string // error.code: BadArgument, ConversationNotFound, …
	Message string // error.message, or the start of a body that is not the Bot Framework error
}

// Error describes the connector's answer.
func (e *ConnectorError) Error() string {
	msg := fmt.Sprintf("teams connector: %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Send posts a to the conversation (POST /v3/conversations/{conversationId}/activities)
// and returns the new activity's id. An empty a.Type is sent as "message".
func (c *Connector) Send(ctx context.Context, serviceURL, conversationID string, a *Activity) (string, error) {
	if conversationID == "" || a == nil {
		return "", errors.New("teams: send: a conversation id and an activity are required")
	}
	act := *a
	if act.Type == "" {
		act.Type = TypeMessage
	}
	var answer struct {
		ID string `json:"id"`
	}
	path := "/v3/conversations/" + url.PathEscape(conversationID) + "/activities"
	if err := c.call(ctx, http.MethodPost, serviceURL, path, &act, &answer); err != nil {
		return "", fmt.Errorf("teams: send to conversation %q: %w", conversationID, err)
	}
	return answer.ID, nil
}

// Reply posts a in reply to the activity replyToID
// (POST /v3/conversations/{conversationId}/activities/{replyToId}) and returns the new
// activity's id. The activity sent has ReplyToID set; a itself is not changed.
func (c *Connector) Reply(ctx context.Context, serviceURL, conversationID, replyToID string, a *Activity) (string, error) {
	if conversationID == "" || replyToID == "" || a == nil {
		return "", errors.New("teams: reply: a conversation id, an activity id and an activity are required")
	}
	act := *a
	if act.Type == "" {
		act.Type = TypeMessage
	}
	act.ReplyToID = replyToID
	var answer struct {
		ID string `json:"id"`
	}
	path := "/v3/conversations/" + url.PathEscape(conversationID) + "/activities/" + url.PathEscape(replyToID)
	if err := c.call(ctx, http.MethodPost, serviceURL, path, &act, &answer); err != nil {
		return "", fmt.Errorf("teams: reply in conversation %q: %w", conversationID, err)
	}
	return answer.ID, nil
}

// Member returns a member of the conversation
// (GET /v3/conversations/{conversationId}/members/{userId}): Teams gives the user's
// email, userPrincipalName and aadObjectId there.
func (c *Connector) Member(ctx context.Context, serviceURL, conversationID, userID string) (ChannelAccount, error) {
	if conversationID == "" || userID == "" {
		return ChannelAccount{}, errors.New("teams: member: a conversation id and a user id are required")
	}
	var m ChannelAccount
	path := "/v3/conversations/" + url.PathEscape(conversationID) + "/members/" + url.PathEscape(userID)
	if err := c.call(ctx, http.MethodGet, serviceURL, path, nil, &m); err != nil {
		return ChannelAccount{}, fmt.Errorf("teams: member %q of conversation %q: %w", userID, conversationID, err)
	}
	return m, nil
}

// CreateConversation opens (or finds) the personal chat between the bot botID and the
// user userID in tenant tenantID (POST /v3/conversations) and returns its conversation
// id: the way to a proactive message to a user.
func (c *Connector) CreateConversation(ctx context.Context, serviceURL, tenantID, botID, userID string) (string, error) {
	if tenantID == "" || botID == "" || userID == "" {
		return "", errors.New("teams: create conversation: a tenant id, a bot id and a user id are required")
	}
	type account struct {
		ID string `json:"id"`
	}
	type tenant struct {
		Tenant account `json:"tenant"`
	}
	params := struct {
		Bot         account   `json:"bot"`
		Members     []account `json:"members"`
		IsGroup     bool      `json:"isGroup"`
		TenantID    string    `json:"tenantId"`
		ChannelData tenant    `json:"channelData"`
	}{
		Bot:         account{botID},
		Members:     []account{{userID}},
		TenantID:    tenantID,
		ChannelData: tenant{account{tenantID}},
	}
	var answer struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, http.MethodPost, serviceURL, "/v3/conversations", &params, &answer); err != nil {
		return "", fmt.Errorf("teams: create conversation with %q: %w", userID, err)
	}
	if answer.ID == "" {
		return "", fmt.Errorf("teams: create conversation with %q: the connector returned no conversation id", userID)
	}
	return answer.ID, nil
}

// call makes one connector call, with its retries, and decodes a successful answer's
// JSON body, if any, into out.
func (c *Connector) call(ctx context.Context, method, serviceURL, path string, in, out any) error {
	if err := CheckServiceURL(serviceURL, c.AllowedHosts); err != nil {
		return err
	}
	if c.Tokens == nil {
		return errors.New("teams: the connector has no token source")
	}
	var payload []byte
	if in != nil {
		var err error
		if payload, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encoding the request: %w", err)
		}
	}
	endpoint := strings.TrimRight(serviceURL, "/") + path
	host := urlHost(serviceURL)
	refreshed := false // the token was renewed after a 401
	for attempt := 1; ; {
		token, err := c.Tokens.Token(ctx)
		if err != nil {
			return fmt.Errorf("getting a token: %w", err)
		}
		resp, err := c.do(ctx, method, endpoint, token, payload)
		if err != nil {
			return err
		}
		body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxConnectorBody))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			if readErr != nil {
				return fmt.Errorf("reading the answer: %w", readErr)
			}
			if out == nil || len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("decoding the answer: %w", err)
			}
			return nil
		}
		cerr := connectorError(resp.StatusCode, body)
		switch {
		case resp.StatusCode == http.StatusUnauthorized && !refreshed:
			refreshed = true
			if inv, ok := c.Tokens.(tokenInvalidator); ok {
				inv.Invalidate(token)
			}
			c.logger().WarnContext(ctx, "teams: connector refused the token; renewing it", "host", host, "method", method)
			continue
		case !retried(resp.StatusCode):
			return cerr
		case attempt >= connectorAttempts:
			return fmt.Errorf("giving up after %d attempts: %w", attempt, cerr)
		}
		delay := c.backoff(attempt, resp.Header.Get("Retry-After"))
		c.logger().WarnContext(ctx, "teams: connector call will be retried",
			"host", host, "method", method, "status", resp.StatusCode, "attempt", attempt, "delay", delay)
		if err := c.sleep(ctx, delay); err != nil {
			return fmt.Errorf("retry stopped: %w (last answer: %w)", err, cerr)
		}
		attempt++
	}
}

// do sends one request.
func (c *Connector) do(ctx context.Context, method, endpoint, token string, payload []byte) (*http.Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := noRedirects(c.HTTPClient).Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, urlHost(endpoint), err)
	}
	return resp, nil
}

// retried reports whether a call answered status is tried again.
func retried(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusPreconditionFailed,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait after the attempt-th attempt: Retry-After (seconds or an HTTP
// date) when the connector sent one, capped at 30 s; otherwise a random delay up to
// 500 ms doubled per attempt, capped at 8 s (full jitter).
func (c *Connector) backoff(attempt int, retryAfter string) time.Duration {
	if d, ok := c.parseRetryAfter(retryAfter); ok {
		return min(d, connectorMaxRetryAfter)
	}
	ceiling := connectorMaxDelay
	if attempt < 5 { // 500 ms << 4 is already over the cap
		ceiling = min(connectorBaseDelay<<(attempt-1), connectorMaxDelay)
	}
	return rand.N(ceiling + 1)
}

func (c *Connector) parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(connectorMaxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(c.now()), 0), true
	}
	return 0, false
}

// connectorError reads the Bot Framework error body {"error":{"code","message"}}, or
// keeps the start of another body.
func connectorError(status int, body []byte) *ConnectorError {
	e := &ConnectorError{Status: status}
	var parsed struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		Message string `json:"message"` // some gateways answer {"message": …}
	}
	if json.Unmarshal(body, &parsed) == nil {
		e.Code = cut(parsed.Error.Code, 100)
		e.Message = cut(parsed.Error.Message, 500)
		if e.Message == "" {
			e.Message = cut(parsed.Message, 500)
		}
		return e
	}
	e.Message = cut(strings.Join(strings.Fields(string(body)), " "), 200)
	return e
}

func (c *Connector) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Connector) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *Connector) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// noRedirects returns a copy of hc (or of the default client) that does not follow
// redirects: neither the token nor the client secret may go anywhere but where it was
// sent.
func noRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		hc = httpClient30s
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// urlHost is the host of a URL for logs and errors.
func urlHost(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return "?"
}
