//! Rejections of a whole file and errors of single records.

use serde::{Deserialize, Serialize};

/// Why a whole file was rejected before any record was imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectCode {
    FileTooLarge,
    DecompressedTooLarge,
    EncryptedFile,
    CorruptFile,
    EmptyFile,
    UnsupportedFormat,
    NoIdentifierMapped,
    UnknownColumn,
    InvalidSettings,
}

/// A whole-file rejection: the code and a message that names the problem
/// and the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    /// Creates a rejection with its message.
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
        }
    }
}

/// Why one record is an error record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    InvalidEmail,
    InvalidPhone,
    PhonePrecisionLost,
    PrecisionLost,
    InvalidDate,
    InvalidName,
    InvalidGender,
    InvalidLanguage,
    InvalidValue,
    TooLong,
    CellError,
    TooManyFields,
    NoContact,
    ConflictingIdentifiers,
    TooManyContacts,
    AmbiguousMatch,
}

impl ErrorCode {
    /// The snake_case code as it appears in JSON.
    pub fn key(self) -> &'static str {
        match self {
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::PhonePrecisionLost => "phone_precision_lost",
            ErrorCode::PrecisionLost => "precision_lost",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidGender => "invalid_gender",
            ErrorCode::InvalidLanguage => "invalid_language",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::TooLong => "too_long",
            ErrorCode::CellError => "cell_error",
            ErrorCode::TooManyFields => "too_many_fields",
            ErrorCode::NoContact => "no_contact",
            ErrorCode::ConflictingIdentifiers => "conflicting_identifiers",
            ErrorCode::TooManyContacts => "too_many_contacts",
            ErrorCode::AmbiguousMatch => "ambiguous_match",
        }
    }
}

/// One error of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    /// Row number as a spreadsheet shows it (1-based, counted from the top
    /// of the file, skipped and blank rows included).
    pub row: u32,
    /// Field key of the value at fault, or `None` for a record-level error.
    pub field: Option<String>,
    pub code: ErrorCode,
    /// Plain-language reason and fix, without the rejected cell content.
    pub message: String,
}

/// A note on a record that is still imported, such as a second value for a
/// single-valued field that the profile's first value wins over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Row number as a spreadsheet shows it, or `None` for the whole file.
    pub row: Option<u32>,
    pub field: Option<String>,
    pub message: String,
}
