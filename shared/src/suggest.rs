//! The mapping assistant: a suggested profile field for each column, from
//! its header (case, spaces, punctuation and accents ignored; synonyms in
//! English, German, French, Spanish, Portuguese and Japanese) and from its
//! values, and suggested date formats and tag delimiters.
//!
//! Suggestions are only proposals: the person accepts or changes each one.

use serde::{Deserialize, Serialize};

use crate::field::{FieldKey, ProfileField};
use crate::rules::cell::cell_text;
use crate::rules::date::{self, DateFormat};
use crate::rules::{email, phone};
use crate::table::{Cell, Table};

/// Values of a column that the assistant looks at.
pub const SAMPLE_VALUES: usize = 50;

/// Why a field is suggested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    /// The header is a name of the field.
    Header,
    /// The header contains a word of the field and the values fit it.
    HeaderAndValues,
    /// Most values are valid for the field, whatever the header says.
    Values,
}

/// The suggestion for one column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSuggestion {
    /// 0-based column index.
    pub column: usize,
    pub field: FieldKey,
    /// Suggested field option: a date format or a tag delimiter.
    pub option: Option<String>,
    pub source: SuggestionSource,
    /// A caveat for the person, such as an ambiguous date format.
    pub note: Option<String>,
}

/// Folds a header for comparison: lower case, accents removed, and only
/// letters and digits kept (Japanese included).
pub fn fold_header(header: &str) -> String {
    let mut folded = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            c if c.is_alphanumeric() => {
                folded.push(c);
                continue;
            }
            _ => continue,
        };
        folded.push_str(base);
    }
    folded
}

/// Folded header names of each field; a header equal to one of them is
/// that field.
const EXACT_NAMES: &[(ProfileField, &[&str])] = &[
    (
        ProfileField::Email,
        &[
            "email",
            "emailaddress",
            "emailadress",
            "mail",
            "emailadresse",
            "mailadresse",
            "courriel",
            "adressecourriel",
            "adresseemail",
            "correo",
            "correoelectronico",
            "enderecodeemail",
            "email1value",
            "email2value",
            "email2address",
            "email3address",
            "メール",
            "メールアドレス",
            "eメール",
            "電子メール",
        ],
    ),
    (
        ProfileField::Phone,
        &[
            "phone",
            "phonenumber",
            "telephone",
            "tel",
            "mobile",
            "mobilephone",
            "cell",
            "cellphone",
            "handy",
            "telefon",
            "telefonnummer",
            "mobil",
            "mobiltelefon",
            "portable",
            "telefono",
            "movil",
            "celular",
            "telefone",
            "phone1value",
            "電話",
            "電話番号",
            "携帯",
            "携帯電話",
        ],
    ),
    (
        ProfileField::ExternalId,
        &[
            "id",
            "externalid",
            "customerid",
            "customerno",
            "customernumber",
            "customernr",
            "clientid",
            "clientno",
            "contactid",
            "memberid",
            "memberno",
            "membernumber",
            "accountid",
            "accountno",
            "accountnumber",
            "leadid",
            "registrantid",
            "kundennummer",
            "kundennr",
            "kundenid",
            "mitgliedsnummer",
            "numeroclient",
            "idclient",
            "idcliente",
            "numerocliente",
            "codigocliente",
            "顧客id",
            "顧客番号",
            "会員番号",
            "会員id",
        ],
    ),
    (
        ProfileField::FirstName,
        &[
            "firstname",
            "givenname",
            "first",
            "forename",
            "vorname",
            "prenom",
            "nombre",
            "primeironome",
            "名",
        ],
    ),
    (
        ProfileField::LastName,
        &[
            "lastname",
            "surname",
            "familyname",
            "last",
            "nachname",
            "familienname",
            "nom",
            "nomdefamille",
            "apellido",
            "apellidos",
            "sobrenome",
            "ultimonome",
            "姓",
            "苗字",
        ],
    ),
    (
        ProfileField::MiddleName,
        &[
            "middlename",
            "middle",
            "zweitname",
            "zweitername",
            "segundonombre",
            "nomedomeio",
        ],
    ),
    (
        ProfileField::Gender,
        &[
            "gender",
            "sex",
            "geschlecht",
            "sexe",
            "genre",
            "genero",
            "sexo",
            "性別",
        ],
    ),
    (
        ProfileField::BirthDate,
        &[
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "geburtsdatum",
            "geburtstag",
            "datedenaissance",
            "fechadenacimiento",
            "fechanacimiento",
            "datadenascimento",
            "datanascimento",
            "生年月日",
            "誕生日",
        ],
    ),
    (
        ProfileField::Address,
        &[
            "address",
            "street",
            "streetaddress",
            "addressline1",
            "address1street",
            "businessstreet",
            "homestreet",
            "strasse",
            "adresse",
            "anschrift",
            "rue",
            "direccion",
            "calle",
            "endereco",
            "rua",
            "住所",
        ],
    ),
    (
        ProfileField::City,
        &[
            "city",
            "town",
            "address1city",
            "businesscity",
            "homecity",
            "ort",
            "stadt",
            "wohnort",
            "ville",
            "ciudad",
            "localidad",
            "cidade",
            "municipio",
            "市区町村",
            "都道府県",
        ],
    ),
    (
        ProfileField::Country,
        &[
            "country",
            "countryregion",
            "address1country",
            "businesscountryregion",
            "land",
            "pays",
            "pais",
            "国",
        ],
    ),
    (
        ProfileField::PreferredLanguage,
        &[
            "language",
            "preferredlanguage",
            "sprache",
            "langue",
            "idioma",
            "lingua",
            "言語",
        ],
    ),
    (
        ProfileField::Tags,
        &[
            "tags",
            "tag",
            "labels",
            "categories",
            "schlagworte",
            "stichworte",
            "etiquettes",
            "etiquetas",
            "タグ",
        ],
    ),
];

