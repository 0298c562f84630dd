package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// TestResolution asks `gap` of typed names against the demo data: each answers the
// account or territory it names, offers choices, or says nothing matches; none answers
// with another account's figures, and every answer not named exactly says what it took
// on the line after the header.
func TestResolution(t *testing.T) {
	b := demoBot(t)
	ctx := context.Background()
	admin := bot.Admin("test")
	paul := actor(t, b, "paul.sanchez@example.com") // a rep of Northeast
	emily := actor(t, b, "emily.henderson@example.com")

	const territory = "territory:"
	tests := []struct {
		as      *bot.Actor // nil: an admin
		query   string
		want    string   // an account id, or "territory:" and a territory's name
		note    bool     // the reply says what it took
		choices []string // account ids or territory names offered
		code    string   // the error's code when it is one
	}{
		// Ids, names and aliases, typed exactly in any case: no note.
		{query: "A0001", want: "A0001"},
		{query: "a0001", want: "A0001"},
		{query: "  A0001  ", want: "A0001"},
		{query: "Acme Manufacturing", want: "A0001"},
		{query: "acme", want: "A0001"},
		{query: "ACME MFG", want: "A0001"},
		{query: "LOCKWOOD & BROCKMAN TOOL & DIE", want: "A0023"},
		{query: "holloway", want: "A0029"}, // an alias, though Holloway Freight shares the word
		{query: "schaefer", want: "A0036"},
		{query: "vcc", want: "A0198"},
		{query: "Northeast", want: territory + "Northeast"},
		{query: "great lakes", want: territory + "Great Lakes"},
		// Normalised: legal forms, "&", abbreviations, punctuation and spacing.
		{query: "ACME corp", want: "A0001", note: true},
		{query: "Acme Manufacturing, Inc.", want: "A0001", note: true},
		{query: "lockwood and brockman tool and die", want: "A0023", note: true},
		{query: "Harbor Mfg", want: "A0016", note: true},
		{query: "Abbott Bros Precision", want: "A0015", note: true},
		{query: "Midland Components", want: "A0002", note: true},
		{query: "north east", want: territory + "Northeast", note: true},
		{query: "NE", want: territory + "Northeast", note: true},
		{query: "gl", want: territory + "Great Lakes", note: true},
		{query: "GC", want: territory + "Gulf Coast", note: true},
		// Word prefixes, in order, from any word.
		{query: "midland", want: "A0002", note: true},
		{query: "pine metal", want: "A0010", note: true},
		{query: "val com col", want: "A0198", note: true},
		{query: "waller & radcliffe", want: "A0003", note: true},
		{query: "gulf", want: territory + "Gulf Coast", note: true},
		{query: "pine ridge", choices: []string{"A0070", "A0010"}, code: domain.EINVALID},
		{query: "kramer", choices: []string{"A0183", "A0011", "A0060"}, code: domain.EINVALID},
		{query: "lone star", choices: []string{"A0177", "A0028"}, code: domain.EINVALID},
		{query: "north", choices: []string{territory + "Northeast", "A0144", "A0115", "A0041"}, code: domain.EINVALID},
		{query: "east", choices: []string{territory + "Northeast", "A0196", "A0133"}, code: domain.EINVALID},
		{query: "great", choices: []string{territory + "Great Lakes", "A0106", "A0190", "A0162"}, code: domain.EINVALID},
		{query: "manufacturing", choices: []string{"A0001", "A0158", "A0052", "A0016", "A0125", "A0116", "A0033", "A0117"}, code: domain.EINVALID},
		{query: "mfg", choices: []string{"A0001", "A0158", "A0052", "A0016", "A0125", "A0116", "A0033", "A0117"}, code: domain.EINVALID},
		// Close spellings: unique and clearly the best.
		{query: "akme", want: "A0001", note: true},
		{query: "acmee", want: "A0001", note: true},
		{query: "kramer stmping", want: "A0060", note: true},
		{query: "sterlng stamping", want: "A0018", note: true},
		{query: "midlnd componants", want: "A0002", note: true},
		{query: "freight pine", want: "A0070", note: true},
		{query: "nrotheast", want: territory + "Northeast", note: true},
		// Substrings and subsequences are only ever choices.
		{query: "tmpng", choices: []string{"A0065", "A0047", "A0060", "A0030", "A0132", "A0018", "A0057", "A0109"}, code: domain.ENOTFOUND},
		{query: "ridge metal prod", want: "A0010", note: true},
		{query: "idge", choices: []string{"A0084", "A0070", "A0010"}, code: domain.EINVALID}, // a tie of close spellings
		{query: "geview", choices: []string{"A0095"}, code: domain.ENOTFOUND},
		// Nothing: never a look-alike.
		{query: "northeast plastics", code: domain.ENOTFOUND},
		// Nothing.
		{query: "zzzzqqq", code: domain.ENOTFOUND},
		{query: "A0999", code: domain.ENOTFOUND},
		{query: strings.Repeat("acme ", 390), want: "A0001", note: true}, // read to 200 characters
		{query: strings.Repeat("zq ", 650), code: domain.ENOTFOUND},
		{query: strings.Repeat("acme ", 400), code: domain.EINVALID}, // over the 2,000 characters of a command
		// A rep: another territory's account reads as no match; choices are their own.
		{as: &paul, query: "acme", want: "A0001"},
		{as: &emily, query: "acme", code: domain.ENOTFOUND},
		{as: &emily, query: "A0001", code: domain.ENOTFOUND},
		{as: &emily, query: "akme", code: domain.ENOTFOUND},
		{as: &paul, query: "north", choices: []string{territory + "Northeast", "A0144", "A0041"}, code: domain.EINVALID},
		{as: &emily, query: "pine", choices: []string{"A0070", "A0010"}, code: domain.EINVALID},
		{as: &emily, query: "northeast", code: domain.EFORBIDDEN},
	}
	for _, tt := range tests {
		as := admin
		if tt.as != nil {
			as = *tt.as
		}
		name := as.Person.Email + " " + tt.query
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			r := b.Handle(ctx, bot.Request{Actor: as, Text: "gap " + tt.query, AsOf: asOf})
			if got := domain.ErrorCode(r.Err); got != tt.code {
				t.Fatalf("code %q, want %q: %s", got, tt.code, bot.RenderText(r))
			}
			var amb *bot.AmbiguousError
			if tt.code != "" {
				if r.Data != nil {
					t.Errorf("an error reply carries figures: %T", r.Data)
				}
				var got []string
				if errors.As(r.Err, &amb) {
					for _, c := range amb.Choices {
						if c.AccountID != "" {
							got = append(got, c.AccountID)
						} else {
							got = append(got, territory+strings.TrimPrefix(c.Value, "territory "))
						}
					}
				}
				if diff := cmp.Diff(tt.choices, got); diff != "" {
					t.Errorf("choices (-want +got):\n%s", diff)
				}
				return
			}
			var got string
			switch d := r.Data.(type) {
			case domain.AccountGap:
				got = d.AccountID
			case domain.Rollup:
				got = territory + d.Territory
			default:
				t.Fatalf("reply data %T", r.Data)
			}
			if got != tt.want {
				t.Fatalf("took %s, want %s", got, tt.want)
			}
			hasNote := false
			if len(r.Blocks) > 1 {
				c, ok := r.Blocks[1].(*bot.Context)
				hasNote = ok && strings.HasPrefix(c.Text, "Taking ")
			}
			if hasNote != tt.note {
				t.Errorf("note after the header = %v, want %v:\n%s", hasNote, tt.note, bot.RenderText(r))
			}
		})
	}
}

