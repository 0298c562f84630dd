// Package sftest is a stand-in Salesforce org for tests: an httptest server that answers
// the OAuth 2.0 client-credentials token request, the REST query and queryAll resources
// (with nextRecordsUrl paging), Bulk API 2.0 query jobs (CSV results with Sforce-Locator
// paging), single-record insert and update, and /limits, in the shapes Salesforce
// documents. It reads the small part of SOQL the salesforce adapter sends; anything else
// is refused with MALFORMED_QUERY, as an org refuses a query it cannot parse.
//
// Records live in memory by object name. Relationship fields may be given nested
// ({"Owner": map[string]any{"Email": …}}) or left to the stand-in, which resolves
// "Owner.Email" through the record's OwnerId (any "XId" field names the record "X"
// points at, a custom "X__r" uses "X__c").
package sftest

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIPrefix is the path of the data API the stand-in serves.
const APIPrefix = "/services/data/v63.0"

// Record is one record's fields, nested for relationships.
type Record map[string]any

// Server is the stand-in org. Set its exported fields before the first request.
type Server struct {
	// URL is the "My Domain" and the instance_url the token response names.
	URL string
	// ClientID and ClientSecret are the connected app's consumer key and secret the
	// token endpoint accepts (defaults "test-client", "test-secret").
	ClientID, ClientSecret string
	// PageSize is how many records a REST query page and a Bulk results page hold
	// (default 2000); tests set 2 to force nextRecordsUrl and Sforce-Locator paging.
	PageSize int
	// Now stamps SystemModstamp on every write. The default is a fixed clock, starting
	// at 2026-01-02T09:00:00Z, that advances one second on every call, so a time read
	// from it before a write is strictly earlier than the write's stamp.
	Now func() time.Time
	// OnRequest, when set, is called at the start of every request (token requests
	// included) with its "METHOD path?query" text, outside the server's lock: a test
	// may call ExpireTokens, RateLimit and the like from it.
	OnRequest func(request string)

	srv *httptest.Server

	clockMu sync.Mutex
	clock   time.Time

	mu         sync.Mutex
	objects    map[string][]Record
	at         map[string]map[string]int // object → Id → index in objects[object]
	tokens     map[string]bool           // issued token → still valid
	issued     []string
	revoked    bool
	rateLimit  int
	retryAfter string
	fail5xx    int
	requests   []string
	queries    []string
	cursors    map[string][]map[string]any
	jobs       map[string]*bulkJob
	seq        int
	apiUsage   int
}

type bulkJob struct {
	id, object string
	header     []string
	rows       [][]string
}

// NewServer starts a stand-in org, closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		ClientID:     "test-client",
		ClientSecret: "test-secret",
		PageSize:     2000,
		clock:        time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC),
		objects:      map[string][]Record{},
		at:           map[string]map[string]int{},
		tokens:       map[string]bool{},
		cursors:      map[string][]map[string]any{},
		jobs:         map[string]*bulkJob{},
	}
	s.Now = s.tick
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

func (s *Server) tick() time.Time {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	s.clock = s.clock.Add(time.Second)
	return s.clock
}

var keyPrefixes = map[string]string{
	"Account": "001", "Contact": "003", "User": "005", "Opportunity": "006",
	"OpportunityLineItem": "00k", "Product2": "01t", "OpportunityStage": "01J",
	"Pricebook2": "01s",
}

// NewID returns a fresh 18-character id for a record of object, with the object's key
// prefix where Salesforce has a well-known one (001 Account, 006 Opportunity, 005 User…).
func (s *Server) NewID(object string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked(object)
}

func (s *Server) newIDLocked(object string) string {
	s.seq++
	p, ok := keyPrefixes[object]
	if !ok {
		p = "a00"
	}
	return fmt.Sprintf("%s%012dAAA", p, s.seq)
}

