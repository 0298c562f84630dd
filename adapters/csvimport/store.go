package csvimport

import (
	"context"

	"github.com/incumbent/incumbent/domain"
)

// Store is what an import writes to. The SQLite and PostgreSQL stores implement it.
type Store interface {
	// Known returns what is already in the store that imported rows may refer to.
	Known(ctx context.Context) (domain.KnownKeys, error)
	// BeginImport starts the one transaction an import writes in.
	BeginImport(ctx context.Context) (domain.ImportBatch, error)
}