/// Words that make a header an email or phone column when its values fit.
const EMAIL_WORDS: &[&str] = &["email", "mail", "courriel", "correo", "メール"];
const PHONE_WORDS: &[&str] = &[
    "phone", "tel", "mobil", "handy", "cell", "celular", "movil", "portable", "電話", "携帯",
];

/// Words that make a header describe a contact rather than hold one, such
/// as `E-mail 1 - Label` or `E-mail Display Name`.
const NOT_A_CONTACT: &[&str] = &["label", "type", "display", "name", "fax"];

/// Share of sampled values that must fit a field to suggest it from its
/// values.
const VALUE_SHARE: f64 = 0.9;

fn exact_field(folded: &str) -> Option<ProfileField> {
    EXACT_NAMES
        .iter()
        .find(|(_, names)| names.contains(&folded))
        .map(|(field, _)| *field)
}

/// The texts of the column's first non-empty cells, and whether any cell
/// is a spreadsheet date.
fn sample(table: &Table, column: usize) -> (Vec<String>, bool) {
    let mut texts = Vec::new();
    let mut has_date_cells = false;
    for row in &table.rows {
        let Some(cell) = row.cells.get(column) else {
            continue;
        };
        if let Cell::Date(_) = cell {
            has_date_cells = true;
        }
        if let Ok(Some(text)) = cell_text(cell, "value") {
            texts.push(text.into_owned());
        }
        if texts.len() >= SAMPLE_VALUES {
            break;
        }
    }
    (texts, has_date_cells)
}

fn share_valid(values: &[String], valid: impl Fn(&str) -> bool) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().filter(|value| valid(value)).count() as f64 / values.len() as f64
}

fn is_email(text: &str) -> bool {
    matches!(email::normalize(text), Ok(Some(_)))
}

/// Whether the text is a valid phone number with its country code.
fn is_international_phone(text: &str) -> bool {
    matches!(phone::normalize_text(text, None), Ok(Some(_)))
}

/// Whether the text looks like a phone number written in any form.
fn looks_like_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

