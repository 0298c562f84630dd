package domain

import "time"

// Conversation is a place in a chat platform where the bot may post later without being
// asked (a weekly digest to a Teams channel or a manager's personal chat): the
// adapter's reference to it, found by a key the adapter chooses ("user:<id>",
// "channel:<id>", …).
type Conversation struct {
	Adapter   string    // "teams"
	Key       string    // unique within the adapter
	Ref       []byte    // the adapter's reference, opaque here (JSON)
	UpdatedAt time.Time // when the reference was last seen
}
