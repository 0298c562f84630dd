package main

import (
	"context"
	"testing"

	"github.com/incumbent/incumbent/domain"
)

// BenchmarkGradeFacts reads every account's grade facts: the store's part of grading the
// whole book.
func BenchmarkGradeFacts(b *testing.B) {
	store := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		facts, err := store.GradeFacts(ctx, benchAsOf)
		if err != nil || len(facts) == 0 {
			b.Fatal(len(facts), err)
		}
	}
}

// BenchmarkGradeBook grades the whole book from a cold cache: the facts, the accounts,
// and every account's grade.
func BenchmarkGradeBook(b *testing.B) {
	store := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		g := &domain.Grades{Store: store, Settings: domain.DefaultGradeSettings()}
		book, err := g.Book(ctx, benchAsOf)
		if err != nil || len(book) == 0 {
			b.Fatal(len(book), err)
		}
	}
}

// BenchmarkGradeAccount answers `grade <account>`: cold (a new bot: the whole book is
// graded first) and warm (the book cached), for Acme and for every account in turn.
func BenchmarkGradeAccount(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "grade "+acmeID(b), cold) })
	}
	b.Run("warm-every-account", func(b *testing.B) {
		accs, err := benchStore(b).FindAccounts(context.Background(), domain.AllAccounts)
		if err != nil {
			b.Fatal(err)
		}
		benchCommands(b, func(i int) string { return "grade " + accs[(i*7919)%len(accs)].ID }, false)
	})
}

// BenchmarkGradeTerritory answers `grade territory Northeast`.
func BenchmarkGradeTerritory(b *testing.B) {
	for _, cold := range []bool{true, false} {
		b.Run(coldName(cold), func(b *testing.B) { benchCommand(b, "grade territory Northeast", cold) })
	}
}

// BenchmarkDeal prices and saves a trade (each call saves a scenario in the benchmark
// database), suggests trades, and compares costs per use, for Acme.
func BenchmarkDeal(b *testing.B) {
	id := acmeID(b)
	for _, tt := range []struct{ name, text string }{
		{"price-and-save", "deal " + id + " give 5% on Fasteners for 12 months get 100 WLD-0022 yearly"},
		{"suggest", "deal suggest " + id},
		{"cpu", "cpu " + id + " ABR-0033"},
	} {
		for _, cold := range []bool{true, false} {
			b.Run(tt.name+"-"+coldName(cold), func(b *testing.B) { benchCommand(b, tt.text, cold) })
		}
	}
}
