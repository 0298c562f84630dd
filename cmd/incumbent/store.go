package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/incumbent/incumbent/adapters/crm"
	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/postgres"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// appStore is what the commands need of a store: SQLite (the default) or PostgreSQL
// (DATABASE_URL). The bot finds the optional writers (objectives, scenarios, offers,
// gradings, snapshots, digest settings) on the store itself.
type appStore interface {
	domain.Store
	bot.DigestDeliveryStore
	teams.ConversationStore
	csvimport.Store
	crm.Store
	crm.ClaimStore
	Close() error
}

// The stores may not import the adapters that declare teams.ConversationStore and
// csvimport.Store; they are checked here, with the rest of what the commands need.
var (
	_ appStore = (*sqlite.Store)(nil)
	_ appStore = (*postgres.Store)(nil)
)

// openAppStore opens PostgreSQL when DATABASE_URL is set (postgres://…; --db is then
// not used), else the SQLite file db. missing says the SQLite file did not exist before
// (it is created empty); where names the database for messages, without a password.
func openAppStore(ctx context.Context, databaseURL, db string) (store appStore, missing bool, where string, err error) {
	if u := databaseURL; u != "" {
		where = redactDSN(u)
		s, err := postgres.Open(ctx, u)
		if err != nil {
			return nil, false, where, fmt.Errorf("DATABASE_URL %s: %s", where, redactText(err.Error(), secretsIn(u)))
		}
		return s, false, where, nil
	}
	_, statErr := os.Stat(db)
	missing = errors.Is(statErr, fs.ErrNotExist)
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, missing, db, err
	}
	return s, missing, db, nil
}
