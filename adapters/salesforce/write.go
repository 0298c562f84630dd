package salesforce

import (
	"context"
	"errors"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// CreateOpportunity inserts an Opportunity for a plan made in chat and returns its id.
// The category is written to CategoryField when one is configured.
func (c *Client) CreateOpportunity(ctx context.Context, p domain.CRMPlan) (string, error) {
	if p.AccountCRMID == "" || p.Name == "" || p.Stage == "" || p.CloseDate.IsZero() {
		return "", domain.Errorf(domain.EINVALID, "salesforce: an opportunity needs an account, a name, a stage and a close date")
	}
	s, err := c.open(ctx)
	if err != nil {
		return "", err
	}
	o := c.opp
	rec := map[string]any{}
	set := func(field string, v any) {
		if field != "" && !strings.Contains(field, ".") {
			rec[field] = v
		}
	}
	set(o["account"], p.AccountCRMID)
	set(o["name"], p.Name)
	set(o["value"], p.Amount)
	set(o["close_date"], p.CloseDate.Format("2006-01-02"))
	set(o["stage"], p.Stage)
	if p.Category != "" {
		set(c.cfg.CategoryField, p.Category)
	}
	res, err := s.sf.InsertOne("Opportunity", rec)
	if err != nil {
		return "", s.fail("create Opportunity", err)
	}
	if !res.Success || res.Id == "" {
		msgs := []string{"not created"}
		for _, e := range res.Errors {
			msgs = append(msgs, e.ErrorCode+": "+e.Message)
		}
		return "", s.fail("create Opportunity", errors.New(strings.Join(msgs, "; ")))
	}
	c.logf("salesforce: created Opportunity %s", res.Id)
	return res.Id, nil
}

// SetNumber writes a number field on an Account (a potential, see PotentialField).
func (c *Client) SetNumber(ctx context.Context, accountCRMID, field string, value float64) error {
	if accountCRMID == "" || !isField(field) || strings.Contains(field, ".") {
		return domain.Errorf(domain.EINVALID, "salesforce: set an Account number needs an account id and a field name (got %q)", field)
	}
	s, err := c.open(ctx)
	if err != nil {
		return err
	}
	if err := s.sf.UpdateOne("Account", map[string]any{"Id": accountCRMID, field: value}); err != nil {
		return s.fail("update Account "+accountCRMID+" "+field, err)
	}
	return nil
}

// OpenStages returns the labels of the org's active open opportunity stages, in their
// sort order.
func (c *Client) OpenStages(ctx context.Context) ([]string, error) {
	s, err := c.open(ctx)
	if err != nil {
		return nil, err
	}
	fs := []string{"MasterLabel", "SortOrder"}
	rows, err := s.query("OpportunityStage", "SELECT MasterLabel, SortOrder FROM OpportunityStage WHERE IsActive = true AND IsClosed = false ORDER BY SortOrder", fs)
	if err != nil {
		return nil, err
	}
	stages := make([]string, 0, len(rows))
	for _, r := range rows {
		stages = append(stages, r["MasterLabel"])
	}
	return stages, nil
}
