//! Types that the frontend and the backend exchange as JSON over `/api`.

use serde::{Deserialize, Serialize};

use crate::analysis::{ProfileDraft, ProfileValues, Summary};
use crate::error::RecordError;
use crate::settings::{PersonType, Settings};

/// What happens to a file profile that matches a stored profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMatch {
    /// Leave the stored profile unchanged.
    #[default]
    Discard,
    /// Update the stored profile with the file's values.
    Merge,
}

/// Which import tags the imported profiles get, besides the values of a
/// mapped tags column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", content = "tags", rename_all = "snake_case")]
pub enum TagChoice {
    #[default]
    None,
    /// One system tag unique to this import, such as `import-2026-12-04-1530`.
    Automatically,
    /// The named tags.
    Manually(Vec<String>),
}

/// The choices made after analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportChoices {
    pub on_match: OnMatch,
    pub tags: TagChoice,
    /// Active journey that every profile tagged by the import joins; only
    /// allowed when the import applies tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey_id: Option<i64>,
    /// Number of cells that the person edited in the browser before the
    /// analysis that the import sends.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub edited_cells: u32,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// A journey that imported profiles can join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journey {
    pub journey_id: i64,
    pub name: String,
    pub active: bool,
    /// Number of profiles enrolled.
    pub enrolled: u64,
}

/// An import as the frontend sends it: the analysed profiles and the record
/// errors, never the raw cells of invalid rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    pub file_name: String,
    /// Size of the uploaded file in bytes.
    pub file_size: u64,
    pub settings: Settings,
    pub choices: ImportChoices,
    pub summary: Summary,
    pub errors: Vec<RecordError>,
    pub profiles: Vec<ProfileDraft>,
}

/// Status of an import as people see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Uploading,
    Importing,
    Completed,
    CompletedWithErrors,
    Failed,
    Cancelled,
}

impl ImportStatus {
    /// The snake_case key used in the API and the store.
    pub fn key(self) -> &'static str {
        match self {
            ImportStatus::Uploading => "uploading",
            ImportStatus::Importing => "importing",
            ImportStatus::Completed => "completed",
            ImportStatus::CompletedWithErrors => "completed_with_errors",
            ImportStatus::Failed => "failed",
            ImportStatus::Cancelled => "cancelled",
        }
    }

    /// The status text people see.
    pub fn label(self) -> &'static str {
        match self {
            ImportStatus::Uploading => "Uploading",
            ImportStatus::Importing => "Importing",
            ImportStatus::Completed => "Completed",
            ImportStatus::CompletedWithErrors => "Completed with errors",
            ImportStatus::Failed => "Failed",
            ImportStatus::Cancelled => "Cancelled",
        }
    }
}

/// Profile counts of an applied import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeCounts {
    pub created: u32,
    pub updated: u32,
    pub promoted: u32,
    pub discarded: u32,
    pub failed: u32,
}

/// One row of the import history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub import_id: i64,
    /// RFC 3339 UTC time the import was created.
    pub started_at: String,
    /// RFC 3339 UTC time the import finished, if it has.
    pub finished_at: Option<String>,
    pub imported_by: String,
    pub file_name: String,
    pub file_size: u64,
    pub person_type: PersonType,
    pub on_match: OnMatch,
    pub valid_records: u32,
    pub error_records: u32,
    pub status: ImportStatus,
    /// Reason of a failed import.
    pub failure: Option<String>,
    pub counts: MergeCounts,
    /// Profiles merged so far and in all, while the import is Importing.
    /// On SQLite only the instance that runs the merge reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    /// RFC 3339 UTC time the import was undone, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<String>,
}

/// How far a long step has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Most profiles one upload batch may hold.
pub const MAX_BATCH_PROFILES: usize = 10_000;

/// The profiles a client puts into one batch.
pub const BATCH_PROFILES: usize = 2_000;

/// The first step of an import: everything but the profiles, which follow
/// in numbered batches (`PUT /api/imports/{id}/batches/{n}`, a JSON array
/// of [`ProfileDraft`], gzip-compressed with `Content-Encoding: gzip`),
/// then `POST /api/imports/{id}/commit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewImport {
    pub file_name: String,
    /// Size of the uploaded file in bytes.
    pub file_size: u64,
    /// SHA-256 of the file's bytes as 64 hex digits. Creating an import
    /// with the checksum of one still uploading resumes that one.
    pub checksum: String,
    pub settings: Settings,
    pub choices: ImportChoices,
    pub summary: Summary,
    /// Every record error of the analysis, without cell content.
    pub errors: Vec<RecordError>,
}

