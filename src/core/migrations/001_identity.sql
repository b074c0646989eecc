-- Users, departments, webhooks and settings: the identity every module builds on.
CREATE TABLE core_user (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    second_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    position TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    photo TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_login INTEGER
);

CREATE TABLE core_department (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES core_department(id),
    head_id INTEGER REFERENCES core_user(id),
    sort INTEGER NOT NULL DEFAULT 500
);
CREATE INDEX core_department_parent ON core_department(parent_id);

CREATE TABLE core_user_department (
    user_id INTEGER NOT NULL REFERENCES core_user(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES core_department(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX core_user_department_dep ON core_user_department(department_id);

-- The secret itself is never stored: only its SHA-256, which is what a request is looked up by.
CREATE TABLE core_webhook (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES core_user(id),
    secret_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE core_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
