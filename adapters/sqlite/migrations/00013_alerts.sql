-- +goose Up

-- Daily alerts to each rep (issue 40 §2). alert_settings holds what a person set with
-- `alerts settings` (hour, off, a manager's whole territory); a person without a row
-- gets the default (8:00, on, owned accounts). alert_states holds, per person, the keys
-- of every fact that held at their last alert (JSON), which the next alert compares
-- with. alert_deliveries is digest_deliveries for a person's day: claimed by the process
-- that sends it, so that an alert goes out once across replicas and restarts. None of
-- them is data the figures read: writing here does not change the data version.
CREATE TABLE alert_settings (
    email     TEXT PRIMARY KEY,
    hour      INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    off       INTEGER NOT NULL DEFAULT 0,
    territory INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE alert_states (
    email TEXT PRIMARY KEY,
    day   TEXT NOT NULL,
    keys  TEXT NOT NULL
);

CREATE TABLE alert_deliveries (
    person     TEXT NOT NULL,
    day        TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT,
    sent_at    TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (person, day)
);

-- +goose Down
DROP TABLE alert_deliveries;
DROP TABLE alert_states;
DROP TABLE alert_settings;
