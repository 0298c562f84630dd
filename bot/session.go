package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// sessionTTL is how long the bot remembers the last account a person asked about.
const sessionTTL = 12 * time.Hour

func lastAccountKey(a Actor) string { return "last-account:" + a.who() }

// remember notes the account a person just asked about. Sessions are a convenience:
// when they fail, the command still answers, and the failure is logged.
func (b *Bot) remember(ctx context.Context, actor Actor, accountID string) {
	if p, ok := ctx.Value(resolvedKey{}).(*resolved); ok {
		p.account = accountID // for the reply cache
		if p.deferred {
			return // written with the reply (keep)
		}
	}
	if b.Sessions == nil || actor.who() == "" {
		return
	}
	if err := b.Sessions.Set(ctx, lastAccountKey(actor), []byte(accountID), sessionTTL); err != nil {
		b.Logger.WarnContext(ctx, "session not kept", "err", err)
	}
}

// accountOrLast resolves the account a command names, or, when it names none, takes
// the one the person last asked about (the note says so); without one, the error says
// what the command needs (ask, called only then).
func (b *Bot) accountOrLast(ctx context.Context, actor Actor, query string, ask func() string) (domain.Account, string, error) {
	if strings.TrimSpace(query) != "" {
		return b.resolveAccount(ctx, actor, query)
	}
	a, note, ok := b.lastAccount(ctx, actor)
	if !ok {
		return domain.Account{}, "", domain.Errorf(domain.EINVALID, "%s", ask())
	}
	b.remember(ctx, actor, a.ID)
	return a, note, nil
}

// lastAccount returns the account a person last asked about, when there is one they
// may still see, with a note that says it was used.
func (b *Bot) lastAccount(ctx context.Context, actor Actor) (domain.Account, string, bool) {
	if b.Sessions == nil || actor.who() == "" {
		return domain.Account{}, "", false
	}
	v, ok, err := b.Sessions.Get(ctx, lastAccountKey(actor))
	if err != nil || !ok {
		return domain.Account{}, "", false
	}
	a, err := b.Store.FindAccount(ctx, string(v))
	if err != nil || !actor.CanSeeAccount(a) {
		return domain.Account{}, "", false
	}
	return a, fmt.Sprintf("Using %s (%s), the account you last asked about.", a.Name, a.ID), true
}
