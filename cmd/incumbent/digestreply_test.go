package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// digestDB imports testdata/digestdata, a hand-made company whose digest is worked out
// by hand below, into a new database. As of Friday 2026-11-27 (W = 2025-11-28 …
// 2026-11-27), North sells 27,000: Acme Manufacturing (N1) 15,000 of fasteners and
// 5,000 of safety at 40% GP, pays on time: Business Build; Birch Supply (N2) 5,000 of
// welding at 20%, pays 53 days late on average: Operational Drain; Cedar Works (N3)
// 2,000 of safety at 35%: Convenient Sale; Dune Prospects (N4) buys nothing yet: not
// graded. South's Southern Foods sells 10,000 at 30%. The company's GP% is 12,700 /
// 37,000.
func digestDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "digest.db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, "testdata/digestdata"); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	return db
}

// openStore opens db for a test that reads or writes it directly.
func openStore(t *testing.T, db string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// lastWeek is North's digest of the week before: smaller, with Acme a Core Customer and
// Birch a Core Customer too.
var lastWeek = domain.DigestSnapshot{Territory: "North", Week: domain.NewDate(2026, 11, 23), AsOf: domain.NewDate(2026, 11, 23),
	Current: 25000, Potential: 76000, Gap: 51000, Share: 25000.0 / 76000,
	Tiers: map[string]string{"N1": domain.TierCoreCustomer, "N2": domain.TierCoreCustomer,
		"N3": domain.TierConvenientSale, "N9": domain.TierBusinessBuild},
	CreatedAt: time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)}

