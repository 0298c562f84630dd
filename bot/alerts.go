package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// AlertStore keeps the daily alerts' settings, what each person's last alert left, and
// the delivery records that make each alert go out once (the digests' claim, on a table
// of its own). None of it changes the data version.
type AlertStore interface {
	SetAlertSettings(ctx context.Context, s domain.AlertSettings) error
	// FindAlertSettings returns the settings people stored, by email; people without
	// any get domain.DefaultAlertSettings.
	FindAlertSettings(ctx context.Context) ([]domain.AlertSettings, error)
	// AlertState returns what the person's last alert left; nil before their first.
	AlertState(ctx context.Context, email string) (*domain.AlertState, error)
	SaveAlertState(ctx context.Context, email string, st domain.AlertState) error
	// ClaimAlert, MarkAlertSent, MarkAlertFailed and FindAlertDeliveries are
	// DigestDeliveryStore's for a person's (lower-case email) day (YYYY-MM-DD).
	ClaimAlert(ctx context.Context, person, day, claimant string, now time.Time, stale time.Duration) (bool, error)
	MarkAlertSent(ctx context.Context, person, day, claimant, detail string, now time.Time) error
	MarkAlertFailed(ctx context.Context, person, day, claimant, reason string, now time.Time) error
	FindAlertDeliveries(ctx context.Context, person string) ([]domain.DigestDelivery, error)
}

// Alerts is the `alerts` command's result, and what a daily alert says.
type Alerts struct {
	Person string `json:"person"`
	AsOf   string `json:"as_of"`
	// First is true for a person's first alert: what holds now, no changes.
	First bool `json:"first"`
	// Since is the day of the last alert the changes are counted from ("" when First).
	Since  string         `json:"since,omitempty"`
	Alerts []domain.Alert `json:"alerts"`
}

// maxAlertLines is how many facts an alert lists before "and N more".
const maxAlertLines = 25

// alertSettingsOf returns the person's stored alert settings, or the defaults.
func (b *Bot) alertSettingsOf(ctx context.Context, email string) (domain.AlertSettings, error) {
	all, err := b.AlertStore.FindAlertSettings(ctx)
	if err != nil {
		return domain.AlertSettings{}, fmt.Errorf("find alert settings: %w", err)
	}
	for _, s := range all {
		if strings.EqualFold(s.Email, email) {
			return s, nil
		}
	}
	return domain.DefaultAlertSettings(strings.ToLower(email)), nil
}

// ComputeAlerts returns the person's alerts as of asOf against what their last alert
// left, and the state to keep once these are sent. It reads only the accounts the actor
// may see: those they own, and for a manager with `alerts territory on` every account of
// the territories they manage.
func (b *Bot) ComputeAlerts(ctx context.Context, actor Actor, settings domain.AlertSettings, asOf time.Time) (Alerts, domain.AlertState, error) {
	email := strings.ToLower(actor.Person.Email)
	out := Alerts{Person: email, AsOf: domain.DateOf(asOf).String(), Alerts: []domain.Alert{}}
	if b.AlertStore == nil {
		return out, domain.AlertState{}, domain.Errorf(domain.EINVALID, "This store keeps no alerts.")
	}
	prev, err := b.AlertStore.AlertState(ctx, email)
	if err != nil {
		return out, domain.AlertState{}, fmt.Errorf("alert state: %w", err)
	}
	var accounts []domain.Account
	var scopes []domain.Scope
	if actor.All() {
		scopes = []domain.Scope{domain.AllAccounts}
	} else {
		for _, t := range actor.Territories() {
			scopes = append(scopes, domain.ForTerritory(t))
		}
	}
	in := domain.AlertInput{Person: email, AsOf: asOf, Gaps: map[string]domain.AccountGap{}, Tiers: map[string]string{},
		MinUncovered: b.AlertMinUncovered, Previous: prev}
	whole := settings.Territory && actor.Person.Role == domain.RoleManager
	for _, sc := range scopes {
		accs, err := b.Store.FindAccounts(ctx, sc)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("find accounts: %w", err)
		}
		var mine []domain.Account
		for _, a := range accs {
			if actor.CanSeeAccount(a) && (whole || strings.EqualFold(a.Owner, email)) {
				mine = append(mine, a)
			}
		}
		if len(mine) == 0 {
			continue
		}
		accounts = append(accounts, mine...)
		inv, err := b.Store.FindOverdueInvoices(ctx, sc, asOf, domain.DigestLateDays)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("find overdue invoices: %w", err)
		}
		opps, err := b.Store.FindOpportunities(ctx, sc)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("find opportunities: %w", err)
		}
		offers, err := b.Store.FindCompetitorOffers(ctx, sc)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("find competitor offers: %w", err)
		}
		in.Overdue, in.Opportunities, in.Offers = append(in.Overdue, inv...), append(in.Opportunities, opps...), append(in.Offers, offers...)
	}
	slices.SortFunc(accounts, func(a, b domain.Account) int { return strings.Compare(a.ID, b.ID) })
	accounts = slices.CompactFunc(accounts, func(a, b domain.Account) bool { return a.ID == b.ID })
	in.Accounts = accounts
	if len(accounts) > 0 {
		grades, err := b.Grades.Book(ctx, asOf)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("grades: %w", err)
		}
		for _, g := range grades {
			if g.Graded {
				in.Tiers[g.AccountID] = g.Tier
			}
		}
	}
	for _, a := range accounts {
		g, err := b.Gaps.AccountGap(ctx, a.ID, asOf)
		if err != nil {
			return out, domain.AlertState{}, fmt.Errorf("gap of %s: %w", a.ID, err)
		}
		in.Gaps[a.ID] = g
	}
	alerts, state := domain.ComputeAlerts(in)
	state.Day = out.AsOf
	out.Alerts = append(out.Alerts, alerts...)
	out.First = prev == nil
	if prev != nil {
		out.Since = prev.Day
	}
	return out, state, nil
}

