package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/hubspot/hstest"
	"github.com/incumbent/incumbent/adapters/salesforce/sftest"
	"github.com/incumbent/incumbent/domain"
)

// sfOrg is a Salesforce org on the stand-in: Rita (whom gapdata holds) owns Acme (A1,
// by its account number) and a new account; Lee, new to us, owns another. Acme has a
// fasteners opportunity (the family of its first line item) and one with no line item.
type sfOrg struct {
	srv                *sftest.Server
	acme, delta, bolts string
	env                map[string]string
}

func newSFOrg(t *testing.T) *sfOrg {
	t.Helper()
	srv := sftest.NewServer(t)
	o := &sfOrg{srv: srv}
	rita := srv.Put("User", sftest.Record{"Email": "rita@example.com", "Name": "Rita Rep"})
	lee := srv.Put("User", sftest.Record{"Email": "Lee@Example.com", "Name": "Lee Lead"})
	o.acme = srv.Put("Account", sftest.Record{"AccountNumber": "A1", "Name": "Acme Manufacturing", "OwnerId": rita, "Industry": "Manufacturing", "NumberOfEmployees": 250})
	o.delta = srv.Put("Account", sftest.Record{"Name": "Delta Dairy", "OwnerId": rita})
	srv.Put("Account", sftest.Record{"Name": "Echo Farms", "OwnerId": lee, "Sales_Territory__c": "West"})
	o.bolts = srv.Put("Opportunity", sftest.Record{"AccountId": o.acme, "Name": "Bolt program 2027", "Amount": 4000, "StageName": "Negotiation/Review",
		"Probability": 60, "CloseDate": "2027-02-28"})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.bolts, "SortOrder": 2, "Product2": map[string]any{"Family": "Safety"}})
	srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": o.bolts, "SortOrder": 1, "Product2": map[string]any{"Family": "Fasteners"}})
	srv.Put("Opportunity", sftest.Record{"AccountId": o.delta, "Name": "No line items", "Amount": 100, "StageName": "Prospecting", "CloseDate": "2027-01-15"})
	mapping := filepath.Join(t.TempDir(), "crm.toml")
	if err := os.WriteFile(mapping, []byte("[salesforce]\ndefault_territory = \"North\"\n\n[salesforce.account]\nterritory = \"Sales_Territory__c\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.env = map[string]string{"SALESFORCE_URL": srv.URL, "SALESFORCE_CLIENT_ID": srv.ClientID,
		"SALESFORCE_CLIENT_SECRET": srv.ClientSecret, "INCUMBENT_IMPORT_MAP": mapping}
	return o
}

