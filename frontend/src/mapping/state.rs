//! Column-to-field choices of the mapping step, with per-column undo.
//!
//! A built-in field is mapped to one column at most: choosing it for a
//! column takes it away from the column it was mapped to, which becomes
//! unmapped.
//! Email, phone and tags can also take values from further columns through
//! [`Choice::Additional`], which has no such limit, because a profile keeps
//! several values of these fields.

use std::collections::BTreeMap;
use std::fmt;

use shared::suggest::{ColumnSuggestion, SuggestionSource};
use shared::{ColumnMapping, FieldKey, ProfileField};

/// Mapping target of one column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Choice {
    /// The column is not imported.
    #[default]
    Unmapped,
    /// A built-in field, mapped to this column only.
    Field(ProfileField),
    /// A further column of a multi-valued field (email, phone or tags).
    Additional(ProfileField),
    /// A custom attribute, named by the column's `custom_name`.
    Custom,
}

/// Select value of [`Choice::Custom`].
const CUSTOM_VALUE: &str = "custom";

/// Prefix of the select value of a [`Choice::Additional`].
const ADDITIONAL_PREFIX: &str = "additional:";

impl Choice {
    /// Returns the value of the choice in the field select, empty when unmapped.
    pub fn value(self) -> String {
        match self {
            Choice::Unmapped => String::new(),
            Choice::Field(field) => field.key().to_owned(),
            Choice::Additional(field) => format!("{ADDITIONAL_PREFIX}{}", field.key()),
            Choice::Custom => CUSTOM_VALUE.to_owned(),
        }
    }

    /// Parses a select value written by [`Choice::value`].
    pub fn from_value(value: &str) -> Option<Choice> {
        if value.is_empty() {
            return Some(Choice::Unmapped);
        }
        if value == CUSTOM_VALUE {
            return Some(Choice::Custom);
        }
        if let Some(key) = value.strip_prefix(ADDITIONAL_PREFIX) {
            return standard_field(key)
                .filter(|field| field.is_multi_valued())
                .map(Choice::Additional);
        }
        standard_field(value).map(Choice::Field)
    }

    /// Returns the text of the choice in the field select.
    pub fn label(self) -> String {
        match self {
            Choice::Unmapped => "Not imported".to_owned(),
            Choice::Field(field) => field.label().to_owned(),
            Choice::Additional(field) => format!("{} (additional column)", field.label()),
            Choice::Custom => "Custom attribute".to_owned(),
        }
    }

    /// Returns the built-in field that receives the column's values, if any.
    pub fn field(self) -> Option<ProfileField> {
        match self {
            Choice::Field(field) | Choice::Additional(field) => Some(field),
            Choice::Unmapped | Choice::Custom => None,
        }
    }

    /// Returns every choice, in the order the field select offers them.
    pub fn all() -> Vec<Choice> {
        let mut choices = vec![Choice::Unmapped];
        for field in ProfileField::ALL {
            choices.push(Choice::Field(field));
            if field.is_multi_valued() {
                choices.push(Choice::Additional(field));
            }
        }
        choices.push(Choice::Custom);
        choices
    }
}

fn standard_field(key: &str) -> Option<ProfileField> {
    ProfileField::ALL
        .into_iter()
        .find(|field| field.key() == key)
}

/// The mapping of one file column, with the options of the fields that
/// take one. Options are kept while another field is chosen, so an undo
/// brings them back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    pub header: String,
    pub choice: Choice,
    /// Earlier choices, most recent last.
    pub history: Vec<Choice>,
    /// ISO 3166 alpha-2 country of phone numbers without a `+` prefix.
    pub phone_country: String,
    /// Format of text birth dates, such as `DD.MM.YYYY`; empty to detect.
    pub date_format: String,
    /// Delimiter between tags in one cell; empty for the default.
    pub tags_delimiter: String,
    /// Name of the custom attribute.
    pub custom_name: String,
    /// Origin of the current choice when the app made it for the person,
    /// shown until they change it.
    pub proposed: Option<Proposal>,
}

/// A choice that the app made for the person, who accepts or changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// The mapping assistant's suggestion, with its caveat.
    Suggested {
        source: SuggestionSource,
        note: Option<String>,
    },
    /// The mapping the person saved for a file with the same headers.
    Saved,
}

