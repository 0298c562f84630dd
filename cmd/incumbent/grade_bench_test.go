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
