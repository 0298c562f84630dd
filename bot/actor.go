package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// Actor is the person asking, with the territories they may see: a rep their own, a
// manager the territories they manage (territories.csv's manager, and people.csv's
// territory), an admin every territory.
type Actor struct {
	Person      domain.Person
	territories map[string]bool
}

// Admin returns an actor who sees everything, as the CLI acts by default.
func Admin(name string) Actor {
	return Actor{Person: domain.Person{Name: name, Role: domain.RoleAdmin}}
}

// NewActor returns the actor for p given every territory.
func NewActor(p domain.Person, territories []domain.Territory) Actor {
	a := Actor{Person: p, territories: map[string]bool{}}
	if p.Territory != "" {
		a.territories[p.Territory] = true
	}
	if p.Role == domain.RoleManager {
		for _, t := range territories {
			if strings.EqualFold(t.Manager, p.Email) {
				a.territories[t.Name] = true
			}
		}
	}
	return a
}

// ActorByEmail returns the actor for the person with that email, ENOTFOUND when people.csv
// does not list them. When the store fails (it is restarting, say), the actor this bot
// last resolved for the email answers instead, with the access it had then: a person who
// asked a moment ago is not told they cannot be identified, and what the bot answers
// from its caches reaches them. Someone never resolved gets the store's error.
func (b *Bot) ActorByEmail(ctx context.Context, email string) (Actor, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	a, err := b.actorByEmail(ctx, key)
	switch {
	case err == nil:
		b.actors.Store(key, a)
	case domain.ErrorCode(err) == domain.EINTERNAL:
		if known, ok := b.actors.Load(key); ok {
			b.Logger.WarnContext(ctx, "people could not be read: the person's last known access answers", "err", err)
			return known.(Actor), nil
		}
	default:
		b.actors.Delete(key)
	}
	return a, err
}

func (b *Bot) actorByEmail(ctx context.Context, email string) (Actor, error) {
	p, err := b.Store.FindPerson(ctx, email)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return Actor{}, domain.Errorf(domain.ENOTFOUND,
				"%s is not in people.csv: ask your sales-ops admin to add you (email, name, role, territory)", email)
		}
		return Actor{}, fmt.Errorf("find person: %w", err)
	}
	ts, err := b.Store.FindTerritories(ctx)
	if err != nil {
		return Actor{}, fmt.Errorf("find territories: %w", err)
	}
	return NewActor(p, ts), nil
}

// All reports whether the actor sees every territory.
func (a Actor) All() bool { return a.Person.Role == domain.RoleAdmin }

// CanSeeTerritory reports whether the actor may see the territory's figures.
func (a Actor) CanSeeTerritory(name string) bool { return a.All() || a.territories[name] }

// CanSeeAccount reports whether the actor may see the account's figures.
func (a Actor) CanSeeAccount(acc domain.Account) bool { return a.CanSeeTerritory(acc.Territory) }

// Territories lists the territories the actor sees by name, nil for an admin (all).
func (a Actor) Territories() []string {
	if a.All() {
		return nil
	}
	out := make([]string, 0, len(a.territories))
	for t := range a.territories {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// forbidden is the refusal for something outside the actor's territories. It names the
// thing asked for (which the asker typed) and nothing of its figures.
func (a Actor) forbidden(what string) error {
	mine := "no territory"
	if ts := a.Territories(); len(ts) > 0 {
		mine = strings.Join(ts, ", ")
	}
	return domain.Errorf(domain.EFORBIDDEN, "%s is outside your territories (%s). Ask its owner or your manager.", what, mine)
}
