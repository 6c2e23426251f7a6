//! Workbooks (XLS, XLSX, XLSB, ODS) through calamine.
//!
//! calamine 0.38 returns the shown text of shared strings without their
//! `<rPh>` phonetic runs, and converts date serials by the workbook's own
//! date system (1900 or 1904).

use std::io::{Cursor, Read, Seek, SeekFrom};

use calamine::{
    Data, DataRef, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsOptions, Xlsb, Xlsx,
};

use crate::error::{RejectCode, Rejection};
use crate::intake::{corrupt_file, encrypted_file, MAX_COLUMNS};
use crate::progress::Throttle;
use crate::settings::ReadChoices;
use crate::table::{Cell, FileFormat, SheetInfo, SourceRow};

/// The sheet that was read, with the workbook's sheet list.
pub(super) struct Sheet {
    pub name: String,
    pub sheets: Vec<SheetInfo>,
    pub rows: Vec<SourceRow>,
}

/// Reads the chosen sheet of a workbook, or its first visible worksheet.
/// It calls `progress` about every hundredth of the work. An XLSX or XLSB
/// sheet reports the rows read and the rows its dimension names. An ODS
/// workbook reports the bytes of the file read and its length, and an XLS
/// workbook the bytes of its workbook stream decoded and the stream's
/// length.
pub(super) fn read_workbook(
    bytes: &[u8],
    format: FileFormat,
    choices: &ReadChoices,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Sheet, Rejection> {
    let cursor = Cursor::new(bytes);
    let sheet = choices.sheet.as_deref();
    match format {
        FileFormat::Xls => read_sheet(
            Xls::new_with_progress(PaddedReader::new(bytes), XlsOptions::default(), progress),
            sheet,
            known_xls_error,
            whole_range,
        ),
        FileFormat::Xlsb => read_sheet(
            Xlsb::new(cursor),
            sheet,
            known_xlsb_error,
            |workbook: &mut Xlsb<_>, name: &str| {
                xlsb_cells(workbook, name, progress).map(SheetCells::Used)
            },
        ),
        FileFormat::Ods => read_sheet(
            Ods::new(ProgressReader::new(bytes, progress)),
            sheet,
            known_ods_error,
            whole_range,
        ),
        _ => read_sheet(
            Xlsx::new(cursor),
            sheet,
            known_xlsx_error,
            |workbook: &mut Xlsx<_>, name: &str| {
                xlsx_cells(workbook, name, progress).map(SheetCells::Used)
            },
        ),
    }
}

/// The used cells of a sheet with their 0-based (row, column) positions,
/// in row order.
type UsedCells = Vec<calamine::Cell<Data>>;

/// The cells of a sheet as its reader gives them.
enum SheetCells {
    /// Every cell from the first used row and column to the last, as XLS
    /// and ODS sheets are decoded in one call.
    Range(Range<Data>),
    /// The used cells alone, as XLSX and XLSB sheets are read cell by cell.
    Used(UsedCells),
}

impl SheetCells {
    /// Converts the cells into rows with [`rows_of_cells`], within [`MAX_ROW_CELLS`].
    fn into_rows(self) -> Result<Vec<SourceRow>, Rejection> {
        match self {
            SheetCells::Range(range) => {
                let (first_row, first_column) = range.start().unwrap_or_default();
                rows_of_cells(
                    range.used_cells().map(|(row, column, data)| {
                        let row = first_row.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
                        let column =
                            first_column.saturating_add(u32::try_from(column).unwrap_or(u32::MAX));
                        ((row, column), data)
                    }),
                    MAX_ROW_CELLS,
                )
            }
            SheetCells::Used(cells) => rows_of_cells(
                cells
                    .iter()
                    .map(|cell| (cell.get_position(), cell.get_value())),
                MAX_ROW_CELLS,
            ),
        }
    }
}

/// Reads a sheet in one call.
fn whole_range<RS: Read + Seek, R: Reader<RS>>(
    workbook: &mut R,
    name: &str,
) -> Result<SheetCells, R::Error> {
    workbook.worksheet_range(name).map(SheetCells::Range)
}

/// Reads an XLSX sheet cell by cell and reports its rows read.
fn xlsx_cells<RS: Read + Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<UsedCells, calamine::XlsxError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet has no cells, as with `worksheet_range`.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let dimensions = reader.dimensions();
    collect_cells(dimensions, || reader.next_cell(), progress)
}