impl Proposal {
    /// Returns the sentence that the column shows under its field select.
    pub fn describe(&self) -> String {
        let origin = match self {
            Proposal::Suggested {
                source: SuggestionSource::Header,
                ..
            } => "Suggested from the column name.",
            Proposal::Suggested {
                source: SuggestionSource::HeaderAndValues,
                ..
            } => "Suggested from the column name and its values.",
            Proposal::Suggested {
                source: SuggestionSource::Values,
                ..
            } => "Suggested from the column's values.",
            Proposal::Saved => "Your mapping from the last file with these columns.",
        };
        match self {
            Proposal::Suggested {
                note: Some(note), ..
            } => format!("{origin} {}.", sentence_case(note.trim_end_matches('.'))),
            _ => origin.to_owned(),
        }
    }
}

/// A text option of a column that an input edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextSetting {
    PhoneCountry,
    TagsDelimiter,
    AttributeName,
}

impl TextSetting {
    /// Returns the setting's text in `column`.
    pub fn get(self, column: &ColumnMap) -> &str {
        match self {
            TextSetting::PhoneCountry => &column.phone_country,
            TextSetting::TagsDelimiter => &column.tags_delimiter,
            TextSetting::AttributeName => &column.custom_name,
        }
    }

    /// Returns the setting's text in `column` for change.
    pub fn get_mut(self, column: &mut ColumnMap) -> &mut String {
        match self {
            TextSetting::PhoneCountry => &mut column.phone_country,
            TextSetting::TagsDelimiter => &mut column.tags_delimiter,
            TextSetting::AttributeName => &mut column.custom_name,
        }
    }
}

/// The mapping of every column of the file, in column order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingState {
    pub columns: Vec<ColumnMap>,
}

impl MappingState {
    /// Creates a mapping with every column unmapped.
    pub fn new(headers: &[String]) -> Self {
        let columns = headers
            .iter()
            .map(|header| ColumnMap {
                header: header.clone(),
                ..ColumnMap::default()
            })
            .collect();
        MappingState { columns }
    }

    /// Creates a mapping for new headers that keeps the choice and options
    /// of each column whose header also appears in `previous`. Each previous
    /// column is used once, so duplicate headers keep their own choices.
    /// Undo histories start empty.
    pub fn carry_over(headers: &[String], previous: &MappingState) -> Self {
        let mut unused: Vec<Option<&ColumnMap>> = previous.columns.iter().map(Some).collect();
        let columns = headers
            .iter()
            .map(|header| {
                let earlier = unused
                    .iter_mut()
                    .find(|slot| slot.is_some_and(|column| &column.header == header))
                    .and_then(Option::take);
                match earlier {
                    Some(column) => ColumnMap {
                        history: Vec::new(),
                        ..column.clone()
                    },
                    None => ColumnMap {
                        header: header.clone(),
                        ..ColumnMap::default()
                    },
                }
            })
            .collect();
        MappingState { columns }
    }

    /// Sets the choice of column `index`, taking a built-in field away from
    /// the column it was mapped to. Both columns can undo the change.
    pub fn choose(&mut self, index: usize, choice: Choice) {
        let Some(column) = self.columns.get(index) else {
            return;
        };
        if column.choice == choice {
            return;
        }
        let previous = column.choice;
        self.apply(index, choice);
        self.columns[index].history.push(previous);
        self.columns[index].proposed = None;
    }

    /// Restores the previous choice of column `index`. A restored built-in
    /// field is taken away from the column mapped to it now.
    pub fn undo(&mut self, index: usize) {
        let Some(previous) = self
            .columns
            .get_mut(index)
            .and_then(|column| column.history.pop())
        else {
            return;
        };
        self.apply(index, previous);
    }

    /// Returns whether column `index` has a choice to go back to.
    pub fn can_undo(&self, index: usize) -> bool {
        self.columns
            .get(index)
            .is_some_and(|column| !column.history.is_empty())
    }

    /// Returns whether any column is mapped.
    pub fn has_mapped_column(&self) -> bool {
        self.columns
            .iter()
            .any(|column| column.choice != Choice::Unmapped)
    }

