//! The decoded content of a file: header, rows of cells, and what intake
//! found out about the file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Warning;

/// One cell value as the file stores it, before any field rule applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Empty,
    /// Text, exactly as the file holds it (text files give only text).
    Text(String),
    /// A numeric spreadsheet cell.
    Number(f64),
    Bool(bool),
    /// A spreadsheet date cell, already converted by the workbook's date
    /// system, as an ISO `YYYY-MM-DD` date.
    Date(String),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// Returns the cell as a spreadsheet shows it: text as it is, numbers
    /// in their shortest form, booleans as `TRUE` or `FALSE`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) | Cell::Date(text) | Cell::Error(text) => text.clone(),
            Cell::Number(number) => number.to_string(),
            Cell::Bool(true) => "TRUE".to_owned(),
            Cell::Bool(false) => "FALSE".to_owned(),
        }
    }

    /// Whether the cell holds nothing but white space and invisible
    /// characters (see [`crate::rules::is_invisible`]), which every field
    /// rule reads as empty.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => crate::rules::non_empty(text).is_none(),
            _ => false,
        }
    }
}

/// One data row of the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    /// Row number as a spreadsheet shows it (1-based, from the top of the
    /// file). A quoted field with line breaks does not add rows.
    pub row: u32,
    /// Cells in column order; a row may be shorter or longer than the header.
    pub cells: Vec<Cell>,
}

/// The container format of a file, as found from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Txt,
    Xls,
    Xlsx,
    Xlsb,
    Ods,
    Zip,
}

/// A worksheet of a workbook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetInfo {
    pub name: String,
    pub hidden: bool,
}

/// What intake found out about the file, shown in the preview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Format of the data that was read (for a zip, the format of its entry).
    pub format: FileFormat,
    /// Name of the zip entry that was read, when the file is a zip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_entry: Option<String>,
    /// Encoding label of a text file (WHATWG name, such as `UTF-8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Field delimiter of a text file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Worksheets of a workbook, in workbook order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<SheetInfo>,
    /// The worksheet that was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Notes about the file as a whole, such as ignored zip entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

impl SourceInfo {
    /// Creates the information of a file of the given format, with nothing
    /// else found out yet.
    pub fn new(format: FileFormat) -> Self {
        SourceInfo {
            format,
            zip_entry: None,
            encoding: None,
            delimiter: None,
            sheets: Vec::new(),
            sheet: None,
            warnings: Vec::new(),
        }
    }
}

/// A decoded file: the header row and the data rows below it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Column names; an empty header cell becomes `Column N` (1-based) and
    /// duplicate names stay separate columns.
    pub headers: Vec<String>,
    /// Row number of the header row (`skip_rows + 1`).
    pub header_row: u32,
    /// Data rows below the header, blank rows included.
    pub rows: Vec<SourceRow>,
    pub info: SourceInfo,
}

/// A cell text that a person typed in place of the file's, to fix a record
/// before the file is analysed again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellEdit {
    /// Row number of the record as a spreadsheet shows it.
    pub row: u32,
    /// Column index, 0-based.
    pub column: usize,
    /// The text that replaces the cell. An empty text clears the cell.
    pub value: String,
}

impl SourceRow {
    /// Replaces the cell in `column` with `text`, padding a short row with
    /// empty cells, and returns whether the cell changed. A cell that
    /// already reads as `text` stays as it is, so a date or number cell
    /// edited to its own text keeps its type.
    pub fn set_text(&mut self, column: usize, text: &str) -> bool {
        let current = self.cells.get(column).map(Cell::text).unwrap_or_default();
        if current == text {
            return false;
        }
        if self.cells.len() <= column {
            self.cells.resize(column + 1, Cell::Empty);
        }
        self.cells[column] = if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text.to_owned())
        };
        true
    }
}

impl Table {
    /// Applies the edits whose row and column exist in the table, the
    /// last edit of each cell winning, and returns how many cells now
    /// differ from the file's.
    pub fn apply_edits(&mut self, edits: &[CellEdit]) -> usize {
        let width = self.headers.len();
        let mut last: BTreeMap<(u32, usize), &str> = BTreeMap::new();
        for edit in edits.iter().filter(|edit| edit.column < width) {
            last.insert((edit.row, edit.column), &edit.value);
        }
        let mut changed = 0;
        for ((row, column), value) in last {
            // Rows are in file order, so their numbers ascend.
            if let Ok(index) = self.rows.binary_search_by_key(&row, |source| source.row) {
                changed += usize::from(self.rows[index].set_text(column, value));
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn table() -> Table {
        let row = |row: u32, cells: &[&str]| SourceRow {
            row,
            cells: cells
                .iter()
                .map(|text| Cell::Text((*text).into()))
                .collect(),
        };
        Table {
            headers: vec!["Email".into(), "Phone".into()],
            header_row: 1,
            rows: vec![row(2, &["a@example"]), row(4, &["b@example.com", "+1"])],
            info: SourceInfo::new(FileFormat::Csv),
        }
    }

    fn edit(row: u32, column: usize, value: &str) -> CellEdit {
        CellEdit {
            row,
            column,
            value: value.into(),
        }
    }

    #[test]
    fn edits_replace_cells_and_pad_short_rows() {
        let mut table = table();
        let changed = table.apply_edits(&[
            edit(2, 0, "first"),
            edit(2, 1, "+33 1 23 45 67 89"),
            edit(2, 0, "a@example.com"),
            edit(4, 1, ""),
        ]);
        assert_eq!(changed, 3);
        assert_eq!(
            table.rows[0].cells,
            [
                Cell::Text("a@example.com".into()),
                Cell::Text("+33 1 23 45 67 89".into())
            ]
        );
        assert_eq!(table.rows[1].cells[1], Cell::Empty);
    }

    #[test]
    fn edits_back_to_the_file_text_change_nothing() {
        let mut table = table();
        table.rows[1].cells[1] = Cell::Number(4915112345678.0);
        let before = table.clone();
        let first = table.rows[0].cells[0].text();
        let changed = table.apply_edits(&[
            edit(2, 0, "typo"),
            edit(2, 0, &first),
            edit(4, 1, "4915112345678"),
        ]);
        assert_eq!(changed, 0);
        assert_eq!(table, before, "the number cell keeps its type");
    }

    #[test]
    fn edits_of_missing_rows_and_columns_are_skipped() {
        let mut table = table();
        let before = table.clone();
        assert_eq!(table.apply_edits(&[edit(3, 0, "x"), edit(2, 2, "x")]), 0);
        assert_eq!(table, before);
    }
}
