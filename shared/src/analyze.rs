//! Mapping, validation and grouping of a decoded table.

use crate::analysis::Analysis;
use crate::error::Rejection;
use crate::settings::Settings;
use crate::table::Table;

/// Validates every record of the table against the settings and groups the
/// valid records into profiles.
pub fn analyze(table: &Table, settings: &Settings) -> Result<Analysis, Rejection> {
    let _ = (table, settings);
    Ok(Analysis::default())
}
