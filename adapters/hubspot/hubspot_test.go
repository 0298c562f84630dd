package hubspot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	stdcmp "cmp"
	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/hubspot"
	"github.com/incumbent/incumbent/adapters/hubspot/hstest"
	"github.com/incumbent/incumbent/domain"
)

// secret is the stand-in's token in these tests: no error or log line may hold it.
const secret = "pat-na1-0123-secret-token"

// clock is a settable clock for the stand-in.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// logs collects log lines.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// env is a stand-in and a client of it.
type env struct {
	srv   *hstest.Server
	clock *clock
	logs  *logs
	c     *hubspot.Client
}

func newEnv(t *testing.T, mod func(*hubspot.Config)) *env {
	t.Helper()
	e := &env{srv: hstest.NewServer(t), clock: &clock{t: hstest.Start}, logs: &logs{}}
	e.srv.Token = secret
	e.srv.Now = e.clock.now
	cfg := hubspot.Config{Token: secret, APIURL: e.srv.URL, Logf: e.logs.logf,
		Backoff: func(int) time.Duration { return time.Millisecond }}
	if mod != nil {
		mod(&cfg)
	}
	c, err := hubspot.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.c = c
	t.Cleanup(func() {
		for _, l := range e.logs.lines {
			if strings.Contains(l, secret) {
				t.Errorf("a log line holds the token: %s", l)
			}
		}
	})
	return e
}

// at sets the clock to Start plus n seconds.
func (e *env) at(n int) time.Time {
	t := hstest.Start.Add(time.Duration(n) * time.Second)
	e.clock.set(t)
	return t
}

func checkNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("the error holds the token: %v", err)
	}
}

// seed puts the fixture: three owners, four companies, five deals; one of each archived.
// The last write is at Start+11s.
func (e *env) seed(t *testing.T) {
	t.Helper()
	e.srv.PutOwner("11", "ana@example.com", "Ana", "Lima")
	e.srv.PutOwner("12", "bo@example.com", "Bo", "Berg")
	e.srv.PutOwner("13", "cy@example.com", "Cy", "")
	e.at(1)
	e.srv.PutCompany("101", map[string]string{"name": "Acme Corp", "industry": "Manufacturing",
		"numberofemployees": "250", "hubspot_owner_id": "11", "account_number": "A-001", "territory": "Northeast"})
	e.at(2)
	e.srv.PutCompany("102", map[string]string{"name": "Beta LLC", "hubspot_owner_id": "12", "account_number": " "})
	e.at(3)
	e.srv.PutCompany("103", map[string]string{"name": "Gamma", "hubspot_owner_id": "99"})
	e.at(4)
	e.srv.PutCompany("104", map[string]string{"name": "Gone Inc"})
	e.at(5)
	e.srv.PutDeal("201", map[string]string{"dealname": "Acme fasteners", "amount": "12,5", "dealstage": "closedwon",
		"closedate": "2026-03-31T16:30:00.000Z", "hs_deal_stage_probability": "1", "product_category": "Fasteners"}, "101")
	e.at(6)
	e.srv.PutDeal("202", map[string]string{"dealname": "Acme abrasives", "amount": "4000", "dealstage": "closedlost",
		"closedate": "1767225600000"}, "101")
	e.at(7)
	e.srv.PutDeal("203", map[string]string{"dealname": "Beta welding", "amount": "900.50", "dealstage": "qualifiedtobuy",
		"hs_deal_stage_probability": "0.4", "closedate": "2026-07-01T00:00:00Z"}, "102")
	e.at(8)
	e.srv.PutDeal("204", map[string]string{"dealname": "Orphan", "dealstage": "customstage"}, "")
	e.at(9)
	e.srv.PutDeal("205", map[string]string{"dealname": "Deleted deal", "dealstage": "contractsent"}, "103")
	e.at(10)
	e.srv.Archive("companies", "104")
	e.at(11)
	e.srv.Archive("deals", "205")
}

