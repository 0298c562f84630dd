package bot_test

// The digests of testdata/digestdata, a hand-made company whose digest is worked out by
// hand below. As of Friday 2026-11-27 (W = 2025-11-28 … 2026-11-27), North sells
// 27,000: Acme Manufacturing (N1) 15,000 of fasteners and 5,000 of safety at 40% GP,
// pays on time: Business Build; Birch Supply (N2) 5,000 of welding at 20%, pays 53 days
// late on average: Operational Drain; Cedar Works (N3) 2,000 of safety at 35%:
// Convenient Sale; Dune Prospects (N4) buys nothing yet: not graded. South's Southern
// Foods sells 10,000 at 30%. The company's GP% is 12,700 / 37,000.

import (
	"bytes"
	"errors"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// lastWeek is North's digest of the week before: smaller, with Acme a Core Customer and
// Birch a Core Customer too.
var lastWeek = domain.DigestSnapshot{Territory: "North", Week: domain.NewDate(2026, 11, 23), AsOf: domain.NewDate(2026, 11, 23),
	Current: 25000, Potential: 76000, Gap: 51000, Share: 25000.0 / 76000,
	Tiers: map[string]string{"N1": domain.TierCoreCustomer, "N2": domain.TierCoreCustomer,
		"N3": domain.TierConvenientSale, "N9": domain.TierBusinessBuild},
	CreatedAt: time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)}

// TestDigestFigures checks North's digest preview through the store against
// hand-worked figures, compared with last week's snapshot, and its text against the
// golden file.
func TestDigestFigures(t *testing.T) {
	b := newTestBot(t, "digestdata")
	if err := b.Snapshots.SaveDigestSnapshot(t.Context(), lastWeek); err != nil {
		t.Fatal(err)
	}
	got := askJSON[domain.Digest](t, b, "digest north")

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
			{Category: "Welding", Current: 5000, Potential: 28000, Gap: 23000, Uncovered: 16000},
			{Category: "Fasteners", Current: 15000, Potential: 27500, Gap: 12500, Uncovered: 6500},
			{Category: "Safety", Current: 7000, Potential: 11000, Gap: 4000, Uncovered: 4000},
			{Category: "Hydraulics", Potential: 10000, Gap: 10000, Uncovered: 7500},
		},
	}
	opts := cmp.Options{cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreUnexported(domain.Digest{})}
	if diff := cmp.Diff(inJSON(want), got, opts); diff != "" {
		t.Errorf("digest north (-want +got):\n%s", diff)
	}

	out, err := ask(t, b, "digest north")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, filepath.Join("golden", "digest.txt"), []byte(out))

	// A preview saves nothing: the next digest still compares with last week's.
	prev, err := b.Snapshots.PreviousDigestSnapshot(t.Context(), "North", "2026-12-31")
	if err != nil || prev.Week != lastWeek.Week {
		t.Errorf("latest snapshot after a preview: %+v, %v; want last week's", prev, err)
	}
}

// failingCharter is a Charter that cannot draw.
type failingCharter struct{}

func (failingCharter) Draw(*bot.Chart) ([]byte, error) {
	return nil, errors.New("no fonts today")
}