// Put adds r to object, or replaces the record with the same r["Id"], and returns its
// id (a new one when r has none). SystemModstamp is set to Now() unless r gives one
// (a time.Time or an RFC 3339 string); IsDeleted defaults to false. For an Opportunity
// without IsClosed/IsWon they are derived from StageName as an org does: from the
// OpportunityStage record of that MasterLabel, else "Closed Won"/"Closed Lost".
func (s *Server) Put(object string, r Record) string {
	rec := copyRecord(r)
	if _, ok := rec["SystemModstamp"]; !ok {
		rec["SystemModstamp"] = s.Now().UTC()
	} else if str, ok := rec["SystemModstamp"].(string); ok {
		if t, err := parseTime(str); err == nil {
			rec["SystemModstamp"] = t
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := rec["Id"].(string)
	if id == "" {
		id = s.newIDLocked(object)
		rec["Id"] = id
	}
	if _, ok := rec["IsDeleted"]; !ok {
		rec["IsDeleted"] = false
	}
	if object == "Opportunity" {
		s.deriveStageLocked(rec)
	}
	s.storeLocked(object, rec)
	return id
}

func (s *Server) storeLocked(object string, rec Record) {
	id, _ := rec["Id"].(string)
	if i, ok := s.at[object][id]; ok {
		s.objects[object][i] = rec
		return
	}
	if s.at[object] == nil {
		s.at[object] = map[string]int{}
	}
	s.at[object][id] = len(s.objects[object])
	s.objects[object] = append(s.objects[object], rec)
}

// findLocked returns object's record with the id, nil when there is none.
func (s *Server) findLocked(object, id string) Record {
	if i, ok := s.at[object][id]; ok {
		return s.objects[object][i]
	}
	return nil
}

func (s *Server) deriveStageLocked(rec Record) {
	_, hasClosed := rec["IsClosed"]
	_, hasWon := rec["IsWon"]
	if hasClosed && hasWon {
		return
	}
	stage, _ := rec["StageName"].(string)
	closed, won := stage == "Closed Won" || stage == "Closed Lost", stage == "Closed Won"
	for _, st := range s.objects["OpportunityStage"] {
		if st["MasterLabel"] == stage || st["ApiName"] == stage {
			closed, _ = st["IsClosed"].(bool)
			won, _ = st["IsWon"].(bool)
			break
		}
	}
	if !hasClosed {
		rec["IsClosed"] = closed
	}
	if !hasWon {
		rec["IsWon"] = won
	}
}

// Delete moves a record to the recycle bin: IsDeleted=true and SystemModstamp=Now(). A
// query no longer returns it; queryAll does.
func (s *Server) Delete(object, id string) {
	now := s.Now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.findLocked(object, id); r != nil {
		r["IsDeleted"] = true
		r["SystemModstamp"] = now
	}
}

// Records returns copies of object's stored records, deleted ones included, in the order
// they were first put; SystemModstamp is a time.Time.
func (s *Server) Records(object string) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, 0, len(s.objects[object]))
	for _, r := range s.objects[object] {
		out = append(out, copyRecord(r))
	}
	return out
}

// Record returns a copy of one stored record by id, and whether it exists.
func (s *Server) Record(object, id string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.findLocked(object, id); r != nil {
		return copyRecord(r), true
	}
	return nil, false
}

// ExpireTokens makes every token issued so far invalid: data requests bearing one get
// 401 [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}].
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens {
		s.tokens[tok] = false
	}
}

// RevokeClient makes the token endpoint refuse the client from now on.
func (s *Server) RevokeClient() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// RateLimit makes the next n data requests get 429 with the Retry-After header
// retryAfter ("" for none) and Sforce-Limit-Info.
func (s *Server) RateLimit(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit, s.retryAfter = n, retryAfter
}

// Fail5xx makes the next n data requests get 503 SERVER_UNAVAILABLE.
func (s *Server) Fail5xx(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail5xx = n
}

// Requests returns "METHOD path?query" (the query unescaped) of every request so far,
// token requests included, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Queries returns every SOQL query received so far, through REST (query, queryAll) and
// Bulk API 2.0 jobs alike, in order.
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// Tokens returns every access token issued so far (to assert none leaks into an error).
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.issued)
}

// ---- HTTP ----

