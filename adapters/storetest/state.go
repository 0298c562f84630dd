package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// testGradings stores gradings and reads back the latest before a date.
func testGradings(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.PreviousGrading(ctx, "North", Day(t, "2026-11-27")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("no grading yet: %v", err)
	}
	g1 := domain.Grading{Territory: "North", AsOf: Day(t, "2026-11-20"), Version: 3, Marks: []domain.GradeMark{
		{AccountID: "A1", Tier: domain.TierCoreCustomer, Score: 3.1}, {AccountID: "A2", Tier: domain.TierConvenientSale, Score: 2}}}
	g2 := domain.Grading{Territory: "North", AsOf: Day(t, "2026-11-27"), Version: 4, Marks: []domain.GradeMark{
		{AccountID: "A1", Tier: domain.TierBusinessBuild, Score: 3.3}}}
	other := domain.Grading{Territory: "South", AsOf: Day(t, "2026-11-26"), Version: 4, Marks: []domain.GradeMark{{AccountID: "B1", Tier: domain.TierCoreCustomer, Score: 3}}}
	for _, g := range []domain.Grading{g1, g2, other} {
		if err := s.SaveGrading(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	sortMarks := cmpopts.SortSlices(func(a, b domain.GradeMark) bool { return a.AccountID < b.AccountID })
	for _, tt := range []struct {
		before string
		want   domain.Grading
	}{
		{"2026-11-27", g1}, // strictly before
		{"2026-11-28", g2},
		{"2026-12-31", g2},
	} {
		got, err := s.PreviousGrading(ctx, "North", Day(t, tt.before))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got, sortMarks); diff != "" {
			t.Errorf("before %s (-want +got):\n%s", tt.before, diff)
		}
	}
	if _, err := s.PreviousGrading(ctx, "North", Day(t, "2026-11-20")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("before the first grading: %v, want ENOTFOUND", err)
	}
	// Saving the same date again replaces the marks when the data version changed.
	g1b := domain.Grading{Territory: "North", AsOf: Day(t, "2026-11-20"), Version: 5, Marks: []domain.GradeMark{{AccountID: "A3", Tier: domain.TierOperationalDrain, Score: 1.2}}}
	if err := s.SaveGrading(ctx, g1b); err != nil {
		t.Fatal(err)
	}
	got, err := s.PreviousGrading(ctx, "North", Day(t, "2026-11-27"))
	if err != nil || !cmp.Equal(g1b, got) {
		t.Errorf("after replacing: %+v, %v", got, err)
	}
	// A grading with many marks.
	big := domain.Grading{Territory: "West", AsOf: Day(t, "2026-11-20"), Version: 6}
	for i := range 450 {
		big.Marks = append(big.Marks, domain.GradeMark{AccountID: fmt.Sprintf("W%03d", i), Tier: domain.TierCoreCustomer, Score: float64(i) / 100})
	}
	if err := s.SaveGrading(ctx, big); err != nil {
		t.Fatal(err)
	}
	got, err = s.PreviousGrading(ctx, "West", Day(t, "2026-11-21"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(big, got, sortMarks); diff != "" {
		t.Errorf("450 marks (-want +got):\n%s", diff)
	}
}

func testScenarioStore(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.FindScenario(ctx, 1); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("no scenario yet: %v", err)
	}
	be, terms, worth, freight, zero := 38.0/3, 67.72602739726027, 1200.0, 600.0, 0.0
	// A priced ledger: terms (with what they were priced on), a yearly worth, a worth of
	// 0 once, and an unpriced item (value null).
	sc := domain.Scenario{AccountID: "A1", AccountName: "Acme", Author: "rita@example.com", Channel: "C1", Thread: "1700000000.1",
		CreatedAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC), AsOf: domain.NewDate(2026, 11, 27),
		Ledger: []domain.LedgerItem{{Side: domain.LedgerGive, Text: "net 60", Primary: true, Value: &terms,
			Terms: &domain.TermsBasis{Today: 30, Days: 60, Revenue: 10300, CostOfCapital: 0.08}},
			{Side: domain.LedgerGive, Text: "free freight", Worth: &worth, Value: &freight},
			{Side: domain.LedgerGet, Text: "samples", Worth: &zero, Once: true, Value: &zero},
			{Side: domain.LedgerGet, Text: "2-year contract", Primary: true}},
		Deal: domain.Deal{Terms: domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 12, Qty: 100, Y: "W-1"}, Concession: 500,
			Gain: 1500, PricedGives: terms + freight, Net: 1500 - 500 - terms - freight, BreakEvenQty: &be, Verdict: domain.VerdictAccretive}}
	if err := s.SaveScenario(ctx, &sc); err != nil || sc.ID != 1 {
		t.Fatalf("save: id %d, %v", sc.ID, err)
	}
	v := sc
	v.ID, v.ParentID = 0, 1
	if err := s.SaveScenario(ctx, &v); err != nil || v.ID != 2 {
		t.Fatalf("save variant: id %d, %v", v.ID, err)
	}
	for _, want := range []domain.Scenario{sc, v} {
		got, err := s.FindScenario(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-saved +read):\n%s", want.Name(), diff)
		}
	}
	if _, err := s.FindScenario(ctx, 3); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown scenario: %v, want ENOTFOUND", err)
	}
}

