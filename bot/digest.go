package bot

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// DigestSnapshotStore keeps what each weekly digest said (Bot.Snapshots), for the next
// one's changes and tier movers.
type DigestSnapshotStore interface {
	// SaveDigestSnapshot stores s, replacing the snapshot of the same territory and week.
	SaveDigestSnapshot(ctx context.Context, s domain.DigestSnapshot) error
	// PreviousDigestSnapshot returns the territory's latest snapshot of a week before
	// beforeWeek (YYYY-MM-DD); ENOTFOUND when there is none.
	PreviousDigestSnapshot(ctx context.Context, territory, beforeWeek string) (domain.DigestSnapshot, error)
}

// weekLayout writes a digest's week in headers: "30 Nov 2026".
const weekLayout = "2 Jan 2006"

// Digest builds the weekly digest of a territory for a scheduled send: as the system
// (it sees every territory), as of asOf, for week (the local date the digest is due,
// YYYY-MM-DD). It compares with the territory's latest snapshot before that week and,
// when the bot has a snapshot store, saves this week's (replacing one saved earlier for
// the same week); a snapshot that cannot be saved is logged, and the digest still goes
// out. The reply has no Share button: it is posted for the channel to see. Errors carry
// a domain code: ENOTFOUND for an unknown territory or when no sales are loaded, EINVALID
// for a malformed week.
func (b *Bot) Digest(ctx context.Context, territory string, asOf time.Time, week string) (Reply, error) {
	w, err := domain.ParseDate(week)
	if err != nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "The week of a digest is the date it is due (YYYY-MM-DD), not %q.", week)
	}
	t, err := b.Store.FindTerritory(ctx, territory)
	if err != nil {
		return Reply{}, err
	}
	asOf = domain.Day(asOf)
	if err := b.checkAsOf(ctx, asOf); err != nil {
		return Reply{}, err
	}
	d, err := b.buildDigest(ctx, t.Name, asOf, domain.DateOf(w))
	if err != nil {
		return Reply{}, err
	}
	if b.Snapshots != nil {
		snap := d.Snapshot()
		snap.CreatedAt = b.Now().UTC()
		if err := b.Snapshots.SaveDigestSnapshot(ctx, snap); err != nil {
			b.Logger.WarnContext(ctx, "digest snapshot not stored", "territory", t.Name, "week", week, "err", err)
		}
	}
	return b.digestReply(ctx, t, d, false), nil
}

// buildDigest gathers what a territory's digest is computed from and computes it.
func (b *Bot) buildDigest(ctx context.Context, territory string, asOf time.Time, week domain.Date) (domain.Digest, error) {
	gaps, err := b.Gaps.TerritoryAccountGaps(ctx, territory, asOf)
	if err != nil {
		return domain.Digest{}, err
	}
	in := domain.DigestInput{Territory: territory, Week: week, AsOf: asOf, Gaps: gaps, Settings: b.Grades.Settings}
	if in.Rollup, err = b.Gaps.TerritoryGap(ctx, territory, asOf); err != nil {
		return domain.Digest{}, err
	}
	if in.Growth, err = b.Gaps.TerritoryGrowth(ctx, territory, asOf, 0); err != nil {
		return domain.Digest{}, err
	}
	if in.Grades, err = b.Grades.Book(ctx, asOf); err != nil {
		return domain.Digest{}, err
	}
	if in.Opportunities, err = b.Store.FindOpportunities(ctx, domain.ForTerritory(territory)); err != nil {
		return domain.Digest{}, fmt.Errorf("find opportunities: %w", err)
	}
	if in.Invoices, err = b.Store.FindOverdueInvoices(ctx, domain.ForTerritory(territory), asOf, domain.DigestLateDays); err != nil {
		return domain.Digest{}, fmt.Errorf("find invoices: %w", err)
	}
	if b.Snapshots != nil {
		prev, err := b.Snapshots.PreviousDigestSnapshot(ctx, territory, week.String())
		switch {
		case err == nil:
			in.Previous = &prev
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			return domain.Digest{}, fmt.Errorf("previous digest snapshot: %w", err)
		}
	}
	return domain.BuildDigest(in), nil
}

