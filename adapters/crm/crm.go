// Package crm syncs a CRM's accounts, owners and opportunities into the store (issue
// 39). A Syncer pulls from a Source (adapters/salesforce, adapters/hubspot), merges the
// records with what the store holds, writes them as the standard CSV files and imports
// them through csvimport: the same record-level checks as a CSV import, all or nothing,
// with a problem named by the CRM record and field instead of a file line. A Scheduler
// runs the configured syncs from `incumbent serve`, each run claimed once across
// replicas.
package crm

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

// Source is a CRM a sync reads.
type Source interface {
	// Pull reads every record when since is zero, else the records changed from since
	// on, and the ids of those deleted.
	Pull(ctx context.Context, since time.Time) (domain.CRMPull, error)
}

// Store is what a sync reads and writes: the import's store, the records it merges
// with, and the sync's own state.
type Store interface {
	csvimport.Store
	FindTerritories(ctx context.Context) ([]domain.Territory, error)
	FindPeople(ctx context.Context) ([]domain.Person, error)
	FindAccounts(ctx context.Context, s domain.Scope) ([]domain.Account, error)
	FindOpportunities(ctx context.Context, s domain.Scope) ([]domain.Opportunity, error)
	SyncState(ctx context.Context, crm string) (domain.SyncState, error)
	PutSyncState(ctx context.Context, st domain.SyncState) error
}

// Syncer runs one CRM's sync.
type Syncer struct {
	CRM    string // domain.CRMSalesforce or domain.CRMHubSpot
	Source Source
	Store  Store
	// DefaultTerritory is the territory of an account whose CRM record names none, whose
	// owner has none, and that we do not hold yet.
	DefaultTerritory string
	// Fields names, per standard file and column, the CRM field it is read from, for
	// problems: Fields["opportunities"]["value"] = "Amount". Columns not named show as
	// the standard column.
	Fields map[string]map[string]string
	Now    func() time.Time
}

// RunError is a failed run: what failed and, when a record failed the checks, which.
type RunError struct {
	Message string
	Record  string // "Opportunity 0061x…: Amount", "" when no record is to blame
}

func (e *RunError) Error() string { return e.Message }

// Unwrap gives a refused record its domain code, EINVALID.
func (e *RunError) Unwrap() error {
	if e.Record == "" {
		return nil
	}
	return domain.Errorf(domain.EINVALID, "%s", e.Message)
}

// Run pulls from the CRM (everything when full or on the first run, else what changed
// since the last successful pull) and imports it. It records the run's outcome in the
// sync state whatever it is, and returns it; a failed run wrote nothing and keeps the
// watermark, so the next run pulls the same changes again.
func (s *Syncer) Run(ctx context.Context, full bool) (domain.SyncRun, error) {
	now := s.now()
	st, err := s.Store.SyncState(ctx, s.CRM)
	if err != nil {
		return domain.SyncRun{}, fmt.Errorf("%s sync: %w", s.CRM, err)
	}
	run := domain.SyncRun{Started: now, Full: full || st.Through.IsZero()}
	since := st.Through
	if run.Full {
		since = time.Time{}
	}
	accounts, runErr := s.run(ctx, &st, &run, since)
	run.Finished = s.now()
	if runErr != nil {
		run.Error = runErr.Error()
		var re *RunError
		if errors.As(runErr, &re) {
			run.Record = re.Record
		}
		if run.Record == "" && !st.Last.OK {
			run.Record = st.Last.Record // the record stays named until a run succeeds
		}
	} else {
		run.OK = true
		st.LastOK = run.Finished
		st.Accounts = accounts
	}
	st.Last = run
	if err := s.Store.PutSyncState(context.WithoutCancel(ctx), st); err != nil {
		return run, errors.Join(runErr, fmt.Errorf("%s sync: keep its state: %w", s.CRM, err))
	}
	return run, runErr
}

