// Package hstest stands in for HubSpot's CRM API in tests, as net/http/httptest stands
// in for a web server: companies, deals and owners, the default deal pipeline, list
// (after-paging, properties, associations, archived), search (filters on any property,
// one sort, after-paging, a cap on what one search reaches), the v4 associations batch
// read, creating a deal with its company association and updating a record, with the
// request and error shapes of HubSpot's documentation (401 INVALID_AUTHENTICATION, 403
// MISSING_SCOPES, 429 RATE_LIMITS with the X-HubSpot-RateLimit-* headers).
//
// It is written with the standard library only, independently of the client it tests,
// so that the two cannot share a mistake.
package hstest

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token a new Server accepts.
const DefaultToken = "pat-test"

// CompanyKey is the key under which Deals gives a deal's associated company id (no
// HubSpot property can be named so).
const CompanyKey = "associations.companies"

// Start is the default clock's first time; each write advances it a second.
var Start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Server is a stand-in HubSpot account. Set its fields before the requests they affect.
type Server struct {
	URL   string // the API URL (http://127.0.0.1:port)
	Token string // the accepted private app token; default DefaultToken
	// PageSize is the most records a page holds, whatever limit a request asks;
	// default 100.
	PageSize int
	// SearchLimit is the most records one search reaches through its pages (HubSpot:
	// 10,000): a page past it is a 400, as with HubSpot; default 10000.
	SearchLimit int
	// Now is the clock of hs_lastmodifieddate, createdate and archivedAt; nil = Start,
	// advanced a second at each write.
	Now func() time.Time
	// RateLimitInterval is the X-HubSpot-RateLimit-Interval-Milliseconds of a 429
	// (HubSpot: 10 s); default 1 ms, so that tests do not wait.
	RateLimitInterval time.Duration

	tb  testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	objects    map[string]map[string]*record // companies, deals → id → record
	owners     map[string]owner
	requests   []string
	revoked    bool
	limited    int
	retryAfter string
	failing    int
	forbidden  int
	scopes     []string
	tick       int
	nextID     int
}

type record struct {
	id         string
	props      map[string]string
	company    string // deals: the associated company's id
	created    time.Time
	archived   bool
	archivedAt time.Time
}

type owner struct {
	id, email, first, last string
	created                time.Time
}

// NewServer starts a stand-in, closed when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		Token:             DefaultToken,
		PageSize:          100,
		SearchLimit:       10000,
		RateLimitInterval: time.Millisecond,
		tb:                tb,
		objects:           map[string]map[string]*record{"companies": {}, "deals": {}},
		owners:            map[string]owner{},
		nextID:            90000001,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// now is the clock; s.mu is held.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	s.tick++
	return Start.Add(time.Duration(s.tick) * time.Second)
}

// PutCompany creates or replaces a company with the properties (restoring it if
// archived); hs_object_id, createdate and hs_lastmodifieddate are set.
func (s *Server) PutCompany(id string, props map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put("companies", id, props, "")
}

// PutDeal creates or replaces a deal with the properties, associated with the company
// (none when companyID is "").
func (s *Server) PutDeal(id string, props map[string]string, companyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put("deals", id, props, companyID)
}

func (s *Server) put(typ, id string, props map[string]string, company string) *record {
	now := s.now()
	r := s.objects[typ][id]
	if r == nil {
		r = &record{id: id, created: now}
		s.objects[typ][id] = r
	}
	r.props = maps.Clone(props)
	if r.props == nil {
		r.props = map[string]string{}
	}
	r.company, r.archived, r.archivedAt = company, false, time.Time{}
	r.props["hs_object_id"] = id
	r.props["createdate"] = iso(r.created)
	r.props["hs_lastmodifieddate"] = iso(now)
	return r
}

// PutOwner creates or replaces an owner.
func (s *Server) PutOwner(id, email, first, last string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[id] = owner{id: id, email: email, first: first, last: last, created: s.now()}
}

// Archive archives a company or deal (objectType "companies" or "deals"), as deleting it
// in HubSpot does.
func (s *Server) Archive(objectType, id string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.objects[objectType][id]
	if r == nil {
		s.tb.Fatalf("hstest: Archive(%q, %q): no such record", objectType, id)
		return
	}
	r.archived, r.archivedAt = true, s.now()
}

// Revoke makes the token stop working, as deleting the private app or rotating its token
// does: every request is then a 401.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// RateLimit answers the next n requests with 429 and X-HubSpot-RateLimit-Remaining 0
// (and Retry-After when retryAfter is not "").
func (s *Server) RateLimit(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.retryAfter = n, retryAfter
}

// Fail5xx answers the next n requests with 503.
func (s *Server) Fail5xx(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = n
}

// Forbid answers the next n requests with 403 MISSING_SCOPES naming the scopes.
func (s *Server) Forbid(n int, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden, s.scopes = n, scopes
}

// Requests returns each request so far as "METHOD path?query" (the query unescaped; no
// "?" without one); a search adds its filters ("hs_lastmodifieddate GTE 1767603600000
// AND …", groups joined by " OR ") and its after, e.g.
// "POST /crm/v3/objects/deals/search hs_lastmodifieddate GTE 0 after=2".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Deals returns the deals not archived: id → properties, with the associated company's
// id under CompanyKey.
func (s *Server) Deals() map[string]map[string]string { return s.snapshot("deals") }

// Companies returns the companies not archived: id → properties.
func (s *Server) Companies() map[string]map[string]string { return s.snapshot("companies") }

func (s *Server) snapshot(typ string) map[string]map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]string{}
	for id, r := range s.objects[typ] {
		if r.archived {
			continue
		}
		p := maps.Clone(r.props)
		if typ == "deals" {
			p[CompanyKey] = r.company
		}
		out[id] = p
	}
	return out
}

// iso is HubSpot's datetime format.
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) newID() string {
	for {
		id := fmt.Sprint(s.nextID)
		s.nextID++
		if s.objects["deals"][id] == nil && s.objects["companies"][id] == nil {
			return id
		}
	}
}
