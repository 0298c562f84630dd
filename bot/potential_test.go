package bot_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// potentialAsOf is the as-of date of the potential tests; potentialNow the bot's clock.
var (
	potentialAsOf = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	potentialNow  = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
)

// potentialStore is a small company in the memory store: North (Nora manages, Rita is
// its rep) with Acme Manufacturing (alias acme), Acme Safety and Bolt Supply; South
// (Sam's, Ray its rep) with Southern Foods. "Safety Gloves" is a category that ends
// with another ("Gloves"), and "Acme Safety" an account that begins like Acme's alias.
func potentialStore(t *testing.T) *memory.DataStore {
	t.Helper()
	s := memory.NewDataStore()
	ctx := t.Context()
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	day := func(s string) time.Time {
		d, err := domain.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	var errs []error
	for _, tr := range []domain.Territory{
		{Name: "North", Manager: "nora@example.com", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8},
		{Name: "South", Manager: "sam@example.com", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8},
	} {
		errs = append(errs, b.PutTerritory(ctx, tr))
	}
	for _, p := range []domain.Person{
		{Email: "ops@example.com", Name: "Olive Ops", Role: domain.RoleAdmin},
		{Email: "nora@example.com", Name: "Nora North", Role: domain.RoleManager, Territory: "North"},
		{Email: "sam@example.com", Name: "Sam South", Role: domain.RoleManager, Territory: "South"},
		{Email: "rita@example.com", Name: "Rita Rep", Role: domain.RoleRep, Territory: "North"},
		{Email: "ray@example.com", Name: "Ray Rep", Role: domain.RoleRep, Territory: "South"},
	} {
		errs = append(errs, b.PutPerson(ctx, p))
	}
	for _, a := range []domain.Account{
		{ID: "A1", Name: "Acme Manufacturing", Territory: "North", Owner: "rita@example.com", Aliases: []string{"acme"}, PaymentTermsDays: 30},
		{ID: "A2", Name: "Bolt Supply", Territory: "North", Owner: "rita@example.com", PaymentTermsDays: 30},
		{ID: "A3", Name: "Acme Safety", Territory: "North", PaymentTermsDays: 30},
		{ID: "S1", Name: "Southern Foods", Territory: "South", Owner: "ray@example.com", PaymentTermsDays: 30},
	} {
		errs = append(errs, b.PutAccount(ctx, a))
	}
	for _, p := range []domain.Product{
		{SKU: "F-1", Name: "Hex bolts", Category: "Fasteners", ListPrice: 10, UnitCost: 6},
		{SKU: "G-1", Name: "Work gloves", Category: "Gloves", ListPrice: 5, UnitCost: 3},
		{SKU: "SG-1", Name: "Cut gloves", Category: "Safety Gloves", ListPrice: 20, UnitCost: 15},
		{SKU: "W-1", Name: "Welding wire", Category: "Welding", ListPrice: 50, UnitCost: 35},
		{SKU: "H-1", Name: "Hose", Category: "Hydraulics", ListPrice: 100, UnitCost: 70},
	} {
		errs = append(errs, b.PutProduct(ctx, p))
	}
	for _, sl := range []domain.Sale{
		{Date: day("2026-06-15"), AccountID: "A1", SKU: "F-1", Quantity: 250, Amount: 2500, Cost: 1500},
		{Date: day("2026-07-01"), AccountID: "A1", SKU: "G-1", Quantity: 160, Amount: 800, Cost: 480},
		{Date: day("2026-03-10"), AccountID: "A2", SKU: "W-1", Quantity: 10, Amount: 500, Cost: 350},
		{Date: day("2026-05-20"), AccountID: "S1", SKU: "F-1", Quantity: 1234, Amount: 12345, Cost: 8642},
	} {
		sl.Source = "sales.csv"
		errs = append(errs, b.AddSale(ctx, sl))
	}
	for _, p := range []domain.Potential{
		{AccountID: "A1", Category: "Fasteners", AnnualPotential: 10000, Competitor: "Fastenal", Note: "from the buyer"},
		{AccountID: "A1", Category: "Welding", AnnualPotential: 4000},
		{AccountID: "S1", Category: "Fasteners", AnnualPotential: 67890, Competitor: "Grainger"},
	} {
		errs = append(errs, b.PutPotential(ctx, p))
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func potentialBot(s domain.Store) *bot.Bot {
	b := bot.New(s)
	b.Now = func() time.Time { return potentialNow }
	return b
}

// state is what a write may change: the data version and every potential.
func state(t *testing.T, s domain.Store) (int64, []domain.Potential) {
	t.Helper()
	v, err := s.DataVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.FindPotentials(t.Context(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	return v, ps
}

// TestPotentialSet sets potentials with the grammar's forms, and refuses what it cannot
// read with what was wrong, writing nothing.
func TestPotentialSet(t *testing.T) {
	tests := []struct {
		name string
		text string
		want *domain.Potential // what is recorded; nil: nothing
		// code is the error's code; msg and reply parts of its message or of the reply.
		code    string
		msg     []string
		choices []string // the commands of an error's buttons
	}{
		{name: "a category without an estimate", text: "potential set acme hydraulics 120k competitor Airgas Inc note big plant",
			want: &domain.Potential{AccountID: "A1", Category: "Hydraulics", AnnualPotential: 120000, Competitor: "Airgas Inc", Note: "big plant"},
			msg: []string{"*Acme Manufacturing (A1) · Hydraulics*: they spend *$120,000* a year; Airgas Inc holds the rest. Note: big plant.",
				"Before:   no estimate, and no sales in the last 12 months: the category was not in the gap",
				"Gap now:  $120,000 still to win, our share 0% ($0 of $120,000)",
				"Recorded: by rita@example.com at 2026-11-27 09:30 UTC", "Next → See the gap: gap A1"}},
		{name: "a category bought without an estimate", text: "potential set A1 GLOVES $1,200",
			want: &domain.Potential{AccountID: "A1", Category: "Gloves", AnnualPotential: 1200},
			msg: []string{"Before:   no estimate: the gap counted it as fully won, at our $800 of sales over the last 12 months",
				"Gap now:  $400 still to win, our share 67% ($800 of $1,200)"}},
		{name: "an estimate replaced, its competitor and note kept", text: "potential set Acme Manufacturing fasteners 1.5m",
			want: &domain.Potential{AccountID: "A1", Category: "Fasteners", AnnualPotential: 1.5e6, Competitor: "Fastenal", Note: "from the buyer"},
			msg:  []string{"Before:   $10,000 from potential.csv", "The competitor and note of the estimate it replaces are kept (`competitor none` or `note none` clears them)."}},
		{name: "competitor and note cleared", text: "potential set acme fasteners 9000 competitor none note none",
			want: &domain.Potential{AccountID: "A1", Category: "Fasteners", AnnualPotential: 9000}},
		{name: "below our sales", text: "potential set acme fasteners 2k",
			want: &domain.Potential{AccountID: "A1", Category: "Fasteners", AnnualPotential: 2000, Competitor: "Fastenal", Note: "from the buyer"},
			msg:  []string{"Gap now:  none: $2,000 is below our $2,500 of sales over the last 12 months, so the gap counts our sales (understated)"}},
		{name: "a quoted category of two words", text: `potential set acme "safety gloves" 5k`,
			want: &domain.Potential{AccountID: "A1", Category: "Safety Gloves", AnnualPotential: 5000}},
		{name: "a category of two words, unquoted", text: "potential set bolt supply safety gloves 5k",
			want: &domain.Potential{AccountID: "A2", Category: "Safety Gloves", AnnualPotential: 5000}},
		{name: "an amount in the note", text: "potential set acme welding 6k note call back in 2",
			want: &domain.Potential{AccountID: "A1", Category: "Welding", AnnualPotential: 6000, Note: "call back in 2"}},
		{name: "zero", text: "potential set acme welding 0",
			want: &domain.Potential{AccountID: "A1", Category: "Welding", AnnualPotential: 0}},

		{name: "no set", text: "potential acme welding 5k", code: domain.EINVALID, msg: []string{"Usage: `potential set <account> <category> <amount>"}},
		{name: "too few words", text: "potential set acme 5k", code: domain.EINVALID, msg: []string{"Say the account, the category and the annual amount"}},
		{name: "not an amount", text: "potential set acme welding lots", code: domain.EINVALID,
			msg: []string{`"lots" is not an amount: say what they spend a year in the category, right after it (120k, $120,000 or 1.2m).`, "For example: `potential set"}},
		{name: "not an amount before the note", text: "potential set acme welding lots note big", code: domain.EINVALID, msg: []string{`"lots" is not an amount`}},
		{name: "below zero", text: "potential set acme welding -5k", code: domain.EINVALID, msg: []string{"An annual potential cannot be below 0; -5k is."}},
		{name: "over the limit", text: "potential set acme welding 1000001m", code: domain.EINVALID,
			msg: []string{"The annual potential is over the limit: at most 1,000,000,000,000."}},
		{name: "a competitor without a name", text: "potential set acme welding 5k competitor note x", code: domain.EINVALID,
			msg: []string{"After `competitor`, say the competitor's name (or `none` to clear it)."}},
		{name: "a note without text", text: "potential set acme welding 5k note", code: domain.EINVALID, msg: []string{"After `note`, say the note"}},
		{name: "a competitor of several words", text: "potential set acme welding 5k competitor a competitor b", want: &domain.Potential{AccountID: "A1",
			Category: "Welding", AnnualPotential: 5000, Competitor: "a competitor b"}},
		{name: "a competitor too long", text: "potential set acme welding 5k competitor " + strings.Repeat("x", 101), code: domain.EINVALID,
			msg: []string{"The competitor's name is 101 characters long; at most 100."}},
		{name: "a note too long", text: "potential set acme welding 5k note " + strings.Repeat("x ", 251), code: domain.EINVALID,
			msg: []string{"The note is 501 characters long; at most 500."}},
		{name: "a word after the amount", text: "potential set acme welding 5k yearly", code: domain.EINVALID,
			msg: []string{"I did not understand \"yearly\" after the amount 5k: only `competitor <name>` and `note <text>` may follow it."}},
		{name: "a category spelt close", text: "potential set acme weldng 5k competitor Airgas", code: domain.ENOTFOUND,
			msg: []string{`No product category is named "weldng". Did you mean one of these?`}, choices: []string{"potential set acme Welding 5k competitor Airgas"}},
		{name: "a category begun", text: "potential set acme hydr 5k", code: domain.ENOTFOUND, choices: []string{"potential set acme Hydraulics 5k"}},
		{name: "no such category", text: "potential set acme plumbing 5k", code: domain.ENOTFOUND,
			msg: []string{`No product category is named "plumbing"`, "Categories: Fasteners, Gloves, Hydraulics, Safety Gloves, Welding."}},
		{name: "an account not named exactly", text: "potential set acme manufactring welding 5k", code: domain.EINVALID,
			msg: []string{"To change data I need the exact name or id"}, choices: []string{"potential set A1 welding 5k"}},
		{name: "an account named loosely", text: "potential set akme welding 5k", code: domain.EINVALID,
			choices: []string{"potential set A1 welding 5k", "potential set A3 welding 5k"}},
		{name: "a territory", text: "potential set north welding 5k", code: domain.EINVALID, msg: []string{"North is a territory"}},
		{name: "two readings", text: "potential set acme safety gloves 5k", code: domain.EINVALID, msg: []string{"Which account and category do you mean?"},
			choices: []string{`potential set A1 "Safety Gloves" 5k`, "potential set A3 Gloves 5k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := potentialStore(t)
			b := potentialBot(s)
			v0, before := state(t, s)
			r := b.Handle(t.Context(), bot.Request{Actor: actor(t, b, "rita@example.com"), Text: tt.text, AsOf: potentialAsOf})
			out := bot.RenderText(r)
			if got := domain.ErrorCode(r.Err); got != tt.code {
				t.Fatalf("error code %q, want %q:\n%s", got, tt.code, out)
			}
			for _, m := range tt.msg {
				if !strings.Contains(out, m) {
					t.Errorf("the reply lacks %q:\n%s", m, out)
				}
			}
			var choices []string
			for _, blk := range r.Blocks {
				if bs, ok := blk.(*bot.Buttons); ok && r.Err != nil {
					for _, x := range bs.Buttons {
						choices = append(choices, x.Command)
					}
				}
			}
			if diff := cmp.Diff(tt.choices, choices); diff != "" {
				t.Errorf("choices (-want +got):\n%s", diff)
			}
			v, after := state(t, s)
			if tt.want == nil {
				if v != v0 || !cmp.Equal(before, after) {
					t.Errorf("a refused command wrote: version %d → %d\n%s", v0, v, cmp.Diff(before, after))
				}
				return
			}
			want := *tt.want
			want.SetBy, want.SetAt = "rita@example.com", potentialNow
			var got *domain.Potential
			for _, p := range after {
				if p.AccountID == want.AccountID && p.Category == want.Category {
					got = &p
				}
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
			if v != v0+1 {
				t.Errorf("data version %d → %d, want one more", v0, v)
			}
			var data bot.PotentialSet
			js, err := bot.RenderJSON(r)
			if err != nil || json.Unmarshal(js, &data) != nil || data.Potential != want || data.After == nil || data.After.Category != want.Category {
				t.Errorf("JSON %s, %v", js, err)
			}
		})
	}
}

// TestPotentialSetAccess sets a potential of Acme (North) as each kind of person: its
// rep, its manager and an admin may; a rep or manager of South and a stranger may not,
// and their attempt changes nothing and says so (as no match, for an account they may
// not see: DESIGN section 4).
func TestPotentialSetAccess(t *testing.T) {
	tests := []struct {
		name  string
		email string // "" for a stranger: a person in no people.csv
		text  string
		code  string
		msg   string
	}{
		{name: "its rep", email: "rita@example.com", text: "potential set acme welding 5k"},
		{name: "its manager", email: "nora@example.com", text: "potential set A1 welding 5k"},
		{name: "an admin", email: "ops@example.com", text: "potential set acme welding 5k"},
		{name: "an admin, South", email: "ops@example.com", text: "potential set southern foods fasteners 70k"},
		{name: "another rep", email: "ray@example.com", text: "potential set acme welding 5k", code: domain.ENOTFOUND, msg: `No account matches "acme".`},
		{name: "another rep, by id", email: "ray@example.com", text: "potential set A1 welding 5k", code: domain.ENOTFOUND, msg: `No account matches "A1".`},
		{name: "a rep, South", email: "rita@example.com", text: "potential set southern foods fasteners 70k", code: domain.ENOTFOUND,
			msg: `No account matches "southern foods".`},
		{name: "another manager", email: "sam@example.com", text: "potential set acme welding 5k", code: domain.ENOTFOUND, msg: `No account matches "acme".`},
		{name: "a stranger", text: "potential set acme welding 5k", code: domain.EFORBIDDEN,
			msg: "Potentials are set by the reps, managers and admins of people.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := potentialStore(t)
			b := potentialBot(s)
			as := bot.Actor{Person: domain.Person{Email: "who@example.com"}}
			if tt.email != "" {
				as = actor(t, b, tt.email)
			}
			v0, before := state(t, s)
			r := b.Handle(t.Context(), bot.Request{Actor: as, Text: tt.text, AsOf: potentialAsOf})
			out := bot.RenderText(r)
			v, after := state(t, s)
			if tt.code == "" {
				if r.Err != nil || v != v0+1 || cmp.Equal(before, after) {
					t.Errorf("not recorded: version %d → %d\n%s", v0, v, out)
				}
				return
			}
			if domain.ErrorCode(r.Err) != tt.code || !strings.Contains(out, tt.msg) {
				t.Errorf("error code %q (want %q), reply lacks %q:\n%s", domain.ErrorCode(r.Err), tt.code, tt.msg, out)
			}
			if v != v0 || !cmp.Equal(before, after) {
				t.Errorf("a refused command wrote: version %d → %d\n%s", v0, v, cmp.Diff(before, after))
			}
			if strings.Contains(out, "67,890") || strings.Contains(out, "12,345") || strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}
	// Someone people.csv does not list is refused before any command.
	b := potentialBot(potentialStore(t))
	if _, err := b.ActorByEmail(t.Context(), "who@example.com"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a stranger: %v, want not found", err)
	}
	// A store that cannot record potentials says so.
	b.Potentials = nil
	r := b.Handle(t.Context(), bot.Request{Actor: bot.Admin("ops"), Text: "potential set acme welding 5k", AsOf: potentialAsOf})
	if !strings.Contains(bot.RenderText(r), "cannot record potentials from chat; import potential.csv instead") {
		t.Errorf("without a writer:\n%s", bot.RenderText(r))
	}
}

// TestPotentialSetShowsAtOnce sets a potential through a bot whose replies are cached:
// the account's gap, its territory's and the deal suggestions read it at once.
func TestPotentialSetShowsAtOnce(t *testing.T) {
	s := potentialStore(t)
	b := potentialBot(s)
	b.Cache, b.Sessions = &memory.Store{}, &memory.Store{}
	rita := actor(t, b, "rita@example.com")
	ask := func(text string) bot.Reply {
		t.Helper()
		r := b.Handle(t.Context(), bot.Request{Actor: rita, Text: text, AsOf: potentialAsOf})
		if r.Err != nil {
			t.Fatalf("%s: %s", text, bot.RenderText(r))
		}
		return r
	}
	gloves := func(r bot.Reply) domain.CategoryGap {
		t.Helper()
		var g domain.AccountGap
		js, _ := bot.RenderJSON(r)
		if err := json.Unmarshal(js, &g); err != nil {
			t.Fatal(err)
		}
		for _, c := range g.Categories {
			if c.Category == "Gloves" {
				return c
			}
		}
		t.Fatalf("no Gloves in the gap:\n%s", js)
		return domain.CategoryGap{}
	}
	territory := func() float64 {
		var r domain.Rollup
		js, _ := bot.RenderJSON(ask("gap territory north"))
		if err := json.Unmarshal(js, &r); err != nil {
			t.Fatal(err)
		}
		return r.Totals.Potential
	}
	if c := gloves(ask("gap acme")); c.PotentialSource != domain.PotentialNone || c.Potential != 800 {
		t.Fatalf("before: %+v", c)
	}
	before := territory()
	if !strings.Contains(bot.RenderText(ask("gap acme")), "Set potential: Gloves") {
		t.Errorf("the gap offers no button to set Gloves' potential:\n%s", bot.RenderText(ask("gap acme")))
	}
	ask("potential set acme gloves 9k competitor Uline")
	if c := gloves(ask("gap acme")); c.PotentialSource != domain.PotentialEstimate || c.Potential != 9000 || c.Gap != 8200 || c.Competitor != "Uline" {
		t.Errorf("after: %+v", c)
	}
	if after := territory(); after != before+8200 {
		t.Errorf("North's potential %v → %v, want 8,200 more", before, after)
	}
	if out := bot.RenderText(ask("deal suggest acme")); !strings.Contains(out, "Gloves") {
		t.Errorf("the suggestions do not see the gap on Gloves:\n%s", out)
	}
}

// TestGapOffersSetPotential checks the gap's "Set potential" buttons: one for each
// category without an estimate (the biggest first, three at most), each with a form
// whose values make a `potential set` that works; none where the store cannot record
// potentials.
func TestGapOffersSetPotential(t *testing.T) {
	s := potentialStore(t)
	b := potentialBot(s)
	admin := bot.Admin("ops")
	r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "gap acme", AsOf: potentialAsOf})
	var forms []bot.Button
	for _, blk := range r.Blocks {
		if bs, ok := blk.(*bot.Buttons); ok {
			for _, x := range bs.Buttons {
				if x.Form != nil && !strings.HasPrefix(x.Label, "Plan it: ") {
					forms = append(forms, x)
				}
			}
		}
	}
	if len(forms) != 1 || forms[0].Label != "Set potential: Gloves" || forms[0].Command != "potential set A1 Gloves" {
		t.Fatalf("the gap's form buttons: %+v\n%s", forms, bot.RenderText(r))
	}
	if out := bot.RenderText(r); !strings.Contains(out, "Estimate it here (`potential set`) or in potential.csv.") ||
		!strings.Contains(out, "Set potential: Gloves: potential set A1 Gloves <amount> [competitor <competitor>] [note <note>]") {
		t.Errorf("the gap's text:\n%s", out)
	}
	cmd, err := forms[0].Form.Command(forms[0].Command, map[string]string{"amount": " 2,500 ", "competitor": "Work \"Pro\" Supply", "note": ""})
	if err != nil || cmd != `potential set A1 Gloves 2,500 competitor "Work 'Pro' Supply"` {
		t.Fatalf("the form's command: %q, %v", cmd, err)
	}
	if _, err := forms[0].Form.Command(forms[0].Command, map[string]string{"competitor": "x"}); bot.ErrorField(err) != "" ||
		!strings.Contains(bot.ErrorText(err), "Fill in annual potential.") {
		t.Errorf("no amount: %v", err)
	}
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: cmd, AsOf: potentialAsOf})
	if r.Err != nil {
		t.Fatalf("%s: %s", cmd, bot.RenderText(r))
	}
	_, ps := state(t, s)
	if !slices.ContainsFunc(ps, func(p domain.Potential) bool {
		return p.AccountID == "A1" && p.Category == "Gloves" && p.AnnualPotential == 2500 && p.Competitor == "Work 'Pro' Supply"
	}) {
		t.Errorf("the form's command recorded: %+v", ps)
	}
	// A value the grammar refuses names its field.
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "potential set A1 Gloves lots", AsOf: potentialAsOf})
	if bot.ErrorField(r.Err) != "amount" {
		t.Errorf("a bad amount's field: %q (%v)", bot.ErrorField(r.Err), r.Err)
	}
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "potential set A1 Gloves 5 note " + strings.Repeat("x", 501), AsOf: potentialAsOf})
	if bot.ErrorField(r.Err) != "note" {
		t.Errorf("a long note's field: %q (%v)", bot.ErrorField(r.Err), r.Err)
	}

	// Without a writer, the gap says where potentials come from.
	b = potentialBot(s)
	b.Potentials = nil
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "gap bolt supply", AsOf: potentialAsOf})
	if out := bot.RenderText(r); strings.Contains(out, "potential set") || !strings.Contains(out, "Add it to potential.csv.") {
		t.Errorf("a store without potentials from chat:\n%s", out)
	}
}

