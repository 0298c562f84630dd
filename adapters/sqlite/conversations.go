package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// SaveConversation inserts or replaces a conversation reference (for the Teams adapter:
// teams.ConversationStore). It does not change the data version.
func (s *Store) SaveConversation(ctx context.Context, c domain.Conversation) error {
	if c.Adapter == "" || c.Key == "" {
		return domain.Errorf(domain.EINVALID, "a conversation needs an adapter and a key")
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: save conversation: %w", err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO conversations (adapter, key, ref, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (adapter, key) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
		c.Adapter, c.Key, string(c.Ref), c.UpdatedAt.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("sqlite: save conversation: %w", err)
	}
	return nil
}

// FindConversation returns the conversation with the adapter and key; ENOTFOUND when
// there is none.
func (s *Store) FindConversation(ctx context.Context, adapter, key string) (domain.Conversation, error) {
	c := domain.Conversation{Adapter: adapter, Key: key}
	var ref, at string
	err := s.db.QueryRowContext(ctx, `SELECT ref, updated_at FROM conversations WHERE adapter = ? AND key = ?`, adapter, key).Scan(&ref, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, domain.Errorf(domain.ENOTFOUND, "no %s conversation %q is known", adapter, key)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: find conversation: %w", err)
	}
	c.Ref = []byte(ref)
	if c.UpdatedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return c, fmt.Errorf("sqlite: conversation %s/%s: %w", adapter, key, err)
	}
	return c, nil
}
