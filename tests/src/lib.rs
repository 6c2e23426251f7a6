//! Workspace-level tests of the people importer; the tests live in
//! `tests/` and `browser/`.
