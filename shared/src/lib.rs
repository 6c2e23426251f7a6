//! Contact-file intake for the people importer: decoding of CSV, TXT, XLS,
//! XLSX, XLSB, ODS and ZIP files, column mapping, validation and
//! normalization of profile fields, and grouping of records into profiles.
//!
//! The crate does no I/O. It takes the file's bytes and returns values, so
//! that the browser (compiled to `wasm32-unknown-unknown`) and the server
//! run the same rules.
//!
//! The flow is [`read_file`] (bytes to a [`Table`]), then [`analyze`]
//! ([`Table`] and [`Settings`] to an [`Analysis`]). The server checks the
//! profiles it receives with [`check_profiles`].

pub mod analysis;
pub mod analyze;
pub mod attributes;
pub mod error;
pub mod field;
pub mod intake;
mod progress;
pub mod report;
pub mod rules;
pub mod settings;
pub mod suggest;
pub mod table;
pub mod validate;
pub mod wire;

pub use analysis::{record_fields, Analysis, ProfileDraft, ProfileValues, Record, Summary};
pub use analyze::{analyze, analyze_with_progress};
pub use error::{ErrorCode, RecordError, RejectCode, Rejection, Warning};
pub use field::{FieldKey, ProfileField};
pub use intake::{read_file, read_file_with_progress};
pub use settings::{ColumnMapping, PersonType, ReadChoices, Settings};
pub use table::{Cell, CellEdit, FileFormat, SourceInfo, SourceRow, Table};
pub use validate::check_profiles;

/// Largest accepted upload, in bytes (50 MiB), zip or not.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// Largest content a zip entry may inflate to, in bytes (512 MiB). Counted
/// while inflating, because a zip header can state any size.
pub const MAX_INFLATED_BYTES: u64 = 512 * 1024 * 1024;

/// Most additional contacts of one type (email or phone) a profile takes
/// from one file, besides its main contact.
pub const MAX_ADDITIONAL_CONTACTS: usize = 20;

/// Rejects an upload larger than [`MAX_UPLOAD_BYTES`] before any of it is
/// read; `size` is in bytes.
pub fn check_upload_size(file_name: &str, size: u64) -> Result<(), Rejection> {
    if size <= MAX_UPLOAD_BYTES {
        return Ok(());
    }
    let is_zip = file_name.to_ascii_lowercase().ends_with(".zip");
    let advice = if is_zip {
        "split the contacts into several files of at most 50 MiB and import them one by one"
    } else {
        "compress it into a .zip file (a zip of at most 50 MiB may hold a larger file) or split it"
    };
    Err(Rejection::new(
        RejectCode::FileTooLarge,
        format!(
            "{file_name} is {:.1} MiB, over the 50 MiB upload limit: {advice}",
            size as f64 / (1024.0 * 1024.0)
        ),
    ))
}

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