    /// Sets the choice without recording it in the column's own history.
    fn apply(&mut self, index: usize, choice: Choice) {
        if let Choice::Field(field) = choice {
            let holder = (0..self.columns.len())
                .find(|&other| other != index && self.columns[other].choice == choice);
            if let Some(holder) = holder {
                let moved = self.columns[holder].clone();
                self.columns[holder].history.push(choice);
                self.columns[holder].choice = Choice::Unmapped;
                self.columns[holder].proposed = None;
                self.columns[index].take_option_from(field, &moved);
            }
        }
        self.columns[index].choice = choice;
    }

    /// Returns whether the person has made no choice yet, so that every
    /// column is unmapped or carries a proposal.
    pub fn untouched(&self) -> bool {
        self.columns
            .iter()
            .all(|column| column.choice == Choice::Unmapped || column.proposed.is_some())
    }

    /// Maps the unmapped columns to the mapping assistant's suggestions,
    /// marked as proposals. A suggested built-in field that another column
    /// is mapped to already is left out.
    pub fn suggest(&mut self, suggestions: &[ColumnSuggestion]) {
        for suggestion in suggestions {
            let FieldKey::Standard(field) = &suggestion.field else {
                continue;
            };
            let field = *field;
            let unmapped = self
                .columns
                .get(suggestion.column)
                .is_some_and(|column| column.choice == Choice::Unmapped);
            if !unmapped {
                continue;
            }
            let Some(choice) = self.free_choice(field) else {
                continue;
            };
            let column = &mut self.columns[suggestion.column];
            column.choice = choice;
            if let Some(option) = &suggestion.option {
                match field {
                    ProfileField::BirthDate => column.date_format = date_format_choice(option),
                    ProfileField::Tags => column.tags_delimiter.clone_from(option),
                    ProfileField::Phone => column.phone_country.clone_from(option),
                    _ => {}
                }
            }
            column.proposed = Some(Proposal::Suggested {
                source: suggestion.source,
                note: suggestion.note.clone(),
            });
        }
    }

    /// Replaces the mapping with one the person saved for the same headers,
    /// keyed as [`column_key`] describes, marked as proposals. Keys that
    /// name no column are ignored.
    pub fn apply_saved(&mut self, saved: &BTreeMap<String, ColumnMapping>) {
        let headers: Vec<String> = self
            .columns
            .iter()
            .map(|column| column.header.clone())
            .collect();
        *self = MappingState::new(&headers);
        for index in 0..self.columns.len() {
            let Some(mapping) = saved.get(&column_key(&headers, index)) else {
                continue;
            };
            let choice = match &mapping.field {
                FieldKey::Custom(_) => Some(Choice::Custom),
                FieldKey::Standard(field) => self.free_choice(*field),
            };
            let Some(choice) = choice else {
                continue;
            };
            let column = &mut self.columns[index];
            column.choice = choice;
            let option = mapping.option.clone().unwrap_or_default();
            match &mapping.field {
                FieldKey::Custom(name) => column.custom_name.clone_from(name),
                FieldKey::Standard(ProfileField::Phone) => column.phone_country = option,
                FieldKey::Standard(ProfileField::BirthDate) => column.date_format = option,
                FieldKey::Standard(ProfileField::Tags) => column.tags_delimiter = option,
                _ => {}
            }
            column.proposed = Some(Proposal::Saved);
        }
    }

    /// Returns the choice that maps another column to `field` without
    /// taking it from the column that has it: the field itself while no
    /// column has it, else an additional column of a multi-valued field,
    /// else `None`.
    fn free_choice(&self, field: ProfileField) -> Option<Choice> {
        let taken = self
            .columns
            .iter()
            .any(|column| column.choice == Choice::Field(field));
        match (taken, field.is_multi_valued()) {
            (false, _) => Some(Choice::Field(field)),
            (true, true) => Some(Choice::Additional(field)),
            (true, false) => None,
        }
    }

