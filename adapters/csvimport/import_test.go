package csvimport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

// memStore is a Store that keeps what was committed in memory. The end-to-end tests in
// cmd/incumbent run the importer against the real SQLite store.
type memStore struct {
	known     domain.KnownKeys
	committed *memBatch
	rolled    int
	version   int64
}

func (s *memStore) Known(context.Context) (domain.KnownKeys, error) { return s.known, nil }
func (s *memStore) BeginImport(context.Context) (domain.ImportBatch, error) {
	return &memBatch{store: s}, nil
}

// memBatch records every write.
type memBatch struct {
	store    *memStore
	records  map[string]int
	sales    []domain.Sale
	replaced []string
	products []domain.Product
	accounts []domain.Account
}

func (b *memBatch) count(kind string) error {
	if b.records == nil {
		b.records = map[string]int{}
	}
	b.records[kind]++
	return nil
}

func (b *memBatch) PutTerritory(context.Context, domain.Territory) error { return b.count("territory") }
func (b *memBatch) PutPerson(context.Context, domain.Person) error       { return b.count("person") }
func (b *memBatch) PutAccount(_ context.Context, a domain.Account) error {
	b.accounts = append(b.accounts, a)
	return b.count("account")
}
func (b *memBatch) PutProduct(_ context.Context, p domain.Product) error {
	b.products = append(b.products, p)
	return b.count("product")
}
func (b *memBatch) ReplaceSales(_ context.Context, source string) error {
	b.replaced = append(b.replaced, source)
	return nil
}
func (b *memBatch) AddSale(_ context.Context, s domain.Sale) error {
	b.sales = append(b.sales, s)
	return nil
}
func (b *memBatch) PutPotential(context.Context, domain.Potential) error { return b.count("potential") }
func (b *memBatch) PutOpportunity(context.Context, domain.Opportunity) error {
	return b.count("opportunity")
}
func (b *memBatch) DeleteOpportunity(context.Context, string) error {
	return b.count("deleted opportunity")
}
func (b *memBatch) PutInvoice(context.Context, domain.Invoice) error { return b.count("invoice") }
func (b *memBatch) PutCommitment(context.Context, domain.Commitment) error {
	return b.count("commitment")
}
func (b *memBatch) PutRFQ(context.Context, domain.RFQ) error { return b.count("rfq") }
func (b *memBatch) PutCompetitorOffer(context.Context, domain.CompetitorOffer) error {
	return b.count("offer")
}
func (b *memBatch) PutObjective(context.Context, domain.Objective) error { return b.count("objective") }
func (b *memBatch) Commit(context.Context) (int64, error) {
	b.store.version++
	b.store.committed = b
	return b.store.version, nil
}
func (b *memBatch) Rollback() error { b.store.rolled++; return nil }

