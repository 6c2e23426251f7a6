//! Workbooks (XLS, XLSX, XLSB, ODS) through calamine.
//!
//! calamine 0.38 returns the shown text of shared strings without their
//! `<rPh>` phonetic runs, and converts date serials by the workbook's own
//! date system (1900 or 1904).

use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use crate::error::{RejectCode, Rejection};
use crate::intake::{corrupt_file, encrypted_file, MAX_COLUMNS};
use crate::settings::ReadChoices;
use crate::table::{Cell, FileFormat, SheetInfo, SourceRow};

/// The sheet that was read, with the workbook's sheet list.
pub(super) struct Sheet {
    pub name: String,
    pub sheets: Vec<SheetInfo>,
    pub rows: Vec<SourceRow>,
}

/// Reads the chosen sheet of a workbook, or its first visible worksheet.
pub(super) fn read_workbook(
    bytes: &[u8],
    format: FileFormat,
    choices: &ReadChoices,
) -> Result<Sheet, Rejection> {
    let cursor = Cursor::new(bytes);
    let sheet = choices.sheet.as_deref();
    match format {
        FileFormat::Xls => read_sheet(Xls::new(cursor), sheet, is_password_xls),
        FileFormat::Xlsb => read_sheet(Xlsb::new(cursor), sheet, is_password_xlsb),
        FileFormat::Ods => read_sheet(Ods::new(cursor), sheet, is_password_ods),
        _ => read_sheet(Xlsx::new(cursor), sheet, is_password_xlsx),
    }
}

fn is_password_xls(error: &calamine::XlsError) -> bool {
    matches!(error, calamine::XlsError::Password)
}

fn is_password_xlsx(error: &calamine::XlsxError) -> bool {
    matches!(error, calamine::XlsxError::Password)
}

fn is_password_xlsb(error: &calamine::XlsbError) -> bool {
    matches!(error, calamine::XlsbError::Password)
}

fn is_password_ods(error: &calamine::OdsError) -> bool {
    matches!(error, calamine::OdsError::Password)
}

fn read_sheet<'a, R, E>(
    opened: Result<R, E>,
    wanted: Option<&str>,
    is_password: fn(&E) -> bool,
) -> Result<Sheet, Rejection>
where
    R: Reader<Cursor<&'a [u8]>, Error = E>,
    E: std::fmt::Display,
{
    let reject = |error: E| {
        if is_password(&error) {
            encrypted_file()
        } else {
            corrupt_file("workbook", error)
        }
    };
    let mut workbook = opened.map_err(reject)?;
    let metadata = workbook.sheets_metadata().to_vec();
    let sheets: Vec<SheetInfo> = metadata
        .iter()
        .map(|sheet| SheetInfo {
            name: sheet.name.clone(),
            hidden: sheet.visible != SheetVisible::Visible,
        })
        .collect();
    let name = match wanted {
        Some(wanted) => metadata
            .iter()
            .find(|sheet| sheet.name == wanted)
            .or_else(|| {
                metadata
                    .iter()
                    .find(|sheet| sheet.name.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .map(|sheet| sheet.name.clone())
            .ok_or_else(|| unknown_sheet(wanted, &sheets))?,
        None => metadata
            .iter()
            .find(|sheet| sheet.typ == SheetType::WorkSheet && sheet.visible == SheetVisible::Visible)
            .or_else(|| metadata.iter().find(|sheet| sheet.typ == SheetType::WorkSheet))
            .map(|sheet| sheet.name.clone())
            .ok_or_else(|| {
                Rejection::new(
                    RejectCode::EmptyFile,
                    "the workbook has no worksheet: add the contacts to a worksheet and save it again",
                )
            })?,
    };
    let range = workbook.worksheet_range(&name).map_err(reject)?;
    let rows = convert_range(&range)?;
    Ok(Sheet { name, sheets, rows })
}

fn unknown_sheet(wanted: &str, sheets: &[SheetInfo]) -> Rejection {
    let names: Vec<&str> = sheets.iter().map(|sheet| sheet.name.as_str()).collect();
    Rejection::new(
        RejectCode::InvalidSettings,
        format!(
            "the workbook has no sheet named {wanted:?}: choose one of {}",
            names.join(", ")
        ),
    )
}

/// Converts a calamine range into rows numbered from the top of the sheet,
/// with blank rows above the used range and cells left of it kept, so
/// that row and column numbers match what the spreadsheet shows.
fn convert_range(range: &Range<Data>) -> Result<Vec<SourceRow>, Rejection> {
    let Some((first_row, first_column)) = range.start() else {
        return Ok(Vec::new());
    };
    let leading_columns = usize::try_from(first_column).unwrap_or(usize::MAX);
    if leading_columns.saturating_add(range.width()) > MAX_COLUMNS {
        return Err(Rejection::new(
            RejectCode::UnsupportedFormat,
            format!("the sheet has more than {MAX_COLUMNS} columns: remove the unused columns"),
        ));
    }
    let mut rows: Vec<SourceRow> = (1..=first_row)
        .map(|row| SourceRow {
            row,
            cells: Vec::new(),
        })
        .collect();
    for (offset, data) in range.rows().enumerate() {
        let row = u32::try_from(offset)
            .ok()
            .and_then(|offset| first_row.checked_add(offset))
            .and_then(|row| row.checked_add(1))
            .unwrap_or(u32::MAX);
        let mut cells: Vec<Cell> = Vec::new();
        let used = data.iter().rposition(|value| !matches!(value, Data::Empty));
        if let Some(last) = used {
            cells.reserve(leading_columns + last + 1);
            cells.extend(std::iter::repeat_n(Cell::Empty, leading_columns));
            cells.extend(data.iter().take(last + 1).map(convert_cell));
        }
        rows.push(SourceRow { row, cells });
    }
    Ok(rows)
}

/// Converts one calamine value into a cell.
fn convert_cell(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(text) if text.is_empty() => Cell::Empty,
        Data::String(text) => Cell::Text(text.clone()),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(date) if date.is_datetime() && date.as_f64() >= 1.0 => {
            let (year, month, day, ..) = date.to_ymd_hms_milli();
            Cell::Date(format!("{year:04}-{month:02}-{day:02}"))
        }
        Data::DateTime(date) => Cell::Number(date.as_f64()),
        Data::DateTimeIso(text) => match text.get(..10) {
            Some(date) if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() => {
                Cell::Date(date.to_owned())
            }
            _ => Cell::Text(text.clone()),
        },
        Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Error(error.to_string()),
    }
}
