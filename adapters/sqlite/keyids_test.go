package sqlite

import "testing"

// TestKeyIDs checks that keys packed into words and keys kept as strings map apart:
// keys that differ only by a trailing zero byte, by length, or around the 15-byte limit.
func TestKeyIDs(t *testing.T) {
	keys := []string{"", "A", "A\x00", "\x00", "A0004", "A00004", "PKG-0016", "PKG-0016\x00",
		"123456789012345", "1234567890123456", "12345678901234567", "12345678\x00"}
	m := newKeyIDs()
	for i, k := range keys {
		m.put(k, int64(i))
	}
	for i, k := range keys {
		if got, ok := m.get(k); !ok || got != int64(i) {
			t.Errorf("get(%q) = %d, %t, want %d, true", k, got, ok, i)
		}
	}
	if got, ok := m.get("A0005"); ok {
		t.Errorf(`get("A0005") = %d, true, want not found`, got)
	}
}
