package csvimport_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/unicode"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

// exportDir makes a directory of testdata/good's territories, people and products, the
// files of the testdata directories named, and the extra files.
func exportDir(t *testing.T, dirs []string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for _, f := range []string{"territories.csv", "people.csv", "products.csv"} {
		files = append(files, filepath.Join("testdata/good", f))
	}
	for _, d := range dirs {
		fs, err := filepath.Glob(filepath.Join(d, "*"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustParseMapping(t *testing.T, text string) *csvimport.Mapping {
	t.Helper()
	m, err := csvimport.ParseMapping("map.toml", text)
	if err != nil {
		t.Fatalf("ParseMapping: %v", err)
	}
	return m
}

func readTestMapping(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/mapping/export/map.toml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMappingRealisticExport imports an ERP's exports through testdata/mapping's
// mapping (other headers, extra columns, semicolons, US dates, decimal commas with
// thousands points, Windows-1252 names, CRLF) and the same data as standard files: the
// imported accounts and sales are the same.
func TestMappingRealisticExport(t *testing.T) {
	ctx := context.Background()
	mapped := &memStore{}
	m, err := csvimport.LoadMapping("testdata/mapping/export/map.toml")
	if err != nil {
		t.Fatalf("LoadMapping: %v", err)
	}
	rep, err := (&csvimport.Importer{Store: mapped, Mapping: m}).Import(ctx, exportDir(t, []string{"testdata/mapping/export"}, nil))
	if err != nil {
		t.Fatalf("Import through the mapping: %v", err)
	}
	standard := &memStore{}
	if _, err := (&csvimport.Importer{Store: standard}).Import(ctx, exportDir(t, []string{"testdata/mapping/standard"}, nil)); err != nil {
		t.Fatalf("Import of the standard files: %v", err)
	}
	if diff := cmp.Diff(standard.committed.accounts, mapped.committed.accounts); diff != "" {
		t.Errorf("accounts (-standard +mapped):\n%s", diff)
	}
	if got := mapped.committed.accounts[1].Name; got != "Müller GmbH" {
		t.Errorf("the second account is %q, want Müller GmbH", got)
	}
	if diff := cmp.Diff(standard.committed.sales, mapped.committed.sales, cmpopts.IgnoreFields(domain.Sale{}, "Source")); diff != "" {
		t.Errorf("sales (-standard +mapped):\n%s", diff)
	}
	// Each export is a sales source of its own, replaced by its name.
	if diff := cmp.Diff([]string{"Invoice_Lines_2026-10.csv", "Invoice_Lines_2026-11.csv"}, mapped.committed.replaced); diff != "" {
		t.Errorf("sales sources (-want +got):\n%s", diff)
	}
	if got := mapped.committed.sales[4].Source; got != "Invoice_Lines_2026-11.csv" {
		t.Errorf("the last sale's source is %q", got)
	}
	type line struct {
		Name, MappedTo string
		Rows           int
		Ignored        []string
	}
	var got []line
	for _, f := range rep.Files {
		got = append(got, line{f.Name, f.MappedTo, f.Rows, f.Ignored})
	}
	want := []line{
		{"territories.csv", "", 2, nil},
		{"people.csv", "", 5, nil},
		{"Customers.csv", "accounts.csv", 3, []string{"City", "Credit Limit"}},
		{"products.csv", "", 4, nil},
		{"Invoice_Lines_2026-10.csv", "sales.csv", 3, []string{"Description", "Unit", "Unit Price", "Branch"}},
		{"Invoice_Lines_2026-11.csv", "sales.csv", 2, []string{"Description", "Unit", "Unit Price", "Branch"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

// TestMappingAccepts covers what a mapping reads beyond the realistic export: the
// encodings, the separators, a standard file and an export feeding one file, a section
// without files (the standard file, with constants), numbers as constants.
func TestMappingAccepts(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(
		"Kunde\tName\nZ1\tZoë's Café\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mapping string
		files   map[string]string
		want    []domain.Account
	}{
		{
			name: "UTF-16 with a BOM, tabs",
			mapping: "[accounts]\nfiles = \"kunden.txt\"\nencoding = \"utf-16\"\ndelimiter = \"\\t\"\n" +
				"[accounts.columns]\naccount_id = \"Kunde\"\nname = \"NAME\"\n[accounts.constants]\nterritory = \"Gulf Coast\"\npayment_terms_days = 60\n",
			files: map[string]string{"kunden.txt": utf16},
			want:  []domain.Account{{ID: "Z1", Name: "Zoë's Café", Territory: "Gulf Coast", PaymentTermsDays: 60}},
		},
		{
			name: "latin1, a UTF-8 BOM overriding it, thousands in spaces",
			mapping: "[accounts]\nfiles = [\"a.csv\", \"b.csv\"]\nencoding = \"latin1\"\ndecimal = \",\"\nthousands = \" \"\n" +
				"[accounts.columns]\naccount_id = \"id\"\n[accounts.constants]\nterritory = \"Northeast\"\n",
			files: map[string]string{
				"a.csv": "id,Name,employees\nZ1,Soci\xe9t\xe9 G\xe9n\xe9rale,\"12 500\"\n",
				"b.csv": "\ufeffid,Name,employees\nZ2,Société Nouvelle,\"1\u00a0250\"\n",
			},
			want: []domain.Account{
				{ID: "Z1", Name: "Société Générale", Territory: "Northeast", PaymentTermsDays: 30, Employees: 12500},
				{ID: "Z2", Name: "Société Nouvelle", Territory: "Northeast", PaymentTermsDays: 30, Employees: 1250},
			},
		},
		{
			name:    "a section without files: the standard file, with a constant",
			mapping: "[accounts.constants]\nterritory = \"Northeast\"\n",
			files:   map[string]string{"accounts.csv": "account_id,name,Territory\nZ1,Zed,Gulf Coast\n"},
			want:    []domain.Account{{ID: "Z1", Name: "Zed", Territory: "Northeast", PaymentTermsDays: 30}},
		},
		{
			name:    "a standard file and an export feed accounts",
			mapping: "[accounts]\nfiles = \"crm.csv\"\n[accounts.columns]\naccount_id = \"Id\"\nname = \"Company\"\nterritory = \"Region\"\n",
			files: map[string]string{
				"accounts.csv": "account_id,name,territory\nZ1,Zed,Northeast\n",
				"crm.csv":      "Id,Company,Region\nZ2,Zed Two,Gulf Coast\n",
			},
			want: []domain.Account{
				{ID: "Z1", Name: "Zed", Territory: "Northeast", PaymentTermsDays: 30},
				{ID: "Z2", Name: "Zed Two", Territory: "Gulf Coast", PaymentTermsDays: 30},
			},
		},
		{
			name:    "a pattern of every file leaves the other standard files alone",
			mapping: "[accounts]\nfiles = \"*.csv\"\n[accounts.columns]\naccount_id = \"Id\"\nname = \"Company\"\nterritory = \"Region\"\n",
			files:   map[string]string{"crm.csv": "Id,Company,Region\nZ2,Zed Two,Gulf Coast\n"},
			want:    []domain.Account{{ID: "Z2", Name: "Zed Two", Territory: "Gulf Coast", PaymentTermsDays: 30}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &memStore{}
			dir := exportDir(t, nil, tt.files)
			if _, err := (&csvimport.Importer{Store: s, Mapping: mustParseMapping(t, tt.mapping)}).Import(context.Background(), dir); err != nil {
				t.Fatalf("Import: %v", err)
			}
			if diff := cmp.Diff(tt.want, s.committed.accounts, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMappingRefused: every problem of a mapping, by itself or against the directory's
// files, is listed exactly, naming the mapping file, the section and the key; nothing is
// read (no import is begun).
func TestMappingRefused(t *testing.T) {
	sales := "[sales]\nfiles = \"Invoice_Lines_*.csv\"\ndelimiter = \";\"\n"
	columns := "[sales.columns]\ndate = \"Invoice Date\"\naccount_id = \"Customer No\"\nsku = \"Item\"\nquantity = \"Qty\"\namount = \"Ext Price\"\n"
	export := "Invoice;Invoice Date;Customer No;Item;Qty;Ext Price\n"
	tests := []struct {
		name    string
		mapping string
		files   map[string]string
		want    []string
	}{
		{
			name: "unknown section, option, encoding and columns",
			mapping: "[salez]\nfiles = \"x.csv\"\n[accounts]\nfiles = \"c.csv\"\ndate_fmt = \"01/02/2006\"\nencoding = \"windos-1252\"\n" +
				"[accounts.columns]\naccount_idd = \"No\"\nx_note = \"Note\"\n[accounts.constants]\nterritori = \"Northeast\"\n",
			want: []string{
				`map.toml: [accounts.columns] account_idd = "No": accounts.csv has no column account_idd (its columns are account_id, name, territory, owner, industry, aliases, payment_terms_days, employees) (did you mean "account_id"?)`,
				`map.toml: [accounts.columns] x_note = "Note": accounts.csv has no column x_note (its columns are account_id, name, territory, owner, industry, aliases, payment_terms_days, employees)`,
				`map.toml: [accounts.constants] territori = "Northeast": accounts.csv has no column territori (its columns are account_id, name, territory, owner, industry, aliases, payment_terms_days, employees) (did you mean "territory"?)`,
				`map.toml: [accounts] date_fmt: unknown option (the options are files, date_format, decimal, thousands, delimiter, encoding, columns, constants) (did you mean "date_format"?)`,
				`map.toml: [accounts] encoding = "windos-1252": unknown encoding (any label of the WHATWG Encoding Standard, such as utf-8, utf-16, utf-16le, utf-16be, windows-1250, windows-1251, windows-1252, windows-1253, windows-1254, windows-1257, iso-8859-1, iso-8859-2, iso-8859-15, macintosh, shift_jis, euc-jp, gbk, gb18030, big5, euc-kr, koi8-r) (did you mean "windows-1252"?)`,
				`map.toml: [salez]: not a standard file (the sections are territories, people, accounts, products, sales, potential, opportunities, invoices, commitments, rfqs, competitor_offers, objectives) (did you mean "sales"?)`,
			},
		},
		{
			name: "bad options",
			mapping: "[sales]\nfiles = \"data/*.csv\"\ndate_format = \"01/02\"\ndecimal = \";\"\ndelimiter = \"ab\"\n" +
				"[invoices]\nfiles = \"[\"\ndecimal = \",\"\nthousands = \",\"\nencoding = 1252\n[invoices.columns]\namount = \"\"\n[invoices.constants]\npaid_date = true\n",
			want: []string{
				`map.toml: [invoices.columns] amount = "": give the export's header of the column, as a string`,
				`map.toml: [invoices.constants] paid_date = true: give the value as a string or a number, written as in the standard file`,
				`map.toml: [invoices] encoding = 1252: give a string`,
				`map.toml: [invoices] files = "[": not a pattern of file names (* any text, ? one character, [abc] one of)`,
				`map.toml: [invoices] thousands = ",": the same mark as decimal = ","`,
				`map.toml: [sales] date_format = "01/02": not a date layout with a year, a month and a day: write Go's reference date, Monday January 2 2006, as the export writes its dates (01/02/2006 for 11/27/2026, 02.01.2006 for 27.11.2026, 2 Jan 2006 for 27 Nov 2026)`,
				`map.toml: [sales] decimal = ";": the decimal mark is "." or ","`,
				`map.toml: [sales] delimiter = "ab": the delimiter is one character other than a quote or a line break, such as ";" or "\t"`,
				`map.toml: [sales] files = "data/*.csv": name files in the directory itself, without a directory`,
			},
		},
		{
			name:    "a constant for a mapped column",
			mapping: sales + columns + "[sales.constants]\nquantity = 1\n",
			files:   map[string]string{"Invoice_Lines_1.csv": export},
			want:    []string{`map.toml: [sales.constants] quantity: both a constant and the export's column "Qty": keep one`},
		},
		{
			name:    "a pattern that matches no file, a file named twice, a mistyped header",
			mapping: strings.Replace(sales+columns, `"Qty"`, `"Qnty"`, 1) + "[[invoices]]\nfiles = \"Invoice*1.csv\"\n[[invoices]]\nfiles = \"inv.csv\"\n",
			files:   map[string]string{"Invoice_Lines_1.csv": export, "Invoice_Lines_2.csv": export},
			want: []string{
				`map.toml: [[invoices]] #2 files = "inv.csv": matches no file in DIR`,
				`map.toml: Invoice_Lines_1.csv is named by [[invoices]] #1 files = "Invoice*1.csv" and by [sales] files = "Invoice_Lines_*.csv": a file is read as one standard file`,
				`map.toml: [sales.columns] quantity = "Qnty": Invoice_Lines_2.csv has no column "Qnty"; the closest is "Qty" (its columns: Invoice, Invoice Date, Customer No, Item, Qty, Ext Price)`,
			},
		},
		{
			name:    "a section without files and no standard file",
			mapping: "[potential.constants]\ncompetitor = \"Grainger\"\n",
			files:   map[string]string{"Invoice_Lines_1.csv": export},
			want:    []string{`map.toml: [potential]: no files = is given, and DIR holds no potential.csv`},
		},
		{
			name:    "a mistyped header and a required column missing, in three exports",
			mapping: strings.Replace(sales+columns, `"Qty"`, `"Qnty"`, 1) + "[sales.constants]\ninvoice_id = \"none\"\n",
			files: map[string]string{
				"Invoice_Lines_1.csv": export,
				"Invoice_Lines_2.csv": export,
				"Invoice_Lines_3.csv": "Invoice;Invoice Date;Customer No;Item;Qty;Ext. Price\n",
			},
			want: []string{
				`map.toml: [sales.columns] quantity = "Qnty": Invoice_Lines_1.csv has no column "Qnty"; the closest is "Qty" (its columns: Invoice, Invoice Date, Customer No, Item, Qty, Ext Price) (so do 2 more files)`,
				`map.toml: [sales.columns] amount = "Ext Price": Invoice_Lines_3.csv has no column "Ext Price"; the closest is "Ext. Price" (its columns: Invoice, Invoice Date, Customer No, Item, Qty, Ext. Price)`,
			},
		},
		{
			name:    "a required column neither mapped nor in the export, a header of one column",
			mapping: strings.Replace(sales+columns, "amount = \"Ext Price\"\n", "", 1) + "[[accounts]]\nfiles = \"c.csv\"\n[accounts.columns]\nname = \"Name\"\n",
			files:   map[string]string{"Invoice_Lines_1.csv": export, "c.csv": "account_id;Name;territory\n"},
			want: []string{
				`map.toml: [accounts.columns] of [[accounts]] name = "Name": c.csv has no column "Name"; the closest is "account_id;Name;territory" (its columns: account_id;Name;territory; one column, as the delimiter is ",": is it ";"?)`,
				`map.toml: [[accounts]]: c.csv has no column account_id, which accounts.csv requires: map it in [accounts.columns] of [[accounts]] to one of its columns (account_id;Name;territory; one column, as the delimiter is ",": is it ";"?), or give it in [accounts.constants] of [[accounts]]`,
				`map.toml: [[accounts]]: c.csv has no column territory, which accounts.csv requires: map it in [accounts.columns] of [[accounts]] to one of its columns (account_id;Name;territory; one column, as the delimiter is ",": is it ";"?), or give it in [accounts.constants] of [[accounts]]`,
				`map.toml: [sales]: Invoice_Lines_1.csv has no column amount, which sales.csv requires: map it in [sales.columns] to one of its columns (Invoice, Invoice Date, Customer No, Item, Qty, Ext Price), or give it in [sales.constants]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := ""
			m, err := csvimport.ParseMapping("map.toml", tt.mapping)
			if err == nil {
				dir = exportDir(t, nil, tt.files)
				s := &memStore{}
				_, err = (&csvimport.Importer{Store: s, Mapping: m}).Import(context.Background(), dir)
				if s.rolled != 0 || s.committed != nil {
					t.Errorf("an import was begun: %d rollbacks", s.rolled)
				}
			}
			var me *csvimport.MappingError
			if !errors.As(err, &me) {
				t.Fatalf("error %v, want a *MappingError", err)
			}
			var got []string
			for _, p := range me.Problems {
				if dir != "" {
					p = strings.ReplaceAll(p, dir, "DIR")
				}
				got = append(got, p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if domain.ErrorCode(err) != domain.EINVALID || !strings.HasPrefix(domain.ErrorMessage(err), "the mapping map.toml is refused, nothing was imported:") {
				t.Errorf("code %q, message %q; want EINVALID and the refusal", domain.ErrorCode(err), domain.ErrorMessage(err))
			}
		})
	}
}

// TestMappingDataProblems: a problem in an export read through the mapping names the
// export's file, line and header, with the value as the export writes it; the import is
// refused whole, as with the standard files.
func TestMappingDataProblems(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata/mapping/export", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	customers, oct, nov := read("Customers.csv"), read("Invoice_Lines_2026-10.csv"), read("Invoice_Lines_2026-11.csv")
	mapping := readTestMapping(t)
	tests := []struct {
		name    string
		mapping string
		files   map[string]string
		want    []string
	}{
		{
			name:  "not a number",
			files: map[string]string{"Invoice_Lines_2026-11.csv": strings.Replace(nov, ";1.234;", ";1O;", 1)},
			want:  []string{`Invoice_Lines_2026-11.csv:3: Qty: "1O" is not a number`},
		},
		{
			name: "not a US date, bad grouping, an empty required value, opposite signs",
			files: map[string]string{"Invoice_Lines_2026-10.csv": strings.NewReplacer(
				"INV-1001;10/03/2026;10001;FAS-1", "INV-1001;13/45/2026;10001;FAS-1",
				";800,00;", ";80.0,00;",
				";PPE-1;", ";;",
				";190,00;", ";-190,00;").Replace(oct)},
			want: []string{
				`Invoice_Lines_2026-10.csv:2: Invoice Date: "13/45/2026" is not a date (expected 01/02/2006, the mapping's date_format)`,
				`Invoice_Lines_2026-10.csv:2: Qty: 10 and Ext Price -190.00 have opposite signs (a return has both negative)`,
				`Invoice_Lines_2026-10.csv:3: Ext Price: "80.0,00" is not a number`,
				`Invoice_Lines_2026-10.csv:4: Item: is required`,
			},
		},
		{
			name:    "a thousands separator the mapping does not name",
			mapping: strings.Replace(mapping, "thousands = \".\"\ndelimiter", "delimiter", 1),
			want: []string{
				`Invoice_Lines_2026-10.csv:4: Qty: "1.500" is not a number (the decimal mark is ","; if "." separates thousands, say thousands = "." in the mapping)`,
				`Invoice_Lines_2026-10.csv:4: Ext Price: "21.000,00" is not a number (the decimal mark is ","; if "." separates thousands, say thousands = "." in the mapping)`,
				`Invoice_Lines_2026-10.csv:4: Ext Cost: "13.500,00" is not a number (the decimal mark is ","; if "." separates thousands, say thousands = "." in the mapping)`,
				`Invoice_Lines_2026-11.csv:3: Qty: "1.234" is not a number (the decimal mark is ","; if "." separates thousands, say thousands = "." in the mapping)`,
			},
		},
		{
			name:  "an unknown account, a control character",
			files: map[string]string{"Invoice_Lines_2026-11.csv": strings.NewReplacer(";10003;", ";99999;", "INV-1102", "INV-\x001102").Replace(nov)},
			want: []string{
				`Invoice_Lines_2026-11.csv:2: Customer No: unknown account "99999" (not in accounts.csv or the database)`,
				`Invoice_Lines_2026-11.csv:3: Invoice: holds a control character (U+0000), which no value may: re-export the file as plain text`,
			},
		},
		{
			name:    "a key twice across two exports, a constant once for every row",
			mapping: strings.Replace(mapping, `territory = "Northeast"`, `territory = "Northest"`, 1),
			files:   map[string]string{"Customers_West.csv": strings.Replace(customers, "10002;", "10004;", 1)},
			want: []string{
				`Customers.csv:2: [accounts.constants] territory: unknown territory "Northest" (not in territories.csv or the database) (did you mean "Northeast"?)`,
				`Customers_West.csv:2: [accounts.constants] territory: unknown territory "Northest" (not in territories.csv or the database) (did you mean "Northeast"?)`,
				`Customers_West.csv:2: Customer No: duplicate key 10001 (first seen in Customers.csv on line 2)`,
				`Customers_West.csv:4: Customer No: duplicate key 10003 (first seen in Customers.csv on line 4)`,
			},
		},
		{
			name:    "Windows-1252 read as UTF-8",
			mapping: strings.Replace(mapping, `encoding = "windows-1252"`, `encoding = "utf-8"`, 1),
			want:    []string{`Customers.csv:3: not valid UTF-8 text (name the file's encoding in the mapping, such as encoding = "windows-1252")`},
		},
		{
			name:  "fields that do not match the header",
			files: map[string]string{"Invoice_Lines_2026-11.csv": strings.Replace(nov, ";Nord\r\n", ";Nord;extra\r\n", 1)},
			want:  []string{`Invoice_Lines_2026-11.csv:2: has 12 fields, the header has 11`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.mapping
			if text == "" {
				text = mapping
			}
			dir := exportDir(t, []string{"testdata/mapping/export"}, tt.files)
			s := &memStore{}
			_, err := (&csvimport.Importer{Store: s, Mapping: mustParseMapping(t, text)}).Import(context.Background(), dir)
			var ie *csvimport.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("Import error = %v, want an *ImportError", err)
			}
			var got []string
			for _, p := range ie.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if s.committed != nil || s.rolled != 1 {
				t.Errorf("committed %v, rollbacks %d; want nothing committed and one rollback", s.committed != nil, s.rolled)
			}
		})
	}
}

// TestMappingFileInDir: a mapping kept in the directory it reads is not read as an
// export, even by a pattern that matches it.
func TestMappingFileInDir(t *testing.T) {
	dir := exportDir(t, nil, map[string]string{
		"map.toml": "[accounts]\nfiles = \"*\"\n[accounts.columns]\naccount_id = \"Id\"\nname = \"Company\"\nterritory = \"Region\"\n",
		"crm.txt":  "Id,Company,Region\nZ2,Zed Two,Gulf Coast\n",
	})
	m, err := csvimport.LoadMapping(filepath.Join(dir, "map.toml"))
	if err != nil {
		t.Fatalf("LoadMapping: %v", err)
	}
	s := &memStore{}
	rep, err := (&csvimport.Importer{Store: s, Mapping: m}).Import(context.Background(), dir)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	var files []string
	for _, f := range rep.Files {
		files = append(files, f.Name)
	}
	if diff := cmp.Diff([]string{"territories.csv", "people.csv", "crm.txt", "products.csv"}, files); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
}