type sfErr struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code, msg string, fields ...string) {
	writeJSON(w, status, []sfErr{{Message: msg, ErrorCode: code, Fields: fields}})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	line := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		q, err := url.QueryUnescape(r.URL.RawQuery)
		if err != nil {
			q = r.URL.RawQuery
		}
		line += "?" + q
	}
	s.mu.Lock()
	s.requests = append(s.requests, line)
	s.mu.Unlock()
	if s.OnRequest != nil {
		s.OnRequest(line)
	}

	if r.URL.Path == "/services/oauth2/token" {
		s.token(w, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, APIPrefix)
	if !ok {
		writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiUsage++
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/15000", s.apiUsage))
	if s.rateLimit > 0 {
		s.rateLimit--
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		writeErr(w, http.StatusTooManyRequests, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
		return
	}
	if s.fail5xx > 0 {
		s.fail5xx--
		writeErr(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "Service temporarily unavailable")
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !s.tokens[tok] {
		writeErr(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}

	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case r.Method == http.MethodGet && parts[0] == "limits" && len(parts) == 1:
		writeJSON(w, http.StatusOK, map[string]any{})
	case r.Method == http.MethodGet && (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 1:
		s.restQuery(w, r.URL.Query().Get("q"), parts[0] == "queryAll")
	case r.Method == http.MethodGet && (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 2:
		s.nextPage(w, parts[0], parts[1])
	case len(parts) >= 2 && parts[0] == "jobs" && parts[1] == "query":
		s.bulk(w, r, parts[2:])
	case r.Method == http.MethodPost && parts[0] == "sobjects" && len(parts) == 2:
		s.insert(w, r, parts[1])
	case r.Method == http.MethodPatch && parts[0] == "sobjects" && len(parts) == 3:
		s.update(w, r, parts[1], parts[2])
	default:
		writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "must use HTTP POST"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "bad form"})
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "grant type not supported"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked || r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "invalid client credentials"})
		return
	}
	s.seq++
	tok := fmt.Sprintf("00D000000000001!AQ4AQ%012dTOKEN", s.seq)
	s.tokens[tok] = true
	s.issued = append(s.issued, tok)
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": tok,
		"instance_url": s.URL,
		"id":           s.URL + "/id/00D000000000001AAA/005000000000001AAA",
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
		"signature":    "c3RhbmQtaW4gc2lnbmF0dXJl",
	})
}

func (s *Server) pageSize() int {
	if s.PageSize > 0 {
		return s.PageSize
	}
	return 2000
}

func (s *Server) restQuery(w http.ResponseWriter, soql string, all bool) {
	s.queries = append(s.queries, soql)
	q, err := parseSOQL(soql)
	if err != nil {
		writeErr(w, http.StatusBadRequest, "MALFORMED_QUERY", err.Error())
		return
	}
	recs := s.run(q, all)
	if q.count {
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": []any{}})
		return
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = s.jsonRecord(q, r)
	}
	s.seq++
	cursor := fmt.Sprintf("01g%012dAAA", s.seq)
	s.cursors[cursor] = out
	s.writePage(w, q.from, all, cursor, 0)
}

