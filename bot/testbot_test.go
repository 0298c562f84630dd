package bot_test

// A bot over the hand-made companies of testdata (gapdata, gradedata, dealdata,
// digestdata, each worked out by hand in the tests that use it) or over the demo
// company, loaded into the in-memory store, and asked the way `incumbent ask` asks it:
// by an admin named "command line" (or a person of people.csv), as of 2026-11-27,
// rendered as text or JSON.

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// asOf is the day the tests ask about: the last day of sales of the hand-made
// companies, and the last day of the demo company the tests generate.
var asOf = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// testNow is the clock of the tests' bots: 09:30 UTC on asOf.
func testNow() time.Time { return asOf.Add(9*time.Hour + 30*time.Minute) }

// newTestBot returns a bot over a new in-memory store holding testdata/<dataset>,
// configured as `incumbent ask` configures it (the tests' clock, digest charts, the
// default settings), then by opts.
func newTestBot(t testing.TB, dataset string, opts ...func(*bot.Bot)) *bot.Bot {
	t.Helper()
	return botOver(t, filepath.Join("testdata", dataset), opts...)
}

// botOver is newTestBot over the CSV files of dir.
func botOver(t testing.TB, dir string, opts ...func(*bot.Bot)) *bot.Bot {
	t.Helper()
	b := configured(memory.NewDataStore(), opts...)
	importInto(t, b, dir)
	return b
}

// configured returns a bot over store configured as `incumbent ask` configures it,
// then by opts: another process over the same data.
func configured(store domain.Store, opts ...func(*bot.Bot)) *bot.Bot {
	b := bot.New(store)
	b.Now = testNow
	b.Logger = discardLogger()
	b.Charter = plot.Charter{}
	for _, o := range opts {
		o(b)
	}
	return b
}

// importInto imports the CSV files of dir into b's store, as `incumbent import` does.
func importInto(t testing.TB, b *bot.Bot, dir string) {
	t.Helper()
	if _, err := (&csvimport.Importer{Store: b.Store.(*memory.DataStore)}).Import(context.Background(), dir); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
}

// demoData writes the demo company of `incumbent demo --accounts N --months M`, ending
// on asOf, into a new folder and returns it; 0 accounts or months: the defaults (200
// accounts, 24 months).
func demoData(t testing.TB, accounts, months int) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.Write(context.Background(), dir, demo.Options{Accounts: accounts, Months: months, End: asOf, Seed: 1}); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	return dir
}

// demoBot is a bot over the demo company a newcomer gets (200 accounts, 24 months).
func demoBot(t testing.TB, opts ...func(*bot.Bot)) *bot.Bot {
	t.Helper()
	return botOver(t, demoData(t, 0, 0), opts...)
}

// question is how a test asks: who, as of when, and in which format.
type question struct {
	email string    // a person of people.csv; "": an admin
	asOf  time.Time // zero: asOf
	json  bool      // the reply as JSON, not text
}

// askOption changes a question.
type askOption func(*question)

// as asks as the person of people.csv with this email, as `incumbent ask --as` does.
func as(email string) askOption { return func(q *question) { q.email = email } }

// on asks as of the day YYYY-MM-DD, as `incumbent ask --as-of` does.
func on(day string) askOption {
	return func(q *question) {
		d, err := domain.ParseDate(day)
		if err != nil {
			panic(err)
		}
		q.asOf = d
	}
}

// inJSONFormat asks for the reply as JSON, as `incumbent ask --format json` does.
func inJSONFormat(q *question) { q.json = true }

// ask asks b text, as an admin as of asOf unless opts say otherwise, and returns the
// reply as `incumbent ask` prints it (text, or JSON with inJSONFormat) and the reply's
// error (nil when the command exits 0).
func ask(t testing.TB, b *bot.Bot, text string, opts ...askOption) (string, error) {
	t.Helper()
	q := question{asOf: asOf}
	for _, o := range opts {
		o(&q)
	}
	actor := bot.Admin("command line")
	if q.email != "" {
		var err error
		if actor, err = b.ActorByEmail(context.Background(), q.email); err != nil {
			t.Fatalf("as %s: %v", q.email, err)
		}
	}
	r := b.Handle(context.Background(), bot.Request{Actor: actor, Text: text, AsOf: q.asOf})
	if !q.json {
		return bot.RenderText(r), r.Err
	}
	out, err := bot.RenderJSON(r)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return string(out), r.Err
}

// askJSON asks b text in JSON (as ask does) and decodes the reply into a T; an error
// reply fails the test.
func askJSON[T any](t testing.TB, b *bot.Bot, text string, opts ...askOption) T {
	t.Helper()
	out, err := ask(t, b, text, append(opts, inJSONFormat)...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", text, err, out)
	}
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s: %v\n%s", text, err, out)
	}
	return v
}

// inJSON returns a result as the JSON of a reply writes it: money to the cent, unit
// prices to 4 decimals (domain.RoundMoney). Tests work their figures out exactly.
func inJSON[T any](v T) T { return domain.RoundMoney(v).(T) }

func ptr(f float64) *float64 { return &f }
