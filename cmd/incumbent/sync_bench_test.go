package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/crm"
	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/salesforce"
	"github.com/incumbent/incumbent/adapters/salesforce/sftest"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

// BenchmarkSyncSalesforce syncs a demo company's accounts, owners and opportunities
// from the Salesforce stand-in (the real go-salesforce client over local HTTP, the Bulk
// API above 2,000 records) into a database holding the whole company, as `incumbent
// sync salesforce` does. INCUMBENT_BENCH_ACCOUNTS sets the size (default 2000; 20000 is
// the data set of docs/PERFORMANCE.md). full: every record pulled again, nothing
// changed (a first sync of an org the CSV files already loaded); changed-1pct: an
// incremental run after 1% of the opportunities changed their amount.
func BenchmarkSyncSalesforce(b *testing.B) {
	ctx := context.Background()
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("INCUMBENT_BENCH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	data := filepath.Join(dir, "data")
	if _, err := demo.Write(ctx, data, demo.Options{Accounts: n, Months: 24, End: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Seed: 1}); err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := (&csvimport.Importer{Store: store}).Import(ctx, data); err != nil {
		b.Fatal(err)
	}
	srv := sftest.NewServer(b)
	people, err := store.FindPeople(ctx)
	if err != nil {
		b.Fatal(err)
	}
	userID := map[string]string{}
	for _, p := range people {
		userID[p.Email] = srv.Put("User", sftest.Record{"Email": p.Email, "Name": p.Name})
	}
	accounts, err := store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		b.Fatal(err)
	}
	crmID := map[string]string{}
	for i, a := range accounts {
		id := fmt.Sprintf("001%015d", i)
		crmID[a.ID] = id
		srv.Put("Account", sftest.Record{"Id": id, "AccountNumber": a.ID, "Name": a.Name, "OwnerId": userID[a.Owner],
			"Owner": map[string]any{"Email": a.Owner}, "Industry": a.Industry, "NumberOfEmployees": a.Employees, "Territory__c": a.Territory})
	}
	opps, err := store.FindOpportunities(ctx, domain.AllAccounts)
	if err != nil {
		b.Fatal(err)
	}
	put := func(o domain.Opportunity) {
		stage := o.Stage
		switch o.Stage {
		case "won":
			stage = "Closed Won"
		case "lost":
			stage = "Closed Lost"
		}
		r := sftest.Record{"Id": o.ID, "AccountId": crmID[o.AccountID], "Account": map[string]any{"AccountNumber": o.AccountID},
			"Name": o.Name, "Amount": o.Value, "StageName": stage, "IsClosed": !o.Open(), "IsWon": o.Stage == "won",
			"Probability": o.Probability * 100, "Category__c": o.Category}
		if !o.CloseDate.IsZero() {
			r["CloseDate"] = o.CloseDate.Format("2006-01-02")
		}
		srv.Put("Opportunity", r)
	}
	for _, o := range opps {
		put(o)
	}
	client, err := salesforce.New(salesforce.Config{URL: srv.URL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
		Account: map[string]string{"territory": "Territory__c"}, CategoryField: "Category__c"})
	if err != nil {
		b.Fatal(err)
	}
	sy := &crm.Syncer{CRM: domain.CRMSalesforce, Source: client, Store: store}
	records := len(accounts) + len(people) + len(opps)
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			if _, err := sy.Run(ctx, true); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(records), "records")
	})
	b.Run("changed-1pct", func(b *testing.B) {
		step := max(1, len(opps)/100)
		changed := 0
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			changed = 0
			for j := i % step; j < len(opps); j += step {
				o := opps[j]
				o.Value += float64(i + 1)
				put(o)
				changed++
			}
			b.StartTimer()
			run, err := sy.Run(ctx, false)
			if err != nil {
				b.Fatal(err)
			}
			if run.Full || run.Opportunities != changed {
				b.Fatalf("an incremental run wrote %d opportunities, want the %d changed: %+v", run.Opportunities, changed, run)
			}
		}
		b.ReportMetric(float64(changed), "changed")
	})
}
