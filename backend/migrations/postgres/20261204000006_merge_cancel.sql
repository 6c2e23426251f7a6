-- When a person asked to cancel the running merge of the import. The
-- instance that runs the merge reads it when it writes its progress and
-- before it commits, then rolls back and marks the import Cancelled.
alter table import add column cancel_requested_at text;
