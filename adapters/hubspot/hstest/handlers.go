package hstest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The default pipeline's stages: id, label, closed, probability.
var stages = []struct {
	id, label   string
	closed      bool
	probability string
}{
	{"appointmentscheduled", "Appointment Scheduled", false, "0.2"},
	{"qualifiedtobuy", "Qualified To Buy", false, "0.4"},
	{"presentationscheduled", "Presentation Scheduled", false, "0.6"},
	{"decisionmakerboughtin", "Decision Maker Bought-In", false, "0.8"},
	{"contractsent", "Contract Sent", false, "0.9"},
	{"closedwon", "Closed Won", true, "1.0"},
	{"closedlost", "Closed Lost", true, "0.0"},
}

// Properties a record gives when a request names none.
var defaultProps = map[string][]string{
	"companies": {"name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"},
	"deals":     {"dealname", "amount", "dealstage", "pipeline", "closedate", "createdate", "hs_lastmodifieddate", "hs_object_id"},
}

// Properties holding a datetime, compared as times by search filters.
var datetimes = map[string]bool{"hs_lastmodifieddate": true, "createdate": true, "closedate": true}

type errorJSON struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId"`
	Category      string `json:"category"`
	PolicyName    string `json:"policyName,omitempty"`
	ErrorType     string `json:"errorType,omitempty"`
	Errors        []any  `json:"errors,omitempty"`
	Links         any    `json:"links,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, category, format string, args ...any) {
	writeJSON(w, status, errorJSON{Status: "error", Message: fmt.Sprintf(format, args...),
		CorrelationID: "00000000-0000-4000-8000-000000000000", Category: category})
}

// serve answers one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "unreadable body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	line := r.Method + " " + r.URL.Path
	if q, err := url.QueryUnescape(r.URL.RawQuery); err == nil && q != "" {
		line += "?" + q
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/search") {
		line += searchLine(body)
	}
	s.requests = append(s.requests, line)
	if s.revoked || r.Header.Get("Authorization") != "Bearer "+s.Token {
		fail(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
			"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		return
	}
	if s.refuse(w) {
		return
	}
	w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(s.RateLimitInterval.Milliseconds(), 10))
	w.Header().Set("X-HubSpot-RateLimit-Max", "190")
	w.Header().Set("X-HubSpot-RateLimit-Remaining", "189")
	s.route(w, r, body)
}

// refuse answers the 403, 429 and 5xx a test asked for.
func (s *Server) refuse(w http.ResponseWriter) bool {
	switch {
	case s.forbidden > 0:
		s.forbidden--
		writeJSON(w, http.StatusForbidden, errorJSON{Status: "error",
			Message:       "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
			CorrelationID: "00000000-0000-4000-8000-000000000000", Category: "MISSING_SCOPES",
			Errors: []any{map[string]any{"message": "One or more of the following scopes are required.",
				"context": map[string]any{"requiredGranularScopes": s.scopes}}},
			Links: map[string]string{"scopes": "https://developers.hubspot.com/scopes"}})
	case s.limited > 0:
		s.limited--
		h := w.Header()
		h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(s.RateLimitInterval.Milliseconds(), 10))
		h.Set("X-HubSpot-RateLimit-Max", "190")
		h.Set("X-HubSpot-RateLimit-Remaining", "0")
		h.Set("X-HubSpot-RateLimit-Daily", "1000000")
		h.Set("X-HubSpot-RateLimit-Daily-Remaining", "999000")
		if s.retryAfter != "" {
			h.Set("Retry-After", s.retryAfter)
		}
		writeJSON(w, http.StatusTooManyRequests, errorJSON{Status: "error",
			Message:       "You have reached your ten_secondly_rolling limit.",
			CorrelationID: "00000000-0000-4000-8000-000000000000", Category: "RATE_LIMITS",
			ErrorType: "RATE_LIMIT", PolicyName: "TEN_SECONDLY_ROLLING"})
	case s.failing > 0:
		s.failing--
		fail(w, http.StatusServiceUnavailable, "INTERNAL_ERROR", "The service is temporarily unavailable.")
	default:
		return false
	}
	return true
}

// route dispatches on method and path; s.mu is held.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte) {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	m := r.Method
	switch {
	case len(p) >= 4 && p[0] == "crm" && p[1] == "v3" && p[2] == "objects" && s.objects[p[3]] != nil:
		s.routeObjects(w, r, p[3], p[4:], body)
	case m == http.MethodGet && r.URL.Path == "/crm/v3/owners":
		s.listOwners(w, r)
	case m == http.MethodGet && r.URL.Path == "/crm/v3/pipelines/deals":
		writeJSON(w, http.StatusOK, map[string]any{"results": []any{pipelineJSON()}})
	case m == http.MethodPost && r.URL.Path == "/crm/v4/associations/deals/companies/batch/read":
		s.batchRead(w, body)
	default:
		fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "No route for %s %s", m, r.URL.Path)
	}
}

func (s *Server) routeObjects(w http.ResponseWriter, r *http.Request, typ string, rest []string, body []byte) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		s.list(w, r, typ)
	case len(rest) == 0 && r.Method == http.MethodPost && typ == "deals":
		s.createDeal(w, body)
	case len(rest) == 1 && rest[0] == "search" && r.Method == http.MethodPost:
		s.search(w, typ, body)
	case len(rest) == 1 && r.Method == http.MethodGet:
		s.read(w, r, typ, rest[0])
	case len(rest) == 1 && r.Method == http.MethodPatch:
		s.update(w, typ, rest[0], body)
	default:
		fail(w, http.StatusMethodNotAllowed, "VALIDATION_ERROR", "%s is not allowed here", r.Method)
	}
}

// objectJSON is a record as the v3 object endpoints give it.
func (s *Server) objectJSON(typ string, r *record, props []string, assoc bool) map[string]any {
	if len(props) == 0 {
		props = defaultProps[typ]
	}
	ps := map[string]any{}
	for _, name := range append(slices.Clone(props), "createdate", "hs_lastmodifieddate", "hs_object_id") {
		if v, ok := r.props[name]; ok {
			ps[name] = v
		} else {
			ps[name] = nil
		}
	}
	o := map[string]any{"id": r.id, "properties": ps, "createdAt": iso(r.created),
		"updatedAt": r.props["hs_lastmodifieddate"], "archived": r.archived}
	if r.archived {
		o["archivedAt"] = iso(r.archivedAt)
	}
	if assoc && typ == "deals" && r.company != "" {
		o["associations"] = map[string]any{"companies": map[string]any{"results": []any{
			map[string]string{"id": r.company, "type": "deal_to_company"},
			map[string]string{"id": r.company, "type": "deal_to_company_unlabeled"},
		}}}
	}
	return o
}

// sorted returns a type's records, archived or not, by id (numerically when both are
// numbers).
func (s *Server) sorted(typ string, archived bool) []*record {
	var out []*record
	for _, r := range s.objects[typ] {
		if r.archived == archived {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *record) int { return compareIDs(a.id, b.id) })
	return out
}

func compareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}

// window reads limit and after: the page [off, off+n).
func (s *Server) window(w http.ResponseWriter, limitText, after string, most int) (off, n int, ok bool) {
	limit := 10
	if limitText != "" {
		l, err := strconv.Atoi(limitText)
		if err != nil || l < 1 || l > most {
			fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and %d", most)
			return 0, 0, false
		}
		limit = l
	}
	if after != "" {
		a, err := strconv.Atoi(after)
		if err != nil || a < 0 {
			fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "after %q is not a paging cursor", after)
			return 0, 0, false
		}
		off = a
	}
	return off, min(limit, max(s.PageSize, 1)), true
}

func paging(off, n, total int) map[string]any {
	if off+n >= total {
		return nil
	}
	next := strconv.Itoa(off + n)
	return map[string]any{"next": map[string]string{"after": next, "link": "?after=" + next}}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, typ string) {
	q := r.URL.Query()
	off, n, ok := s.window(w, q.Get("limit"), q.Get("after"), 100)
	if !ok {
		return
	}
	var props []string
	for _, v := range q["properties"] {
		props = append(props, strings.Split(v, ",")...)
	}
	assoc := slices.Contains(strings.Split(q.Get("associations"), ","), "companies")
	all := s.sorted(typ, q.Get("archived") == "true")
	results := []any{}
	for _, rec := range all[min(off, len(all)):min(off+n, len(all))] {
		results = append(results, s.objectJSON(typ, rec, props, assoc))
	}
	out := map[string]any{"results": results}
	if pg := paging(off, n, len(all)); pg != nil {
		out["paging"] = pg
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) read(w http.ResponseWriter, r *http.Request, typ, id string) {
	rec := s.objects[typ][id]
	if rec == nil || rec.archived {
		fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	q := r.URL.Query()
	var props []string
	for _, v := range q["properties"] {
		props = append(props, strings.Split(v, ",")...)
	}
	writeJSON(w, http.StatusOK, s.objectJSON(typ, rec, props, strings.Contains(q.Get("associations"), "companies")))
}

func (s *Server) listOwners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	off, n, ok := s.window(w, q.Get("limit"), q.Get("after"), 500)
	if !ok {
		return
	}
	var all []owner
	for _, o := range s.owners {
		all = append(all, o)
	}
	slices.SortFunc(all, func(a, b owner) int { return compareIDs(a.id, b.id) })
	results := []any{}
	for i, o := range all[min(off, len(all)):min(off+n, len(all))] {
		results = append(results, map[string]any{"id": o.id, "email": o.email, "firstName": o.first,
			"lastName": o.last, "userId": 7000 + off + i, "createdAt": iso(o.created),
			"updatedAt": iso(o.created), "archived": false, "teams": []any{}})
	}
	out := map[string]any{"results": results}
	if pg := paging(off, n, len(all)); pg != nil {
		out["paging"] = pg
	}
	writeJSON(w, http.StatusOK, out)
}

func pipelineJSON() map[string]any {
	var ss []any
	for i, st := range stages {
		ss = append(ss, map[string]any{"id": st.id, "label": st.label, "displayOrder": i,
			"archived": false, "createdAt": iso(Start), "updatedAt": iso(Start),
			"metadata": map[string]string{"isClosed": strconv.FormatBool(st.closed), "probability": st.probability}})
	}
	return map[string]any{"id": "default", "label": "Sales Pipeline", "displayOrder": 0,
		"archived": false, "stages": ss, "createdAt": iso(Start), "updatedAt": iso(Start)}
}

// parseTime reads a datetime as HubSpot accepts it: milliseconds or ISO 8601.
func parseTime(s string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}
