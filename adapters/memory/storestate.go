package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// What the store keeps beside the records (state): none of it changes the data version.

// gradingKey is a grading's territory and as-of date (YYYY-MM-DD).
type gradingKey struct{ territory, asOf string }

// grading is a stored grading: its data version and its marks, by account id.
type grading struct {
	version int64
	marks   []domain.GradeMark
}

// SaveGrading stores g, replacing the grading of the same territory and as-of date. A
// grading already stored at the same data version is left as it is: it is the same.
func (s *DataStore) SaveGrading(_ context.Context, g domain.Grading) error {
	asOf := g.AsOf.Format(domain.DateLayout)
	marks := make([]domain.GradeMark, len(g.Marks))
	for i, m := range g.Marks {
		m.Score = sqlReal(m.Score)
		marks[i] = m
	}
	slices.SortFunc(marks, func(a, b domain.GradeMark) int { return strings.Compare(a.AccountID, b.AccountID) })
	for i := 1; i < len(marks); i++ {
		if marks[i].AccountID == marks[i-1].AccountID {
			return fmt.Errorf("memory: save grading of %s at %s: account %s is marked twice", g.Territory, asOf, marks[i].AccountID)
		}
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	k := gradingKey{g.Territory, asOf}
	if was, ok := st.gradings[k]; ok && was.version == g.Version {
		return nil
	}
	if st.gradings == nil {
		st.gradings = map[gradingKey]grading{}
	}
	if len(marks) == 0 {
		marks = nil
	}
	st.gradings[k] = grading{version: g.Version, marks: marks}
	return nil
}

// PreviousGrading returns the territory's latest grading before the date before.
func (s *DataStore) PreviousGrading(_ context.Context, territory string, before time.Time) (domain.Grading, error) {
	g := domain.Grading{Territory: territory}
	b := before.Format(domain.DateLayout)
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	var latest string
	for k := range st.gradings {
		if k.territory == territory && k.asOf < b && k.asOf > latest {
			latest = k.asOf
		}
	}
	if latest == "" {
		return g, domain.Errorf(domain.ENOTFOUND, "No grading of %s is stored before %s.", territory, b)
	}
	stored := st.gradings[gradingKey{territory, latest}]
	asOf, err := domain.ParseDate(latest)
	if err != nil {
		return g, fmt.Errorf("memory: previous grading: %w", err)
	}
	g.AsOf, g.Version, g.Marks = asOf, stored.version, slices.Clone(stored.marks)
	return g, nil
}

// storedScenario is a scenario as JSON, with its parent.
type storedScenario struct {
	parent int64
	data   []byte
}

// SaveScenario stores a new scenario and sets its ID: the next of 1, 2, 3…
func (s *DataStore) SaveScenario(_ context.Context, sc *domain.Scenario) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("memory: save scenario: %w", err)
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	st.scenarios = append(st.scenarios, storedScenario{parent: sc.ParentID, data: data})
	sc.ID = int64(len(st.scenarios))
	return nil
}

// FindScenario returns the scenario with the id; ENOTFOUND when there is none.
func (s *DataStore) FindScenario(_ context.Context, id int64) (domain.Scenario, error) {
	st := &s.state
	st.mu.Lock()
	if id < 1 || id > int64(len(st.scenarios)) {
		st.mu.Unlock()
		return domain.Scenario{}, domain.ErrScenarioNotFound(id)
	}
	stored := st.scenarios[id-1]
	st.mu.Unlock()
	sc := domain.Scenario{ID: id}
	if err := json.Unmarshal(stored.data, &sc); err != nil {
		return sc, fmt.Errorf("memory: scenario %d: %w", id, err)
	}
	sc.ParentID = stored.parent
	return sc, nil
}

// storedConversation is a conversation's reference and when it was last seen (UTC).
type storedConversation struct {
	ref       string
	updatedAt time.Time
}

// SaveConversation inserts or replaces a conversation reference.
func (s *DataStore) SaveConversation(_ context.Context, c domain.Conversation) error {
	if c.Adapter == "" || c.Key == "" {
		return domain.Errorf(domain.EINVALID, "a conversation needs an adapter and a key")
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.conversations == nil {
		st.conversations = map[[2]string]storedConversation{}
	}
	st.conversations[[2]string{c.Adapter, c.Key}] = storedConversation{ref: string(c.Ref), updatedAt: c.UpdatedAt.UTC()}
	return nil
}

// FindConversation returns the conversation with the adapter and key; ENOTFOUND when
// there is none.
func (s *DataStore) FindConversation(_ context.Context, adapter, key string) (domain.Conversation, error) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.conversations[[2]string{adapter, key}]
	if !ok {
		return domain.Conversation{Adapter: adapter, Key: key}, domain.Errorf(domain.ENOTFOUND, "no %s conversation %q is known", adapter, key)
	}
	return domain.Conversation{Adapter: adapter, Key: key, Ref: []byte(c.ref), UpdatedAt: c.updatedAt}, nil
}

