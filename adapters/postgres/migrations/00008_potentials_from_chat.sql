-- +goose Up

-- Potentials set from chat (`potential set`) say who set them and when (RFC 3339); both
-- are '' for imported potentials, and an import of potential.csv writes '' again over a
-- potential set from chat.
ALTER TABLE potentials ADD COLUMN set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE potentials ADD COLUMN set_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE potentials DROP COLUMN set_at;
ALTER TABLE potentials DROP COLUMN set_by;
