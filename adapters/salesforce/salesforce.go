// Package salesforce reads accounts, users and opportunities from a Salesforce org and
// writes opportunities back, through github.com/k-capehart/go-salesforce/v3.
//
// Every call signs in afresh with the OAuth 2.0 client-credentials flow of a connected
// app and sends its data requests through a transport of its own (see transport.go),
// which carries the call's context, retries 429 and 5xx answers and counts requests.
// Values are handed on as text, as the CRM gives them, for the CSV import's own checks.
package salesforce

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// Config configures a Client.
type Config struct {
	// URL is the org's My Domain (SALESFORCE_URL), e.g. https://acme.my.salesforce.com;
	// ClientID and ClientSecret are the connected app's consumer key and secret
	// (SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET).
	URL, ClientID, ClientSecret string
	// Account, Opportunity and User override the Salesforce field read for a standard
	// name (see DefaultAccountFields and its siblings); nil or a missing key keeps the
	// default. A relationship field is dotted ("Owner.Email").
	Account, Opportunity, User map[string]string
	// Potential maps a category to the Account number field holding what the customer
	// spends a year in it, for SetNumber's callers (see PotentialField).
	Potential map[string]string
	// CategoryField is an Opportunity field holding the category; "" takes the
	// Product2.Family of the opportunity's first line item by SortOrder.
	CategoryField string
	// BulkThreshold: an object with more records than this (a SELECT COUNT() first) is
	// read with Bulk API 2.0; 0 means 2000.
	BulkThreshold int
	// MaxRetries is how many times a request answered 429 or 5xx is retried; 0 means 5.
	MaxRetries int
	// Backoff is the wait before retry attempt (1, 2, …); nil means 1s, 2s, 4s… capped
	// at 30s. A Retry-After header (seconds or an HTTP date) wins.
	Backoff func(attempt int) time.Duration
	// HTTPClient, when set, gives the base transport of data requests (tests). The
	// library signs in through http.DefaultClient whatever this says.
	HTTPClient *http.Client
	// Logf, when set, receives progress and retry notes. Secrets and tokens never.
	Logf func(format string, args ...any)
}

// The default field of each standard name. Territory has none: set
// Account["territory"] (e.g. "Sales_Territory__c") to read one.
var (
	DefaultAccountFields = map[string]string{
		"account_id": "AccountNumber", // when empty in a record, the Id is used
		"name":       "Name",
		"owner":      "Owner.Email",
		"territory":  "",
		"industry":   "Industry",
		"employees":  "NumberOfEmployees",
	}
	DefaultOpportunityFields = map[string]string{
		"name":        "Name",
		"value":       "Amount",
		"stage":       "StageName",
		"probability": "Probability", // a percent in Salesforce
		"close_date":  "CloseDate",
		"account":     "AccountId",
		"account_id":  "", // "" = "Account." + the Account mapping's account_id field
	}
	DefaultUserFields = map[string]string{
		"email": "Email",
		"name":  "Name",
	}
)

const (
	defaultBulkThreshold = 2000
	defaultMaxRetries    = 5
	maxBackoff           = 30 * time.Second
)

// Client reads from and writes to one org. It holds no session: every call signs in,
// so a Client is safe for concurrent use.
type Client struct {
	cfg                    Config
	url                    string
	account, opp, user     map[string]string
	bulkThreshold, retries int
	backoff                func(int) time.Duration
	base                   http.RoundTripper
}

// New checks cfg and returns a Client. The URL must be https, except on a loopback
// host (127.0.0.1, ::1, localhost), where stand-ins run over http.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, domain.Errorf(domain.EINVALID, "salesforce: SALESFORCE_URL %q is not a URL like https://yourdomain.my.salesforce.com", cfg.URL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, domain.Errorf(domain.EINVALID, "salesforce: SALESFORCE_URL %q must use https (http only for a loopback host)", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, domain.Errorf(domain.EINVALID, "salesforce: SALESFORCE_URL %q must be the bare My Domain URL", cfg.URL)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, domain.Errorf(domain.EINVALID, "salesforce: SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET are both required")
	}
	c := &Client{
		cfg:           cfg,
		url:           u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/"),
		bulkThreshold: cfg.BulkThreshold,
		retries:       cfg.MaxRetries,
		backoff:       cfg.Backoff,
		base:          http.DefaultTransport,
	}
	if c.bulkThreshold <= 0 {
		c.bulkThreshold = defaultBulkThreshold
	}
	if c.retries <= 0 {
		c.retries = defaultMaxRetries
	}
	if c.backoff == nil {
		c.backoff = defaultBackoff
	}
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		c.base = cfg.HTTPClient.Transport
	}
	if c.account, err = mapping("Account", DefaultAccountFields, cfg.Account); err != nil {
		return nil, err
	}
	if c.opp, err = mapping("Opportunity", DefaultOpportunityFields, cfg.Opportunity); err != nil {
		return nil, err
	}
	if c.user, err = mapping("User", DefaultUserFields, cfg.User); err != nil {
		return nil, err
	}
	if c.opp["account_id"] == "" {
		c.opp["account_id"] = "Account." + c.account["account_id"]
	}
	if cfg.CategoryField != "" && !isField(cfg.CategoryField) {
		return nil, domain.Errorf(domain.EINVALID, "salesforce: CategoryField %q is not a field name", cfg.CategoryField)
	}
	for cat, f := range cfg.Potential {
		if !isField(f) || strings.Contains(f, ".") {
			return nil, domain.Errorf(domain.EINVALID, "salesforce: the potential field of %q, %q, is not an Account field name", cat, f)
		}
	}
	return c, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// mapping merges overrides onto defaults, refusing an unknown key or a value that is
// not a (dotted) field name. An empty override keeps the default.
func mapping(object string, defaults, overrides map[string]string) (map[string]string, error) {
	m := maps.Clone(defaults)
	for k, v := range overrides {
		if _, ok := defaults[k]; !ok {
			return nil, domain.Errorf(domain.EINVALID, "salesforce: unknown %s mapping key %q (valid: %s)", object, k, strings.Join(slices.Sorted(maps.Keys(defaults)), ", "))
		}
		if v == "" {
			continue
		}
		if !isField(v) {
			return nil, domain.Errorf(domain.EINVALID, "salesforce: %s mapping %s=%q is not a field name", object, k, v)
		}
		m[k] = v
	}
	return m, nil
}

// isField reports whether s is a field name, dotted for relationships (letters, digits,
// underscores; no SOQL can hide in one).
func isField(s string) bool {
	if s == "" {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if part == "" || !isLetter(part[0]) {
			return false
		}
		for i := 0; i < len(part); i++ {
			if c := part[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '_' {
				return false
			}
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func defaultBackoff(attempt int) time.Duration {
	d := time.Second
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// PotentialField returns the Account number field configured for a category's
// potential (an exact key first, then one differing only in case).
func (c *Client) PotentialField(category string) (string, bool) {
	if f, ok := c.cfg.Potential[category]; ok {
		return f, true
	}
	for _, k := range slices.Sorted(maps.Keys(c.cfg.Potential)) {
		if strings.EqualFold(k, category) {
			return c.cfg.Potential[k], true
		}
	}
	return "", false
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

func (c *Client) String() string { return fmt.Sprintf("salesforce.Client(%s)", c.url) }
