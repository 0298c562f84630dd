package crm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/crm"
	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

// pulls is a Source that returns its pulls in turn and records the since of each.
type pulls struct {
	mu    sync.Mutex
	next  []domain.CRMPull
	err   error
	asked []time.Time
	calls int
}

func (p *pulls) Pull(_ context.Context, since time.Time) (domain.CRMPull, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.asked = append(p.asked, since)
	if p.err != nil {
		return domain.CRMPull{Calls: 1}, p.err
	}
	out := p.next[0]
	p.next = p.next[1:]
	return out, nil
}

// base writes the records the sync refers to: two territories, a manager, products of
// two categories, and an account from the ERP with its aliases and terms.
func base(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "crm.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	dir := t.TempDir()
	files := map[string]string{
		"territories.csv": "territory\nNortheast\nSouth\n",
		"people.csv":      "email,name,role,territory,slack_user_id\nnora@example.com,Nora North,manager,,U1\nrita@example.com,Rita Rep,rep,Northeast,U2\n",
		"products.csv":    "sku,name,category,list_price,unit_cost\nF-1,Bolt,Fasteners,1,0.5\nS-1,Glove,Safety,2,1\n",
		"accounts.csv":    "account_id,name,territory,owner,aliases,payment_terms_days,employees\n10001,Acme Corp,Northeast,rita@example.com,ACME,45,250\n",
		"opportunities.csv": "opp_id,account_id,category,name,value,stage,competitor,next_step\n" +
			"006PLAN,10001,Safety,Gloves plan,5000,proposal,Rival,call Tuesday\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, dir); err != nil {
		t.Fatal(err)
	}
	return s
}

var t0 = time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)

func firstPull() domain.CRMPull {
	return domain.CRMPull{Full: true, Calls: 4, Through: t0.Add(-time.Hour),
		People: []domain.CRMPerson{{CRMID: "005R", Email: "Rita@Example.com", Name: "Rita Rep"}, {CRMID: "005S", Email: "sam@example.com", Name: "Sam South"}},
		Accounts: []domain.CRMAccount{
			{CRMID: "001A", AccountID: "10001", Name: "Acme Corporation", OwnerCRMID: "005R", Industry: "Manufacturing"},
			{CRMID: "001B", Name: "Beta Foods", OwnerCRMID: "005S", Territory: "South", Employees: "80"},
			{CRMID: "001C", Name: "Gamma Labs", OwnerCRMID: "005S", Territory: "Southwest"},
		},
		Opportunities: []domain.CRMOpportunity{
			{CRMID: "006A", AccountCRMID: "001A", AccountID: "10001", Name: "Bolts 2027", Amount: "12000", Stage: "Negotiation", Probability: "0.6", CloseDate: "2027-03-31", Category: "Fasteners"},
			{CRMID: "006B", AccountCRMID: "001B", Name: "Gloves", Amount: "", Stage: "won", Category: "Safety"},
			{CRMID: "006PLAN", AccountCRMID: "001A", AccountID: "10001", Name: "Gloves plan", Amount: "5500", Stage: "Proposal"},
			{CRMID: "006N", AccountCRMID: "001C", Name: "No line items", Amount: "100", Stage: "Prospecting"},
			{CRMID: "006X", Name: "No account", Amount: "100", Stage: "Prospecting", Category: "Safety"},
		},
	}
}

