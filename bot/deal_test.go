package bot

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// TestVaryLedger: a variant keeps its parent's items and adds its own; new payment terms
// replace the parent's, and an item of the same side and text replaces the parent's.
func TestVaryLedger(t *testing.T) {
	give := func(text string) domain.LedgerItem { return domain.LedgerItem{Side: domain.LedgerGive, Text: text} }
	get := func(text string) domain.LedgerItem { return domain.LedgerItem{Side: domain.LedgerGet, Text: text} }
	freight900 := give("free freight")
	freight900.Worth = ptr(900)
	parent := []domain.LedgerItem{give("net 60 terms"), give("free freight"), get("2-year contract")}
	for _, tt := range []struct {
		name  string
		added []domain.LedgerItem
		want  []domain.LedgerItem
	}{
		{"nothing added", nil, parent},
		{"new terms replace the old", []domain.LedgerItem{give("net 90")}, []domain.LedgerItem{give("free freight"), get("2-year contract"), give("net 90")}},
		{"terms got replace terms given", []domain.LedgerItem{get("net 15 terms")}, []domain.LedgerItem{give("free freight"), get("2-year contract"), get("net 15 terms")}},
		{"the same item with a worth", []domain.LedgerItem{freight900}, []domain.LedgerItem{give("net 60 terms"), get("2-year contract"), freight900}},
		{"the same text on the other side is another item", []domain.LedgerItem{get("free freight")},
			[]domain.LedgerItem{give("net 60 terms"), give("free freight"), get("2-year contract"), get("free freight")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, varyLedger(parent, tt.added)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
