// The fuzz harness, included by the fuzz target and by the test in
// tests/tests/fuzz_seeds.rs, which runs the seed files through it.

use shared::{ColumnMapping, FieldKey, ReadChoices, Settings};

/// File names the first input byte chooses from (its low 3 bits), so that
/// the extension check gets both matching and mismatching names.
const FILE_NAMES: [&str; 8] = [
    "contacts.csv",
    "contacts.txt",
    "contacts.xlsx",
    "contacts.xls",
    "contacts.zip",
    "contacts.ods",
    "contacts.xlsb",
    "contacts",
];

/// Fields the mapping rotates through, with the option each gets.
const FIELDS: [(&str, Option<&str>); 16] = [
    ("email", None),
    ("phone", Some("GB")),
    ("external_id", None),
    ("first_name", None),
    ("last_name", None),
    ("birth_date", Some("DD.MM.YYYY")),
    ("phone", Some("DE")),
    ("tags", Some(";")),
    ("email", None),
    ("gender", None),
    ("city", None),
    ("preferred_language", None),
    ("birth_date", None),
    ("address", None),
    ("custom:plz", None),
    ("phone", None),
];

/// Maximum number of columns the harness maps.
const MAX_MAPPED: usize = 24;

/// Runs one input: the first byte chooses the file name (bits 0–2), the
/// rows to skip (bits 3–4) and how the mapping is rotated (bits 5–7), and
/// the rest is the file.
///
/// Panics when intake or analysis panics, or when the server's check
/// rejects a profile that the analysis formed.
pub fn run_input(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = FILE_NAMES[usize::from(selector & 0b111)];
    let skip_rows = usize::from((selector >> 3) & 0b11);
    let rotation = usize::from(selector >> 5);
    run_file(name, bytes, skip_rows, rotation);
}

/// Reads and analyzes one file with a mapping of its first columns by
/// number, and checks the profiles that come out.
pub fn run_file(name: &str, bytes: &[u8], skip_rows: usize, rotation: usize) {
    let Ok(table) = shared::read_file(name, bytes, &ReadChoices::default(), skip_rows) else {
        return;
    };
    let mut settings = Settings {
        skip_rows,
        ..Settings::default()
    };
    for column in 0..table.headers.len().min(MAX_MAPPED) {
        let (field, option) = FIELDS[(column + rotation) % FIELDS.len()];
        let field: FieldKey = field.parse().expect("the harness uses valid field keys");
        let field = match field {
            FieldKey::Custom(name) => FieldKey::Custom(format!("{name}{column}")),
            field => field,
        };
        let mapping = ColumnMapping {
            field,
            option: option.map(str::to_owned),
        };
        settings.mapping.insert((column + 1).to_string(), mapping);
    }
    let Ok(analysis) = shared::analyze(&table, &settings) else {
        return;
    };
    let summary = analysis.summary;
    assert_eq!(summary.valid_records + summary.error_records, summary.data_rows);
    for record in &analysis.records {
        let _ = shared::record_fields(&record.values);
    }
    let errors = shared::check_profiles(&analysis.profiles);
    assert!(
        errors.is_empty(),
        "check_profiles rejects profiles that analyze formed: {errors:?}"
    );
}