// TestDigestScheduled builds the digests a scheduler sends, through the store: each
// saves its week's snapshot, the next compares with it, and the chart comes along.
func TestDigestScheduled(t *testing.T) {
	ctx := t.Context()
	b := newTestBot(t, "digestdata", func(b *bot.Bot) { b.Now = func() time.Time { return time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC) } })
	store := b.Store.(bot.DigestSnapshotStore)
	version, _ := b.Store.DataVersion(ctx)

	r, err := b.Digest(ctx, "North", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "2026-11-30")
	if err != nil || r.Err != nil {
		t.Fatalf("digest: %v %v", err, r.Err)
	}
	text := bot.RenderText(r)
	for _, s := range []string{"North — weekly digest, week of 30 Nov 2026", "First digest of North",
		"[chart: Current vs potential by category in North, largest gap first: Welding $5,000 of $28,000, $16,000 with no plan"} {
		if !strings.Contains(text, s) {
			t.Errorf("scheduled digest lacks %q:\n%s", s, text)
		}
	}
	var img *bot.Image
	for _, blk := range b.Drawn(ctx, r).Blocks {
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
	if v, _ := b.Store.DataVersion(ctx); v != version {
		t.Errorf("data version %d → %d: digests change no data", version, v)
	}

	// Without a chart, or when it fails, the digest goes out all the same.
	b.Charter = failingCharter{}
	if r, err = b.Digest(ctx, "South", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "2026-12-04"); err != nil || r.Err != nil {
		t.Fatalf("South: %v %v", err, r.Err)
	}
	if strings.Contains(bot.RenderText(b.Drawn(ctx, r)), "[image") || !strings.Contains(bot.RenderText(r), "South — weekly digest, week of 4 Dec 2026") {
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
	b := newTestBot(t, "digestdata")
	for _, tt := range []struct {
		name, text string
		opts       []askOption
		refused    bool
		want       string
	}{
		{"rep, own territory", "digest north", []askOption{as("rita@example.com")}, false, "North — weekly digest preview, week of 30 Nov 2026"},
		{"rep, alone: their territory", "digest", []askOption{as("rita@example.com")}, false, "North — weekly digest preview"},
		{"manager, by prefix", "digest nor", []askOption{as("nora@example.com")}, false, "North — weekly digest preview"},
		{"admin, another time zone", "digest South", nil, false, "South — weekly digest preview, week of 4 Dec 2026"},
		{"rep, other territory", "digest north", []askOption{as("ray@example.com")}, true, `Not yours to see: Territory "North" is outside your territories (South).`},
		{"manager, other territory", "digest north", []askOption{as("sam@example.com")}, true, `Territory "North" is outside your territories (South).`},
		{"unknown territory", "digest nowhere", nil, true, `No territory matches "nowhere". Yours: North, South.`},
		{"admin, alone", "digest", nil, true, "Digest of which territory? Usage: `digest <territory>`"},
		{"before any data", "digest north", []askOption{on("2020-01-01")}, true, "The as-of date 2020-01-01 is before any sales"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if (err != nil) != tt.refused || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one: %v), reply lacks %q:\n%s", err, tt.refused, tt.want, out)
			}
			if tt.refused && strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}
}

