//! Decoding of file bytes into a [`Table`].
//!
//! The format is found from the content (magic bytes), not from the file
//! name; a name that disagrees only adds a warning. Text files go through
//! [`text`], workbooks through [`workbook`] (calamine), and a zip archive
//! through [`archive`], which hands its first real entry back to this
//! module.

mod archive;
mod compound;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod damage;
mod detect;
#[cfg(test)]
mod tests;
mod text;
mod workbook;

use crate::error::{RejectCode, Rejection, Warning};
use crate::settings::ReadChoices;
use crate::table::{FileFormat, SourceInfo, SourceRow, Table};

use detect::Content;

/// Most columns a table may have: the column limit of Excel (XFD).
pub const MAX_COLUMNS: usize = 16_384;

/// Decodes a file into its header and data rows.
///
/// `skip_rows` rows at the top are ignored and the next row is the header.
pub fn read_file(
    file_name: &str,
    bytes: &[u8],
    choices: &ReadChoices,
    skip_rows: usize,
) -> Result<Table, Rejection> {
    read_file_with_progress(file_name, bytes, choices, skip_rows, &mut |_, _| {})
}

/// Like [`read_file`], and calls `progress` with the share read so far,
/// about every hundredth of the file. A text file reports the bytes split
/// into rows and the text's length. An XLSX or XLSB sheet reports the
/// rows read and the rows of its dimension. An ODS workbook reports the
/// bytes of the file read and its length, and an XLS workbook the bytes of
/// its workbook stream decoded and the stream's length.
pub fn read_file_with_progress(
    file_name: &str,
    bytes: &[u8],
    choices: &ReadChoices,
    skip_rows: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, Rejection> {
    crate::check_upload_size(file_name, bytes.len() as u64)?;
    let header_row = u32::try_from(skip_rows)
        .ok()
        .and_then(|skip| skip.checked_add(1))
        .ok_or_else(|| {
            Rejection::new(
                RejectCode::InvalidSettings,
                "the number of rows to skip is too large: use the row number above the header",
            )
        })?;
    let decoded = decode(file_name, bytes, choices, header_row, false, progress)?;
    build_table(decoded, header_row)
}

/// The rows of a decoded file and what intake found out about it.
struct Decoded {
    rows: Vec<SourceRow>,
    info: SourceInfo,
}

impl Decoded {
    fn new(rows: Vec<SourceRow>, format: FileFormat) -> Self {
        Decoded {
            rows,
            info: SourceInfo::new(format),
        }
    }
}

/// Decodes the content of a file or of a zip entry.
fn decode(
    name: &str,
    bytes: &[u8],
    choices: &ReadChoices,
    header_row: u32,
    inside_zip: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Decoded, Rejection> {
    if bytes.is_empty() {
        return Err(empty_file(name));
    }
    let named = detect::format_from_extension(name);
    let mut decoded = match detect::sniff(bytes) {
        Content::Text => {
            let format = match named {
                Some(FileFormat::Txt) => FileFormat::Txt,
                _ => FileFormat::Csv,
            };
            let read = text::read_text(bytes, choices, header_row, progress)?;
            let mut decoded = Decoded::new(read.rows, format);
            decoded.info.encoding = Some(read.encoding.to_owned());
            decoded.info.delimiter = Some(read.delimiter);
            decoded.info.warnings = read.warnings;
            decoded
        }
        Content::Compound => {
            if detect::is_encrypted_ooxml(bytes) {
                return Err(encrypted_file());
            }
            compound::check_compound(bytes)?;
            read_workbook(bytes, FileFormat::Xls, choices, progress)?
        }
        Content::Zip => match archive::classify(bytes)? {
            archive::ZipKind::Workbook(format) => {
                archive::check_inflated_size(bytes)?;
                read_workbook(bytes, format, choices, progress)?
            }
            archive::ZipKind::Archive if inside_zip => {
                return Err(Rejection::new(
                    RejectCode::UnsupportedFormat,
                    "the zip archive contains another zip archive: unpack the inner \
                     archive and upload the file inside it",
                ));
            }
            archive::ZipKind::Archive => return read_archive(bytes, choices, header_row, progress),
        },
        Content::Unsupported(kind) => {
            return Err(Rejection::new(
                RejectCode::UnsupportedFormat,
                format!(
                    "the file is {kind}, not a contact list: save it as CSV, XLSX, XLS, ODS \
                     or XLSB and upload that file"
                ),
            ));
        }
    };
    if let Some(warning) = detect::extension_warning(name, named, decoded.info.format) {
        decoded.info.warnings.push(warning);
    }
    Ok(decoded)
}

fn read_workbook(
    bytes: &[u8],
    format: FileFormat,
    choices: &ReadChoices,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Decoded, Rejection> {
    let sheet = workbook::read_workbook(bytes, format, choices, progress)?;
    let mut decoded = Decoded::new(sheet.rows, format);
    decoded.info.sheets = sheet.sheets;
    decoded.info.sheet = Some(sheet.name);
    Ok(decoded)
}

fn read_archive(
    bytes: &[u8],
    choices: &ReadChoices,
    header_row: u32,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Decoded, Rejection> {
    let entry = archive::read_first_entry(bytes)?;
    let mut decoded = decode(
        &entry.name,
        &entry.content,
        choices,
        header_row,
        true,
        progress,
    )?;
    drop(entry.content);
    decoded.info.zip_entry = Some(entry.name);
    if !entry.ignored.is_empty() {
        decoded.info.warnings.push(Warning {
            row: None,
            field: None,
            message: format!(
                "the zip archive holds more than one file, so only {} was read; ignored: {}",
                decoded.info.zip_entry.as_deref().unwrap_or_default(),
                entry.ignored.join(", ")
            ),
        });
    }
    Ok(decoded)
}

/// Splits decoded rows into the header and the data rows below it.
fn build_table(decoded: Decoded, header_row: u32) -> Result<Table, Rejection> {
    let Decoded { rows, info } = decoded;
    let mut rows = rows.into_iter().skip_while(|row| row.row < header_row);
    let header = rows.next().filter(|row| row.row == header_row);
    let data: Vec<SourceRow> = rows.collect();
    let Some(header) = header else {
        return Err(no_header_row(header_row));
    };
    let header_blank = header.cells.iter().all(|cell| cell.is_blank());
    if header_blank
        && data
            .iter()
            .all(|row| row.cells.iter().all(|cell| cell.is_blank()))
    {
        return Err(no_header_row(header_row));
    }

    // Spreadsheet columns exist without a header cell, so a workbook's
    // header is as wide as its widest row. A text file's header sets the
    // width, and longer rows are errors of their own.
    let width = match info.format {
        FileFormat::Csv | FileFormat::Txt => header.cells.len(),
        _ => data
            .iter()
            .map(|row| row.cells.len())
            .chain([header.cells.len()])
            .max()
            .unwrap_or_default(),
    };
    let headers = (0..width)
        .map(|index| {
            let name = header
                .cells
                .get(index)
                .and_then(|cell| crate::rules::cell::cell_text(cell, "header").ok().flatten());
            match name {
                Some(name) => name.into_owned(),
                None => format!("Column {}", index + 1),
            }
        })
        .collect();
    Ok(Table {
        headers,
        header_row,
        rows: data,
        info,
    })
}

fn no_header_row(header_row: u32) -> Rejection {
    Rejection::new(
        RejectCode::EmptyFile,
        format!(
            "the file has no header row at row {header_row}: it is empty or has only blank \
             rows there, so check the file or the number of rows to skip"
        ),
    )
}

fn empty_file(name: &str) -> Rejection {
    Rejection::new(
        RejectCode::EmptyFile,
        format!("{name} is empty (0 bytes): export the contacts again and upload that file"),
    )
}

fn encrypted_file() -> Rejection {
    Rejection::new(
        RejectCode::EncryptedFile,
        "the file is protected with a password: open it, remove the password \
         (or save an unprotected copy) and upload that",
    )
}

fn corrupt_file(what: &str, detail: impl std::fmt::Display) -> Rejection {
    Rejection::new(
        RejectCode::CorruptFile,
        format!("the {what} is damaged and cannot be read ({detail}): open it in its program, save it again and upload the new file"),
    )
}
