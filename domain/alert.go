package domain

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The kinds of a rep's daily alert (issue 40 §2), in the order an alert lists them.
const (
	AlertAtRisk    = "at_risk"        // a category crossed the −20% trend
	AlertLate      = "invoice_late"   // an open invoice passed 30 or 60 days past due
	AlertOffer     = "offer"          // a competitor offer recorded on the account by someone else
	AlertPastClose = "past_close"     // an open opportunity whose close date passed
	AlertTierDrop  = "tier_drop"      // the account dropped a tier
	AlertUncovered = "uncovered_gap"  // a new uncovered gap over the threshold
	alertTierState = "tier"           // a baseline entry: the account's tier at the last alert
	alertLate60    = "invoice_late60" // a state entry: an invoice over 60 days past due
)

// Defaults of the alerts.
const (
	// DefaultAlertHour is the local hour of a person's daily alert.
	DefaultAlertHour = 8
	// DefaultAlertMinUncovered is the default of the setting alerts.min_uncovered: an
	// uncovered gap below it is no alert.
	DefaultAlertMinUncovered = 10000
	// alertLate30 and alertLate60Days are the days past due an invoice's alerts are
	// about.
	alertLate30, alertLate60Days = DigestLateDays, 60
)

// AlertSettings is when a person's daily alert goes, as set with `alerts settings`.
// A person with no settings stored gets DefaultAlertHour, on, their owned accounts only.
type AlertSettings struct {
	Email string `json:"email"`
	Hour  int    `json:"hour"`
	Off   bool   `json:"off"`
	// Territory adds every account of the territories a manager manages (not only those
	// they own): `alerts territory on`.
	Territory bool `json:"territory"`
}

// DefaultAlertSettings returns the settings of a person who set none.
func DefaultAlertSettings(email string) AlertSettings {
	return AlertSettings{Email: email, Hour: DefaultAlertHour}
}

// CheckAlertSettings returns EINVALID when s cannot be stored.
func CheckAlertSettings(s AlertSettings) error {
	switch {
	case strings.TrimSpace(s.Email) == "":
		return Errorf(EINVALID, "alert settings need a person's email")
	case s.Hour < 0 || s.Hour > 23:
		return Errorf(EINVALID, "alert hour %d is not between 0 and 23", s.Hour)
	}
	return nil
}

// AlertState is what a person's last alert left: every fact that held then (the
// categories at risk, the invoices past 30 and 60 days, the opportunities past their
// close date, the uncovered gaps over the threshold, the competitor offers on file, each
// account's tier), as sorted keys. The next alert says what is new against it. Nil (no
// alert yet): the first alert.
type AlertState struct {
	Day  string   `json:"day"` // YYYY-MM-DD, the local date of the alert that left it
	Keys []string `json:"keys"`
}

// Alert is one fact of a daily alert.
type Alert struct {
	Kind        string   `json:"kind"`
	AccountID   string   `json:"account_id"`
	AccountName string   `json:"account_name"`
	Category    string   `json:"category,omitempty"`
	Trend       *float64 `json:"trend,omitempty"`
	Invoice     string   `json:"invoice_id,omitempty"`
	Amount      float64  `json:"amount,omitempty" money:"amount"`
	DaysLate    int      `json:"days_late,omitempty"`
	Competitor  string   `json:"competitor,omitempty"`
	SKU         string   `json:"sku,omitempty"`
	Price       float64  `json:"price,omitempty" money:"unit"`
	RecordedBy  string   `json:"recorded_by,omitempty"` // "" for an import
	Opportunity string   `json:"opp_id,omitempty"`
	OppName     string   `json:"opp_name,omitempty"`
	CloseDate   Date     `json:"close_date,omitzero"`
	FromTier    string   `json:"from_tier,omitempty"`
	ToTier      string   `json:"to_tier,omitempty"`
	Uncovered   float64  `json:"uncovered,omitempty" money:"amount"`

	key string
}

