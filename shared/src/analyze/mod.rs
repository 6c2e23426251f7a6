//! Mapping, validation and grouping of a decoded table.

mod grouping;
mod mapping;
pub mod preview;
mod record;
#[cfg(test)]
mod tests;

use crate::analysis::{Analysis, Record, Summary};
use crate::error::Rejection;
use crate::field::FieldKey;
use crate::progress::Throttle;
use crate::settings::Settings;
use crate::table::Table;

/// Validates every record of the table against the settings and groups the
/// valid records into profiles.
///
/// Blank rows are not records. Rejects the whole table only for settings
/// that cannot apply to it, such as a mapping to a missing column or no
/// identifier field mapped.
pub fn analyze(table: &Table, settings: &Settings) -> Result<Analysis, Rejection> {
    analyze_with_progress(table, settings, &mut |_| {})
}

/// Returns the index of every mapped column with its field, in column
/// order, or why the settings do not apply to the table.
pub fn mapped_columns(
    table: &Table,
    settings: &Settings,
) -> Result<Vec<(usize, FieldKey)>, Rejection> {
    let (columns, _) = mapping::resolve(table, settings)?;
    Ok(columns
        .into_iter()
        .map(|column| (column.index, column.key))
        .collect())
}

/// Like [`analyze`], and calls `progress` with the number of rows checked
/// so far, about every hundredth of the table and once when every row is
/// checked, before the records are grouped into profiles.
pub fn analyze_with_progress(
    table: &Table,
    settings: &Settings,
    progress: &mut dyn FnMut(usize),
) -> Result<Analysis, Rejection> {
    let (columns, mut warnings) = mapping::resolve(table, settings)?;
    warnings.extend(table.info.warnings.iter().cloned());

    let width = table.headers.len();
    let mut throttle = Throttle::rows(table.rows.len() as u64);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (index, row) in table.rows.iter().enumerate() {
        if throttle.due(index as u64) {
            progress(index);
        }
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

    progress(table.rows.len());
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
