-- The mapping a user last chose for a set of headers, offered again for
-- the next file with the same headers.
create table saved_mapping (
    user_id bigint not null references app_user (user_id) on delete cascade,
    -- SHA-256 of the folded headers, one per line, in column order.
    header_key text not null,
    -- JSON of the mapping and field options (shared::Settings.mapping).
    mapping text not null,
    updated_at text not null,
    constraint saved_mapping_pk primary key (user_id, header_key)
);