func digestJSON(t *testing.T, db string, args ...string) domain.Digest {
	t.Helper()
	code, out := ask(t, db, append([]string{"--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("status %d\n%s", code, out)
	}
	var d domain.Digest
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return d
}

// TestDigestFigures checks North's digest preview through the real store against
// hand-worked figures, compared with last week's snapshot, and its text against the
// golden file.
func TestDigestFigures(t *testing.T) {
	db := digestDB(t)
	if err := openStore(t, db).SaveDigestSnapshot(t.Context(), lastWeek); err != nil {
		t.Fatal(err)
	}
	got := digestJSON(t, db, "digest north")

	const company = 12700.0 / 37000 // Dune's hydraulics: nobody buys them
	elapsed := 331.0 / 365
	want := domain.Digest{
		// Friday 27 November, 04:30 in New York: the next digest is Monday's.
		Territory: "North", Week: domain.NewDate(2026, 11, 30), AsOf: domain.NewDate(2026, 11, 27), Accounts: 4,
		Totals: domain.GapTotals{Current: 27000, Potential: 76500, Gap: 49500, Share: 27000.0 / 76500,
			GapGP:    10000*0.4 + 8000*0.2 + 15000*0.2 + 4000*0.35 + 10000*company + 2500*0.36,
			Pipeline: 3000 + 6000 + 4000 + 2000 + 2500, WeightedPipeline: 1200 + 4200 + 800 + 600 + 250,
			Uncovered: 4000 + 5000 + 11000 + 4000 + 7500 + 2500},
		Change: &domain.DigestChange{Since: domain.NewDate(2026, 11, 23), Current: 2000, Potential: 500, Gap: -1500,
			Share: 27000.0/76500 - 25000.0/76000},
		// Uncovered GP × tier weight: Birch's welding has the most uncovered GP (2,200)
		// but Birch is an Operational Drain (×0.25).
		Whitespace: []domain.Whitespace{
			{AccountID: "N1", Name: "Acme Manufacturing", Tier: domain.TierBusinessBuild, Category: "Fasteners", Competitor: "Fastenal",
				Gap: 10000, Uncovered: 4000, GPRate: 0.4, UncoveredGP: 1600, Weight: 1, Score: 1600},
			{AccountID: "N4", Name: "Dune Prospects", Category: "Hydraulics", Competitor: "Parker",
				Gap: 10000, Uncovered: 7500, GPRate: company, UncoveredGP: 7500 * company, Weight: 0.5, Score: 7500 * company * 0.5},
			{AccountID: "N1", Name: "Acme Manufacturing", Tier: domain.TierBusinessBuild, Category: "Welding", Competitor: "Airgas",
				Gap: 8000, Uncovered: 5000, GPRate: 0.2, UncoveredGP: 1000, Weight: 1, Score: 1000},
			{AccountID: "N3", Name: "Cedar Works", Tier: domain.TierConvenientSale, Category: "Safety", Competitor: "Grainger",
				Gap: 4000, Uncovered: 4000, GPRate: 0.35, UncoveredGP: 1400, Weight: 0.5, Score: 700},
			{AccountID: "N2", Name: "Birch Supply", Tier: domain.TierOperationalDrain, Category: "Welding", Competitor: "Airgas",
				Gap: 15000, Uncovered: 11000, GPRate: 0.2, UncoveredGP: 2200, Weight: 0.25, Score: 550},
		},
		WhitespaceMore: 1, // Dune's fasteners: 2,500 at the company's 36% (Acme's and Southern's), half
		// O3 closes in 31 days, O5 and O6 are past or due on the as-of date, O4 is won,
		// O7 lost, O8 is South's.
		Closing: []domain.ClosingOpportunity{
			{OppID: "O2", AccountID: "N1", AccountName: "Acme Manufacturing", Name: "Bolt contract", Category: "Fasteners",
				Value: 6000, Stage: "negotiation", Probability: 0.7, CloseDate: domain.NewDate(2026, 12, 27), DaysToClose: 30, NextStep: "Send the revised price list"},
			{OppID: "O1", AccountID: "N1", AccountName: "Acme Manufacturing", Name: "Welding trial", Category: "Welding",
				Value: 3000, Stage: "proposal", Probability: 0.4, CloseDate: domain.NewDate(2026, 12, 15), DaysToClose: 18, NextStep: "Demo at the plant"},
		},
		ClosingValue: 9000,
		Movers: []domain.TierMove{
			{AccountID: "N2", Name: "Birch Supply", From: domain.TierCoreCustomer, To: domain.TierOperationalDrain},
			{AccountID: "N1", Name: "Acme Manufacturing", From: domain.TierCoreCustomer, To: domain.TierBusinessBuild, Up: true},
		},
		// I2 open 60 days past due; I3 paid on 3 December, after the as-of date, so open
		// on it, 38 days; Cedar's I4 is exactly 30 days past due: not yet.
		LatePayers: []domain.LatePayer{{AccountID: "N2", Name: "Birch Supply", Tier: domain.TierOperationalDrain, Invoices: 2,
			Overdue: 3000, DaysLate: 60, FinancingCost: (2000*60 + 1000*38) * 0.08 / 365}},
		Pace: domain.DigestPace{Year: 2026, HasObjective: true, Target: 40000, YTD: 27000, Expected: 40000 * elapsed,
			Pace: ptr(27000 / (40000 * elapsed)), Behind: 40000*elapsed - 27000, Projection: 27000 / elapsed,
			NeededPerMonth: ptr(13000 / (12 * (1 - elapsed))), DaysLeft: 34},
		Categories: []domain.DigestCategory{
			{Category: "Welding", Current: 5000, Potential: 28000},
			{Category: "Fasteners", Current: 15000, Potential: 27500},
			{Category: "Safety", Current: 7000, Potential: 11000},
			{Category: "Hydraulics", Potential: 10000},
		},
	}
	opts := cmp.Options{cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreUnexported(domain.Digest{})}
	if diff := cmp.Diff(inJSON(want), got, opts); diff != "" {
		t.Errorf("digest north (-want +got):\n%s", diff)
	}

	code, out := ask(t, db, "digest north")
	if code != 0 {
		t.Fatalf("status %d\n%s", code, out)
	}
	golden(t, filepath.Join("testdata", "golden", "digest.txt"), out)

	// A preview saves nothing: the next digest still compares with last week's.
	prev, err := openStore(t, db).PreviousDigestSnapshot(t.Context(), "North", "2026-12-31")
	if err != nil || prev.Week != lastWeek.Week {
		t.Errorf("latest snapshot after a preview: %+v, %v; want last week's", prev, err)
	}
}

// failingCharter is a Charter that cannot draw.
type failingCharter struct{}

func (failingCharter) CategoryChart(string, []string, []float64, []float64, func(float64) string) ([]byte, error) {
	return nil, errors.New("no fonts today")
}

// TestDigestScheduled builds the digests a scheduler sends, through the real store:
// each saves its week's snapshot, the next compares with it, and the chart comes along.
func TestDigestScheduled(t *testing.T) {
	ctx := t.Context()
	db := digestDB(t)
	store := openStore(t, db)
	b := bot.New(store)
	b.Now = func() time.Time { return time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC) }
	b.Charter = plot.Charter{}
	version, _ := store.DataVersion(ctx)

	r, err := b.Digest(ctx, "North", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "2026-11-30")
	if err != nil || r.Err != nil {
		t.Fatalf("digest: %v %v", err, r.Err)
	}
	text := bot.RenderText(r)
	for _, s := range []string{"North — weekly digest, week of 30 Nov 2026", "First digest of North",
		"[image: Current vs potential by category in North: Welding $5,000 of $28,000; Fasteners $15,000 of $27,500"} {
		if !strings.Contains(text, s) {
			t.Errorf("scheduled digest lacks %q:\n%s", s, text)
		}
	}
	var img *bot.Image
	for _, blk := range r.Blocks {
		switch blk := blk.(type) {
		case *bot.Image:
			img = blk
		case *bot.Buttons:
			for _, bt := range blk.Buttons {
				if bt.Command == bot.ShareCommand {
					t.Errorf("a scheduled digest has a Share button: it is posted for the channel")
				}
			}
		}
	}
	if img == nil {
		t.Fatal("no chart")
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img.PNG)); err != nil || cfg.Width != plot.Width || cfg.Height != plot.Height {
		t.Errorf("chart: %+v, %v; want a %d×%d PNG", cfg, err, plot.Width, plot.Height)
	}
	d := r.Data.(domain.Digest)
	saved, err := store.PreviousDigestSnapshot(ctx, "North", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	want := d.Snapshot()
	want.CreatedAt = b.Now()
	if diff := cmp.Diff(want, saved); diff != "" {
		t.Errorf("saved snapshot (-want +got):\n%s", diff)
	}
	if len(saved.Tiers) != 3 {
		t.Errorf("snapshot tiers %v: want Acme, Birch and Cedar (Dune is not graded)", saved.Tiers)
	}

	// A week later, with the same data: compared with last week's, nothing changed.
	b.Now = func() time.Time { return time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC) }
	for range 2 { // sent twice for the week: the second replaces the first's snapshot
		if r, err = b.Digest(ctx, "North", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), "2026-12-07"); err != nil {
			t.Fatal(err)
		}
	}
	d = r.Data.(domain.Digest)
	if d.FirstDigest || d.Change == nil || d.Change.Since.String() != "2026-11-30" || d.Change.Gap != 0 || len(d.Movers) != 0 {
		t.Errorf("second digest: first %v, change %+v, movers %v; want no change since 2026-11-30", d.FirstDigest, d.Change, d.Movers)
	}
	text = bot.RenderText(r)
	for _, s := range []string{"Gap:       $49,500 (no change since last week)", "*Tier movers since last week*: none."} {
		if !strings.Contains(text, s) {
			t.Errorf("second digest lacks %q:\n%s", s, text)
		}
	}
	if s, err := store.PreviousDigestSnapshot(ctx, "North", "2026-12-08"); err != nil || s.Week.String() != "2026-12-07" {
		t.Errorf("latest snapshot: %+v, %v", s, err)
	}
	if s, err := store.PreviousDigestSnapshot(ctx, "North", "2026-12-07"); err != nil || s.Week.String() != "2026-11-30" {
		t.Errorf("snapshot before 2026-12-07: %+v, %v", s, err)
	}
	if v, _ := store.DataVersion(ctx); v != version {
		t.Errorf("data version %d → %d: digests change no data", version, v)
	}

	// Without a chart, or when it fails, the digest goes out all the same.
	b.Charter = failingCharter{}
	if r, err = b.Digest(ctx, "South", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "2026-12-04"); err != nil || r.Err != nil {
		t.Fatalf("South: %v %v", err, r.Err)
	}
	if strings.Contains(bot.RenderText(r), "[image") || !strings.Contains(bot.RenderText(r), "South — weekly digest, week of 4 Dec 2026") {
		t.Errorf("South without a chart:\n%s", bot.RenderText(r))
	}

	if _, err := b.Digest(ctx, "East", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "2026-12-04"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown territory: %v", err)
	}
	if _, err := b.Digest(ctx, "North", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "next week"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("bad week: %v", err)
	}
}

