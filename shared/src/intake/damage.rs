//! Property tests of the readers on damaged files. A workbook cut short,
//! with some bytes overwritten or with one damaged part, gives a table or
//! a rejection, never a panic. So does a text file of random pieces, and
//! its analysis counts each record once. proptest does not build for wasm32.

use std::io::{Cursor, Read, Write};

use proptest::prelude::*;

use super::tests::FIXTURE_WORKBOOKS;
use crate::analyze;
use crate::intake::read_file;
use crate::settings::{ReadChoices, Settings};

/// A change that damages a file, with positions in thousandths of its
/// length so that one value fits files of any size.
#[derive(Clone, Debug)]
enum Damage {
    /// The file cut short at this position.
    CutShort(u16),
    /// Bytes written over the file, each at its position.
    Overwrite(Vec<(u16, u8)>),
    /// A large decimal number written at the position, where a text part
    /// may give a row, column, count or length.
    LargeNumber(u16),
}

/// Returns any of the damages, anywhere in a file.
fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0u16..1000).prop_map(Damage::CutShort),
        prop::collection::vec((0u16..1000, any::<u8>()), 1..8).prop_map(Damage::Overwrite),
        (0u16..1000).prop_map(Damage::LargeNumber),
    ]
}

/// Returns the byte index at `thousandths` of a file of `length` bytes.
fn index_at(thousandths: u16, length: usize) -> usize {
    length * usize::from(thousandths) / 1000
}

/// Applies `damage` to `bytes`.
fn apply(damage: &Damage, bytes: &mut Vec<u8>) {
    let length = bytes.len();
    match damage {
        Damage::CutShort(at) => bytes.truncate(index_at(*at, length)),
        Damage::Overwrite(writes) => {
            for &(at, value) in writes {
                if let Some(byte) = bytes.get_mut(index_at(at, length)) {
                    *byte = value;
                }
            }
        }
        Damage::LargeNumber(at) => {
            let start = index_at(*at, length);
            for (offset, digit) in b"99999999".iter().enumerate() {
                if let Some(byte) = bytes.get_mut(start + offset) {
                    *byte = *digit;
                }
            }
        }
    }
}

/// Damages one entry of a zip container, picked by `entry` modulo their
/// count, and writes the container again with every entry stored, so
/// that the damage reaches the workbook's own parts and not only the
/// checksums of the zip.
fn damage_zip_entry(bytes: &[u8], entry: usize, damage: &Damage) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("fixture is a zip");
    let picked = entry % archive.len();
    let mut written = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("fixture entry");
        let name = file.name().expect("fixture entry name").into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .expect("fixture entry content");
        if index == picked {
            apply(damage, &mut content);
        }
        written.start_file(name, stored).expect("entry header");
        written.write_all(&content).expect("entry content");
    }
    written.finish().expect("zip written").into_inner()
}

/// Reads `bytes` as the workbook `name`, on the sheet with the contacts.
/// Returning at all is the check: a panic fails the property.
fn read_damaged(name: &str, bytes: &[u8]) {
    let choices = ReadChoices {
        sheet: Some("Contacts".into()),
        ..ReadChoices::default()
    };
    let _ = read_file(name, bytes, &choices, 0);
}

/// Returns the pieces of a text file: separators, quotes, line breaks,
/// byte order marks, field values of every kind, and any single byte.
fn text_piece() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&[u8]> = vec![
        b",",
        b";",
        b"\t",
        b"|",
        b"\"",
        b"\"\"",
        b"\r\n",
        b"\n",
        b"\r",
        b" ",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"Email",
        b"Phone",
        b"a@example.com",
        b"mailto:B@Example.org",
        b"+44 20 7946 0000",
        b"0049 151 12345678",
        b"4.91511E+12",
        b"31.12.1990",
        b"0/0/00",
        b"30.02.2001",
        b"m",
        b"female",
        b"en",
        b"pt-BR",
        b"vip; new",
        b"=SUM(1,2)",
        b"A-100",
        "Jos\u{e9} \u{30e1}\u{30fc}\u{30eb}".as_bytes(),
        b"\xE9\xFC",
        b"\xC3",
    ];
    prop_oneof![
        20 => prop::sample::select(pieces).prop_map(<[u8]>::to_vec),
        1 => any::<u8>().prop_map(|byte| vec![byte]),
    ]
}

/// Returns settings that map the `columns` of a table, by position, to
/// fields of every kind with their options, up to one column per field.
fn text_settings(skip_rows: usize, columns: usize) -> Settings {
    let fields = [
        serde_json::json!({"field": "email"}),
        serde_json::json!({"field": "phone", "option": "GB"}),
        serde_json::json!({"field": "external_id"}),
        serde_json::json!({"field": "first_name"}),
        serde_json::json!({"field": "birth_date", "option": "DD.MM.YYYY"}),
        serde_json::json!({"field": "tags", "option": ";"}),
        serde_json::json!({"field": "gender"}),
        serde_json::json!({"field": "custom:note"}),
    ];
    let mapping: serde_json::Map<String, serde_json::Value> = (0..columns.min(fields.len()))
        .map(|column| ((column + 1).to_string(), fields[column].clone()))
        .collect();
    let settings = serde_json::json!({"skip_rows": skip_rows, "mapping": mapping});
    serde_json::from_value(settings).expect("settings")
}

/// Reads `bytes` as the text file `name` and analyzes the table when the
/// file is read, checking that the analysis counts each record once.
fn read_and_analyze(name: &str, bytes: &[u8], skip_rows: usize) -> Result<(), TestCaseError> {
    let Ok(table) = read_file(name, bytes, &ReadChoices::default(), skip_rows) else {
        return Ok(());
    };
    let settings = text_settings(skip_rows, table.headers.len());
    let Ok(analysis) = analyze(&table, &settings) else {
        return Ok(());
    };
    let summary = analysis.summary;
    prop_assert_eq!(
        summary.valid_records + summary.error_records,
        summary.data_rows
    );
    prop_assert_eq!(analysis.records.len(), summary.data_rows as usize);
    Ok(())
}

/// Returns the test settings: 64 cases, or the number that
/// `PROPTEST_CASES` sets for a longer run (`scripts/damage.sh`).
fn config() -> ProptestConfig {
    let config = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        config.cases
    } else {
        64
    };
    ProptestConfig { cases, ..config }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_workbook_never_panics(
        fixture in 0..FIXTURE_WORKBOOKS.len(),
        damage in damage(),
    ) {
        let (name, original) = FIXTURE_WORKBOOKS[fixture];
        let mut bytes = original.to_vec();
        apply(&damage, &mut bytes);
        read_damaged(name, &bytes);
    }

    #[test]
    fn damaged_workbook_part_never_panics(
        // The XLSX, XLSB and ODS fixtures are zip containers.
        fixture in 1..FIXTURE_WORKBOOKS.len(),
        entry in any::<usize>(),
        damage in damage(),
    ) {
        let (name, original) = FIXTURE_WORKBOOKS[fixture];
        read_damaged(name, &damage_zip_entry(original, entry, &damage));
    }

    #[test]
    fn random_text_file_never_panics(
        pieces in prop::collection::vec(text_piece(), 0..120),
        name in prop::sample::select(vec!["contacts.csv", "contacts.txt"]),
        skip_rows in 0usize..3,
    ) {
        read_and_analyze(name, &pieces.concat(), skip_rows)?;
    }
}
