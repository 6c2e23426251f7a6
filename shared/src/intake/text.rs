//! Text files: encoding, delimiter and RFC 4180 records.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{RejectCode, Rejection, Warning};
use crate::intake::MAX_COLUMNS;
use crate::progress::Throttle;
use crate::settings::ReadChoices;
use crate::table::{Cell, SourceRow};

/// Delimiters that detection chooses from, in order of preference.
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

/// Rows after the header that delimiter detection also looks at.
const DETECTION_ROWS: u32 = 20;

/// A decoded text file.
pub(super) struct TextRows {
    pub rows: Vec<SourceRow>,
    /// WHATWG name of the encoding, such as `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    pub delimiter: char,
    pub warnings: Vec<Warning>,
}

/// Decodes a text file and splits it into rows, blank rows included.
pub(super) fn read_text(
    bytes: &[u8],
    choices: &ReadChoices,
    header_row: u32,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<TextRows, Rejection> {
    let mut warnings = Vec::new();
    let (text, encoding, had_errors) = decode(bytes, choices.encoding.as_deref())?;
    if had_errors {
        warnings.push(Warning {
            row: None,
            field: None,
            message: format!(
                "some bytes are not valid {} and were replaced with \u{FFFD}: choose the \
                 file's encoding if letters look wrong",
                encoding.name()
            ),
        });
    }
    if text.contains('\0') {
        return Err(Rejection::new(
            RejectCode::UnsupportedFormat,
            "the file contains binary data (NUL bytes), so it is not a text file: save \
             the contacts as CSV or as a workbook and upload that",
        ));
    }
    let delimiter = match choices.delimiter {
        Some(delimiter) => checked_delimiter(delimiter)?,
        None => detect_delimiter(&text, header_row),
    };
    let rows = parse_rows(&text, delimiter, None, progress)?;
    Ok(TextRows {
        rows,
        encoding: encoding.name(),
        delimiter,
        warnings,
    })
}

/// Decodes the bytes: a byte-order mark first, else the encoding the
/// settings name, else UTF-16 when the NUL bytes show it, else UTF-8 when
/// the bytes are valid UTF-8, else the guess of `chardetng`.
///
/// Returns the text, the encoding and whether malformed bytes were
/// replaced.
fn decode<'a>(
    bytes: &'a [u8],
    label: Option<&str>,
) -> Result<(Cow<'a, str>, &'static Encoding, bool), Rejection> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_length..).unwrap_or_default();
        let (text, had_errors) = encoding.decode_without_bom_handling(rest);
        return Ok((text, encoding, had_errors));
    }
    let encoding = match label {
        Some(label) => Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Rejection::new(
                RejectCode::InvalidSettings,
                format!(
                    "unknown text encoding {label:?}: use a WHATWG encoding label such as \
                     utf-8, windows-1252 or shift_jis"
                ),
            )
        })?,
        None => guess_encoding(bytes),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Ok((text, encoding, had_errors))
}

fn guess_encoding(bytes: &[u8]) -> &'static Encoding {
    // UTF-16 comes first because its NUL bytes are also valid UTF-8.
    if let Some(encoding) = utf16_without_bom(bytes) {
        return encoding;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Recognizes UTF-16 text without a byte-order mark by its NUL bytes:
/// ASCII-heavy UTF-16LE has them at odd offsets, UTF-16BE at even ones.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even, mut odd) = (0, 0);
    for pair in sample.chunks_exact(2) {
        if let [first, second] = pair {
            even += usize::from(*first == 0);
            odd += usize::from(*second == 0);
        }
    }
    if odd * 2 > pairs && even * 10 < pairs {
        return Some(UTF_16LE);
    }
    if even * 2 > pairs && odd * 10 < pairs {
        return Some(UTF_16BE);
    }
    None
}