// TestDigestAccess checks that a digest is seen as a territory's gap is: a rep their
// territory, a manager theirs, an admin every one.
func TestDigestAccess(t *testing.T) {
	db := digestDB(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"rep, own territory", []string{"--as", "rita@example.com", "digest north"}, 0, "North — weekly digest preview, week of 30 Nov 2026"},
		{"rep, alone: their territory", []string{"--as", "rita@example.com", "digest"}, 0, "North — weekly digest preview"},
		{"manager, by prefix", []string{"--as", "nora@example.com", "digest nor"}, 0, "North — weekly digest preview"},
		{"admin, another time zone", []string{"digest South"}, 0, "South — weekly digest preview, week of 4 Dec 2026"},
		{"rep, other territory", []string{"--as", "ray@example.com", "digest north"}, 1, `Not yours to see: Territory "North" is outside your territories (South).`},
		{"manager, other territory", []string{"--as", "sam@example.com", "digest north"}, 1, `Territory "North" is outside your territories (South).`},
		{"unknown territory", []string{"digest nowhere"}, 1, `No territory matches "nowhere". Yours: North, South.`},
		{"admin, alone", []string{"digest"}, 1, "Digest of which territory? Usage: `digest <territory>`"},
		{"before any data", []string{"--as-of", "2020-01-01", "digest north"}, 1, "The as-of date 2020-01-01 is before any sales"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out := ask(t, db, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("status %d (want %d), reply lacks %q:\n%s", code, tt.code, tt.want, out)
			}
			if tt.code != 0 && strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}
}

