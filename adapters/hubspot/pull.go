package hubspot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// Pull reads the companies, owners and deals: every one when since is zero, else those
// modified from since on (archived ones after since, by id). On an error the pull holds
// only Full and Calls.
func (c *Client) Pull(ctx context.Context, since time.Time) (domain.CRMPull, error) {
	o := &op{c: c}
	pull, err := o.pull(ctx, since)
	if err != nil {
		pull = domain.CRMPull{Full: since.IsZero()}
	}
	pull.Calls = o.calls
	return pull, err
}

func (o *op) pull(ctx context.Context, since time.Time) (domain.CRMPull, error) {
	c := o.c
	full := since.IsZero()
	pull := domain.CRMPull{Full: full}
	ps, err := o.pipelines(ctx)
	if err != nil {
		return pull, err
	}
	owners, err := o.owners(ctx)
	if err != nil {
		return pull, err
	}
	emails := make(map[string]string, len(owners))
	for _, ow := range owners {
		p := domain.CRMPerson{CRMID: string(ow["id"]), Email: string(ow[c.owner["email"]]),
			Name: strings.TrimSpace(string(ow[c.owner["first_name"]]) + " " + string(ow[c.owner["last_name"]]))}
		emails[p.CRMID] = p.Email
		pull.People = append(pull.People, p)
	}
	var companies, deals []object
	if full {
		if companies, err = o.list(ctx, "companies", c.companyProps(), "", false); err != nil {
			return pull, err
		}
		if deals, err = o.list(ctx, "deals", c.dealProps(), "companies", false); err != nil {
			return pull, err
		}
	} else {
		if companies, err = o.search(ctx, "companies", c.companyProps(), since); err != nil {
			return pull, err
		}
		if deals, err = o.search(ctx, "deals", c.dealProps(), since); err != nil {
			return pull, err
		}
	}
	dealCompany, err := o.dealCompanies(ctx, deals, full)
	if err != nil {
		return pull, err
	}
	through := time.Time{}
	seen := func(t time.Time) {
		if t.After(through) {
			through = t
		}
	}
	accountIDs := make(map[string]string, len(companies))
	for _, ob := range companies {
		a := c.account(ob, emails)
		accountIDs[a.CRMID] = a.AccountID
		pull.Accounts = append(pull.Accounts, a)
		seen(ob.modified())
	}
	for _, ob := range deals {
		d := c.opportunity(ob, ps)
		d.AccountCRMID = dealCompany[d.CRMID]
		d.AccountID = accountIDs[d.AccountCRMID]
		pull.Opportunities = append(pull.Opportunities, d)
		seen(ob.modified())
	}
	if pull.DeletedAccounts, err = o.archived(ctx, "companies", since, seen); err != nil {
		return pull, err
	}
	if pull.DeletedOpportunities, err = o.archived(ctx, "deals", since, seen); err != nil {
		return pull, err
	}
	pull.Through = through
	return pull, nil
}

// dealCompanies maps each deal to its company: from the list's associations in a full
// pull, else (a search gives none) from the v4 batch read.
func (o *op) dealCompanies(ctx context.Context, deals []object, full bool) (map[string]string, error) {
	if full {
		out := make(map[string]string, len(deals))
		for _, d := range deals {
			out[string(d.ID)] = d.company()
		}
		return out, nil
	}
	ids := make([]string, len(deals))
	for i, d := range deals {
		ids[i] = string(d.ID)
	}
	return o.associations(ctx, ids)
}

// archived lists the ids of the archived records of a type, archived after since.
func (o *op) archived(ctx context.Context, typ string, since time.Time, seen func(time.Time)) ([]string, error) {
	obs, err := o.list(ctx, typ, []string{propModified}, "", true)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ob := range obs {
		at, ok := parseTime(ob.ArchivedAt)
		if !since.IsZero() && (!ok || !at.After(since)) {
			continue
		}
		ids = append(ids, string(ob.ID))
		if ok {
			seen(at)
		}
	}
	return ids, nil
}

// companyProps are the company properties a pull reads.
func (c *Client) companyProps() []string {
	return props(c.company["name"], c.company["industry"], c.company["employees"], c.company["owner"],
		c.accountNo, c.territory, propModified)
}

// dealProps are the deal properties a pull reads.
func (c *Client) dealProps() []string {
	return props(c.deal["name"], c.deal["value"], c.deal["stage"], c.deal["close_date"],
		c.deal["probability"], c.deal["owner"], c.category, propModified, propPipeline)
}

// props lists the named properties once each, in order.
func props(names ...string) []string {
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// account maps a company.
func (c *Client) account(ob object, emails map[string]string) domain.CRMAccount {
	a := domain.CRMAccount{
		CRMID:      string(ob.ID),
		AccountID:  string(ob.ID),
		Name:       ob.prop(c.company["name"]),
		OwnerCRMID: ob.prop(c.company["owner"]),
		Territory:  ob.prop(c.territory),
		Industry:   ob.prop(c.company["industry"]),
		Employees:  ob.prop(c.company["employees"]),
	}
	if n := ob.prop(c.accountNo); strings.TrimSpace(n) != "" {
		a.AccountID = n
	}
	a.OwnerEmail = emails[a.OwnerCRMID]
	return a
}

// opportunity maps a deal (its account is set by the caller).
func (c *Client) opportunity(ob object, ps pipelines) domain.CRMOpportunity {
	d := domain.CRMOpportunity{
		CRMID:       string(ob.ID),
		Name:        ob.prop(c.deal["name"]),
		Amount:      ob.prop(c.deal["value"]),
		Probability: ob.prop(c.deal["probability"]),
		CloseDate:   dateOnly(ob.prop(c.deal["close_date"])),
		Category:    ob.prop(c.category),
	}
	if id := ob.prop(c.deal["stage"]); id != "" {
		d.Stage = ps.stageName(id)
	}
	return d
}
