package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	sf "github.com/k-capehart/go-salesforce/v3"
)

// transport is the RoundTripper of one call's data requests. The library takes no
// context, so the call's context is kept here and attached to every request: this is the
// one place a context lives in a struct. It retries 429 and 5xx answers with backoff
// (a Retry-After header wins), counts every request it sends, retries included, and
// remembers the last Sforce-Limit-Info and the bearer tokens it carried (only to keep
// them out of errors).
type transport struct {
	ctx     context.Context
	base    http.RoundTripper
	retries int
	backoff func(int) time.Duration
	logf    func(string, ...any)

	mu        sync.Mutex
	calls     int
	limitInfo string
	tokens    map[string]bool
}

// retryError is the answer when retries of a 429 or 5xx are exhausted.
type retryError struct {
	status    int
	tries     int
	limitInfo string
}

func (e *retryError) Error() string { return "salesforce: " + e.text() }

func (e *retryError) text() string {
	what := fmt.Sprintf("server error (%d)", e.status)
	if e.status == http.StatusTooManyRequests {
		what = "rate limited (429)"
	}
	s := fmt.Sprintf("%s after %d tries", what, e.tries)
	if e.limitInfo != "" {
		s += "; Sforce-Limit-Info " + e.limitInfo
	}
	return s
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.noteToken(req.Header.Get("Authorization"))
	for attempt := 1; ; attempt++ {
		if err := t.ctx.Err(); err != nil {
			return nil, err
		}
		r := req.Clone(t.ctx)
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		t.mu.Lock()
		t.calls++
		t.mu.Unlock()
		resp, err := t.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if li := resp.Header.Get("Sforce-Limit-Info"); li != "" {
			t.mu.Lock()
			t.limitInfo = li
			t.mu.Unlock()
		}
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if !retryable {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		// A record created on a 5xx may exist all the same: creating it again would
		// double a plan. Only a 429 (refused before any work) is retried for it.
		create := req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/sobjects/")
		if attempt > t.retries || (req.Body != nil && req.GetBody == nil) || (create && resp.StatusCode != http.StatusTooManyRequests) {
			return nil, &retryError{status: resp.StatusCode, tries: attempt, limitInfo: t.limit()}
		}
		wait := t.backoff(attempt)
		if ra, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			wait = ra
		}
		t.logf("salesforce: %s %s answered %d; retry %d of %d in %s (Sforce-Limit-Info %s)",
			req.Method, req.URL.Path, resp.StatusCode, attempt, t.retries, wait, t.limit())
		timer := time.NewTimer(wait)
		select {
		case <-t.ctx.Done():
			timer.Stop()
			return nil, t.ctx.Err()
		case <-timer.C:
		}
	}
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(h string) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(h); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

func (t *transport) noteToken(auth string) {
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tokens == nil {
		t.tokens = map[string]bool{}
	}
	t.tokens[tok] = true
}

func (t *transport) limit() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limitInfo
}

// requests returns the HTTP requests of the call so far: the data requests this
// transport sent, the sign-in, and one token request per session refresh the library
// made (seen as a new bearer token), since the library signs in through
// http.DefaultClient, outside this transport.
func (t *transport) requests() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.calls + 1
	if len(t.tokens) > 1 {
		n += len(t.tokens) - 1
	}
	return n
}

// session is one call's signed-in library client with its transport.
type session struct {
	c  *Client
	sf *sf.Salesforce
	t  *transport
}

// open signs in for one call.
func (c *Client) open(ctx context.Context) (*session, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("salesforce: %w", err)
	}
	t := &transport{ctx: ctx, base: c.base, retries: c.retries, backoff: c.backoff, logf: c.logf}
	// The library signs in through http.DefaultClient and takes no context: sign in on
	// the side so that a cancelled call returns at once.
	type result struct {
		client *sf.Salesforce
		err    error
	}
	done := make(chan result, 1)
	go func() {
		client, err := sf.Init(sf.Creds{Domain: c.url, ConsumerKey: c.cfg.ClientID, ConsumerSecret: c.cfg.ClientSecret},
			sf.WithRoundTripper(t), sf.WithValidateAuthentication(false))
		done <- result{client, err}
	}()
	var res result
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("salesforce: sign-in to %s: %w", c.url, ctx.Err())
	case res = <-done:
	}
	client, err := res.client, res.err
	switch {
	case err != nil && strings.Contains(err.Error(), "failed authentication"):
		return nil, c.redact(t, fmt.Errorf("salesforce: sign-in to %s refused (check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, and that the connected app allows the client credentials flow): %s", c.url, authText(err)))
	case err != nil:
		return nil, c.redact(t, fmt.Errorf("salesforce: sign-in to %s failed: %s", c.url, authText(err)))
	}
	return &session{c: c, sf: client, t: t}, nil
}

// authText describes a failed sign-in without the library's bare wording.
func authText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// sfError is an error whose message is already redacted and worded for people; it
// wraps the cause for errors.Is/As.
type sfError struct {
	msg string
	err error
}

func (e *sfError) Error() string { return e.msg }
func (e *sfError) Unwrap() error { return e.err }

// fail words an error of operation op ("query Opportunity").
func (s *session) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := s.t.ctx.Err(); ctxErr != nil {
		return &sfError{msg: fmt.Sprintf("salesforce: %s: %v", op, ctxErr), err: ctxErr}
	}
	var re *retryError
	if errors.As(err, &re) {
		return s.c.redact(s.t, &sfError{msg: fmt.Sprintf("salesforce: %s: %s", op, re.text()), err: re})
	}
	text := authText(err)
	switch {
	case strings.Contains(text, "INVALID_SESSION_ID"):
		text = fmt.Sprintf("salesforce: the session was refused again after a fresh token: %s: %s", op, describe(text))
	case strings.Contains(text, "failed authentication"):
		text = fmt.Sprintf("salesforce: sign-in to %s refused (check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, and that the connected app allows the client credentials flow) renewing the expired session: %s: %s", s.c.url, op, text)
	default:
		text = fmt.Sprintf("salesforce: %s: %s", op, describe(text))
	}
	return s.c.redact(s.t, &sfError{msg: text, err: err})
}

// describe turns Salesforce's error array ([{"message":…,"errorCode":…}]) into
// "ERRORCODE: message; …"; other text is returned as it is.
func describe(text string) string {
	var errs []sf.SalesforceErrorMessage
	if err := json.Unmarshal([]byte(text), &errs); err != nil || len(errs) == 0 {
		return strings.TrimSpace(text)
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.ErrorCode + ": " + e.Message
		if len(e.Fields) > 0 {
			parts[i] += " (" + strings.Join(e.Fields, ", ") + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// redact removes the client secret and every token the call carried from err's text.
func (c *Client) redact(t *transport, err error) error {
	msg := err.Error()
	secrets := []string{c.cfg.ClientSecret}
	t.mu.Lock()
	for tok := range t.tokens {
		secrets = append(secrets, tok)
	}
	t.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
			changed = true
		}
	}
	if !changed {
		return err
	}
	var cause error = err
	if e, ok := err.(*sfError); ok {
		cause = e.err
	}
	return &sfError{msg: msg, err: cause}
}

// get sends a GET of a data API path (after /services/data/v63.0) and reads the body.
func (s *session) get(uri string) ([]byte, error) {
	resp, err := s.sf.DoRequest(http.MethodGet, uri, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
