-- Profiles, their contacts and tags, and the import history.

create table person (
    person_id integer primary key,
    person_type text not null constraint person_type_known check (person_type in ('lead', 'customer')),
    -- Trimmed text as the file gave it; unique so that two imports never
    -- create two profiles with one external ID.
    external_id text constraint person_external_id_unique unique,
    first_name text,
    last_name text,
    middle_name text,
    gender text,
    -- ISO YYYY-MM-DD.
    birth_date text,
    address text,
    city text,
    country text,
    preferred_language text,
    -- JSON object of custom attribute values by attribute name.
    custom text not null default '{}',
    created_at text not null,
    updated_at text not null
);

-- Lower-case addresses; an address belongs to one profile at most.
create table person_email (
    person_id integer not null references person (person_id) on delete cascade,
    email text not null constraint person_email_unique unique,
    -- 0 for the main email, then in the order they were added.
    position integer not null
);
create index person_email_person on person_email (person_id);

-- E.164 numbers; a number belongs to one profile at most.
create table person_phone (
    person_id integer not null references person (person_id) on delete cascade,
    phone text not null constraint person_phone_unique unique,
    position integer not null
);
create index person_phone_person on person_phone (person_id);

create table person_tag (
    person_id integer not null references person (person_id) on delete cascade,
    tag text not null,
    constraint person_tag_pk primary key (person_id, tag)
);

create table import (
    import_id integer primary key,
    imported_by text not null,
    file_name text not null,
    file_size integer not null,
    -- JSON of shared::Settings and shared::wire::ImportChoices.
    settings text not null,
    choices text not null,
    person_type text not null,
    on_match text not null,
    -- One of shared::wire::ImportStatus in snake_case.
    status text not null,
    -- Reason of a failed import.
    failure text,
    data_rows integer not null,
    valid_records integer not null,
    error_records integer not null,
    created integer not null default 0,
    updated integer not null default 0,
    promoted integer not null default 0,
    discarded integer not null default 0,
    failed integer not null default 0,
    started_at text not null,
    finished_at text
);
create index import_started on import (started_at);

-- Error records of an import: the analysis errors and the merge failures.
create table import_error (
    import_id integer not null references import (import_id) on delete cascade,
    -- Row number as a spreadsheet shows it.
    record_row integer not null,
    field text,
    code text not null,
    message text not null
);
create index import_error_import on import_error (import_id, record_row);