// SaveDigestSnapshot stores snap, replacing the snapshot of the same territory and week.
func (s *DataStore) SaveDigestSnapshot(_ context.Context, snap domain.DigestSnapshot) error {
	if err := domain.CheckDigestSnapshot(snap); err != nil {
		return err
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("memory: save digest snapshot: %w", err)
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.snapshots == nil {
		st.snapshots = map[string]map[string][]byte{}
	}
	if st.snapshots[snap.Territory] == nil {
		st.snapshots[snap.Territory] = map[string][]byte{}
	}
	st.snapshots[snap.Territory][snap.Week.String()] = data
	return nil
}

// PreviousDigestSnapshot returns the territory's latest snapshot of a week before
// beforeWeek (YYYY-MM-DD); ENOTFOUND when there is none.
func (s *DataStore) PreviousDigestSnapshot(_ context.Context, territory, beforeWeek string) (domain.DigestSnapshot, error) {
	var snap domain.DigestSnapshot
	if _, err := domain.ParseDate(beforeWeek); err != nil {
		return snap, domain.Errorf(domain.EINVALID, "a week is a date (YYYY-MM-DD), not %q", beforeWeek)
	}
	st := &s.state
	st.mu.Lock()
	var latest string
	var data []byte
	for week, d := range st.snapshots[territory] {
		if week < beforeWeek && (data == nil || week > latest) {
			latest, data = week, d
		}
	}
	st.mu.Unlock()
	if data == nil {
		return snap, domain.Errorf(domain.ENOTFOUND, "No digest of %s is stored before the week of %s.", territory, beforeWeek)
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		return snap, fmt.Errorf("memory: digest snapshot of %s before %s: %w", territory, beforeWeek, err)
	}
	return snap, nil
}

// deliveryTime is how the SQLite store writes a delivery's times (and so how a given-up
// claim's reason names its time).
const deliveryTime = "2006-01-02T15:04:05.000000000Z"

// ClaimDigest claims the week's digest of territory for claimant (see
// bot.DigestDeliveryStore): under the state's mutex, so of claims at once one wins.
func (s *DataStore) ClaimDigest(_ context.Context, territory, week, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if territory == "" || week == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "a digest claim needs a territory, a week and a claimant")
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return claim(&st.deliveries, territory, week, claimant, now, stale), nil
}

// ClaimAlert claims a person's alert of day for claimant (see bot.AlertStore), as
// ClaimDigest claims a digest.
func (s *DataStore) ClaimAlert(_ context.Context, person, day, claimant string, now time.Time, stale time.Duration) (bool, error) {
	if person == "" || day == "" || claimant == "" {
		return false, domain.Errorf(domain.EINVALID, "an alert claim needs a person, a day and a claimant")
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return claim(&st.alerts, person, day, claimant, now, stale), nil
}

// claim claims the delivery of key and period in records. The state's mutex is held.
func claim(records *map[[2]string]*domain.DigestDelivery, key, period, claimant string, now time.Time, stale time.Duration) bool {
	now = now.UTC()
	k := [2]string{key, period}
	d := (*records)[k]
	if d == nil {
		if *records == nil {
			*records = map[[2]string]*domain.DigestDelivery{}
		}
		(*records)[k] = &domain.DigestDelivery{Territory: key, Week: period, Status: domain.DigestPending,
			Claimant: claimant, ClaimedAt: now, Attempts: 1}
		return true
	}
	staleClaim := d.Status == domain.DigestPending && !d.ClaimedAt.After(now.Add(-stale))
	retry := d.Status == domain.DigestFailed && !d.RetryAt.IsZero() && !d.RetryAt.After(now)
	if !staleClaim && !retry {
		return false
	}
	d.RetryAt = time.Time{}
	if staleClaim && d.Attempts >= domain.DigestMaxAttempts {
		d.Status = domain.DigestFailed
		d.LastError = fmt.Sprintf("given up after %d attempts: the claim of %s at %s was never completed (the process stopped mid-send?)",
			d.Attempts, d.Claimant, d.ClaimedAt.Format(deliveryTime))
		return false
	}
	d.Status, d.Claimant, d.ClaimedAt = domain.DigestPending, claimant, now
	d.Attempts++
	return true
}

// held returns the record of key's delivery of period when claimant holds a pending
// claim on it, else an ECONFLICT saying what it is. The state's mutex is held.
func held(records map[[2]string]*domain.DigestDelivery, what, key, period, claimant string) (*domain.DigestDelivery, error) {
	d := records[[2]string{key, period}]
	switch {
	case d == nil:
		return nil, domain.Errorf(domain.ECONFLICT, "the %s of %s for %s was never claimed", what, key, period)
	case d.Claimant != claimant || d.Status != domain.DigestPending:
		return nil, domain.Errorf(domain.ECONFLICT, "the %s of %s for %s is not claimed by %s: it is %s, last claimed by %s",
			what, key, period, claimant, d.Status, d.Claimant)
	}
	return d, nil
}

// MarkDigestSent records that claimant sent the week's digest of territory, detail
// saying where. ECONFLICT when claimant does not hold a pending claim on it.
func (s *DataStore) MarkDigestSent(_ context.Context, territory, week, claimant, detail string, now time.Time) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return markSent(st.deliveries, "digest", territory, week, claimant, detail, now)
}

