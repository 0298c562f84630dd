package csvimport_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/domain"
)

// fuzzFiles are the files FuzzImport may replace, with the table each one fills.
var fuzzFiles = []struct{ name, table string }{
	{"territories.csv", "territories"}, {"people.csv", "people"}, {"accounts.csv", "accounts"},
	{"products.csv", "products"}, {"sales.csv", "sales"}, {"potential.csv", "potentials"},
	{"opportunities.csv", "opportunities"}, {"invoices.csv", "invoices"}, {"commitments.csv", "commitments"},
	{"rfqs.csv", "rfqs"}, {"competitor_offers.csv", "competitor_offers"}, {"objectives.csv", "objectives"},
}

// importBase is testdata/good imported into a SQLite file, built once per fuzzing
// process: each execution imports into a copy of it.
type importBase struct {
	good    map[string][]byte // testdata/good, by file name
	db      []byte            // the SQLite file after importing it
	version int64
	counts  map[string]int64
}

var (
	importBaseOnce sync.Once
	importBaseVal  *importBase
	importBaseErr  error
)

func loadImportBase(tb testing.TB) *importBase {
	tb.Helper()
	importBaseOnce.Do(func() { importBaseVal, importBaseErr = buildImportBase() })
	if importBaseErr != nil {
		tb.Fatalf("build the base store: %v", importBaseErr)
	}
	return importBaseVal
}