fn checked_delimiter(delimiter: char) -> Result<char, Rejection> {
    if delimiter.is_ascii() && !matches!(delimiter, '"' | '\r' | '\n') {
        return Ok(delimiter);
    }
    Err(Rejection::new(
        RejectCode::InvalidSettings,
        format!(
            "the delimiter {delimiter:?} cannot be used: choose a single ASCII character \
             other than a quote or a line break, such as , ; or a tab"
        ),
    ))
}

/// Picks the delimiter that splits the header row into the most columns,
/// preferring the one whose following rows have as many columns; quoted
/// fields count as one column whatever they hold.
fn detect_delimiter(text: &str, header_row: u32) -> char {
    let last_row = header_row.saturating_add(DETECTION_ROWS);
    let mut best = (DELIMITERS[0], 1, 0);
    for delimiter in DELIMITERS {
        let Ok(rows) = parse_rows(text, delimiter, Some(last_row), &mut |_, _| {}) else {
            continue;
        };
        let Some(header) = rows.iter().find(|row| row.row == header_row) else {
            continue;
        };
        let columns = header.cells.len();
        let consistent = rows
            .iter()
            .filter(|row| row.row > header_row && row.cells.len() == columns)
            .count();
        if (columns, consistent) > (best.1, best.2) {
            best = (delimiter, columns, consistent);
        }
    }
    best.0
}

/// Splits text into rows, numbered as a spreadsheet shows them: a quoted
/// line break stays inside its field, and each blank line is a row
/// without cells. Stops after row `last_row` when one is given.
fn parse_rows(
    text: &str,
    delimiter: char,
    last_row: Option<u32>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<SourceRow>, Rejection> {
    let bytes = text.as_bytes();
    let total = bytes.len() as u64;
    let mut throttle = Throttle::bytes(total);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(u8::try_from(delimiter).unwrap_or(b','))
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut next_row: u32 = 1;
    loop {
        let more = reader.read_record(&mut record).map_err(|error| {
            Rejection::new(
                RejectCode::CorruptFile,
                format!("the text file cannot be split into rows ({error}): save it again as CSV"),
            )
        })?;
        if !more {
            break;
        }
        let start = record.position().map_or(0, |position| position.byte());
        if throttle.due(start) {
            progress(start, total);
        }
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        for _ in 0..blank_lines_before(bytes, start) {
            rows.push(SourceRow {
                row: next_row,
                cells: Vec::new(),
            });
            next_row = next_row.saturating_add(1);
        }
        if record.len() > MAX_COLUMNS {
            return Err(Rejection::new(
                RejectCode::UnsupportedFormat,
                format!(
                    "row {next_row} has {} columns, more than the {MAX_COLUMNS} a spreadsheet \
                     can hold: check the delimiter or split the file",
                    record.len()
                ),
            ));
        }
        let cells = record
            .iter()
            .map(|field| {
                if field.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(field.to_owned())
                }
            })
            .collect();
        rows.push(SourceRow {
            row: next_row,
            cells,
        });
        if last_row.is_some_and(|last| next_row >= last) {
            break;
        }
        next_row = next_row.saturating_add(1);
    }
    Ok(rows)
}

