//! Messages between the app and the analysis worker, and the work the
//! worker does for each request.
//!
//! Every message is JSON text. A request travels as a JS object with two
//! properties: `request` (the JSON of a [`WorkerRequest`]) and `bytes` (the
//! file content as an `ArrayBuffer`, transferred rather than copied). The
//! worker responds with JS objects whose `event` property is the JSON of a
//! [`WorkerEvent`]; the message that ends an analysis also carries the
//! profiles as [`ProfileJson`] texts.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::display::format_percent;
use shared::analyze::preview::{preview_column, PreviewValue};
use shared::suggest::{suggest_mapping, ColumnSuggestion};
use shared::wire::{ProfileIdentifiers, BATCH_PROFILES};
use shared::{
    Analysis, Cell, CellEdit, ColumnMapping, FieldKey, FileFormat, ProfileDraft, ReadChoices,
    RecordError, Rejection, Settings, SourceInfo, SourceRow, Summary, Table, Warning,
};

/// Number of data rows that a preview carries.
pub const PREVIEW_ROWS: usize = 10;

/// Name of the request property of a posted message.
pub const REQUEST_PROPERTY: &str = "request";

/// Name of the file content property of a posted message.
pub const BYTES_PROPERTY: &str = "bytes";

/// Name of the [`WorkerEvent`] JSON property of a message from the worker.
pub const EVENT_PROPERTY: &str = "event";

/// Name of the property of an analysis message with the JS array of the
/// upload batch texts ([`ProfileJson::batches`]).
pub const PROFILE_BATCHES_PROPERTY: &str = "profile_batches";

/// Name of the property of an analysis message with the identifiers texts
/// ([`ProfileJson::identifiers`]).
pub const PROFILE_IDENTIFIERS_PROPERTY: &str = "profile_identifiers";

/// One request from the app, with an id that the worker's events repeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerRequest {
    pub id: u32,
    pub task: Task,
}

/// The work of a request. The preview and the analysis read the file
/// bytes sent with the request. A column preview reads the rows of the
/// latest preview, and a request of error rows those of the latest
/// analysis, which the worker keeps ([`WorkerState`]). A record check
/// carries its row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// Decode the file and return its first rows.
    Preview {
        file_name: String,
        skip_rows: usize,
        read: ReadChoices,
    },
    /// Decode the file, replace the edited cells and validate every record
    /// against the settings.
    Analyze {
        file_name: String,
        settings: Settings,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        edits: Vec<CellEdit>,
    },
    /// Validate one record, with its edits applied, on its own: errors
    /// that come from other records, such as conflicting identifiers, wait
    /// for the next analysis.
    CheckRecord {
        headers: Vec<String>,
        row: SourceRow,
        settings: Settings,
    },
    /// Normalize the first values of column `index` (0-based) of the
    /// latest preview as `mapping` would store them.
    ColumnPreview {
        index: usize,
        mapping: ColumnMapping,
    },
    /// Return the rows of the latest analysis's error records with these
    /// row numbers, as that analysis read them with its edits.
    ErrorRows { rows: Vec<u32> },
}

/// A message from the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerEvent {
    /// The worker has loaded and takes requests from now on.
    Ready,
    /// The request `id` has reached a new stage.
    Progress { id: u32, stage: Stage },
    /// The request `id` has finished.
    Done {
        id: u32,
        result: Result<TaskOutput, Rejection>,
    },
    /// A message that the worker could not read; no request id is known.
    Invalid { message: String },
}

/// A stage of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Decoding the file into rows: `done` of `total` bytes of a text or
    /// ODS file or of an XLS workbook stream, or rows of an XLSX or XLSB
    /// sheet. `total` is 0 while the size is unknown.
    Reading { done: u64, total: u64 },
    /// Validating `rows` data rows, of which `done` are checked, and then
    /// grouping them into profiles.
    Checking { rows: u32, done: u32 },
}