// AlertInput is what a person's alert is computed from: the accounts of their alert
// (those they own and may see, or a manager's whole territory) with each one's gap,
// grade, open invoices more than 30 days past due, opportunities and competitor offers.
type AlertInput struct {
	Person        string // the person's email: offers they recorded themselves are no alert
	AsOf          time.Time
	Accounts      []Account
	Gaps          map[string]AccountGap // by account id
	Tiers         map[string]string     // graded accounts' tiers, by account id
	Overdue       []Invoice             // open at AsOf, more than 30 days past due
	Opportunities []Opportunity
	Offers        []CompetitorOffer
	MinUncovered  float64
	// Previous is the state the last alert left; nil for a person's first alert.
	Previous *AlertState
}

// ComputeAlerts returns what changed since the previous alert, in a fixed order, and the
// state to keep for the next one.
//
// Facts that are states (a category at risk, an invoice past 30 or 60 days, an
// opportunity past its close date, an uncovered gap over the threshold) are new when
// they hold now and did not at the last alert, so one that ends and comes back is new
// again. A competitor offer is new when it was not on file at the last alert and someone
// other than the person recorded it (an import counts as someone else); market-wide
// offers are never alerts. A tier drop compares each account's tier with the one the
// last alert saw. The first alert (Previous nil) lists only the states that hold now —
// categories at risk, invoices over 30 days past due, opportunities past their close
// date — and keeps the rest as its baseline.
func ComputeAlerts(in AlertInput) ([]Alert, AlertState) {
	asOf := Day(in.AsOf)
	var now []Alert
	names := map[string]string{}
	for _, a := range in.Accounts {
		names[a.ID] = a.Name
	}
	add := func(a Alert, key string) {
		a.AccountName = names[a.AccountID]
		a.key = key
		now = append(now, a)
	}
	for _, a := range in.Accounts {
		g, ok := in.Gaps[a.ID]
		if !ok {
			continue
		}
		for _, c := range g.Categories {
			if c.AtRisk {
				add(Alert{Kind: AlertAtRisk, AccountID: a.ID, Category: c.Category, Trend: c.Trend},
					AlertAtRisk+"|"+a.ID+"|"+c.Category)
			}
			if c.Uncovered > in.MinUncovered && c.Uncovered > 0 {
				add(Alert{Kind: AlertUncovered, AccountID: a.ID, Category: c.Category, Uncovered: c.Uncovered},
					AlertUncovered+"|"+a.ID+"|"+c.Category)
			}
		}
		if t := in.Tiers[a.ID]; t != "" {
			add(Alert{Kind: alertTierState, AccountID: a.ID, ToTier: t}, alertTierState+"|"+a.ID+"|"+t)
		}
	}
	for _, inv := range in.Overdue {
		if _, ok := names[inv.AccountID]; !ok {
			continue
		}
		late := int(asOf.Sub(Day(inv.DueDate)).Hours() / 24)
		if late > alertLate30 {
			add(Alert{Kind: AlertLate, AccountID: inv.AccountID, Invoice: inv.ID, Amount: inv.Amount, DaysLate: late},
				AlertLate+"|"+inv.ID)
		}
		if late > alertLate60Days {
			add(Alert{Kind: alertLate60, AccountID: inv.AccountID, Invoice: inv.ID, Amount: inv.Amount, DaysLate: late},
				alertLate60+"|"+inv.ID)
		}
	}
	for _, o := range in.Opportunities {
		if _, ok := names[o.AccountID]; !ok || !o.Open() || o.CloseDate.IsZero() || !Day(o.CloseDate).Before(asOf) {
			continue
		}
		add(Alert{Kind: AlertPastClose, AccountID: o.AccountID, Opportunity: o.ID, OppName: o.Name, Category: o.Category,
			Amount: o.Value, CloseDate: DateOf(o.CloseDate)}, AlertPastClose+"|"+o.ID)
	}
	for _, o := range in.Offers {
		if _, ok := names[o.AccountID]; !ok || o.AccountID == "" {
			continue
		}
		key := strings.Join([]string{AlertOffer, o.AccountID, o.Competitor, o.SKU, formatKeyFloat(o.Price),
			o.SetBy, o.SetAt.UTC().Format(time.RFC3339)}, "|")
		add(Alert{Kind: AlertOffer, AccountID: o.AccountID, Competitor: o.Competitor, SKU: o.SKU, Price: o.Price,
			RecordedBy: o.SetBy}, key)
	}

	state := AlertState{Keys: make([]string, 0, len(now))}
	for _, a := range now {
		state.Keys = append(state.Keys, a.key)
	}
	slices.Sort(state.Keys)
	state.Keys = slices.Compact(state.Keys)

	var out []Alert
	if in.Previous == nil {
		for _, a := range now {
			if a.Kind == AlertAtRisk || a.Kind == AlertLate || a.Kind == AlertPastClose {
				out = append(out, a)
			}
		}
		return finishAlerts(out), state
	}
	before := map[string]bool{}
	prevTier := map[string]string{}
	for _, k := range in.Previous.Keys {
		before[k] = true
		if rest, ok := strings.CutPrefix(k, alertTierState+"|"); ok {
			if id, tier, ok := strings.Cut(rest, "|"); ok {
				prevTier[id] = tier
			}
		}
	}
	for _, a := range now {
		if before[a.key] {
			continue
		}
		switch a.Kind {
		case alertTierState:
			if p, ok := prevTier[a.AccountID]; ok && tierRank(a.ToTier) > tierRank(p) {
				a.Kind, a.FromTier = AlertTierDrop, p
				out = append(out, a)
			}
		case alertLate60:
			a.Kind = AlertLate
			out = append(out, a)
		case AlertOffer:
			if !strings.EqualFold(a.RecordedBy, in.Person) {
				out = append(out, a)
			}
		default:
			out = append(out, a)
		}
	}
	return finishAlerts(out), state
}

