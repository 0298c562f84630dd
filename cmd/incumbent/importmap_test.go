package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// erpMapping reads an ERP's customer and invoice-line exports as accounts and sales.
const erpMapping = `[accounts]
files = "Customers.csv"
delimiter = ";"
encoding = "windows-1252"
[accounts.columns]
account_id = "Customer No"
name = "Customer Name"
owner = "Account Manager"
[accounts.constants]
territory = "North"

[sales]
files = "Invoice_Lines_*.csv"
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
`

// erpExports are the exports, in Windows-1252 with CRLF line ends.
var erpExports = map[string]string{
	"Customers.csv": "Customer No;Customer Name;Account Manager;City\r\n" +
		"10001;M\xfcller GmbH;rita@example.com;K\xf6ln\r\n10002;Caf\xe9 No\xebl;rita@example.com;Montr\xe9al\r\n",
	"Invoice_Lines_2026-11.csv": "Invoice;Invoice Date;Customer No;Item;Description;Qty;Ext Price;Ext Cost\r\n" +
		"INV-1;11/02/2026;10001;F-1;Sechskantschraube \x96 M8;1.200;12.000,00;7.200,00\r\n" +
		"INV-2;11/20/2026;10002;S-1;Handschuhe;10;200,50;130,00\r\n",
}

// TestImportMap: `incumbent import --map FILE DIR` reads an ERP's exports (other
// headers, semicolons, US dates, decimal commas, Windows-1252 names) with the standard
// files DIR also holds, says which columns it left out, and the figures answer with the
// names intact; INCUMBENT_IMPORT_MAP does the same, replacing the export's sales. A
// mapping that does not fit the exports is refused, naming the header, and changes
// nothing.
func TestImportMap(t *testing.T) {
	dir := t.TempDir()
	data, db, mapFile := filepath.Join(dir, "erp"), filepath.Join(dir, "x.db"), filepath.Join(dir, "erp.toml")
	if err := os.CopyFS(data, os.DirFS(testdata("digestdata"))); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"accounts.csv", "sales.csv", "potential.csv", "opportunities.csv", "invoices.csv", "objectives.csv"} {
		os.Remove(filepath.Join(data, f))
	}
	files := map[string]string{filepath.Join(dir, "erp.toml"): erpMapping}
	for name, body := range erpExports {
		files[filepath.Join(data, name)] = body
	}
	for name, body := range files {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	code, out, errOut := run(t, "", nil, "import", "--db", db, "--map", mapFile, data)
	if code != 0 {
		t.Fatalf("import --map: status %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Customers.csv                     2 rows",
		"  read as accounts.csv through the mapping; columns left out: City\n",
		"Invoice_Lines_2026-11.csv          2 rows",
		"  read as sales.csv through the mapping; columns left out: Description\n",
		"imported 15 rows from 5 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the import's output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", nil, "ask", "--db", db, "--as-of", "2026-11-27", "gap", "m\u00fcller")
	if code != 0 || !strings.Contains(out, "Müller GmbH (10001)") || !strings.Contains(out, "Fasteners  $12,000") {
		t.Errorf("ask gap müller: status %d\n%s", code, out)
	}
	code, out, _ = run(t, "", nil, "ask", "--db", db, "--as-of", "2026-11-27", "gap", "cafe noel")
	if code != 0 || !strings.Contains(out, "Café Noël (10002)") || !strings.Contains(out, "Safety       $201") {
		t.Errorf("ask gap cafe noel: status %d\n%s", code, out)
	}

	counts, version := storeCounts(t, nil, db)
	env := map[string]string{"INCUMBENT_IMPORT_MAP": mapFile}
	if code, out, errOut := run(t, "", env, "import", "--db", db, data); code != 0 {
		t.Fatalf("import with INCUMBENT_IMPORT_MAP: status %d\n%s%s", code, out, errOut)
	}
	again, _ := storeCounts(t, nil, db)
	if diff := cmp.Diff(counts, again); diff != "" {
		t.Errorf("importing the exports again changed the counts (-before +after):\n%s", diff)
	}
	counts, version = storeCounts(t, nil, db)

	if err := os.WriteFile(mapFile, []byte(strings.Replace(erpMapping, `"Qty"`, `"Quantity"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "", nil, "import", "--db", db, "--map", mapFile, data)
	want := "incumbent import: the mapping " + mapFile + " is refused, nothing was imported: 1 problem\n" +
		mapFile + `: [sales.columns] quantity = "Quantity": Invoice_Lines_2026-11.csv has no column "Quantity"; the closest is "Qty" ` +
		"(its columns: Invoice, Invoice Date, Customer No, Item, Description, Qty, Ext Price, Ext Cost)\n"
	if code != 1 || errOut != want {
		t.Errorf("a mistyped header: status %d, stderr\n%s\nwant\n%s", code, errOut, want)
	}
	after, afterVersion := storeCounts(t, nil, db)
	if diff := cmp.Diff(counts, after); diff != "" || afterVersion != version {
		t.Errorf("a refused mapping changed the database: version %d → %d (-before +after):\n%s", version, afterVersion, diff)
	}
	if code, _, errOut := run(t, "", nil, "import", "--db", db, "--map", filepath.Join(dir, "nope.toml"), data); code != 1 ||
		!strings.Contains(errOut, "nope.toml does not exist") {
		t.Errorf("a missing mapping: status %d\n%s", code, errOut)
	}
}