func TestFirstPull(t *testing.T) {
	ctx := t.Context()
	s := base(t)
	src := &pulls{next: []domain.CRMPull{firstPull()}}
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: src, Store: s, Now: func() time.Time { return t0 }}
	run, err := sy.Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.SyncRun{Started: t0, Finished: t0, Full: true, OK: true, Version: run.Version,
		Accounts: 3, People: 1, Opportunities: 3, Skipped: 2, Calls: 4}
	if diff := cmp.Diff(want, run); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts := []domain.Account{
		{ID: "001B", Name: "Beta Foods", Territory: "South", Owner: "sam@example.com", PaymentTermsDays: 30, Employees: 80},
		{ID: "001C", Name: "Gamma Labs", Territory: "Southwest", Owner: "sam@example.com", PaymentTermsDays: 30},
		// Ours keeps its aliases, terms and employees; the owner's territory is its own.
		{ID: "10001", Name: "Acme Corporation", Territory: "Northeast", Owner: "rita@example.com", Industry: "Manufacturing",
			Aliases: []string{"ACME"}, PaymentTermsDays: 45, Employees: 250},
	}
	if diff := cmp.Diff(wantAccounts, accounts); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	sam, err := s.FindPerson(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// Sam owns one account in South and one in Southwest: the tie goes to the first by name.
	if diff := cmp.Diff(domain.Person{Email: "sam@example.com", Name: "Sam South", Role: domain.RoleRep, Territory: "South"}, sam); diff != "" {
		t.Errorf("new person (-want +got):\n%s", diff)
	}
	rita, err := s.FindPerson(ctx, "rita@example.com")
	if err != nil || rita.SlackUserID != "U2" || rita.Role != domain.RoleRep {
		t.Errorf("a person we hold keeps role and chat ids: %+v, %v", rita, err)
	}
	if _, err := s.FindTerritory(ctx, "Southwest"); err != nil {
		t.Errorf("the territory the CRM names is created: %v", err)
	}
	opps, err := s.FindOpportunities(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	wantOpps := []domain.Opportunity{
		{ID: "006A", AccountID: "10001", Category: "Fasteners", Name: "Bolts 2027", Value: 12000, Stage: "negotiation", Probability: 0.6, CloseDate: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)},
		{ID: "006B", AccountID: "001B", Category: "Safety", Name: "Gloves", Stage: "won", Probability: 1},
		// Planned in chat: the CRM names no category, ours stays, as do competitor and next step.
		{ID: "006PLAN", AccountID: "10001", Category: "Safety", Name: "Gloves plan", Value: 5500, Stage: "proposal", Competitor: "Rival", NextStep: "call Tuesday"},
	}
	if diff := cmp.Diff(wantOpps, opps); diff != "" {
		t.Errorf("opportunities (-want +got):\n%s", diff)
	}
	st, err := s.SyncState(ctx, domain.CRMSalesforce)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Through.Equal(t0.Add(-time.Hour)) || st.Accounts["001B"] != "001B" || st.Accounts["001A"] != "10001" || !st.LastOK.Equal(t0) {
		t.Errorf("state after the first pull: %+v", st)
	}
}

func TestIncrementalAndDeleted(t *testing.T) {
	ctx := t.Context()
	s := base(t)
	second := domain.CRMPull{Through: t0.Add(-time.Minute), Calls: 2,
		// The opportunity's account is not in this pull: the sync finds it by its CRM id.
		Opportunities:        []domain.CRMOpportunity{{CRMID: "006C", AccountCRMID: "001B", Name: "More gloves", Amount: "300", Stage: "Qualification", Category: "Safety"}},
		DeletedOpportunities: []string{"006A", "006-never-held"},
	}
	src := &pulls{next: []domain.CRMPull{firstPull(), second, {}}}
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: src, Store: s, Now: func() time.Time { return t0 }}
	if _, err := sy.Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	run, err := sy.Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if run.Full || run.Deleted != 1 || run.Opportunities != 1 {
		t.Errorf("incremental run: %+v", run)
	}
	opps, err := s.FindOpportunities(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range opps {
		ids = append(ids, o.ID+"@"+o.AccountID)
	}
	if diff := cmp.Diff([]string{"006B@001B", "006C@001B", "006PLAN@10001"}, ids); diff != "" {
		t.Errorf("opportunities (-want +got):\n%s", diff)
	}
	// A pull that saw nothing keeps the watermark.
	if _, err := sy.Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Time{{}, t0.Add(-time.Hour), t0.Add(-time.Minute)}, src.asked); diff != "" {
		t.Errorf("pulls asked from (-want +got):\n%s", diff)
	}
}

