package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// SetAlertSettings stores a person's alert settings (see bot.AlertStore), replacing
// theirs. It does not change the data version.
func (s *Store) SetAlertSettings(ctx context.Context, a domain.AlertSettings) error {
	if err := domain.CheckAlertSettings(a); err != nil {
		return err
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: set alert settings of %s: %w", a.Email, err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO alert_settings (email, hour, off, territory) VALUES (?, ?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET hour = excluded.hour, off = excluded.off, territory = excluded.territory`,
		strings.ToLower(a.Email), a.Hour, a.Off, a.Territory)
	if err != nil {
		return fmt.Errorf("sqlite: set alert settings of %s: %w", a.Email, err)
	}
	return nil
}

// FindAlertSettings returns every person's stored alert settings, by email.
func (s *Store) FindAlertSettings(ctx context.Context) ([]domain.AlertSettings, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT email, hour, off, territory FROM alert_settings ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find alert settings: %w", err)
	}
	defer rows.Close()
	var out []domain.AlertSettings
	for rows.Next() {
		var a domain.AlertSettings
		if err := rows.Scan(&a.Email, &a.Hour, &a.Off, &a.Territory); err != nil {
			return nil, fmt.Errorf("sqlite: find alert settings: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find alert settings: %w", err)
	}
	return out, nil
}

// SaveAlertState keeps the state a person's alert left (see bot.AlertStore), replacing
// theirs. It does not change the data version.
func (s *Store) SaveAlertState(ctx context.Context, email string, st domain.AlertState) error {
	keys, err := json.Marshal(st.Keys)
	if err != nil {
		return fmt.Errorf("sqlite: save alert state of %s: %w", email, err)
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: save alert state of %s: %w", email, err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO alert_states (email, day, keys) VALUES (?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET day = excluded.day, keys = excluded.keys`,
		strings.ToLower(email), st.Day, string(keys))
	if err != nil {
		return fmt.Errorf("sqlite: save alert state of %s: %w", email, err)
	}
	return nil
}

// AlertState returns the state a person's last alert left; nil when they have had none.
func (s *Store) AlertState(ctx context.Context, email string) (*domain.AlertState, error) {
	var st domain.AlertState
	var keys string
	err := s.db.QueryRowContext(ctx, `SELECT day, keys FROM alert_states WHERE email = ?`, strings.ToLower(email)).Scan(&st.Day, &keys)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: alert state of %s: %w", email, err)
	}
	if err := json.Unmarshal([]byte(keys), &st.Keys); err != nil {
		return nil, fmt.Errorf("sqlite: alert state of %s: %w", email, err)
	}
	return &st, nil
}