// TestFormCommand checks how a form's values make a command.
func TestFormCommand(t *testing.T) {
	f := &bot.Form{Fields: []bot.FormField{
		{Name: "amount", Label: "Amount", MaxLength: 5},
		{Name: "who", Label: "Who", Keyword: "competitor", Optional: true},
		{Name: "note", Label: "Note", Keyword: "note", Optional: true, MaxLength: 10},
	}}
	tests := []struct {
		values map[string]string
		want   string
		bad    []string
	}{
		{map[string]string{"amount": "5k"}, "set x 5k", nil},
		{map[string]string{"amount": "5k", "who": " Acme   Tools ", "note": "a “b”"}, `set x 5k competitor "Acme Tools" note "a 'b'"`, nil},
		{map[string]string{"who": "x", "note": "01234567890"}, "", []string{"amount", "note"}},
		{map[string]string{"amount": "123456"}, "", []string{"amount"}},
	}
	for _, tt := range tests {
		got, err := f.Command("set x", tt.values)
		var bad []string
		var fe *bot.FormError
		if errors.As(err, &fe) {
			for _, name := range []string{"amount", "who", "note"} {
				if fe.Fields[name] != "" {
					bad = append(bad, name)
				}
			}
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%v: code %q", tt.values, domain.ErrorCode(err))
			}
		}
		if got != tt.want || !cmp.Equal(bad, tt.bad) {
			t.Errorf("Command(%v) = %q, bad %v; want %q, %v", tt.values, got, bad, tt.want, tt.bad)
		}
	}
	if got := f.Usage("set x"); got != "set x <amount> [competitor <who>] [note <note>]" {
		t.Errorf("Usage = %q", got)
	}
	bare := f.Bare()
	if got, _ := bare.Command("set x", map[string]string{"amount": "1", "who": "y"}); got != "set x 1 competitor y" {
		t.Errorf("the bare form's command: %q", got)
	}
}

