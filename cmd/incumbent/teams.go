package main

import (
	"context"
	"fmt"
	"log/slog"

	httpserver "github.com/incumbent/incumbent/adapters/http"
	"github.com/incumbent/incumbent/adapters/teams"
)

// newTeams returns the Microsoft Teams adapter c configures (checked by
// Config.checkChat) and its readiness check. Nil when Teams is not configured.
func newTeams(c TeamsConfig, s *session, kv sharedKV, log *slog.Logger) (*teams.Handler, *httpserver.Check) {
	if c.AppID == "" {
		return nil, nil
	}
	appID, tenant := c.AppID, c.TenantID
	creds := &teams.Credentials{AppID: appID, Password: c.Password, TenantID: tenant, TokenURL: c.TokenURL}
	h := &teams.Handler{
		Bot:           s.bot,
		Directory:     directory{s},
		Auth:          &teams.Verifier{AppID: appID, MetadataURL: c.MetadataURL},
		Connector:     &teams.Connector{Tokens: creds, AllowedHosts: c.ServiceURLHosts, Logger: log},
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
	return h, check
}
