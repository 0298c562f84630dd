package salesforce_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/salesforce"
	"github.com/incumbent/incumbent/adapters/salesforce/sftest"
	"github.com/incumbent/incumbent/domain"
)

// org is a seeded stand-in with the ids of what was put.
type org struct {
	srv                *sftest.Server
	u1, u2             string
	a1, a2             string
	o1, o2, o3, o4     string
	fasteners, welding string
}

func newOrg(t *testing.T) *org {
	t.Helper()
	srv := sftest.NewServer(t)
	o := &org{srv: srv}
	o.u1 = srv.Put("User", sftest.Record{"Email": "ann@example.com", "Name": "Ann Lee", "IsActive": true})
	o.u2 = srv.Put("User", sftest.Record{"Email": "bo@example.com", "Name": "Bo Chan", "IsActive": false})
	o.fasteners = srv.Put("Product2", sftest.Record{"Name": "Bolt", "Family": "Fasteners"})
	o.welding = srv.Put("Product2", sftest.Record{"Name": "Torch", "Family": "Welding"})
	o.a1 = srv.Put("Account", sftest.Record{"Name": "Acme", "AccountNumber": "ACME-1", "OwnerId": o.u1,
		"Industry": "Manufacturing", "NumberOfEmployees": 250.0, "Sales_Territory__c": "Northeast"})
	o.a2 = srv.Put("Account", sftest.Record{"Name": "Beta", "AccountNumber": nil, "OwnerId": o.u2,
		"Industry": nil, "NumberOfEmployees": nil})
	o.o1 = srv.Put("Opportunity", sftest.Record{"Name": "Acme bolts", "AccountId": o.a1, "OwnerId": o.u1,
		"StageName": "Prospecting", "Amount": 12000.0, "Probability": 25.0, "CloseDate": "2026-06-30", "Category__c": "Custom"})
	o.o2 = srv.Put("Opportunity", sftest.Record{"Name": "Acme torches", "AccountId": o.a1, "OwnerId": o.u1,
		"StageName": "Closed Won", "Amount": 5000.5, "Probability": 100.0, "CloseDate": "2026-02-01"})
	o.o3 = srv.Put("Opportunity", sftest.Record{"Name": "Beta lost", "AccountId": o.a2, "OwnerId": o.u2,
		"StageName": "Closed Lost", "Amount": nil, "Probability": 0.0, "CloseDate": "2026-03-01"})
	o.o4 = srv.Put("Opportunity", sftest.Record{"Name": "Beta open", "AccountId": o.a2, "OwnerId": o.u2,
		"StageName": "Negotiation", "Amount": 700.0, "Probability": nil, "CloseDate": nil})
	// o1: the lowest SortOrder wins (Fasteners); o2: nulls last (Welding); o3: a tie goes
	// to the lower Id (Fasteners); o4: no line items.
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o1, "Product2Id": o.welding, "SortOrder": 2.0})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o1, "Product2Id": o.fasteners, "SortOrder": 1.0})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o2, "Product2Id": o.fasteners, "SortOrder": nil})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o2, "Product2Id": o.welding, "SortOrder": 3.0})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o3, "Product2Id": o.fasteners, "SortOrder": 1.0})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.o3, "Product2Id": o.welding, "SortOrder": 1.0})
	return o
}