func withMapping(cfg *hubspot.Config) {
	cfg.AccountNumberProperty = "account_number"
	cfg.TerritoryProperty = "territory"
	cfg.CategoryProperty = "product_category"
}

var (
	people = []domain.CRMPerson{
		{CRMID: "11", Email: "ana@example.com", Name: "Ana Lima"},
		{CRMID: "12", Email: "bo@example.com", Name: "Bo Berg"},
		{CRMID: "13", Email: "cy@example.com", Name: "Cy"},
	}
	acme = domain.CRMAccount{CRMID: "101", AccountID: "A-001", Name: "Acme Corp", OwnerCRMID: "11",
		OwnerEmail: "ana@example.com", Territory: "Northeast", Industry: "Manufacturing", Employees: "250"}
	beta  = domain.CRMAccount{CRMID: "102", AccountID: "102", Name: "Beta LLC", OwnerCRMID: "12", OwnerEmail: "bo@example.com"}
	gamma = domain.CRMAccount{CRMID: "103", AccountID: "103", Name: "Gamma", OwnerCRMID: "99"}
	won   = domain.CRMOpportunity{CRMID: "201", AccountCRMID: "101", AccountID: "A-001", Name: "Acme fasteners",
		Amount: "12,5", Stage: "won", Probability: "1", CloseDate: "2026-03-31", Category: "Fasteners"}
	lost = domain.CRMOpportunity{CRMID: "202", AccountCRMID: "101", AccountID: "A-001", Name: "Acme abrasives",
		Amount: "4000", Stage: "lost", CloseDate: "2026-01-01"}
	open = domain.CRMOpportunity{CRMID: "203", AccountCRMID: "102", AccountID: "102", Name: "Beta welding",
		Amount: "900.50", Stage: "Qualified To Buy", Probability: "0.4", CloseDate: "2026-07-01"}
	orphan = domain.CRMOpportunity{CRMID: "204", Name: "Orphan", Stage: "customstage"}
)