// finishAlerts keeps one alert per invoice (its latest threshold) and sorts them by
// kind, account name, account id and key.
func finishAlerts(as []Alert) []Alert {
	late60 := map[string]bool{}
	for _, a := range as {
		if a.Kind == AlertLate && a.DaysLate > alertLate60Days && strings.HasPrefix(a.key, alertLate60+"|") {
			late60[a.Invoice] = true
		}
	}
	out := make([]Alert, 0, len(as))
	seen := map[string]bool{}
	for _, a := range as {
		if a.Kind == AlertLate {
			if seen[a.Invoice] || (late60[a.Invoice] && !strings.HasPrefix(a.key, alertLate60+"|")) {
				continue
			}
			seen[a.Invoice] = true
		}
		out = append(out, a)
	}
	order := []string{AlertAtRisk, AlertLate, AlertOffer, AlertPastClose, AlertTierDrop, AlertUncovered}
	slices.SortStableFunc(out, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(slices.Index(order, a.Kind), slices.Index(order, b.Kind)),
			strings.Compare(a.AccountName, b.AccountName), strings.Compare(a.AccountID, b.AccountID),
			strings.Compare(a.key, b.key))
	})
	return out
}

// formatKeyFloat writes a price for a state key: the same bits, the same text.
func formatKeyFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// AlertDue returns the latest time at or before now at which a person's daily alert was
// scheduled (hour:00 on the clocks of timezone, UTC when empty; across daylight-saving
// changes as DigestDue), and its day: the local date, YYYY-MM-DD. An unknown time zone
// or hour is EINVALID.
func AlertDue(timezone string, hour int, now time.Time) (due time.Time, day string, err error) {
	loc, err := Territory{Name: "of the alert", Timezone: timezone, DigestHour: hour}.digestSchedule()
	if err != nil {
		return time.Time{}, "", err
	}
	y, m, d := now.In(loc).Date()
	due = digestAt(y, m, d, hour, loc)
	if due.After(now) {
		d--
		due = digestAt(y, m, d, hour, loc)
	}
	return due, time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(DateLayout), nil
}