// dataset copies testdata/good into a new directory and writes the extra files over it.
func dataset(t *testing.T, extra map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	good, err := filepath.Glob("testdata/good/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range good {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportGood(t *testing.T) {
	ctx := context.Background()
	s := &memStore{}
	im := &csvimport.Importer{Store: s}
	rep, err := im.Import(ctx, dataset(t, nil))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if rep.Version != 1 || s.rolled != 0 {
		t.Errorf("version %d, rollbacks %d; want 1, 0", rep.Version, s.rolled)
	}
	got := s.committed.records
	want := map[string]int{"territory": 2, "person": 5, "account": 3, "product": 4, "potential": 2,
		"opportunity": 3, "invoice": 2, "commitment": 2, "rfq": 3, "offer": 2, "objective": 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records written (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sales.csv"}, s.committed.replaced); diff != "" {
		t.Errorf("sales sources replaced (-want +got):\n%s", diff)
	}
	// The second line has no cost: quantity × unit_cost. The return keeps its signs.
	sales := s.committed.sales
	if len(sales) != 4 || sales[1].Cost != 400 || sales[3].Quantity != -2 || sales[3].Cost != -60 {
		t.Errorf("sales = %+v", sales)
	}
	acme := s.committed.accounts[0]
	if diff := cmp.Diff([]string{"acme", "acme mfg"}, acme.Aliases); diff != "" || acme.PaymentTermsDays != 30 {
		t.Errorf("Acme = %+v", acme)
	}
	if got := s.committed.accounts[2].PaymentTermsDays; got != 30 {
		t.Errorf("default payment terms = %d, want 30", got)
	}
	var files []string
	for _, f := range rep.Files {
		files = append(files, f.Name)
	}
	wantFiles := []string{"territories.csv", "people.csv", "accounts.csv", "products.csv", "sales.csv",
		"potential.csv", "opportunities.csv", "invoices.csv", "commitments.csv", "rfqs.csv",
		"competitor_offers.csv", "objectives.csv"}
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Errorf("file order (-want +got):\n%s", diff)
	}
}

func TestImportBad(t *testing.T) {
	cases, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			caseDir := filepath.Join("testdata/bad", c.Name())
			extra := map[string][]byte{}
			files, _ := filepath.Glob(filepath.Join(caseDir, "*.csv"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				extra[filepath.Base(f)] = b
			}
			want, err := os.ReadFile(filepath.Join(caseDir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			checkRefused(t, dataset(t, extra), strings.Split(strings.TrimSpace(string(want)), "\n"))
		})
	}
}

// checkRefused imports dir and checks it is refused with exactly the wanted problems and
// nothing committed.
func checkRefused(t *testing.T, dir string, want []string) *csvimport.ImportError {
	t.Helper()
	return checkRefusedBy(t, &memStore{}, dir, want)
}

func checkRefusedBy(t *testing.T, s *memStore, dir string, want []string) *csvimport.ImportError {
	t.Helper()
	_, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dir)
	var ie *csvimport.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("Import error = %v, want an *ImportError", err)
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("code = %q, want %q", domain.ErrorCode(err), domain.EINVALID)
	}
	var got []string
	for _, p := range ie.Problems {
		got = append(got, p.String())
	}
	if want != nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	}
	if s.committed != nil || s.rolled != 1 {
		t.Errorf("committed %v, rollbacks %d; want nothing committed and one rollback", s.committed != nil, s.rolled)
	}
	return ie
}

