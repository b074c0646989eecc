-- Roles and permissions (src/core/auth/perm.c), and the user profile fields user.* exposes.
-- A role grants, per entity and action, a level: 0 none, 1 own, 2 department,
-- 3 department with sub-departments, 4 all. Entity '*' is the role's level for every entity it
-- does not name. A role is assigned to a user or to a department (then to its direct members).
CREATE TABLE core_role (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    is_default INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE core_role_perm (
    role_id INTEGER NOT NULL REFERENCES core_role(id) ON DELETE CASCADE,
    entity TEXT NOT NULL,
    action TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    PRIMARY KEY (role_id, entity, action)
);

CREATE TABLE core_role_assign (
    id INTEGER PRIMARY KEY,
    role_id INTEGER NOT NULL REFERENCES core_role(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES core_user(id) ON DELETE CASCADE,
    department_id INTEGER REFERENCES core_department(id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL AND department_id IS NOT NULL)
           OR (user_id IS NOT NULL AND department_id IS NULL))
);
CREATE UNIQUE INDEX core_role_assign_user ON core_role_assign(user_id, role_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX core_role_assign_dep ON core_role_assign(department_id, role_id)
    WHERE department_id IS NOT NULL;
CREATE INDEX core_department_head ON core_department(head_id);

-- A fresh install behaves like a small company where everybody sees everything.
INSERT INTO core_role (name, is_default) VALUES ('Employee', 1);
INSERT INTO core_role (name, is_default) VALUES ('Read only', 0);
INSERT INTO core_role_perm (role_id, entity, action, level)
    SELECT r.id, '*', a.action, 4 FROM core_role r,
        (SELECT 'READ' AS action UNION ALL SELECT 'ADD' UNION ALL SELECT 'UPDATE'
         UNION ALL SELECT 'DELETE') a
    WHERE r.name = 'Employee';
INSERT INTO core_role_perm (role_id, entity, action, level)
    SELECT id, '*', 'READ', 4 FROM core_role WHERE name = 'Read only';

-- Profile fields of the Bitrix24 user object beyond those of 001.
ALTER TABLE core_user ADD COLUMN personal_gender TEXT NOT NULL DEFAULT '';
ALTER TABLE core_user ADD COLUMN personal_birthday TEXT;
ALTER TABLE core_user ADD COLUMN personal_mobile TEXT NOT NULL DEFAULT '';
ALTER TABLE core_user ADD COLUMN personal_city TEXT NOT NULL DEFAULT '';
ALTER TABLE core_user ADD COLUMN work_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE core_user ADD COLUMN phone_inner TEXT NOT NULL DEFAULT '';