/// Suggests a profile field for each column that has one. Email and phone
/// may go to several columns; every other field to the first column that
/// matches it.
pub fn suggest_mapping(table: &Table) -> Vec<ColumnSuggestion> {
    let mut suggestions = Vec::new();
    let mut phone_samples: Vec<(usize, Vec<String>)> = Vec::new();
    let mut taken: Vec<ProfileField> = Vec::new();
    for (column, header) in table.headers.iter().enumerate() {
        let folded = fold_header(header);
        let (values, has_date_cells) = sample(table, column);
        let Some((field, source)) = field_of_column(&folded, &values) else {
            continue;
        };
        if !field.is_multi_valued() || field == ProfileField::Tags {
            if taken.contains(&field) {
                continue;
            }
            taken.push(field);
        }
        let (option, note) = match field {
            ProfileField::BirthDate if !has_date_cells => {
                let texts: Vec<&str> = values.iter().map(String::as_str).collect();
                let suggestion = suggest_date_format(&texts);
                (suggestion.format, suggestion.note)
            }
            ProfileField::Tags => {
                let texts: Vec<&str> = values.iter().map(String::as_str).collect();
                (suggest_tag_delimiter(&texts), None)
            }
            ProfileField::Phone => {
                phone_samples.push((suggestions.len(), values.clone()));
                (None, None)
            }
            _ => (None, None),
        };
        suggestions.push(ColumnSuggestion {
            column,
            field: FieldKey::Standard(field),
            option,
            source,
            note,
        });
    }
    suggest_phone_country(&mut suggestions, &phone_samples);
    suggestions
}

/// Sets the country option of the phone suggestions whose sampled values
/// include numbers without a country code: the country of most sampled
/// numbers with one, over all phone columns. `phone_samples` pairs the index of each
/// phone suggestion with its sampled values.
fn suggest_phone_country(
    suggestions: &mut [ColumnSuggestion],
    phone_samples: &[(usize, Vec<String>)],
) {
    let mut counts: Vec<(phonenumber::country::Id, usize)> = Vec::new();
    for value in phone_samples.iter().flat_map(|(_, values)| values) {
        if let Some(country) = phone::country_of(value) {
            match counts.iter_mut().find(|(known, _)| *known == country) {
                Some((_, count)) => *count += 1,
                None => counts.push((country, 1)),
            }
        }
    }
    // The first country seen wins a tie, so the result does not depend on
    // hashing.
    let Some((country, _)) = counts.iter().rev().max_by_key(|(_, count)| *count).copied() else {
        return;
    };
    let code: &str = country.as_ref();
    for (index, values) in phone_samples {
        let national = values
            .iter()
            .any(|value| !value.trim_start().starts_with('+'));
        if national {
            let suggestion = &mut suggestions[*index];
            suggestion.option = Some(code.to_owned());
            suggestion.note = Some(format!(
                "Numbers without a country code are read as {code} numbers, the country of \
                 most of the first numbers with one in the phone columns: check it."
            ));
        }
    }
}

fn field_of_column(folded: &str, values: &[String]) -> Option<(ProfileField, SuggestionSource)> {
    if let Some(field) = exact_field(folded) {
        let fits = match field {
            ProfileField::Email => values.is_empty() || share_valid(values, is_email) >= 0.5,
            ProfileField::Phone => {
                values.is_empty() || share_valid(values, looks_like_phone) >= 0.5
            }
            _ => true,
        };
        if fits {
            return Some((field, SuggestionSource::Header));
        }
    }
    let describes_contact = NOT_A_CONTACT.iter().any(|word| folded.contains(word));
    if !describes_contact && !values.is_empty() {
        if EMAIL_WORDS.iter().any(|word| folded.contains(word))
            && share_valid(values, is_email) >= 0.5
        {
            return Some((ProfileField::Email, SuggestionSource::HeaderAndValues));
        }
        if PHONE_WORDS.iter().any(|word| folded.contains(word))
            && share_valid(values, looks_like_phone) >= 0.5
        {
            return Some((ProfileField::Phone, SuggestionSource::HeaderAndValues));
        }
    }
    if share_valid(values, is_email) >= VALUE_SHARE {
        return Some((ProfileField::Email, SuggestionSource::Values));
    }
    if share_valid(values, is_international_phone) >= VALUE_SHARE {
        return Some((ProfileField::Phone, SuggestionSource::Values));
    }
    None
}

