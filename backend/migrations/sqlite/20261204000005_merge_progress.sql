-- Profiles merged so far by the running merge, written now and then so
-- that every instance can show the progress of a merge another one runs.
alter table import add column merged_profiles bigint;
