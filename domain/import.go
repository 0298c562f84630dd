package domain

import (
	"context"
	"strings"
	"time"
)

// KnownKeys holds the keys already in a store that imported rows may refer to.
type KnownKeys struct {
	Territories map[string]bool
	People      map[string]bool    // by email
	Accounts    map[string]bool    // by account_id
	Products    map[string]Product // by sku
	ChatIDs     map[string]string  // people's Slack and Teams ids: ChatIDKey(kind, id) → email
}

// ChatIDKey is the key of a chat user id in KnownKeys.ChatIDs: kind ("slack_user_id"
// or "teams_user_id") and the id, whose case does not matter (Teams ids are matched
// whatever their case, and two Slack ids told apart only by case are a typo).
func ChatIDKey(kind, id string) string { return kind + ":" + strings.ToLower(id) }

// ImportBatch is one import transaction, written by the CSV importer and implemented by
// each store. Keyed records are upserted by their key; ReplaceSales deletes every sales
// line previously imported from the file named source, and AddSale adds one;
// DeleteOpportunity removes one opportunity. Nothing is
// visible to readers until Commit, and Rollback leaves the store as it was. After Commit
// or Rollback the batch is spent (a further Rollback is a no-op, so it may be deferred).
type ImportBatch interface {
	PutTerritory(ctx context.Context, t Territory) error
	PutPerson(ctx context.Context, p Person) error
	PutAccount(ctx context.Context, a Account) error
	PutProduct(ctx context.Context, p Product) error
	ReplaceSales(ctx context.Context, source string) error
	AddSale(ctx context.Context, s Sale) error
	PutPotential(ctx context.Context, p Potential) error
	PutOpportunity(ctx context.Context, o Opportunity) error
	// DeleteOpportunity removes the opportunity with the id, if there is one (a CRM
	// sync removes what the CRM deleted).
	DeleteOpportunity(ctx context.Context, id string) error
	PutInvoice(ctx context.Context, i Invoice) error
	PutCommitment(ctx context.Context, c Commitment) error
	PutRFQ(ctx context.Context, r RFQ) error
	PutCompetitorOffer(ctx context.Context, o CompetitorOffer) error
	PutObjective(ctx context.Context, o Objective) error
	// Commit makes the import visible and returns the new data version.
	Commit(ctx context.Context) (version int64, err error)
	Rollback() error
}

// ImportWait is how long a write from chat (an objective, a potential, an offer, digest
// settings, a digest claim) waits for a running import before it gives up with
// ErrImporting. It is well under the chat adapters' follow-up limit (two minutes).
const ImportWait = 10 * time.Second

// ErrImporting is the error of a write that waited ImportWait for a running import. The
// scheduler tries a digest claim that meets it again at its next round.
var ErrImporting = &Error{Code: ECONFLICT, Message: "Data is being imported right now; try again in a minute."}