/// Reads an XLSB sheet cell by cell and reports its rows read.
fn xlsb_cells<RS: Read + Seek>(
    workbook: &mut Xlsb<RS>,
    name: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<UsedCells, calamine::XlsbError> {
    let mut reader = workbook.worksheet_cells_reader(name)?;
    let dimensions = reader.dimensions();
    collect_cells(dimensions, || reader.next_cell(), progress)
}

/// Collects the cells that `next_cell` gives, skipping empty ones, in row
/// order. Calls `progress` with the rows read and the rows that the
/// sheet's `dimensions` name, about every hundredth.
///
/// The cells stay sparse: calamine's `Range` would hold every cell from
/// the first used row and column to the last, which for one stray value
/// far down and right is billions of cells.
fn collect_cells<'a, E>(
    dimensions: calamine::Dimensions,
    mut next_cell: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<UsedCells, E> {
    let total = u64::from(dimensions.end.0) + 1;
    let mut throttle = Throttle::rows(total);
    let mut cells = Vec::new();
    while let Some(cell) = next_cell()? {
        let (row, column) = cell.get_position();
        let row_number = u64::from(row);
        if throttle.due(row_number) {
            // A sheet without a dimension, or with one smaller than its
            // cells, has no known size, which a total of 0 reports.
            let known = if row_number < total { total } else { 0 };
            progress(row_number, known);
        }
        if !matches!(cell.get_value(), DataRef::Empty) {
            cells.push(calamine::Cell::new(
                (row, column),
                Data::from(cell.get_value().clone()),
            ));
        }
    }
    // Writers store rows and cells in order, but nothing forces them to.
    cells.sort_by_key(|cell| cell.get_position());
    Ok(cells)
}

/// Returns the rejection of an XLS error that is not damage.
fn known_xls_error(error: &calamine::XlsError) -> Option<Rejection> {
    match error {
        calamine::XlsError::Password => Some(encrypted_file()),
        calamine::XlsError::CellLimitExceeded { max, .. } => Some(too_many_cells(*max)),
        _ => None,
    }
}

/// Returns the rejection of an XLSX error that is not damage.
fn known_xlsx_error(error: &calamine::XlsxError) -> Option<Rejection> {
    matches!(error, calamine::XlsxError::Password).then(encrypted_file)
}

/// Returns the rejection of an XLSB error that is not damage.
fn known_xlsb_error(error: &calamine::XlsbError) -> Option<Rejection> {
    matches!(error, calamine::XlsbError::Password).then(encrypted_file)
}

/// Returns the rejection of an ODS error that is not damage.
fn known_ods_error(error: &calamine::OdsError) -> Option<Rejection> {
    match error {
        calamine::OdsError::Password => Some(encrypted_file()),
        calamine::OdsError::CellLimitExceeded { max, .. } => Some(too_many_cells(*max)),
        _ => None,
    }
}

/// Returns the rejection of a workbook with more than `max` cells.
fn too_many_cells(max: usize) -> Rejection {
    Rejection::new(
        RejectCode::DecompressedTooLarge,
        format!(
            "the workbook holds more than {max} cells, counted from the first used cell of each \
             sheet to its last: delete the unused rows and columns, or the other sheets, and \
             save it again"
        ),
    )
}

/// Reads the chosen sheet, or the first visible worksheet, of an opened
/// workbook with `read_cells`.
fn read_sheet<RS, R, E>(
    opened: Result<R, E>,
    wanted: Option<&str>,
    known_error: fn(&E) -> Option<Rejection>,
    read_cells: impl FnOnce(&mut R, &str) -> Result<SheetCells, E>,
) -> Result<Sheet, Rejection>
where
    RS: Read + Seek,
    R: Reader<RS, Error = E>,
    E: std::fmt::Display,
{
    let reject = |error: E| known_error(&error).unwrap_or_else(|| corrupt_file("workbook", error));
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
    let rows = read_cells(&mut workbook, &name)
        .map_err(reject)?
        .into_rows()?;
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

/// A reader over a file that calls `progress` with the bytes read so far
/// and the file's length, about every hundredth. calamine decodes an ODS
/// workbook while it reads the file, so the share read is the share done.
struct ProgressReader<'a, 'p> {
    cursor: Cursor<&'a [u8]>,
    read: u64,
    throttle: Throttle,
    progress: &'p mut dyn FnMut(u64, u64),
}

impl<'a, 'p> ProgressReader<'a, 'p> {
    fn new(bytes: &'a [u8], progress: &'p mut dyn FnMut(u64, u64)) -> Self {
        ProgressReader {
            cursor: Cursor::new(bytes),
            read: 0,
            throttle: Throttle::bytes(bytes.len() as u64),
            progress,
        }
    }
}

impl Read for ProgressReader<'_, '_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.cursor.read(buffer)?;
        self.read += count as u64;
        if self.throttle.due(self.read) {
            // A reader may read some parts twice, so the count can pass
            // the length.
            let total = self.cursor.get_ref().len() as u64;
            (self.progress)(self.read.min(total), total);
        }
        Ok(count)
    }
}

impl Seek for ProgressReader<'_, '_> {
    fn seek(&mut self, from: SeekFrom) -> std::io::Result<u64> {
        self.cursor.seek(from)
    }
}

/// Zero bytes a [`PaddedReader`] reads past the end: two sectors of the
/// largest compound-file sector size (4096 bytes).
const COMPOUND_PADDING: u64 = 2 * 4096;

/// A reader over a compound file (XLS) that reads zeros for
/// [`COMPOUND_PADDING`] bytes past the end, while seeking to the end still
/// finds the real length.
///
/// NOTE: calamine 0.38 panics (a slice index out of range in
/// `cfb::Sectors::get`) when a sector it may read by the file length ends
/// past the end of a truncated file. With the padding, every such sector
/// reads in full and the damage shows up as an error instead.
struct PaddedReader<'a> {
    bytes: &'a [u8],
    position: u64,
}

