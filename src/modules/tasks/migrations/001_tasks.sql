-- Tasks and workgroups. Y/N flags are stored as the text 'Y' / 'N' and times as Unix seconds.
-- group_id and parent_id are 0 when a task has no group or parent, as Bitrix24 reports them.
-- Every participant of a task (creator 'O', responsible 'R', accomplice 'A', auditor 'U') has
-- a row in tasks_member: visibility rules read that one table by user.
CREATE TABLE tasks_group (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    visible TEXT NOT NULL DEFAULT 'Y',
    opened TEXT NOT NULL DEFAULT 'N',
    closed TEXT NOT NULL DEFAULT 'N',
    project TEXT NOT NULL DEFAULT 'N',
    active TEXT NOT NULL DEFAULT 'Y',
    initiate_perms TEXT NOT NULL DEFAULT 'K',
    owner_id INTEGER NOT NULL REFERENCES core_user(id),
    project_date_start INTEGER,
    project_date_finish INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    activity_at INTEGER NOT NULL
);

-- role: 'A' owner, 'E' moderator, 'K' member.
CREATE TABLE tasks_group_member (
    group_id INTEGER NOT NULL REFERENCES tasks_group(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES core_user(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('A', 'E', 'K')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX tasks_group_member_user ON tasks_group_member(user_id, group_id);

CREATE TABLE tasks_task (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 1,
    status INTEGER NOT NULL DEFAULT 2,
    mark TEXT,
    group_id INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES core_user(id),
    responsible_id INTEGER NOT NULL REFERENCES core_user(id),
    changed_by INTEGER,
    status_changed_by INTEGER,
    closed_by INTEGER,
    created_date INTEGER NOT NULL,
    changed_date INTEGER,
    status_changed_date INTEGER,
    closed_date INTEGER,
    activity_date INTEGER,
    date_start INTEGER,
    deadline INTEGER,
    start_date_plan INTEGER,
    end_date_plan INTEGER,
    task_control TEXT NOT NULL DEFAULT 'N',
    allow_change_deadline TEXT NOT NULL DEFAULT 'N',
    allow_time_tracking TEXT NOT NULL DEFAULT 'N',
    add_in_report TEXT NOT NULL DEFAULT 'N',
    time_estimate INTEGER NOT NULL DEFAULT 0,
    time_spent INTEGER NOT NULL DEFAULT 0,
    comments_count INTEGER NOT NULL DEFAULT 0,
    xml_id TEXT
);
CREATE INDEX tasks_task_responsible ON tasks_task(responsible_id);
CREATE INDEX tasks_task_created_by ON tasks_task(created_by);
CREATE INDEX tasks_task_group ON tasks_task(group_id);
CREATE INDEX tasks_task_parent ON tasks_task(parent_id);
CREATE INDEX tasks_task_deadline ON tasks_task(deadline);
CREATE INDEX tasks_task_status ON tasks_task(status);

-- role: 'O' creator, 'R' responsible, 'A' accomplice, 'U' auditor.
CREATE TABLE tasks_member (
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('O', 'R', 'A', 'U')),
    PRIMARY KEY (task_id, role, user_id)
) WITHOUT ROWID;
CREATE INDEX tasks_member_user ON tasks_member(user_id, task_id);

CREATE TABLE tasks_tag (
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (task_id, name)
) WITHOUT ROWID;
CREATE INDEX tasks_tag_name ON tasks_tag(name);

-- Links to CRM records as Bitrix24 writes them: 'D_12' (deal 12), 'C_3' (contact 3), ...
CREATE TABLE tasks_crm (
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    ref TEXT NOT NULL,
    PRIMARY KEY (task_id, ref)
) WITHOUT ROWID;
CREATE INDEX tasks_crm_ref ON tasks_crm(ref);

CREATE TABLE tasks_checklist (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    parent_id INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    sort_index INTEGER NOT NULL DEFAULT 0,
    is_complete TEXT NOT NULL DEFAULT 'N',
    is_important TEXT NOT NULL DEFAULT 'N',
    created_by INTEGER NOT NULL,
    toggled_by INTEGER,
    toggled_date INTEGER
);
CREATE INDEX tasks_checklist_task ON tasks_checklist(task_id, sort_index);

CREATE TABLE tasks_comment (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL,
    post_date INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX tasks_comment_task ON tasks_comment(task_id, id);

CREATE TABLE tasks_elapsed (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    seconds INTEGER NOT NULL,
    comment_text TEXT NOT NULL DEFAULT '',
    source INTEGER NOT NULL DEFAULT 2,
    created_date INTEGER NOT NULL,
    date_start INTEGER,
    date_stop INTEGER
);
CREATE INDEX tasks_elapsed_task ON tasks_elapsed(task_id, id);

-- Who sees which task. A user sees a task when they take part in it, belong to its workgroup,
-- or head the department of a participant or any department above it; administrators see
-- everything without rows here. The rule is written once, in the view tasks_viewer, and
-- materialised in tasks_access so that a user's task list is one index range however many
-- tasks there are: the module rewrites a task's rows when its participants or workgroup
-- change, and the triggers below keep them right when departments, their heads or their
-- members change. tasks_dept_tree is the department tree's closure (every department is its
-- own ancestor), so that neither the view nor the triggers need recursion. A migration that
-- rebuilds core_department or core_user_department must create these triggers again.
CREATE TABLE tasks_dept_tree (
    ancestor_id INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, department_id)
) WITHOUT ROWID;
CREATE INDEX tasks_dept_tree_dep ON tasks_dept_tree(department_id, ancestor_id);
WITH RECURSIVE c(a, d) AS (
    SELECT id, id FROM core_department
    UNION SELECT c.a, x.id FROM c JOIN core_department x ON x.parent_id = c.d)
INSERT INTO tasks_dept_tree (ancestor_id, department_id) SELECT a, d FROM c;

-- status and deadline repeat the task's, so that the commonest filters (open, overdue) of a
-- user's list are answered from this table's indexes alone.
CREATE TABLE tasks_access (
    user_id INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks_task(id) ON DELETE CASCADE,
    status INTEGER NOT NULL,
    deadline INTEGER,
    PRIMARY KEY (user_id, task_id)
) WITHOUT ROWID;
CREATE INDEX tasks_access_task ON tasks_access(task_id);
CREATE INDEX tasks_access_status ON tasks_access(user_id, status, deadline);
CREATE TRIGGER tasks_task_state AFTER UPDATE OF status, deadline ON tasks_task
WHEN OLD.status IS NOT NEW.status OR OLD.deadline IS NOT NEW.deadline BEGIN
    UPDATE tasks_access SET status = NEW.status, deadline = NEW.deadline WHERE task_id = NEW.id;
END;

-- How many tasks each user sees, so that an unfiltered list's total costs one lookup.
CREATE TABLE tasks_access_count (
    user_id INTEGER PRIMARY KEY,
    n INTEGER NOT NULL
);
CREATE TRIGGER tasks_access_counted AFTER INSERT ON tasks_access BEGIN
    INSERT INTO tasks_access_count (user_id, n) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tasks_access_uncounted AFTER DELETE ON tasks_access BEGIN
    UPDATE tasks_access_count SET n = n - 1 WHERE user_id = OLD.user_id;
END;

-- Scratch list of users whose rows a trigger rebuilds; always empty between statements.
CREATE TABLE tasks_refresh (user_id INTEGER PRIMARY KEY);

CREATE VIEW tasks_viewer (user_id, task_id, status, deadline) AS
    SELECT m.user_id, m.task_id, t.status, t.deadline FROM tasks_member m
        JOIN tasks_task t ON t.id = m.task_id
    UNION ALL
    SELECT d.head_id, m.task_id, t.status, t.deadline FROM tasks_member m
        JOIN tasks_task t ON t.id = m.task_id
        JOIN core_user_department ud ON ud.user_id = m.user_id
        JOIN tasks_dept_tree c ON c.department_id = ud.department_id
        JOIN core_department d ON d.id = c.ancestor_id
        WHERE d.head_id IS NOT NULL
    UNION ALL
    SELECT gm.user_id, t.id, t.status, t.deadline FROM tasks_task t
        JOIN tasks_group_member gm ON gm.group_id = t.group_id
        WHERE t.group_id <> 0;

CREATE TRIGGER tasks_dept_insert AFTER INSERT ON core_department BEGIN
    INSERT OR IGNORE INTO tasks_dept_tree (ancestor_id, department_id)
        SELECT NEW.id, NEW.id
        UNION ALL SELECT ancestor_id, NEW.id FROM tasks_dept_tree
            WHERE department_id = NEW.parent_id;
END;

-- A new head sees what the old one saw through this department; the old one loses it.
CREATE TRIGGER tasks_dept_head AFTER UPDATE OF head_id ON core_department
WHEN OLD.head_id IS NOT NEW.head_id BEGIN
    DELETE FROM tasks_access WHERE user_id = OLD.head_id;
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT user_id, task_id, status, deadline FROM tasks_viewer WHERE user_id IN (OLD.head_id, NEW.head_id);
END;

-- A moved subtree changes the subordinates of every head above its old and new place.
CREATE TRIGGER tasks_dept_move AFTER UPDATE OF parent_id ON core_department
WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN
    INSERT OR IGNORE INTO tasks_refresh (user_id)
        SELECT d.head_id FROM tasks_dept_tree c JOIN core_department d ON d.id = c.ancestor_id
        WHERE c.department_id = OLD.parent_id AND d.head_id IS NOT NULL;
    DELETE FROM tasks_dept_tree
        WHERE department_id IN (SELECT department_id FROM tasks_dept_tree WHERE ancestor_id = NEW.id)
          AND ancestor_id NOT IN (SELECT department_id FROM tasks_dept_tree
                                  WHERE ancestor_id = NEW.id);
    INSERT OR IGNORE INTO tasks_dept_tree (ancestor_id, department_id)
        SELECT a.ancestor_id, s.department_id FROM tasks_dept_tree a, tasks_dept_tree s
        WHERE a.department_id = NEW.parent_id AND s.ancestor_id = NEW.id;
    INSERT OR IGNORE INTO tasks_refresh (user_id)
        SELECT d.head_id FROM tasks_dept_tree c JOIN core_department d ON d.id = c.ancestor_id
        WHERE c.department_id = NEW.parent_id AND d.head_id IS NOT NULL;
    DELETE FROM tasks_access WHERE user_id IN (SELECT user_id FROM tasks_refresh);
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT user_id, task_id, status, deadline FROM tasks_viewer
        WHERE user_id IN (SELECT user_id FROM tasks_refresh);
    DELETE FROM tasks_refresh;
END;

CREATE TRIGGER tasks_dept_delete AFTER DELETE ON core_department BEGIN
    DELETE FROM tasks_dept_tree WHERE department_id = OLD.id OR ancestor_id = OLD.id;
    DELETE FROM tasks_access WHERE user_id = OLD.head_id;
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT user_id, task_id, status, deadline FROM tasks_viewer WHERE user_id = OLD.head_id;
END;

-- A user joining a department brings their tasks to the heads above it ...
CREATE TRIGGER tasks_user_dept_insert AFTER INSERT ON core_user_department BEGIN
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT d.head_id, m.task_id, t.status, t.deadline
        FROM tasks_dept_tree c JOIN core_department d ON d.id = c.ancestor_id
            JOIN tasks_member m ON m.user_id = NEW.user_id JOIN tasks_task t ON t.id = m.task_id
        WHERE c.department_id = NEW.department_id AND d.head_id IS NOT NULL;
END;

-- ... and leaving it takes them away unless another rule still grants them.
CREATE TRIGGER tasks_user_dept_delete AFTER DELETE ON core_user_department BEGIN
    INSERT OR IGNORE INTO tasks_refresh (user_id)
        SELECT d.head_id FROM tasks_dept_tree c JOIN core_department d ON d.id = c.ancestor_id
        WHERE c.department_id = OLD.department_id AND d.head_id IS NOT NULL;
    DELETE FROM tasks_access
        WHERE user_id IN (SELECT user_id FROM tasks_refresh)
          AND task_id IN (SELECT task_id FROM tasks_member WHERE user_id = OLD.user_id);
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT user_id, task_id, status, deadline FROM tasks_viewer
        WHERE user_id IN (SELECT user_id FROM tasks_refresh)
          AND task_id IN (SELECT task_id FROM tasks_member WHERE user_id = OLD.user_id);
    DELETE FROM tasks_refresh;
END;

CREATE TRIGGER tasks_user_dept_update AFTER UPDATE ON core_user_department BEGIN
    INSERT OR IGNORE INTO tasks_refresh (user_id)
        SELECT d.head_id FROM tasks_dept_tree c JOIN core_department d ON d.id = c.ancestor_id
        WHERE c.department_id IN (OLD.department_id, NEW.department_id)
          AND d.head_id IS NOT NULL;
    DELETE FROM tasks_access
        WHERE user_id IN (SELECT user_id FROM tasks_refresh)
          AND task_id IN (SELECT task_id FROM tasks_member WHERE user_id IN (OLD.user_id,
                                                                             NEW.user_id));
    INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)
        SELECT user_id, task_id, status, deadline FROM tasks_viewer
        WHERE user_id IN (SELECT user_id FROM tasks_refresh)
          AND task_id IN (SELECT task_id FROM tasks_member WHERE user_id IN (OLD.user_id,
                                                                             NEW.user_id));
    DELETE FROM tasks_refresh;
END;
