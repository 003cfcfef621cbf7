-- Mailroom schema. Portable SQL (SQLite and PostgreSQL); every statement is idempotent.
-- Addresses are stored in lower case; domains belong to exactly one enterprise, so an address is
-- unique across the whole database.

CREATE TABLE IF NOT EXISTS enterprises (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    -- The directory version (PROTOCOL.md §6.1): next = max(now ms, version + 1).
    version           BIGINT  NOT NULL,
    -- Comma-separated IPs/CIDRs allowed to call the open protocol; '' = any (§8).
    allowed_addresses TEXT    NOT NULL DEFAULT '',
    -- Requests per second per client; 0 = unlimited.
    rate_limit        INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS domains (
    name          TEXT    PRIMARY KEY,
    enterprise_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS domains_by_enterprise ON domains (enterprise_id);

-- The open-protocol client of an enterprise: client_id is its administrator account.
CREATE TABLE IF NOT EXISTS clients (
    id               INTEGER PRIMARY KEY,
    enterprise_id    INTEGER NOT NULL UNIQUE,
    client_id        TEXT    NOT NULL UNIQUE,
    -- The interface key, encrypted with ASP.NET Core Data Protection so the console can reveal it.
    secret_protected TEXT    NOT NULL,
    -- SHA-256 of the key, compared in constant time when a token is requested.
    secret_hash      BLOB    NOT NULL,
    -- Bumped on key regeneration: tokens carry the generation they were issued under.
    token_generation INTEGER NOT NULL DEFAULT 1,
    api_enabled      INTEGER NOT NULL DEFAULT 1,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS members (
    id              INTEGER PRIMARY KEY,
    enterprise_id   INTEGER NOT NULL,
    address         TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    gender          INTEGER NOT NULL DEFAULT 0,
    position        TEXT    NOT NULL DEFAULT '',
    tel             TEXT    NOT NULL DEFAULT '',
    mobile          TEXT    NOT NULL DEFAULT '',
    ext_id          TEXT    NOT NULL DEFAULT '',
    password_hash   TEXT    NOT NULL,
    -- 1 enabled, 2 disabled.
    open_type       INTEGER NOT NULL DEFAULT 1,
    -- Mandatory second factor (user/openwxtoken).
    second_factor   INTEGER NOT NULL DEFAULT 0,
    unread_count    INTEGER NOT NULL DEFAULT 0,
    -- Version of the member's last change, so user/list Ver=0 lists members in change order.
    changed_version BIGINT  NOT NULL
);
-- Not (enterprise_id, changed_version): that entry moved on every change, two more pages written
-- per call; user/list Ver=0 sorts instead. The DROP removes the old index from earlier databases.
DROP INDEX IF EXISTS members_by_enterprise;
CREATE INDEX IF NOT EXISTS members_of_enterprise ON members (enterprise_id);

-- Slave aliases of members.
CREATE TABLE IF NOT EXISTS member_aliases (
    address       TEXT    PRIMARY KEY,
    member_id     INTEGER NOT NULL,
    enterprise_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS member_aliases_by_member ON member_aliases (member_id);

-- Departments form a tree below the enterprise root; parent_id 0 is the root.
CREATE TABLE IF NOT EXISTS departments (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    parent_id     INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    UNIQUE (enterprise_id, parent_id, name)
);

-- A member with no row here is in the root.
CREATE TABLE IF NOT EXISTS member_departments (
    member_id     INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    PRIMARY KEY (member_id, department_id)
);
CREATE INDEX IF NOT EXISTS member_departments_by_department ON member_departments (department_id);

CREATE TABLE IF NOT EXISTS mail_groups (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    address       TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    -- all | inner | group | list (PROTOCOL.md §6.9).
    status        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_groups_by_enterprise ON mail_groups (enterprise_id);

CREATE TABLE IF NOT EXISTS mail_group_members (
    group_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX IF NOT EXISTS mail_group_members_by_member ON mail_group_members (member_id);

CREATE TABLE IF NOT EXISTS mail_group_allow_list (
    group_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX IF NOT EXISTS mail_group_allow_list_by_member ON mail_group_allow_list (member_id);

-- Every member change (PROTOCOL.md §6.1); seq (the rowid: rows are never deleted, so it only
-- grows) orders changes within one version.
CREATE TABLE IF NOT EXISTS member_changes (
    seq           INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    version       BIGINT  NOT NULL,
    address       TEXT    NOT NULL,
    -- 1 DEL, 2 ADD, 3 MOD.
    action        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS member_changes_by_version ON member_changes (enterprise_id, version);

-- Single-use login keys of mail/authkey (PROTOCOL.md §7.3); only their SHA-256 is kept.
CREATE TABLE IF NOT EXISTS authkeys (
    key_hash   BLOB    PRIMARY KEY,
    client_key INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS authkeys_by_member ON authkeys (member_id);
CREATE INDEX IF NOT EXISTS authkeys_by_client ON authkeys (client_key);

-- The operation log (操作记录, PROTOCOL.md §8).
CREATE TABLE IF NOT EXISTS operations (
    seq           INTEGER PRIMARY KEY,
    enterprise_id INTEGER,
    at            BIGINT  NOT NULL,
    client_id     TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    endpoint      TEXT    NOT NULL,
    parameters    TEXT    NOT NULL,
    result        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_by_enterprise ON operations (enterprise_id, at);

-- Counters that other processes and nodes poll to learn that cached state changed.
CREATE TABLE IF NOT EXISTS revisions (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Server-wide secrets (the token signing key), encrypted with Data Protection.
CREATE TABLE IF NOT EXISTS secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The highest id of a deleted member (one row). New members get ids above it and above every
-- member's: SQLite would give a deleted last row's id to the next row, and a deleted member's id
-- may still be held by the mail journal, a signed-in session or the password hardener, which must
-- never reach another member through it. (PostgreSQL's sequences never give an id twice.)
CREATE TABLE IF NOT EXISTS deleted_member_ids (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    highest  BIGINT  NOT NULL
);

-- Members whose password is still in its quick form, waiting for the slow hash (PasswordHardener).
CREATE TABLE IF NOT EXISTS password_hardening (
    member_id INTEGER PRIMARY KEY
);

-- Received messages (PROTOCOL.md §7.1): one row per accepted SMTP transaction. The raw MIME is
-- <size> bytes at <file_offset> in the file <DataDir>/mail/<file> (Mail/MessageSpool.cs: messages
-- flushed together share a file); it is written and flushed before the row is committed.
CREATE TABLE IF NOT EXISTS messages (
    id          INTEGER PRIMARY KEY,
    file        TEXT    NOT NULL,
    file_offset BIGINT  NOT NULL,
    size        BIGINT  NOT NULL,
    -- The From header as written (display name and address), the To header, the decoded subject.
    sender      TEXT    NOT NULL,
    recipients  TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    -- The first 120 characters of the plain text, whitespace collapsed (§5).
    summary     TEXT    NOT NULL,
    received_at BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_file ON messages (file);

-- Each member's copy of a message; mail_id is the opaque, URL-safe MailId of §5 and §7.4.
CREATE TABLE IF NOT EXISTS mails (
    mail_id       TEXT    PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    -- The envelope recipient that brought the copy: the member's address, an alias or a group.
    delivered_to  TEXT    NOT NULL,
    -- inbox | trash. members.unread_count counts the unseen copies in the inbox.
    folder        TEXT    NOT NULL,
    seen          INTEGER NOT NULL DEFAULT 0,
    received_at   BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS mails_by_member ON mails (member_id, folder, received_at, message_id);
CREATE INDEX IF NOT EXISTS mails_by_message ON mails (message_id);

-- The administrator's console password (PROTOCOL.md §8); the account is clients.client_id. An
-- enterprise without a row here has no console login until the operator sets one.
CREATE TABLE IF NOT EXISTS admin_passwords (
    enterprise_id INTEGER PRIMARY KEY,
    -- The slow form of Directory/PasswordHasher.cs, never the quick one.
    password_hash TEXT    NOT NULL,
    -- Random, replaced with every new password: console sessions signed in before it end.
    stamp         TEXT    NOT NULL,
    changed_at    BIGINT  NOT NULL
);

-- Where an operation came from when it was not an open-protocol call: 'console' (the
-- administrator's console) or 'operator' (an operator command). No row = 'api'. A table of its
-- own rather than a column of operations, so that databases made before it keep working
-- (the schema script only ever creates what is missing) and API calls write no more than before.
CREATE TABLE IF NOT EXISTS operation_channels (
    seq     INTEGER PRIMARY KEY,
    channel TEXT    NOT NULL
);

-- Push queues kept across a clean restart (PROTOCOL.md §5): written when the server stops, read
-- back and deleted when it starts. One row per client that was online or had events queued.
CREATE TABLE IF NOT EXISTS push_clients (
    client_key    INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    -- When its last listen finished (ms since the epoch; the online grace runs from there).
    last_active   BIGINT  NOT NULL,
    -- The sequence number its next event gets (event-stream ids keep growing across restarts).
    next_sequence BIGINT  NOT NULL
);

-- The queued events of those clients, oldest first by sequence; body is the event's JSON answer.
CREATE TABLE IF NOT EXISTS push_events (
    client_key INTEGER NOT NULL,
    sequence   BIGINT  NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (client_key, sequence)
);

-- Webmail sessions (PROTOCOL.md §7.4, §7.5). The browser's cookie names a session; only the
-- SHA-256 of its id is kept. A session is void when its row is gone (logout; the member deleted,
-- disabled or given a new password, in the same transaction as that change), when it has expired,
-- or when the member's password stamp (Directory/PasswordHasher.Stamp) is no longer the one it
-- was started under.
CREATE TABLE IF NOT EXISTS webmail_sessions (
    id_hash        BLOB    PRIMARY KEY,
    member_id      INTEGER NOT NULL,
    enterprise_id  INTEGER NOT NULL,
    password_stamp TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    -- Sliding: moved forward while the session is in use (Mailroom:Sso:SessionIdleMinutes).
    expires_at     BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS webmail_sessions_by_member ON webmail_sessions (member_id);
CREATE INDEX IF NOT EXISTS webmail_sessions_by_expiry ON webmail_sessions (expires_at);

-- Authenticator enrolments for the mandatory second factor of user/openwxtoken (§6.10): a TOTP
-- secret (RFC 6238) per member, encrypted with Data Protection. Dropped when the member is deleted
-- or the second factor is switched off, so switching it on again means enrolling anew.
CREATE TABLE IF NOT EXISTS member_totp (
    member_id        INTEGER PRIMARY KEY,
    secret_protected TEXT    NOT NULL,
    -- The time step of the last accepted code: a code is accepted once (RFC 6238 §5.2).
    last_step        BIGINT  NOT NULL,
    enrolled_at      BIGINT  NOT NULL
);

-- How far the message spool's journal is known to be in this database (Mail/MessageSpool.cs):
-- every record before <file_offset> in <file>, and in every earlier file, has its rows committed
-- here (or was refused). A start replays only the records after it. One row per spool directory.
CREATE TABLE IF NOT EXISTS spool_marks (
    spool       TEXT    PRIMARY KEY,
    file        TEXT    NOT NULL,
    file_offset BIGINT  NOT NULL
);

-- The last record of the call journal (Storage/CallJournal.cs) that the committed state includes:
-- a write transaction replays the records after it, left by a writer that died before committing.
CREATE TABLE IF NOT EXISTS journal_mark (
    id       INTEGER PRIMARY KEY,
    sequence BIGINT  NOT NULL
);
