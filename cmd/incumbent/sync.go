package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"time"

	"github.com/incumbent/incumbent/adapters/crm"
	"github.com/incumbent/incumbent/adapters/hubspot"
	"github.com/incumbent/incumbent/adapters/salesforce"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// CRMConfig is the CRMs the bot syncs (docs/CRM.md): Salesforce with SALESFORCE_URL,
// SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET; HubSpot with HUBSPOT_TOKEN (and
// HUBSPOT_API_URL); INCUMBENT_SYNC_EVERY how often serve syncs each (default 1h). The
// field mapping is the mapping file's [salesforce] and [hubspot] sections (--map,
// INCUMBENT_IMPORT_MAP).
type CRMConfig struct {
	SalesforceURL, SalesforceClientID, SalesforceClientSecret string
	HubSpotToken, HubSpotAPIURL                               string
	Every                                                     time.Duration
	every                                                     string
}

// configured returns the CRMs whose credentials are set, Salesforce first.
func (c CRMConfig) configured() []string {
	var out []string
	if c.SalesforceURL != "" || c.SalesforceClientID != "" || c.SalesforceClientSecret != "" {
		out = append(out, domain.CRMSalesforce)
	}
	if c.HubSpotToken != "" {
		out = append(out, domain.CRMHubSpot)
	}
	return out
}

// checkSync parses INCUMBENT_SYNC_EVERY.
func (c *CRMConfig) checkSync() error {
	c.Every = crm.DefaultEvery
	if c.every == "" {
		return nil
	}
	d, err := time.ParseDuration(c.every)
	if err != nil || d < time.Minute {
		return usageError{fmt.Sprintf("INCUMBENT_SYNC_EVERY %q: give a duration of a minute or more, such as 15m or 1h", c.every)}
	}
	c.Every = d
	return nil
}

// crmClient is what the commands use of a CRM: the sync's pull and the writes back.
type crmClient interface {
	crm.Source
	crm.Client
}

// newCRM returns the client of the CRM named (configured as cfg says, with the mapping's
// section) and, for problems, the CRM field each standard column is read from.
func newCRM(name string, cfg CRMConfig, sec crm.Section, log *slog.Logger) (crmClient, map[string]map[string]string, error) {
	logf := func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...), "crm", name) }
	switch name {
	case domain.CRMSalesforce:
		if cfg.SalesforceURL == "" || cfg.SalesforceClientID == "" || cfg.SalesforceClientSecret == "" {
			return nil, nil, usageError{"Salesforce needs SALESFORCE_URL (the org's My Domain URL), SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (the connected app's consumer key and secret); see docs/CRM.md"}
		}
		threshold := 0
		if v := sec.Options["bulk_threshold"]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, nil, usageError{fmt.Sprintf("the mapping's [salesforce] bulk_threshold %q: give a whole number of records, such as 2000", v)}
			}
			threshold = n
		}
		c, err := salesforce.New(salesforce.Config{URL: cfg.SalesforceURL, ClientID: cfg.SalesforceClientID, ClientSecret: cfg.SalesforceClientSecret,
			Account: sec.Fields["account"], Opportunity: sec.Fields["opportunity"], User: sec.Fields["user"], Potential: sec.Fields["potential"],
			CategoryField: sec.Options["category_field"], BulkThreshold: threshold, Logf: logf})
		if err != nil {
			return nil, nil, err
		}
		acc := merged(salesforce.DefaultAccountFields, sec.Fields["account"])
		opp := merged(salesforce.DefaultOpportunityFields, sec.Fields["opportunity"])
		usr := merged(salesforce.DefaultUserFields, sec.Fields["user"])
		fields := map[string]map[string]string{
			"accounts": {"account_id": acc["account_id"], "name": acc["name"], "owner": acc["owner"], "territory": cmp.Or(acc["territory"], "territory"),
				"industry": acc["industry"], "employees": acc["employees"]},
			"opportunities": {"name": opp["name"], "value": opp["value"], "stage": opp["stage"], "probability": opp["probability"],
				"close_date": opp["close_date"], "account_id": opp["account"],
				"category": cmp.Or(sec.Options["category_field"], "OpportunityLineItem.Product2.Family")},
			"people": {"email": usr["email"], "name": usr["name"]},
		}
		return c, fields, nil
	case domain.CRMHubSpot:
		if cfg.HubSpotToken == "" {
			return nil, nil, usageError{"HubSpot needs HUBSPOT_TOKEN, a private app's access token; see docs/CRM.md"}
		}
		c, err := hubspot.New(hubspot.Config{Token: cfg.HubSpotToken, APIURL: cfg.HubSpotAPIURL,
			Company: sec.Fields["company"], Deal: sec.Fields["deal"], Owner: sec.Fields["owner"], Potential: sec.Fields["potential"],
			AccountNumberProperty: sec.Options["account_number_property"], CategoryProperty: sec.Options["category_property"],
			TerritoryProperty: sec.Options["territory_property"], Logf: logf})
		if err != nil {
			return nil, nil, err
		}
		co := merged(hubspot.CompanyFields, sec.Fields["company"])
		deal := merged(hubspot.DealFields, sec.Fields["deal"])
		own := merged(hubspot.OwnerFields, sec.Fields["owner"])
		fields := map[string]map[string]string{
			"accounts": {"account_id": cmp.Or(sec.Options["account_number_property"], "id"), "name": co["name"], "owner": co["owner"],
				"territory": cmp.Or(sec.Options["territory_property"], "territory"), "industry": co["industry"], "employees": co["employees"]},
			"opportunities": {"name": deal["name"], "value": deal["value"], "stage": deal["stage"], "probability": deal["probability"],
				"close_date": deal["close_date"], "account_id": "associated company", "category": cmp.Or(sec.Options["category_property"], "category")},
			"people": {"email": own["email"], "name": own["first_name"] + " " + own["last_name"]},
		}
		return c, fields, nil
	}
	return nil, nil, usageError{fmt.Sprintf("unknown CRM %q: give salesforce or hubspot", name)}
}

