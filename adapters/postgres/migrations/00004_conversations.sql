-- +goose Up

-- conversations are chat conversations the bot may post in later without being asked
-- (Teams proactive messages: digests). ref is the adapter's reference as JSON;
-- updated_at is RFC 3339.
CREATE TABLE conversations (
    adapter    TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    ref        TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (adapter, key)
);

-- +goose Down
DROP TABLE conversations;
