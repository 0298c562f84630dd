package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/domain"
)

// SetAlertSettings stores a person's alert settings (see bot.AlertStore), replacing
// theirs. It does not change the data version.
func (s *Store) SetAlertSettings(ctx context.Context, a domain.AlertSettings) error {
	if err := domain.CheckAlertSettings(a); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO alert_settings (email, hour, off, territory) VALUES ($1, $2, $3, $4)
		ON CONFLICT (email) DO UPDATE SET hour = excluded.hour, off = excluded.off, territory = excluded.territory`,
		strings.ToLower(a.Email), a.Hour, a.Off, a.Territory)
	if err != nil {
		return fmt.Errorf("postgres: set alert settings of %s: %w", a.Email, err)
	}
	return nil
}

// FindAlertSettings returns every person's stored alert settings, by email.
func (s *Store) FindAlertSettings(ctx context.Context) ([]domain.AlertSettings, error) {
	rows, err := s.pool.Query(ctx, `SELECT email, hour, off, territory FROM alert_settings ORDER BY email COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: find alert settings: %w", err)
	}
	defer rows.Close()
	var out []domain.AlertSettings
	for rows.Next() {
		var a domain.AlertSettings
		if err := rows.Scan(&a.Email, &a.Hour, &a.Off, &a.Territory); err != nil {
			return nil, fmt.Errorf("postgres: find alert settings: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: find alert settings: %w", err)
	}
	return out, nil
}

// SaveAlertState keeps the state a person's alert left (see bot.AlertStore), replacing
// theirs. It does not change the data version.
func (s *Store) SaveAlertState(ctx context.Context, email string, st domain.AlertState) error {
	keys, err := json.Marshal(st.Keys)
	if err != nil {
		return fmt.Errorf("postgres: save alert state of %s: %w", email, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO alert_states (email, day, keys) VALUES ($1, $2, $3)
		ON CONFLICT (email) DO UPDATE SET day = excluded.day, keys = excluded.keys`,
		strings.ToLower(email), st.Day, string(keys))
	if err != nil {
		return fmt.Errorf("postgres: save alert state of %s: %w", email, err)
	}
	return nil
}

// AlertState returns the state a person's last alert left; nil when they have had none.
func (s *Store) AlertState(ctx context.Context, email string) (*domain.AlertState, error) {
	var st domain.AlertState
	var keys string
	err := s.pool.QueryRow(ctx, `SELECT day, keys FROM alert_states WHERE email = $1`, strings.ToLower(email)).Scan(&st.Day, &keys)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: alert state of %s: %w", email, err)
	}
	if err := json.Unmarshal([]byte(keys), &st.Keys); err != nil {
		return nil, fmt.Errorf("postgres: alert state of %s: %w", email, err)
	}
	return &st, nil
}
