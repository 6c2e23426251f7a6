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

const SPREADSHEET_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELATIONSHIP_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Builds a minimal XLSX workbook in the 1904 date system: a hidden sheet
/// first, then the sheet `Contacts` with a header on row 2 from column B,
/// an error cell, a numeric phone and a date cell.
fn xlsx_workbook() -> Vec<u8> {
    let text = |cell: &str, value: &str| {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{value}</t></is></c>"#)
    };
    let notes = format!(
        r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1">{}</row></sheetData></worksheet>"#,
        text("A1", "internal")
    );
    let contacts = format!(
        r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>
<row r="2">{}{}{}{}</row>
<row r="3">{}<c r="C3"><v>4915112345678</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3" s="1"><v>29220</v></c></row>
</sheetData></worksheet>"#,
        text("B2", "Email"),
        text("C2", "Phone"),
        text("D2", "Score"),
        text("E2", "Born"),
        text("B3", "a@example.com"),
    );
    xlsx_of(&notes, &contacts)
}

/// Builds an XLSX workbook in the 1904 date system with the hidden sheet
/// `Notes` and the sheet `Contacts`, from their worksheet XML.
fn xlsx_of(notes: &str, contacts: &str) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>"#;
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"#;
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{SPREADSHEET_NS}" xmlns:r="{RELATIONSHIP_NS}"><workbookPr date1904="1"/>
<sheets><sheet name="Notes" sheetId="1" state="hidden" r:id="rId1"/><sheet name="Contacts" sheetId="2" r:id="rId2"/></sheets></workbook>"#
    );
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"#;
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{SPREADSHEET_NS}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
        ("xl/worksheets/sheet1.xml", notes.as_bytes()),
        ("xl/worksheets/sheet2.xml", contacts.as_bytes()),
    ])
}

