//! The error report of an import as CSV, safe to open in a spreadsheet.

use crate::error::RecordError;

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
