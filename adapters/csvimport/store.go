package csvimport

import (
	"context"

	"github.com/incumbent/incumbent/domain"
)

// Store is what an import writes to. The SQLite and PostgreSQL adapters implement it.
type Store interface {
	// Known returns what is already in the store that imported rows may refer to.
	Known(ctx context.Context) (Known, error)
	// BeginImport starts the one transaction an import writes in.
	BeginImport(ctx context.Context) (Batch, error)
}

// Known holds the keys already in the store that references resolve against.
type Known struct {
	Territories map[string]bool
	People      map[string]bool           // by email
	Accounts    map[string]bool           // by account_id
	Products    map[string]domain.Product // by sku
}

// Batch is one import transaction. Keyed records are upserted by their key; ReplaceSales
// deletes every sales line previously imported from the file named source, and AddSale
// adds one. Nothing is visible to readers until Commit, and Rollback leaves the store as
// it was. After Commit or Rollback the Batch is spent.
type Batch interface {
	PutTerritory(ctx context.Context, t domain.Territory) error
	PutPerson(ctx context.Context, p domain.Person) error
	PutAccount(ctx context.Context, a domain.Account) error
	PutProduct(ctx context.Context, p domain.Product) error
	ReplaceSales(ctx context.Context, source string) error
	AddSale(ctx context.Context, s domain.Sale) error
	PutPotential(ctx context.Context, p domain.Potential) error
	PutOpportunity(ctx context.Context, o domain.Opportunity) error
	PutInvoice(ctx context.Context, i domain.Invoice) error
	PutCommitment(ctx context.Context, c domain.Commitment) error
	PutRFQ(ctx context.Context, r domain.RFQ) error
	PutCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error
	PutObjective(ctx context.Context, o domain.Objective) error
	// Commit makes the import visible and returns the new data version.
	Commit(ctx context.Context) (version int64, err error)
	Rollback() error
}