/// Counts the empty lines that the CSV reader skipped before a record
/// that it reports at byte `start`. A `\n` right after a `\r` finishes
/// the previous record's CRLF and is not an empty line.
fn blank_lines_before(bytes: &[u8], start: usize) -> usize {
    let mut index = start;
    if index > 0 && bytes.get(index - 1) == Some(&b'\r') && bytes.get(index) == Some(&b'\n') {
        index += 1;
    }
    let mut blank = 0;
    loop {
        match bytes.get(index) {
            Some(b'\r') => {
                index += if bytes.get(index + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            Some(b'\n') => index += 1,
            _ => return blank,
        }
        blank += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn row_numbers(text: &str) -> Vec<(u32, usize)> {
        parse_rows(text, ',', None, &mut |_, _| {})
            .unwrap()
            .iter()
            .map(|row| (row.row, row.cells.len()))
            .collect()
    }

    #[test]
    fn parse_rows_counts_blank_lines() {
        let cases: [(&str, &[(u32, usize)]); 6] = [
            ("a,b\r\nc,d\r\n", &[(1, 2), (2, 2)]),
            ("a,b\r\n\r\nc,d", &[(1, 2), (2, 0), (3, 2)]),
            ("a,b\n\n\nc", &[(1, 2), (2, 0), (3, 0), (4, 1)]),
            ("a\rb\r\rc", &[(1, 1), (2, 1), (3, 0), (4, 1)]),
            ("\n\na,b", &[(1, 0), (2, 0), (3, 2)]),
            ("a,\"x\r\ny\"\r\nb,c", &[(1, 2), (2, 2)]),
        ];
        for (text, expected) in cases {
            assert_eq!(row_numbers(text), expected, "{text:?}");
        }
    }

    #[test]
    fn parse_rows_reports_progress() {
        let text = "someone@example.com,Some One\n".repeat(20_000);
        let mut reported = Vec::new();
        let rows = parse_rows(&text, ',', None, &mut |done, total| {
            reported.push((done, total))
        })
        .unwrap();
        assert_eq!(rows.len(), 20_000);
        let total = text.len() as u64;
        assert!(reported.len() >= 5, "{reported:?}");
        assert!(reported.iter().all(|&(_, of)| of == total));
        assert!(reported.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(reported.iter().all(|&(done, _)| done < total));
    }

    #[test]
    fn parse_rows_keeps_quoted_content() {
        let rows = parse_rows(
            "a\t\"x\ty\"\t\"say \"\"hi\"\"\"\n",
            '\t',
            None,
            &mut |_, _| {},
        )
        .unwrap();
        let expected = vec![
            Cell::Text("a".into()),
            Cell::Text("x\ty".into()),
            Cell::Text("say \"hi\"".into()),
        ];
        assert_eq!(rows[0].cells, expected);
    }

    #[test]
    fn detect_delimiter_cases() {
        let cases = [
            ("a,b,c\n1,2,3\n", ','),
            ("a;b;c\n1;\"x, y\";3\n", ';'),
            ("a\tb\n1\t2\n", '\t'),
            ("a|b|c\n", '|'),
            ("email\nx@example.com\n", ','),
            ("Kundennr.;Straße\n1;Hauptstraße 5, Hinterhaus\n", ';'),
            ("email,tags\nx,\"a;b;c;d\"\n", ','),
        ];
        for (text, expected) in cases {
            assert_eq!(detect_delimiter(text, 1), expected, "{text:?}");
        }
    }

    #[test]
    fn detect_delimiter_reads_header_after_banner() {
        let text = "Report;x\nTopic,a,b,c,d\nid;name\n1;x\n";
        assert_eq!(detect_delimiter(text, 3), ';');
    }

    #[test]
    fn decode_cases() {
        let cases: [(&[u8], &str, &str); 5] = [
            (b"\xEF\xBB\xBFEmail", "Email", "UTF-8"),
            (b"\xFF\xFEE\0m\0", "Em", "UTF-16LE"),
            (b"\xFE\xFF\0E\0m", "Em", "UTF-16BE"),
            (b"M\xFCller", "Müller", "windows-1252"),
            (b"E\0m\0a\0i\0l\0", "Email", "UTF-16LE"),
        ];
        for (bytes, text, encoding) in cases {
            let (decoded, found, _) = decode(bytes, None).unwrap();
            assert_eq!(decoded, text, "{bytes:?}");
            assert_eq!(found.name(), encoding, "{bytes:?}");
        }
    }

    #[test]
    fn decode_honors_encoding_choice() {
        let (text, encoding, _) = decode(b"\x82\xa0", Some("shift_jis")).unwrap();
        assert_eq!(text, "あ");
        assert_eq!(encoding.name(), "Shift_JIS");
        let error = decode(b"abc", Some("klingon")).unwrap_err();
        assert_eq!(error.code, RejectCode::InvalidSettings);
    }
}