func TestFullPull(t *testing.T) {
	e := newEnv(t, withMapping)
	e.srv.PageSize = 2
	e.seed(t)
	pull, err := e.c.Pull(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	want := domain.CRMPull{
		Full:                 true,
		Accounts:             []domain.CRMAccount{acme, beta, gamma},
		People:               people,
		Opportunities:        []domain.CRMOpportunity{won, lost, open, orphan},
		DeletedAccounts:      []string{"104"},
		DeletedOpportunities: []string{"205"},
		Through:              hstest.Start.Add(11 * time.Second),
		Calls:                len(e.srv.Requests()),
	}
	if diff := cmp.Diff(want, pull); diff != "" {
		t.Errorf("Pull (-want +got):\n%s", diff)
	}
	reqs := e.srv.Requests()
	for _, prefix := range []string{
		"GET /crm/v3/objects/companies?",
		"GET /crm/v3/objects/deals?",
	} {
		var pages []string
		for _, r := range reqs {
			if strings.HasPrefix(r, prefix) && !strings.Contains(r, "archived=true") {
				pages = append(pages, r)
			}
		}
		if len(pages) != 2 || strings.Contains(pages[0], "after=") || !strings.Contains(pages[1], "after=2") {
			t.Errorf("%s pages = %q, want two, the second after=2", prefix, pages)
		}
		if !strings.Contains(pages[0], "limit=100") {
			t.Errorf("%s asks no limit=100: %q", prefix, pages[0])
		}
	}
	for _, sub := range []string{"associations=companies", "properties=dealname,amount,dealstage,closedate,hs_deal_stage_probability,hubspot_owner_id,product_category,hs_lastmodifieddate,pipeline"} {
		if !slices.ContainsFunc(reqs, func(r string) bool { return strings.Contains(r, sub) }) {
			t.Errorf("no request asks %s: %q", sub, reqs)
		}
	}
}

func TestPullDefaultsAccountIDToCompanyID(t *testing.T) {
	e := newEnv(t, nil)
	e.seed(t)
	pull, err := e.c.Pull(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	var got []string
	for _, a := range pull.Accounts {
		got = append(got, a.CRMID+"="+a.AccountID+"/"+a.Territory)
	}
	if diff := cmp.Diff([]string{"101=101/", "102=102/", "103=103/"}, got); diff != "" {
		t.Errorf("account ids (-want +got):\n%s", diff)
	}
	if c := pull.Opportunities[0].Category; c != "" {
		t.Errorf("Category without CategoryProperty = %q, want empty", c)
	}
}

func TestIncrementalPull(t *testing.T) {
	e := newEnv(t, withMapping)
	e.seed(t)
	since := e.at(20)
	e.at(21)
	e.srv.PutCompany("102", map[string]string{"name": "Beta Group", "hubspot_owner_id": "13"})
	e.at(22)
	e.srv.PutDeal("201", map[string]string{"dealname": "Acme fasteners", "amount": "13000", "dealstage": "contractsent"}, "101")
	e.at(23)
	e.srv.PutDeal("203", map[string]string{"dealname": "Beta welding", "dealstage": "closedwon"}, "102")
	e.at(24)
	e.srv.Archive("deals", "202")
	before := len(e.srv.Requests())

	pull, err := e.c.Pull(context.Background(), since)
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	want := domain.CRMPull{
		Accounts: []domain.CRMAccount{{CRMID: "102", AccountID: "102", Name: "Beta Group", OwnerCRMID: "13", OwnerEmail: "cy@example.com"}},
		People:   people,
		Opportunities: []domain.CRMOpportunity{
			// Acme is not in this pull: the engine finds its account_id.
			{CRMID: "201", AccountCRMID: "101", Name: "Acme fasteners", Amount: "13000", Stage: "Contract Sent"},
			{CRMID: "203", AccountCRMID: "102", AccountID: "102", Name: "Beta welding", Stage: "won"},
		},
		DeletedOpportunities: []string{"202"},
		Through:              hstest.Start.Add(24 * time.Second),
		Calls:                len(e.srv.Requests()) - before,
	}
	if diff := cmp.Diff(want, pull); diff != "" {
		t.Errorf("Pull (-want +got):\n%s", diff)
	}
	reqs := e.srv.Requests()[before:]
	wantSearch := fmt.Sprintf("POST /crm/v3/objects/deals/search hs_lastmodifieddate GTE %d", since.UnixMilli())
	for _, w := range []string{wantSearch, "POST /crm/v4/associations/deals/companies/batch/read"} {
		if !slices.Contains(reqs, w) {
			t.Errorf("requests lack %q: %q", w, reqs)
		}
	}
	if slices.ContainsFunc(reqs, func(r string) bool {
		return strings.HasPrefix(r, "GET /crm/v3/objects/") && !strings.Contains(r, "archived=true")
	}) {
		t.Errorf("an incremental pull listed every record: %q", reqs)
	}

	// The next pull, from Through, sees only what changed after it.
	e.at(30)
	e.srv.PutCompany("103", map[string]string{"name": "Gamma 2"})
	next, err := e.c.Pull(context.Background(), pull.Through)
	if err != nil {
		t.Fatalf("second Pull: %v", err)
	}
	got := []string{}
	for _, a := range next.Accounts {
		got = append(got, a.CRMID)
	}
	for _, d := range next.Opportunities {
		got = append(got, d.CRMID)
	}
	got = append(got, next.DeletedOpportunities...)
	if diff := cmp.Diff([]string{"103"}, got); diff != "" {
		t.Errorf("second pull's records (-want +got):\n%s", diff)
	}
	if want := hstest.Start.Add(30 * time.Second); !next.Through.Equal(want) {
		t.Errorf("second Through = %v, want %v", next.Through, want)
	}
}

func TestSearchSlicedByDate(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		limit int
		same  bool // every record modified in the same millisecond: read from the full list
	}{
		{"over the limit", 11, 3, false},
		{"at the limit", 3, 3, false},
		{"one millisecond over the limit", 5, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.srv.PageSize = 2
			e.srv.SearchLimit = tt.limit
			since := e.at(1)
			var want []string
			for i := range tt.n {
				if !tt.same {
					e.at(2 + i)
				}
				id := fmt.Sprint(500 + i)
				e.srv.PutCompany(id, map[string]string{"name": "Company " + id})
				want = append(want, id)
			}
			pull, err := e.c.Pull(context.Background(), since)
			if err != nil {
				t.Fatalf("Pull: %v", err)
			}
			var got []string
			for _, a := range pull.Accounts {
				got = append(got, a.CRMID)
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			sliced := slices.ContainsFunc(e.srv.Requests(), func(r string) bool {
				return strings.Contains(r, "companies/search") && strings.Contains(r, " LT ")
			})
			listed := slices.ContainsFunc(e.srv.Requests(), func(r string) bool {
				return strings.HasPrefix(r, "GET /crm/v3/objects/companies?") && !strings.Contains(r, "archived=true")
			})
			if want := tt.n > tt.limit && !tt.same; sliced != want {
				t.Errorf("searched by date slices = %v, want %v: %q", sliced, want, e.srv.Requests())
			}
			if listed != tt.same {
				t.Errorf("listed every company = %v, want %v: %q", listed, tt.same, e.srv.Requests())
			}
			if pull.Calls != len(e.srv.Requests()) {
				t.Errorf("Calls = %d, want %d", pull.Calls, len(e.srv.Requests()))
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		arrange    func(*hstest.Server)
		maxRetries int
		wantErr    string // "" = success
		wantCalls  int
		backoffs   int // how often Backoff was asked
	}{
		{"429 then success, Retry-After", func(s *hstest.Server) { s.RateLimit(2, "0") }, 0, "", 3, 0},
		{"429 then success, rate-limit interval", func(s *hstest.Server) { s.RateLimit(1, "") }, 0, "", 2, 0},
		{"429 exhausted", func(s *hstest.Server) { s.RateLimit(10, "0") }, 0,
			"hubspot: rate limited (429) after 5 tries: GET /crm/v3/pipelines/deals: You have reached your ten_secondly_rolling limit.", 5, 0},
		{"429 exhausted, MaxRetries 2", func(s *hstest.Server) { s.RateLimit(10, "0") }, 2,
			"hubspot: rate limited (429) after 2 tries", 2, 0},
		{"5xx then success", func(s *hstest.Server) { s.Fail5xx(2) }, 0, "", 3, 2},
		{"5xx exhausted", func(s *hstest.Server) { s.Fail5xx(10) }, 0,
			"hubspot: HubSpot failed (503) after 5 tries: GET /crm/v3/pipelines/deals", 5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			backoffs := 0
			e := newEnv(t, func(cfg *hubspot.Config) {
				cfg.MaxRetries = tt.maxRetries
				cfg.Backoff = func(int) time.Duration { mu.Lock(); defer mu.Unlock(); backoffs++; return time.Millisecond }
			})
			tt.arrange(e.srv)
			_, err := e.c.OpenStages(context.Background())
			checkNoToken(t, err)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("OpenStages: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Fatalf("OpenStages error = %v, want it to begin %q", err, tt.wantErr)
			}
			if n := len(e.srv.Requests()); n != tt.wantCalls {
				t.Errorf("requests = %d, want %d: %q", n, tt.wantCalls, e.srv.Requests())
			}
			if backoffs != tt.backoffs {
				t.Errorf("Backoff asked %d times, want %d", backoffs, tt.backoffs)
			}
		})
	}
}

func TestPullCountsRetries(t *testing.T) {
	e := newEnv(t, nil)
	e.seed(t)
	e.srv.RateLimit(2, "0")
	pull, err := e.c.Pull(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	reqs := e.srv.Requests()
	if pull.Calls != len(reqs) || reqs[0] != reqs[1] || reqs[1] != reqs[2] {
		t.Errorf("Calls = %d, requests %q: want the first tried three times and all counted", pull.Calls, reqs)
	}
	if len(pull.Accounts) != 3 {
		t.Errorf("accounts = %d, want 3", len(pull.Accounts))
	}
}

func TestRefusals(t *testing.T) {
	const refused = "hubspot: the token was refused (401): check HUBSPOT_TOKEN; a private app's token is revoked when the app is deleted or its token rotated"
	tests := []struct {
		name    string
		arrange func(*hstest.Server)
		token   string
		wantErr string
		status  int
	}{
		{"revoked", func(s *hstest.Server) { s.Revoke() }, secret, refused, 401},
		{"wrong token", func(*hstest.Server) {}, secret + "-old", refused, 401},
		{"missing scopes", func(s *hstest.Server) { s.Forbid(1, "crm.objects.owners.read") }, secret,
			"hubspot: the private app lacks a scope (403 MISSING_SCOPES): GET /crm/v3/pipelines/deals needs crm.objects.owners.read; add it to the app's scopes in HubSpot and try again", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(cfg *hubspot.Config) { cfg.Token = tt.token })
			e.seed(t)
			tt.arrange(e.srv)
			pull, err := e.c.Pull(context.Background(), time.Time{})
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Pull error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("the error holds the token: %v", err)
			}
			var ae *hubspot.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status {
				t.Errorf("error %#v is no *APIError of status %d", err, tt.status)
			}
			if n := len(e.srv.Requests()); n != 1 || pull.Calls != 1 {
				t.Errorf("requests = %d, Calls = %d, want 1 (no retry): %q", n, pull.Calls, e.srv.Requests())
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     hubspot.Config
		wantErr string // a part of the error; "" = none
	}{
		{"default URL", hubspot.Config{Token: secret}, ""},
		{"https", hubspot.Config{Token: secret, APIURL: "https://hubspot.example.com/proxy/"}, ""},
		{"http 127.0.0.1", hubspot.Config{Token: secret, APIURL: "http://127.0.0.1:8080"}, ""},
		{"http ::1", hubspot.Config{Token: secret, APIURL: "http://[::1]:8080"}, ""},
		{"http localhost", hubspot.Config{Token: secret, APIURL: "http://localhost:9"}, ""},
		{"http elsewhere", hubspot.Config{Token: secret, APIURL: "http://api.hubapi.com"}, "must be https"},
		{"http lookalike", hubspot.Config{Token: secret, APIURL: "http://localhost.example.com"}, "must be https"},
		{"other scheme", hubspot.Config{Token: secret, APIURL: "ftp://api.hubapi.com"}, "must be https"},
		{"no host", hubspot.Config{Token: secret, APIURL: "https://"}, "is not a URL"},
		{"credentials in URL", hubspot.Config{Token: secret, APIURL: "https://u:p@api.hubapi.com"}, "is not a URL"},
		{"no token", hubspot.Config{}, "no token: set HUBSPOT_TOKEN"},
		{"unknown company field", hubspot.Config{Token: secret, Company: map[string]string{"revenue": "annualrevenue"}},
			`Company field "revenue" is unknown; the fields are employees, industry, name, owner`},
		{"unknown deal field", hubspot.Config{Token: secret, Deal: map[string]string{"amount": "amount"}},
			`Deal field "amount" is unknown; the fields are close_date, name, owner, probability, stage, value`},
		{"unknown owner field", hubspot.Config{Token: secret, Owner: map[string]string{"name": "x"}},
			`Owner field "name" is unknown; the fields are email, first_name, last_name`},
		{"empty override", hubspot.Config{Token: secret, Company: map[string]string{"name": ""}}, "maps to no property"},
		{"negative retries", hubspot.Config{Token: secret, MaxRetries: -1}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hubspot.New(tt.cfg)
			checkNoToken(t, err)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New error = %v, want it to hold %q", err, tt.wantErr)
			}
		})
	}
}

func TestFieldOverrides(t *testing.T) {
	e := newEnv(t, func(cfg *hubspot.Config) {
		cfg.Company = map[string]string{"name": "legal_name"}
		cfg.Deal = map[string]string{"value": "hs_acv"}
	})
	e.srv.PutCompany("1", map[string]string{"name": "Short", "legal_name": "Long Name Ltd"})
	e.srv.PutDeal("2", map[string]string{"dealname": "D", "amount": "1", "hs_acv": "1200"}, "1")
	pull, err := e.c.Pull(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	if got := pull.Accounts[0].Name + " / " + pull.Opportunities[0].Amount; got != "Long Name Ltd / 1200" {
		t.Errorf("overridden fields = %q, want %q", got, "Long Name Ltd / 1200")
	}
}

func TestCreateOpportunity(t *testing.T) {
	tests := []struct {
		stage     string
		wantStage string // the deal's dealstage
		wantErr   string
	}{
		{"Qualified To Buy", "qualifiedtobuy", ""},
		{"contract sent", "contractsent", ""},
		{"presentationscheduled", "presentationscheduled", ""},
		{"won", "closedwon", ""},
		{"", "appointmentscheduled", ""},
		{"Negotiation", "", `hubspot: no deal stage "Negotiation" in the pipeline "Sales Pipeline"; its open stages are Appointment Scheduled, Qualified To Buy, Presentation Scheduled, Decision Maker Bought-In, Contract Sent`},
	}
	for _, tt := range tests {
		t.Run(stdcmp.Or(tt.stage, "none"), func(t *testing.T) {
			e := newEnv(t, withMapping)
			e.srv.PutCompany("101", map[string]string{"name": "Acme Corp", "account_number": "A-001"})
			plan := domain.CRMPlan{AccountCRMID: "101", Name: "Acme power transmission", Amount: 12500.5,
				CloseDate: time.Date(2026, 6, 30, 0, 0, 0, 0, time.FixedZone("EST", -5*3600)), Stage: tt.stage, Category: "Power Transmission"}
			id, err := e.c.CreateOpportunity(context.Background(), plan)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("CreateOpportunity error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateOpportunity: %v", err)
			}
			deal := e.srv.Deals()[id]
			want := map[string]string{"dealname": "Acme power transmission", "amount": "12500.5",
				"closedate": "2026-06-30T12:00:00.000Z", "dealstage": tt.wantStage, "pipeline": "default",
				"product_category": "Power Transmission", hstest.CompanyKey: "101"}
			for k, v := range want {
				if deal[k] != v {
					t.Errorf("deal %s %s = %q, want %q (deal %v)", id, k, deal[k], v, deal)
				}
			}
			pull, err := e.c.Pull(context.Background(), time.Time{})
			if err != nil {
				t.Fatalf("Pull: %v", err)
			}
			if len(pull.Opportunities) != 1 {
				t.Fatalf("Pull opportunities = %+v, want the one created", pull.Opportunities)
			}
			got := pull.Opportunities[0]
			if got.CRMID != id || got.AccountCRMID != "101" || got.AccountID != "A-001" || got.CloseDate != "2026-06-30" ||
				got.Amount != "12500.5" || got.Category != "Power Transmission" {
				t.Errorf("pulled back %+v", got)
			}
		})
	}
}

// failOnce answers the first request of a method and path with a status, without
// passing it on.
type failOnce struct {
	method, path string
	status       int
	mu           sync.Mutex
	done         bool
}

func (f *failOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	hit := !f.done && r.Method == f.method && r.URL.Path == f.path
	f.done = f.done || hit
	f.mu.Unlock()
	if !hit {
		return http.DefaultTransport.RoundTrip(r)
	}
	h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"0"}}
	return &http.Response{StatusCode: f.status, Header: h, Request: r,
		Body: io.NopCloser(strings.NewReader(`{"status":"error","message":"try again","category":"X"}`))}, nil
}

