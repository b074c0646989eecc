-- A record's multi-fields are read on every get and for each listed record that selects them,
-- by owner and in type, id order. An index in that order that also holds the values answers
-- the read alone: no sort, no table lookups. It replaces the owner index it extends.
DROP INDEX crm_fm_owner;
CREATE INDEX crm_fm_owner ON crm_fm (owner_type, owner_id, type_id, id, value_type, value);