func testRecordCompetitorOffer(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, _ := loaded(t, open)
	before, _ := s.DataVersion(ctx)
	o := domain.CompetitorOffer{Competitor: "Rival", SKU: "G-1", AccountID: "A1", Price: 9, UsesPerUnit: 80, Weaknesses: "slow",
		SetBy: "rob@example.com", SetAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)}
	if err := s.RecordCompetitorOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DataVersion(ctx); after != before+1 {
		t.Errorf("data version %d → %d, want one more", before, after)
	}
	offers, err := s.FindCompetitorOffers(ctx, domain.ForAccount("A1"))
	if err != nil {
		t.Fatal(err)
	}
	// It replaced the fixture's offer of Rival on G-1 to A1.
	var found []domain.CompetitorOffer
	for _, x := range offers {
		if x.Competitor == "Rival" && x.AccountID == "A1" {
			found = append(found, x)
		}
	}
	if diff := cmp.Diff([]domain.CompetitorOffer{o}, found); diff != "" {
		t.Errorf("(-recorded +read):\n%s", diff)
	}
}

func testConversationStore(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.FindConversation(ctx, "teams", "user:u1"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("nothing saved yet: %v", err)
	}
	if err := s.SaveConversation(ctx, domain.Conversation{Adapter: "teams"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("no key: %v", err)
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := domain.Conversation{Adapter: "teams", Key: "user:u1", Ref: []byte(`{"conversationId":"a"}`),
		UpdatedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	second := first
	second.Ref, second.UpdatedAt = []byte(`{"conversationId":"b"}`), first.UpdatedAt.Add(time.Hour)
	other := domain.Conversation{Adapter: "teams", Key: "channel:19:x@thread.tacv2", Ref: []byte(`{}`), UpdatedAt: first.UpdatedAt}
	for _, c := range []domain.Conversation{first, second, other} {
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []domain.Conversation{second, other} {
		got, err := s.FindConversation(ctx, want.Adapter, want.Key)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-saved +read):\n%s", want.Key, diff)
		}
	}
	if _, err := s.FindConversation(ctx, "slack", "user:u1"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another adapter's key: %v", err)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: conversations are not data the figures read", v, v2)
	}
}

func testDigestSnapshots(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.PreviousDigestSnapshot(ctx, "North", "2026-11-30"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("nothing saved yet: %v", err)
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	snap := func(territory, week string, gap float64, tiers map[string]string) domain.DigestSnapshot {
		w := domain.DateOf(Day(t, week))
		return domain.DigestSnapshot{Territory: territory, Week: w, AsOf: w, Current: 100, Potential: 100 + gap,
			Gap: gap, Share: 100 / (100 + gap), Tiers: tiers, CreatedAt: at}
	}
	first := snap("North", "2026-11-16", 50, map[string]string{"A1": domain.TierCoreCustomer})
	again := snap("North", "2026-11-16", 40, map[string]string{"A1": domain.TierBusinessBuild, "A2": domain.TierConvenientSale})
	again.CreatedAt = at.Add(time.Hour)
	older := snap("North", "2026-11-09", 60, map[string]string{})
	later := snap("North", "2026-11-23", 30, map[string]string{})
	south := snap("South", "2026-11-20", 10, map[string]string{})
	for _, x := range []domain.DigestSnapshot{first, again, older, later, south} {
		if err := s.SaveDigestSnapshot(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		territory, before string
		want              *domain.DigestSnapshot // nil: ENOTFOUND
	}{
		{"North", "2026-11-30", &later},
		{"North", "2026-11-23", &again}, // the same week saved again replaced the first
		{"North", "2026-11-17", &again},
		{"North", "2026-11-16", &older}, // strictly before
		{"North", "2026-11-09", nil},
		{"South", "2026-11-30", &south},
		{"East", "2026-11-30", nil},
	} {
		got, err := s.PreviousDigestSnapshot(ctx, tt.territory, tt.before)
		if tt.want == nil {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("%s before %s: %+v, %v; want ENOTFOUND", tt.territory, tt.before, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s before %s: %v", tt.territory, tt.before, err)
			continue
		}
		if diff := cmp.Diff(*tt.want, got); diff != "" {
			t.Errorf("%s before %s (-want +got):\n%s", tt.territory, tt.before, diff)
		}
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: snapshots are not data the figures read", v, v2)
	}
	for name, bad := range map[string]domain.DigestSnapshot{
		"no territory": {Week: domain.NewDate(2026, 11, 30), CreatedAt: at},
		"no week":      {Territory: "North", CreatedAt: at},
		"no time":      {Territory: "North", Week: domain.NewDate(2026, 11, 30)},
	} {
		if err := s.SaveDigestSnapshot(ctx, bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := s.PreviousDigestSnapshot(ctx, "North", "soon"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("bad week: %v, want EINVALID", err)
	}
}

// testDigestDeliveries walks one week's digest through its life: claimed, a fresh
// claim refused, a stale claim taken over, a failure retried after its delay, sent once.
func testDigestDeliveries(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	const stale = 10 * time.Minute
	claim := func(claimant string, at time.Time, want bool) {
		t.Helper()
		got, err := s.ClaimDigest(ctx, "North", "2026-03-09", claimant, at, stale)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("ClaimDigest(%s at +%v) = %v, want %v", claimant, at.Sub(t0), got, want)
		}
	}
	claim("a", t0, true)                             // no record
	claim("b", t0.Add(time.Minute), false)           // a's claim is fresh
	claim("a", t0.Add(time.Minute), false)           // even for a
	claim("b", t0.Add(stale-time.Nanosecond), false) // not quite stale
	claim("b", t0.Add(stale), true)                  // a died mid-send: b takes over
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "a", "C1/1.1", t0.Add(stale)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a marks sent after b took over: %v", err)
	}
	if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "a", "late", t0.Add(stale)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a marks failed after b took over: %v", err)
	}
	failedAt := t0.Add(11 * time.Minute)
	if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "b", "slack: 503", failedAt); err != nil {
		t.Fatal(err)
	}
	// b's was the second attempt: retried after DigestRetryDelay(2) = 2 minutes.
	claim("c", failedAt.Add(2*time.Minute-time.Nanosecond), false)
	claim("c", failedAt.Add(2*time.Minute), true)
	sentAt := failedAt.Add(3 * time.Minute)
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "c", "C1/1700000000.000100", sentAt); err != nil {
		t.Fatal(err)
	}
	claim("d", sentAt.Add(24*time.Hour), false) // sent: never again
	if err := s.MarkDigestSent(ctx, "North", "2026-03-09", "c", "again", sentAt); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("marked sent twice: %v", err)
	}
	if err := s.MarkDigestSent(ctx, "South", "2026-03-09", "c", "", sentAt); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("never claimed: %v", err)
	}
	if _, err := s.ClaimDigest(ctx, "", "2026-03-09", "c", sentAt, stale); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("no territory: %v", err)
	}
	// Another territory and week, failed once and waiting.
	claim2, err := s.ClaimDigest(ctx, "South", "2026-03-16", "a", sentAt, stale)
	if err != nil || !claim2 {
		t.Fatalf("South: %v, %v", claim2, err)
	}
	if err := s.MarkDigestFailed(ctx, "South", "2026-03-16", "a", "no channel", sentAt); err != nil {
		t.Fatal(err)
	}

	got, err := s.FindDigestDeliveries(ctx, "North")
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.DigestDelivery{{Territory: "North", Week: "2026-03-09", Status: domain.DigestSent, Claimant: "c",
		Detail: "C1/1700000000.000100", Attempts: 3, ClaimedAt: failedAt.Add(2 * time.Minute), SentAt: sentAt}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("North (-want +got):\n%s", diff)
	}
	all, err := s.FindDigestDeliveries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want = append([]domain.DigestDelivery{{Territory: "South", Week: "2026-03-16", Status: domain.DigestFailed, Claimant: "a",
		LastError: "no channel", Attempts: 1, ClaimedAt: sentAt, RetryAt: sentAt.Add(time.Minute)}}, want...)
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("every territory (-want +got):\n%s", diff)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: deliveries are not data the figures read", v, v2)
	}
}