#[test]
fn xlsx_reading_reports_rows() {
    let rows: String = (1..=5_000)
        .map(|row| format!(r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>"#))
        .collect();
    let contacts = format!(
        r#"<worksheet xmlns="{SPREADSHEET_NS}"><dimension ref="A1:A5000"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    let notes = format!(r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData/></worksheet>"#);
    let mut reported = Vec::new();
    let table = crate::read_file_with_progress(
        "many.xlsx",
        &xlsx_of(&notes, &contacts),
        &ReadChoices::default(),
        0,
        &mut |done, total| reported.push((done, total)),
    )
    .expect("table");
    assert_eq!(table.rows.len(), 4_999);
    assert_eq!(reported.first(), Some(&(1_000, 5_000)));
    assert_eq!(reported.len(), 4, "{reported:?}");
    assert!(reported.windows(2).all(|pair| pair[0].0 < pair[1].0));
}

#[test]
fn xlsx_cell_far_out_keeps_rows_sparse() {
    // One value in the last cell of the sheet: a range from A1 to it
    // would hold 17 billion cells.
    let contacts = format!(
        r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>a@example.com</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
    );
    let notes = format!(r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData/></worksheet>"#);
    let table = read("far.xlsx", &xlsx_of(&notes, &contacts)).expect("table");
    assert_eq!(table.headers[0], "Email");
    assert_eq!(
        table.headers.len(),
        MAX_COLUMNS,
        "the widest row sets the width"
    );
    assert_eq!(table.rows.len(), 1_048_575);
    assert_eq!(table.rows[0].cells, [Cell::Text("a@example.com".into())]);
    assert!(table.rows[1].cells.is_empty(), "rows between stay blank");
    let last = table.rows.last().expect("last row");
    assert_eq!(last.row, 1_048_576);
    assert_eq!(last.cells.len(), MAX_COLUMNS);
    assert_eq!(last.cells[MAX_COLUMNS - 1], Cell::Number(1.0));
}

#[test]
fn xlsx_cell_reference_past_any_index_is_rejected() {
    // calamine 0.38 overflowed on these references and panicked in a
    // debug build, or wrapped them to another cell in a release build.
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>"#;
    let value = |cell: &str| format!(r#"<c r="{cell}"><v>1</v></c>"#);
    let damaged = [
        format!(r#"<row r="2">{}</row>"#, value("A99999999999")),
        format!(r#"<row r="2">{}</row>"#, value("AAAAAAAAAAAAAAAAAAAA2")),
        r#"<row r="99999999999"><c><v>1</v></c></row>"#.to_string(),
        r#"<row r="4294967295"><c><v>1</v></c></row><row><c><v>1</v></c></row><row/>"#.to_string(),
    ];
    let notes = format!(r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData/></worksheet>"#);
    for rows in damaged {
        let contacts = format!(
            r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>{header}{rows}</sheetData></worksheet>"#
        );
        let rejection = read("far.xlsx", &xlsx_of(&notes, &contacts)).expect_err(&rows);
        assert_eq!(
            rejection.code,
            RejectCode::CorruptFile,
            "{rows}: {}",
            rejection.message
        );
    }
}

#[test]
fn xlsx_without_dimension_reports_no_share() {
    let rows: String = (1..=3_000)
        .map(|row| format!(r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>"#))
        .collect();
    let contacts =
        format!(r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>{rows}</sheetData></worksheet>"#);
    let notes = format!(r#"<worksheet xmlns="{SPREADSHEET_NS}"><sheetData/></worksheet>"#);
    let mut reported = Vec::new();
    crate::read_file_with_progress(
        "many.xlsx",
        &xlsx_of(&notes, &contacts),
        &ReadChoices::default(),
        0,
        &mut |done, total| reported.push((done, total)),
    )
    .expect("table");
    assert!(!reported.is_empty());
    assert!(
        reported.iter().all(|&(_, total)| total == 0),
        "{reported:?}"
    );
}

/// The workbooks that `tests/bench/workbook-fixtures.mjs` writes, with the
/// same sheets in every format, by file name.
pub(super) const FIXTURE_WORKBOOKS: [(&str, &[u8]); 4] = [
    ("contacts.xls", include_bytes!("testdata/contacts.xls")),
    ("contacts.xlsx", include_bytes!("testdata/contacts.xlsx")),
    ("contacts.xlsb", XLSB_CONTACTS),
    ("contacts.ods", include_bytes!("testdata/contacts.ods")),
];
const XLSB_CONTACTS: &[u8] = include_bytes!("testdata/contacts.xlsb");

/// Returns the read choices that pick the contacts sheet of the fixture
/// workbooks.
fn contacts_sheet() -> ReadChoices {
    ReadChoices {
        sheet: Some("Contacts".into()),
        ..ReadChoices::default()
    }
}

#[test]
fn read_file_reads_fixture_workbooks() {
    let formats = [
        FileFormat::Xls,
        FileFormat::Xlsx,
        FileFormat::Xlsb,
        FileFormat::Ods,
    ];
    for ((name, bytes), format) in FIXTURE_WORKBOOKS.into_iter().zip(formats) {
        let table = read_file(name, bytes, &contacts_sheet(), 0).expect(name);
        assert_eq!(table.info.format, format);
        assert_eq!(table.headers, ["Email", "Phone", "Birthday"], "{name}");
        assert_eq!(table.rows.len(), 2_999, "{name}");
        let first = &table.rows[0];
        assert_eq!(first.row, 2, "{name}");
        assert_eq!(
            first.cells[0],
            Cell::Text("person2@example.com".into()),
            "{name}"
        );
        assert_eq!(first.cells[1], Cell::Number(4915112340002.0), "{name}");
        assert_eq!(first.cells[2], Cell::Date("1990-01-02".into()), "{name}");
        let last = &table.rows[2_998];
        assert_eq!(last.row, 3_000, "{name}");
        assert_eq!(last.cells.len(), 3, "{name}: every cell of the row is read");
        assert_eq!(last.cells[1], Cell::Number(4915112343000.0), "{name}");
    }
}

#[test]
fn xlsb_reading_reports_rows() {
    let choices = contacts_sheet();
    let mut reported = Vec::new();
    crate::read_file_with_progress(
        "contacts.xlsb",
        XLSB_CONTACTS,
        &choices,
        0,
        &mut |done, total| reported.push((done, total)),
    )
    .expect("table");
    assert_eq!(reported.first(), Some(&(1_000, 3_000)));
    assert_eq!(reported.len(), 2, "{reported:?}");
}

#[test]
fn read_file_reads_xlsx_sheet() {
    let table = read("contacts.xlsx", &xlsx_workbook()).expect("table");
    assert_eq!(table.info.format, FileFormat::Xlsx);
    assert_eq!(table.info.sheet.as_deref(), Some("Contacts"));
    let sheets: Vec<(&str, bool)> = table
        .info
        .sheets
        .iter()
        .map(|sheet| (sheet.name.as_str(), sheet.hidden))
        .collect();
    assert_eq!(sheets, vec![("Notes", true), ("Contacts", false)]);
    let skipped = read_file(
        "contacts.xlsx",
        &xlsx_workbook(),
        &ReadChoices::default(),
        1,
    );
    let table_below_blank = skipped.expect("table");
    assert_eq!(
        table_below_blank.headers,
        ["Column 1", "Email", "Phone", "Score", "Born"]
    );
    let row = &table_below_blank.rows[0];
    assert_eq!(row.row, 3);
    assert_eq!(
        row.cells,
        vec![
            Cell::Empty,
            Cell::Text("a@example.com".into()),
            Cell::Number(4915112345678.0),
            Cell::Error("#N/A".into()),
            Cell::Date("1984-01-01".into()),
        ]
    );
}

#[test]
fn read_file_reads_chosen_sheet() {
    let choices = ReadChoices {
        sheet: Some("notes".into()),
        ..ReadChoices::default()
    };
    let table = read_file("contacts.xlsx", &xlsx_workbook(), &choices, 0).expect("table");
    assert_eq!(table.info.sheet.as_deref(), Some("Notes"));
    assert_eq!(table.headers, ["internal"]);
    let missing = ReadChoices {
        sheet: Some("Leads".into()),
        ..ReadChoices::default()
    };
    let rejection =
        read_file("contacts.xlsx", &xlsx_workbook(), &missing, 0).expect_err("no sheet");
    assert_eq!(rejection.code, RejectCode::InvalidSettings);
    assert!(
        rejection.message.contains("Contacts"),
        "{}",
        rejection.message
    );
}

#[test]
fn read_file_reads_xlsx_inside_zip() {
    let zip = zip_of(&[("export/contacts.xlsx", &xlsx_workbook())]);
    let table = read_file("export.zip", &zip, &ReadChoices::default(), 1).expect("table");
    assert_eq!(table.info.format, FileFormat::Xlsx);
    assert_eq!(
        table.info.zip_entry.as_deref(),
        Some("export/contacts.xlsx")
    );
    assert_eq!(table.headers.get(1).map(String::as_str), Some("Email"));
}

/// Returns an ODS workbook whose spreadsheet contains `tables`, the XML of
/// its `table:table` elements.
fn ods_of(tables: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let mimetype: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    zip_of(&[
        ("mimetype", mimetype),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn xls_and_ods_reading_report_bytes() {
    // The XLS fixture's workbook stream is most of the file.
    for (name, bytes) in [FIXTURE_WORKBOOKS[0], FIXTURE_WORKBOOKS[3]] {
        let mut reported = Vec::new();
        crate::read_file_with_progress(name, bytes, &contacts_sheet(), 0, &mut |done, total| {
            reported.push((done, total))
        })
        .expect(name);
        let length = bytes.len() as u64;
        assert!(!reported.is_empty(), "{name}");
        assert!(
            reported
                .iter()
                .all(|&(done, total)| done <= total && total <= length && total > length / 2),
            "{name}: {reported:?}"
        );
        assert!(
            reported.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "{name}: {reported:?}"
        );
    }
}

#[test]
fn read_file_reads_ods_sheet() {
    let ods = ods_of(
        r#"<table:table table:name="Kontakte">
<table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Born</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>a@example.com</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="1985-03-14"><text:p>14.03.85</text:p></table:table-cell></table:table-row>
</table:table>"#,
    );
    let table = read("kontakte.ods", &ods).expect("table");
    assert_eq!(table.info.format, FileFormat::Ods);
    assert_eq!(table.headers, ["Email", "Born"]);
    assert_eq!(table.rows[0].cells[1], Cell::Date("1985-03-14".into()));
}

#[test]
fn ods_indented_cells_keep_their_text() {
    let ods = ods_of(
        "<table:table table:name=\"Contacts\">
  <table:table-row>
    <table:table-cell office:value-type=\"string\">
      <text:p>Email</text:p>
      <text:p>work</text:p>
    </table:table-cell>
  </table:table-row>
  <table:table-row>
    <table:table-cell office:value-type=\"string\">
      <text:p>a@example.com</text:p>
    </table:table-cell>
  </table:table-row>
</table:table>",
    );
    let table = read("indented.ods", &ods).expect("table");
    assert_eq!(table.headers, ["Email\nwork"]);
    assert_eq!(table.rows[0].cells, [Cell::Text("a@example.com".into())]);
}

#[test]
fn ods_cut_off_inside_table_is_rejected() {
    // calamine 0.38 read the end of these files forever.
    let cut_off = [
        r#"<table:table table:name="Contacts"><table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p></table:table-cell></table:table-row>"#,
        r#"<table:table table:name="Contacts"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note"#,
    ];
    for tables in cut_off {
        let rejection = read("cut.ods", &ods_of(tables)).expect_err("cut off");
        assert_eq!(
            rejection.code,
            RejectCode::CorruptFile,
            "{}",
            rejection.message
        );
    }
}

// Half a gigabyte of cells before the limit stops the reader: too much
// for the browser test run, and the code is the same natively.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn ods_of_repeated_cells_is_rejected() {
    // A few kilobytes of XML that repeat one cell into 16,384 columns of
    // 1,100 rows, 18 million cells, over three sheets.
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;
    let sheet = |name: &str, rows: usize| {
        format!(
            r#"<table:table table:name="{name}">{}</table:table>"#,
            row.repeat(rows)
        )
    };
    let tables = [sheet("One", 500), sheet("Two", 500), sheet("Three", 100)].concat();
    let rejection = read("bomb.ods", &ods_of(&tables)).expect_err("too many cells");
    assert_eq!(rejection.code, RejectCode::DecompressedTooLarge);
    assert!(
        rejection.message.contains("16777216 cells"),
        "{}",
        rejection.message
    );
}

#[test]
fn read_file_rejects_damaged_compound_files() {
    // Fuzz inputs: the first byte chose the file name and the rest is an
    // XLS whose sectors end past the end of the file (a calamine panic),
    // whose directory chain loops, or whose sheet claims a range of
    // trillions of cells (calamine ran out of memory on both).
    let inputs: [&[u8]; 3] = [
        include_bytes!("testdata/truncated-sector.xls.fuzz"),
        include_bytes!("testdata/cyclic-directory.xls.fuzz"),
        include_bytes!("testdata/huge-dimensions.xls.fuzz"),
    ];
    for input in inputs {
        let bytes = input.get(1..).unwrap_or_default();
        let rejection = read("contacts.xls", bytes).expect_err("damaged");
        assert_eq!(
            rejection.code,
            RejectCode::CorruptFile,
            "{}",
            rejection.message
        );
    }
}

#[test]
fn xls_spanning_too_many_cells_is_rejected() {
    // The XLS of the legacy-XLS case with one number cell moved to row and
    // column 65,536, so that the sheet spans 2^32 cells, after a first byte
    // as in the fuzz inputs.
    let input = include_bytes!("testdata/far-cell.xls.fuzz");
    let rejection = read("contacts.xls", &input[1..]).expect_err("too many cells");
    assert_eq!(rejection.code, RejectCode::DecompressedTooLarge);
    assert!(
        rejection.message.contains("16777216 cells"),
        "{}",
        rejection.message
    );
}