func merged(def, over map[string]string) map[string]string {
	m := maps.Clone(def)
	maps.Copy(m, over)
	return m
}

// syncers returns a Syncer over store for each CRM of names.
func syncers(names []string, cfg Config, store crm.Store, log *slog.Logger, now func() time.Time) ([]*crm.Syncer, error) {
	sections, err := crm.LoadSections(cfg.ImportMap)
	if err != nil {
		return nil, err
	}
	var out []*crm.Syncer
	for _, name := range names {
		c, fields, err := newCRM(name, cfg.CRM, sections[name], log)
		if err != nil {
			return nil, err
		}
		out = append(out, &crm.Syncer{CRM: name, Source: c, Store: store, DefaultTerritory: sections[name].DefaultTerritory,
			Fields: fields, Now: now})
	}
	return out, nil
}

// wireCRM lets the bot write to the CRM the environment configures (the first, when it
// names both: Salesforce): plans made on a gap and potentials set in chat. With none,
// plans are recorded in the store only, and the bot says so.
func wireCRM(b *bot.Bot, store appStore, cfg Config) error {
	names := cfg.CRM.configured()
	if len(names) == 0 {
		return nil
	}
	sections, err := crm.LoadSections(cfg.ImportMap)
	if err != nil {
		return err
	}
	c, _, err := newCRM(names[0], cfg.CRM, sections[names[0]], b.Logger)
	if err != nil {
		return err
	}
	b.CRM = &crm.Writer{CRM: names[0], Client: c, State: store}
	b.SyncCRMs = names
	return nil
}

// runSync is `incumbent sync salesforce|hubspot [--full]`: one sync run, then exit.
func runSync(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("sync", env)
	cfg.dbFlag(fs)
	cfg.mapFlag(fs)
	full := fs.Bool("full", false, "pull every record, not only what changed since the last run")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg.applyFlags(fs)
	if len(pos) != 1 || (pos[0] != domain.CRMSalesforce && pos[0] != domain.CRMHubSpot) {
		return usageError{"give the CRM to sync: incumbent sync [--db PATH] [--map FILE] [--full] salesforce|hubspot"}
	}
	store, _, where, err := openAppStore(ctx, cfg.DatabaseURL, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	sys, err := syncers(pos, cfg, store, logger(env, cfg), env.Now)
	if err != nil {
		return err
	}
	run, err := sys[0].Run(ctx, *full)
	if err != nil {
		return err
	}
	kind := "changes since the last run"
	if run.Full {
		kind = "every record"
	}
	fmt.Fprintf(env.Stdout, "%s: pulled %s in %d calls: %d accounts, %d people, %d opportunities, %d deleted",
		pos[0], kind, run.Calls, run.Accounts, run.People, run.Opportunities, run.Deleted)
	if run.Skipped > 0 {
		fmt.Fprintf(env.Stdout, ", %d skipped (no category, ours or the CRM's, or no account)", run.Skipped)
	}
	fmt.Fprintf(env.Stdout, "; %s is at data version %d\n", where, run.Version)
	return nil
}
