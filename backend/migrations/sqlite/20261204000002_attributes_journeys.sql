-- Custom attributes that imports can map columns to, and journeys that
-- imported profiles can join.

create table custom_attribute (
    attribute_id integer primary key,
    name text not null constraint custom_attribute_name_unique unique,
    -- One of shared::attributes::AttributeType in snake_case.
    attribute_type text not null constraint custom_attribute_type_known
        check (attribute_type in ('text', 'number', 'boolean', 'date', 'list')),
    created_at text not null
);

create table journey (
    journey_id integer primary key,
    name text not null constraint journey_name_unique unique,
    active integer not null default 1,
    created_at text not null,
    updated_at text not null
);

-- A profile is enrolled in a journey once, by the first import that adds it.
create table journey_enrollment (
    journey_id integer not null references journey (journey_id) on delete cascade,
    person_id integer not null references person (person_id) on delete cascade,
    import_id integer references import (import_id) on delete set null,
    enrolled_at text not null,
    constraint journey_enrollment_pk primary key (journey_id, person_id)
);
