-- Accounts, sessions and API tokens; imports uploaded in numbered batches,
-- merged by one claimed job, journaled for undo; in-app notifications.

create table app_user (
    user_id integer primary key,
    name text not null constraint app_user_name_unique unique,
    -- Argon2id PHC string.
    password_hash text not null,
    created_at text not null
);

-- The cookie holds a random token; only its SHA-256 is stored.
create table user_session (
    token_hash text primary key,
    user_id integer not null references app_user (user_id) on delete cascade,
    -- Sent back in the X-CSRF-Token header on every state-changing request.
    csrf_token text not null,
    created_at text not null,
    expires_at text not null
);

create table api_token (
    token_id integer primary key,
    user_id integer not null references app_user (user_id) on delete cascade,
    name text not null,
    token_hash text not null constraint api_token_hash_unique unique,
    created_at text not null,
    revoked_at text
);

-- Failed sign-ins, counted per user name to slow down password guessing.
create table sign_in_failure (
    name text not null,
    failed_at text not null
);
create index sign_in_failure_name on sign_in_failure (name, failed_at);

alter table import add column user_id integer references app_user (user_id) on delete set null;
-- SHA-256 of the uploaded file, so choosing the same file again resumes.
alter table import add column checksum text;
alter table import add column batch_count integer;
alter table import add column profile_total integer not null default 0;
-- Instance that merges the import, and when it last said it is alive.
alter table import add column claimed_by text;
alter table import add column claimed_at text;
alter table import add column undone_at text;
create index import_checksum on import (user_id, checksum, status);

-- Analysed profiles of an import, as gzip-compressed JSON, one row a batch.
create table import_batch (
    import_id integer not null references import (import_id) on delete cascade,
    batch_number integer not null,
    -- SHA-256 of the batch's JSON, to tell a resend from a changed batch.
    digest text not null,
    profile_count integer not null,
    record_count integer not null,
    body blob not null,
    received_at text not null,
    constraint import_batch_pk primary key (import_id, batch_number)
);

-- Before-images of the profiles an import created or changed, for undo.
create table import_journal (
    import_id integer not null references import (import_id) on delete cascade,
    person_id integer not null,
    -- 'created' or 'updated'.
    action text not null,
    -- JSON of the profile before the import; null for created profiles.
    before_image text,
    constraint import_journal_pk primary key (import_id, person_id)
);
create index import_journal_person on import_journal (person_id, import_id);

create table notification (
    notification_id integer primary key,
    user_id integer not null references app_user (user_id) on delete cascade,
    import_id integer references import (import_id) on delete cascade,
    message text not null,
    created_at text not null,
    read_at text
);
create index notification_user on notification (user_id, notification_id);