impl Stage {
    /// Returns the stage text that the progress indicator shows.
    pub fn describe(self) -> String {
        match self {
            Stage::Reading { total: 0, .. } => "Reading the file…".to_owned(),
            Stage::Reading { done, total } => {
                format!("Reading the file: {}…", format_percent(done, total))
            }
            Stage::Checking { rows, done } if done >= rows => {
                format!("Grouping {rows} checked rows into profiles…")
            }
            Stage::Checking { rows, done } => format!(
                "Checking rows: {} ({done} of {rows})…",
                format_percent(done.into(), rows.into())
            ),
        }
    }

    /// Returns the share of the stage that is done as `(value, max)`, or
    /// `None` while it is unknown.
    pub fn fraction(self) -> Option<(f64, f64)> {
        match self {
            Stage::Reading { total: 0, .. } | Stage::Checking { rows: 0, .. } => None,
            Stage::Reading { done, total } => Some((done as f64, total as f64)),
            Stage::Checking { rows, done } => Some((f64::from(done), f64::from(rows))),
        }
    }
}

/// The result of a finished task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "output", rename_all = "snake_case")]
pub enum TaskOutput {
    Preview(Preview),
    Analysis(AnalysisResult),
    ColumnPreview {
        values: Vec<PreviewValue>,
    },
    RecordCheck {
        errors: Vec<RecordError>,
    },
    /// The requested error rows that the worker has, in row order.
    ErrorRows {
        rows: Vec<SourceRow>,
    },
}

/// The first rows of a decoded file, as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub headers: Vec<String>,
    /// Row number of the header row, 1-based.
    pub header_row: u32,
    /// Number of rows below the header, blank rows included.
    pub data_rows: u32,
    /// The first [`PREVIEW_ROWS`] rows below the header.
    pub rows: Vec<PreviewRow>,
    pub info: SourceInfo,
    /// The mapping assistant's suggestion for each column that has one.
    #[serde(default)]
    pub suggestions: Vec<ColumnSuggestion>,
}

/// One row of a preview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// Row number as a spreadsheet shows it, 1-based.
    pub row: u32,
    /// Cell texts, one per header; missing cells are empty.
    pub cells: Vec<String>,
}

impl Preview {
    /// Builds the preview of the first `rows` data rows of a table.
    pub fn from_table(table: &Table, rows: usize) -> Self {
        let width = table.headers.len();
        let preview_rows = table
            .rows
            .iter()
            .take(rows)
            .map(|source_row| PreviewRow {
                row: source_row.row,
                cells: (0..width)
                    .map(|index| {
                        source_row
                            .cells
                            .get(index)
                            .map(Cell::text)
                            .unwrap_or_default()
                    })
                    .collect(),
            })
            .collect();
        Preview {
            headers: table.headers.clone(),
            header_row: table.header_row,
            data_rows: u32::try_from(table.rows.len()).unwrap_or(u32::MAX),
            rows: preview_rows,
            info: table.info.clone(),
            suggestions: suggest_mapping(table),
        }
    }

    /// Returns up to `count` non-blank values of column `index` from the
    /// preview rows.
    pub fn samples(&self, index: usize, count: usize) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|row| row.cells.get(index))
            .filter(|text| !text.trim().is_empty())
            .take(count)
            .cloned()
            .collect()
    }
}

/// Number of warnings that an analysis result carries; the page lists no
/// more than these.
pub const WARNINGS_SENT: usize = 10;

