package bot_test

// Daily alerts (issue 40 §2) over testdata/alertdata: Rita owns Acme (A1) and Birch
// (A2), Ray owns Cedar (B1), all in North. Her first alert is on 2026-11-20, when
// nothing holds (invoice I1 is 26 days past due, opportunity O1 closes on the 25th).
// Then testdata/alertdata-delta is imported and, as of 2026-11-27, Acme crosses every
// trigger once:
//   - Fasteners at risk: the delta's sales.csv halves 2026's Sep–Nov (−50%);
//   - I1 passes 30 days past due (33 days);
//   - Uline's offer on F-1 is imported for A1 (Grainger's market-wide one is no alert);
//   - O1 (open) passed its close date, 2026-11-25;
//   - a tier drop: I2, 50,000 paid 106 days late, takes payment from 2 to 1 and the
//     score from 2.73 to 2.47 (Core Customer → Convenient Sale);
//   - a new uncovered gap: Welding's potential of 30,000 with no sales or pipeline.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// sentAlert is one alert a test scheduler delivered.
type sentAlert struct {
	to   string
	text string
}

// alertOutbox records what a scheduler's Send delivered.
type alertOutbox struct {
	mu   sync.Mutex
	sent []sentAlert
}

func (o *alertOutbox) send(_ context.Context, p domain.Person, r bot.Reply, accepted func(string)) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, sentAlert{to: p.Email, text: bot.RenderText(r)})
	detail := fmt.Sprintf("DM %d", len(o.sent))
	accepted(detail)
	return detail, nil
}

func (o *alertOutbox) to(email string) []sentAlert {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []sentAlert
	for _, s := range o.sent {
		if s.to == email {
			out = append(out, s)
		}
	}
	return out
}

// alertScheduler is a scheduler over b at 09:30 UTC of day, as a process claimant.
func alertScheduler(b *bot.Bot, out *alertOutbox, claimant string, day string) *bot.AlertScheduler {
	d, err := domain.ParseDate(day)
	if err != nil {
		panic(err)
	}
	return &bot.AlertScheduler{Bot: b, Send: out.send, ScheduleSettings: bot.ScheduleSettings{Claimant: claimant,
		Logger: discardLogger(), Now: func() time.Time { return d.Add(9*time.Hour + 30*time.Minute) }}}
}

// alertCounts counts a scheduler's alerts by outcome (bot.AlertObserver).
type alertCounts map[string]int

func (c alertCounts) ObserveAlert(outcome string) { c[outcome]++ }

type alertKind struct{ Kind, AccountID string }

func alertKinds(a bot.Alerts) []alertKind {
	out := []alertKind{}
	for _, x := range a.Alerts {
		out = append(out, alertKind{x.Kind, x.AccountID})
	}
	return out
}

