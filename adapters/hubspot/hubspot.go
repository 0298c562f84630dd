// Package hubspot reads companies, owners and deals from HubSpot's CRM v3 API and writes
// deals back: a small client on net/http and golang.org/x/oauth2, as HubSpot keeps no Go
// client.
//
// A private app's access token (HUBSPOT_TOKEN) is sent as a Bearer token through
// oauth2.StaticTokenSource; such a token cannot be refreshed, so a 401 fails at once.
// 429 and 5xx answers are retried with a backoff (Retry-After and HubSpot's
// X-HubSpot-RateLimit-* headers honoured). The token is never written to an error or a
// log line.
//
// A full pull lists every company, deal and owner (after-paging, 100 a page) and the
// archived companies and deals. An incremental pull searches what was modified since a
// time, sorted by hs_lastmodifieddate; a search reaches at most 10,000 records, so a date
// range holding more is halved until each half fits. Values are passed on as HubSpot
// gives them, as text: the sync checks them as the CSV import does.
package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultAPIURL is HubSpot's API.
const DefaultAPIURL = "https://api.hubapi.com"

// Config configures a Client. Only Token is required.
type Config struct {
	Token  string // HUBSPOT_TOKEN, a private app's access token
	APIURL string // HUBSPOT_API_URL; default DefaultAPIURL; https, or http on a loopback host
	// Company, Deal and Owner map a standard name to the HubSpot property (for owners,
	// the owner object's field) read for it; nil or a missing name keeps the default
	// (CompanyFields, DealFields, OwnerFields).
	Company, Deal, Owner map[string]string
	// AccountNumberProperty is a company property holding the account number; "" = the
	// company id is the account_id.
	AccountNumberProperty string
	CategoryProperty      string            // a deal property holding the category; "" none
	TerritoryProperty     string            // a company property holding the territory; "" none
	Potential             map[string]string // category → company number property
	// MaxRetries is the most tries of one request, the first included; 0 = 5.
	MaxRetries int
	// Backoff is the wait before try attempt+1 (attempt ≥ 1); nil = 1s, 2s, 4s… capped
	// at 30s. A Retry-After header wins; a 429 with X-HubSpot-RateLimit-Remaining 0 waits
	// X-HubSpot-RateLimit-Interval-Milliseconds.
	Backoff    func(attempt int) time.Duration
	HTTPClient *http.Client                     // the base client (its Transport and Timeout); optional
	Logf       func(format string, args ...any) // retries are logged here; optional
}

// The standard names and their default HubSpot properties.
var (
	CompanyFields = map[string]string{
		"name":      "name",
		"industry":  "industry",
		"employees": "numberofemployees",
		"owner":     "hubspot_owner_id",
	}
	DealFields = map[string]string{
		"name":        "dealname",
		"value":       "amount",
		"stage":       "dealstage",
		"close_date":  "closedate",
		"probability": "hs_deal_stage_probability",
		"owner":       "hubspot_owner_id",
	}
	// OwnerFields name fields of the owner object of GET /crm/v3/owners.
	OwnerFields = map[string]string{
		"email":      "email",
		"first_name": "firstName",
		"last_name":  "lastName",
	}
)

// Properties HubSpot itself maintains.
const (
	propModified = "hs_lastmodifieddate"
	propPipeline = "pipeline"
)

// Client talks to one HubSpot account. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	hc        *http.Client
	token     string // only to scrub it from text HubSpot sends back
	company   map[string]string
	deal      map[string]string
	owner     map[string]string
	accountNo string
	category  string
	territory string
	potential map[string]string
	tries     int
	backoff   func(int) time.Duration
	logf      func(string, ...any)
}

// New checks cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	tok := strings.TrimSpace(cfg.Token)
	if tok == "" {
		return nil, errors.New("hubspot: no token: set HUBSPOT_TOKEN to a private app's access token")
	}
	base, err := apiURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, token: tok, accountNo: cfg.AccountNumberProperty,
		category: cfg.CategoryProperty, territory: cfg.TerritoryProperty,
		tries: cfg.MaxRetries, backoff: cfg.Backoff, logf: cfg.Logf}
	if c.company, err = fields("Company", CompanyFields, cfg.Company); err != nil {
		return nil, err
	}
	if c.deal, err = fields("Deal", DealFields, cfg.Deal); err != nil {
		return nil, err
	}
	if c.owner, err = fields("Owner", OwnerFields, cfg.Owner); err != nil {
		return nil, err
	}
	c.potential = make(map[string]string, len(cfg.Potential))
	for cat, prop := range cfg.Potential {
		if strings.TrimSpace(cat) == "" || strings.TrimSpace(prop) == "" {
			return nil, fmt.Errorf("hubspot: Potential: category %q has property %q: both must be named", cat, prop)
		}
		c.potential[cat] = prop
	}
	switch {
	case c.tries < 0:
		return nil, fmt.Errorf("hubspot: MaxRetries %d is negative", c.tries)
	case c.tries == 0:
		c.tries = 5
	}
	if c.backoff == nil {
		c.backoff = defaultBackoff
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	c.hc = httpClient(cfg.HTTPClient, tok)
	return c, nil
}

// httpClient returns a client adding the token to every request. It follows no
// redirect: oauth2's transport would send the token to wherever it leads.
func httpClient(base *http.Client, tok string) *http.Client {
	ctx := context.Background()
	timeout := time.Minute
	if base != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, base)
		timeout = base.Timeout
	}
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok, TokenType: "Bearer"})
	hc := oauth2.NewClient(ctx, src)
	hc.Timeout = timeout
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc
}

// apiURL checks HUBSPOT_API_URL: https, or http on a loopback host (a test stand-in).
func apiURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultAPIURL
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("hubspot: HUBSPOT_API_URL %q is not a URL like %s", s, DefaultAPIURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback(u.Hostname()) {
			return nil, fmt.Errorf("hubspot: HUBSPOT_API_URL %q must be https (plain http only on 127.0.0.1, ::1 or localhost): the token would cross the network unencrypted", s)
		}
	default:
		return nil, fmt.Errorf("hubspot: HUBSPOT_API_URL %q must be https", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fields merges overrides onto the defaults, refusing unknown names.
func fields(what string, defaults, overrides map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(defaults))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range overrides {
		if _, ok := defaults[k]; !ok {
			return nil, fmt.Errorf("hubspot: %s field %q is unknown; the fields are %s", what, k, strings.Join(sortedKeys(defaults), ", "))
		}
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("hubspot: %s field %q maps to no property", what, k)
		}
		out[k] = v
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// PotentialField returns the company number property holding the potential of a
// category (Config.Potential; the category matched exactly, else ignoring case).
func (c *Client) PotentialField(category string) (string, bool) {
	if p, ok := c.potential[category]; ok {
		return p, true
	}
	for _, k := range sortedKeys(c.potential) {
		if strings.EqualFold(k, category) {
			return c.potential[k], true
		}
	}
	return "", false
}

func defaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 5 {
		return 30 * time.Second
	}
	return time.Second << (attempt - 1)
}