// AlertReply renders a person's alerts for a phone: a paragraph per account (by name),
// one short line per fact, in the kinds' order.
func (b *Bot) AlertReply(a Alerts, preview bool) Reply {
	title := fmt.Sprintf("%d %s on your accounts", len(a.Alerts), plural(len(a.Alerts), "alert", "alerts"))
	if preview {
		title += " (preview)"
	}
	blocks := []Block{&Header{Text: title}}
	if len(a.Alerts) == 0 {
		msg := "Nothing changed on your accounts since your last alert."
		if a.First {
			msg = "Nothing to flag: no category at risk, no invoice over 30 days past due, no deal past its close date."
		}
		blocks = append(blocks, &Text{Text: msg})
	}
	byAccount := map[string][]domain.Alert{}
	var order []domain.Alert // the first alert of each account
	for _, x := range a.Alerts {
		if len(byAccount[x.AccountID]) == 0 {
			order = append(order, x)
		}
		byAccount[x.AccountID] = append(byAccount[x.AccountID], x)
	}
	slices.SortStableFunc(order, func(x, y domain.Alert) int {
		return cmp.Or(strings.Compare(x.AccountName, y.AccountName), strings.Compare(x.AccountID, y.AccountID))
	})
	shown := 0
	var buttons []Button
	for _, first := range order {
		if shown >= maxAlertLines {
			break
		}
		lines := []string{fmt.Sprintf("*%s* (%s)", first.AccountName, first.AccountID)}
		for _, x := range byAccount[first.AccountID] {
			if shown == maxAlertLines {
				break
			}
			lines = append(lines, "• "+b.alertLine(x))
			shown++
		}
		blocks = append(blocks, &Text{Text: strings.Join(lines, "\n")})
		if len(buttons) < 3 {
			buttons = append(buttons, Button{Label: "Gap: " + first.AccountName, Command: "gap " + first.AccountID})
		}
	}
	if more := len(a.Alerts) - shown; more > 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("…and %d more.", more)})
	}
	if len(buttons) > 0 {
		blocks = append(blocks, &Buttons{Buttons: buttons})
	}
	note := "As of " + a.AsOf + ". "
	if a.First {
		note += "First alert: what holds now; later ones say only what changed."
	} else {
		note += "Since your alert of " + a.Since + "."
	}
	if preview {
		note += " `alerts settings` says when they come."
	}
	blocks = append(blocks, &Context{Text: note})
	return Reply{Blocks: blocks, Data: a}
}

// alertLine says one fact in a short line a rep reads on a phone.
func (b *Bot) alertLine(x domain.Alert) string {
	switch x.Kind {
	case domain.AlertAtRisk:
		if x.Trend != nil {
			return fmt.Sprintf("%s at risk: %s on a year ago", x.Category, pct(*x.Trend))
		}
		return x.Category + " at risk"
	case domain.AlertLate:
		return fmt.Sprintf("Invoice %s, %s: %d days past due", x.Invoice, b.Money.Format(x.Amount), x.DaysLate)
	case domain.AlertOffer:
		by := "imported"
		if x.RecordedBy != "" {
			by = "by " + x.RecordedBy
		}
		return fmt.Sprintf("%s offers %s at %s (%s)", x.Competitor, x.SKU, b.Money.Format2(x.Price), by)
	case domain.AlertPastClose:
		return fmt.Sprintf("%s, %s: was to close %s", x.OppName, b.Money.Format(x.Amount), x.CloseDate)
	case domain.AlertTierDrop:
		return fmt.Sprintf("Tier down: %s → %s", x.FromTier, x.ToTier)
	case domain.AlertUncovered:
		return fmt.Sprintf("New uncovered gap: %s, %s", x.Category, b.Money.Format(x.Uncovered))
	}
	return x.Kind
}

