-- Browser sign-in sessions and application tokens. Only the SHA-256 (hex) of each cookie or
-- token is stored, so a copy of the database does not hand out live credentials.
CREATE TABLE core_session (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES core_user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    remember INTEGER NOT NULL DEFAULT 0,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX core_session_user ON core_session(user_id);
CREATE INDEX core_session_expires ON core_session(expires_at);

-- scopes: comma list, NULL for every scope; expires_at NULL for no expiry.
CREATE TABLE core_token (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES core_user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX core_token_user ON core_token(user_id);
