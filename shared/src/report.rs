//! The error report of an import as CSV, safe to open in a spreadsheet.

use crate::error::RecordError;
use crate::table::SourceRow;

/// Writes the error records as CSV with a header row.
///
/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// gets a leading `'`, so a spreadsheet shows it as text instead of
/// running it as a formula.
pub fn error_csv(errors: &[RecordError]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["row", "field", "code", "message"])?;
    for error in errors {
        writer.write_record([
            error.row.to_string(),
            neutralize(error.field.as_deref().unwrap_or("")),
            neutralize(error.code.key()),
            neutralize(&error.message),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

/// Header of the column with a record's row number in the file, which
/// [`error_records_csv`] writes after the file's columns.
pub const ROW_COLUMN: &str = "Row in file";

/// Header of the column with a record's errors, written after the row.
pub const ERRORS_COLUMN: &str = "Errors";

/// Writes the error records as CSV: the file's header and each record's
/// cells, then its row number and its errors as `field: message` separated
/// by ` | `. After the cells are fixed, the file imports again with the
/// same mapping, and the two added columns stay unmapped. Cells are
/// neutralized as in [`error_csv`].
pub fn error_records_csv(
    headers: &[String],
    rows: &[SourceRow],
    errors: &[RecordError],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = headers.iter().map(|text| neutralize(text)).collect();
    header.push(ROW_COLUMN.to_owned());
    header.push(ERRORS_COLUMN.to_owned());
    writer.write_record(&header)?;
    for row in rows {
        let reasons: Vec<String> = errors
            .iter()
            .filter(|error| error.row == row.row)
            .map(|error| match &error.field {
                Some(field) => format!("{field}: {}", error.message),
                None => error.message.clone(),
            })
            .collect();
        let mut record: Vec<String> = (0..headers.len())
            .map(|column| {
                neutralize(
                    &row.cells
                        .get(column)
                        .map(|cell| cell.text())
                        .unwrap_or_default(),
                )
            })
            .collect();
        record.push(row.row.to_string());
        record.push(neutralize(&reasons.join(" | ")));
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

/// Prefixes a cell that a spreadsheet would read as a formula with `'`.
pub fn neutralize(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formula_cells_are_neutralized() {
        let cases = [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("plain text", "plain text"),
            ("", ""),
        ];
        for (cell, expected) in cases {
            assert_eq!(neutralize(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn error_records_keep_cells_and_list_reasons() {
        use crate::table::Cell;

        let headers = vec!["Email".to_owned(), "Name".to_owned()];
        let rows = [SourceRow {
            row: 4,
            cells: vec![Cell::Text("=1+1".into()), Cell::Text("Ann".into())],
        }];
        let error = |field: Option<&str>, message: &str| RecordError {
            row: 4,
            field: field.map(str::to_owned),
            code: ErrorCode::InvalidEmail,
            message: message.into(),
        };
        let errors = [
            error(Some("email"), "not an email"),
            error(None, "no contact"),
            RecordError {
                row: 9,
                ..error(Some("email"), "another row")
            },
        ];
        let csv = String::from_utf8(error_records_csv(&headers, &rows, &errors).expect("writes"))
            .expect("UTF-8");
        assert_eq!(
            csv,
            "Email,Name,Row in file,Errors\n'=1+1,Ann,4,email: not an email | no contact\n"
        );
    }

    #[test]
    fn report_has_header_and_rows() {
        let errors = [RecordError {
            row: 7,
            field: Some("email".into()),
            code: ErrorCode::InvalidEmail,
            message: "=not an email".into(),
        }];
        let csv = String::from_utf8(error_csv(&errors).expect("writes")).expect("UTF-8");
        assert_eq!(
            csv,
            "row,field,code,message\n7,email,invalid_email,'=not an email\n"
        );
    }
}
