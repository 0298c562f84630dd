package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// TestSyncStatus: `sync status` shows admins each configured CRM's last run, what it
// wrote, and for a failed run why and which record; others are refused; with no CRM
// configured it says how to set one up.
func TestSyncStatus(t *testing.T) {
	b := newTestBot(t, "gapdata")
	if out, err := ask(t, b, "sync status"); err != nil || !strings.Contains(out, "No CRM sync is configured") {
		t.Errorf("with no CRM: %v\n%s", err, out)
	}
	w := b.Store.(interface {
		PutSyncState(ctx context.Context, st domain.SyncState) error
	})
	now := testNow()
	ok := domain.SyncState{CRM: domain.CRMSalesforce, Through: now.Add(-2 * time.Hour), LastOK: now.Add(-29 * time.Minute),
		Accounts: map[string]string{"001A": "A1"},
		Last: domain.SyncRun{Started: now.Add(-30 * time.Minute), Finished: now.Add(-29 * time.Minute), OK: true,
			Accounts: 1204, People: 12, Opportunities: 3310, Deleted: 4, Skipped: 17, Calls: 23, Version: 9}}
	failed := domain.SyncState{CRM: domain.CRMHubSpot, LastOK: now.Add(-26 * time.Hour), Through: now.Add(-27 * time.Hour),
		Last: domain.SyncRun{Started: now.Add(-90 * time.Minute), Finished: now.Add(-89 * time.Minute),
			Error: "HubSpot sync refused, nothing was written: 1 problem\ndeal 9001: amount: -5 must be at least 0", Record: "deal 9001: amount"}}
	for _, st := range []domain.SyncState{ok, failed} {
		if err := w.PutSyncState(t.Context(), st); err != nil {
			t.Fatal(err)
		}
	}
	b.SyncCRMs = []string{domain.CRMSalesforce, domain.CRMHubSpot}
	out, err := ask(t, b, "sync status")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden/sync_status.txt", []byte(out))
	js, err := ask(t, b, "sync status", inJSONFormat)
	if err != nil || strings.Contains(js, "001A") || !strings.Contains(js, `"record": "deal 9001: amount"`) {
		t.Errorf("JSON: %v\n%s", err, js)
	}

	rep := bot.Actor{Person: domain.Person{Email: "rep@example.com", Role: domain.RoleRep, Territory: "North"}}
	r := b.Handle(t.Context(), bot.Request{Actor: rep, Text: "sync status"})
	if domain.ErrorCode(r.Err) != domain.EFORBIDDEN {
		t.Errorf("a rep's sync status: %v", r.Err)
	}
	help := bot.RenderText(b.Handle(t.Context(), bot.Request{Actor: rep, Text: "help"}))
	if strings.Contains(help, "sync status") {
		t.Errorf("a rep's help lists sync status:\n%s", help)
	}
	if out, _ := ask(t, b, "help"); !strings.Contains(out, "sync status") {
		t.Errorf("an admin's help does not list sync status:\n%s", out)
	}
}
