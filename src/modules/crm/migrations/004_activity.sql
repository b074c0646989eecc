-- Activities (crm.activity.*): calls, meetings, e-mails, to-dos bound to CRM records. The
-- owner (owner_type_id, owner_id) decides who may see an activity; crm_activity_binding lists
-- every record it shows on (the owner included); crm_activity_comm holds its communications.
-- crm_timeline gains a reference to the object a row is about (an activity, a task), so rows
-- can be refreshed or removed with it. Portable SQL: the same file runs on PostgreSQL.

CREATE TABLE crm_activity (
    id INTEGER PRIMARY KEY,
    owner_type_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    provider_id TEXT,
    provider_type_id TEXT,
    subject TEXT,
    description TEXT,
    description_type INTEGER,
    responsible_id INTEGER,
    author_id INTEGER,
    editor_id INTEGER,
    start_time BIGINT,
    end_time BIGINT,
    deadline BIGINT,
    completed TEXT,
    status INTEGER,
    direction INTEGER,
    priority INTEGER,
    location TEXT,
    notify_type INTEGER,
    notify_value INTEGER,
    origin_id TEXT,
    originator_id TEXT,
    settings TEXT,
    created BIGINT,
    last_updated BIGINT
);
CREATE INDEX crm_activity_owner ON crm_activity (owner_type_id, owner_id);
CREATE INDEX crm_activity_responsible ON crm_activity (responsible_id, completed);
CREATE INDEX crm_activity_start ON crm_activity (start_time);
CREATE INDEX crm_activity_deadline ON crm_activity (deadline);

CREATE TABLE crm_activity_binding (
    activity_id INTEGER NOT NULL,
    owner_type_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    PRIMARY KEY (activity_id, owner_type_id, owner_id)
);
CREATE INDEX crm_activity_binding_owner ON crm_activity_binding (owner_type_id, owner_id);

CREATE TABLE crm_activity_comm (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    entity_type_id INTEGER NOT NULL DEFAULT 0,
    entity_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crm_activity_comm_activity ON crm_activity_comm (activity_id);

ALTER TABLE crm_timeline ADD COLUMN ref_type TEXT;
ALTER TABLE crm_timeline ADD COLUMN ref_id INTEGER;
CREATE INDEX crm_timeline_ref ON crm_timeline (ref_type, ref_id);