func TestCreateOpportunityRetries(t *testing.T) {
	tests := []struct {
		status  int
		wantErr string
		posts   int // POSTs the stand-in saw
	}{
		{429, "", 1},
		{503, "hubspot: HubSpot failed (503) after 1 tries: POST /crm/v3/objects/deals: try again", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			e := newEnv(t, func(cfg *hubspot.Config) {
				cfg.HTTPClient = &http.Client{Transport: &failOnce{method: "POST", path: "/crm/v3/objects/deals", status: tt.status}}
			})
			e.srv.PutCompany("101", map[string]string{"name": "Acme"})
			id, err := e.c.CreateOpportunity(context.Background(), domain.CRMPlan{AccountCRMID: "101", Name: "X", Stage: "won"})
			switch {
			case tt.wantErr == "" && (err != nil || id == ""):
				t.Fatalf("CreateOpportunity = %q, %v", id, err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("CreateOpportunity error = %v, want %q", err, tt.wantErr)
			}
			posts := 0
			for _, r := range e.srv.Requests() {
				if r == "POST /crm/v3/objects/deals" {
					posts++
				}
			}
			if posts != tt.posts || len(e.srv.Deals()) != tt.posts {
				t.Errorf("POSTs = %d, deals = %d, want %d", posts, len(e.srv.Deals()), tt.posts)
			}
		})
	}
}