// digestCmd handles `digest <territory>` (a preview of the next digest: nothing is
// saved) and `digest settings …`.
func (b *Bot) digestCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) > 0 && strings.EqualFold(args[0], "settings") {
		return b.digestSettings(ctx, req, args[1:])
	}
	if len(args) == 0 {
		ts := req.Actor.Territories()
		if len(ts) != 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Digest of which territory? Usage: `digest <territory>` or `digest settings <territory>`.")
		}
		args = ts
	}
	t, note, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args, " "))
	if err != nil {
		return Reply{}, err
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	// The preview is the next digest as it would read now: its week is the next due
	// date, counted from now, or from the as-of date when another date is asked for.
	from := b.Now()
	if !domain.Day(from).Equal(req.AsOf) {
		from = time.Date(req.AsOf.Year(), req.AsOf.Month(), req.AsOf.Day(), 0, 0, 0, 0, location(t))
	}
	_, week, err := upcomingDigest(t, from)
	if err != nil {
		return Reply{}, err
	}
	d, err := b.buildDigest(ctx, t.Name, req.AsOf, week)
	if err != nil {
		return Reply{}, err
	}
	return withNote(b.digestReply(ctx, t, d, true), note), nil
}

// location is the territory's time zone; UTC when it has none or an unknown one.
func location(t domain.Territory) *time.Location {
	if t.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(t.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// upcomingDigest returns when the territory's digest is next due at or after from and
// the week it is the digest of, on the scheduler's calendar (domain.DigestDue).
func upcomingDigest(t domain.Territory, from time.Time) (time.Time, domain.Date, error) {
	due, week, err := domain.DigestDue(t, from)
	if err == nil && !due.Equal(from) {
		due, week, err = domain.NextDigest(t, from)
	}
	if err != nil {
		return due, domain.Date{}, err
	}
	w, err := domain.ParseDate(week)
	if err != nil {
		return due, domain.Date{}, fmt.Errorf("digest week: %w", err)
	}
	return due, domain.DateOf(w), nil
}

// scheduleWords says when and where a territory's digest goes: "Mondays at 08:00
// Europe/Berlin to #sales-north"; without a channel, to the manager directly.
func scheduleWords(t domain.Territory) string {
	tz := t.Timezone
	if tz == "" {
		tz = "UTC"
	}
	s := fmt.Sprintf("%ss at %02d:00 %s", t.DigestDay, t.DigestHour, tz)
	switch {
	case t.DigestChannel != "":
		return s + " to " + t.DigestChannel
	case t.Manager != "":
		return s + " to " + t.Manager + " directly (no channel set)"
	}
	return s + ", but no channel or manager is set to send it to"
}

// moneyChange writes a change of an amount: "▲ $500", "▼ $40", "no change".
func (b *Bot) moneyChange(v float64) string {
	switch r := math.Round(v); {
	case r > 0:
		return "▲ " + b.Money.Format(r)
	case r < 0:
		return "▼ " + b.Money.Format(-r)
	}
	return "no change"
}

// pointsChange writes a change of a share in percentage points: "▲ 1.2 pts".
func pointsChange(v float64) string {
	p := math.Round(v*1000) / 10
	switch {
	case p > 0:
		return fmt.Sprintf("▲ %s pts", strconv.FormatFloat(p, 'f', -1, 64))
	case p < 0:
		return fmt.Sprintf("▼ %s pts", strconv.FormatFloat(-p, 'f', -1, 64))
	}
	return "no change"
}

// sinceWords names the previous digest: "since last week" when it was a week before,
// else "since the week of 16 Nov".
func sinceWords(since, week domain.Date) string {
	if week.Time().Sub(since.Time()) == 7*24*time.Hour {
		return "since last week"
	}
	return "since the week of " + since.Time().Format("2 Jan")
}

// tierWords names a tier in a list: "not graded" for an account without one.
func tierWords(tier string) string {
	if tier == "" {
		return "not graded"
	}
	return tier
}

func (b *Bot) digestReply(ctx context.Context, t domain.Territory, d domain.Digest, preview bool) Reply {
	title := "weekly digest"
	if preview {
		title = "weekly digest preview"
	}
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — %s, week of %s", d.Territory, title, d.Week.Time().Format(weekLayout))}}
	asOf := d.AsOf.Time()
	if d.Accounts == 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("No accounts in %s yet: nothing to report.", d.Territory)},
			&Context{Text: b.digestNote(t, d, asOf, preview)})
		return Reply{Blocks: blocks, Data: d}
	}
	var since string
	if d.Change != nil {
		since = sinceWords(d.Change.Since, d.Week)
	}
	blocks = append(blocks, b.digestStanding(d, since))
	if d.FirstDigest {
		blocks = append(blocks, &Context{Text: fmt.Sprintf("First digest of %s: from next week it says what changed and who moved tier.", d.Territory)})
	}
	blocks = append(blocks, &Text{Text: b.whitespaceText(d)}, &Text{Text: b.closingText(d)})
	if d.Change != nil {
		blocks = append(blocks, &Text{Text: moversText(d, since)})
	}
	blocks = append(blocks, &Text{Text: b.latePayersText(d)})
	cats := make([]ChartCategory, len(d.Categories))
	for i, c := range d.Categories {
		cats[i] = ChartCategory{Name: c.Category, Current: c.Current, Potential: c.Potential, Gap: c.Gap, Uncovered: c.Uncovered}
	}
	if c := b.categoryChart(d.Territory+" — current vs potential", d.Territory, cats); c != nil {
		blocks = append(blocks, c)
	}
	buttons := []Button{
		{Label: "Gap of " + d.Territory, Command: "gap territory " + d.Territory, Style: "primary"},
		{Label: "Grades of " + d.Territory, Command: "grade territory " + d.Territory},
		{Label: "Growth of " + d.Territory, Command: "growth territory " + d.Territory},
	}
	if preview {
		buttons = append(buttons, Button{Label: "Share in channel", Command: ShareCommand})
	}
	blocks = append(blocks, &Buttons{Buttons: buttons}, &Context{Text: b.digestNote(t, d, asOf, preview)})
	return Reply{Blocks: blocks, Data: d}
}