func TestRefusedRecordWritesNothing(t *testing.T) {
	ctx := t.Context()
	s := base(t)
	bad := firstPull()
	bad.Opportunities[0].Amount = "-5"
	bad.Accounts[1].Name = ""
	src := &pulls{next: []domain.CRMPull{bad}}
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: src, Store: s, Now: func() time.Time { return t0 },
		Fields: map[string]map[string]string{"opportunities": {"value": "Amount"}, "accounts": {"name": "Name"}}}
	v0, _ := s.DataVersion(ctx)
	before, _ := s.RowCounts(ctx)
	run, err := sy.Run(ctx, false)
	if err == nil {
		t.Fatal("a record failing the checks was written")
	}
	for _, want := range []string{"Salesforce sync refused, nothing was written: 2 problems", "Account 001B: Name: ", "Opportunity 006A: Amount: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if run.OK || run.Record != "Account 001B: Name" {
		t.Errorf("run = %+v", run)
	}
	after, _ := s.RowCounts(ctx)
	if v, _ := s.DataVersion(ctx); v != v0 || !cmp.Equal(before, after) {
		t.Errorf("a refused run changed the store: version %d→%d, rows %v→%v", v0, v, before, after)
	}
	st, _ := s.SyncState(ctx, domain.CRMSalesforce)
	if !st.Through.IsZero() || st.Last.Record != "Account 001B: Name" || st.Last.OK {
		t.Errorf("state after a refused run: %+v", st)
	}
	if err := crm.Failing(ctx, s, []string{domain.CRMSalesforce}); err == nil || !strings.Contains(err.Error(), "Account 001B: Name") {
		t.Errorf("Failing = %v", err)
	}
}

// TestNoTerritory: an account that nothing gives a territory is refused with what to do.
func TestNoTerritory(t *testing.T) {
	s := base(t)
	pull := domain.CRMPull{Full: true, People: []domain.CRMPerson{{CRMID: "005N", Email: "new@example.com", Name: "New Owner"}},
		Accounts: []domain.CRMAccount{{CRMID: "001N", Name: "Nowhere Inc", OwnerCRMID: "005N"}}}
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: &pulls{next: []domain.CRMPull{pull}}, Store: s, Now: func() time.Time { return t0 }}
	_, err := sy.Run(t.Context(), false)
	if err == nil || !strings.Contains(err.Error(), "Account 001N: territory: is required (nothing names one") ||
		!strings.Contains(err.Error(), "set default_territory in the mapping's [salesforce]") {
		t.Errorf("err = %v", err)
	}
}

func TestSchedulerRunsOnceAcrossReplicas(t *testing.T) {
	ctx := t.Context()
	s := base(t)
	src := &pulls{next: []domain.CRMPull{firstPull(), {}}}
	now := t0.Add(10 * time.Minute)
	clock := func() time.Time { return now }
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: src, Store: s, Now: clock}
	var wg sync.WaitGroup
	ran := make([]int, 4)
	for i := range ran {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sched := &crm.Scheduler{Syncers: []*crm.Syncer{sy}, Claims: s, Every: time.Hour, Claimant: "replica-" + string(rune('a'+i)), Now: clock}
			n, err := sched.RunOnce(ctx)
			if err != nil {
				t.Error(err)
			}
			ran[i] = n
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range ran {
		total += n
	}
	if total != 1 || src.calls != 1 {
		t.Errorf("four replicas ran the period's sync %d times (pulls %d), want once", total, src.calls)
	}
	// The next period runs again.
	now = now.Add(time.Hour)
	sched := &crm.Scheduler{Syncers: []*crm.Syncer{sy}, Claims: s, Every: time.Hour, Claimant: "replica-a", Now: clock}
	if n, err := sched.RunOnce(ctx); err != nil || n != 1 {
		t.Errorf("next period: ran %d, %v", n, err)
	}
}
