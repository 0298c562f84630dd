package memory_test

import (
	"testing"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/storetest"
)

var _ storetest.Store = (*memory.DataStore)(nil)

// TestContract runs the stores' contract suite against the in-memory store, each
// subtest on a new store.
func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Store { return memory.NewDataStore() })
}
