//! Every contact-import case of the shared case folder, run through the
//! real `people analyze FILE --settings SETTINGS.json --records` binary
//! and compared with the case's `expect`.
//!
//! The case folder is `PEOPLE_CASES`, else `tests/cases` of the
//! workspace. The binary is `PEOPLE_BIN`, else `target/debug/people` of
//! the workspace, else it is built with `cargo build -p backend --bin
//! people`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn cases_dir() -> PathBuf {
    match std::env::var_os("PEOPLE_CASES") {
        Some(dir) => PathBuf::from(dir),
        None => workspace().join("tests/cases"),
    }
}

/// Finds or builds the `people` binary once for all tests.
fn people_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("PEOPLE_BIN") {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "PEOPLE_BIN is set to {}, but no file is there: build it with \
                 `cargo build -p backend --bin people` or unset PEOPLE_BIN",
                bin.display()
            );
            return bin;
        }
        let default = workspace().join("target/debug/people");
        if default.is_file() {
            return default;
        }
        build_people_bin()
    })
}

fn build_people_bin() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", "backend", "--bin", "people"])
        .current_dir(workspace())
        .status()
        .unwrap_or_else(|error| panic!("cannot run cargo to build the people binary: {error}"));
    assert!(
        status.success(),
        "`cargo build -p backend --bin people` failed ({status}): the cases need the \
         people binary; set PEOPLE_BIN to a built one"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        workspace().join(target)
    };
    let bin = target.join("debug/people");
    assert!(
        bin.is_file(),
        "cargo built the backend, but {} does not exist: set PEOPLE_BIN to the people binary",
        bin.display()
    );
    bin
}

/// One case folder and its `case.json`.
struct Case {
    name: String,
    dir: PathBuf,
    spec: Value,
}

impl Case {
    fn load(name: &str) -> Case {
        let dir = cases_dir().join(name);
        let path = dir.join("case.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read {}: {error}; set PEOPLE_CASES to the case folder",
                path.display()
            )
        });
        let spec = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()));
        Case {
            name: name.to_owned(),
            dir,
            spec,
        }
    }

    fn input_name(&self) -> &str {
        self.spec["input"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: case.json has no input file name", self.name))
    }
}

/// The parsed output and exit status of one `people analyze` run.
struct Run {
    output: Value,
    success: bool,
}

fn run_people(input: &Path, settings: &Value, work: &Path) -> Run {
    let settings_path = work.join("settings.json");
    std::fs::write(&settings_path, settings.to_string()).expect("cannot write settings.json");
    let output = Command::new(people_bin())
        .arg("analyze")
        .arg(input)
        .arg("--settings")
        .arg(&settings_path)
        .arg("--records")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", people_bin().display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let parsed = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "people analyze printed no JSON ({error}); stdout: {stdout}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        output: parsed,
        success: output.status.success(),
    }
}

/// Runs a case and compares the output with its `expect`.
fn check_case(name: &str) {
    let case = Case::load(name);
    let work = tempfile::tempdir().expect("cannot create a temporary folder");
    let input = match case.dir.join(case.input_name()) {
        path if path.is_file() => path,
        _ => generate_input(&case, work.path()),
    };
    let run = run_people(&input, &case.spec["settings"], work.path());
    let expect = &case.spec["expect"];
    let output = &run.output;

    if expect["rejected"] == Value::Bool(true) {
        assert!(
            !run.success,
            "{name}: a rejected file must exit non-zero; output: {output}"
        );
        assert_eq!(
            output["rejected"],
            Value::Bool(true),
            "{name}: output: {output}"
        );
        assert_eq!(
            output["code"], expect["code"],
            "{name}: rejection code; output: {output}"
        );
        return;
    }

    assert!(
        run.success,
        "{name}: people analyze failed; output: {output}"
    );
    for count in ["data_rows", "valid_records", "error_records", "profiles"] {
        assert_eq!(
            output[count], expect[count],
            "{name}: {count}; errors: {}",
            output["errors"]
        );
    }
    assert_eq!(
        error_triples(&output["errors"]),
        error_triples(&expect["errors"]),
        "{name}: errors as (row, field, code)"
    );
    for check in expect["values"].as_array().into_iter().flatten() {
        check_value(name, output, check);
    }
}