// alertsCmd handles `alerts`, `alerts settings [<hour>]`, `alerts on|off` and `alerts
// territory on|off`.
func (b *Bot) alertsCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if b.AlertStore == nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "This store keeps no alerts.")
	}
	email := strings.ToLower(strings.TrimSpace(req.Actor.Person.Email))
	if email == "" {
		msg := "Alerts are per person: ask as someone in people.csv (on the command line, `--as EMAIL`)."
		if len(args) > 0 {
			return Reply{}, domain.Errorf(domain.EINVALID, "%s", msg)
		}
		// A preview asked by no one in particular (the command line's admin) answers
		// how alerts work rather than failing.
		return Reply{Blocks: []Block{&Header{Text: "Daily alerts"}, &Text{Text: "Each rep gets a direct message every morning " +
			"with what changed on the accounts they own: new risks, late invoices, competitor offers, deals past their " +
			"close date, tier drops and new uncovered gaps."}, &Context{Text: msg}}}, nil
	}
	settings, err := b.alertSettingsOf(ctx, email)
	if err != nil {
		return Reply{}, err
	}
	if len(args) == 0 {
		a, _, err := b.ComputeAlerts(ctx, req.Actor, settings, req.AsOf)
		if err != nil {
			return Reply{}, err
		}
		return b.AlertReply(a, true), nil
	}
	usage := "Usage: `alerts`, `alerts settings [<hour 0-23>]`, `alerts on`, `alerts off`, `alerts territory on|off`."
	changed := ""
	switch words := lowerAll(args); {
	case words[0] == "settings" && len(words) == 1:
	case words[0] == "settings" && len(words) == 2:
		h, ok := parseHour(words[1])
		if !ok {
			return Reply{}, domain.Errorf(domain.EINVALID, "alerts settings: %q is not an hour: give 0 to 23 (`8`, `08:00`, `8am`).", args[1])
		}
		settings.Hour, settings.Off, changed = h, false, "hour"
	case len(words) == 1 && (words[0] == "on" || words[0] == "off"):
		settings.Off, changed = words[0] == "off", words[0]
	case len(words) == 2 && words[0] == "territory" && (words[1] == "on" || words[1] == "off"):
		if req.Actor.Person.Role != domain.RoleManager {
			return Reply{}, domain.Errorf(domain.EFORBIDDEN, "`alerts territory on` is for managers: it adds every account of the territories they manage.")
		}
		settings.Territory, changed = words[1] == "on", "territory "+words[1]
	default:
		return Reply{}, domain.Errorf(domain.EINVALID, "I don't know `alerts %s`. %s", strings.Join(args, " "), usage)
	}
	if changed != "" {
		if err := b.AlertStore.SetAlertSettings(ctx, settings); err != nil {
			return Reply{}, fmt.Errorf("set alert settings: %w", err)
		}
	}
	return b.alertSettingsReply(ctx, req.Actor, settings, changed), nil
}

// AlertSchedule is the JSON of `alerts settings`.
type AlertSchedule struct {
	Person    string `json:"person"`
	Hour      int    `json:"hour"`
	Timezone  string `json:"timezone"`
	Off       bool   `json:"off"`
	Territory bool   `json:"territory"`
	Changed   string `json:"changed,omitempty"`
}

func (b *Bot) alertSettingsReply(ctx context.Context, actor Actor, s domain.AlertSettings, changed string) Reply {
	tz := b.alertTimezone(ctx, actor.Person)
	what := "the accounts you own"
	if s.Territory && actor.Person.Role == domain.RoleManager {
		what = "every account of your territories"
	}
	text := fmt.Sprintf("Daily at %02d:00 %s, by direct message, on %s.", s.Hour, tz, what)
	if s.Off {
		text = "Off: no daily alerts. `alerts on` turns them back on."
	}
	blocks := []Block{&Header{Text: "Your daily alerts"}, &Text{Text: text}}
	if changed != "" {
		blocks = append(blocks, &Context{Text: "Changed: " + changed + "."})
	}
	return Reply{Blocks: blocks, Data: AlertSchedule{Person: s.Email, Hour: s.Hour, Timezone: tz, Off: s.Off,
		Territory: s.Territory, Changed: changed}}
}

// alertTimezone is the time zone of a person's alert: their territory's (a manager's
// first managed territory's when they have none), else UTC.
func (b *Bot) alertTimezone(ctx context.Context, p domain.Person) string {
	ts, err := b.Store.FindTerritories(ctx)
	if err != nil {
		return "UTC"
	}
	return AlertTimezone(p, ts)
}

// AlertTimezone is the time zone of p's alerts: their territory's (for a manager
// without one, the first territory they manage by name), else UTC.
func AlertTimezone(p domain.Person, ts []domain.Territory) string {
	for _, t := range ts {
		if t.Name == p.Territory && t.Timezone != "" {
			return t.Timezone
		}
	}
	if p.Territory == "" && p.Role == domain.RoleManager {
		for _, t := range ts {
			if strings.EqualFold(t.Manager, p.Email) && t.Timezone != "" {
				return t.Timezone
			}
		}
	}
	return "UTC"
}

func lowerAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strings.ToLower(w)
	}
	return out
}