// TestDigestSettings changes a territory's digest schedule from chat: managers of the
// territory and admins only, every bad value refused with what is allowed, and nothing
// changed by a refusal.
func TestDigestSettings(t *testing.T) {
	b := newTestBot(t, "digestdata")
	version, err := b.Store.DataVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	settings := func() bot.DigestSchedule {
		t.Helper()
		return askJSON[bot.DigestSchedule](t, b, "digest settings north")
	}
	imported := bot.DigestSchedule{Territory: "North", Day: "mon", Hour: 8, Channel: "#sales-north", Timezone: "America/New_York",
		Next: "2026-11-30T08:00:00-05:00", Changed: []string{}}
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Fatalf("settings as imported (-want +got):\n%s", diff)
	}
	out, err := ask(t, b, "digest settings north", as("nora@example.com"))
	if err != nil || !strings.Contains(out, "The digest of North goes out *Mondays at 08:00 America/New_York to #sales-north*.") {
		t.Errorf("show: %v\n%s", err, out)
	}

	for _, tt := range []struct {
		name, text string
		opts       []askOption
		want       string
	}{
		{"rep", "digest settings north hour 9", []askOption{as("rita@example.com")}, "A territory's digest is set by its manager or an admin"},
		{"manager of another territory", "digest settings north hour 9", []askOption{as("sam@example.com")}, `Territory "North" is outside your territories (South).`},
		{"no territory", "digest settings hour 9", nil, "Digest settings of which territory?"},
		{"unknown territory", "digest settings east hour 9", nil, `No territory matches "east".`},
		{"day", "digest settings north hour 9 day funday", nil, `"funday" is not a day: use mon, tue, wed, thu, fri, sat or sun. Nothing was changed.`},
		{"hour too late", "digest settings north hour 24", nil, `"24" is not an hour: use a whole hour from 0 to 23 (e.g. 8, 08:00 or 5pm).`},
		{"half hour", "digest settings north hour 9:30", nil, `"9:30" is not an hour`},
		{"channel", `digest settings north channel "sales north"`, nil, `"sales north" is not a channel: use #name, a channel id, or none.`},
		{"time zone", "digest settings north timezone Mars/Olympus", nil, `"Mars/Olympus" is not an IANA time zone: use a name such as Europe/Berlin, America/Chicago or UTC.`},
		{"unknown setting", "digest settings north hour 9 colour red", nil, `I don't know the setting "colour": use day, hour, channel or timezone.`},
		{"twice", "digest settings north day mon hour 9 day tue", nil, `"day" is given twice`},
		{"no value", "digest settings north hour", nil, `"hour" needs a value.`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one), reply lacks %q:\n%s", err, tt.want, out)
			}
		})
	}
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Fatalf("settings after refusals (-want +got):\n%s", diff)
	}

	out, err = ask(t, b, "digest settings north day tue hour 9am channel #north-digest timezone Europe/Berlin", as("nora@example.com"))
	for _, s := range []string{"The digest of North now goes out *Tuesdays at 09:00 Europe/Berlin to #north-digest* (was Mondays at 08:00 America/New_York to #sales-north).",
		"Next digest: Tuesday 1 Dec 2026 at 09:00 CET", "A later import of territories.csv replaces these settings."} {
		if err != nil || !strings.Contains(out, s) {
			t.Errorf("%v, reply lacks %q:\n%s", err, s, out)
		}
	}
	changed := bot.DigestSchedule{Territory: "North", Day: "tue", Hour: 9, Channel: "#north-digest", Timezone: "Europe/Berlin",
		Next: "2026-12-01T09:00:00+01:00", Changed: []string{}}
	if diff := cmp.Diff(changed, settings()); diff != "" {
		t.Errorf("settings after the change (-want +got):\n%s", diff)
	}
	if out, err := ask(t, b, "digest north"); err != nil || !strings.Contains(out, "week of 1 Dec 2026") ||
		!strings.Contains(out, "the digest goes out Tuesdays at 09:00 Europe/Berlin to #north-digest.") {
		t.Errorf("preview after the change: %v\n%s", err, out)
	}

	// A Slack channel reference keeps its id; none clears the channel; UTC in any case.
	s := askJSON[bot.DigestSchedule](t, b, "digest settings north channel <#C0123ABC|north-digest> timezone utc")
	if s.Channel != "C0123ABC" || s.Timezone != "UTC" || !cmp.Equal(s.Changed, []string{"channel", "timezone"}) {
		t.Errorf("channel reference: %+v", s)
	}
	if out, err := ask(t, b, "digest settings north channel none"); err != nil || !strings.Contains(out, "Tuesdays at 09:00 UTC to nora@example.com directly (no channel set)") {
		t.Errorf("no channel: %v\n%s", err, out)
	}
	if v, err := b.Store.DataVersion(t.Context()); err != nil || v != version {
		t.Errorf("data version %d → %d (%v): digest settings are not data the figures read", version, v, err)
	}

	// A later import of territories.csv wins, as for objectives set in chat.
	importInto(t, b, filepath.Join("testdata", "digestdata"))
	if diff := cmp.Diff(imported, settings()); diff != "" {
		t.Errorf("settings after importing territories.csv again (-want +got):\n%s", diff)
	}
}

// TestDigestHelp checks that help lists digest.
func TestDigestHelp(t *testing.T) {
	b := newTestBot(t, "digestdata")
	out, err := ask(t, b, "help")
	if err != nil || !strings.Contains(out, "digest <territory> | digest settings <territory>") {
		t.Errorf("help: %v\n%s", err, out)
	}
	out, err = ask(t, b, "help digest")
	if err != nil || !strings.Contains(out, "preview a territory's weekly digest") {
		t.Errorf("help digest: %v\n%s", err, out)
	}
}