func (o *org) client(t *testing.T, mut func(*salesforce.Config)) *salesforce.Client {
	t.Helper()
	cfg := salesforce.Config{
		URL: o.srv.URL, ClientID: o.srv.ClientID, ClientSecret: o.srv.ClientSecret,
		Backoff: func(int) time.Duration { return time.Millisecond },
		Logf:    t.Logf,
	}
	if mut != nil {
		mut(&cfg)
	}
	c, err := salesforce.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// want is what a full pull of the seeded org reads with the default mapping.
func (o *org) want() domain.CRMPull {
	return domain.CRMPull{
		Full: true,
		Accounts: []domain.CRMAccount{
			{CRMID: o.a1, AccountID: "ACME-1", Name: "Acme", OwnerCRMID: o.u1, OwnerEmail: "ann@example.com", Industry: "Manufacturing", Employees: "250"},
			{CRMID: o.a2, AccountID: o.a2, Name: "Beta", OwnerCRMID: o.u2, OwnerEmail: "bo@example.com"},
		},
		People: []domain.CRMPerson{
			{CRMID: o.u1, Email: "ann@example.com", Name: "Ann Lee"},
			{CRMID: o.u2, Email: "bo@example.com", Name: "Bo Chan"},
		},
		Opportunities: []domain.CRMOpportunity{
			{CRMID: o.o1, AccountCRMID: o.a1, AccountID: "ACME-1", Name: "Acme bolts", Amount: "12000", Stage: "Prospecting", Probability: "0.25", CloseDate: "2026-06-30", Category: "Fasteners"},
			{CRMID: o.o2, AccountCRMID: o.a1, AccountID: "ACME-1", Name: "Acme torches", Amount: "5000.5", Stage: "won", Probability: "1", CloseDate: "2026-02-01", Category: "Welding"},
			{CRMID: o.o3, AccountCRMID: o.a2, Name: "Beta lost", Stage: "lost", Probability: "0", CloseDate: "2026-03-01", Category: "Fasteners"},
			{CRMID: o.o4, AccountCRMID: o.a2, Name: "Beta open", Amount: "700", Stage: "Negotiation"},
		},
		Through: stampOf(o.srv, "Opportunity", o.o4),
	}
}

func stampOf(srv *sftest.Server, object, id string) time.Time {
	r, _ := srv.Record(object, id)
	return r["SystemModstamp"].(time.Time)
}

func has(reqs []string, sub string) bool {
	return slices.ContainsFunc(reqs, func(r string) bool { return strings.Contains(r, sub) })
}

var ignoreCalls = cmpopts.IgnoreFields(domain.CRMPull{}, "Calls")

// assertNoSecrets fails when err's text holds the client secret or any token issued.
func assertNoSecrets(t *testing.T, srv *sftest.Server, text string) {
	t.Helper()
	if strings.Contains(text, srv.ClientSecret) {
		t.Errorf("text holds the client secret: %s", text)
	}
	for _, tok := range srv.Tokens() {
		if strings.Contains(text, tok) {
			t.Errorf("text holds a token: %s", text)
		}
	}
}

func TestPullFull(t *testing.T) {
	tests := []struct {
		name     string
		cfg      func(*salesforce.Config)
		edit     func(o *org, want *domain.CRMPull)
		wantReqs []string // substrings some request must hold
		notReqs  []string // substrings no request may hold
	}{
		{
			name:     "REST with nextRecordsUrl paging",
			wantReqs: []string{"GET /services/data/v63.0/query/01g", "SELECT COUNT() FROM Account", "FROM OpportunityLineItem WHERE OpportunityId IN ("},
			notReqs:  []string{"/jobs/query"},
		},
		{
			name:     "Bulk API 2.0 above the threshold",
			cfg:      func(c *salesforce.Config) { c.BulkThreshold = 1 },
			wantReqs: []string{"POST /services/data/v63.0/jobs/query", "/results/?locator=", "/results"},
			notReqs:  []string{"FROM OpportunityLineItem WHERE"},
		},
		{
			name: "configured category and territory fields",
			cfg: func(c *salesforce.Config) {
				c.CategoryField = "Category__c"
				c.Account = map[string]string{"territory": "Sales_Territory__c"}
			},
			edit: func(o *org, want *domain.CRMPull) {
				want.Accounts[0].Territory = "Northeast"
				for i := range want.Opportunities {
					want.Opportunities[i].Category = ""
				}
				want.Opportunities[0].Category = "Custom"
			},
			notReqs: []string{"OpportunityLineItem"},
		},
		{
			name: "configured category and territory fields through Bulk",
			cfg: func(c *salesforce.Config) {
				c.BulkThreshold = 1
				c.CategoryField = "Category__c"
				c.Account = map[string]string{"territory": "Sales_Territory__c"}
			},
			edit: func(o *org, want *domain.CRMPull) {
				want.Accounts[0].Territory = "Northeast"
				for i := range want.Opportunities {
					want.Opportunities[i].Category = ""
				}
				want.Opportunities[0].Category = "Custom"
			},
			wantReqs: []string{"POST /services/data/v63.0/jobs/query"},
			notReqs:  []string{"OpportunityLineItem"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t)
			o.srv.PageSize = 2
			want := o.want()
			if tt.edit != nil {
				tt.edit(o, &want)
			}
			c := o.client(t, tt.cfg)
			got, err := c.Pull(context.Background(), time.Time{})
			if err != nil {
				t.Fatalf("Pull: %v", err)
			}
			if diff := cmp.Diff(want, got, ignoreCalls, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pull (-want +got):\n%s", diff)
			}
			reqs := o.srv.Requests()
			if got.Calls != len(reqs) {
				t.Errorf("Calls = %d, the server saw %d requests", got.Calls, len(reqs))
			}
			all := append(reqs, o.srv.Queries()...)
			for _, s := range tt.wantReqs {
				if !has(all, s) {
					t.Errorf("no request holds %q:\n%s", s, strings.Join(all, "\n"))
				}
			}
			for _, s := range tt.notReqs {
				if has(all, s) {
					t.Errorf("a request holds %q:\n%s", s, strings.Join(all, "\n"))
				}
			}
		})
	}
}