func (s *Syncer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// run pulls and imports; on success it advances st.Through and returns the new map of
// CRM account ids.
func (s *Syncer) run(ctx context.Context, st *domain.SyncState, run *domain.SyncRun, since time.Time) (map[string]string, error) {
	pull, err := s.Source.Pull(ctx, since)
	run.Calls = pull.Calls
	if err != nil {
		return nil, &RunError{Message: fmt.Sprintf("the pull from %s failed, nothing was written: %v", label(s.CRM), err)}
	}
	held, err := s.held(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s sync: %w", s.CRM, err)
	}
	ids := maps.Clone(st.Accounts)
	if ids == nil || run.Full {
		ids = map[string]string{}
	}
	files := s.merge(pull, held, ids, run)
	dir, err := os.MkdirTemp("", "incumbent-sync-")
	if err != nil {
		return nil, fmt.Errorf("%s sync: %w", s.CRM, err)
	}
	defer os.RemoveAll(dir)
	if err := files.write(dir); err != nil {
		return nil, fmt.Errorf("%s sync: %w", s.CRM, err)
	}
	deleted := files.deleted
	im := &csvimport.Importer{Store: s.Store, Now: s.Now,
		Then: func(ctx context.Context, b domain.ImportBatch) error {
			for _, id := range deleted {
				if err := b.DeleteOpportunity(ctx, id); err != nil {
					return err
				}
			}
			return nil
		}}
	rep, err := im.Import(ctx, dir)
	if err != nil {
		var ie *csvimport.ImportError
		if errors.As(err, &ie) {
			return nil, s.refused(ie, files)
		}
		return nil, fmt.Errorf("%s sync: import: %w", s.CRM, err)
	}
	run.Version = rep.Version
	if pull.Through.After(st.Through) {
		st.Through = pull.Through
	}
	return ids, nil
}

// heldRecords are the store's records a sync merges with.
type heldRecords struct {
	territories map[string]bool
	people      map[string]domain.Person // by email
	accounts    map[string]domain.Account
	opps        map[string]domain.Opportunity
}

func (s *Syncer) held(ctx context.Context) (heldRecords, error) {
	h := heldRecords{territories: map[string]bool{}, people: map[string]domain.Person{},
		accounts: map[string]domain.Account{}, opps: map[string]domain.Opportunity{}}
	ts, err := s.Store.FindTerritories(ctx)
	if err != nil {
		return h, err
	}
	for _, t := range ts {
		h.territories[t.Name] = true
	}
	ps, err := s.Store.FindPeople(ctx)
	if err != nil {
		return h, err
	}
	for _, p := range ps {
		h.people[p.Email] = p
	}
	as, err := s.Store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		return h, err
	}
	for _, a := range as {
		h.accounts[a.ID] = a
	}
	opps, err := s.Store.FindOpportunities(ctx, domain.AllAccounts)
	if err != nil {
		return h, err
	}
	for _, o := range opps {
		h.opps[o.ID] = o
	}
	return h, nil
}

// origin is the CRM record a row of a written file came from.
type origin struct {
	object string // "Account", "company", …
	id     string
}

// table is one standard file to write: its header, rows and each row's origin.
type table struct {
	name    string // accounts (the standard file without .csv)
	header  []string
	rows    [][]string
	origins []origin
	lines   []int // the line each row starts on, once written (a value may hold line breaks)
}

// originAt returns the origin of the row on line, if any.
func (t *table) originAt(line int) (origin, bool) {
	i, found := slices.BinarySearch(t.lines, line)
	if !found {
		i--
	}
	if i < 0 || i >= len(t.origins) {
		return origin{}, false
	}
	return t.origins[i], true
}

func (t *table) add(o origin, row ...string) {
	t.rows = append(t.rows, row)
	t.origins = append(t.origins, o)
}

// syncFiles is what a run writes: the standard files and the opportunities to delete.
type syncFiles struct {
	tables  []*table
	deleted []string
}