func TestAlertsSixFactsAfterAnImport(t *testing.T) {
	ctx := context.Background()
	b := newTestBot(t, "alertdata")
	out := &alertOutbox{}
	if n, err := alertScheduler(b, out, "p1", "2026-11-20").RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("first round = %d, %v; want nothing sent (nothing holds)", n, err)
	}
	importInto(t, b, "testdata/alertdata-delta")

	rita := askJSON[bot.Alerts](t, b, "alerts", as("rita@example.com"), on("2026-11-27"))
	want := []alertKind{{domain.AlertAtRisk, "A1"}, {domain.AlertLate, "A1"}, {domain.AlertOffer, "A1"},
		{domain.AlertPastClose, "A1"}, {domain.AlertTierDrop, "A1"}, {domain.AlertUncovered, "A1"}}
	if diff := cmp.Diff(want, alertKinds(rita)); diff != "" {
		t.Errorf("Rita's alerts (-want +got):\n%s", diff)
	}
	if rita.First || rita.Since != "2026-11-20" {
		t.Errorf("first %v since %q, want changes since 2026-11-20", rita.First, rita.Since)
	}
	byKind := map[string]domain.Alert{}
	for _, a := range rita.Alerts {
		byKind[a.Kind] = a
	}
	for kind, got := range map[string]string{
		domain.AlertAtRisk:    byKind[domain.AlertAtRisk].Category,
		domain.AlertLate:      fmt.Sprint(byKind[domain.AlertLate].Invoice, " ", byKind[domain.AlertLate].DaysLate),
		domain.AlertOffer:     byKind[domain.AlertOffer].Competitor,
		domain.AlertPastClose: byKind[domain.AlertPastClose].Opportunity,
		domain.AlertTierDrop:  byKind[domain.AlertTierDrop].FromTier + " → " + byKind[domain.AlertTierDrop].ToTier,
		domain.AlertUncovered: fmt.Sprint(byKind[domain.AlertUncovered].Category, " ", byKind[domain.AlertUncovered].Uncovered),
	} {
		want := map[string]string{
			domain.AlertAtRisk: "Fasteners", domain.AlertLate: "I1 33", domain.AlertOffer: "Uline",
			domain.AlertPastClose: "O1", domain.AlertTierDrop: "Core Customer → Convenient Sale",
			domain.AlertUncovered: "Welding 30000",
		}[kind]
		if got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
	ray := askJSON[bot.Alerts](t, b, "alerts", as("ray@example.com"), on("2026-11-27"))
	if len(ray.Alerts) != 0 {
		t.Errorf("Ray's alerts = %v, want none (Acme is not his)", alertKinds(ray))
	}

	// Sent once, by whichever of two processes, and never again that day.
	for _, p := range []string{"p1", "p2", "p1"} {
		if _, err := alertScheduler(b, out, p, "2026-11-27").RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := out.to("rita@example.com")
	if len(got) != 1 {
		t.Fatalf("Rita got %d alerts, want 1", len(got))
	}
	for _, line := range []string{"*Acme Manufacturing* (A1)", "Fasteners at risk: -50% on a year ago",
		"Invoice I1, $1,000: 33 days past due", "Uline offers F-1 at $8.50 (imported)",
		"Bolt contract, $6,000: was to close 2026-11-25", "Tier down: Core Customer → Convenient Sale",
		"New uncovered gap: Welding, $30,000"} {
		if !strings.Contains(got[0].text, line) {
			t.Errorf("the alert lacks %q:\n%s", line, got[0].text)
		}
	}
	if len(out.to("ray@example.com")) != 0 {
		t.Errorf("Ray got an alert: %v", out.to("ray@example.com"))
	}
	// The next day nothing changed: nothing sent, and the preview says so.
	if n, err := alertScheduler(b, out, "p1", "2026-11-28").RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("next day = %d, %v; want nothing sent", n, err)
	}
	after := askJSON[bot.Alerts](t, b, "alerts", as("rita@example.com"), on("2026-11-28"))
	if len(after.Alerts) != 0 || after.Since != "2026-11-28" {
		t.Errorf("after: %v since %s, want none since 2026-11-28", alertKinds(after), after.Since)
	}
}

// TestAlertsFirstListsStates: a first alert lists the states that hold (at risk, over
// 30 days, past close) and keeps the rest as its baseline; a fact that ends and comes
// back is new.
func TestAlertsFirstListsStates(t *testing.T) {
	ctx := context.Background()
	b := newTestBot(t, "alertdata")
	importInto(t, b, "testdata/alertdata-delta")
	first := askJSON[bot.Alerts](t, b, "alerts", as("rita@example.com"), on("2026-11-27"))
	want := []alertKind{{domain.AlertAtRisk, "A1"}, {domain.AlertLate, "A1"}, {domain.AlertPastClose, "A1"}}
	if diff := cmp.Diff(want, alertKinds(first)); diff != "" || !first.First {
		t.Errorf("first alert (-want +got):\n%s", diff)
	}
	out, counts := &alertOutbox{}, alertCounts{}
	s := alertScheduler(b, out, "p1", "2026-11-27")
	s.Observer = counts
	if n, err := s.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("first alert sent %d, %v; want 1", n, err)
	}
	// Fasteners recovers (the base's sales again), then crosses again.
	importInto(t, b, "testdata/alertdata")
	s = alertScheduler(b, out, "p1", "2026-11-28")
	s.Observer = counts
	if n, err := s.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("recovered: sent %d, %v; want nothing (nothing new)", n, err)
	}
	// Four people, two days: only Rita's first alert has anything.
	if diff := cmp.Diff(alertCounts{"sent": 1, "nothing": 7}, counts); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	importInto(t, b, "testdata/alertdata-delta")
	again := askJSON[bot.Alerts](t, b, "alerts", as("rita@example.com"), on("2026-11-29"))
	if diff := cmp.Diff([]alertKind{{domain.AlertAtRisk, "A1"}}, alertKinds(again)); diff != "" {
		t.Errorf("crossed again (-want +got):\n%s", diff)
	}
}