// TestPotentialSetDuringImport: a potential set while an import runs waits for it, then
// tells the person to try again (not the apology of an internal error); once the import
// is over, the same command writes.
func TestPotentialSetDuringImport(t *testing.T) {
	s := potentialStore(t)
	s.SetImportWait(20 * time.Millisecond)
	b := potentialBot(s)
	rita := actor(t, b, "rita@example.com")
	const text = "potential set acme hydraulics 120k"
	batch, err := s.BeginImport(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Rollback()
	v0, before := state(t, s)
	r := b.Handle(t.Context(), bot.Request{Actor: rita, Text: text, AsOf: potentialAsOf})
	out := bot.RenderText(r)
	if domain.ErrorCode(r.Err) != domain.ECONFLICT || !strings.Contains(out, "Data is being imported right now; try again in a minute.") ||
		strings.Contains(out, bot.Apology) {
		t.Errorf("during the import: %v\n%s", r.Err, out)
	}
	if v, after := state(t, s); v != v0 || !cmp.Equal(before, after) {
		t.Errorf("a refused command wrote: version %d → %d", v0, v)
	}
	if err := batch.Rollback(); err != nil {
		t.Fatal(err)
	}
	r = b.Handle(t.Context(), bot.Request{Actor: rita, Text: text, AsOf: potentialAsOf})
	if r.Err != nil {
		t.Errorf("after the import: %v\n%s", r.Err, bot.RenderText(r))
	}
	if v, _ := state(t, s); v != v0+1 {
		t.Errorf("after the import: version %d, want %d", v, v0+1)
	}
}
