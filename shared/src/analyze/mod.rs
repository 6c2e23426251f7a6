//! Mapping, validation and grouping of a decoded table.

mod grouping;
mod mapping;
pub mod preview;
mod record;
#[cfg(test)]
mod tests;

use crate::analysis::{Analysis, Record, Summary};
use crate::error::Rejection;
use crate::settings::Settings;
use crate::table::Table;

/// Validates every record of the table against the settings and groups the
/// valid records into profiles.
///
/// Blank rows are not records. Rejects the whole table only for settings
/// that cannot apply to it, such as a mapping to a missing column or no
/// identifier field mapped.
pub fn analyze(table: &Table, settings: &Settings) -> Result<Analysis, Rejection> {
    let (columns, mut warnings) = mapping::resolve(table, settings)?;
    warnings.extend(table.info.warnings.iter().cloned());

    let width = table.headers.len();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for row in &table.rows {
        if row.cells.iter().all(|cell| cell.is_blank()) {
            continue;
        }
        let checked = record::check_row(row, &columns, width);
        records.push(Record {
            row: row.row,
            valid: checked.errors.is_empty(),
            values: checked.values,
        });
        errors.push(checked.errors);
    }

    let profiles = grouping::group(&mut records, &mut errors, &mut warnings);
    warnings.sort_by_key(|warning| warning.row);

    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let valid = records.iter().filter(|record| record.valid).count();
    let summary = Summary {
        data_rows: count(records.len()),
        valid_records: count(valid),
        error_records: count(records.len() - valid),
        profiles: count(profiles.len()),
    };
    Ok(Analysis {
        summary,
        errors: errors.into_iter().flatten().collect(),
        warnings,
        records,
        profiles,
    })
}