// testDigestGiveUp fails a digest until it is given up, and gives up a claim that goes
// stale on the last attempt.
func testDigestGiveUp(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	start := now
	for i := 1; i <= domain.DigestMaxAttempts; i++ {
		ok, err := s.ClaimDigest(ctx, "North", "2026-03-09", "p", now, time.Hour)
		if err != nil || !ok {
			t.Fatalf("attempt %d at +%v: %v, %v", i, now.Sub(start), ok, err)
		}
		if err := s.MarkDigestFailed(ctx, "North", "2026-03-09", "p", fmt.Sprintf("failure %d", i), now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(domain.DigestRetryDelay(i))
	}
	if ok, err := s.ClaimDigest(ctx, "North", "2026-03-09", "p", now.Add(24*time.Hour), time.Hour); ok || err != nil {
		t.Fatalf("claimed after %d attempts: %v, %v", domain.DigestMaxAttempts, ok, err)
	}
	d, err := s.FindDigestDeliveries(ctx, "North")
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || !d[0].GivenUp() || d[0].Attempts != domain.DigestMaxAttempts ||
		d[0].LastError != fmt.Sprintf("given up after %d attempts: failure %d", domain.DigestMaxAttempts, domain.DigestMaxAttempts) {
		t.Errorf("given up: %+v", d)
	}
	if span := d[0].ClaimedAt.Sub(start); span < 3*time.Hour || span > 5*time.Hour {
		t.Errorf("the attempts span %v; the documented policy is about four hours", span)
	}

	// A claim that goes stale on the last attempt.
	now = start
	for i := 1; i < domain.DigestMaxAttempts; i++ {
		if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "p", now, time.Hour); err != nil || !ok {
			t.Fatalf("attempt %d: %v, %v", i, ok, err)
		}
		if err := s.MarkDigestFailed(ctx, "South", "2026-03-09", "p", "boom", now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
	}
	if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "dies", now, time.Hour); err != nil || !ok {
		t.Fatalf("last attempt: %v, %v", ok, err)
	}
	if ok, err := s.ClaimDigest(ctx, "South", "2026-03-09", "q", now.Add(time.Hour), time.Hour); ok || err != nil {
		t.Fatalf("stale last attempt taken over: %v, %v", ok, err)
	}
	d, err = s.FindDigestDeliveries(ctx, "South")
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || !d[0].GivenUp() || d[0].Claimant != "dies" || !strings.Contains(d[0].LastError, "the claim of dies at") {
		t.Errorf("stale last attempt: %+v", d)
	}
	if err := s.MarkDigestSent(ctx, "South", "2026-03-09", "dies", "late", now.Add(time.Hour)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("the dead claimant marks a given-up digest sent: %v", err)
	}
}