impl ImportRequest {
    /// The first step of this import in the batch protocol.
    pub fn new_import(&self, checksum: String) -> NewImport {
        NewImport {
            file_name: self.file_name.clone(),
            file_size: self.file_size,
            checksum,
            settings: self.settings.clone(),
            choices: self.choices.clone(),
            summary: self.summary,
            errors: self.errors.clone(),
        }
    }
}

/// The answer to creating an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCreated {
    pub entry: ImportEntry,
    /// Whether an earlier upload of the same file was found and continues.
    pub resumed: bool,
    /// Batch numbers the server has already stored, ascending.
    pub received_batches: Vec<u32>,
}

/// The answer to one uploaded batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReceipt {
    pub batch_number: u32,
    /// False when the same batch was stored before, so nothing changed.
    pub stored: bool,
}

/// The body of `POST /api/imports/{id}/commit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRequest {
    /// Number of batches, numbered from 0.
    pub batch_count: u32,
}

/// An import with everything the details view shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDetails {
    pub entry: ImportEntry,
    pub settings: Settings,
    pub choices: ImportChoices,
    /// Error records: the analysis errors and the merge failures, by row.
    pub errors: Vec<RecordError>,
}

/// The body of `POST /api/imports/{id}/undo`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoRequest {
    /// Undo even though later imports changed some of the same profiles;
    /// their changes to those profiles are lost.
    #[serde(default)]
    pub confirm: bool,
}

/// What an undo did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoOutcome {
    /// Profiles the import had created, now removed.
    pub removed: u32,
    /// Profiles the import had changed, now back to their earlier values.
    pub restored: u32,
}

/// An in-app notification for the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub notification_id: i64,
    pub import_id: Option<i64>,
    pub message: String,
    /// RFC 3339 UTC time.
    pub created_at: String,
    pub read: bool,
}

/// A stored profile as the Persons page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub person_id: i64,
    pub person_type: PersonType,
    pub values: ProfileValues,
}

/// One page of a longer list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items in the whole list.
    pub total: u64,
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
}

/// The body of every API error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable code, such as `invalid_profiles`.
    pub code: String,
    pub message: String,
    /// Record-level problems, for a rejected batch of profiles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RecordError>,
}

/// The identifiers of one file profile, sent to count matches before the
/// person chooses Discard or Merge. No other value leaves the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileIdentifiers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
}

impl ProfileIdentifiers {
    /// The identifiers of a profile draft.
    pub fn of(values: &ProfileValues) -> Self {
        ProfileIdentifiers {
            external_id: values.external_id.clone(),
            emails: values.emails.clone(),
            phones: values.phones.clone(),
        }
    }
}

/// How many file profiles match stored profiles, by the type of the match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchCounts {
    /// File profiles that match no stored profile and would be created.
    pub new_profiles: u32,
    /// File profiles that match one stored lead.
    pub matched_leads: u32,
    /// File profiles that match one stored customer.
    pub matched_customers: u32,
    /// File profiles that match two or more stored profiles (`ambiguous_match`).
    pub ambiguous: u32,
}

impl std::ops::AddAssign for MatchCounts {
    /// Adds the counts of another set of file profiles. Each profile is
    /// counted on its own, so the counts of disjoint sets add up to the
    /// counts of their union.
    fn add_assign(&mut self, other: MatchCounts) {
        self.new_profiles += other.new_profiles;
        self.matched_leads += other.matched_leads;
        self.matched_customers += other.matched_customers;
        self.ambiguous += other.ambiguous;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn match_counts_add_up() {
        let mut counts = MatchCounts {
            new_profiles: 3,
            matched_leads: 1,
            matched_customers: 0,
            ambiguous: 2,
        };
        counts += MatchCounts {
            new_profiles: 1,
            matched_leads: 4,
            matched_customers: 5,
            ambiguous: 0,
        };
        let expected = MatchCounts {
            new_profiles: 4,
            matched_leads: 5,
            matched_customers: 5,
            ambiguous: 2,
        };
        assert_eq!(counts, expected);
    }
}
