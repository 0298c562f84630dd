package domain_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// gradeStore serves accounts and grade facts from memory and counts the reads of facts.
type gradeStore struct {
	version  atomic.Int64
	reads    atomic.Int64
	fail     atomic.Bool
	accounts []domain.Account
	facts    []domain.GradeFacts
}

func (s *gradeStore) DataVersion(context.Context) (int64, error) { return s.version.Load(), nil }
func (s *gradeStore) FindAccounts(context.Context, domain.Scope) ([]domain.Account, error) {
	return s.accounts, nil
}
func (s *gradeStore) GradeFacts(context.Context, time.Time) ([]domain.GradeFacts, error) {
	s.reads.Add(1)
	if s.fail.Load() {
		return nil, errors.New("disk on fire")
	}
	return s.facts, nil
}

func (s *gradeStore) FindOverdueInvoices(context.Context, domain.Scope, time.Time, int) ([]domain.Invoice, error) {
	return nil, nil
}

var _ domain.GradeReader = (*gradeStore)(nil)

func newGradeStore() *gradeStore {
	return &gradeStore{
		accounts: []domain.Account{
			{ID: "A1", Name: "Acme", Territory: "North"}, {ID: "A2", Name: "Beta", Territory: "North"},
			{ID: "A3", Name: "Gamma", Territory: "South"}, {ID: "A4", Name: "Idle", Territory: "North"},
		},
		facts: []domain.GradeFacts{
			{AccountID: "A1", Revenue: 1000, Cost: 600},
			{AccountID: "A2", Revenue: 100, Cost: 90, Invoiced: 100, LateAmountDays: 100 * 60, FinancedAmountDays: 100 * 60},
			{AccountID: "A3", Revenue: 500, Cost: 300},
		},
	}
}

func TestGradesCache(t *testing.T) {
	ctx := t.Context()
	s := newGradeStore()
	g := &domain.Grades{Store: s, Settings: domain.DefaultGradeSettings()}
	asOf := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC) // any time of the day

	a1, err := g.Account(ctx, "A1", asOf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Account(ctx, "A2", asOf.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Territory(ctx, "North", asOf); err != nil {
		t.Fatal(err)
	}
	if n := s.reads.Load(); n != 1 {
		t.Errorf("%d reads of the facts for one version and day, want 1", n)
	}
	// A1: spend 2 of 3 below (0.667): 3; margin 40% against the company's 1600 − 990 =
	// 610 / 1600: 1.049: 3. Score 3.
	if a1.Score != 3 || a1.Tier != domain.TierCoreCustomer {
		t.Errorf("A1 = %+v", a1)
	}

	s.version.Add(1) // an import
	if _, err := g.Account(ctx, "A1", asOf); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Account(ctx, "A1", asOf.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if n := s.reads.Load(); n != 3 {
		t.Errorf("%d reads after an import and another date, want 3", n)
	}

	if _, err := g.Account(ctx, "A9", asOf); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown account: %v", err)
	}
}

func TestGradesFailureNotCached(t *testing.T) {
	ctx := t.Context()
	s := newGradeStore()
	g := &domain.Grades{Store: s, Settings: domain.DefaultGradeSettings()}
	s.fail.Store(true)
	if _, err := g.Account(ctx, "A1", time.Now()); err == nil {
		t.Fatal("no error from a failing store")
	}
	s.fail.Store(false)
	if _, err := g.Account(ctx, "A1", time.Now()); err != nil {
		t.Fatalf("after the store recovered: %v", err)
	}
}

func TestGradesConcurrent(t *testing.T) {
	s := newGradeStore()
	g := &domain.Grades{Store: s, Settings: domain.DefaultGradeSettings()}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := g.Book(t.Context(), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.reads.Load(); n != 1 {
		t.Errorf("%d reads by 16 concurrent callers, want 1", n)
	}
}

func TestGradesTerritory(t *testing.T) {
	s := newGradeStore()
	g := &domain.Grades{Store: s, Settings: domain.DefaultGradeSettings()}
	tg, err := g.Territory(t.Context(), "North", time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, ts := range tg.Tiers {
		counts[ts.Tier] = ts.Accounts
	}
	// A1 Core Customer (3); A2: spend 1, margin 10%/38%: 1, payment 60 days: 1:
	// Operational Drain; A4 has no data.
	want := map[string]int{domain.TierBusinessBuild: 0, domain.TierCoreCustomer: 1, domain.TierConvenientSale: 0, domain.TierOperationalDrain: 1}
	if diff := cmp.Diff(want, counts); diff != "" || tg.Ungraded != 1 || !tg.Since.IsZero() || len(tg.Movers) != 0 {
		t.Errorf("tiers (-want +got):\n%s\n%+v", diff, tg)
	}
	if len(tg.Accounts) != 2 || tg.Accounts[0].AccountID != "A1" {
		t.Errorf("accounts, best first: %+v", tg.Accounts)
	}
	if err := g.Remember(t.Context(), tg); err != nil {
		t.Errorf("Remember without a grading store: %v", err)
	}
}