// TestDigestSettings changes a territory's digest schedule from chat: managers of the
// territory and admins only, every bad value refused with what is allowed, and nothing
// changed by a refusal.
func TestDigestSettings(t *testing.T) {
	db := digestDB(t)
	_, version := counts(t, db)
	settings := func() bot.DigestSchedule {
		t.Helper()
		code, out := ask(t, db, "--format", "json", "digest settings north")
		var s bot.DigestSchedule
		if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil {
			t.Fatalf("status %d, %v\n%s", code, err, out)
		}
		return s
	}
	imported := bot.DigestSchedule{Territory: "North", Day: "mon", Hour: 8, Channel: "#sales-north", Timezone: "America/New_York",
		Next: "2026-11-30T08:00:00-05:00", Changed: []string{}}
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Fatalf("settings as imported (-want +got):\n%s", diff)
	}
	code, out := ask(t, db, "--as", "nora@example.com", "digest settings north")
	if code != 0 || !strings.Contains(out, "The digest of North goes out *Mondays at 08:00 America/New_York to #sales-north*.") {
		t.Errorf("show: status %d\n%s", code, out)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"rep", []string{"--as", "rita@example.com", "digest settings north hour 9"}, "A territory's digest is set by its manager or an admin"},
		{"manager of another territory", []string{"--as", "sam@example.com", "digest settings north hour 9"}, `Territory "North" is outside your territories (South).`},
		{"no territory", []string{"digest settings hour 9"}, "Digest settings of which territory?"},
		{"unknown territory", []string{"digest settings east hour 9"}, `No territory matches "east".`},
		{"day", []string{"digest settings north hour 9 day funday"}, `"funday" is not a day: use mon, tue, wed, thu, fri, sat or sun. Nothing was changed.`},
		{"hour too late", []string{"digest settings north hour 24"}, `"24" is not an hour: use a whole hour from 0 to 23 (e.g. 8, 08:00 or 5pm).`},
		{"half hour", []string{"digest settings north hour 9:30"}, `"9:30" is not an hour`},
		{"channel", []string{`digest settings north channel "sales north"`}, `"sales north" is not a channel: use #name, a channel id, or none.`},
		{"time zone", []string{"digest settings north timezone Mars/Olympus"}, `"Mars/Olympus" is not an IANA time zone: use a name such as Europe/Berlin, America/Chicago or UTC.`},
		{"unknown setting", []string{"digest settings north hour 9 colour red"}, `I don't know the setting "colour": use day, hour, channel or timezone.`},
		{"twice", []string{"digest settings north day mon hour 9 day tue"}, `"day" is given twice`},
		{"no value", []string{"digest settings north hour"}, `"hour" needs a value.`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out := ask(t, db, tt.args...)
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("status %d (want 1), reply lacks %q:\n%s", code, tt.want, out)
			}
		})
	}
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Fatalf("settings after refusals (-want +got):\n%s", diff)
	}

	code, out = ask(t, db, "--as", "nora@example.com", "digest settings north day tue hour 9am channel #north-digest timezone Europe/Berlin")
	for _, s := range []string{"The digest of North now goes out *Tuesdays at 09:00 Europe/Berlin to #north-digest* (was Mondays at 08:00 America/New_York to #sales-north).",
		"Next digest: Tuesday 1 Dec 2026 at 09:00 CET", "A later import of territories.csv replaces these settings."} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("status %d, reply lacks %q:\n%s", code, s, out)
		}
	}
	changed := bot.DigestSchedule{Territory: "North", Day: "tue", Hour: 9, Channel: "#north-digest", Timezone: "Europe/Berlin",
		Next: "2026-12-01T09:00:00+01:00", Changed: []string{}}
	if diff := cmp.Diff(changed, settings()); diff != "" {
		t.Errorf("settings after the change (-want +got):\n%s", diff)
	}
	if code, out := ask(t, db, "digest north"); code != 0 || !strings.Contains(out, "week of 1 Dec 2026") ||
		!strings.Contains(out, "the digest goes out Tuesdays at 09:00 Europe/Berlin to #north-digest.") {
		t.Errorf("preview after the change: status %d\n%s", code, out)
	}

	// A Slack channel reference keeps its id; none clears the channel; UTC in any case.
	code, out = ask(t, db, "--format", "json", "digest settings north channel <#C0123ABC|north-digest> timezone utc")
	var s bot.DigestSchedule
	if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil || s.Channel != "C0123ABC" || s.Timezone != "UTC" ||
		!cmp.Equal(s.Changed, []string{"channel", "timezone"}) {
		t.Errorf("channel reference: status %d, %+v, %v\n%s", code, s, err, out)
	}
	if code, out := ask(t, db, "digest settings north channel none"); code != 0 || !strings.Contains(out, "Tuesdays at 09:00 UTC to nora@example.com directly (no channel set)") {
		t.Errorf("no channel: status %d\n%s", code, out)
	}
	if _, v := counts(t, db); v != version {
		t.Errorf("data version %d → %d: digest settings are not data the figures read", version, v)
	}

	// A later import of territories.csv wins, as for objectives set in chat.
	if code, out, errOut := run(t, "", nil, "import", "--db", db, "testdata/digestdata"); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Errorf("settings after importing territories.csv again (-want +got):\n%s", diff)
	}
}

// TestDigestHelp checks that help lists digest.
func TestDigestHelp(t *testing.T) {
	db := digestDB(t)
	code, out := ask(t, db, "help")
	if code != 0 || !strings.Contains(out, "digest <territory> | digest settings <territory>") {
		t.Errorf("help: status %d\n%s", code, out)
	}
	code, out = ask(t, db, "help digest")
	if code != 0 || !strings.Contains(out, "preview a territory's weekly digest") {
		t.Errorf("help digest: status %d\n%s", code, out)
	}
}