func (f syncFiles) write(dir string) error {
	for _, t := range f.tables {
		if len(t.rows) == 0 && t.name != "opportunities" {
			continue // opportunities.csv is always written: the import needs a file
		}
		fh, err := os.Create(filepath.Join(dir, t.name+".csv"))
		if err != nil {
			return err
		}
		w := csv.NewWriter(fh)
		w.Write(t.header)
		line := 2
		t.lines = t.lines[:0]
		for _, row := range t.rows {
			t.lines = append(t.lines, line)
			line++
			for _, v := range row {
				line += strings.Count(v, "\n")
			}
		}
		w.WriteAll(t.rows)
		if err := errors.Join(w.Error(), fh.Close()); err != nil {
			return err
		}
	}
	return nil
}

// objects are the names of the CRM's kinds of record, for problems: account, person,
// opportunity.
func objects(crm string) [3]string {
	if crm == domain.CRMHubSpot {
		return [3]string{"company", "owner", "deal"}
	}
	return [3]string{"Account", "User", "Opportunity"}
}

// label is how a reply names the CRM.
func label(crm string) string {
	if crm == domain.CRMHubSpot {
		return "HubSpot"
	}
	return "Salesforce"
}

// merge turns the pull into the standard files, merged with what the store holds: a
// record we hold keeps what the CRM does not say (an account's aliases and payment
// terms, a person's role and chat ids, an opportunity's competitor and next step).
func (s *Syncer) merge(pull domain.CRMPull, h heldRecords, ids map[string]string, run *domain.SyncRun) syncFiles {
	obj := objects(s.CRM)
	people := map[string]domain.CRMPerson{} // by CRM id
	for _, p := range pull.People {
		people[p.CRMID] = p
	}
	for _, a := range pull.Accounts {
		ids[a.CRMID] = cmp.Or(a.AccountID, a.CRMID)
	}
	territories := &table{name: "territories", header: []string{"territory"}}
	peopleT := &table{name: "people", header: []string{"email", "name", "role", "territory", "slack_user_id", "teams_user_id"}}
	accounts := &table{name: "accounts", header: []string{"account_id", "name", "territory", "owner", "industry", "aliases", "payment_terms_days", "employees"}}
	opps := &table{name: "opportunities", header: []string{"opp_id", "account_id", "category", "name", "value", "stage", "probability", "close_date", "competitor", "next_step"}}

	newTerritory := map[string]bool{}
	owned := map[string]map[string]int{} // a new person's email → territory → accounts
	personOf := map[string]origin{}      // email → the CRM user it came from
	names := map[string]string{}         // email → name
	for _, a := range pull.Accounts {
		id := ids[a.CRMID]
		email := strings.ToLower(strings.TrimSpace(a.OwnerEmail))
		if p, ok := people[a.OwnerCRMID]; ok && email == "" {
			email = strings.ToLower(strings.TrimSpace(p.Email))
		}
		if email != "" {
			if p, ok := people[a.OwnerCRMID]; ok {
				personOf[email] = origin{obj[1], p.CRMID}
				names[email] = strings.TrimSpace(p.Name)
			} else if _, ok := personOf[email]; !ok {
				personOf[email] = origin{obj[0], a.CRMID}
			}
		}
		stored, isHeld := h.accounts[id]
		territory := strings.TrimSpace(a.Territory)
		if territory == "" {
			territory = h.people[email].Territory
		}
		if territory == "" && isHeld {
			territory = stored.Territory
		}
		territory = cmp.Or(territory, s.DefaultTerritory)
		if territory != "" && !h.territories[territory] && !newTerritory[territory] {
			newTerritory[territory] = true
			territories.add(origin{obj[0], a.CRMID}, territory)
		}
		if _, ok := h.people[email]; !ok && email != "" {
			if owned[email] == nil {
				owned[email] = map[string]int{}
			}
			owned[email][territory]++
		}
		terms, industry, employees, aliases := "", a.Industry, a.Employees, ""
		if isHeld {
			terms = strconv.Itoa(stored.PaymentTermsDays)
			industry = cmp.Or(industry, stored.Industry)
			if employees == "" && stored.Employees > 0 {
				employees = strconv.Itoa(stored.Employees)
			}
			aliases = strings.Join(stored.Aliases, ";")
		}
		accounts.add(origin{obj[0], a.CRMID}, id, a.Name, territory, email, industry, aliases, terms, employees)
		run.Accounts++
	}
	// People: the owners of the synced accounts. One we hold keeps their role,
	// territory and chat ids; a new one is a rep of the territory where most of their
	// accounts are (ties: the territory first by name).
	for _, email := range slices.Sorted(maps.Keys(personOf)) {
		p, isHeld := h.people[email]
		name := cmp.Or(names[email], p.Name, email)
		if isHeld {
			if name == p.Name {
				continue
			}
			peopleT.add(personOf[email], email, name, string(p.Role), p.Territory, p.SlackUserID, p.TeamsUserID)
		} else {
			best := ""
			for _, t := range slices.Sorted(maps.Keys(owned[email])) {
				if best == "" || owned[email][t] > owned[email][best] {
					best = t
				}
			}
			peopleT.add(personOf[email], email, name, string(domain.RoleRep), best, "", "")
		}
		run.People++
	}
	deleted := map[string]bool{}
	for _, id := range pull.DeletedOpportunities {
		deleted[id] = true
	}
	for _, o := range pull.Opportunities {
		if deleted[o.CRMID] {
			continue
		}
		stored, isHeld := h.opps[o.CRMID]
		category := strings.TrimSpace(o.Category)
		if category == "" {
			category = stored.Category // a "Plan it" opportunity keeps ours
		}
		if category == "" {
			run.Skipped++
			continue
		}
		account := cmp.Or(o.AccountID, ids[o.AccountCRMID], o.AccountCRMID)
		if account == "" { // a HubSpot deal with no company: no account's gap to cover
			run.Skipped++
			continue
		}
		competitor, next := "", ""
		if isHeld {
			competitor, next = stored.Competitor, stored.NextStep
		}
		opps.add(origin{obj[2], o.CRMID}, o.CRMID, account, category, o.Name, cmp.Or(o.Amount, "0"), o.Stage, o.Probability,
			o.CloseDate, competitor, next)
		run.Opportunities++
	}
	var del []string
	for _, id := range slices.Sorted(maps.Keys(deleted)) {
		if _, ok := h.opps[id]; ok {
			del = append(del, id)
		}
	}
	run.Deleted = len(del)
	for _, id := range pull.DeletedAccounts {
		delete(ids, id) // the account stays: the ERP's sales name it; its opportunities go with the CRM's
	}
	return syncFiles{tables: []*table{territories, peopleT, accounts, opps}, deleted: del}
}

