package crm

import (
	"context"
	"fmt"

	"github.com/incumbent/incumbent/domain"
)

// Client is what a Writer writes through: adapters/salesforce's and adapters/hubspot's
// clients.
type Client interface {
	CreateOpportunity(ctx context.Context, p domain.CRMPlan) (string, error)
	SetNumber(ctx context.Context, accountCRMID, field string, value float64) error
	OpenStages(ctx context.Context) ([]string, error)
	PotentialField(category string) (string, bool)
}

// Writer writes what chat records to the CRM the deployment syncs (bot.CRMWriter): an
// opportunity planned on a gap, and a potential whose category the mapping gives a
// field. It finds an account's CRM id among the accounts the sync has seen.
type Writer struct {
	CRM    string
	Client Client
	State  StateReader
}

// Name is the CRM written to.
func (w *Writer) Name() string { return w.CRM }

// accountCRMID returns the CRM id of the account synced under accountID.
func (w *Writer) accountCRMID(ctx context.Context, accountID string) (string, error) {
	st, err := w.State.SyncState(ctx, w.CRM)
	if err != nil {
		return "", err
	}
	for crmID, id := range st.Accounts {
		if id == accountID {
			return crmID, nil
		}
	}
	return "", domain.Errorf(domain.EINVALID, "Account %s is not in %s: no account the sync has pulled has that id. Add it there (or run `incumbent sync %s`) first; nothing was recorded.",
		accountID, label(w.CRM), w.CRM)
}

// CreateOpportunity creates o in the CRM, on the account synced under o.AccountID, and
// returns its CRM id and stage (o.Stage, or the CRM's first open stage when empty).
func (w *Writer) CreateOpportunity(ctx context.Context, o domain.Opportunity) (string, string, error) {
	account, err := w.accountCRMID(ctx, o.AccountID)
	if err != nil {
		return "", "", err
	}
	stage := o.Stage
	if stage == "" {
		stages, err := w.Client.OpenStages(ctx)
		if err != nil {
			return "", "", fmt.Errorf("%s: the open stages: %w", w.CRM, err)
		}
		if len(stages) == 0 {
			return "", "", domain.Errorf(domain.EINVALID, "%s has no open opportunity stage to plan in: name one (`stage <name>`).", label(w.CRM))
		}
		stage = stages[0]
	}
	id, err := w.Client.CreateOpportunity(ctx, domain.CRMPlan{AccountCRMID: account, Name: o.Name, Amount: o.Value,
		CloseDate: o.CloseDate, Stage: stage, Category: o.Category})
	if err != nil {
		return "", "", err
	}
	return id, stage, nil
}

// WritePotential writes p's amount to the account field the mapping names for its
// category and returns the field; "" when none is named.
func (w *Writer) WritePotential(ctx context.Context, p domain.Potential) (string, error) {
	field, ok := w.Client.PotentialField(p.Category)
	if !ok {
		return "", nil
	}
	account, err := w.accountCRMID(ctx, p.AccountID)
	if err != nil {
		return field, err
	}
	return field, w.Client.SetNumber(ctx, account, field, p.AnnualPotential)
}
