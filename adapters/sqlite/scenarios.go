package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// SaveScenario stores a new scenario and sets its ID. It does not change the data
// version: scenarios are not data the computations read.
func (s *Store) SaveScenario(ctx context.Context, sc *domain.Scenario) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("sqlite: save scenario: %w", err)
	}
	var parent any
	if sc.ParentID != 0 {
		parent = sc.ParentID
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: save scenario: %w", err)
	}
	defer conn.Close()
	err = conn.QueryRowContext(ctx, `INSERT INTO scenarios (parent_id, account_id, author, channel, thread, created_at, data)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		parent, sc.AccountID, sc.Author, sc.Channel, sc.Thread, sc.CreatedAt.UTC().Format(time.RFC3339Nano), string(data)).Scan(&sc.ID)
	if err != nil {
		return fmt.Errorf("sqlite: save scenario: %w", err)
	}
	return nil
}

// FindScenario returns the scenario with the id; ENOTFOUND when there is none.
func (s *Store) FindScenario(ctx context.Context, id int64) (domain.Scenario, error) {
	var sc domain.Scenario
	var parent sql.NullInt64
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT id, parent_id, data FROM scenarios WHERE id = ?`, id).Scan(&sc.ID, &parent, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, domain.ErrScenarioNotFound(id)
	}
	if err != nil {
		return sc, fmt.Errorf("sqlite: find scenario: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &sc); err != nil {
		return sc, fmt.Errorf("sqlite: scenario %d: %w", id, err)
	}
	sc.ParentID = parent.Int64
	return sc, nil
}