// digestStanding is where the territory stands, with what changed since the last digest.
func (b *Bot) digestStanding(d domain.Digest, since string) *Fields {
	m, tot := b.Money, d.Totals
	fields := []Field{{"Current", m.Format(tot.Current) + " in the last 12 months"},
		{"Potential", m.Format(tot.Potential)}, {"Gap", m.Format(tot.Gap)}, {"Share", pct(tot.Share)}}
	if c := d.Change; c != nil {
		for i, s := range []string{b.moneyChange(c.Current), b.moneyChange(c.Potential), b.moneyChange(c.Gap), pointsChange(c.Share)} {
			fields[i].Value += fmt.Sprintf(" (%s %s)", s, since)
		}
	}
	return &Fields{Fields: append(fields, Field{"Pace", b.paceWords(d.Pace)})}
}

// whitespaceText is where to spend the next hour: the gaps no opportunity covers.
func (b *Bot) whitespaceText(d domain.Digest) string {
	m := b.Money
	var lines []string
	for i, w := range d.Whitespace {
		s := fmt.Sprintf("%d. %s — %s: %s with no plan (%s GP), %s", i+1, w.Name, w.Category, m.Format(w.Uncovered),
			m.Format(w.UncoveredGP), tierWords(w.Tier))
		if w.Competitor != "" {
			s += ", " + w.Competitor + " holds it"
		}
		lines = append(lines, s)
	}
	if d.WhitespaceMore > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", d.WhitespaceMore))
	}
	if len(lines) == 0 {
		return "*Where to spend the next hour*: every gap has an opportunity against it."
	}
	return "*Where to spend the next hour* (gaps nothing in the pipeline covers, by gross profit weighted by the customer's tier)\n" +
		strings.Join(lines, "\n")
}

// closingText lists the opportunities expected to close soon.
func (b *Bot) closingText(d domain.Digest) string {
	m := b.Money
	if len(d.Closing) == 0 {
		return fmt.Sprintf("*Closing in the next %d days*: nothing is expected to close.", domain.DigestClosingDays)
	}
	n := len(d.Closing) + d.ClosingMore
	var lines []string
	for _, o := range d.Closing {
		lines = append(lines, fmt.Sprintf("• %s — %s (%s): %s at %s, closes %s (%s)", o.Name, o.AccountName, o.Category,
			m.Format(o.Value), pct(o.Probability), o.CloseDate.Time().Format("2 Jan"), o.Stage))
	}
	if d.ClosingMore > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", d.ClosingMore))
	}
	return fmt.Sprintf("*Closing in the next %d days*: %s in %d %s\n%s", domain.DigestClosingDays,
		m.Format(d.ClosingValue), n, plural(n, "opportunity", "opportunities"), strings.Join(lines, "\n"))
}

// moversText lists who moved tier since the last digest, down first.
func moversText(d domain.Digest, since string) string {
	if len(d.Movers) == 0 {
		return fmt.Sprintf("*Tier movers %s*: none.", since)
	}
	var lines []string
	for i, mv := range d.Movers {
		if i == maxMovers {
			lines = append(lines, fmt.Sprintf("… and %d more", len(d.Movers)-maxMovers))
			break
		}
		arrow := "↓"
		if mv.Up {
			arrow = "↑"
		}
		lines = append(lines, fmt.Sprintf("• %s %s: %s → %s", arrow, mv.Name, mv.From, mv.To))
	}
	return fmt.Sprintf("*Tier movers %s*\n%s", since, strings.Join(lines, "\n"))
}