func TestPullIncremental(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk=%t", bulk), func(t *testing.T) {
			o := newOrg(t)
			c := o.client(t, func(cfg *salesforce.Config) {
				if bulk {
					cfg.BulkThreshold = 1
				}
			})
			first, err := c.Pull(context.Background(), time.Time{})
			if err != nil {
				t.Fatalf("full Pull: %v", err)
			}
			// Changes after the full pull: Acme renamed, o3 deleted, a new opportunity
			// with two line items, a new user.
			o.srv.Put("Account", sftest.Record{"Id": o.a1, "Name": "Acme Corp", "AccountNumber": "ACME-1", "OwnerId": o.u1,
				"Industry": "Manufacturing", "NumberOfEmployees": 260.0})
			o.srv.Delete("Opportunity", o.o3)
			u3 := o.srv.Put("User", sftest.Record{"Email": "cy@example.com", "Name": "Cy Diaz"})
			o5 := o.srv.Put("Opportunity", sftest.Record{"Name": "Acme more", "AccountId": o.a1, "StageName": "Qualification",
				"Amount": 10.0, "Probability": 10.0, "CloseDate": "2026-09-30"})
			o.srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o5, "Product2Id": o.welding, "SortOrder": 1.0})
			o.srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o5, "Product2Id": o.fasteners, "SortOrder": 2.0})

			got, err := c.Pull(context.Background(), first.Through)
			if err != nil {
				t.Fatalf("incremental Pull: %v", err)
			}
			want := domain.CRMPull{
				Accounts: []domain.CRMAccount{
					{CRMID: o.a1, AccountID: "ACME-1", Name: "Acme Corp", OwnerCRMID: o.u1, OwnerEmail: "ann@example.com", Industry: "Manufacturing", Employees: "260"},
				},
				People: []domain.CRMPerson{{CRMID: u3, Email: "cy@example.com", Name: "Cy Diaz"}},
				Opportunities: []domain.CRMOpportunity{
					{CRMID: o5, AccountCRMID: o.a1, AccountID: "ACME-1", Name: "Acme more", Amount: "10", Stage: "Qualification", Probability: "0.1", CloseDate: "2026-09-30", Category: "Welding"},
				},
				DeletedOpportunities: []string{o.o3},
				Through:              stampOf(o.srv, "Opportunity", o5),
			}
			if diff := cmp.Diff(want, got, ignoreCalls, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("incremental Pull (-want +got):\n%s", diff)
			}
			if !got.Through.After(first.Through) {
				t.Errorf("Through %v did not advance past %v", got.Through, first.Through)
			}
			lit := "SystemModstamp > " + first.Through.UTC().Format("2006-01-02T15:04:05Z")
			for _, obj := range []string{"Account", "User", "Opportunity"} {
				q := "FROM " + obj + " WHERE " + lit
				if !has(o.srv.Queries(), q) {
					t.Errorf("no query holds %q:\n%s", q, strings.Join(o.srv.Queries(), "\n"))
				}
			}
			if !has(o.srv.Queries(), "FROM Opportunity WHERE IsDeleted = true AND "+lit) {
				t.Errorf("the deleted query has no SystemModstamp filter:\n%s", strings.Join(o.srv.Queries(), "\n"))
			}

			// Nothing changed since: an empty pull, Through zero.
			again, err := c.Pull(context.Background(), got.Through)
			if err != nil {
				t.Fatalf("third Pull: %v", err)
			}
			if diff := cmp.Diff(domain.CRMPull{}, again, ignoreCalls, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("third Pull (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPullDeleted(t *testing.T) {
	o := newOrg(t)
	o.srv.PageSize = 1 // the queryAll pages too
	o.srv.Delete("Opportunity", o.o4)
	o.srv.Delete("Opportunity", o.o2)
	o.srv.Delete("Account", o.a2)
	got, err := o.client(t, nil).Pull(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	if diff := cmp.Diff([]string{o.o2, o.o4}, got.DeletedOpportunities); diff != "" {
		t.Errorf("DeletedOpportunities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{o.a2}, got.DeletedAccounts); diff != "" {
		t.Errorf("DeletedAccounts (-want +got):\n%s", diff)
	}
	for _, opp := range got.Opportunities {
		if opp.CRMID == o.o2 || opp.CRMID == o.o4 {
			t.Errorf("deleted opportunity %s pulled as live", opp.CRMID)
		}
	}
	if want := stampOf(o.srv, "Account", o.a2); !got.Through.Equal(want) {
		t.Errorf("Through = %v, want the last deletion %v", got.Through, want)
	}
	if !has(o.srv.Requests(), "GET /services/data/v63.0/queryAll/01g") {
		t.Errorf("queryAll was not paged:\n%s", strings.Join(o.srv.Requests(), "\n"))
	}
}

func TestPullSession(t *testing.T) {
	tests := []struct {
		name    string
		hook    func(srv *sftest.Server, req string)
		wantErr string
	}{
		{
			name: "token expires between pages: one refresh",
			hook: func(srv *sftest.Server, req string) {
				if strings.Contains(req, "/query/01g") && len(srv.Tokens()) == 1 {
					srv.ExpireTokens()
				}
			},
		},
		{
			name: "token expires before the second object: one refresh",
			hook: func(srv *sftest.Server, req string) {
				if strings.Contains(req, "FROM User") && len(srv.Tokens()) == 1 {
					srv.ExpireTokens()
				}
			},
		},
		{
			name: "token expires and the client is revoked",
			hook: func(srv *sftest.Server, req string) {
				if strings.Contains(req, "/query/01g") {
					srv.ExpireTokens()
					srv.RevokeClient()
				}
			},
			wantErr: "salesforce: sign-in to ",
		},
		{
			name: "a fresh token refused again",
			hook: func(srv *sftest.Server, req string) {
				if strings.Contains(req, "/query/01g") {
					srv.ExpireTokens()
				}
			},
			wantErr: "salesforce: the session was refused again after a fresh token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t)
			o.srv.PageSize = 1
			o.srv.OnRequest = func(req string) { tt.hook(o.srv, req) }
			got, err := o.client(t, nil).Pull(context.Background(), time.Time{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Pull error = %v, want one holding %q", err, tt.wantErr)
				}
				assertNoSecrets(t, o.srv, err.Error())
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatalf("Pull: %v", err)
			}
			if diff := cmp.Diff(o.want(), got, ignoreCalls, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pull (-want +got):\n%s", diff)
			}
			if n := len(o.srv.Tokens()); n != 2 {
				t.Errorf("%d tokens issued, want 2 (one refresh)", n)
			}
			if reqs := o.srv.Requests(); got.Calls != len(reqs) {
				t.Errorf("Calls = %d, the server saw %d requests", got.Calls, len(reqs))
			}
		})
	}
}

func TestSignInRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		secret string
		revoke bool
	}{
		{name: "wrong secret", secret: "not-the-secret-42"},
		{name: "revoked client", revoke: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t)
			if tt.revoke {
				o.srv.RevokeClient()
			}
			c := o.client(t, func(c *salesforce.Config) {
				if tt.secret != "" {
					c.ClientSecret = tt.secret
				}
			})
			want := "salesforce: sign-in to " + o.srv.URL + " refused (check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, and that the connected app allows the client credentials flow)"
			_, err := c.Pull(context.Background(), time.Time{})
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Pull error = %v, want %q…", err, want)
			}
			t.Log(err)
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error holds the secret: %v", err)
			}
			assertNoSecrets(t, o.srv, err.Error())
			if _, err := c.OpenStages(context.Background()); err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("OpenStages error = %v, want %q…", err, want)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(srv *sftest.Server)
		cfg       func(*salesforce.Config)
		wantErr   string
		wantExtra int // requests beyond a clean pull's
	}{
		{
			name:  "429 then success; Retry-After wins over Backoff",
			setup: func(srv *sftest.Server) { srv.RateLimit(2, "0") },
			// An hour's backoff: the test only ends because Retry-After says 0.
			cfg:       func(c *salesforce.Config) { c.Backoff = func(int) time.Duration { return time.Hour } },
			wantExtra: 2,
		},
		{
			name:      "5xx then success",
			setup:     func(srv *sftest.Server) { srv.Fail5xx(3) },
			wantExtra: 3,
		},
		{
			name:    "429 retries exhausted",
			setup:   func(srv *sftest.Server) { srv.RateLimit(100, "0") },
			cfg:     func(c *salesforce.Config) { c.MaxRetries = 2 },
			wantErr: "salesforce: count Account: rate limited (429) after 3 tries; Sforce-Limit-Info api-usage=3/15000",
		},
		{
			name:    "5xx retries exhausted with the default MaxRetries",
			setup:   func(srv *sftest.Server) { srv.Fail5xx(100) },
			wantErr: "salesforce: count Account: server error (503) after 6 tries; Sforce-Limit-Info api-usage=6/15000",
		},
	}
	clean := func(t *testing.T) int {
		o := newOrg(t)
		got, err := o.client(t, nil).Pull(context.Background(), time.Time{})
		if err != nil {
			t.Fatalf("clean Pull: %v", err)
		}
		return got.Calls
	}(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t)
			tt.setup(o.srv)
			var mu sync.Mutex
			var logs []string
			c := o.client(t, func(c *salesforce.Config) {
				c.Logf = func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					logs = append(logs, fmt.Sprintf(format, args...))
				}
				if tt.cfg != nil {
					tt.cfg(c)
				}
			})
			got, err := c.Pull(context.Background(), time.Time{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Pull error = %v, want %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Pull: %v", err)
				}
				if got.Calls != clean+tt.wantExtra {
					t.Errorf("Calls = %d, want %d", got.Calls, clean+tt.wantExtra)
				}
				if got.Calls != len(o.srv.Requests()) {
					t.Errorf("Calls = %d, the server saw %d", got.Calls, len(o.srv.Requests()))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !has(logs, "answered") {
				t.Errorf("no retry was logged: %q", logs)
			}
			assertNoSecrets(t, o.srv, strings.Join(logs, "\n"))
		})
	}
}

