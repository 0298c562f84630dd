package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// SyncReader reads a CRM sync's state (Bot.Syncs; the stores implement it).
type SyncReader interface {
	SyncState(ctx context.Context, crm string) (domain.SyncState, error)
}

// SyncStatus is the data of `sync status`: each configured CRM's sync.
type SyncStatus struct {
	CRMs []domain.SyncState `json:"crms"`
}

// crmLabel is how a reply names a CRM.
func crmLabel(crm string) string {
	switch crm {
	case domain.CRMSalesforce:
		return "Salesforce"
	case domain.CRMHubSpot:
		return "HubSpot"
	}
	return crm
}

// syncCmd answers `sync status`, for admins: when each CRM's sync last ran, what it
// wrote, and, when it failed, why and which record.
func (b *Bot) syncCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) != 1 || !strings.EqualFold(args[0], "status") {
		return Reply{}, domain.Errorf(domain.EINVALID, "Usage: `sync status`.")
	}
	if !req.Actor.All() {
		return Reply{}, domain.Errorf(domain.EFORBIDDEN, "Only admins see the CRM syncs' status.")
	}
	blocks := []Block{&Header{Text: "CRM sync"}}
	if len(b.SyncCRMs) == 0 || b.Syncs == nil {
		blocks = append(blocks, &Text{Text: "No CRM sync is configured. Set SALESFORCE_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, or HUBSPOT_TOKEN, where the bot runs (docs/CRM.md)."})
		return Reply{Blocks: blocks, Data: SyncStatus{CRMs: []domain.SyncState{}}}, nil
	}
	data := SyncStatus{}
	for _, c := range b.SyncCRMs {
		st, err := b.Syncs.SyncState(ctx, c)
		if err != nil {
			return Reply{}, err
		}
		st.Accounts = nil // thousands of ids: not for chat
		data.CRMs = append(data.CRMs, st)
		blocks = append(blocks, syncBlocks(st, b.Now())...)
	}
	return Reply{Blocks: blocks, Data: data}, nil
}

// syncBlocks describes one CRM's last run.
func syncBlocks(st domain.SyncState, now time.Time) []Block {
	name := crmLabel(st.CRM)
	r := st.Last
	if r.Started.IsZero() {
		return []Block{&Text{Text: fmt.Sprintf("*%s*: no run yet; the first pulls every record.", name)}}
	}
	kind := "changes since the last run"
	if r.Full {
		kind = "every record"
	}
	when := fmt.Sprintf("%s UTC (%s ago)", r.Started.UTC().Format("Jan 2 15:04"), ago(now.Sub(r.Started)))
	var out []Block
	if r.OK {
		out = append(out, &Text{Text: fmt.Sprintf("*%s*: ok, %s, pulling %s.", name, when, kind)})
		fields := []Field{
			{"Accounts", num(float64(r.Accounts))},
			{"People", num(float64(r.People))},
			{"Opportunities", num(float64(r.Opportunities))},
			{"Deleted", num(float64(r.Deleted))},
		}
		if r.Skipped > 0 {
			fields = append(fields, Field{"Skipped", fmt.Sprintf("%s (no category or no account)", num(float64(r.Skipped)))})
		}
		fields = append(fields, Field{"Calls", num(float64(r.Calls))})
		out = append(out, &Fields{Fields: fields})
	} else {
		// The error's first line says what failed; the next names the first record.
		lines := strings.SplitN(r.Error, "\n", 3)
		text := fmt.Sprintf("*%s*: failed %s: %s", name, when, lines[0])
		if len(lines) > 1 {
			text += "\nFirst problem: " + lines[1]
		}
		out = append(out, &Text{Text: text})
	}
	last := "never"
	if !st.LastOK.IsZero() {
		last = st.LastOK.UTC().Format("Jan 2 15:04") + " UTC"
	}
	through := "—"
	if !st.Through.IsZero() {
		through = st.Through.UTC().Format("Jan 2 15:04") + " UTC"
	}
	out = append(out, &Context{Text: fmt.Sprintf("Last success: %s. Changes pulled through %s.", last, through)})
	return out
}

// ago writes a duration as a person would: 5 min, 3 h, 2 days.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
