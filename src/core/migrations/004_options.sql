-- Key/value options of user.option.* and app.option.*: per application (the browser app, one
-- webhook or one token) and per user; owner_id 0 holds the application-wide options. Values
-- are stored as JSON text so a client gets back the type it saved.
CREATE TABLE core_option (
    owner_id INTEGER NOT NULL,
    app TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (owner_id, app, name)
);