// TestAlertsClaimTakenOver: a process that died holding the day's claim (before the
// platform accepted the alert) is taken over once its claim is stale, and the alert goes
// once; one that died after the state was saved (the message accepted, the delivery
// not yet recorded) is taken over and nothing is sent again.
func TestAlertsClaimTakenOver(t *testing.T) {
	ctx := context.Background()
	for _, diedAfterAccept := range []bool{false, true} {
		t.Run(fmt.Sprint("after accept ", diedAfterAccept), func(t *testing.T) {
			b := newTestBot(t, "alertdata")
			importInto(t, b, "testdata/alertdata-delta")
			day := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
			if ok, err := b.AlertStore.ClaimAlert(ctx, "rita@example.com", "2026-11-27", "dead", day, bot.DefaultDigestStale); err != nil || !ok {
				t.Fatal(ok, err)
			}
			if diedAfterAccept {
				actor, err := b.ActorByEmail(ctx, "rita@example.com")
				if err != nil {
					t.Fatal(err)
				}
				_, state, err := b.ComputeAlerts(ctx, actor, domain.DefaultAlertSettings("rita@example.com"), day)
				if err != nil {
					t.Fatal(err)
				}
				state.Day = "2026-11-27"
				if err := b.AlertStore.SaveAlertState(ctx, "rita@example.com", state); err != nil {
					t.Fatal(err)
				}
			}
			out := &alertOutbox{}
			s := alertScheduler(b, out, "p2", "2026-11-27")
			if _, err := s.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if n := len(out.to("rita@example.com")); n != 0 {
				t.Fatalf("sent %d while the dead process's claim is fresh", n)
			}
			s.Now = func() time.Time { return day.Add(bot.DefaultDigestStale) }
			if _, err := s.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			want := 1
			if diedAfterAccept {
				want = 0
			}
			if n := len(out.to("rita@example.com")); n != want {
				t.Errorf("sent %d after the takeover, want %d", n, want)
			}
			recs, err := b.AlertStore.FindAlertDeliveries(ctx, "rita@example.com")
			if err != nil || len(recs) != 1 || recs[0].Status != domain.DigestSent || recs[0].Claimant != "p2" {
				t.Errorf("records = %+v, %v", recs, err)
			}
		})
	}
}