// refused turns the import's problems into the CRM's terms: each names the CRM record
// (its kind and id) and field, and the value.
func (s *Syncer) refused(ie *csvimport.ImportError, f syncFiles) *RunError {
	var b strings.Builder
	fmt.Fprintf(&b, "%s sync refused, nothing was written: %d problem", label(s.CRM), ie.Total)
	if ie.Total != 1 {
		b.WriteString("s")
	}
	first := ""
	for _, p := range ie.Problems {
		where := p.File
		field := p.Column
		for _, t := range f.tables {
			if t.name+".csv" != p.File {
				continue
			}
			o, ok := t.originAt(p.Line)
			if !ok {
				continue
			}
			where = o.object + " " + o.id
			if n := s.Fields[t.name][p.Column]; n != "" {
				field = n
			}
		}
		line := where
		if field != "" {
			line += ": " + field
		}
		if first == "" {
			first = line
		}
		b.WriteString("\n")
		b.WriteString(line)
		b.WriteString(": ")
		b.WriteString(p.Message)
		if p.File == "accounts.csv" && p.Column == "territory" && p.Message == "is required" {
			fmt.Fprintf(&b, " (nothing names one: not the CRM, nor the owner's territory here; set default_territory in the mapping's [%s])", s.CRM)
		}
	}
	if more := ie.Total - len(ie.Problems); more > 0 {
		fmt.Fprintf(&b, "\n… and %d more", more)
	}
	return &RunError{Message: b.String(), Record: first}
}