    /// Builds the settings mapping, keyed as [`column_key`] describes.
    pub fn to_mapping(&self) -> Result<BTreeMap<String, ColumnMapping>, MappingProblem> {
        let headers: Vec<String> = self
            .columns
            .iter()
            .map(|column| column.header.clone())
            .collect();
        let mut custom_columns: BTreeMap<String, &str> = BTreeMap::new();
        let mut mapping = BTreeMap::new();
        for (index, column) in self.columns.iter().enumerate() {
            let field = match column.choice {
                Choice::Unmapped => continue,
                Choice::Field(field) | Choice::Additional(field) => FieldKey::Standard(field),
                Choice::Custom => {
                    let name = column.custom_name.trim();
                    if name.is_empty() {
                        return Err(MappingProblem::MissingAttributeName {
                            column: column.header.clone(),
                        });
                    }
                    if let Some(first) = custom_columns.insert(name.to_owned(), &column.header) {
                        return Err(MappingProblem::DuplicateAttribute {
                            name: name.to_owned(),
                            first_column: first.to_owned(),
                            second_column: column.header.clone(),
                        });
                    }
                    FieldKey::Custom(name.to_owned())
                }
            };
            let option = column.option()?;
            mapping.insert(column_key(&headers, index), ColumnMapping { field, option });
        }
        Ok(mapping)
    }
}

impl ColumnMap {
    /// Copies the option of `field` from a column that gave the field up,
    /// unless this column has its own.
    fn take_option_from(&mut self, field: ProfileField, other: &ColumnMap) {
        let (own, theirs) = match field {
            ProfileField::Phone => (&mut self.phone_country, &other.phone_country),
            ProfileField::BirthDate => (&mut self.date_format, &other.date_format),
            ProfileField::Tags => (&mut self.tags_delimiter, &other.tags_delimiter),
            _ => return,
        };
        if own.is_empty() {
            own.clone_from(theirs);
        }
    }

    /// Returns the settings mapping of this column alone, `None` when it
    /// is not mapped.
    pub fn column_mapping(&self) -> Result<Option<ColumnMapping>, MappingProblem> {
        let field = match self.choice {
            Choice::Unmapped => return Ok(None),
            Choice::Field(field) | Choice::Additional(field) => FieldKey::Standard(field),
            Choice::Custom => match self.custom_name.trim() {
                "" => return Ok(None),
                name => FieldKey::Custom(name.to_owned()),
            },
        };
        let option = self.option()?;
        Ok(Some(ColumnMapping { field, option }))
    }

    /// Returns the checked field option of the current choice.
    fn option(&self) -> Result<Option<String>, MappingProblem> {
        let option = match self.choice.field() {
            Some(ProfileField::Phone) => {
                let country = self.phone_country.trim().to_ascii_uppercase();
                let valid = country.is_empty()
                    || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()));
                if !valid {
                    return Err(MappingProblem::InvalidPhoneCountry {
                        column: self.header.clone(),
                        value: self.phone_country.clone(),
                    });
                }
                country
            }
            Some(ProfileField::BirthDate) => self.date_format.trim().to_owned(),
            // A delimiter may be white space, so it is not trimmed.
            Some(ProfileField::Tags) => self.tags_delimiter.clone(),
            _ => String::new(),
        };
        Ok(Some(option).filter(|option| !option.is_empty()))
    }
}

/// Returns the date select's spelling of a date format option. The
/// analysis reads `.`, `/` and `-` alike, so `DD/MM/YYYY` is the select's
/// `DD.MM.YYYY`.
pub fn date_format_choice(format: &str) -> String {
    let year = if format.contains("YYYY") {
        "YYYY"
    } else {
        "YY"
    };
    if format.starts_with("DD") {
        format!("DD.MM.{year}")
    } else if format.starts_with("MM") {
        format!("MM/DD/{year}")
    } else if format.starts_with("YYYY") {
        "YYYY-MM-DD".to_owned()
    } else {
        format.to_owned()
    }
}

/// Returns `text` with its first letter in upper case.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Returns the settings key of column `index`: its header text when that
/// is unique and not made only of digits, otherwise its 1-based column
/// number, which `shared::Settings` reads as a column index.
pub fn column_key(headers: &[String], index: usize) -> String {
    let header = &headers[index];
    let unique = headers.iter().filter(|other| *other == header).count() == 1;
    let numeric = !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit());
    if unique && !numeric && !header.is_empty() {
        header.clone()
    } else {
        (index + 1).to_string()
    }
}

