//! Tests of `read_file` on whole files made in memory.

use super::archive::tests::{patch_headers, zip_of};
use super::*;
use crate::table::Cell;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn read(name: &str, bytes: &[u8]) -> Result<Table, Rejection> {
    read_file(name, bytes, &ReadChoices::default(), 0)
}

fn texts(row: &SourceRow) -> Vec<String> {
    row.cells
        .iter()
        .map(|cell| match cell {
            Cell::Text(text) => text.clone(),
            Cell::Empty => String::new(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn read_file_rejects_unreadable() {
    let cases: [(&str, Vec<u8>, RejectCode); 9] = [
        ("empty.csv", Vec::new(), RejectCode::EmptyFile),
        ("bom.csv", b"\xEF\xBB\xBF".to_vec(), RejectCode::EmptyFile),
        (
            "blank.csv",
            b",,,\r\n\r\n  \r\n".to_vec(),
            RejectCode::EmptyFile,
        ),
        (
            "report.pdf",
            b"%PDF-1.7 ...".to_vec(),
            RejectCode::UnsupportedFormat,
        ),
        (
            "binary.csv",
            b"Email\0\0\0\x01".to_vec(),
            RejectCode::UnsupportedFormat,
        ),
        (
            "page.xls",
            b"<html><table><tr><td>x".to_vec(),
            RejectCode::UnsupportedFormat,
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04garbage".to_vec(),
            RejectCode::CorruptFile,
        ),
        (
            "broken.xls",
            [
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                &[0; 100],
            ]
            .concat(),
            RejectCode::CorruptFile,
        ),
        ("empty.zip", zip_of(&[]), RejectCode::EmptyFile),
    ];
    for (name, bytes, expected) in cases {
        let rejection = read(name, &bytes).expect_err(name);
        assert_eq!(rejection.code, expected, "{name}: {}", rejection.message);
    }
}

#[test]
fn read_file_rejects_large_upload() {
    let bytes = vec![b'a'; usize::try_from(crate::MAX_UPLOAD_BYTES).unwrap_or(0) + 1];
    let rejection = read("big.csv", &bytes).expect_err("too large");
    assert_eq!(rejection.code, RejectCode::FileTooLarge);
    assert!(rejection.message.contains("zip"), "{}", rejection.message);
}

#[test]
fn read_file_builds_headers() {
    let table = read("a.csv", b"Email,,Email,Name\r\nx@example.com,1,2,Ann\r\n").expect("table");
    assert_eq!(table.headers, ["Email", "Column 2", "Email", "Name"]);
    assert_eq!(table.header_row, 1);
    assert_eq!(table.info.format, FileFormat::Csv);
    assert_eq!(table.info.delimiter, Some(','));
    assert_eq!(table.info.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(texts(&table.rows[0]), ["x@example.com", "1", "2", "Ann"]);
}

#[test]
fn read_file_skips_rows_above_header() {
    let text = b"Report\r\n\r\nid;email\r\n1;a@example.com\r\n\r\n2;b@example.com";
    let table = read_file("a.txt", text, &ReadChoices::default(), 2).expect("table");
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["id", "email"]);
    assert_eq!(table.info.format, FileFormat::Txt);
    let rows: Vec<u32> = table.rows.iter().map(|row| row.row).collect();
    assert_eq!(rows, vec![4, 5, 6]);
    assert!(table.rows[1].cells.is_empty());
}

#[test]
fn read_file_rejects_skip_past_end() {
    let rejection =
        read_file("a.csv", b"a\nb\n", &ReadChoices::default(), 5).expect_err("no header");
    assert_eq!(rejection.code, RejectCode::EmptyFile);
}

#[test]
fn read_file_honors_read_choices() {
    let choices = ReadChoices {
        delimiter: Some(';'),
        encoding: Some("windows-1252".into()),
        sheet: None,
    };
    let table = read_file("a.csv", b"a,b;c\r\nM\xFCller;x", &choices, 0).expect("table");
    assert_eq!(table.headers, ["a,b", "c"]);
    assert_eq!(texts(&table.rows[0]), ["Müller", "x"]);
    let bad = ReadChoices {
        delimiter: Some('"'),
        ..ReadChoices::default()
    };
    let rejection = read_file("a.csv", b"a,b", &bad, 0).expect_err("bad delimiter");
    assert_eq!(rejection.code, RejectCode::InvalidSettings);
}

#[test]
fn read_file_reads_utf16_text() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        "Name\tEmail\r\nŁucja\tl@example.com\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let table = read("contacts.txt", &bytes).expect("table");
    assert_eq!(table.info.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(table.info.delimiter, Some('\t'));
    assert_eq!(texts(&table.rows[0]), ["Łucja", "l@example.com"]);
}

#[test]
fn read_file_warns_on_wrong_extension() {
    let table = read("contacts.xlsx", b"Email\nx@example.com\n").expect("table");
    assert_eq!(table.info.format, FileFormat::Csv);
    assert_eq!(table.info.warnings.len(), 1);
}

#[test]
fn read_file_picks_first_real_zip_entry() {
    let zip = zip_of(&[
        ("__MACOSX/", b""),
        ("__MACOSX/._contacts.csv", b"\x00\x05\x16\x07junk"),
        ("exports/", b""),
        (".DS_Store", b"junk"),
        ("exports/contacts.csv", b"Email\nx@example.com\n"),
        ("exports/old.csv", b"Email\ny@example.com\n"),
    ]);
    let table = read("contacts.zip", &zip).expect("table");
    assert_eq!(
        table.info.zip_entry.as_deref(),
        Some("exports/contacts.csv")
    );
    assert_eq!(table.info.format, FileFormat::Csv);
    assert_eq!(texts(&table.rows[0]), ["x@example.com"]);
    assert_eq!(table.info.warnings.len(), 1);
    assert!(table.info.warnings[0].message.contains("exports/old.csv"));
}

#[test]
fn read_file_rejects_bad_zip_entries() {
    let only_junk = zip_of(&[("__MACOSX/._a.csv", b"x"), ("Thumbs.db", b"x")]);
    let nested = zip_of(&[("inner.zip", &zip_of(&[("a.csv", b"Email\n")]))]);
    let mut encrypted = zip_of(&[("a.csv", b"Email\n")]);
    // Set bit 0 (encrypted) of the general purpose flags.
    patch_headers(&mut encrypted, 6, 8, &1u16.to_le_bytes());
    let mut lzma = zip_of(&[("a.csv", b"Email\n")]);
    patch_headers(&mut lzma, 8, 10, &14u16.to_le_bytes());
    let cases = [
        (only_junk, RejectCode::EmptyFile),
        (nested, RejectCode::UnsupportedFormat),
        (encrypted, RejectCode::EncryptedFile),
        (lzma, RejectCode::UnsupportedFormat),
    ];
    for (zip, expected) in cases {
        let rejection = read("a.zip", &zip).expect_err("rejection");
        assert_eq!(rejection.code, expected, "{}", rejection.message);
    }
}

#[test]
fn read_file_names_unsupported_method() {
    let mut lzma = zip_of(&[("a.csv", b"Email\n")]);
    patch_headers(&mut lzma, 8, 10, &14u16.to_le_bytes());
    let rejection = read("a.zip", &lzma).expect_err("rejection");
    assert!(rejection.message.contains("Lzma"), "{}", rejection.message);
}

#[test]
fn read_file_detects_encrypted_ooxml() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend([0; 64]);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let rejection = read("secret.xlsx", &bytes).expect_err("encrypted");
    assert_eq!(rejection.code, RejectCode::EncryptedFile);
}
