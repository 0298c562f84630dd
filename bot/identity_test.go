package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// people is a directory of people.csv whose store can be made to fail.
type people struct {
	list  []domain.Person
	down  bool
	finds int
}

func (p *people) FindPeople(context.Context) ([]domain.Person, error) {
	p.finds++
	if p.down {
		return nil, errors.New("store down")
	}
	return p.list, nil
}

func (p *people) ActorByEmail(_ context.Context, email string) (bot.Actor, error) {
	if p.down {
		return bot.Actor{}, errors.New("store down")
	}
	for _, x := range p.list {
		if x.Email == email {
			return bot.NewActor(x, nil), nil
		}
	}
	return bot.Actor{}, domain.Errorf(domain.ENOTFOUND, "%s is not in people.csv", email)
}

func TestIdentities(t *testing.T) {
	dir := &people{list: []domain.Person{
		{Email: "ann@example.com", Name: "Ann", Role: domain.RoleRep, TeamsUserID: "AAD-ANN"},
		{Email: "bob@example.com", Name: "Bob", Role: domain.RoleRep},
		{Email: "cy@example.com", Name: "Cy", Role: domain.RoleRep, TeamsUserID: "dup"},
		{Email: "di@example.com", Name: "Di", Role: domain.RoleRep, TeamsUserID: "dup"},
	}}
	now := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	s := &bot.Identities{Platform: "Teams", People: dir, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler),
		IDOf:   func(p domain.Person) string { return p.TeamsUserID },
		IDHint: func(id string) string { return "; teams_user_id " + id }}
	ctx := context.Background()
	email := func(e string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return e, err }
	}
	asked := errors.New("the platform was asked")
	tests := []struct {
		name     string
		user     bot.ChatUser
		lookup   func(context.Context) (string, error)
		down     bool
		advance  time.Duration
		wantName string
		wantCode string
		wantText string
	}{
		{name: "by object id, without case", user: bot.ChatUser{ID: "29:x", ObjectID: "aad-ann"}, lookup: email("", asked), wantName: "Ann"},
		{name: "by email from the platform", user: bot.ChatUser{ID: "29:bob"}, lookup: email("Bob@Example.com", nil), wantName: "Bob"},
		{name: "the email is kept", user: bot.ChatUser{ID: "29:bob"}, lookup: email("", asked), wantName: "Bob"},
		{name: "an id naming two people is not used", user: bot.ChatUser{ID: "dup"}, lookup: email("di@example.com", nil), wantName: "Di"},
		{name: "not in people.csv", user: bot.ChatUser{ID: "29:eve", ObjectID: "AAD-EVE"}, lookup: email("eve@example.com", nil),
			wantCode: domain.EFORBIDDEN, wantText: "You are not set up in Incumbent yet. Ask your sales-ops admin to add you to people.csv (your email, name, role and territory; teams_user_id AAD-EVE) and import it."},
		{name: "no email to trust", user: bot.ChatUser{ID: "29:guest"}, lookup: email("", nil), wantCode: domain.EFORBIDDEN, wantText: "teams_user_id 29:guest"},
		{name: "the platform does not answer", user: bot.ChatUser{ID: "29:new"}, lookup: email("", errors.New("503")),
			wantCode: domain.EINTERNAL, wantText: "I could not check who you are with Teams just now"},
		{name: "a refusal of the platform's is said as it is", user: bot.ChatUser{ID: "29:new2"}, lookup: email("", domain.Errorf(domain.EINVALID, "No sender.")),
			wantCode: domain.EINVALID, wantText: "No sender."},
		{name: "the store is down: the actor cannot be read", user: bot.ChatUser{ID: "29:bob"}, down: true,
			wantCode: domain.EINTERNAL, wantText: "I could not read who may see what just now"},
		{name: "the store is down after the ids expired: the old ids find the email, not the actor", user: bot.ChatUser{ID: "x", ObjectID: "AAD-ANN"}, down: true, advance: bot.IdentityTTL,
			wantCode: domain.EINTERNAL, wantText: "I could not read who may see what"},
		{name: "the injected clock expires the kept email", user: bot.ChatUser{ID: "29:bob"}, lookup: email("", asked), advance: bot.IdentityTTL,
			wantCode: domain.EINTERNAL, wantText: "I could not check who you are with Teams"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir.down = tt.down
			now = now.Add(tt.advance)
			a, err := s.Actor(ctx, tt.user, tt.lookup)
			if code := domain.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("code %q, want %q (err %v)", code, tt.wantCode, err)
			}
			if err != nil {
				if got := bot.ErrorText(err); !strings.Contains(got, tt.wantText) {
					t.Errorf("says %q, want %q", got, tt.wantText)
				}
				return
			}
			if a.Person.Name != tt.wantName {
				t.Errorf("actor %q, want %q", a.Person.Name, tt.wantName)
			}
		})
	}
	dir.down = false
	if id, ok, err := s.IDByEmail(ctx, "ANN@example.com"); err != nil || !ok || id != "AAD-ANN" {
		t.Errorf("IDByEmail = %q, %v, %v; want AAD-ANN", id, ok, err)
	}
}

func TestIdentitiesStoreDownFirst(t *testing.T) {
	s := &bot.Identities{Platform: "Slack", People: &people{down: true}, IDOf: func(p domain.Person) string { return p.SlackUserID }}
	_, err := s.Actor(context.Background(), bot.ChatUser{ID: "U1"}, func(context.Context) (string, error) { return "a@example.com", nil })
	if got := bot.ErrorText(err); !strings.Contains(got, "I could not read who may see what just now") {
		t.Errorf("says %q", got)
	}
}