/// A suggested date format and what makes it uncertain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateFormatSuggestion {
    /// The format option, such as `DD.MM.YYYY`, or `None` when no format
    /// reads every value.
    pub format: Option<String>,
    /// The formats that read the most values; more than one means the
    /// values are ambiguous.
    pub candidates: Vec<String>,
    /// A plain-language caveat when the values are ambiguous.
    pub note: Option<String>,
}

/// Suggests the format of text dates from a column's values: the day-first,
/// month-first and year-first orders are tried, and the formats that read
/// the most non-empty values (at least half) are candidates. When both
/// day-first and month-first read them (as with 01/02/1990) the day-first
/// one is suggested and the note says so.
pub fn suggest_date_format(values: &[&str]) -> DateFormatSuggestion {
    let values: Vec<&str> = values
        .iter()
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
        .collect();
    let Some(first) = values.first() else {
        return DateFormatSuggestion::default();
    };
    let separator = first
        .chars()
        .find(|c| ['.', '/', '-'].contains(c))
        .unwrap_or('.');
    let year_digits = first
        .split(['.', '/', '-'])
        .map(str::len)
        .max()
        .unwrap_or(4);
    let year = if year_digits <= 2 { "YY" } else { "YYYY" };
    let patterns = [
        format!("DD{separator}MM{separator}{year}"),
        format!("MM{separator}DD{separator}{year}"),
        format!("YYYY{separator}MM{separator}DD"),
    ];
    // An all-zero placeholder reads as empty, which fits too.
    let readable: Vec<(String, usize)> = patterns
        .into_iter()
        .map(|pattern| {
            let count = DateFormat::parse(&pattern).map_or(0, |format| {
                values
                    .iter()
                    .filter(|value| date::normalize_text(value, Some(format)).is_ok())
                    .count()
            });
            (pattern, count)
        })
        .collect();
    let most = readable.iter().map(|(_, count)| *count).max().unwrap_or(0);
    // A format must read at least half the values to be suggested.
    let candidates: Vec<String> = if most * 2 < values.len() || most == 0 {
        Vec::new()
    } else {
        readable
            .into_iter()
            .filter(|(_, count)| *count == most)
            .map(|(pattern, _)| pattern)
            .collect()
    };
    let unreadable = values.len() - most;
    let note = if candidates.len() > 1 {
        Some(format!(
            "the dates read as {}: check one whose day is over 12 and pick the format",
            candidates.join(" or ")
        ))
    } else if unreadable > 0 && !candidates.is_empty() {
        Some(format!(
            "{unreadable} of the sampled dates fit no format and will be errors"
        ))
    } else {
        None
    };
    DateFormatSuggestion {
        format: candidates.first().cloned(),
        candidates,
        note,
    }
}

