//! Messages between the app and the analysis worker, and the work the
//! worker does for each request.
//!
//! Every message is JSON text. A request travels as a JS object with two
//! properties: `request` (the JSON of a [`WorkerRequest`]) and `bytes` (the
//! file content as an `ArrayBuffer`, transferred rather than copied). The
//! worker responds with JSON text of [`WorkerEvent`]s.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::{
    Analysis, Cell, ProfileDraft, ReadChoices, RecordError, Rejection, Settings, SourceInfo,
    Summary, Table, Warning,
};

/// Number of data rows that a preview carries.
pub const PREVIEW_ROWS: usize = 10;

/// Name of the request property of a posted message.
pub const REQUEST_PROPERTY: &str = "request";

/// Name of the file content property of a posted message.
pub const BYTES_PROPERTY: &str = "bytes";

/// One request from the app, with an id that the worker's events repeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerRequest {
    pub id: u32,
    pub task: Task,
}

/// The work of a request. Both tasks read the file bytes sent with
/// the request, so the worker keeps no state between requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// Decode the file and return its first rows.
    Preview {
        file_name: String,
        skip_rows: usize,
        read: ReadChoices,
    },
    /// Decode the file and validate every record against the settings.
    Analyze {
        file_name: String,
        settings: Settings,
    },
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
///
/// NOTE: `shared::analyze` runs as one call without progress callbacks, so
/// progress is reported per stage, not as a share of the records checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Decoding the file into rows.
    Reading,
    /// Validating `rows` data rows and grouping them into profiles.
    Checking { rows: u32 },
}

impl Stage {
    /// Returns the stage text that the progress indicator shows.
    pub fn describe(self) -> String {
        match self {
            Stage::Reading => "Reading the file…".to_owned(),
            Stage::Checking { rows } => format!("Checking {rows} rows…"),
        }
    }
}

/// The result of a finished task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "output", rename_all = "snake_case")]
pub enum TaskOutput {
    Preview(Preview),
    Analysis(AnalysisResult),
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
                            .map(cell_text)
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

/// Formats a cell as the preview shows it.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) | Cell::Date(text) | Cell::Error(text) => text.clone(),
        Cell::Number(number) => number.to_string(),
        Cell::Bool(true) => "TRUE".to_owned(),
        Cell::Bool(false) => "FALSE".to_owned(),
    }
}

/// The part of an [`Analysis`] that the app uses: counts, errors, warnings
/// and profiles, with the file's checksum. The per-record values stay in
/// the worker because the import sends profiles only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisResult {
    pub summary: Summary,
    pub errors: Vec<RecordError>,
    pub warnings: Vec<Warning>,
    pub profiles: Vec<ProfileDraft>,
    /// SHA-256 of the file's bytes as 64 lower-case hex digits, which the
    /// server uses to resume an interrupted upload of the same file.
    pub checksum: String,
}

impl AnalysisResult {
    /// Builds the result of an analysis of a file with `checksum`.
    pub fn new(analysis: Analysis, checksum: String) -> Self {
        AnalysisResult {
            summary: analysis.summary,
            errors: analysis.errors,
            warnings: analysis.warnings,
            profiles: analysis.profiles,
            checksum,
        }
    }
}

/// Returns the SHA-256 of `bytes` as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Runs one task on the file bytes, calling `progress` at each stage.
pub fn run_task(
    task: &Task,
    bytes: &[u8],
    progress: &mut dyn FnMut(Stage),
) -> Result<TaskOutput, Rejection> {
    match task {
        Task::Preview {
            file_name,
            skip_rows,
            read,
        } => {
            progress(Stage::Reading);
            let table = shared::read_file(file_name, bytes, read, *skip_rows)?;
            Ok(TaskOutput::Preview(Preview::from_table(
                &table,
                PREVIEW_ROWS,
            )))
        }
        Task::Analyze {
            file_name,
            settings,
        } => {
            progress(Stage::Reading);
            let table = shared::read_file(file_name, bytes, &settings.read, settings.skip_rows)?;
            let rows = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
            progress(Stage::Checking { rows });
            let analysis = shared::analyze(&table, settings)?;
            let checksum = sha256_hex(bytes);
            Ok(TaskOutput::Analysis(AnalysisResult::new(
                analysis, checksum,
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{FileFormat, SourceRow};

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

    #[test]
    fn sha256_hex_matches_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"").len(), 64);
    }

    #[test]
    fn worker_event_round_trips_as_json() {
        let events = [
            WorkerEvent::Ready,
            WorkerEvent::Progress {
                id: 3,
                stage: Stage::Checking { rows: 10 },
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
            },
        };
        let text = serde_json::to_string(&request).expect("request serializes");
        let back: WorkerRequest = serde_json::from_str(&text).expect("request deserializes");
        assert_eq!(back, request);
    }
}
