package memory

import (
	"database/sql"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // the SQLite the SQLite store runs on
)

// TestSQLiteSum checks sqliteSum against SQLite's own SUM over REAL values added in
// the same order: the same bits, also where plain addition or another order differs
// (cancellation, values of very different sizes) and where the compensation
// overflows.
func TestSQLiteSum(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "sum.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (i INTEGER PRIMARY KEY, x REAL NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	cents := func(max float64) float64 { return math.Round((r.Float64()*2-1)*max*100) / 100 }
	tests := map[string][]float64{
		"one":          {0.1},
		"tenths":       {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7},
		"cancellation": {1e100, 1, -1e100},
		"sizes":        {3, 1e16, -1e16, 0.1, 1e-3, 2.5e15, 0.7},
		"overflow":     {math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, 1},
		"infinity":     {1, math.Inf(1), 2},
	}
	for i := range 100 {
		var xs []float64
		for range 1 + r.IntN(200) {
			xs = append(xs, cents([]float64{1, 100, 1e4, 1e6, 1e9}[i%5]))
		}
		tests["random "+string(rune('a'+i%26))+string(rune('a'+i/26))] = xs
	}
	differs := 0
	for name, xs := range tests {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		var s sqliteSum
		plain := 0.0
		for i, x := range xs {
			if _, err := tx.Exec(`INSERT INTO t (i, x) VALUES (?, ?)`, i, x); err != nil {
				t.Fatal(err)
			}
			s.add(x)
			plain += x
		}
		var want float64
		err = tx.QueryRow(`SELECT SUM(x) FROM t`).Scan(&want) // in the order of i
		tx.Rollback()
		if err != nil {
			t.Fatal(err)
		}
		if got := s.result(); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%s: sqliteSum = %v, SQLite's SUM = %v", name, got, want)
		}
		if plain != want {
			differs++
		}
	}
	if differs < 25 {
		t.Errorf("plain addition differs from SQLite's SUM in %d sums only: the test does not tell them apart", differs)
	}
}
