package domain

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// GradeMark is one account's place in a stored grading.
type GradeMark struct {
	AccountID string
	Tier      string
	Score     float64
}

// Grading is a territory's grades at one as-of date, stored so that the next grading can
// say who moved tier since.
type Grading struct {
	Territory string
	AsOf      time.Time
	Version   int64 // the data version it was computed at
	Marks     []GradeMark
}

// GradingStore keeps gradings.
type GradingStore interface {
	// SaveGrading stores g, replacing the grading of the same territory and as-of date.
	SaveGrading(ctx context.Context, g Grading) error
	// PreviousGrading returns the territory's latest grading with an as-of date before
	// before; ENOTFOUND when there is none.
	PreviousGrading(ctx context.Context, territory string, before time.Time) (Grading, error)
}

// TierSummary is one tier of a territory: how many accounts, and what they earn us.
type TierSummary struct {
	Tier     string  `json:"tier"`
	Accounts int     `json:"accounts"`
	Revenue  float64 `json:"revenue" money:"amount"`
	GP       float64 `json:"gp" money:"amount"`
	TrueGP   float64 `json:"true_gp" money:"amount"`
}

// GradeLine is one account of a territory's grading.
type GradeLine struct {
	AccountID string  `json:"account_id"`
	Name      string  `json:"name"`
	Tier      string  `json:"tier"`
	Score     float64 `json:"score"`
	GP        float64 `json:"gp" money:"amount"`
	TrueGP    float64 `json:"true_gp" money:"amount"`
}

