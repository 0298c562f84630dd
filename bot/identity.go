package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// IdentityTTL is how long Identities trusts people.csv's platform ids and the emails a
// platform gave before asking again: an import or a changed profile is seen within it.
const IdentityTTL = 10 * time.Minute

// People is what Identities reads: people.csv and the actor of an email (the Bot).
type People interface {
	FindPeople(ctx context.Context) ([]domain.Person, error)
	ActorByEmail(ctx context.Context, email string) (Actor, error)
}

// ChatUser is the sender of a message as a chat platform names them.
type ChatUser struct {
	ID string // the platform's user id
	// ObjectID is another id people.csv may give for them, matched without case (Teams:
	// the Entra object id); the not-set-up refusal names it when set.
	ObjectID string
}

// Identities finds who is asking on one chat platform: the person people.csv names by
// the platform id (re-read every IdentityTTL), else the email the platform gives for
// the user (kept IdentityTTL), resolved to an Actor by People. It is safe for
// concurrent use.
type Identities struct {
	// Platform is named when the platform does not answer ("Slack", "Teams").
	Platform string
	People   People
	// IDOf returns a person's id on the platform from people.csv, "" for none.
	IDOf func(domain.Person) string
	// IDHint is what the not-set-up refusal asks people.csv to hold besides email, name,
	// role and territory, for the user with id (", and your Slack member id").
	IDHint func(id string) string
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger

	mu       sync.Mutex
	byID     map[string]string // platform id (and its lower case) → email, from people.csv
	exact    map[string]string // platform id as people.csv gives it → email
	peopleAt time.Time
	emails   map[string]cachedEmail // platform id → email, as the platform said
}

type cachedEmail struct {
	email string
	until time.Time
}

// Actor returns who u is. When people.csv names no id of theirs and no email is kept,
// lookup asks the platform for their email ("" when it cannot be trusted). Errors: the
// not-set-up refusal (EFORBIDDEN) for someone people.csv does not list; Unavailable
// when the platform or the store did not answer.
func (s *Identities) Actor(ctx context.Context, u ChatUser, lookup func(context.Context) (string, error)) (Actor, error) {
	email, ok, err := s.Email(ctx, u)
	if err != nil {
		return Actor{}, err
	}
	if !ok {
		e, err := lookup(ctx)
		if err != nil {
			return Actor{}, s.platformDown(err)
		}
		email = strings.ToLower(e)
		s.Remember(u.ID, email)
	}
	if email == "" {
		return Actor{}, s.notSetUp(u)
	}
	a, err := s.People.ActorByEmail(ctx, email)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		return Actor{}, s.notSetUp(u)
	case err != nil:
		return Actor{}, directoryDown(err)
	}
	return a, nil
}

// Email returns u's email as people.csv's ids or the kept emails know it; false when
// neither does.
func (s *Identities) Email(ctx context.Context, u ChatUser) (string, bool, error) {
	if err := s.load(ctx); err != nil {
		return "", false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byID[u.ID]; ok {
		return e, true, nil
	}
	if u.ObjectID != "" {
		if e, ok := s.byID[strings.ToLower(u.ObjectID)]; ok {
			return e, true, nil
		}
	}
	if c, ok := s.emails[u.ID]; ok && s.now().Before(c.until) {
		return c.email, true, nil
	}
	return "", false, nil
}

// IDByEmail returns the platform id of the person with email, from people.csv's ids or
// the kept emails; false when neither knows it.
func (s *Identities) IDByEmail(ctx context.Context, email string) (string, bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := s.load(ctx); err != nil {
		return "", false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, e := range s.exact {
		if e == email {
			return id, true, nil
		}
	}
	for id, c := range s.emails {
		if c.email == email && s.now().Before(c.until) {
			return id, true, nil
		}
	}
	return "", false, nil
}

// Remember keeps the email the platform gave for id for IdentityTTL ("" for a user
// whose email cannot be trusted).
func (s *Identities) Remember(id, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.emails == nil {
		s.emails = map[string]cachedEmail{}
	}
	s.emails[id] = cachedEmail{email: email, until: s.now().Add(IdentityTTL)}
}

// load (re)reads people.csv's platform ids when they are older than IdentityTTL. When
// the store fails, the ids read before still answer.
func (s *Identities) load(ctx context.Context) error {
	s.mu.Lock()
	fresh := s.byID != nil && s.now().Sub(s.peopleAt) < IdentityTTL
	stale := s.byID != nil
	s.mu.Unlock()
	if fresh {
		return nil
	}
	people, err := s.People.FindPeople(ctx)
	if err != nil {
		if stale {
			s.logger().WarnContext(ctx, strings.ToLower(s.Platform)+": people not re-read; the ids read before answer", "err", err)
			return nil
		}
		return directoryDown(fmt.Errorf("find people: %w", err))
	}
	m, exact := map[string]string{}, map[string]string{}
	ambiguous := map[string]bool{}
	for _, p := range people {
		id := s.IDOf(p)
		if id == "" {
			continue
		}
		exact[id] = p.Email
		for _, k := range []string{id, strings.ToLower(id)} {
			if e, dup := m[k]; dup && e != p.Email {
				ambiguous[k] = true // imported before imports refused it
			}
			m[k] = p.Email
		}
	}
	for id := range ambiguous {
		// Neither person is trusted by the id: the email the platform gives decides.
		s.logger().WarnContext(ctx, strings.ToLower(s.Platform)+": an id in people.csv names several people; it is not used", "id", id)
		delete(m, id)
		delete(exact, id)
	}
	s.mu.Lock()
	s.byID, s.exact, s.peopleAt = m, exact, s.now()
	s.mu.Unlock()
	return nil
}

// notSetUp refuses someone people.csv does not list, naming the id they have.
func (s *Identities) notSetUp(u ChatUser) error {
	id := u.ObjectID
	if id == "" {
		id = u.ID
	}
	hint := ""
	if s.IDHint != nil {
		hint = s.IDHint(id)
	}
	return domain.Errorf(domain.EFORBIDDEN,
		"You are not set up in Incumbent yet. Ask your sales-ops admin to add you to people.csv (your email, name, role and territory%s) and import it.", hint)
}

// platformDown says the platform did not answer who someone is. An error of ours with
// words for the person (a domain error not internal) is said as it is.
func (s *Identities) platformDown(err error) error {
	if domain.ErrorCode(err) != domain.EINTERNAL {
		return err
	}
	return PlatformDown(s.Platform, err)
}

// PlatformDown is the error for a chat platform that did not answer a question asked
// before the bot could be (who someone is, what a channel is).
func PlatformDown(platform string, err error) error {
	return Unavailable(fmt.Sprintf("I could not check who you are with %s just now; please try again in a minute.", platform), err)
}

// directoryDown says the store did not answer who may see what.
func directoryDown(err error) error {
	if domain.ErrorCode(err) != domain.EINTERNAL {
		return err
	}
	return Unavailable("I could not read who may see what just now (Incumbent's data did not answer); please try again in a minute.", err)
}

func (s *Identities) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Identities) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