/// Writes a case input that the folder does not store (the 60 MB file of
/// the size-limit case) with the case generator.
fn generate_input(case: &Case, work: &Path) -> PathBuf {
    let path = work.join(case.input_name());
    let script = cases_dir().join("make_cases.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg("--write-big")
        .arg(&path)
        .status()
        .unwrap_or_else(|error| {
            panic!(
                "{}: cannot run python3 {}: {error}",
                case.name,
                script.display()
            )
        });
    assert!(
        status.success(),
        "{}: {} --write-big failed ({status})",
        case.name,
        script.display()
    );
    path
}

fn error_triples(errors: &Value) -> Vec<(u64, Option<String>, String)> {
    errors
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| {
            (
                error["row"].as_u64().unwrap_or_default(),
                error["field"].as_str().map(str::to_owned),
                error["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Compares one `{row, field, value}` check with the record of that row.
fn check_value(name: &str, output: &Value, check: &Value) {
    let row = check["row"].as_u64().expect("a value check has a row");
    let field = check["field"].as_str().expect("a value check has a field");
    let expected = &check["value"];
    let record = output["records"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|record| record["row"].as_u64() == Some(row))
        .unwrap_or_else(|| panic!("{name}: no record for row {row} in the output"));
    let actual = &record["fields"][field];
    let context = format!(
        "{name}: row {row} field {field}; record: {}",
        record["fields"]
    );
    match field {
        "email" | "phone" => {
            let list = actual.as_array().cloned().unwrap_or_default();
            if expected.is_null() {
                assert!(list.is_empty(), "{context}: expected no value");
            } else {
                assert!(
                    list.contains(expected),
                    "{context}: expected {expected} among the values"
                );
            }
        }
        "tags" => {
            let list = actual.as_array().cloned().unwrap_or_default();
            assert_eq!(&Value::Array(list), expected, "{context}");
        }
        _ => assert_eq!(actual, expected, "{context}"),
    }
}

macro_rules! cases {
    ($($test:ident => $folder:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_case($folder);
            }
        )*
    };
}

cases! {
    utf8_bom_is_not_part_of_header => "01-utf8-bom-header",
    windows_1252_names_decode => "02-windows-1252-names",
    utf16le_unicode_text_decodes => "03-utf16le-unicode-text",
    german_excel_semicolons_and_dates => "04-semicolon-german-excel",
    xlsx_furigana_is_not_imported => "05-xlsx-japanese-furigana",
    xlsx_numeric_phones_become_e164 => "06-xlsx-numeric-phones",
    exponent_form_phones_lost_precision => "07-csv-phones-scientific-notation",
    zip_skips_macos_junk => "08-zip-macos-finder-junk",
    zip_reads_first_file_only => "09-zip-two-csv-files",
    external_id_groups_with_contact_limit => "10-external-id-grouping-contact-limit",
    xlsx_1904_dates_convert => "11-xlsx-1904-date-system",
    tags_split_and_trimmed => "12-tags-semicolon-spaces",
    duplicate_headers_mapped_by_index => "13-duplicate-email-headers",
    skipped_banner_keeps_row_numbers => "14-export-banner-skip-rows",
    phones_in_many_notations => "15-phones-many-formats",
    messy_emails_are_cleaned => "16-messy-emails",
    rows_without_identifier_are_errors => "17-rows-without-identifier",
    quoted_line_breaks_keep_row_numbers => "18-quoted-multiline-fields",
    legacy_xls_reads_numbers_and_dates => "19-legacy-xls-biff8",
    formula_text_stays_literal => "20-formula-text-stays-literal",
    impossible_dates_are_errors => "21-impossible-calendar-dates",
    no_identifier_mapped_is_rejected => "22-no-identifier-mapped",
    file_over_upload_limit_is_rejected => "23-file-too-large",
    zip_bomb_is_rejected => "24-zip-bomb",
    google_contacts_export_imports => "25-google-contacts-export",
    outlook_contacts_export_imports => "26-outlook-contacts-export",
    shared_email_or_phone_groups_profiles => "27-grouping-shared-email-phone",
}