// TestWritesNeedExactNames: commands that write take an account or territory only when
// it is named exactly (or picked from the choices offered); anything looser offers
// choices and writes nothing.
func TestWritesNeedExactNames(t *testing.T) {
	b := demoBot(t)
	ctx := context.Background()
	admin := bot.Admin("test")
	version := func() int64 {
		v, err := b.Store.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		text   string
		choice string // the first choice's command; "" when the write goes through
	}{
		{"growth set akme 2027 100k", "growth set A0001 2027 100k"},
		{"growth set ACME corp 2027 100k", "growth set A0001 2027 100k"},
		{"growth set NE 2027 4.5m", "growth set Northeast 2027 4.5m"},
		{"offer akme Uline ABR-0033 9.10", "offer A0001 Uline ABR-0033 9.10"},
		{"digest settings NE hour 7", "digest settings Northeast hour 7"},
		{"growth set A0001 2027 100k", ""},
		{"growth set acme 2027 100k", ""},
		{"growth set northeast 2027 4.5m", ""},
		{"offer Acme Uline ABR-0033 9.10", ""},
		{"digest settings Northeast hour 7", ""},
	} {
		t.Run(tt.text, func(t *testing.T) {
			before := version()
			r := b.Handle(ctx, bot.Request{Actor: admin, Text: tt.text, AsOf: asOf})
			var amb *bot.AmbiguousError
			if tt.choice == "" {
				if r.Err != nil {
					t.Fatalf("%s: %v", tt.text, r.Err)
				}
				return
			}
			if !errors.As(r.Err, &amb) {
				t.Fatalf("want choices, got %v:\n%s", r.Err, bot.RenderText(r))
			}
			if v := version(); v != before {
				t.Errorf("data version %d → %d: something was written", before, v)
			}
			btns, ok := r.Blocks[len(r.Blocks)-1].(*bot.Buttons)
			if !ok || len(btns.Buttons) == 0 || btns.Buttons[0].Command != tt.choice {
				t.Fatalf("first choice, want %q:\n%s", tt.choice, bot.RenderText(r))
			}
			// Pressing the choice writes.
			if r := b.Handle(ctx, bot.Request{Actor: admin, Text: tt.choice, AsOf: asOf}); r.Err != nil {
				t.Errorf("%s: %v", tt.choice, r.Err)
			}
		})
	}
}

// TestTerritoryWhereAnAccountFits: a territory given to a command that takes only
// accounts is refused with where it fits.
func TestTerritoryWhereAnAccountFits(t *testing.T) {
	b := demoBot(t)
	r := b.Handle(context.Background(), bot.Request{Actor: bot.Admin("test"), Text: "deal suggest NE", AsOf: asOf})
	if !strings.Contains(bot.RenderText(r), "Northeast is a territory: try `gap Northeast`") {
		t.Errorf("deal suggest NE:\n%s", bot.RenderText(r))
	}
}
