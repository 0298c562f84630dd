package hubspot

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
	"time"
	"unicode/utf8"
)

// maxBody bounds what is read of one response.
const maxBody = 64 << 20

// APIError is an answer of HubSpot's other than 2xx, after the retries it allows.
// Its text never holds the token.
type APIError struct {
	Status   int      // the HTTP status
	Category string   // HubSpot's category: INVALID_AUTHENTICATION, MISSING_SCOPES, RATE_LIMITS, …
	Policy   string   // a 429's policyName (SECONDLY, TEN_SECONDLY_ROLLING, DAILY)
	Message  string   // HubSpot's message
	Scopes   []string // the scopes a 403 MISSING_SCOPES asks for
	Method   string
	Path     string // without the query
	Tries    int
}

func (e *APIError) Error() string {
	call := e.Method + " " + e.Path
	switch {
	case e.Status == http.StatusUnauthorized:
		return "hubspot: the token was refused (401): check HUBSPOT_TOKEN; a private app's token is revoked when the app is deleted or its token rotated"
	case e.Status == http.StatusForbidden && len(e.Scopes) > 0:
		return fmt.Sprintf("hubspot: the private app lacks a scope (403 %s): %s needs %s; add it to the app's scopes in HubSpot and try again",
			e.Category, call, strings.Join(e.Scopes, ", "))
	case e.Status == http.StatusTooManyRequests && e.Policy == "DAILY":
		return fmt.Sprintf("hubspot: the account's daily API limit is reached (429): %s: %s", call, e.Message)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("hubspot: rate limited (429) after %d tries: %s: %s", e.Tries, call, e.Message)
	case e.Status >= 500:
		return fmt.Sprintf("hubspot: HubSpot failed (%d) after %d tries: %s: %s", e.Status, e.Tries, call, e.Message)
	}
	cat := ""
	if e.Category != "" {
		cat = " " + e.Category
	}
	return fmt.Sprintf("hubspot: %s: %d%s: %s", call, e.Status, cat, e.Message)
}

// errorBody is HubSpot's error JSON.
type errorBody struct {
	Status     string `json:"status"`
	Message    string `json:"message"`
	Category   string `json:"category"`
	PolicyName string `json:"policyName"`
	Errors     []struct {
		Message string                     `json:"message"`
		Context map[string]json.RawMessage `json:"context"`
	} `json:"errors"`
}

// op counts the requests of one operation (a pull, a write).
type op struct {
	c     *Client
	calls int
}

// retry says which failures a request may be tried again after: a 429 always (HubSpot
// refused it unread), a 5xx or a broken connection only when repeating it is harmless.
type retry int

const (
	idempotent retry = iota
	once             // a create: retried on 429 only
)

// do sends one request, retrying as allowed, and decodes a 2xx body into out.
func (o *op) do(ctx context.Context, method, path string, q url.Values, in, out any, r retry) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("hubspot: %s %s: %w", method, path, err)
		}
	}
	u := *o.c.base
	u.Path += path
	u.RawQuery = q.Encode()
	for attempt := 1; ; attempt++ {
		status, hdr, data, err := o.send(ctx, method, u.String(), body)
		if err != nil {
			if ctx.Err() != nil || r == once || attempt >= o.c.tries {
				return fmt.Errorf("hubspot: %s %s after %d tries: %w", method, path, attempt, o.c.scrub(err))
			}
			if err := o.pause(ctx, method, path, "error", o.c.backoff(attempt), attempt); err != nil {
				return err
			}
			continue
		}
		if status >= 200 && status < 300 {
			if out == nil || len(bytes.TrimSpace(data)) == 0 {
				return nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("hubspot: %s %s: reading the answer: %w", method, path, err)
			}
			return nil
		}
		e := o.c.apiError(status, data, method, path, attempt)
		again := status == http.StatusTooManyRequests && e.Policy != "DAILY" ||
			status >= 500 && r == idempotent
		if !again || attempt >= o.c.tries {
			return e
		}
		if err := o.pause(ctx, method, path, strconv.Itoa(status), o.c.wait(status, hdr, attempt), attempt); err != nil {
			return err
		}
	}
}

// send makes one HTTP request and reads its answer.
func (o *op) send(ctx context.Context, method, u string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "incumbent-hubspot")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	o.calls++
	resp, err := o.c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, data, nil
}

// pause waits d before the next try, unless ctx ends first.
func (o *op) pause(ctx context.Context, method, path, why string, d time.Duration, attempt int) error {
	o.c.logf("hubspot: %s %s: %s; try %d of %d in %s", method, path, why, attempt+1, o.c.tries, d)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("hubspot: %s %s: %w", method, path, ctx.Err())
	case <-t.C:
		return nil
	}
}

// wait is how long to wait after a 429 or 5xx: Retry-After, else a spent rate limit's
// interval, else the backoff.
func (c *Client) wait(status int, h http.Header, attempt int) time.Duration {
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if s, err := strconv.ParseFloat(ra, 64); err == nil && s >= 0 && s < 86400 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := http.ParseTime(ra); err == nil {
			return max(0, time.Until(t))
		}
	}
	if status == http.StatusTooManyRequests && strings.TrimSpace(h.Get("X-HubSpot-RateLimit-Remaining")) == "0" {
		if ms, err := strconv.Atoi(strings.TrimSpace(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds"))); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return c.backoff(attempt)
}

// apiError reads HubSpot's error JSON (or whatever came instead).
func (c *Client) apiError(status int, data []byte, method, path string, tries int) *APIError {
	e := &APIError{Status: status, Method: method, Path: path, Tries: tries}
	var b errorBody
	if json.Unmarshal(data, &b) == nil {
		e.Category, e.Policy, e.Message = b.Category, b.PolicyName, b.Message
		for _, d := range b.Errors {
			for _, key := range []string{"requiredGranularScopes", "requiredScopes", "missingScopes"} {
				var scopes []string
				if json.Unmarshal(d.Context[key], &scopes) == nil {
					e.Scopes = append(e.Scopes, scopes...)
				}
			}
		}
	} else {
		e.Message = strings.TrimSpace(string(data))
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if len(e.Message) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
			cut--
		}
		e.Message = e.Message[:cut] + "…"
	}
	e.Message = c.scrub(errors.New(e.Message)).Error()
	for i, s := range e.Scopes {
		e.Scopes[i] = c.scrub(errors.New(s)).Error()
	}
	return e
}

// scrub removes the token from an error's text, should anything ever echo it.
func (c *Client) scrub(err error) error {
	if c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.token, "[HUBSPOT_TOKEN]"))
}
