//! Format detection from magic bytes, and the format a file name claims.

use crate::error::Warning;
use crate::table::FileFormat;

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Content {
    /// Anything without a known binary signature.
    Text,
    /// An OLE compound file: an XLS workbook or an encrypted OOXML file.
    Compound,
    /// A zip archive: XLSX, XLSB, ODS or a plain archive.
    Zip,
    /// A known format that is not a table, named for the message.
    Unsupported(&'static str),
}

const COMPOUND_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Binary signatures of formats people upload by mistake.
const UNSUPPORTED_MAGIC: [(&[u8], &str); 9] = [
    (b"%PDF", "a PDF document"),
    (&[0x1F, 0x8B], "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C], "a 7z archive"),
    (&[0x89, b'P', b'N', b'G'], "a PNG image"),
    (&[0xFF, 0xD8, 0xFF], "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"BZh", "a bzip2 archive"),
];

/// Finds the kind of content from its first bytes.
pub(super) fn sniff(bytes: &[u8]) -> Content {
    if bytes.starts_with(COMPOUND_MAGIC) {
        return Content::Compound;
    }
    // Local file header, empty archive, or spanned archive marker.
    if [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|magic| bytes.starts_with(*magic))
    {
        return Content::Zip;
    }
    if let Some((_, kind)) = UNSUPPORTED_MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Content::Unsupported(kind);
    }
    if let Some(kind) = markup_kind(bytes) {
        return Content::Unsupported(kind);
    }
    Content::Text
}

/// Recognizes HTML and XML spreadsheets, which some web applications and
/// old Excel versions save under an `.xls` name.
fn markup_kind(bytes: &[u8]) -> Option<&'static str> {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = &start[..start.len().min(512)];
    let text = String::from_utf8_lossy(start).to_ascii_lowercase();
    let text = text.trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with("<table")
    {
        return Some("an HTML page (some programs save HTML tables as .xls)");
    }
    if text.starts_with("<?xml") {
        return Some("an XML document (such as an Excel 2003 XML spreadsheet)");
    }
    None
}

/// Whether a compound file holds an encrypted OOXML package, which
/// Office writes for password-protected XLSX files.
pub(super) fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    // The directory entry name is UTF-16LE.
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|window| window == name)
}

fn extension(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, extension) = base.rsplit_once('.')?;
    (!stem.is_empty()).then(|| extension.to_ascii_lowercase())
}

/// The format a file name's extension claims, if it names one.
pub(super) fn format_from_extension(file_name: &str) -> Option<FileFormat> {
    Some(match extension(file_name)?.as_str() {
        "csv" => FileFormat::Csv,
        "txt" | "tsv" | "tab" => FileFormat::Txt,
        "xls" => FileFormat::Xls,
        "xlsx" | "xlsm" => FileFormat::Xlsx,
        "xlsb" => FileFormat::Xlsb,
        "ods" => FileFormat::Ods,
        "zip" => FileFormat::Zip,
        _ => return None,
    })
}

fn format_name(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv | FileFormat::Txt => "a text (CSV) file",
        FileFormat::Xls => "an XLS workbook",
        FileFormat::Xlsx => "an XLSX workbook",
        FileFormat::Xlsb => "an XLSB workbook",
        FileFormat::Ods => "an ODS spreadsheet",
        FileFormat::Zip => "a zip archive",
    }
}

/// A warning when the extension names another format than the content.
pub(super) fn extension_warning(
    file_name: &str,
    named: Option<FileFormat>,
    found: FileFormat,
) -> Option<Warning> {
    let named = named?;
    let is_text = |format| matches!(format, FileFormat::Csv | FileFormat::Txt);
    if named == found || (is_text(named) && is_text(found)) {
        return None;
    }
    Some(Warning {
        row: None,
        field: None,
        message: format!(
            "{file_name} is named as {} but is {}, so it was read as {}",
            format_name(named),
            format_name(found),
            format_name(found)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sniff_cases() {
        let cases: [(&[u8], Content); 8] = [
            (b"Email,Name\r\n", Content::Text),
            (b"\xEF\xBB\xBFEmail", Content::Text),
            (b"\xFF\xFEE\0", Content::Text),
            (b"PK\x03\x04rest", Content::Zip),
            (COMPOUND_MAGIC, Content::Compound),
            (b"%PDF-1.7", Content::Unsupported("a PDF document")),
            (
                b"  <html><table>",
                Content::Unsupported("an HTML page (some programs save HTML tables as .xls)"),
            ),
            (
                b"<?xml version",
                Content::Unsupported("an XML document (such as an Excel 2003 XML spreadsheet)"),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn extension_cases() {
        assert_eq!(format_from_extension("a.CSV"), Some(FileFormat::Csv));
        assert_eq!(format_from_extension("dir/a.xlsm"), Some(FileFormat::Xlsx));
        assert_eq!(format_from_extension(".csv"), None);
        assert_eq!(format_from_extension("noext"), None);
        assert_eq!(format_from_extension("a.pdf"), None);
    }

    #[test]
    fn extension_warning_cases() {
        let none = extension_warning("a.txt", Some(FileFormat::Txt), FileFormat::Csv);
        assert_eq!(none, None);
        let warning = extension_warning("a.xls", Some(FileFormat::Xls), FileFormat::Xlsx);
        assert!(warning.is_some());
        assert_eq!(extension_warning("a", None, FileFormat::Xlsx), None);
    }
}
