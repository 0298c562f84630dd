package csvimport_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

// nullBatch is an ImportBatch that drops every write: the benchmarks measure reading
// and checking, not a database.
type nullBatch struct{ domain.ImportBatch }

func (nullBatch) ReplaceSales(context.Context, string) error           { return nil }
func (nullBatch) AddSale(context.Context, domain.Sale) error           { return nil }
func (nullBatch) Commit(context.Context) (int64, error)                { return 1, nil }
func (nullBatch) Rollback() error                                      { return nil }
func (nullBatch) PutProduct(context.Context, domain.Product) error     { return nil }
func (nullBatch) PutAccount(context.Context, domain.Account) error     { return nil }
func (nullBatch) PutTerritory(context.Context, domain.Territory) error { return nil }

// nullStore knows the accounts and products the benchmark's sales refer to.
type nullStore struct{ known domain.KnownKeys }

func (s nullStore) Known(context.Context) (domain.KnownKeys, error)         { return s.known, nil }
func (s nullStore) BeginImport(context.Context) (domain.ImportBatch, error) { return nullBatch{}, nil }

// benchSales writes n sales lines to dir/name, in the standard form or, with an export
// header, as a semicolon-separated export with US dates and decimal commas.
func benchSales(b *testing.B, dir, name string, n int, export bool) nullStore {
	b.Helper()
	known := domain.KnownKeys{Accounts: map[string]bool{}, Products: map[string]domain.Product{}}
	for i := range 100 {
		known.Accounts[fmt.Sprintf("A%04d", i)] = true
		sku := fmt.Sprintf("SKU-%03d", i)
		known.Products[sku] = domain.Product{SKU: sku, Category: "Tools", UnitCost: 3}
	}
	var sb strings.Builder
	if export {
		sb.WriteString("Invoice;Invoice Date;Customer No;Item;Qty;Ext Price;Ext Cost;Branch\n")
	} else {
		sb.WriteString("date,account_id,sku,quantity,amount,cost,invoice_id\n")
	}
	for i := range n {
		m, d := i%12+1, i%28+1
		if export {
			fmt.Fprintf(&sb, "I-%d;%02d/%02d/2026;A%04d;SKU-%03d;%d;1.%03d,50;%d,25;North\n", i/4, m, d, i%100, (i*7)%100, i%9+1, i%1000, i%500)
		} else {
			fmt.Fprintf(&sb, "2026-%02d-%02d,A%04d,SKU-%03d,%d,1%03d.50,%d.25,I-%d\n", m, d, i%100, (i*7)%100, i%9+1, i%1000, i%500, i/4)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return nullStore{known}
}

// BenchmarkImportStandardSales reads and checks a standard sales.csv of 200,000 lines.
func BenchmarkImportStandardSales(b *testing.B) {
	dir := b.TempDir()
	const n = 200_000
	s := benchSales(b, dir, "sales.csv", n, false)
	for b.Loop() {
		if _, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkImportMappedSales reads and checks the same 200,000 lines as an export read
// through a mapping: other headers, an extra column, semicolons, US dates, decimal
// commas with thousands points.
func BenchmarkImportMappedSales(b *testing.B) {
	dir := b.TempDir()
	const n = 200_000
	s := benchSales(b, dir, "Invoice_Lines.csv", n, true)
	m, err := csvimport.ParseMapping("map.toml", `[sales]
files = "Invoice_Lines.csv"
date_format = "01/02/2006"
decimal = ","
thousands = "."
delimiter = ";"
encoding = "windows-1252"
[sales.columns]
date = "Invoice Date"
account_id = "Customer No"
sku = "Item"
quantity = "Qty"
amount = "Ext Price"
cost = "Ext Cost"
invoice_id = "Invoice"
`)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := (&csvimport.Importer{Store: s, Mapping: m}).Import(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