// testDigestClaimRace claims the same digests from several goroutines at once: each is
// won exactly once. (A store's own tests race separate handles on one database.)
func testDigestClaimRace(t *testing.T, open func(t *testing.T) Store) {
	ClaimRace(t, open(t), nil)
}

// ClaimRace claims 20 weeks' digests from 8 claimants at once, the odd ones through b
// (a when b is nil), and checks that each week is won exactly once.
func ClaimRace(t *testing.T, a, b bot.DigestDeliveryStore) {
	ctx := t.Context()
	if b == nil {
		b = a
	}
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	const weeks, claimants = 20, 8
	var mu sync.Mutex
	won := map[string][]string{}
	var wg sync.WaitGroup
	for c := range claimants {
		store := a
		if c%2 == 1 {
			store = b
		}
		wg.Go(func() {
			for w := range weeks {
				week := now.AddDate(0, 0, 7*w).Format(domain.DateLayout)
				ok, err := store.ClaimDigest(ctx, "North", week, fmt.Sprint("p", c), now, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won[week] = append(won[week], fmt.Sprint("p", c))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(won) != weeks {
		t.Errorf("%d of %d weeks claimed", len(won), weeks)
	}
	for week, who := range won {
		if len(who) != 1 {
			t.Errorf("%s claimed by %v", week, who)
		}
	}
}

func testSetDigestSettings(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	v := Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, tr := range []domain.Territory{
			{Name: "North", Manager: "nora@example.com", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8},
			{Name: "South", Timezone: "America/Chicago", DigestDay: time.Friday, DigestHour: 7, DigestChannel: "#south"},
		} {
			if err := b.PutTerritory(ctx, tr); err != nil {
				return err
			}
		}
		return nil
	})
	set := domain.Territory{Name: "North", Manager: "someone@else.com", DigestChannel: "#sales-north",
		Timezone: "Europe/Berlin", DigestDay: time.Tuesday, DigestHour: 9}
	if err := s.SetDigestSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTerritories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Territory{
		// The manager is not a digest setting: it stays.
		{Name: "North", Manager: "nora@example.com", DigestChannel: "#sales-north", Timezone: "Europe/Berlin", DigestDay: time.Tuesday, DigestHour: 9},
		{Name: "South", Timezone: "America/Chicago", DigestDay: time.Friday, DigestHour: 7, DigestChannel: "#south"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("territories (-want +got):\n%s", diff)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: digest settings are not data the figures read", v, v2)
	}
	for name, tt := range map[string]struct {
		t    domain.Territory
		code string
	}{
		"unknown territory": {domain.Territory{Name: "East", Timezone: "UTC", DigestHour: 8}, domain.ENOTFOUND},
		"hour":              {domain.Territory{Name: "North", Timezone: "UTC", DigestHour: 24}, domain.EINVALID},
		"day":               {domain.Territory{Name: "North", Timezone: "UTC", DigestDay: 7}, domain.EINVALID},
		"no time zone":      {domain.Territory{Name: "North"}, domain.EINVALID},
	} {
		if err := s.SetDigestSettings(ctx, tt.t); domain.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", name, err, tt.code)
		}
	}
}
