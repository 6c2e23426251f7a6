//! The live preview of one mapped column: a few of its values as the
//! import would store them, so that a wrong field option shows before the
//! analysis runs.

use serde::{Deserialize, Serialize};

use crate::analysis::record_fields;
use crate::analyze::mapping::{label, rule_for, Column};
use crate::analyze::record::check_row;
use crate::error::Rejection;
use crate::rules::cell::cell_text;
use crate::settings::{ColumnMapping, Settings};
use crate::table::{SourceRow, Table};

/// One previewed value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewValue {
    /// Row number as a spreadsheet shows it.
    pub row: u32,
    /// The cell as the file shows it.
    pub original: String,
    /// The normalized values (several for tags), or the reason the value
    /// would be an error.
    pub stored: Result<Vec<String>, String>,
}

/// Normalizes the first `limit` non-empty values of the column at `index`
/// (0-based) with `mapping`; `settings` gives the custom attribute types.
/// Rejects a mapping whose field option is invalid.
pub fn preview_column(
    table: &Table,
    index: usize,
    mapping: &ColumnMapping,
    settings: &Settings,
    limit: usize,
) -> Result<Vec<PreviewValue>, Rejection> {
    let column = Column {
        index,
        key: mapping.field.clone(),
        label: label(&mapping.field),
        rule: rule_for(mapping, settings)?,
    };
    let field = mapping.field.to_string();
    let mut previews = Vec::new();
    for row in &table.rows {
        let Some(cell) = row.cells.get(index) else {
            continue;
        };
        if cell.is_blank() {
            continue;
        }
        // Only this cell is checked, and record-level errors (such as a
        // missing identifier) are not the column's, so they are left out.
        let single = SourceRow {
            row: row.row,
            cells: (0..=index)
                .map(|i| {
                    if i == index {
                        cell.clone()
                    } else {
                        crate::table::Cell::Empty
                    }
                })
                .collect(),
        };
        let checked = check_row(&single, std::slice::from_ref(&column), index + 1);
        let own_error = checked
            .errors
            .iter()
            .find(|error| error.field.as_deref() == Some(field.as_str()));
        let stored = match own_error {
            Some(error) => Err(error.message.clone()),
            None => Ok(stored_values(&record_fields(&checked.values), &field)),
        };
        let original = match cell_text(cell, "value") {
            Ok(Some(text)) => text.into_owned(),
            _ => String::new(),
        };
        previews.push(PreviewValue {
            row: row.row,
            original,
            stored,
        });
        if previews.len() >= limit {
            break;
        }
    }
    Ok(previews)
}

fn stored_values(fields: &serde_json::Map<String, serde_json::Value>, field: &str) -> Vec<String> {
    match fields.get(field) {
        Some(serde_json::Value::String(text)) => vec![text.clone()],
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{FieldKey, ProfileField};
    use crate::settings::ReadChoices;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn table(csv: &str) -> Table {
        crate::read_file("preview.csv", csv.as_bytes(), &ReadChoices::default(), 0).expect("reads")
    }

    fn mapping(field: ProfileField, option: Option<&str>) -> ColumnMapping {
        ColumnMapping {
            field: FieldKey::Standard(field),
            option: option.map(str::to_owned),
        }
    }

    #[test]
    fn preview_shows_stored_phones() {
        let table = table("Phone\n020 7946 0101\n\n+49 151 12345678\nnot a number\n");
        let previews = preview_column(
            &table,
            0,
            &mapping(ProfileField::Phone, Some("GB")),
            &Settings::default(),
            5,
        )
        .expect("valid option");
        assert_eq!(previews.len(), 3, "blank cells are skipped");
        assert_eq!(previews[0].stored, Ok(vec!["+442079460101".to_owned()]));
        assert_eq!(previews[0].original, "020 7946 0101");
        assert_eq!(previews[1].row, 4);
        assert_eq!(previews[1].stored, Ok(vec!["+4915112345678".to_owned()]));
        assert!(previews[2].stored.is_err());
    }

    #[test]
    fn preview_shows_dates_tags_and_emails() {
        let table = table("Born,Tags,Email\n14.03.1985,a; b,  Ann@Example.COM\n");
        let settings = Settings::default();
        let born = preview_column(
            &table,
            0,
            &mapping(ProfileField::BirthDate, Some("DD.MM.YYYY")),
            &settings,
            1,
        )
        .expect("valid option");
        assert_eq!(born[0].stored, Ok(vec!["1985-03-14".to_owned()]));
        let tags = preview_column(
            &table,
            1,
            &mapping(ProfileField::Tags, Some(";")),
            &settings,
            1,
        )
        .expect("valid option");
        assert_eq!(tags[0].stored, Ok(vec!["a".to_owned(), "b".to_owned()]));
        let email = preview_column(&table, 2, &mapping(ProfileField::Email, None), &settings, 1)
            .expect("valid option");
        assert_eq!(email[0].stored, Ok(vec!["ann@example.com".to_owned()]));
    }

    #[test]
    fn preview_rejects_an_invalid_option() {
        let table = table("Phone\n123\n");
        let result = preview_column(
            &table,
            0,
            &mapping(ProfileField::Phone, Some("XX")),
            &Settings::default(),
            1,
        );
        assert!(result.is_err());
    }
}
