package sqlite_test

import (
	"testing"

	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
)

var _ storetest.Store = (*sqlite.Store)(nil)

// TestContract runs the stores' contract suite against the SQLite store, each subtest
// on a new file.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, _ := open(t)
		return s
	})
}