// MarkAlertSent records that claimant sent a person's alert of day (see bot.AlertStore).
func (s *DataStore) MarkAlertSent(_ context.Context, person, day, claimant, detail string, now time.Time) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return markSent(st.alerts, "alert", person, day, claimant, detail, now)
}

func markSent(records map[[2]string]*domain.DigestDelivery, what, key, period, claimant, detail string, now time.Time) error {
	d, err := held(records, what, key, period, claimant)
	if err != nil {
		return err
	}
	d.Status, d.SentAt, d.Detail, d.LastError, d.RetryAt = domain.DigestSent, now.UTC(), detail, "", time.Time{}
	return nil
}

// MarkDigestFailed records that claimant's attempt at the week's digest of territory
// failed for reason: it may be claimed again after domain.DigestRetryDelay(attempts),
// or never once attempts reach domain.DigestMaxAttempts. ECONFLICT when claimant does
// not hold a pending claim on it.
func (s *DataStore) MarkDigestFailed(_ context.Context, territory, week, claimant, reason string, now time.Time) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return markFailed(st.deliveries, "digest", territory, week, claimant, reason, now)
}

// MarkAlertFailed records that claimant's attempt at a person's alert of day failed (see
// bot.AlertStore), with the digests' retries.
func (s *DataStore) MarkAlertFailed(_ context.Context, person, day, claimant, reason string, now time.Time) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return markFailed(st.alerts, "alert", person, day, claimant, reason, now)
}

func markFailed(records map[[2]string]*domain.DigestDelivery, what, key, period, claimant, reason string, now time.Time) error {
	d, err := held(records, what, key, period, claimant)
	if err != nil {
		return err
	}
	d.Status, d.RetryAt = domain.DigestFailed, time.Time{}
	if d.Attempts < domain.DigestMaxAttempts {
		d.RetryAt = now.UTC().Add(domain.DigestRetryDelay(d.Attempts))
	} else {
		reason = fmt.Sprintf("given up after %d attempts: %s", d.Attempts, reason)
	}
	d.LastError = reason
	return nil
}

// FindDigestDeliveries returns the digest records of territory (of every territory when
// it is ""), the latest week first.
func (s *DataStore) FindDigestDeliveries(_ context.Context, territory string) ([]domain.DigestDelivery, error) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return findDeliveries(st.deliveries, territory), nil
}

// FindAlertDeliveries returns the alert records of person (of everyone when it is ""),
// the latest day first, each with the person as Territory and the day as Week.
func (s *DataStore) FindAlertDeliveries(_ context.Context, person string) ([]domain.DigestDelivery, error) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return findDeliveries(st.alerts, person), nil
}

func findDeliveries(records map[[2]string]*domain.DigestDelivery, key string) []domain.DigestDelivery {
	var out []domain.DigestDelivery
	for _, d := range records {
		if key == "" || d.Territory == key {
			out = append(out, *d)
		}
	}
	slices.SortFunc(out, func(a, b domain.DigestDelivery) int {
		if c := strings.Compare(b.Week, a.Week); c != 0 {
			return c
		}
		return strings.Compare(a.Territory, b.Territory)
	})
	return out
}

// SetAlertSettings stores a person's alert settings (see bot.AlertStore), replacing
// theirs.
func (s *DataStore) SetAlertSettings(_ context.Context, a domain.AlertSettings) error {
	if err := domain.CheckAlertSettings(a); err != nil {
		return err
	}
	a.Email = strings.ToLower(a.Email)
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.alertSettings == nil {
		st.alertSettings = map[string]domain.AlertSettings{}
	}
	st.alertSettings[a.Email] = a
	return nil
}

// FindAlertSettings returns every person's stored alert settings, by email.
func (s *DataStore) FindAlertSettings(_ context.Context) ([]domain.AlertSettings, error) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []domain.AlertSettings
	for _, a := range st.alertSettings {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b domain.AlertSettings) int { return strings.Compare(a.Email, b.Email) })
	return out, nil
}

// SaveAlertState keeps the state a person's alert left (see bot.AlertStore).
func (s *DataStore) SaveAlertState(_ context.Context, email string, a domain.AlertState) error {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.alertStates == nil {
		st.alertStates = map[string]domain.AlertState{}
	}
	a.Keys = slices.Clone(a.Keys)
	st.alertStates[strings.ToLower(email)] = a
	return nil
}

// AlertState returns the state a person's last alert left; nil when they have had none.
func (s *DataStore) AlertState(_ context.Context, email string) (*domain.AlertState, error) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.alertStates[strings.ToLower(email)]
	if !ok {
		return nil, nil
	}
	a.Keys = slices.Clone(a.Keys)
	return &a, nil
}