impl<'a> PaddedReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        PaddedReader { bytes, position: 0 }
    }
}

impl Read for PaddedReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let length = self.bytes.len() as u64;
        let end = length + COMPOUND_PADDING;
        if self.position >= end {
            return Ok(0);
        }
        let wanted = (buffer.len() as u64).min(end - self.position);
        let wanted = usize::try_from(wanted).unwrap_or(buffer.len());
        let target = buffer.get_mut(..wanted).unwrap_or_default();
        let start = usize::try_from(self.position).unwrap_or(usize::MAX);
        let available = self.bytes.get(start..).unwrap_or_default();
        let copied = available.len().min(target.len());
        let (data, zeros) = target.split_at_mut(copied);
        data.copy_from_slice(available.get(..copied).unwrap_or_default());
        zeros.fill(0);
        self.position += wanted as u64;
        Ok(wanted)
    }
}

impl Seek for PaddedReader<'_> {
    fn seek(&mut self, from: SeekFrom) -> std::io::Result<u64> {
        let length = self.bytes.len() as u64;
        let target = match from {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(offset) => length.checked_add_signed(offset),
            SeekFrom::Current(offset) => self.position.checked_add_signed(offset),
        };
        let target = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        self.position = target;
        Ok(target)
    }
}

/// Converts the used cells of a sheet into rows numbered from the top of
/// the sheet. Blank rows above and between the used ones stay, as do the
/// empty cells left of the used ones, so that row and column numbers match
/// what the spreadsheet shows. `cells` are the used cells with their
/// 0-based (row, column) positions, in row order. The sheet is rejected
/// before its rows hold more than `max_cells` cells.
fn rows_of_cells<'a>(
    cells: impl Iterator<Item = ((u32, u32), &'a Data)>,
    max_cells: usize,
) -> Result<Vec<SourceRow>, Rejection> {
    let mut rows: Vec<SourceRow> = Vec::new();
    let mut row_cells = 0usize;
    for ((row, column), data) in cells {
        let column = usize::try_from(column).unwrap_or(usize::MAX);
        if column >= MAX_COLUMNS {
            return Err(Rejection::new(
                RejectCode::UnsupportedFormat,
                format!("the sheet has more than {MAX_COLUMNS} columns: remove the unused columns"),
            ));
        }
        if row >= MAX_ROWS {
            return Err(corrupt_file(
                "workbook",
                format!(
                    "a cell lies in row {}, below the last row a sheet has",
                    row.saturating_add(1)
                ),
            ));
        }
        let number = row + 1;
        while rows.last().map_or(0, |last| last.row) < number {
            let next = rows.last().map_or(1, |last| last.row + 1);
            rows.push(SourceRow {
                row: next,
                cells: Vec::new(),
            });
        }
        let Some(last) = rows.last_mut() else {
            continue;
        };
        if last.cells.len() <= column {
            row_cells += column + 1 - last.cells.len();
            if row_cells > max_cells {
                return Err(Rejection::new(
                    RejectCode::DecompressedTooLarge,
                    format!(
                        "the sheet holds more than {max_cells} cells, counted to the last value of \
                         each row: delete the values far right of the data and save it again"
                    ),
                ));
            }
            last.cells.resize(column + 1, Cell::Empty);
        }
        last.cells[column] = convert_cell(data);
    }
    Ok(rows)
}

/// Cells that the rows of a sheet may hold, counted to the last value of
/// each row: as many as a full XLS sheet, about half a gigabyte of cells.
const MAX_ROW_CELLS: usize = 65_536 * 256;

/// Rows a sheet has at most: the row limit of Excel (1,048,576).
const MAX_ROWS: u32 = 1_048_576;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rows_over_cell_limit_are_rejected() {
        let value = Data::Int(1);
        // One value at the end of each of three rows of 4 columns.
        let cells = (0..3).map(|row| ((row, 3), &value));
        assert_eq!(rows_of_cells(cells.clone(), 12).expect("12 cells").len(), 3);
        let rejection = rows_of_cells(cells, 11).expect_err("12 cells");
        assert_eq!(rejection.code, RejectCode::DecompressedTooLarge);
        assert!(
            rejection.message.contains("11 cells"),
            "{}",
            rejection.message
        );
    }

    #[test]
    fn padded_reader_reads_zeros_past_end() {
        let mut reader = PaddedReader::new(b"abc");
        assert_eq!(reader.seek(SeekFrom::End(0)).expect("seek"), 3);
        reader.seek(SeekFrom::Start(1)).expect("seek");
        let mut buffer = [9u8; 5];
        assert_eq!(reader.read(&mut buffer).expect("read"), 5);
        assert_eq!(buffer, [b'b', b'c', 0, 0, 0]);
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).expect("read to end");
        assert_eq!(rest.len() as u64, COMPOUND_PADDING - 3);
    }
}