func TestSetNumber(t *testing.T) {
	e := newEnv(t, func(cfg *hubspot.Config) {
		cfg.Potential = map[string]string{"Power Transmission": "potential_power_transmission"}
	})
	e.srv.PutCompany("101", map[string]string{"name": "Acme"})
	prop, ok := e.c.PotentialField("power transmission")
	if !ok || prop != "potential_power_transmission" {
		t.Fatalf("PotentialField = %q, %v", prop, ok)
	}
	if _, ok := e.c.PotentialField("Fasteners"); ok {
		t.Errorf("PotentialField(Fasteners) found a property")
	}
	if err := e.c.SetNumber(context.Background(), "101", prop, 40000.25); err != nil {
		t.Fatalf("SetNumber: %v", err)
	}
	if got := e.srv.Companies()["101"][prop]; got != "40000.25" {
		t.Errorf("%s = %q, want 40000.25", prop, got)
	}
	for _, tt := range []struct{ id, prop, want string }{
		{"999", prop, "hubspot: PATCH /crm/v3/objects/companies/999: 404 OBJECT_NOT_FOUND: resource not found"},
		{"", prop, "needs its id and the property"},
		{"1/../2", prop, "is not a company id"},
	} {
		err := e.c.SetNumber(context.Background(), tt.id, tt.prop, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SetNumber(%q) error = %v, want %q", tt.id, err, tt.want)
		}
	}
}

func TestOpenStages(t *testing.T) {
	e := newEnv(t, nil)
	got, err := e.c.OpenStages(context.Background())
	if err != nil {
		t.Fatalf("OpenStages: %v", err)
	}
	want := []string{"Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OpenStages (-want +got):\n%s", diff)
	}
}

func TestStandInDefaultClock(t *testing.T) {
	srv := hstest.NewServer(t)
	c, err := hubspot.New(hubspot.Config{Token: hstest.DefaultToken, APIURL: srv.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.PutCompany("1", map[string]string{"name": "One"})
	srv.PutCompany("2", map[string]string{"name": "Two"})
	pull, err := c.Pull(context.Background(), hstest.Start.Add(2*time.Second))
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	if len(pull.Accounts) != 1 || pull.Accounts[0].CRMID != "2" || !pull.Through.Equal(hstest.Start.Add(2*time.Second)) {
		t.Errorf("Pull from the second write = %+v", pull)
	}
}
