//! Resolution of the settings' column mappings against a table's header.

use std::collections::BTreeMap;

use phonenumber::country::Id;

use crate::attributes::AttributeType;
use crate::error::{RejectCode, Rejection, Warning};
use crate::field::{FieldKey, ProfileField};
use crate::rules::date::DateFormat;
use crate::rules::tags::DEFAULT_TAG_DELIMITER;
use crate::rules::text::{MAX_ADDRESS_CHARS, MAX_PLACE_CHARS};
use crate::settings::{ColumnMapping, Settings};
use crate::table::Table;

/// How the values of one column are checked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Rule {
    Email,
    /// Phone numbers, with the country for numbers without a prefix.
    Phone(Option<Id>),
    ExternalId,
    Name,
    Gender,
    /// Birth dates, with the format of text dates.
    BirthDate(Option<DateFormat>),
    /// Plain text with a maximum length in characters.
    Limited(usize),
    Language,
    /// Tags, with their delimiter.
    Tags(String),
    /// A custom attribute of the given type, with its list delimiter.
    Custom(AttributeType, Option<String>),
}

/// A mapped column: its 0-based index, its field and its rule.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    pub index: usize,
    pub key: FieldKey,
    /// The field's name in messages, such as `first name`.
    pub label: String,
    pub rule: Rule,
}

/// Resolves every mapping to a column, in column order.
///
/// Rejects the settings when no identifier field is mapped, when a key
/// names no column, when one column is mapped twice, when a single-valued
/// field is mapped to two columns, or when a field option is invalid.
pub(crate) fn resolve(
    table: &Table,
    settings: &Settings,
) -> Result<(Vec<Column>, Vec<Warning>), Rejection> {
    let has_identifier = settings.mapping.values().any(
        |mapping| matches!(&mapping.field, FieldKey::Standard(field) if field.is_identifier()),
    );
    if !has_identifier {
        return Err(Rejection::new(
            RejectCode::NoIdentifierMapped,
            "no column is mapped to email, phone or external ID, so no record could be matched \
             to a profile: map at least one of them",
        ));
    }

    let mut warnings = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    for (key, mapping) in &settings.mapping {
        let index = find_column(table, key, &mut warnings)?;
        if let Some(other) = columns.iter().find(|column| column.index == index) {
            return Err(Rejection::new(
                RejectCode::InvalidSettings,
                format!(
                    "column {} ({}) is mapped twice, to {} and {}: keep one mapping",
                    index + 1,
                    header_name(table, index),
                    other.key,
                    mapping.field
                ),
            ));
        }
        columns.push(Column {
            index,
            key: mapping.field.clone(),
            label: label(&mapping.field),
            rule: rule_for(mapping, settings)?,
        });
    }
    columns.sort_by_key(|column| column.index);
    check_single_valued(table, &columns)?;
    Ok((columns, warnings))
}

pub(crate) fn label(key: &FieldKey) -> String {
    match key {
        FieldKey::Standard(field) => field.label().to_lowercase(),
        FieldKey::Custom(name) => format!("{name} attribute"),
    }
}

fn header_name(table: &Table, index: usize) -> &str {
    table.headers.get(index).map_or("", String::as_str)
}

/// Finds the column a mapping key names: a 1-based column number when the
/// key is only digits, else the header text, exactly or, failing that,
/// ignoring case and surrounding spaces.
fn find_column(table: &Table, key: &str, warnings: &mut Vec<Warning>) -> Result<usize, Rejection> {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
        return key
            .parse::<usize>()
            .ok()
            .filter(|number| (1..=table.headers.len()).contains(number))
            .map(|number| number - 1)
            .ok_or_else(|| {
                Rejection::new(
                    RejectCode::UnknownColumn,
                    format!(
                        "the mapping names column {key}, but the file has {} columns: \
                         map an existing column",
                        table.headers.len()
                    ),
                )
            });
    }
    let exact: Vec<usize> = matching(table, |header| header == key);
    let found = if exact.is_empty() {
        let wanted = key.trim().to_lowercase();
        matching(table, |header| header.trim().to_lowercase() == wanted)
    } else {
        exact
    };
    let Some(&first) = found.first() else {
        return Err(Rejection::new(
            RejectCode::UnknownColumn,
            format!(
                "the mapping names the column {key:?}, but no column of the header row \
                 (row {}) has that name: check the mapping or the number of rows to skip",
                table.header_row
            ),
        ));
    };
    if found.len() > 1 {
        let numbers: Vec<String> = found.iter().map(|index| (index + 1).to_string()).collect();
        warnings.push(Warning {
            row: None,
            field: None,
            message: format!(
                "columns {} are all headed {key:?}, so the mapping uses column {}: map the \
                 others by column number to import them too",
                numbers.join(", "),
                first + 1
            ),
        });
    }
    Ok(first)
}