func TestPullCanceled(t *testing.T) {
	o := newOrg(t)
	ctx, cancel := context.WithCancel(context.Background())
	o.srv.OnRequest = func(req string) {
		if strings.Contains(req, "FROM User") {
			cancel()
		}
	}
	_, err := o.client(t, func(c *salesforce.Config) { c.Backoff = func(int) time.Duration { return time.Hour } }).Pull(ctx, time.Time{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Pull error = %v, want context.Canceled", err)
	}
}

func TestNew(t *testing.T) {
	base := salesforce.Config{URL: "https://acme.my.salesforce.com", ClientID: "id", ClientSecret: "secret"}
	tests := []struct {
		name    string
		edit    func(*salesforce.Config)
		wantErr string
	}{
		{name: "https", edit: func(*salesforce.Config) {}},
		{name: "http loopback v4", edit: func(c *salesforce.Config) { c.URL = "http://127.0.0.1:8080" }},
		{name: "http loopback v6", edit: func(c *salesforce.Config) { c.URL = "http://[::1]:8080" }},
		{name: "http localhost", edit: func(c *salesforce.Config) { c.URL = "http://localhost:9000/" }},
		{name: "http elsewhere", edit: func(c *salesforce.Config) { c.URL = "http://acme.my.salesforce.com" }, wantErr: "must use https"},
		{name: "not a URL", edit: func(c *salesforce.Config) { c.URL = "acme" }, wantErr: "is not a URL"},
		{name: "no secret", edit: func(c *salesforce.Config) { c.ClientSecret = "" }, wantErr: "SALESFORCE_CLIENT_SECRET"},
		{
			name:    "unknown account key",
			edit:    func(c *salesforce.Config) { c.Account = map[string]string{"region": "Region__c"} },
			wantErr: `unknown Account mapping key "region" (valid: account_id, employees, industry, name, owner, territory)`,
		},
		{
			name:    "unknown opportunity key",
			edit:    func(c *salesforce.Config) { c.Opportunity = map[string]string{"amount": "Amount"} },
			wantErr: `unknown Opportunity mapping key "amount" (valid: account, account_id, close_date, name, probability, stage, value)`,
		},
		{
			name:    "unknown user key",
			edit:    func(c *salesforce.Config) { c.User = map[string]string{"mail": "Email"} },
			wantErr: `unknown User mapping key "mail" (valid: email, name)`,
		},
		{
			name:    "a field with SOQL in it",
			edit:    func(c *salesforce.Config) { c.Account = map[string]string{"name": "Name FROM User --"} },
			wantErr: "is not a field name",
		},
		{name: "bad category field", edit: func(c *salesforce.Config) { c.CategoryField = "x y" }, wantErr: "CategoryField"},
		{name: "bad potential field", edit: func(c *salesforce.Config) { c.Potential = map[string]string{"fasteners": "a.b"} }, wantErr: "potential field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.edit(&cfg)
			_, err := salesforce.New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one holding %q", err, tt.wantErr)
			}
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("code = %q, want %q", domain.ErrorCode(err), domain.EINVALID)
			}
		})
	}
}