func (s *Server) writePage(w http.ResponseWriter, object string, all bool, cursor string, offset int) {
	out := s.cursors[cursor]
	end := min(offset+s.pageSize(), len(out))
	body := map[string]any{"totalSize": len(out), "done": end == len(out), "records": out[offset:end]}
	if end < len(out) {
		res := "query"
		if all {
			res = "queryAll"
		}
		body["nextRecordsUrl"] = fmt.Sprintf("%s/%s/%s-%d", APIPrefix, res, cursor, end)
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) nextPage(w http.ResponseWriter, res, locator string) {
	cursor, off, ok := strings.Cut(locator, "-")
	n, err := strconv.Atoi(off)
	if _, found := s.cursors[cursor]; !ok || err != nil || !found || n < 0 || n > len(s.cursors[cursor]) {
		writeErr(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	s.writePage(w, "", res == "queryAll", cursor, n)
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, rest []string) {
	switch {
	case r.Method == http.MethodPost && len(rest) == 0:
		var req struct {
			Operation string `json:"operation"`
			Query     string `json:"query"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeErr(w, http.StatusBadRequest, "JSON_PARSER_ERROR", "could not read the job")
			return
		}
		if req.Operation != "query" && req.Operation != "queryAll" {
			writeErr(w, http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Invalid operation: "+req.Operation)
			return
		}
		s.queries = append(s.queries, req.Query)
		q, err := parseSOQL(req.Query)
		if err == nil && q.count {
			err = fmt.Errorf("COUNT() is not supported by the Bulk API")
		}
		if err != nil {
			writeErr(w, http.StatusBadRequest, "API_ERROR", "InvalidJob : "+err.Error())
			return
		}
		s.seq++
		job := &bulkJob{id: fmt.Sprintf("750%012dAAA", s.seq), object: q.from, header: q.fields}
		for _, rec := range s.run(q, req.Operation == "queryAll") {
			row := make([]string, len(q.fields))
			for i, f := range q.fields {
				row[i] = csvValue(s.resolve(rec, f))
			}
			job.rows = append(job.rows, row)
		}
		s.jobs[job.id] = job
		writeJSON(w, http.StatusOK, s.jobInfo(job, "UploadComplete"))
	case r.Method == http.MethodGet && len(rest) == 1:
		job, ok := s.jobs[rest[0]]
		if !ok {
			writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
			return
		}
		writeJSON(w, http.StatusOK, s.jobInfo(job, "JobComplete"))
	case r.Method == http.MethodGet && len(rest) == 2 && rest[1] == "results":
		job, ok := s.jobs[rest[0]]
		if !ok {
			writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
			return
		}
		from := 0
		if loc := r.URL.Query().Get("locator"); loc != "" && loc != "null" {
			n, err := strconv.Atoi(loc)
			if err != nil || n < 0 || n > len(job.rows) {
				writeErr(w, http.StatusBadRequest, "INVALIDLOCATOR", "invalid locator")
				return
			}
			from = n
		}
		size := s.pageSize()
		if m, err := strconv.Atoi(r.URL.Query().Get("maxRecords")); err == nil && m > 0 {
			size = m
		}
		end := min(from+size, len(job.rows))
		locator := "null"
		if end < len(job.rows) {
			locator = strconv.Itoa(end)
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Sforce-Locator", locator)
		w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-from))
		w.WriteHeader(http.StatusOK)
		cw := csv.NewWriter(w)
		_ = cw.Write(job.header)
		_ = cw.WriteAll(job.rows[from:end])
	default:
		writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

func (s *Server) jobInfo(job *bulkJob, state string) map[string]any {
	return map[string]any{
		"id": job.id, "operation": "query", "object": job.object,
		"createdById": "005000000000001AAA", "state": state,
		"concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": 63.0,
		"lineEnding": "LF", "columnDelimiter": "COMMA",
		"numberRecordsProcessed": len(job.rows), "retries": 0, "totalProcessingTime": 0,
	}
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (Record, bool) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "JSON_PARSER_ERROR", "could not read the record")
		return nil, false
	}
	delete(body, "attributes")
	return Record(body), true
}

func (s *Server) insert(w http.ResponseWriter, r *http.Request, object string) {
	rec, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if _, ok := rec["Id"]; ok {
		writeErr(w, http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: Id.", "Id")
		return
	}
	if object == "Opportunity" {
		var missing []string
		for _, f := range []string{"Name", "StageName", "CloseDate"} {
			if v, _ := rec[f].(string); v == "" {
				missing = append(missing, f)
			}
		}
		if len(missing) > 0 {
			writeErr(w, http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing...)
			return
		}
		s.deriveStageLocked(rec)
	}
	rec["Id"] = s.newIDLocked(object)
	rec["IsDeleted"] = false
	rec["SystemModstamp"] = s.Now().UTC()
	s.storeLocked(object, rec)
	writeJSON(w, http.StatusCreated, map[string]any{"id": rec["Id"], "success": true, "errors": []any{}})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, object, id string) {
	fields, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if rec := s.findLocked(object, id); rec != nil && rec["IsDeleted"] != true {
		maps.Copy(rec, fields)
		rec["SystemModstamp"] = s.Now().UTC()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
}

// ---- records ----

func copyRecord(r Record) Record {
	out := make(Record, len(r))
	for k, v := range r {
		if m, ok := v.(map[string]any); ok {
			v = map[string]any(copyRecord(Record(m)))
		} else if m, ok := v.(Record); ok {
			v = map[string]any(copyRecord(m))
		}
		out[k] = v
	}
	return out
}

// run returns the records of q, filtered and ordered.
func (s *Server) run(q *query, all bool) []Record {
	var out []Record
	for _, r := range s.objects[q.from] {
		if !all && r["IsDeleted"] == true {
			continue
		}
		if q.match(s, r) {
			out = append(out, r)
		}
	}
	if q.orderBy != "" {
		slices.SortStableFunc(out, func(a, b Record) int {
			c := compareValues(s.resolve(a, q.orderBy), s.resolve(b, q.orderBy))
			if q.desc {
				return -c
			}
			return c
		})
	}
	if q.limit > 0 && len(out) > q.limit {
		out = out[:q.limit]
	}
	return out
}

func (s *Server) findByID(id string) (string, Record) {
	for obj := range s.objects {
		if r := s.findLocked(obj, id); r != nil {
			return obj, r
		}
	}
	return "", nil
}

// parent returns the record a relationship of r points at: nested in r, else found
// through r's "<rel>Id" field (a custom "X__r" through "X__c"); nil when none.
func (s *Server) parent(r Record, rel string) Record {
	switch m := r[rel].(type) {
	case map[string]any:
		return Record(m)
	case Record:
		return m
	}
	idField := rel + "Id"
	if base, custom := strings.CutSuffix(rel, "__r"); custom {
		idField = base + "__c"
	}
	if id, _ := r[idField].(string); id != "" {
		_, p := s.findByID(id)
		return p
	}
	return nil
}

// resolve returns a field's value by path ("Owner.Email"); nil for null or missing.
func (s *Server) resolve(r Record, path string) any {
	head, tail, dotted := strings.Cut(path, ".")
	if !dotted {
		return r[head]
	}
	p := s.parent(r, head)
	if p == nil {
		return nil
	}
	return s.resolve(p, tail)
}

func objectOf(r Record) string {
	id, _ := r["Id"].(string)
	if len(id) >= 3 {
		for obj, p := range keyPrefixes {
			if id[:3] == p {
				return obj
			}
		}
	}
	return ""
}

func attributes(object string, id any) map[string]any {
	return map[string]any{"type": object, "url": fmt.Sprintf("%s/sobjects/%s/%v", APIPrefix, object, id)}
}

// jsonRecord shapes a record as the REST API returns it: attributes, then the queried
// fields, relationships nested (null when the parent is missing).
func (s *Server) jsonRecord(q *query, r Record) map[string]any {
	out := map[string]any{"attributes": attributes(q.from, r["Id"])}
	for _, f := range q.fields {
		s.setPath(out, r, strings.Split(f, "."))
	}
	return out
}

func (s *Server) setPath(out map[string]any, r Record, parts []string) {
	if len(parts) == 1 {
		out[parts[0]] = jsonValue(r[parts[0]])
		return
	}
	p := s.parent(r, parts[0])
	if p == nil {
		if _, ok := out[parts[0]]; !ok {
			out[parts[0]] = nil
		}
		return
	}
	next, _ := out[parts[0]].(map[string]any)
	if next == nil {
		next = map[string]any{"attributes": attributes(objectOf(p), p["Id"])}
		out[parts[0]] = next
	}
	s.setPath(next, p, parts[1:])
}

func jsonValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format("2006-01-02T15:04:05.000+0000")
	}
	return v
}

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	default:
		return fmt.Sprint(x)
	}
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad datetime %q", s)
}

// compareValues orders nulls first, then numbers, times and text by value.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if fa, ok := toFloat(a); ok {
		if fb, ok := toFloat(b); ok {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	if ta, ok := a.(time.Time); ok {
		if tb, ok := b.(time.Time); ok {
			return ta.Compare(tb)
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}
