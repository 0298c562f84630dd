package bot

import (
	"context"

	"github.com/incumbent/incumbent/domain"
)

// PotentialWriter stores an account's annual potential in a category set from chat
// (`potential set`, Bot.Potentials), with who set it and when (SetBy, SetAt). It
// replaces the potential of the same account and category and changes the data
// version, and gaps read it at once; ENOTFOUND when there is no such account.
type PotentialWriter interface {
	SetPotential(ctx context.Context, p domain.Potential) error
}