/// Suggests the tag delimiter of a column: the candidate found in the most
/// values, longer delimiters first on a tie, or `None` when no value holds
/// more than one tag.
pub fn suggest_tag_delimiter(values: &[&str]) -> Option<String> {
    const CANDIDATES: [&str; 5] = [":::", ";", "|", ",", "/"];
    let mut best: Option<(&str, usize)> = None;
    for candidate in CANDIDATES {
        let count = values
            .iter()
            .filter(|value| value.contains(candidate))
            .count();
        if count > 0 && best.is_none_or(|(_, best_count)| count > best_count) {
            best = Some((candidate, count));
        }
    }
    best.map(|(delimiter, _)| delimiter.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ReadChoices;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn suggested(table: &Table) -> Vec<(String, String)> {
        suggest_mapping(table)
            .into_iter()
            .map(|s| (table.headers[s.column].clone(), s.field.to_string()))
            .collect()
    }

    fn has(pairs: &[(String, String)], header: &str, field: &str) -> bool {
        pairs.iter().any(|(h, f)| h == header && f == field)
    }

    #[test]
    fn headers_fold_case_accents_and_punctuation() {
        assert_eq!(fold_header("E-Mail"), "email");
        assert_eq!(fold_header("  Prénom "), "prenom");
        assert_eq!(fold_header("Straße"), "strasse");
        assert_eq!(fold_header("メールアドレス"), "メールアドレス");
        assert_eq!(fold_header("Phone 1 - Value"), "phone1value");
    }

    #[test]
    fn synonyms_in_six_languages() {
        let cases = [
            ("E-Mail", ProfileField::Email),
            ("Courriel", ProfileField::Email),
            ("Correo", ProfileField::Email),
            ("メール", ProfileField::Email),
            ("Mobile Phone", ProfileField::Phone),
            ("Handy", ProfileField::Phone),
            ("Telefone", ProfileField::Phone),
            ("Vorname", ProfileField::FirstName),
            ("Nachname", ProfileField::LastName),
            ("Geburtsdatum", ProfileField::BirthDate),
            ("Prénom", ProfileField::FirstName),
            ("Apellidos", ProfileField::LastName),
            ("Sobrenome", ProfileField::LastName),
            ("性別", ProfileField::Gender),
        ];
        for (header, field) in cases {
            assert_eq!(exact_field(&fold_header(header)), Some(field), "{header}");
        }
    }

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            header_row: 1,
            rows: rows
                .iter()
                .enumerate()
                .map(|(index, cells)| crate::table::SourceRow {
                    row: index as u32 + 2,
                    cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect(),
                })
                .collect(),
            info: crate::table::SourceInfo {
                format: crate::table::FileFormat::Csv,
                zip_entry: None,
                encoding: None,
                delimiter: Some(','),
                sheets: Vec::new(),
                sheet: None,
                warnings: Vec::new(),
            },
        }
    }

    #[test]
    fn email_column_found_by_values() {
        let table = table(
            &["Contact", "Notes"],
            &[&["ann@example.com", "x"], &["bob@example.org", "y"]],
        );
        assert_eq!(suggested(&table), vec![("Contact".into(), "email".into())]);
    }

    #[test]
    fn single_valued_field_goes_to_first_column() {
        let table = table(
            &["First Name", "Vorname", "Email", "E-Mail"],
            &[&["A", "B", "a@x.io", "b@x.io"]],
        );
        let pairs = suggested(&table);
        assert!(has(&pairs, "First Name", "first_name"));
        assert!(!has(&pairs, "Vorname", "first_name"));
        assert!(has(&pairs, "Email", "email"));
        assert!(has(&pairs, "E-Mail", "email"));
    }

    #[test]
    fn date_formats_are_suggested_and_ambiguity_named() {
        let german = suggest_date_format(&["14.03.1985", "01.12.1990"]);
        assert_eq!(german.format.as_deref(), Some("DD.MM.YYYY"));
        assert_eq!(german.note, None);

        let american = suggest_date_format(&["3/14/1985", "12/1/1990"]);
        assert_eq!(american.format.as_deref(), Some("MM/DD/YYYY"));

        let ambiguous = suggest_date_format(&["01/02/1990", "03/04/1985"]);
        assert_eq!(ambiguous.candidates, vec!["DD/MM/YYYY", "MM/DD/YYYY"]);
        assert!(ambiguous.note.is_some());

        let iso = suggest_date_format(&["1985-03-14"]);
        assert_eq!(iso.format.as_deref(), Some("YYYY-MM-DD"));
    }

    #[test]
    fn phone_country_comes_from_numbers_with_one() {
        let data = table(
            &["Phone", "Mobile"],
            &[
                &["+44 20 7946 0601", "+44 7700 900123"],
                &["020 7946 0702", "+1 212 555 0131"],
                &["+33 1 23 45 67 89", "+44 7700 900456"],
            ],
        );
        let suggestions = suggest_mapping(&data);
        let phone = &suggestions[0];
        assert_eq!(phone.option.as_deref(), Some("GB"));
        assert!(phone
            .note
            .as_deref()
            .is_some_and(|note| note.contains("GB")));
        let mobile = &suggestions[1];
        assert_eq!(mobile.option, None, "every mobile number has its code");
    }

    #[test]
    fn phone_country_needs_numbers_with_one() {
        let data = table(&["Phone"], &[&["020 7946 0702"], &["030 1234567"]]);
        let suggestions = suggest_mapping(&data);
        assert_eq!(suggestions[0].option, None);
    }

    #[test]
    fn tag_delimiters_are_suggested() {
        assert_eq!(
            suggest_tag_delimiter(&["a;b", "c; d"]).as_deref(),
            Some(";")
        );
        assert_eq!(
            suggest_tag_delimiter(&["* myContacts ::: Clients"]).as_deref(),
            Some(":::")
        );
        assert_eq!(suggest_tag_delimiter(&["vip", "lead"]), None);
    }

    /// The suggestions for a case file must equal the mapping its case
    /// settings give, for every identifier and name column.
    fn check_case(file: &str, bytes: &[u8], expected: &[(&str, &str)]) {
        let table = crate::read_file(file, bytes, &ReadChoices::default(), 0).expect("case reads");
        let pairs = suggested(&table);
        for (header, field) in expected {
            assert!(
                has(&pairs, header, field),
                "{file}: {header} should be {field}; got {pairs:?}"
            );
        }
    }

    /// The option suggested for the column with this header.
    fn option_of(file: &str, bytes: &[u8], header: &str) -> Option<String> {
        let table = crate::read_file(file, bytes, &ReadChoices::default(), 0).expect("case reads");
        suggest_mapping(&table)
            .into_iter()
            .find(|s| table.headers[s.column] == header)
            .and_then(|s| s.option)
    }

    #[test]
    fn google_export_is_mapped_by_suggestions() {
        let bytes = include_bytes!("../../tests/cases/25-google-contacts-export/contacts.csv");
        check_case(
            "contacts.csv",
            bytes,
            &[
                ("First Name", "first_name"),
                ("Middle Name", "middle_name"),
                ("Last Name", "last_name"),
                ("Birthday", "birth_date"),
                ("Labels", "tags"),
                ("E-mail 1 - Value", "email"),
                ("E-mail 2 - Value", "email"),
                ("Phone 1 - Value", "phone"),
                ("Address 1 - Street", "address"),
                ("Address 1 - City", "city"),
            ],
        );
        let table =
            crate::read_file("contacts.csv", bytes, &ReadChoices::default(), 0).expect("reads");
        let pairs = suggested(&table);
        assert!(!has(&pairs, "E-mail 1 - Label", "email"));
        assert!(!has(&pairs, "Phonetic First Name", "first_name"));
        assert_eq!(
            option_of("contacts.csv", bytes, "Birthday").as_deref(),
            Some("YYYY-MM-DD")
        );
        assert_eq!(
            option_of("contacts.csv", bytes, "Labels").as_deref(),
            Some(":::")
        );
    }

    #[test]
    fn outlook_export_is_mapped_by_suggestions() {
        let bytes =
            include_bytes!("../../tests/cases/26-outlook-contacts-export/outlook-contacts.csv");
        check_case(
            "outlook-contacts.csv",
            bytes,
            &[
                ("First Name", "first_name"),
                ("Middle Name", "middle_name"),
                ("Last Name", "last_name"),
                ("Business Street", "address"),
                ("Business City", "city"),
                ("Business Phone", "phone"),
                ("Mobile Phone", "phone"),
                ("Birthday", "birth_date"),
                ("Categories", "tags"),
                ("E-mail Address", "email"),
                ("E-mail 2 Address", "email"),
            ],
        );
        let file = "outlook-contacts.csv";
        assert_eq!(
            option_of(file, bytes, "Birthday").as_deref(),
            Some("MM/DD/YYYY")
        );
        assert_eq!(
            option_of(file, bytes, "Mobile Phone").as_deref(),
            Some("GB")
        );
        assert_eq!(option_of(file, bytes, "Categories").as_deref(), Some(";"));
    }
}