/// The part of an [`Analysis`] that the app reads: counts, errors, the
/// first warnings and the file's checksum. The profiles travel as
/// [`ProfileJson`] beside it.
///
/// Grouping can note a warning for nearly every row (200,000 warnings made
/// a 60 MB message), so only the first [`WARNINGS_SENT`] are sent.
// NOTE: every record error is sent, because the import sends them all to
// the server. A file with hundreds of thousands of errors still makes a
// large message for the page to read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalysisResult {
    pub summary: Summary,
    pub errors: Vec<RecordError>,
    /// The first [`WARNINGS_SENT`] warnings, in row order.
    pub first_warnings: Vec<Warning>,
    /// Number of warnings of the whole analysis.
    pub warning_count: usize,
    /// SHA-256 of the file's bytes, and of the edits when there are any,
    /// as 64 lower-case hex digits. The server resumes an interrupted
    /// upload with the same checksum and settings.
    pub checksum: String,
    /// The rows of the first [`ERROR_ROWS_SENT`] error records, with the
    /// edits applied, which the error table offers to fix. The worker
    /// keeps the others for [`Task::ErrorRows`].
    #[serde(default)]
    pub error_rows: Vec<SourceRow>,
    /// Index of every mapped column with its field, in column order.
    #[serde(default)]
    pub mapped_columns: Vec<(usize, FieldKey)>,
    /// Number of cells whose text the edits changed from the file's.
    #[serde(default)]
    pub edited_cells: usize,
}

/// Error records whose rows an analysis result carries. The error table
/// shows the first of them without asking the worker for rows.
pub const ERROR_ROWS_SENT: usize = 1_000;

/// The state that the worker keeps between requests.
#[derive(Debug, Default)]
pub struct WorkerState {
    /// The first rows of the latest preview, which column previews read.
    pub previewed: Option<Table>,
    /// The rows of every error record of the latest analysis, with its
    /// edits applied, in row order.
    pub error_rows: Vec<SourceRow>,
}

/// Returns the rows of the records with errors, in row order.
pub fn error_rows(rows: Vec<SourceRow>, errors: &[RecordError]) -> Vec<SourceRow> {
    let mut row_numbers: Vec<u32> = errors.iter().map(|error| error.row).collect();
    row_numbers.dedup();
    // Both lists ascend, so one pass finds every row.
    let mut found = Vec::with_capacity(row_numbers.len());
    let mut row_numbers = row_numbers.into_iter().peekable();
    for source_row in rows {
        let Some(&next) = row_numbers.peek() else {
            break;
        };
        if source_row.row == next {
            found.push(source_row);
            row_numbers.next();
        }
    }
    found
}

/// Returns the rows among `rows`, which ascend, whose numbers are in
/// `numbers`, in row order.
fn rows_numbered(rows: &[SourceRow], numbers: &[u32]) -> Vec<SourceRow> {
    let mut numbers = numbers.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .filter_map(|number| {
            let index = rows.binary_search_by_key(&number, |row| row.row).ok()?;
            Some(rows[index].clone())
        })
        .collect()
}

impl AnalysisResult {
    /// Builds the result of an analysis of a file with `checksum`.
    pub fn new(analysis: &Analysis, checksum: String) -> Self {
        AnalysisResult {
            summary: analysis.summary,
            errors: analysis.errors.clone(),
            first_warnings: analysis
                .warnings
                .iter()
                .take(WARNINGS_SENT)
                .cloned()
                .collect(),
            warning_count: analysis.warnings.len(),
            checksum,
            error_rows: Vec::new(),
            mapped_columns: Vec::new(),
            edited_cells: 0,
        }
    }
}

/// The analysed profiles as the JSON texts that the app sends on: the
/// bodies of the upload batches and of the match count request.
///
/// The worker posts them as separate UTF-8 byte arrays, which the page
/// keeps as JS values and never copies into wasm memory. Such a copy costs time in
/// proportion to the size: reading a 63 MB message took the page 0.4 s and
/// parsing it 0.2 s (release build, headless Chromium, shared 2-core
/// machine).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileJson {
    /// JSON arrays of [`ProfileDraft`], one per upload batch, in order.
    pub batches: Vec<String>,
    /// JSON arrays of the [`ProfileIdentifiers`] of every profile, at most
    /// [`MATCH_PROFILES`] in each, one per match count request.
    pub identifiers: Vec<String>,
}

/// Profiles whose identifiers one match count request sends. Sending all
/// of a 500,000-row file in one 42 MB body blocked the page's thread for
/// 0.45 s in `fetch`, so they go in requests of about 1 MB.
pub const MATCH_PROFILES: usize = 10_000;

