package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	httpserver "github.com/incumbent/incumbent/adapters/http"
	"github.com/incumbent/incumbent/adapters/teams"
)

// teamsFromEnv configures Microsoft Teams from MICROSOFT_APP_ID and
// MICROSOFT_APP_PASSWORD (the Azure Bot's app id and client secret), with
// MICROSOFT_APP_TENANT_ID for a single-tenant bot (empty: multi-tenant). Optional:
// MICROSOFT_OPENID_METADATA_URL (where the Bot Framework's signing keys are
// published), MICROSOFT_TOKEN_URL (the Entra token endpoint) and
// MICROSOFT_SERVICE_URL_HOSTS (the connector hosts the bot may send to, comma-separated;
// ".example.com" allows subdomains) for sovereign clouds and tests. Nil when Teams is
// not configured.
func teamsFromEnv(env Env, s *session, kv sharedKV, log *slog.Logger) (*teams.Handler, *httpserver.Check, error) {
	appID, password := env.Getenv("MICROSOFT_APP_ID"), env.Getenv("MICROSOFT_APP_PASSWORD")
	tenant := env.Getenv("MICROSOFT_APP_TENANT_ID")
	if appID == "" {
		if password != "" || tenant != "" {
			return nil, nil, usageError{"MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set but MICROSOFT_APP_ID is not: Teams needs the Azure Bot's Microsoft App ID"}
		}
		return nil, nil, nil
	}
	if password == "" {
		return nil, nil, usageError{"MICROSOFT_APP_ID is set: add MICROSOFT_APP_PASSWORD, the Azure Bot's client secret"}
	}
	var hosts []string
	if v := env.Getenv("MICROSOFT_SERVICE_URL_HOSTS"); v != "" {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hosts = append(hosts, h)
			}
		}
	}
	creds := &teams.Credentials{AppID: appID, Password: password, TenantID: tenant, TokenURL: env.Getenv("MICROSOFT_TOKEN_URL")}
	h := &teams.Handler{
		Bot:           s.bot,
		Directory:     directory{s},
		Auth:          &teams.Verifier{AppID: appID, MetadataURL: env.Getenv("MICROSOFT_OPENID_METADATA_URL")},
		Connector:     &teams.Connector{Tokens: creds, AllowedHosts: hosts, Logger: log},
		Conversations: s.store,
		Dedupe:        kv,
		Logger:        log,
		AsOf:          s.asOf,
		TenantID:      tenant,
	}
	tenancy := "multi-tenant"
	if tenant != "" {
		tenancy = "single-tenant"
	}
	log.Info("teams: configured", "app_id", appID, "tenancy", tenancy)
	// Readiness: a token from Entra (cached, so this costs a request an hour). Teams
	// being unreachable degrades the service without failing it.
	check := &httpserver.Check{Name: "teams", Optional: true, Check: func(ctx context.Context) error {
		if _, err := creds.Token(ctx); err != nil {
			return fmt.Errorf("token from Entra: %w", err)
		}
		return nil
	}}
	return h, check, nil
}