fn matching(table: &Table, matches: impl Fn(&str) -> bool) -> Vec<usize> {
    table
        .headers
        .iter()
        .enumerate()
        .filter(|(_, header)| matches(header))
        .map(|(index, _)| index)
        .collect()
}

pub(crate) fn rule_for(mapping: &ColumnMapping, settings: &Settings) -> Result<Rule, Rejection> {
    let option = mapping
        .option
        .as_deref()
        .map(str::trim)
        .filter(|option| !option.is_empty());
    let field = match &mapping.field {
        FieldKey::Custom(name) => {
            let attribute_type = settings.attributes.get(name).copied().unwrap_or_default();
            return Ok(Rule::Custom(attribute_type, option.map(str::to_owned)));
        }
        FieldKey::Standard(field) => *field,
    };
    Ok(match field {
        ProfileField::Email => Rule::Email,
        ProfileField::ExternalId => Rule::ExternalId,
        ProfileField::FirstName | ProfileField::LastName | ProfileField::MiddleName => Rule::Name,
        ProfileField::Gender => Rule::Gender,
        ProfileField::Address => Rule::Limited(MAX_ADDRESS_CHARS),
        ProfileField::City | ProfileField::Country => Rule::Limited(MAX_PLACE_CHARS),
        ProfileField::PreferredLanguage => Rule::Language,
        ProfileField::Phone => match option {
            None => Rule::Phone(None),
            Some(option) => Rule::Phone(Some(
                crate::rules::phone::parse_region(option).ok_or_else(|| {
                    invalid_option(
                        field,
                        option,
                        "an ISO 3166 country code such as GB, DE or US",
                    )
                })?,
            )),
        },
        ProfileField::BirthDate => match option {
            None => Rule::BirthDate(None),
            Some(option) => Rule::BirthDate(Some(DateFormat::parse(option).ok_or_else(|| {
                invalid_option(
                    field,
                    option,
                    "a date format such as DD.MM.YYYY, MM/DD/YYYY or YYYY-MM-DD",
                )
            })?)),
        },
        ProfileField::Tags => {
            // The option keeps its spaces: a delimiter may be " / ".
            let delimiter = mapping
                .option
                .as_deref()
                .filter(|option| !option.is_empty())
                .unwrap_or(DEFAULT_TAG_DELIMITER);
            Rule::Tags(delimiter.to_owned())
        }
    })
}

fn invalid_option(field: ProfileField, option: &str, expected: &str) -> Rejection {
    Rejection::new(
        RejectCode::InvalidSettings,
        format!(
            "the {} option {option:?} is not valid: use {expected}",
            field.label().to_lowercase()
        ),
    )
}

/// Rejects a single-valued field (or custom attribute) mapped to more
/// than one column.
fn check_single_valued(table: &Table, columns: &[Column]) -> Result<(), Rejection> {
    let mut seen: BTreeMap<&FieldKey, usize> = BTreeMap::new();
    for column in columns {
        let multi = matches!(&column.key, FieldKey::Standard(field) if field.is_multi_valued());
        if multi {
            continue;
        }
        if let Some(first) = seen.insert(&column.key, column.index) {
            return Err(Rejection::new(
                RejectCode::InvalidSettings,
                format!(
                    "{} is mapped to columns {} ({}) and {} ({}), but a record holds one {}: \
                     map only one of them",
                    column.key,
                    first + 1,
                    header_name(table, first),
                    column.index + 1,
                    header_name(table, column.index),
                    column.key
                ),
            ));
        }
    }
    Ok(())
}