// Mover is an account whose tier changed since the previous grading.
type Mover struct {
	AccountID string  `json:"account_id"`
	Name      string  `json:"name"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	FromScore float64 `json:"from_score"`
	ToScore   float64 `json:"to_score"`
	Up        bool    `json:"up"`
}

// TerritoryGrades is the grading of a territory's accounts.
type TerritoryGrades struct {
	Territory string        `json:"territory"`
	AsOf      Date          `json:"as_of"`
	Tiers     []TierSummary `json:"tiers"` // all four, best first
	// Ungraded counts the accounts with no data in W.
	Ungraded int `json:"ungraded"`
	// Accounts are the graded accounts, best score first.
	Accounts []GradeLine `json:"accounts"`
	// Since is the as-of date of the previous stored grading (zero, and left out of
	// the JSON, when there is none); Movers are the accounts whose tier changed since,
	// biggest moves first.
	Since  Date    `json:"since,omitzero"`
	Movers []Mover `json:"movers"`

	version int64
}

// GradeReader is what Grades reads through (a Store is one; see Store and its parts for
// each method): the data version its books key on, the accounts, the grade facts of the
// whole book and an account's overdue invoices.
type GradeReader interface {
	DataVersion(ctx context.Context) (int64, error)
	FindAccounts(ctx context.Context, s Scope) ([]Account, error)
	FindOverdueInvoices(ctx context.Context, s Scope, asOf time.Time, minDaysLate int) ([]Invoice, error)
	GradeFacts(ctx context.Context, asOf time.Time) ([]GradeFacts, error)
}

// Grades grades accounts through a GradeReader. Every grade ranks the account's spend in
// the whole book, so Grades computes the whole book at once (one read of every account's
// grade facts) and keeps it for the current (data version, as-of date); an import or a
// new date computes it again. Concurrent callers of the same book wait for one
// computation. Safe for concurrent use.
type Grades struct {
	Store    GradeReader
	Settings GradeSettings // must be valid
	// Gradings keeps territory gradings for movers; nil: no movers.
	Gradings GradingStore

	mu    sync.Mutex
	books []*gradeBook // most recent first, at most maxBooks
}

// maxBooks is how many (data version, as-of date) books Grades keeps: today's and a few
// dates asked about with --as-of.
const maxBooks = 4

// gradeBook is the grades of every account for one data version and as-of date. It
// keeps each grade without its criteria and lifts, which are most of a grade's size
// (about 3 KiB an account, 60 MB at N=20,000), and each account's facts, from which
// Account grades it again in full (microseconds).
type gradeBook struct {
	version int64
	asOf    time.Time
	ready   chan struct{} // closed when computed
	err     error

	grades      []Grade // without Criteria and Lifts
	accounts    []Account
	facts       []GradeFacts // by account, as grades
	book        *GradeBook
	byID        map[string]int
	byTerritory map[string][]int // best score first
}

// book returns the graded book at asOf, computing it if needed.
func (g *Grades) book(ctx context.Context, asOf time.Time) (*gradeBook, error) {
	asOf = Day(asOf)
	v, err := g.Store.DataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	g.mu.Lock()
	var b *gradeBook
	for i, c := range g.books {
		if c.version == v && c.asOf.Equal(asOf) {
			b = c
			g.books = slices.Insert(slices.Delete(g.books, i, i+1), 0, c)
			break
		}
	}
	if b == nil {
		b = &gradeBook{version: v, asOf: asOf, ready: make(chan struct{})}
		g.books = slices.Insert(g.books, 0, b)
		if len(g.books) > maxBooks {
			g.books = g.books[:maxBooks]
		}
		g.mu.Unlock()
		b.err = g.compute(context.WithoutCancel(ctx), b)
		close(b.ready)
		if b.err != nil {
			g.forget(b)
		}
		return b, b.err
	}
	g.mu.Unlock()
	select {
	case <-b.ready:
		return b, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// forget drops a book that failed, so that the next call tries again.
func (g *Grades) forget(b *gradeBook) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.books = slices.DeleteFunc(g.books, func(c *gradeBook) bool { return c == b })
}

// compute grades every account into b.
func (g *Grades) compute(ctx context.Context, b *gradeBook) error {
	var (
		accounts []Account
		facts    []GradeFacts
	)
	err := run([]func() error{
		func() (err error) {
			if accounts, err = g.Store.FindAccounts(ctx, AllAccounts); err != nil {
				return fmt.Errorf("find accounts: %w", err)
			}
			return nil
		},
		func() (err error) {
			if facts, err = g.Store.GradeFacts(ctx, b.asOf); err != nil {
				return fmt.Errorf("grade facts: %w", err)
			}
			return nil
		},
	}, true)
	if err != nil {
		return err
	}
	book := NewGradeBook(facts)
	factsBy := make(map[string]*GradeFacts, len(facts))
	for i := range facts {
		factsBy[facts[i].AccountID] = &facts[i]
	}
	b.grades = make([]Grade, len(accounts))
	b.accounts, b.facts, b.book = accounts, make([]GradeFacts, len(accounts)), book
	b.byID = make(map[string]int, len(accounts))
	b.byTerritory = map[string][]int{}
	for i, a := range accounts {
		f := GradeFacts{AccountID: a.ID}
		if p := factsBy[a.ID]; p != nil {
			f = *p
		}
		b.facts[i] = f
		b.grades[i] = GradeAccount(a, f, book, g.Settings, b.asOf)
		b.grades[i].Criteria, b.grades[i].Lifts = nil, nil
		b.byID[a.ID] = i
		b.byTerritory[a.Territory] = append(b.byTerritory[a.Territory], i)
	}
	for _, idx := range b.byTerritory {
		slices.SortFunc(idx, func(x, y int) int {
			return cmp.Or(cmp.Compare(b.grades[y].Score, b.grades[x].Score), cmp.Compare(b.grades[x].AccountID, b.grades[y].AccountID))
		})
	}
	return nil
}

// Account returns the grade of one account at asOf, with its overdue invoices; ENOTFOUND
// when there is no such account.
func (g *Grades) Account(ctx context.Context, id string, asOf time.Time) (Grade, error) {
	b, err := g.book(ctx, asOf)
	if err != nil {
		return Grade{}, err
	}
	i, ok := b.byID[id]
	if !ok {
		return Grade{}, Errorf(ENOTFOUND, "No account has the id %q.", id)
	}
	gr := GradeAccount(b.accounts[i], b.facts[i], b.book, g.Settings, b.asOf)
	invoices, err := g.Store.FindOverdueInvoices(ctx, ForAccount(id), b.asOf, DigestLateDays)
	if err != nil {
		return Grade{}, fmt.Errorf("overdue invoices of %s: %w", id, err)
	}
	gr.Overdue = SummarizeOverdue(invoices, b.asOf)
	return gr, nil
}

// Book returns the grade of every account at asOf, in the store's order of accounts,
// without their criteria and lifts (Account has them). The slice is shared: do not
// change it.
func (g *Grades) Book(ctx context.Context, asOf time.Time) ([]Grade, error) {
	b, err := g.book(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return b.grades, nil
}

// Territory returns the grading of one territory's accounts at asOf, with the movers
// since the previous stored grading when Gradings is set. It does not store this
// grading: Remember does.
func (g *Grades) Territory(ctx context.Context, territory string, asOf time.Time) (TerritoryGrades, error) {
	b, err := g.book(ctx, asOf)
	if err != nil {
		return TerritoryGrades{}, err
	}
	t := TerritoryGrades{Territory: territory, AsOf: DateOf(b.asOf), Accounts: []GradeLine{}, Movers: []Mover{},
		version: b.version}
	byTier := map[string]*TierSummary{}
	for _, name := range tiers {
		t.Tiers = append(t.Tiers, TierSummary{Tier: name})
	}
	for i := range t.Tiers {
		byTier[t.Tiers[i].Tier] = &t.Tiers[i]
	}
	current := map[string]*Grade{}
	for _, i := range b.byTerritory[territory] {
		gr := &b.grades[i]
		if !gr.Graded {
			t.Ungraded++
			continue
		}
		current[gr.AccountID] = gr
		s := byTier[gr.Tier]
		s.Accounts++
		s.Revenue += gr.Revenue
		s.GP += gr.GP
		s.TrueGP += gr.TrueGP
		t.Accounts = append(t.Accounts, GradeLine{AccountID: gr.AccountID, Name: gr.Name, Tier: gr.Tier, Score: gr.Score, GP: gr.GP, TrueGP: gr.TrueGP})
	}
	if g.Gradings == nil {
		return t, nil
	}
	prev, err := g.Gradings.PreviousGrading(ctx, territory, b.asOf)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return t, nil
	case err != nil:
		return TerritoryGrades{}, fmt.Errorf("previous grading: %w", err)
	}
	t.Since = DateOf(prev.AsOf)
	rank := map[string]int{}
	for i, name := range tiers {
		rank[name] = i
	}
	for _, m := range prev.Marks {
		gr := current[m.AccountID]
		if gr == nil || gr.Tier == m.Tier {
			continue
		}
		t.Movers = append(t.Movers, Mover{AccountID: gr.AccountID, Name: gr.Name, From: m.Tier, To: gr.Tier,
			FromScore: m.Score, ToScore: gr.Score, Up: rank[gr.Tier] < rank[m.Tier]})
	}
	slices.SortFunc(t.Movers, func(x, y Mover) int {
		dx, dy := abs(rank[x.To]-rank[x.From]), abs(rank[y.To]-rank[y.From])
		return cmp.Or(cmp.Compare(dy, dx), cmp.Compare(math.Abs(y.ToScore-y.FromScore), math.Abs(x.ToScore-x.FromScore)),
			cmp.Compare(x.AccountID, y.AccountID))
	})
	return t, nil
}

// Remember stores t as the territory's grading at its as-of date, for the movers of the
// next one. It does nothing without Gradings.
func (g *Grades) Remember(ctx context.Context, t TerritoryGrades) error {
	if g.Gradings == nil {
		return nil
	}
	if t.AsOf.IsZero() {
		return Errorf(EINVALID, "the grading of %s has no as-of date", t.Territory)
	}
	gr := Grading{Territory: t.Territory, AsOf: t.AsOf.Time(), Version: t.version, Marks: make([]GradeMark, len(t.Accounts))}
	for i, a := range t.Accounts {
		gr.Marks[i] = GradeMark{AccountID: a.AccountID, Tier: a.Tier, Score: a.Score}
	}
	if err := g.Gradings.SaveGrading(ctx, gr); err != nil {
		return fmt.Errorf("save grading: %w", err)
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