func TestImportGenerated(t *testing.T) {
	salesHeader := "date,account_id,sku,quantity,amount\n"
	manyBad := salesHeader
	for i := range 150 {
		manyBad += fmt.Sprintf("2026-01-%02d,A1,FAS-1,x,1\n", i%28+1)
	}
	tests := []struct {
		name  string
		files map[string][]byte
		want  []string
	}{
		{
			name: "latin-1 file",
			files: map[string][]byte{"accounts.csv": []byte("account_id,name,territory\n" +
				"A1,Acme Manufacturing,Northeast\nA2,Soci\xe9t\xe9 G\xe9n\xe9rale,Gulf Coast\n")},
			want: []string{"accounts.csv:3: not valid UTF-8 text (export the file as UTF-8)"},
		},
		{
			name: "control characters",
			files: map[string][]byte{"accounts.csv": []byte("account_id,name,territory\n" +
				"A1,Acme\x00 Manufacturing,Northeast\nA2,Soci\u00e9t\u00e9 G\u00e9n\u00e9rale\x7f,Gulf Coast\n" +
				"A3,Bolt\u0085Works,Northeast\nA4,\"Tab\tand\r\nnewline\",Northeast\n")},
			want: []string{
				"accounts.csv:2: name: holds a control character (U+0000), which no value may: re-export the file as plain text",
				"accounts.csv:3: name: holds a control character (U+007F), which no value may: re-export the file as plain text",
				"accounts.csv:4: name: holds a control character (U+0085), which no value may: re-export the file as plain text",
			},
		},
		{
			name:  "huge line",
			files: map[string][]byte{"sales.csv": []byte(salesHeader + "2026-01-15,A1,FAS-1,1,19\n" + strings.Repeat("9", 2<<20) + "\n")},
			want:  []string{"sales.csv:3: line longer than 1048576 bytes: is this a CSV file?"},
		},
		{
			name:  "empty file",
			files: map[string][]byte{"rfqs.csv": nil},
			want:  []string{"rfqs.csv:1: the file is empty: expected a header row"},
		},
		{
			name:  "second sales file with a bad row",
			files: map[string][]byte{"sales-2026-04.csv": []byte(salesHeader + "2026-04-01,A1,FAS-1,1,-19\n")},
			want:  []string{"sales-2026-04.csv:2: quantity: 1 and amount -19 have opposite signs (a return has both negative)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkRefused(t, dataset(t, tt.files), tt.want) })
	}

	t.Run("more problems than the limit", func(t *testing.T) {
		ie := checkRefused(t, dataset(t, map[string][]byte{"sales.csv": []byte(manyBad)}), nil)
		if len(ie.Problems) != 100 || ie.Total != 150 {
			t.Errorf("listed %d of %d problems, want 100 of 150", len(ie.Problems), ie.Total)
		}
		if !strings.Contains(ie.Error(), "… and 50 more") {
			t.Errorf("Error() does not say how many more:\n%s", ie.Error()[len(ie.Error())-200:])
		}
	})
}

func TestImportBOMAndCRLF(t *testing.T) {
	b, err := os.ReadFile("testdata/good/products.csv")
	if err != nil {
		t.Fatal(err)
	}
	crlf := append([]byte("\ufeff"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
	s := &memStore{}
	if _, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dataset(t, map[string][]byte{"products.csv": crlf})); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got := s.committed.products[0].SKU; got != "FAS-1" {
		t.Errorf("first sku = %q, want FAS-1 (the BOM must not stick to the header)", got)
	}
	if got := s.committed.products[3].UnitOfUse; got != "pair-shift" {
		t.Errorf("last column = %q, want pair-shift (CR must not stick to it)", got)
	}
}

func TestImportSeveralSalesFiles(t *testing.T) {
	dir := dataset(t, map[string][]byte{
		"sales-2026-04.csv": []byte("date,account_id,sku,quantity,amount\n2026-04-01,A1,FAS-1,1,19\n"),
		"notes.csv":         []byte("whatever\n"),
	})
	s := &memStore{}
	rep, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dir)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if diff := cmp.Diff([]string{"sales-2026-04.csv", "sales.csv"}, s.committed.replaced); diff != "" {
		t.Errorf("replaced (-want +got):\n%s", diff)
	}
	if got := s.committed.sales[0].Source; got != "sales-2026-04.csv" {
		t.Errorf("source = %q", got)
	}
	if diff := cmp.Diff([]string{"notes.csv"}, rep.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestImportResolvesAgainstStore(t *testing.T) {
	// Only sales, referring to what the store already holds.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sales.csv"), []byte("date,account_id,sku,quantity,amount\n2026-04-01,A7,X-1,2,19\n2026-04-01,A8,X-1,2,19\n"), 0o644)
	s := &memStore{known: domain.KnownKeys{
		Accounts: map[string]bool{"A7": true},
		Products: map[string]domain.Product{"X-1": {SKU: "X-1", Category: "Tools", UnitCost: 3}},
	}}
	checkRefusedBy(t, s, dir, []string{`sales.csv:3: account_id: unknown account "A8" (not in accounts.csv or the database)`})
	os.WriteFile(filepath.Join(dir, "sales.csv"), []byte("date,account_id,sku,quantity,amount\n2026-04-01,A7,X-1,2,19\n"), 0o644)
	if _, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dir); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got := s.committed.sales[0].Cost; got != 6 {
		t.Errorf("cost from the stored unit cost = %v, want 6", got)
	}
}

func TestImportNoFiles(t *testing.T) {
	_, err := (&csvimport.Importer{Store: &memStore{}}).Import(context.Background(), t.TempDir())
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("empty directory: %v, want EINVALID", err)
	}
	_, err = (&csvimport.Importer{Store: &memStore{}}).Import(context.Background(), filepath.Join(t.TempDir(), "nope"))
	if domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("missing directory: %v, want ENOTFOUND", err)
	}
}
