package hubspot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// typeDealToCompany is the association type a created deal gets to its company (HubSpot
// defined: the deal's primary company).
const typeDealToCompany = typeDealToPrimaryCompany

// CreateOpportunity creates a deal associated with the plan's company and returns its
// id. p.Stage is a stage label or id (of the default pipeline, else any), or won or lost;
// "" is the default pipeline's first open stage. The close date is written as noon UTC
// of its date, so that HubSpot shows the same date in any time zone within 11 hours of
// UTC. A create is retried after a 429 only: after a 5xx the deal may exist.
func (c *Client) CreateOpportunity(ctx context.Context, p domain.CRMPlan) (string, error) {
	if strings.TrimSpace(p.AccountCRMID) == "" {
		return "", errors.New("hubspot: a deal needs the company's id")
	}
	if strings.TrimSpace(p.Name) == "" {
		return "", errors.New("hubspot: a deal needs a name")
	}
	if math.IsNaN(p.Amount) || math.IsInf(p.Amount, 0) {
		return "", fmt.Errorf("hubspot: the amount %v is not a number", p.Amount)
	}
	o := &op{c: c}
	ps, err := o.pipelines(ctx)
	if err != nil {
		return "", err
	}
	pipelineID, stageID, err := ps.resolve(p.Stage)
	if err != nil {
		return "", err
	}
	props := map[string]string{
		c.deal["name"]:  p.Name,
		c.deal["stage"]: stageID,
		propPipeline:    pipelineID,
	}
	if p.Amount != 0 {
		props[c.deal["value"]] = strconv.FormatFloat(p.Amount, 'f', -1, 64)
	}
	if !p.CloseDate.IsZero() {
		y, m, d := p.CloseDate.Date()
		props[c.deal["close_date"]] = time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	}
	if c.category != "" && p.Category != "" {
		props[c.category] = p.Category
	}
	type assocType struct {
		Category string `json:"associationCategory"`
		TypeID   int    `json:"associationTypeId"`
	}
	type assoc struct {
		To struct {
			ID string `json:"id"`
		} `json:"to"`
		Types []assocType `json:"types"`
	}
	a := assoc{Types: []assocType{{"HUBSPOT_DEFINED", typeDealToCompany}}}
	a.To.ID = p.AccountCRMID
	body := struct {
		Properties   map[string]string `json:"properties"`
		Associations []assoc           `json:"associations"`
	}{props, []assoc{a}}
	var resp struct {
		ID text `json:"id"`
	}
	if err := o.do(ctx, "POST", "/crm/v3/objects/deals", nil, body, &resp, once); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", errors.New("hubspot: POST /crm/v3/objects/deals: the answer names no id")
	}
	return string(resp.ID), nil
}

// SetNumber writes a number property of a company (a potential: PotentialField).
func (c *Client) SetNumber(ctx context.Context, accountCRMID, property string, value float64) error {
	if strings.TrimSpace(accountCRMID) == "" || strings.TrimSpace(property) == "" {
		return fmt.Errorf("hubspot: setting a company's number needs its id and the property (got %q, %q)", accountCRMID, property)
	}
	if !plainID(accountCRMID) {
		return fmt.Errorf("hubspot: %q is not a company id", accountCRMID)
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return fmt.Errorf("hubspot: %v is not a number to write to %s", value, property)
	}
	body := map[string]map[string]string{"properties": {property: strconv.FormatFloat(value, 'f', -1, 64)}}
	o := &op{c: c}
	return o.do(ctx, "PATCH", "/crm/v3/objects/companies/"+accountCRMID, nil, body, nil, idempotent)
}

// plainID says whether an id can go into a path as is (HubSpot's ids are numbers).
func plainID(id string) bool {
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return id != ""
}