func TestCreateOpportunity(t *testing.T) {
	for _, tt := range []struct {
		name     string
		field    string
		category string // what Pull reads back
	}{
		{name: "category field", field: "Category__c", category: "Abrasives"},
		{name: "line-item categories", field: "", category: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t)
			c := o.client(t, func(c *salesforce.Config) { c.CategoryField = tt.field })
			plan := domain.CRMPlan{AccountCRMID: o.a1, Name: "Acme abrasives", Amount: 1234.5,
				CloseDate: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Stage: "Prospecting", Category: "Abrasives"}
			id, err := c.CreateOpportunity(context.Background(), plan)
			if err != nil {
				t.Fatalf("CreateOpportunity: %v", err)
			}
			rec, ok := o.srv.Record("Opportunity", id)
			if !ok {
				t.Fatalf("no Opportunity %s stored", id)
			}
			wantRec := sftest.Record{"AccountId": o.a1, "Name": "Acme abrasives", "Amount": 1234.5, "CloseDate": "2026-11-30", "StageName": "Prospecting"}
			if tt.field != "" {
				wantRec[tt.field] = "Abrasives"
			}
			gotRec := sftest.Record{}
			for k := range rec {
				if k != "Id" && k != "SystemModstamp" && k != "IsDeleted" && k != "IsClosed" && k != "IsWon" {
					gotRec[k] = rec[k]
				}
			}
			if diff := cmp.Diff(wantRec, gotRec); diff != "" {
				t.Errorf("stored record (-want +got):\n%s", diff)
			}
			pull, err := c.Pull(context.Background(), time.Time{})
			if err != nil {
				t.Fatalf("Pull: %v", err)
			}
			want := domain.CRMOpportunity{CRMID: id, AccountCRMID: o.a1, AccountID: "ACME-1", Name: "Acme abrasives", Amount: "1234.5",
				Stage: "Prospecting", CloseDate: "2026-11-30", Category: tt.category}
			i := slices.IndexFunc(pull.Opportunities, func(op domain.CRMOpportunity) bool { return op.CRMID == id })
			if i < 0 {
				t.Fatalf("Pull did not return %s", id)
			}
			if diff := cmp.Diff(want, pull.Opportunities[i]); diff != "" {
				t.Errorf("pulled (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("an incomplete plan is refused before any request", func(t *testing.T) {
		o := newOrg(t)
		_, err := o.client(t, nil).CreateOpportunity(context.Background(), domain.CRMPlan{AccountCRMID: o.a1})
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
	})
}

func TestSetNumber(t *testing.T) {
	o := newOrg(t)
	c := o.client(t, func(c *salesforce.Config) {
		c.Potential = map[string]string{"Fasteners": "Fasteners_Potential__c"}
	})
	field, ok := c.PotentialField("fasteners")
	if !ok || field != "Fasteners_Potential__c" {
		t.Fatalf("PotentialField = %q, %t", field, ok)
	}
	if _, ok := c.PotentialField("welding"); ok {
		t.Errorf("PotentialField(welding) found one")
	}
	if err := c.SetNumber(context.Background(), o.a1, field, 40000); err != nil {
		t.Fatalf("SetNumber: %v", err)
	}
	rec, _ := o.srv.Record("Account", o.a1)
	if got := rec[field]; got != 40000.0 {
		t.Errorf("%s = %v, want 40000", field, got)
	}
	if !has(o.srv.Requests(), "PATCH /services/data/v63.0/sobjects/Account/"+o.a1) {
		t.Errorf("no PATCH: %q", o.srv.Requests())
	}
	err := c.SetNumber(context.Background(), "001000000000999AAA", field, 1)
	if err == nil || !strings.Contains(err.Error(), "salesforce: update Account 001000000000999AAA Fasteners_Potential__c: NOT_FOUND") {
		t.Errorf("SetNumber of a missing account: %v", err)
	}
	assertNoSecrets(t, o.srv, fmt.Sprint(err))
}

func TestOpenStages(t *testing.T) {
	o := newOrg(t)
	for _, st := range []sftest.Record{
		{"MasterLabel": "Negotiation", "SortOrder": 3.0, "IsActive": true, "IsClosed": false},
		{"MasterLabel": "Closed Won", "SortOrder": 9.0, "IsActive": true, "IsClosed": true, "IsWon": true},
		{"MasterLabel": "Prospecting", "SortOrder": 1.0, "IsActive": true, "IsClosed": false},
		{"MasterLabel": "Old stage", "SortOrder": 2.0, "IsActive": false, "IsClosed": false},
		{"MasterLabel": "Qualification", "SortOrder": 2.0, "IsActive": true, "IsClosed": false},
	} {
		o.srv.Put("OpportunityStage", st)
	}
	got, err := o.client(t, nil).OpenStages(context.Background())
	if err != nil {
		t.Fatalf("OpenStages: %v", err)
	}
	if diff := cmp.Diff([]string{"Prospecting", "Qualification", "Negotiation"}, got); diff != "" {
		t.Errorf("OpenStages (-want +got):\n%s", diff)
	}
}

func TestSignInUnreachable(t *testing.T) {
	c, err := salesforce.New(salesforce.Config{URL: "http://127.0.0.1:1", ClientID: "id", ClientSecret: "s3cret-value"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Pull(context.Background(), time.Time{})
	if err == nil || !strings.HasPrefix(err.Error(), "salesforce: sign-in to http://127.0.0.1:1 failed: ") || strings.Contains(err.Error(), "s3cret-value") {
		t.Fatalf("Pull error = %v", err)
	}
}

// TestCreateNotRetriedOn5xx: a create answered with a 5xx is not sent again (the record
// may exist all the same, and a second would double the plan); a 429 is retried.
func TestCreateNotRetriedOn5xx(t *testing.T) {
	o := newOrg(t)
	c := o.client(t, nil)
	plan := domain.CRMPlan{AccountCRMID: o.a1, Name: "Acme abrasives", Amount: 10,
		CloseDate: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Stage: "Prospecting"}
	creates := func() int {
		n := 0
		for _, r := range o.srv.Requests() {
			if strings.HasPrefix(r, "POST ") && strings.Contains(r, "/sobjects/Opportunity") {
				n++
			}
		}
		return n
	}
	o.srv.Fail5xx(1)
	if _, err := c.CreateOpportunity(context.Background(), plan); err == nil || creates() != 1 {
		t.Errorf("after a 503: err %v, %d creates sent", err, creates())
	}
	o.srv.RateLimit(1, "0")
	if _, err := c.CreateOpportunity(context.Background(), plan); err != nil || creates() != 3 {
		t.Errorf("after a 429: err %v, %d creates sent (want the 429 retried once)", err, creates())
	}
}