func oppsByID(t *testing.T, db string) map[string]domain.Opportunity {
	t.Helper()
	opps, err := openStore(t, db).FindOpportunities(context.Background(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.Opportunity{}
	for _, o := range opps {
		out[o.ID] = o
	}
	return out
}

// TestSyncSalesforce: `incumbent sync salesforce` pulls every record the first time
// (through the real go-salesforce client against the stand-in), then only what changed:
// a new opportunity, one deleted; a token that expires mid-run is refreshed once; a
// record that fails the import's checks is named by its Salesforce id and field and
// nothing is written.
func TestSyncSalesforce(t *testing.T) {
	db := testDB(t, "gapdata")
	o := newSFOrg(t)
	code, out, errOut := run(t, "", o.env, "sync", "--db", db, "salesforce")
	if code != 0 {
		t.Fatalf("first sync: status %d\n%s%s", code, out, errOut)
	}
	if want := "salesforce: pulled every record in "; !strings.Contains(out, want) || !strings.Contains(out, "3 accounts, 1 people, 1 opportunities, 0 deleted, 1 skipped") {
		t.Errorf("first sync said:\n%s", out)
	}
	s := openStore(t, db)
	ctx := context.Background()
	acme, err := s.FindAccount(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(domain.Account{ID: "A1", Name: "Acme Manufacturing", Territory: "North", Owner: "rita@example.com", Industry: "Manufacturing",
		Aliases: []string{"acme"}, PaymentTermsDays: 30, Employees: 250}, acme); diff != "" {
		t.Errorf("Acme (-want +got):\n%s", diff)
	}
	if a, err := s.FindAccount(ctx, o.delta); err != nil || a.Territory != "North" || a.Owner != "rita@example.com" {
		t.Errorf("an account with no account number is synced under its Id, in its owner's territory: %+v, %v", a, err)
	}
	lee, err := s.FindPerson(ctx, "lee@example.com")
	if err != nil || lee.Role != domain.RoleRep || lee.Territory != "West" {
		t.Errorf("Lee, new to us, is a rep of the territory of his accounts: %+v, %v", lee, err)
	}
	want := domain.Opportunity{ID: o.bolts, AccountID: "A1", Category: "Fasteners", Name: "Bolt program 2027", Value: 4000,
		Stage: "negotiation/review", Probability: 0.6, CloseDate: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, oppsByID(t, db)[o.bolts]); diff != "" {
		t.Errorf("the opportunity (-want +got):\n%s", diff)
	}
	if code, out := ask(t, db, "gap acme"); code != 0 || !strings.Contains(out, "4,000") {
		t.Errorf("gap acme does not show the synced pipeline:\n%s", out)
	}

	// The second run pulls what changed, and the token expires under it.
	newer := o.srv.Put("Opportunity", sftest.Record{"AccountId": o.acme, "Name": "Gloves 2027", "Amount": 900, "StageName": "Closed Won",
		"IsClosed": true, "IsWon": true, "CloseDate": "2026-12-01"})
	o.srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": newer, "SortOrder": 1, "Product2": map[string]any{"Family": "Safety"}})
	o.srv.Delete("Opportunity", o.bolts)
	var expired atomic.Bool
	o.srv.OnRequest = func(req string) {
		if strings.Contains(req, "FROM Opportunity") && !expired.Swap(true) {
			o.srv.ExpireTokens()
		}
	}
	before := len(o.srv.Queries())
	code, out, errOut = run(t, "", o.env, "sync", "--db", db, "salesforce")
	if code != 0 {
		t.Fatalf("second sync: status %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "pulled changes since the last run") || !strings.Contains(out, "1 opportunities, 1 deleted") {
		t.Errorf("second sync said:\n%s", out)
	}
	incremental := false
	for _, q := range o.srv.Queries()[before:] {
		incremental = incremental || strings.Contains(q, "SystemModstamp >")
	}
	if !incremental || !expired.Load() {
		t.Errorf("the second pull was not incremental (%v) or the token never expired (%v)", incremental, expired.Load())
	}
	opps := oppsByID(t, db)
	if _, ok := opps[o.bolts]; ok {
		t.Errorf("the deleted opportunity is still held")
	}
	if got := opps[newer]; got.Stage != "won" || got.Category != "Safety" || got.Probability != 1 {
		t.Errorf("the new opportunity: %+v", got)
	}

	// A record failing the checks: named, nothing written; the secret never printed.
	o.srv.OnRequest = nil
	bad := o.srv.Put("Opportunity", sftest.Record{"AccountId": o.acme, "Name": "Typo", "Amount": -5, "StageName": "Prospecting", "CloseDate": "2027-01-01"})
	o.srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": bad, "SortOrder": 1, "Product2": map[string]any{"Family": "Fasteners"}})
	rows, v := counts(t, db)
	code, out, errOut = run(t, "", o.env, "sync", "--db", db, "salesforce")
	if code != 1 || !strings.Contains(errOut, "Salesforce sync refused, nothing was written: 1 problem") ||
		!strings.Contains(errOut, "Opportunity "+bad+": Amount: ") {
		t.Errorf("a bad record: status %d\n%s%s", code, out, errOut)
	}
	if rows2, v2 := counts(t, db); v2 != v || !cmp.Equal(rows, rows2) {
		t.Errorf("a refused sync changed the database: version %d→%d", v, v2)
	}
	if strings.Contains(out+errOut, o.srv.ClientSecret) {
		t.Errorf("the client secret was printed")
	}
	st, err := openStore(t, db).SyncState(ctx, domain.CRMSalesforce)
	if err != nil || st.Last.OK || st.Last.Record != "Opportunity "+bad+": Amount" {
		t.Errorf("the failed run's state: %+v, %v", st.Last, err)
	}
	if code, out := ask(t, db, "sync status"); code != 0 || !strings.Contains(out, "No CRM sync is configured") {
		t.Errorf("ask sync status, no CRM in the environment:\n%s", out)
	}

	// A revoked app fails clearly.
	o.srv.RevokeClient()
	code, _, errOut = run(t, "", o.env, "sync", "--db", db, "salesforce")
	if code != 1 || !strings.Contains(errOut, "sign-in to "+o.srv.URL+" refused") {
		t.Errorf("revoked: status %d\n%s", code, errOut)
	}
}

// TestSyncHubSpot: `incumbent sync hubspot` pulls companies, owners and deals through
// the stand-in (a 429 on the way is waited out), a deal's pipeline stage becomes won or
// open, and a revoked token fails at once with a clear message.
func TestSyncHubSpot(t *testing.T) {
	db := testDB(t, "gapdata")
	srv := hstest.NewServer(t)
	srv.PutOwner("11", "rita@example.com", "Rita", "Rep")
	srv.PutCompany("501", map[string]string{"name": "Acme Manufacturing", "account_number": "A1", "hubspot_owner_id": "11", "industry": "MANUFACTURING"})
	srv.PutCompany("502", map[string]string{"name": "Foxtrot Foods", "hubspot_owner_id": "11", "numberofemployees": "40"})
	srv.PutDeal("901", map[string]string{"dealname": "Safety program", "amount": "2500", "dealstage": "contractsent", "closedate": "2027-01-31T12:00:00.000Z", "product_line": "Safety"}, "501")
	srv.PutDeal("902", map[string]string{"dealname": "Bolts", "amount": "800", "dealstage": "closedwon", "closedate": "2026-11-02T12:00:00.000Z", "product_line": "Fasteners"}, "502")
	mapping := filepath.Join(t.TempDir(), "crm.toml")
	if err := os.WriteFile(mapping, []byte("[hubspot]\naccount_number_property = \"account_number\"\ncategory_property = \"product_line\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HUBSPOT_TOKEN": srv.Token, "HUBSPOT_API_URL": srv.URL, "INCUMBENT_IMPORT_MAP": mapping}
	srv.RateLimit(1, "0")
	code, out, errOut := run(t, "", env, "sync", "--db", db, "hubspot")
	if code != 0 {
		t.Fatalf("sync: status %d\n%s%s", code, out, errOut)
	}
	opps := oppsByID(t, db)
	if got := opps["901"]; got.AccountID != "A1" || got.Category != "Safety" || got.Value != 2500 || !got.Open() {
		t.Errorf("deal 901: %+v", got)
	}
	if got := opps["902"]; got.AccountID != "502" || got.Stage != "won" || got.Probability != 1 {
		t.Errorf("deal 902: %+v", got)
	}
	if a, err := openStore(t, db).FindAccount(context.Background(), "502"); err != nil || a.Territory != "North" || a.Employees != 40 {
		t.Errorf("Foxtrot Foods, in its owner's territory: %+v, %v", a, err)
	}

	srv.Archive("deals", "901")
	if code, out, errOut := run(t, "", env, "sync", "--db", db, "hubspot"); code != 0 || !strings.Contains(out, "1 deleted") {
		t.Errorf("after an archived deal: status %d\n%s%s", code, out, errOut)
	}
	if _, ok := oppsByID(t, db)["901"]; ok {
		t.Errorf("the archived deal is still held")
	}

	srv.Revoke()
	code, _, errOut = run(t, "", env, "sync", "--db", db, "hubspot")
	if code != 1 || !strings.Contains(errOut, "the token was refused (401): check HUBSPOT_TOKEN") || strings.Contains(errOut, srv.Token) {
		t.Errorf("revoked: status %d\n%s", code, errOut)
	}
}

// TestServeSyncs: serve syncs the configured CRM on its schedule, two replicas over
// one database run the period's sync once, /readyz shows its last run and row counts,
// and an admin asks `sync status`.
func TestServeSyncs(t *testing.T) {
	db := testDB(t, "gapdata")
	o := newSFOrg(t)
	env := o.env
	env["INCUMBENT_PLAYGROUND_AS"] = "ops@example.com"
	url1, _ := serve(t, env, "--db", db)
	url2, _ := serve(t, env, "--db", db)
	var ready map[string]any
	if !eventually(t, 20*time.Second, func() bool {
		_, body := httpGet(t, url2+"/readyz")
		ready = nil
		json.Unmarshal([]byte(body), &ready)
		d, _ := ready["details"].(map[string]any)
		runs, _ := d["sync"].([]any)
		if len(runs) != 1 {
			return false
		}
		last, _ := runs[0].(map[string]any)["last"].(map[string]any)
		return last["ok"] == true
	}) {
		t.Fatalf("/readyz never showed a successful sync: %v", ready)
	}
	if ready["status"] != "ok" {
		t.Errorf("/readyz = %v", ready)
	}
	counts := 0
	for _, q := range o.srv.Queries() {
		if strings.HasPrefix(q, "SELECT COUNT() FROM Account") {
			counts++
		}
	}
	if counts != 1 {
		t.Errorf("two replicas pulled the accounts %d times, want once", counts)
	}
	if code, out := askAPI(t, url1, "sync status", "ops@example.com"); code != 200 || !strings.Contains(out, "Salesforce") || !strings.Contains(out, "ok") {
		t.Errorf("sync status: %d\n%s", code, out)
	}

	// A run that fails (here one from the command line, on the same database) leaves
	// /readyz degraded, still 200, naming the record, until a run succeeds.
	bad := o.srv.Put("Opportunity", sftest.Record{"AccountId": o.acme, "Name": "Typo", "Amount": -5, "StageName": "Prospecting", "CloseDate": "2027-01-01"})
	o.srv.Put("OpportunityLineItem", sftest.Record{"OpportunityId": bad, "SortOrder": 1, "Product2": map[string]any{"Family": "Fasteners"}})
	if code, _, _ := run(t, "", env, "sync", "--db", db, "salesforce"); code != 1 {
		t.Fatalf("a bad record: status %d", code)
	}
	code, body := httpGet(t, url1+"/readyz")
	ready = nil
	json.Unmarshal([]byte(body), &ready)
	checks, _ := ready["checks"].(map[string]any)
	if code != 200 || ready["status"] != "degraded" || !strings.Contains(fmt.Sprint(checks["sync"]), "Opportunity "+bad+": Amount") ||
		strings.Contains(body, "must be at least") {
		t.Errorf("/readyz after a failed run: %d %s", code, body)
	}
	if code, out := askAPI(t, url1, "sync status", "ops@example.com"); code != 200 || !strings.Contains(out, "First problem: Opportunity "+bad+": Amount: -5 must be at least 0") {
		t.Errorf("sync status after a failed run: %d\n%s", code, out)
	}
}

// TestPlanThenSync: "Plan it" on a gap (here `plan`, as the button's form sends it)
// creates the opportunity in Salesforce, on the synced account, and here at once: the
// gap shows Welding covered; the next sync finds it by its Salesforce id (no double),
// and it keeps its category though Salesforce has no line item for it. A potential set
// in chat goes to the Account field the mapping names. HubSpot the same, for a deal.
func TestPlanThenSync(t *testing.T) {
	db := testDB(t, "gapdata")
	o := newSFOrg(t)
	if err := os.WriteFile(o.env["INCUMBENT_IMPORT_MAP"], []byte("[salesforce]\ndefault_territory = \"North\"\n\n[salesforce.potential]\nWelding = \"Welding_Potential__c\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "", o.env, "sync", "--db", db, "salesforce"); code != 0 {
		t.Fatalf("sync: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := run(t, "", o.env, "ask", "--db", db, "--as-of", "2026-11-27", "--as", "rita@example.com", "--format", "json",
		`plan A1 Welding close 2027-03-31 stage "Qualification"`)
	if code != 0 {
		t.Fatalf("plan: %d\n%s%s", code, out, errOut)
	}
	var res struct {
		CRM         string             `json:"crm"`
		Opportunity domain.Opportunity `json:"opportunity"`
		After       struct {
			Uncovered float64 `json:"uncovered"`
		} `json:"after"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	created, ok := o.srv.Record("Opportunity", res.Opportunity.ID)
	if !ok || res.CRM != domain.CRMSalesforce || created["AccountId"] != o.acme || created["StageName"] != "Qualification" ||
		created["CloseDate"] != "2027-03-31" || res.After.Uncovered != 0 {
		t.Fatalf("planned %+v; Salesforce holds %v", res, created)
	}
	before := len(oppsByID(t, db))
	if code, out, errOut := run(t, "", o.env, "sync", "--db", db, "salesforce"); code != 0 {
		t.Fatalf("sync after the plan: %d\n%s%s", code, out, errOut)
	}
	opps := oppsByID(t, db)
	if len(opps) != before || opps[res.Opportunity.ID].Category != "Welding" || opps[res.Opportunity.ID].Stage != "qualification" {
		t.Errorf("after the sync: %d opportunities (were %d), the plan %+v", len(opps), before, opps[res.Opportunity.ID])
	}
	code, out, _ = run(t, "", o.env, "ask", "--db", db, "--as-of", "2026-11-27", "--as", "rita@example.com", "potential set A1 Welding 9k")
	if acme, _ := o.srv.Record("Account", o.acme); code != 0 || !strings.Contains(out, "written to Welding_Potential__c") || acme["Welding_Potential__c"] != float64(9000) {
		t.Errorf("potential set: %d\n%s\nAcme in Salesforce: %v", code, out, acme)
	}

	// HubSpot: a deal associated with the company.
	db2 := testDB(t, "gapdata")
	hs := hstest.NewServer(t)
	hs.PutOwner("11", "rita@example.com", "Rita", "Rep")
	hs.PutCompany("501", map[string]string{"name": "Acme Manufacturing", "account_number": "A1", "hubspot_owner_id": "11"})
	mapping := filepath.Join(t.TempDir(), "crm.toml")
	if err := os.WriteFile(mapping, []byte("[hubspot]\naccount_number_property = \"account_number\"\ncategory_property = \"product_line\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HUBSPOT_TOKEN": hs.Token, "HUBSPOT_API_URL": hs.URL, "INCUMBENT_IMPORT_MAP": mapping}
	if code, out, errOut := run(t, "", env, "sync", "--db", db2, "hubspot"); code != 0 {
		t.Fatalf("hubspot sync: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", env, "ask", "--db", db2, "--as-of", "2026-11-27", "--format", "json", "plan A1 Fasteners value 5k")
	if code != 0 {
		t.Fatalf("plan: %d\n%s%s", code, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	deal := hs.Deals()[res.Opportunity.ID]
	if deal == nil || deal[hstest.CompanyKey] != "501" || deal["product_line"] != "Fasteners" || deal["amount"] != "5000" {
		t.Fatalf("the deal in HubSpot: %v (planned %+v)", deal, res)
	}
	before = len(oppsByID(t, db2))
	if code, out, errOut := run(t, "", env, "sync", "--db", db2, "hubspot"); code != 0 {
		t.Fatalf("sync after the plan: %d\n%s%s", code, out, errOut)
	}
	if opps := oppsByID(t, db2); len(opps) != before || opps[res.Opportunity.ID].Value != 5000 {
		t.Errorf("after the sync: %d opportunities (were %d): %+v", len(opps), before, opps[res.Opportunity.ID])
	}
}
