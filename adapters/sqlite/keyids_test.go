package sqlite

import (
	"database/sql"
	"testing"
)

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

// TestPackedKey checks the bounds of a packed sales key and that insertSales's SQL
// takes it apart into the day, account and product it was made of.
func TestPackedKey(t *testing.T) {
	tests := []struct {
		day, account, product int64
		ok                    bool
	}{
		{20_000, 1, 1, true},
		{0, 0, 0, true},
		{1<<23 - 1, 1<<20 - 1, 1<<20 - 1, true},
		{1 << 23, 1, 1, false},
		{-1, 1, 1, false},
		{20_000, 1 << 20, 1, false},
		{20_000, 1, 1 << 20, false},
	}
	db := openMemory(t)
	for _, tt := range tests {
		k, ok := packedKey(tt.day, tt.account, tt.product)
		if ok != tt.ok {
			t.Errorf("packedKey(%d, %d, %d) fits = %t, want %t", tt.day, tt.account, tt.product, ok, tt.ok)
		}
		if !ok {
			continue
		}
		var day, account, product int64
		err := db.QueryRowContext(t.Context(), `SELECT column1 >> 40, (column1 >> 20) & 1048575, column1 & 1048575 FROM (VALUES (?))`, k).
			Scan(&day, &account, &product)
		if err != nil {
			t.Fatal(err)
		}
		if day != tt.day || account != tt.account || product != tt.product {
			t.Errorf("unpacked %d, %d, %d, want %d, %d, %d", day, account, product, tt.day, tt.account, tt.product)
		}
	}
}

func openMemory(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
