-- API bearer tokens. Only the SHA-256 hash of a token is kept: a stolen database does not
-- give access. Revoked tokens stay for the record (who had access when).
CREATE TABLE warmte_api_token (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  TEXT NULL
);
