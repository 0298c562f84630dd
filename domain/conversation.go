package domain

import (
	"context"
	"time"
)

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

// ConversationStore keeps conversation references. It is shared by every replica
// (SQLite, or PostgreSQL when several replicas serve).
type ConversationStore interface {
	// SaveConversation inserts or replaces the conversation with c's adapter and key.
	SaveConversation(ctx context.Context, c Conversation) error
	// FindConversation returns the conversation with the adapter and key; ENOTFOUND
	// when there is none.
	FindConversation(ctx context.Context, adapter, key string) (Conversation, error)
}
