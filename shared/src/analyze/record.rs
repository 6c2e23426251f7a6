//! Validation of one row against the mapped columns.

use crate::analysis::ProfileValues;
use crate::analyze::mapping::{Column, Rule};
use crate::attributes::{normalize_attribute, AttributeType};
use crate::error::{ErrorCode, RecordError};
use crate::field::{FieldKey, ProfileField};
use crate::rules::cell::{cell_error, cell_text, format_number, whole_number, WholeNumber};
use crate::rules::text::precision_lost;
use crate::rules::{
    date, email, gender, language, name, phone, tags, text, FieldError, FieldResult,
};
use crate::table::{Cell, SourceRow};

/// The values that passed their rules and the errors of one row.
pub(crate) struct CheckedRow {
    pub values: ProfileValues,
    pub errors: Vec<RecordError>,
}

/// Checks every mapped cell of a row that is not blank.
pub(crate) fn check_row(row: &SourceRow, columns: &[Column], width: usize) -> CheckedRow {
    let mut values = ProfileValues::default();
    let mut errors = Vec::new();
    let record_error = |code: ErrorCode, message: String| RecordError {
        row: row.row,
        field: None,
        code,
        message,
    };

    let extra = row.cells.get(width..).unwrap_or_default();
    if extra.iter().any(|cell| !cell.is_blank()) {
        errors.push(record_error(
            ErrorCode::TooManyFields,
            format!(
                "the row has {} fields but the header has {width} columns: quote values that \
                 contain the delimiter, or remove the extra fields",
                row.cells.len()
            ),
        ));
    }

    // An identifier cell that its rule rejects still counts as given, so
    // the record gets that rule's error and not `no_contact` as well.
    let mut has_identifier = false;
    for column in columns {
        let cell = row.cells.get(column.index).unwrap_or(&Cell::Empty);
        let applied = apply(cell, column, &column.label, &mut values);
        if column_is_identifier(column) && applied.is_err() {
            has_identifier = true;
        }
        if let Err(error) = applied {
            errors.push(RecordError {
                row: row.row,
                field: Some(column.key.to_string()),
                code: error.code,
                message: error.message,
            });
        }
    }

    has_identifier |=
        values.external_id.is_some() || !values.emails.is_empty() || !values.phones.is_empty();
    if !has_identifier {
        errors.push(record_error(
            ErrorCode::NoContact,
            "the record has no email, phone or external ID, so it cannot become a profile: \
             add one of them"
                .to_owned(),
        ));
    }
    CheckedRow { values, errors }
}

fn column_is_identifier(column: &Column) -> bool {
    matches!(&column.key, FieldKey::Standard(field) if field.is_identifier())
}

/// Applies the column's rule to a cell and stores the value it gives.
fn apply(
    cell: &Cell,
    column: &Column,
    label: &str,
    values: &mut ProfileValues,
) -> Result<(), FieldError> {
    if matches!(cell, Cell::Error(_)) {
        return Err(cell_error(label));
    }
    // Runs a text rule on the cell's text, or gives `None` for an empty cell.
    let with_text = |rule: &dyn Fn(&str) -> FieldResult| match cell_text(cell, label)? {
        Some(text) => rule(&text),
        None => Ok(None),
    };
    match &column.rule {
        Rule::Email => push_unique(&mut values.emails, with_text(&email::normalize)?),
        Rule::Phone(region) => {
            let phone = match cell {
                Cell::Number(number) => phone::normalize_number(*number, *region)?,
                _ => with_text(&|text| phone::normalize_text(text, *region))?,
            };
            push_unique(&mut values.phones, phone);
        }
        Rule::ExternalId => {
            values.external_id = match cell {
                Cell::Number(number) => match whole_number(*number) {
                    WholeNumber::Exact(digits) => Some(digits),
                    WholeNumber::PrecisionLost => return Err(precision_lost(label)),
                    WholeNumber::NotWhole => Some(format_number(*number)),
                },
                _ => with_text(&text::normalize_external_id)?,
            };
        }
        Rule::BirthDate(format) => {
            values.birth_date = match cell {
                Cell::Date(iso) => date::normalize_iso(iso)?,
                Cell::Text(text) => date::normalize_text(text, *format)?,
                Cell::Empty => None,
                _ => return Err(not_a_date()),
            };
        }
        Rule::Tags(delimiter) => {
            if let Some(text) = cell_text(cell, label)? {
                for tag in tags::split(&text, delimiter) {
                    push_unique(&mut values.tags, Some(tag));
                }
            }
        }
        Rule::Name => {
            let value = with_text(&|text| name::normalize(text, label))?;
            set_single(values, &column.key, value);
        }
        Rule::Gender => values.gender = with_text(&gender::normalize)?,
        Rule::Limited(max) => {
            let value = with_text(&|text| text::normalize_limited(text, label, *max))?;
            set_single(values, &column.key, value);
        }
        Rule::Language => values.preferred_language = with_text(&language::normalize)?,
        Rule::Custom(attribute_type, option) => {
            let value = match cell {
                Cell::Bool(value) if *attribute_type == AttributeType::Boolean => {
                    Some(value.to_string())
                }
                _ => with_text(&|text| {
                    normalize_attribute(*attribute_type, text, option.as_deref()).map_err(
                        |reason| {
                            FieldError::new(
                                ErrorCode::InvalidValue,
                                format!(
                                    "the {label} is not a valid {}: {reason}",
                                    attribute_type.key()
                                ),
                            )
                        },
                    )
                })?,
            };
            set_single(values, &column.key, value);
        }
    }
    Ok(())
}

fn not_a_date() -> FieldError {
    FieldError::new(
        ErrorCode::InvalidDate,
        "the birth date cell holds a number or a boolean, not a date: format the column \
         as dates in the spreadsheet, or as text in the column's date format",
    )
}

fn push_unique(list: &mut Vec<String>, value: Option<String>) {
    if let Some(value) = value {
        if !list.contains(&value) {
            list.push(value);
        }
    }
}

/// Stores the value of a single-valued text field or custom attribute.
fn set_single(values: &mut ProfileValues, key: &FieldKey, value: Option<String>) {
    let Some(value) = value else {
        return;
    };
    let slot = match key {
        FieldKey::Custom(name) => {
            values.custom.insert(name.clone(), value);
            return;
        }
        FieldKey::Standard(ProfileField::FirstName) => &mut values.first_name,
        FieldKey::Standard(ProfileField::LastName) => &mut values.last_name,
        FieldKey::Standard(ProfileField::MiddleName) => &mut values.middle_name,
        FieldKey::Standard(ProfileField::Address) => &mut values.address,
        FieldKey::Standard(ProfileField::City) => &mut values.city,
        FieldKey::Standard(ProfileField::Country) => &mut values.country,
        FieldKey::Standard(_) => return,
    };
    *slot = Some(value);
}