func TestAlertSettings(t *testing.T) {
	b := newTestBot(t, "alertdata")
	for _, c := range []struct {
		who, text string
		code      string // "": no error
		want      string // in the reply
	}{
		{"rita@example.com", "alerts settings", "", "Daily at 08:00 UTC, by direct message, on the accounts you own."},
		{"rita@example.com", "alerts settings 7am", "", "Daily at 07:00 UTC"},
		{"rita@example.com", "alerts settings", "", "Daily at 07:00 UTC"},
		{"rita@example.com", "alerts settings 25", domain.EINVALID, `"25" is not an hour`},
		{"rita@example.com", "alerts off", "", "Off: no daily alerts."},
		{"rita@example.com", "alerts on", "", "Daily at 07:00 UTC"},
		{"rita@example.com", "alerts territory on", domain.EFORBIDDEN, "for managers"},
		{"nora@example.com", "alerts territory on", "", "on every account of your territories"},
		{"nora@example.com", "alerts territory off", "", "on the accounts you own"},
		{"rita@example.com", "alerts sometimes", domain.EINVALID, "Usage: `alerts`"},
		{"", "alerts", "", "Alerts are per person"},
		{"", "alerts off", domain.EINVALID, "Alerts are per person"},
	} {
		var opts []askOption
		if c.who != "" {
			opts = append(opts, as(c.who))
		}
		got, err := ask(t, b, c.text, opts...)
		if code := domain.ErrorCode(err); (err == nil) != (c.code == "") || (err != nil && code != c.code) {
			t.Errorf("%s: %s: error %v, want code %q", c.who, c.text, err, c.code)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %s:\n%s\nwant %q in it", c.who, c.text, got, c.want)
		}
	}
	// Rita's settings stood; off means no alert.
	set, err := b.AlertStore.FindAlertSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.AlertSettings{{Email: "nora@example.com", Hour: 8}, {Email: "rita@example.com", Hour: 7}}
	if diff := cmp.Diff(want, set); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

// TestAlertsTerritoryManager: a manager with `alerts territory on` gets every account
// of their territory; without it, only what they own (nothing here).
func TestAlertsTerritoryManager(t *testing.T) {
	b := newTestBot(t, "alertdata")
	importInto(t, b, "testdata/alertdata-delta")
	if got := askJSON[bot.Alerts](t, b, "alerts", as("nora@example.com")); len(got.Alerts) != 0 {
		t.Errorf("Nora owns nothing: %v", alertKinds(got))
	}
	if _, err := ask(t, b, "alerts territory on", as("nora@example.com")); err != nil {
		t.Fatal(err)
	}
	got := askJSON[bot.Alerts](t, b, "alerts", as("nora@example.com"))
	want := []alertKind{{domain.AlertAtRisk, "A1"}, {domain.AlertLate, "A1"}, {domain.AlertPastClose, "A1"}}
	if diff := cmp.Diff(want, alertKinds(got)); diff != "" {
		t.Errorf("Nora's territory (-want +got):\n%s", diff)
	}
}

// TestAlertRetryReported: an alert whose send fails is listed by Failing (for /readyz)
// with why, then with when it is retried, and goes once when the retry succeeds.
func TestAlertRetryReported(t *testing.T) {
	ctx := context.Background()
	b := newTestBot(t, "alertdata")
	importInto(t, b, "testdata/alertdata-delta")
	out := &alertOutbox{}
	down := true
	s := alertScheduler(b, out, "p1", "2026-11-27")
	counts := alertCounts{}
	s.Observer = counts
	start := s.Now()
	s.Send = func(ctx context.Context, p domain.Person, r bot.Reply, accepted func(string)) (string, error) {
		if down {
			return "", fmt.Errorf("slack: channel_not_found")
		}
		return out.send(ctx, p, r, accepted)
	}
	if _, err := s.RunOnce(ctx); err == nil {
		t.Fatal("no error from a failed send")
	}
	want := []string{"rita@example.com: the alert of 2026-11-27 failed: send: slack: channel_not_found"}
	if diff := cmp.Diff(want, s.Failing()); diff != "" {
		t.Errorf("failing (-want +got):\n%s", diff)
	}
	if _, err := s.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	want = []string{"rita@example.com: the alert of 2026-11-27 failed 1 time(s), last: send: slack: channel_not_found; retried at 2026-11-27T09:31:00Z"}
	if diff := cmp.Diff(want, s.Failing()); diff != "" {
		t.Errorf("failing while it waits (-want +got):\n%s", diff)
	}
	down = false
	s.Now = func() time.Time { return start.Add(time.Minute) }
	if n, err := s.RunOnce(ctx); err != nil || n != 1 || len(s.Failing()) != 0 {
		t.Errorf("retry: sent %d, %v, failing %v; want 1 sent, nothing failing", n, err, s.Failing())
	}
	if _, err := s.RunOnce(ctx); err != nil || len(out.to("rita@example.com")) != 1 {
		t.Errorf("sent %d times (%v), want once", len(out.to("rita@example.com")), err)
	}
	if counts["failed"] != 1 || counts["sent"] != 1 {
		t.Errorf("observed %v; want 1 failed, 1 sent", counts)
	}
}
