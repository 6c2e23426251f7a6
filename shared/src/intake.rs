//! Decoding of file bytes into a [`Table`].

use crate::error::{RejectCode, Rejection};
use crate::settings::ReadChoices;
use crate::table::Table;

/// Decodes a file into its header and data rows.
///
/// `skip_rows` rows at the top are ignored and the next row is the header.
pub fn read_file(
    file_name: &str,
    bytes: &[u8],
    choices: &ReadChoices,
    skip_rows: usize,
) -> Result<Table, Rejection> {
    let _ = (file_name, bytes, choices, skip_rows);
    Err(Rejection::new(RejectCode::UnsupportedFormat, "TODO: intake"))
}
