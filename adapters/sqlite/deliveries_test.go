package sqlite_test

import (
	"testing"

	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
)

// TestDigestClaimRace claims the same digests from two handles on one file at once, as
// two processes would: each is won exactly once.
func TestDigestClaimRace(t *testing.T) {
	a, path := open(t)
	b, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.ClaimRace(t, a, b)
}