/// A mapping that cannot be turned into settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingProblem {
    MissingAttributeName {
        column: String,
    },
    DuplicateAttribute {
        name: String,
        first_column: String,
        second_column: String,
    },
    InvalidPhoneCountry {
        column: String,
        value: String,
    },
}

impl fmt::Display for MappingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingProblem::MissingAttributeName { column } => write!(
                f,
                "Column “{column}” is mapped to a custom attribute without a name: \
                 enter an attribute name or choose another field."
            ),
            MappingProblem::DuplicateAttribute {
                name,
                first_column,
                second_column,
            } => write!(
                f,
                "Columns “{first_column}” and “{second_column}” are both mapped to the custom \
                 attribute “{name}”: rename one of them."
            ),
            MappingProblem::InvalidPhoneCountry { column, value } => write!(
                f,
                "Phone country “{value}” of column “{column}” is invalid: enter a two-letter \
                 ISO 3166 code such as GB, or leave it empty."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    fn state(names: &[&str]) -> MappingState {
        MappingState::new(&headers(names))
    }

    #[test]
    fn choose_moves_field_from_holder() {
        let mut mapping = state(&["A", "B"]);
        mapping.choose(0, Choice::Field(ProfileField::City));
        mapping.choose(1, Choice::Field(ProfileField::City));
        assert_eq!(mapping.columns[0].choice, Choice::Unmapped);
        assert_eq!(mapping.columns[1].choice, Choice::Field(ProfileField::City));
    }

    #[test]
    fn undo_restores_moved_field() {
        let mut mapping = state(&["A", "B"]);
        mapping.choose(0, Choice::Field(ProfileField::City));
        mapping.choose(1, Choice::Field(ProfileField::City));
        mapping.undo(0);
        assert_eq!(mapping.columns[0].choice, Choice::Field(ProfileField::City));
        assert_eq!(mapping.columns[1].choice, Choice::Unmapped);
        mapping.undo(1);
        assert_eq!(mapping.columns[1].choice, Choice::Field(ProfileField::City));
        assert_eq!(mapping.columns[0].choice, Choice::Unmapped);
    }

    #[test]
    fn undo_steps_back_through_history() {
        let mut mapping = state(&["A"]);
        assert!(!mapping.can_undo(0));
        mapping.choose(0, Choice::Field(ProfileField::Email));
        mapping.choose(0, Choice::Field(ProfileField::Phone));
        assert!(mapping.can_undo(0));
        mapping.undo(0);
        assert_eq!(
            mapping.columns[0].choice,
            Choice::Field(ProfileField::Email)
        );
        mapping.undo(0);
        assert_eq!(mapping.columns[0].choice, Choice::Unmapped);
        assert!(!mapping.can_undo(0));
        mapping.undo(0);
        assert_eq!(mapping.columns[0].choice, Choice::Unmapped);
    }

    #[test]
    fn same_choice_adds_no_history() {
        let mut mapping = state(&["A"]);
        mapping.choose(0, Choice::Field(ProfileField::Email));
        mapping.choose(0, Choice::Field(ProfileField::Email));
        assert_eq!(mapping.columns[0].history, vec![Choice::Unmapped]);
    }

    #[test]
    fn additional_columns_do_not_move() {
        let mut mapping = state(&["Work", "Home", "Other"]);
        mapping.choose(0, Choice::Field(ProfileField::Email));
        mapping.choose(1, Choice::Additional(ProfileField::Email));
        mapping.choose(2, Choice::Additional(ProfileField::Email));
        assert_eq!(
            mapping.columns[0].choice,
            Choice::Field(ProfileField::Email)
        );
        assert_eq!(
            mapping.columns[1].choice,
            Choice::Additional(ProfileField::Email)
        );
        assert_eq!(
            mapping.columns[2].choice,
            Choice::Additional(ProfileField::Email)
        );
    }

    #[test]
    fn moved_phone_takes_country_along() {
        let mut mapping = state(&["A", "B"]);
        mapping.choose(0, Choice::Field(ProfileField::Phone));
        mapping.columns[0].phone_country = "GB".into();
        mapping.choose(1, Choice::Field(ProfileField::Phone));
        assert_eq!(mapping.columns[1].phone_country, "GB");
    }

    #[test]
    fn out_of_range_column_is_ignored() {
        let mut mapping = state(&["A"]);
        mapping.choose(5, Choice::Field(ProfileField::Email));
        mapping.undo(5);
        assert!(!mapping.has_mapped_column());
    }

    #[test]
    fn carry_over_keeps_matching_headers() {
        let mut old = state(&["Email", "Name", "Email"]);
        old.choose(0, Choice::Field(ProfileField::Email));
        old.choose(2, Choice::Additional(ProfileField::Email));
        old.choose(1, Choice::Field(ProfileField::FirstName));
        let new = MappingState::carry_over(&headers(&["Email", "City", "Email"]), &old);
        assert_eq!(new.columns[0].choice, Choice::Field(ProfileField::Email));
        assert_eq!(new.columns[1].choice, Choice::Unmapped);
        assert_eq!(
            new.columns[2].choice,
            Choice::Additional(ProfileField::Email)
        );
        assert!(new.columns.iter().all(|column| column.history.is_empty()));
    }

    #[test]
    fn column_key_uses_unique_headers() {
        let names = headers(&["Email", "Email", "2024", "", "City"]);
        assert_eq!(column_key(&names, 0), "1");
        assert_eq!(column_key(&names, 1), "2");
        assert_eq!(column_key(&names, 2), "3");
        assert_eq!(column_key(&names, 3), "4");
        assert_eq!(column_key(&names, 4), "City");
    }

    #[test]
    fn to_mapping_sets_field_options() {
        let mut mapping = state(&["Phone", "Born", "Tags", "Email", "Notes"]);
        mapping.choose(0, Choice::Field(ProfileField::Phone));
        mapping.columns[0].phone_country = " gb ".into();
        mapping.choose(1, Choice::Field(ProfileField::BirthDate));
        mapping.columns[1].date_format = "DD.MM.YYYY".into();
        mapping.choose(2, Choice::Field(ProfileField::Tags));
        mapping.columns[2].tags_delimiter = " ".into();
        mapping.choose(3, Choice::Field(ProfileField::Email));
        mapping.columns[3].phone_country = "DE".into();
        let result = mapping.to_mapping().expect("mapping is valid");
        assert_eq!(result.len(), 4);
        assert_eq!(result["Phone"].option.as_deref(), Some("GB"));
        assert_eq!(result["Born"].option.as_deref(), Some("DD.MM.YYYY"));
        assert_eq!(result["Tags"].option.as_deref(), Some(" "));
        assert_eq!(result["Email"].option, None);
        assert_eq!(
            result["Email"].field,
            FieldKey::Standard(ProfileField::Email)
        );
        assert!(!result.contains_key("Notes"));
    }

    #[test]
    fn to_mapping_names_custom_attributes() {
        let mut mapping = state(&["PLZ"]);
        mapping.choose(0, Choice::Custom);
        assert_eq!(
            mapping.to_mapping(),
            Err(MappingProblem::MissingAttributeName {
                column: "PLZ".into()
            })
        );
        mapping.columns[0].custom_name = " plz ".into();
        let result = mapping.to_mapping().expect("mapping is valid");
        assert_eq!(result["PLZ"].field, FieldKey::Custom("plz".into()));
    }

    #[test]
    fn to_mapping_rejects_duplicate_attributes() {
        let mut mapping = state(&["A", "B"]);
        for index in 0..2 {
            mapping.choose(index, Choice::Custom);
            mapping.columns[index].custom_name = "company".into();
        }
        let problem = mapping
            .to_mapping()
            .expect_err("duplicate names are rejected");
        assert!(matches!(problem, MappingProblem::DuplicateAttribute { .. }));
    }

    #[test]
    fn to_mapping_rejects_invalid_country() {
        let mut mapping = state(&["Phone"]);
        mapping.choose(0, Choice::Field(ProfileField::Phone));
        for value in ["GBR", "G1", "€U"] {
            mapping.columns[0].phone_country = value.into();
            assert!(
                mapping.to_mapping().is_err(),
                "country {value:?} should be rejected"
            );
        }
    }

    fn suggestion(column: usize, field: ProfileField, option: Option<&str>) -> ColumnSuggestion {
        ColumnSuggestion {
            column,
            field: FieldKey::Standard(field),
            option: option.map(str::to_owned),
            source: SuggestionSource::Header,
            note: None,
        }
    }

    #[test]
    fn suggest_fills_unmapped_columns() {
        let mut mapping = state(&["E-Mail", "Geburtsdatum", "Notes"]);
        mapping.suggest(&[
            suggestion(0, ProfileField::Email, None),
            suggestion(1, ProfileField::BirthDate, Some("DD.MM.YYYY")),
        ]);
        assert_eq!(
            mapping.columns[0].choice,
            Choice::Field(ProfileField::Email)
        );
        assert_eq!(
            mapping.columns[1].choice,
            Choice::Field(ProfileField::BirthDate)
        );
        assert_eq!(mapping.columns[1].date_format, "DD.MM.YYYY");
        assert_eq!(mapping.columns[2].choice, Choice::Unmapped);
        assert!(mapping.columns[0].proposed.is_some());
        assert!(mapping.untouched());
    }

    #[test]
    fn suggest_keeps_chosen_fields() {
        let mut mapping = state(&["Mail", "Email", "City"]);
        mapping.choose(0, Choice::Field(ProfileField::Email));
        mapping.choose(2, Choice::Field(ProfileField::City));
        mapping.suggest(&[
            suggestion(1, ProfileField::Email, None),
            suggestion(2, ProfileField::Country, None),
        ]);
        assert_eq!(
            mapping.columns[1].choice,
            Choice::Additional(ProfileField::Email)
        );
        assert_eq!(mapping.columns[2].choice, Choice::Field(ProfileField::City));
        assert!(mapping.columns[2].proposed.is_none());
        assert!(!mapping.untouched());
    }

    #[test]
    fn choose_clears_proposal() {
        let mut mapping = state(&["Email", "Phone"]);
        mapping.suggest(&[
            suggestion(0, ProfileField::Email, None),
            suggestion(1, ProfileField::Phone, None),
        ]);
        mapping.choose(1, Choice::Field(ProfileField::Email));
        assert_eq!(mapping.columns[0].choice, Choice::Unmapped);
        assert!(mapping.columns[0].proposed.is_none());
        assert!(mapping.columns[1].proposed.is_none());
        mapping.undo(1);
        assert_eq!(
            mapping.columns[1].choice,
            Choice::Field(ProfileField::Phone)
        );
    }

    #[test]
    fn apply_saved_round_trips() {
        let mut chosen = state(&["Mail", "Tel", "Tel", "Firma"]);
        chosen.choose(0, Choice::Field(ProfileField::Email));
        chosen.choose(1, Choice::Field(ProfileField::Phone));
        chosen.columns[1].phone_country = "DE".into();
        chosen.choose(2, Choice::Additional(ProfileField::Phone));
        chosen.choose(3, Choice::Custom);
        chosen.columns[3].custom_name = "company".into();
        let saved = chosen.to_mapping().unwrap();

        let mut offered = state(&["Mail", "Tel", "Tel", "Firma"]);
        offered.apply_saved(&saved);
        assert_eq!(offered.to_mapping().unwrap(), saved);
        assert_eq!(offered.columns[1].phone_country, "DE");
        assert_eq!(offered.columns[3].proposed, Some(Proposal::Saved));
        assert!(offered.untouched());
    }

    #[test]
    fn proposal_describes_note() {
        let proposal = Proposal::Suggested {
            source: SuggestionSource::Header,
            note: Some("the dates read both ways".into()),
        };
        assert_eq!(
            proposal.describe(),
            "Suggested from the column name. The dates read both ways."
        );
    }

    #[test]
    fn date_format_choice_uses_select_values() {
        assert_eq!(date_format_choice("DD/MM/YYYY"), "DD.MM.YYYY");
        assert_eq!(date_format_choice("DD-MM-YY"), "DD.MM.YY");
        assert_eq!(date_format_choice("MM.DD.YYYY"), "MM/DD/YYYY");
        assert_eq!(date_format_choice("YYYY/MM/DD"), "YYYY-MM-DD");
    }

    #[test]
    fn choice_values_round_trip() {
        for choice in Choice::all() {
            assert_eq!(Choice::from_value(&choice.value()), Some(choice));
        }
        assert_eq!(Choice::from_value("additional:city"), None);
        assert_eq!(Choice::from_value("e-mail"), None);
    }
}