func buildImportBase() (*importBase, error) {
	ctx := context.Background()
	base := &importBase{good: map[string][]byte{}}
	for _, f := range fuzzFiles {
		b, err := os.ReadFile(filepath.Join("testdata", "good", f.name))
		if err != nil {
			return nil, err
		}
		base.good[f.name] = b
	}
	dir, err := os.MkdirTemp("", "incumbent-fuzz-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "base.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, "testdata/good"); err != nil {
		s.Close()
		return nil, err
	}
	if base.version, err = s.DataVersion(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if base.counts, err = s.RowCounts(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// Closing the last connection checkpoints the WAL into the file.
	if err := s.Close(); err != nil {
		return nil, err
	}
	if base.db, err = os.ReadFile(db); err != nil {
		return nil, err
	}
	return base, nil
}

// FuzzImport imports testdata/good with one of its files replaced by fuzzed bytes into a
// SQLite store that already holds testdata/good. The importer never panics. When it
// refuses, the error is an *ImportError with at least one problem, and the store is as
// before: same data version, same row counts. When it accepts, the data version is one
// more and is the report's; the fuzzed file is in the report; every other table is as
// before (its file is unchanged and upserts the same keys); sales.csv's rows replace
// the old ones, and a keyed file adds at most its rows and keeps every old key.
func FuzzImport(f *testing.F) {
	base := loadImportBase(f)
	for i, file := range fuzzFiles {
		good := base.good[file.name]
		f.Add(uint8(i), good)
		// A byte-order mark and CRLF line ends are accepted.
		f.Add(uint8(i), append([]byte("\ufeff"), bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n"))...))
		// The header alone, and nothing at all.
		f.Add(uint8(i), good[:bytes.IndexByte(good, '\n')+1])
		f.Add(uint8(i), []byte{})
	}
	const accounts, sales = 2, 4
	for _, s := range []string{
		"account_id,name,territory\nA1,\"Acme \"\"The\"\" Manufacturing\",Northeast\nA9,\"New, Inc.\nsecond line\",Gulf Coast\n",
		"account_id,name,territory\nA1,\"Acme,Northeast\n",
		"account_id,name,territory\nA1,Acme,Northeast,extra\n",
		"account_id,name\nA1,Acme\n",
		"account_id,name,territory,owner\nA1,Acme,Atlantis,nobody@example.com\n",
		"account_id,name,territory\nA1,Acme,Northeast\na1,Acme again,Northeast\n",
		"account_id,name,territory,payment_terms_days,employees\nA1,Acme,Northeast,99999999999999999999,1e400\n",
		"account_id,name,territory\nA\x001,Ac\x00me,Northeast\n",
		"account_id,name,territory\nA1,Soci\xe9t\xe9,Northeast\n",
		"ACCOUNT_ID,Name,TERRITORY,x_note\n A1 ,Acme,northeast,\n",
		"\ufeff\ufeffaccount_id,name,territory\nA1,Acme,Northeast\n",
	} {
		f.Add(uint8(accounts), []byte(s))
	}
	for _, s := range []string{
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,1e308,1e308\n",
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,99999999999999999999999,179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\n",
		"date,account_id,sku,quantity,amount\n2026-02-30,A1,FAS-1,1,19\n0000-01-01,A1,FAS-1,1,19\n9999-12-31,A1,FAS-1,NaN,Inf\n",
		"date,account_id,sku,quantity,amount\r\n2026-01-15,A1,FAS-1,1,19\r\n\r\n",
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,1,19\n2026-01-15,A1,FAS-1,1\n",
		"date,account_id,sku,quantity,amount,cost\n2026-01-15,A1,FAS-1,-0,-0,-0\n2026-01-15,A1,FAS-1,0.000000001,1e-9,\n",
		"date,account_id,sku,quantity,amount\n\"2026-01-15\",\"A1\",\"FAS-1\",\"1\",\"19\"\n",
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,1,\"19\n",
		"date,date,account_id,sku,quantity,amount\n2026-01-15,2026-01-16,A1,FAS-1,1,19\n",
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,1,19\x00\n",
		"date,account_id,sku,quantity,amount\n2026-01-15,A1,FAS-1,1,1\xff9\n",
	} {
		f.Add(uint8(sales), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		file := fuzzFiles[int(which)%len(fuzzFiles)]
		ctx := context.Background()
		tmp := t.TempDir()
		dataDir := filepath.Join(tmp, "data")
		if err := os.Mkdir(dataDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range base.good {
			if name == file.name {
				b = data
			}
			if err := os.WriteFile(filepath.Join(dataDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		db := filepath.Join(tmp, "incumbent.db")
		if err := os.WriteFile(db, base.db, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()

		rep, importErr := (&csvimport.Importer{Store: s}).Import(ctx, dataDir)

		version, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := s.RowCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if importErr != nil {
			var ie *csvimport.ImportError
			if !errors.As(importErr, &ie) || ie.Total == 0 || len(ie.Problems) == 0 {
				t.Fatalf("%s refused with %v, want an *ImportError with problems", file.name, importErr)
			}
			if domain.ErrorCode(importErr) != domain.EINVALID {
				t.Errorf("%s refused with code %q, want %q", file.name, domain.ErrorCode(importErr), domain.EINVALID)
			}
			for _, p := range ie.Problems {
				if !strings.HasPrefix(p.String(), p.File+":") {
					t.Errorf("problem %q does not start with its file", p)
				}
			}
			if version != base.version {
				t.Errorf("%s refused, but the data version moved from %d to %d", file.name, base.version, version)
			}
			if diff := cmp.Diff(base.counts, counts); diff != "" {
				t.Errorf("%s refused, but rows changed (-before +after):\n%s", file.name, diff)
			}
			return
		}
		if version != base.version+1 || rep.Version != version {
			t.Errorf("accepted: data version %d (report %d), want %d", version, rep.Version, base.version+1)
		}
		rows := -1
		for _, fr := range rep.Files {
			if fr.Name == file.name {
				rows = fr.Rows
			}
		}
		if rows < 0 {
			t.Fatalf("accepted, but %s is not in the report %+v", file.name, rep.Files)
		}
		for table, before := range base.counts {
			after := counts[table]
			switch {
			case table != file.table:
				if after != before {
					t.Errorf("accepted %s: %s went from %d to %d rows", file.name, table, before, after)
				}
			case table == "sales":
				if after != int64(rows) {
					t.Errorf("accepted %s with %d rows, but the store has %d sales", file.name, rows, after)
				}
			case after < before || after < int64(rows) || after > before+int64(rows):
				t.Errorf("accepted %s with %d rows: %s went from %d to %d", file.name, rows, table, before, after)
			}
		}
	})
}