impl ProfileJson {
    /// Serializes `profiles` in batches of at most `batch_profiles`.
    pub fn new(profiles: &[ProfileDraft], batch_profiles: usize) -> Self {
        let identifiers: Vec<ProfileIdentifiers> = profiles
            .iter()
            .map(|profile| ProfileIdentifiers::of(&profile.values))
            .collect();
        ProfileJson {
            batches: profiles
                .chunks(batch_profiles.max(1))
                .map(to_json)
                .collect(),
            identifiers: identifiers.chunks(MATCH_PROFILES).map(to_json).collect(),
        }
    }
}

/// Serializes a value of the wire types to JSON.
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // serde_json fails only on maps with keys that are not strings and on
    // failing `Serialize` impls, and the wire types have neither.
    serde_json::to_string(value).expect("wire types serialize to JSON")
}

/// Returns the SHA-256 of `bytes` as 64 lower-case hex digits, with the
/// edits' JSON hashed after the bytes when there are edits, so that an
/// edited file does not resume the upload of the file as it was.
pub fn checksum(bytes: &[u8], edits: &[CellEdit]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    if !edits.is_empty() {
        hasher.update(to_json(edits));
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Values of a column that a column preview shows.
pub const COLUMN_PREVIEW_VALUES: usize = 3;

/// Runs one task on the file bytes, calling `progress` at each stage. An
/// analysis also returns its profiles as JSON texts. A preview keeps its
/// first rows in `state`, and an analysis its error rows.
pub fn run_task(
    task: &Task,
    bytes: &[u8],
    state: &mut WorkerState,
    progress: &mut dyn FnMut(Stage),
) -> Result<(TaskOutput, Option<ProfileJson>), Rejection> {
    match task {
        Task::Preview {
            file_name,
            skip_rows,
            read,
        } => {
            progress(Stage::Reading { done: 0, total: 0 });
            let mut table = shared::read_file_with_progress(
                file_name,
                bytes,
                read,
                *skip_rows,
                &mut |done, total| progress(Stage::Reading { done, total }),
            )?;
            let preview = Preview::from_table(&table, PREVIEW_ROWS);
            table.rows.truncate(PREVIEW_ROWS);
            state.previewed = Some(table);
            Ok((TaskOutput::Preview(preview), None))
        }
        Task::ColumnPreview { index, mapping } => {
            let values = match &state.previewed {
                Some(table) => preview_column(
                    table,
                    *index,
                    mapping,
                    &Settings::default(),
                    COLUMN_PREVIEW_VALUES,
                )?,
                None => Vec::new(),
            };
            Ok((TaskOutput::ColumnPreview { values }, None))
        }
        Task::Analyze {
            file_name,
            settings,
            edits,
        } => {
            progress(Stage::Reading { done: 0, total: 0 });
            let mut table = shared::read_file_with_progress(
                file_name,
                bytes,
                &settings.read,
                settings.skip_rows,
                &mut |done, total| progress(Stage::Reading { done, total }),
            )?;
            let edited_cells = table.apply_edits(edits);
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let rows = count(table.rows.len());
            progress(Stage::Checking { rows, done: 0 });
            let analysis = shared::analyze_with_progress(&table, settings, &mut |done| {
                progress(Stage::Checking {
                    rows,
                    done: count(done),
                })
            })?;
            let mut result = AnalysisResult::new(&analysis, checksum(bytes, edits));
            result.mapped_columns = shared::analyze::mapped_columns(&table, settings)?;
            result.edited_cells = edited_cells;
            state.error_rows = error_rows(std::mem::take(&mut table.rows), &analysis.errors);
            result.error_rows = state
                .error_rows
                .iter()
                .take(ERROR_ROWS_SENT)
                .cloned()
                .collect();
            let profiles = ProfileJson::new(&analysis.profiles, BATCH_PROFILES);
            Ok((TaskOutput::Analysis(result), Some(profiles)))
        }
        Task::CheckRecord {
            headers,
            row,
            settings,
        } => {
            let table = Table {
                headers: headers.clone(),
                header_row: u32::try_from(settings.skip_rows + 1).unwrap_or(u32::MAX),
                rows: vec![row.clone()],
                info: SourceInfo::new(FileFormat::Csv),
            };
            let errors = shared::analyze(&table, settings)?.errors;
            Ok((TaskOutput::RecordCheck { errors }, None))
        }
        Task::ErrorRows { rows } => {
            let rows = rows_numbered(&state.error_rows, rows);
            Ok((TaskOutput::ErrorRows { rows }, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{FileFormat, ProfileValues, SourceRow};

    fn table() -> Table {
        Table {
            headers: vec!["Email".into(), "Age".into(), "Active".into()],
            header_row: 3,
            rows: vec![
                SourceRow {
                    row: 4,
                    cells: vec![
                        Cell::Text("a@example.com".into()),
                        Cell::Number(42.0),
                        Cell::Bool(true),
                    ],
                },
                SourceRow {
                    row: 5,
                    cells: vec![Cell::Empty],
                },
                SourceRow {
                    row: 6,
                    cells: vec![Cell::Text("b@example.com".into()), Cell::Number(1.5)],
                },
            ],
            info: SourceInfo {
                format: FileFormat::Csv,
                zip_entry: None,
                encoding: Some("UTF-8".into()),
                delimiter: Some(','),
                sheets: Vec::new(),
                sheet: None,
                warnings: Vec::new(),
            },
        }
    }

    #[test]
    fn preview_pads_short_rows() {
        let preview = Preview::from_table(&table(), 10);
        assert_eq!(preview.rows[1].cells, vec!["", "", ""]);
        assert_eq!(preview.rows[2].cells, vec!["b@example.com", "1.5", ""]);
    }

    #[test]
    fn preview_formats_cells() {
        let preview = Preview::from_table(&table(), 10);
        assert_eq!(preview.rows[0].cells, vec!["a@example.com", "42", "TRUE"]);
        assert_eq!(preview.header_row, 3);
        assert_eq!(preview.data_rows, 3);
    }

    #[test]
    fn preview_keeps_first_rows_only() {
        let preview = Preview::from_table(&table(), 2);
        assert_eq!(preview.rows.len(), 2);
        assert_eq!(preview.data_rows, 3);
        assert_eq!(preview.rows[1].row, 5);
    }

    #[test]
    fn preview_samples_skip_blank_cells() {
        let preview = Preview::from_table(&table(), 10);
        assert_eq!(
            preview.samples(0, 5),
            vec!["a@example.com", "b@example.com"]
        );
        assert_eq!(preview.samples(0, 1), vec!["a@example.com"]);
        assert!(preview.samples(7, 5).is_empty());
    }

    fn profile(email: &str) -> ProfileDraft {
        ProfileDraft {
            rows: vec![2],
            values: ProfileValues {
                emails: vec![email.to_owned()],
                first_name: Some("Ann".to_owned()),
                ..ProfileValues::default()
            },
        }
    }

    #[test]
    fn analysis_result_keeps_first_warnings() {
        let warning = |row| Warning {
            row: Some(row),
            field: None,
            message: "note".into(),
        };
        let analysis = Analysis {
            warnings: (2..40).map(warning).collect(),
            ..Analysis::default()
        };
        let result = AnalysisResult::new(&analysis, "00".into());
        assert_eq!(result.warning_count, 38);
        assert_eq!(result.first_warnings.len(), WARNINGS_SENT);
        assert_eq!(result.first_warnings[0].row, Some(2));
    }

    #[test]
    fn profile_json_splits_batches() {
        let profiles = vec![
            profile("a@example.com"),
            profile("b@example.com"),
            profile("c@example.com"),
        ];
        let json = ProfileJson::new(&profiles, 2);
        assert_eq!(json.batches.len(), 2);
        let first: Vec<ProfileDraft> =
            serde_json::from_str(&json.batches[0]).expect("batch is JSON");
        let second: Vec<ProfileDraft> =
            serde_json::from_str(&json.batches[1]).expect("batch is JSON");
        assert_eq!(first, profiles[..2]);
        assert_eq!(second, profiles[2..]);
    }

    #[test]
    fn profile_json_lists_identifiers_only() {
        let json = ProfileJson::new(&[profile("a@example.com")], 10);
        assert_eq!(json.identifiers, [r#"[{"emails":["a@example.com"]}]"#]);
    }

    #[test]
    fn profile_json_without_profiles_is_empty() {
        let json = ProfileJson::new(&[], 10);
        assert!(json.batches.is_empty());
        assert!(json.identifiers.is_empty());
    }

    #[test]
    fn stages_describe_their_share() {
        let reading = Stage::Reading {
            done: 512,
            total: 2_048,
        };
        assert_eq!(reading.describe(), "Reading the file: 25 %…");
        assert_eq!(reading.fraction(), Some((512.0, 2_048.0)));
        let unknown_size = Stage::Reading { done: 0, total: 0 };
        assert_eq!(unknown_size.describe(), "Reading the file…");
        assert_eq!(unknown_size.fraction(), None);
        let checking = Stage::Checking {
            rows: 400,
            done: 100,
        };
        assert_eq!(checking.describe(), "Checking rows: 25 % (100 of 400)…");
        let grouping = Stage::Checking {
            rows: 400,
            done: 400,
        };
        assert_eq!(
            grouping.describe(),
            "Grouping 400 checked rows into profiles…"
        );
    }

    #[test]
    fn checksum_of_unedited_file_is_its_sha256() {
        assert_eq!(
            checksum(b"abc", &[]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(checksum(b"", &[]).len(), 64);
    }

    #[test]
    fn checksum_changes_with_edits() {
        let edit = |value: &str| CellEdit {
            row: 2,
            column: 0,
            value: value.into(),
        };
        let plain = checksum(b"abc", &[]);
        let edited = checksum(b"abc", &[edit("a@example.com")]);
        assert_ne!(edited, plain);
        assert_ne!(edited, checksum(b"abc", &[edit("b@example.com")]));
        assert_eq!(edited, checksum(b"abc", &[edit("a@example.com")]));
    }

    fn email_settings() -> Settings {
        let mut settings = Settings::default();
        settings.mapping.insert(
            "Email".into(),
            ColumnMapping {
                field: shared::FieldKey::Standard(shared::ProfileField::Email),
                option: None,
            },
        );
        settings
    }

    #[test]
    fn error_rows_lists_each_error_record_once() {
        let error = |row| RecordError {
            row,
            field: Some("email".into()),
            code: shared::ErrorCode::InvalidEmail,
            message: String::new(),
        };
        let errors = [error(4), error(4), error(6)];
        let rows = error_rows(table().rows, &errors);
        assert_eq!(rows.iter().map(|row| row.row).collect::<Vec<_>>(), [4, 6]);
    }

    #[test]
    fn analysis_applies_edits_and_returns_error_rows() {
        let bytes = b"Email\nnot-an-email\nb@example.com\nalso-wrong\n";
        let analyze = |edits: Vec<CellEdit>| {
            let task = Task::Analyze {
                file_name: "people.csv".into(),
                settings: email_settings(),
                edits,
            };
            match run_task(&task, bytes, &mut WorkerState::default(), &mut |_| {}) {
                Ok((TaskOutput::Analysis(result), Some(_))) => result,
                other => panic!("no analysis: {other:?}"),
            }
        };
        let before = analyze(Vec::new());
        assert_eq!(before.summary.error_records, 2);
        let rows: Vec<u32> = before.error_rows.iter().map(|row| row.row).collect();
        assert_eq!(rows, [2, 4]);

        let after = analyze(vec![CellEdit {
            row: 2,
            column: 0,
            value: "a@example.com".into(),
        }]);
        assert_eq!(after.summary.error_records, 1);
        assert_eq!(after.summary.valid_records, 2);
        assert_eq!(after.error_rows[0].row, 4);
        assert_eq!(
            after.mapped_columns,
            [(0, FieldKey::Standard(shared::ProfileField::Email))]
        );
        assert_ne!(after.checksum, before.checksum);
    }

    #[test]
    fn worker_keeps_rows_of_every_error_record() {
        let mut bytes = b"Email\n".to_vec();
        for row in 2..=ERROR_ROWS_SENT + 11 {
            bytes.extend(format!("wrong-{row}\n").as_bytes());
        }
        bytes.extend(b"last@example.com\n");
        let last_error = u32::try_from(ERROR_ROWS_SENT + 11).expect("row number");
        let edit = CellEdit {
            row: last_error,
            column: 0,
            value: "edited".into(),
        };
        let mut state = WorkerState::default();
        let mut run = |task: Task| match run_task(&task, &bytes, &mut state, &mut |_| {}) {
            Ok((output, _)) => output,
            Err(rejection) => panic!("task rejected: {rejection:?}"),
        };
        let analysis = run(Task::Analyze {
            file_name: "people.csv".into(),
            settings: email_settings(),
            edits: vec![edit],
        });
        let TaskOutput::Analysis(result) = analysis else {
            panic!("no analysis: {analysis:?}");
        };
        assert_eq!(result.error_rows.len(), ERROR_ROWS_SENT);

        // The last valid row and a row past the end are not error rows.
        let requested = run(Task::ErrorRows {
            rows: vec![last_error + 1, last_error, 2, last_error + 5],
        });
        let TaskOutput::ErrorRows { rows } = requested else {
            panic!("no error rows: {requested:?}");
        };
        let numbers: Vec<u32> = rows.iter().map(|row| row.row).collect();
        assert_eq!(numbers, [2, last_error]);
        assert_eq!(rows[1].cells, [Cell::Text("edited".into())]);
    }

    #[test]
    fn record_check_validates_one_row() {
        let check = |text: &str| {
            let task = Task::CheckRecord {
                headers: vec!["Email".into()],
                row: SourceRow {
                    row: 7,
                    cells: vec![Cell::Text(text.into())],
                },
                settings: email_settings(),
            };
            match run_task(&task, &[], &mut WorkerState::default(), &mut |_| {}) {
                Ok((TaskOutput::RecordCheck { errors }, None)) => errors,
                other => panic!("no record check: {other:?}"),
            }
        };
        let errors = check("not-an-email");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, 7);
        assert_eq!(errors[0].code, shared::ErrorCode::InvalidEmail);
        assert!(check("a@example.com").is_empty());
    }

    #[test]
    fn worker_event_round_trips_as_json() {
        let events = [
            WorkerEvent::Ready,
            WorkerEvent::Progress {
                id: 3,
                stage: Stage::Checking { rows: 10, done: 5 },
            },
            WorkerEvent::Done {
                id: 3,
                result: Err(Rejection::new(shared::RejectCode::EmptyFile, "empty")),
            },
            WorkerEvent::Done {
                id: 4,
                result: Ok(TaskOutput::Analysis(AnalysisResult::default())),
            },
        ];
        for event in events {
            let text = serde_json::to_string(&event).expect("event serializes");
            let back: WorkerEvent = serde_json::from_str(&text).expect("event deserializes");
            assert_eq!(back, event);
        }
    }

    #[test]
    fn worker_request_round_trips_as_json() {
        let request = WorkerRequest {
            id: 9,
            task: Task::Analyze {
                file_name: "contacts.csv".into(),
                settings: Settings::default(),
                edits: vec![CellEdit {
                    row: 2,
                    column: 1,
                    value: "+33 1 23 45 67 89".into(),
                }],
            },
        };
        let text = serde_json::to_string(&request).expect("request serializes");
        let back: WorkerRequest = serde_json::from_str(&text).expect("request deserializes");
        assert_eq!(back, request);
    }
}