// latePayersText lists the accounts with invoices long past due.
func (b *Bot) latePayersText(d domain.Digest) string {
	m := b.Money
	if len(d.LatePayers) == 0 {
		return fmt.Sprintf("*Late payers*: no invoice is more than %d days past due.", domain.DigestLateDays)
	}
	var lines []string
	for _, p := range d.LatePayers {
		s := fmt.Sprintf("• %s: %s overdue", p.Name, m.Format(p.Overdue))
		if p.Invoices > 1 {
			s += fmt.Sprintf(" on %d invoices, the oldest %d days late", p.Invoices, p.DaysLate)
		} else {
			s += fmt.Sprintf(", %d days late", p.DaysLate)
		}
		lines = append(lines, s+fmt.Sprintf(": financing cost so far %s", m.Format(p.FinancingCost)))
	}
	if d.LateMore > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", d.LateMore))
	}
	return fmt.Sprintf("*Late payers* (invoices more than %d days past due; the financing cost so far counts every day late)\n%s",
		domain.DigestLateDays, strings.Join(lines, "\n"))
}

// paceWords says how the territory paces against its objective.
func (b *Bot) paceWords(p domain.DigestPace) string {
	m := b.Money
	switch {
	case !p.HasObjective && p.SuggestedYear == 0:
		return fmt.Sprintf("no objective for %d; %s so far this year", p.Year, m.Format(p.YTD))
	case !p.HasObjective && p.SuggestedYear != p.Year:
		return fmt.Sprintf("no objective for %d; %s so far this year (a reasonable one for %d: %s)", p.Year, m.Format(p.YTD), p.SuggestedYear, m.Format(p.SuggestedTarget))
	case !p.HasObjective:
		return fmt.Sprintf("no objective for %d (a reasonable one: %s); %s so far this year", p.Year, m.Format(p.SuggestedTarget), m.Format(p.YTD))
	case p.DaysLeft == 0:
		if p.YTD >= p.Target {
			return fmt.Sprintf("the year is closed: %s, the %s objective reached", m.Format(p.YTD), m.Format(p.Target))
		}
		return fmt.Sprintf("the year is closed: %s, %s short of the %s objective", m.Format(p.YTD), m.Format(p.Target-p.YTD), m.Format(p.Target))
	case p.OnPace:
		return fmt.Sprintf("on pace: %s of the %s expected by now, towards %s", m.Format(p.YTD), m.Format(p.Expected), m.Format(p.Target))
	}
	s := fmt.Sprintf("behind by %s: %s of the %s expected by now, towards %s", m.Format(p.Behind), m.Format(p.YTD), m.Format(p.Expected), m.Format(p.Target))
	switch {
	case p.Target <= p.YTD:
	case p.DaysLeft < domain.GrowthFinalDays:
		s += fmt.Sprintf("; needs %s in %s", m.Format(p.Target-p.YTD), daysLeftWords(p.DaysLeft))
	case p.NeededPerMonth != nil && *p.NeededPerMonth > 0:
		s += fmt.Sprintf("; needs %s a month", m.Format(*p.NeededPerMonth))
	}
	return s
}

// digestNote is a digest's small print: what it covers, what it was compared with and,
// for a preview, when the digest goes out.
func (b *Bot) digestNote(t domain.Territory, d domain.Digest, asOf time.Time, preview bool) string {
	w := domain.Window(asOf)
	s := fmt.Sprintf("As of %s: sales from %s to %s, potential.csv, open opportunities, invoices, grades and objectives.",
		d.AsOf, w.After.AddDate(0, 0, 1).Format(domain.DateLayout), w.Through.Format(domain.DateLayout))
	if d.Change != nil {
		s += fmt.Sprintf(" Changes are against the digest of the week of %s.", d.Change.Since.Time().Format(weekLayout))
	}
	s += fmt.Sprintf(" Tier weights: Business Build ×%g, Core Customer ×%g, Convenient Sale ×%g, Operational Drain ×%g, not graded ×%g.",
		domain.TierWeightBusinessBuild, domain.TierWeightCoreCustomer, domain.TierWeightConvenientSale,
		domain.TierWeightOperationalDrain, domain.TierWeightUngraded)
	if preview {
		s += fmt.Sprintf(" Preview: nothing is saved; the digest goes out %s.", scheduleWords(t))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
