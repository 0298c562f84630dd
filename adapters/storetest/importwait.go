package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// importWaiter is a store whose writes from chat wait for a running import at most the
// time it is told (domain.ImportWait unless told), then fail with domain.ErrImporting.
type importWaiter interface {
	SetImportWait(d time.Duration)
}

// chatWrite is one write from chat, for testWritesWaitForImport. data writes change
// records an import writes too, so every store makes them wait; the others (state the
// figures do not read) may go through when the store lets them.
type chatWrite struct {
	name  string
	data  bool
	write func(ctx context.Context) error
}

// chatWrites returns one write of every kind chat makes on s, holding f. The claim
// MarkDigestSent marks is made here.
func chatWrites(t *testing.T, s Store, f Fixture) []chatWrite {
	ctx := t.Context()
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	const week = "2026-11-23"
	if won, err := s.ClaimDigest(ctx, "South", week, "me", at, time.Hour); err != nil || !won {
		t.Fatalf("claim: %v, %v", won, err)
	}
	o := f.Objectives[1]
	o.RevenueTarget, o.SetBy, o.SetAt = 55000, "mia@example.com", at
	offer := f.Offers[1]
	offer.Price, offer.SetBy, offer.SetAt = 9, "mia@example.com", at
	north := f.Territories[0]
	north.DigestHour = 9
	w := domain.DateOf(Day(t, week))
	return []chatWrite{
		{"SetObjective", true, func(ctx context.Context) error { return s.SetObjective(ctx, o) }},
		{"SetPotential", true, func(ctx context.Context) error {
			return s.SetPotential(ctx, domain.Potential{AccountID: "A2", Category: "Masks", AnnualPotential: 900, SetBy: "mia@example.com", SetAt: at})
		}},
		{"RecordCompetitorOffer", true, func(ctx context.Context) error { return s.RecordCompetitorOffer(ctx, offer) }},
		{"SetDigestSettings", true, func(ctx context.Context) error { return s.SetDigestSettings(ctx, north) }},
		{"SaveScenario", false, func(ctx context.Context) error {
			return s.SaveScenario(ctx, &domain.Scenario{AccountID: "A1", AccountName: "Acme", Author: "mia@example.com", CreatedAt: at, AsOf: w})
		}},
		{"SaveGrading", false, func(ctx context.Context) error {
			return s.SaveGrading(ctx, domain.Grading{Territory: "North", AsOf: Day(t, week), Version: 1,
				Marks: []domain.GradeMark{{AccountID: "A1", Tier: domain.TierCoreCustomer, Score: 3}}})
		}},
		{"SaveConversation", false, func(ctx context.Context) error {
			return s.SaveConversation(ctx, domain.Conversation{Adapter: "teams", Key: "user:u1", Ref: []byte(`{}`), UpdatedAt: at})
		}},
		{"SaveDigestSnapshot", false, func(ctx context.Context) error {
			return s.SaveDigestSnapshot(ctx, domain.DigestSnapshot{Territory: "North", Week: w, AsOf: w, Current: 100, Potential: 150,
				Gap: 50, Share: 100.0 / 150, CreatedAt: at})
		}},
		{"ClaimDigest", false, func(ctx context.Context) error {
			_, err := s.ClaimDigest(ctx, "North", week, "me", at, time.Hour)
			return err
		}},
		{"MarkDigestSent", false, func(ctx context.Context) error {
			return s.MarkDigestSent(ctx, "South", week, "me", "C1", at)
		}},
	}
}

// testWritesWaitForImport checks that a write from chat made while an import's batch is
// open waits for it at most the import wait, then fails with domain.ErrImporting (a
// write the store can let through may succeed instead); that a context ending first
// keeps its own error; and that a refused write succeeds once the batch is committed.
func testWritesWaitForImport(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	iw, ok := s.(importWaiter)
	if !ok {
		t.Skip("the store cannot shorten its import wait")
	}
	const wait = 50 * time.Millisecond
	iw.SetImportWait(wait)
	writes := chatWrites(t, s, f)

	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	// The batch writes the territory SetDigestSettings changes (PostgreSQL locks its row).
	if err := b.PutTerritory(ctx, f.Territories[0]); err != nil {
		t.Fatal(err)
	}
	var refused []chatWrite
	for _, w := range writes {
		start := time.Now()
		err := w.write(ctx)
		took := time.Since(start)
		switch {
		case errors.Is(err, domain.ErrImporting):
			refused = append(refused, w)
			if took < wait {
				t.Errorf("%s refused after %v, before the wait of %v", w.name, took, wait)
			}
		case err != nil || w.data:
			t.Errorf("%s during an import: %v, want %q", w.name, err, domain.ErrImporting.Message)
		}
		// Well under the default wait: the store waited the wait it was told.
		if took > domain.ImportWait/2 {
			t.Errorf("%s took %v, with a wait of %v", w.name, took, wait)
		}
	}

	t.Logf("refused during the import: %v", names(refused))

	// A context that ends before the wait keeps its error.
	iw.SetImportWait(domain.ImportWait)
	cctx, cancel := context.WithTimeout(ctx, wait)
	err = writes[0].write(cctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, domain.ErrImporting) {
		t.Errorf("%s with a context ending first: %v, want its deadline", writes[0].name, err)
	}
	iw.SetImportWait(wait)

	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// After the import, with the default wait: a write refused above may still hold its
	// place in a lock queue for a moment (PostgreSQL cancels it asynchronously).
	iw.SetImportWait(domain.ImportWait)
	for _, w := range refused {
		if err := w.write(ctx); err != nil {
			t.Errorf("%s after the import: %v", w.name, err)
		}
	}
}

// names returns the names of ws.
func names(ws []chatWrite) []string {
	var n []string
	for _, w := range ws {
		n = append(n, w.name)
	}
	return n
}
