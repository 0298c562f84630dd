package csvimport_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

// FuzzMappedImport imports testdata/mapping's exports through its mapping (semicolons,
// US dates, decimal commas with thousands points, Windows-1252) with the October
// invoice lines replaced by fuzzed bytes. The importer never panics. A refusal is a
// *MappingError (the fuzzed header does not fit the mapping) or an *ImportError whose
// problems each name their file. An acceptance reports the export with as many rows as
// it wrote sales from it, each dated, within the limits, its quantity and amount of
// one sign.
func FuzzMappedImport(f *testing.F) {
	const name = "Invoice_Lines_2026-10.csv"
	good, err := os.ReadFile(filepath.Join("testdata/mapping/export", name))
	if err != nil {
		f.Fatal(err)
	}
	text, err := os.ReadFile("testdata/mapping/export/map.toml")
	if err != nil {
		f.Fatal(err)
	}
	m, err := csvimport.ParseMapping("map.toml", string(text))
	if err != nil {
		f.Fatal(err)
	}
	header := "Invoice;Invoice Date;Customer No;Item;Description;Qty;Unit;Unit Price;Ext Price;Ext Cost;Branch\r\n"
	row := func(date, qty, amount, cost string) []byte {
		return []byte(header + "INV-1;" + date + ";10001;FAS-1;x;" + qty + ";EA;1,00;" + amount + ";" + cost + ";Nord\r\n")
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(good)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		good,
		append([]byte("\xef\xbb\xbf"), good...),
		utf16,
		[]byte(header),
		{},
		row("1/2/2026", "1.234.567", "1.234.567,89", "-,5"),
		row("02/29/2026", "+1.000", "1.000,", ""),
		row("12/31/2026", "1.5", "1,5", "1,5,5"),
		row("10/03/2026", "1 000", "1\u00a0000,00", "1..000"),
		row("10/03/26", "-0", "-0,00", "99.999.999.999.999.999.999,99"),
		row("10/03/2026", "1e3", "NaN", "Inf"),
		row("10/03/2026", "\x81\x8d", "\"12,\r\n5\"", "1"),
		[]byte(header + "INV-1;10/03/2026;10001;FAS-1;\"Schraube; lose\";1;EA;1,00;1,00;;Nord\r\n"),
		[]byte(strings.ReplaceAll(header, ";", ",")),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := exportDir(t, []string{"testdata/mapping/export"}, map[string]string{name: string(data)})
		s := &memStore{}
		rep, err := (&csvimport.Importer{Store: s, Mapping: m}).Import(context.Background(), dir)
		if err != nil {
			var me *csvimport.MappingError
			var ie *csvimport.ImportError
			switch {
			case errors.As(err, &me):
				if len(me.Problems) == 0 {
					t.Fatalf("a *MappingError without problems")
				}
			case errors.As(err, &ie):
				if ie.Total == 0 || len(ie.Problems) == 0 {
					t.Fatalf("an *ImportError without problems")
				}
				for _, p := range ie.Problems {
					if p.File == "" || !strings.HasPrefix(p.String(), p.File+":") {
						t.Errorf("problem %q does not start with its file", p)
					}
				}
			default:
				t.Fatalf("refused with %v, want a *MappingError or an *ImportError", err)
			}
			if s.committed != nil {
				t.Fatal("refused, but committed")
			}
			return
		}
		rows := -1
		for _, fr := range rep.Files {
			if fr.Name == name {
				rows = fr.Rows
			}
		}
		n := 0
		for _, sale := range s.committed.sales {
			if sale.Source != name {
				continue
			}
			n++
			if sale.Date.IsZero() || math.IsNaN(sale.Amount) || math.Abs(sale.Amount) > domain.MaxMoney ||
				math.Abs(sale.Quantity) > domain.MaxQuantity || (sale.Quantity < 0 && sale.Amount > 0) || (sale.Quantity > 0 && sale.Amount < 0) {
				t.Errorf("accepted a sale out of bounds: %+v", sale)
			}
		}
		if n != rows {
			t.Errorf("the report says %d rows of %s, but %d sales were written from it", rows, name, n)
		}
	})
}
