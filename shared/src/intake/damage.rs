//! Property tests of the workbook readers on damaged files: a workbook cut
//! short, with some bytes overwritten, or with one part of its zip
//! container damaged gives a table or a rejection, never a panic.
//! proptest does not build for wasm32.

use std::io::{Cursor, Read, Write};

use proptest::prelude::*;

use super::tests::FIXTURE_WORKBOOKS;
use crate::intake::read_file;
use crate::settings::ReadChoices;

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

/// Returns the test settings: 64 cases, or as many as `PROPTEST_CASES`
/// asks for in a longer run (`scripts/damage.sh`).
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
}
