//! State and actions of the import steps: file, preview, mapping,
//! analysis, import choices and outcome.
//!
//! [`ImportFlow`] lives as long as the app, so leaving the import page for
//! another page and coming back keeps the work done so far.

use std::collections::BTreeMap;

use js_sys::ArrayBuffer;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::analyze::preview::PreviewValue;
use shared::wire::{ImportChoices, ImportEntry, Journey, NewImport, OnMatch, TagChoice};
use shared::{
    CellEdit, ColumnMapping, PersonType, ReadChoices, RecordError, Settings, SourceRow,
    MAX_UPLOAD_BYTES,
};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::api::{self, SavedMapping};
use crate::bridge::{js_error_text, AnalysisWorker, ProfileTexts, TaskReply, WorkerFailure};
use crate::display::format_bytes;
use crate::mapping::state::{MappingProblem, MappingState};
use crate::notice::{Notice, Notices};
use crate::protocol::{AnalysisResult, Preview, Stage, Task, TaskOutput};
use crate::sending::{send_import, OutgoingImport, SendProgress};
use crate::session::Session;

/// The analysis of the current file and the settings and edits it ran
/// with.
#[derive(Clone, Debug, PartialEq)]
pub struct Analyzed {
    pub settings: Settings,
    pub edits: CellEdits,
    pub result: AnalysisResult,
}

/// Cell texts that a person typed in the error table, by row number and
/// column index.
pub type CellEdits = BTreeMap<(u32, usize), String>;

/// Replaces the cells of `row` that `edits` contains texts for.
pub fn apply_row_edits(edits: &CellEdits, row: &mut SourceRow) {
    for (&(_, column), value) in edits.range((row.row, 0)..=(row.row, usize::MAX)) {
        row.set_text(column, value);
    }
}

/// Returns the edits in the form the worker applies them.
fn edit_list(edits: &CellEdits) -> Vec<CellEdit> {
    edits
        .iter()
        .map(|(&(row, column), value)| CellEdit {
            row,
            column,
            value: value.clone(),
        })
        .collect()
}

/// Tag option of the import choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TagMode {
    #[default]
    None,
    Automatically,
    Manually,
}

/// The step after the analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportStep {
    /// Choosing what happens to matches and tags.
    #[default]
    Choose,
    /// Reviewing the import before it is sent.
    Confirm,
    /// Waiting for the server.
    Sending,
}

/// The state of the import steps, shared through context.
#[derive(Clone, Copy)]
pub struct ImportFlow {
    /// The chosen file; its bytes are read again for every worker task.
    file: StoredValue<Option<File>, LocalStorage>,
    pub file_name: RwSignal<Option<String>>,
    pub file_size: RwSignal<u64>,
    pub skip_rows: RwSignal<usize>,
    /// Worksheet to read; `None` reads the first visible one.
    pub sheet: RwSignal<Option<String>>,
    /// Field delimiter of a text file; `None` detects it.
    pub delimiter: RwSignal<Option<char>>,
    /// WHATWG encoding label of a text file; `None` detects it.
    pub encoding: RwSignal<Option<String>>,
    pub person_type: RwSignal<PersonType>,
    pub preview: RwSignal<Option<Preview>>,
    /// Stage of the preview being read, `None` when none is.
    pub reading: RwSignal<Option<Stage>>,
    pub mapping: RwSignal<MappingState>,
    /// Stage of the running analysis, `None` when none runs.
    pub stage: RwSignal<Option<Stage>>,
    pub analyzed: RwSignal<Option<Analyzed>>,
    /// Whether new read choices cleared an analysis. The analysis step
    /// shows a note until the next analysis.
    pub analysis_cleared: RwSignal<bool>,
    /// Cells edited in the error table; the next analysis applies them.
    pub edits: RwSignal<CellEdits>,
    /// Errors of each record checked again after an edit, by row number.
    /// An empty list means that the record is valid now.
    pub rechecked: RwSignal<BTreeMap<u32, Vec<RecordError>>>,
    /// Rows of the error records that the error table has, by row number:
    /// the first come with the analysis and the worker sends the others.
    /// `None` marks a row that the worker no longer has, after a restart.
    pub error_rows: RwSignal<BTreeMap<u32, Option<SourceRow>>>,
    /// The profiles of the analysis, set together with `analyzed`.
    pub profiles: StoredValue<Option<ProfileTexts>, LocalStorage>,
    pub on_match: RwSignal<OnMatch>,
    pub tag_mode: RwSignal<TagMode>,
    /// Text of the "Tag name" input: one tag, or several separated by
    /// commas.
    pub tag_name: RwSignal<String>,
    /// Active journey that the tagged profiles join, `None` for none.
    pub journey: RwSignal<Option<Journey>>,
    pub step: RwSignal<ImportStep>,
    /// Step of the running send, `None` when none runs.
    pub sending: RwSignal<Option<SendProgress>>,
    /// Whether the person asked to cancel the running send.
    pub cancel_requested: RwSignal<bool>,
    pub outcome: RwSignal<Option<ImportEntry>>,
    worker: StoredValue<AnalysisWorker, LocalStorage>,
    /// Number of the latest preview request; responses to older ones are dropped.
    preview_request: StoredValue<u64>,
    /// Number of the latest analysis request. New read choices, a reset and
    /// a cancel move it on, so that the result of an older one is dropped.
    analysis_request: StoredValue<u64>,
    notices: Notices,
    session: Session,
}

impl ImportFlow {
    /// Creates the empty flow; `notices` receives its errors, and
    /// `session` learns of an expired sign-in.
    pub fn new(notices: Notices, session: Session) -> Self {
        ImportFlow {
            file: StoredValue::new_local(None),
            file_name: RwSignal::new(None),
            file_size: RwSignal::new(0),
            skip_rows: RwSignal::new(0),
            sheet: RwSignal::new(None),
            delimiter: RwSignal::new(None),
            encoding: RwSignal::new(None),
            person_type: RwSignal::new(PersonType::Lead),
            preview: RwSignal::new(None),
            reading: RwSignal::new(None),
            mapping: RwSignal::new(MappingState::default()),
            stage: RwSignal::new(None),
            analyzed: RwSignal::new(None),
            analysis_cleared: RwSignal::new(false),
            edits: RwSignal::new(BTreeMap::new()),
            rechecked: RwSignal::new(BTreeMap::new()),
            error_rows: RwSignal::new(BTreeMap::new()),
            profiles: StoredValue::new_local(None),
            on_match: RwSignal::new(OnMatch::Discard),
            tag_mode: RwSignal::new(TagMode::None),
            tag_name: RwSignal::new(String::new()),
            journey: RwSignal::new(None),
            step: RwSignal::new(ImportStep::Choose),
            sending: RwSignal::new(None),
            cancel_requested: RwSignal::new(false),
            outcome: RwSignal::new(None),
            worker: StoredValue::new_local(AnalysisWorker::default()),
            preview_request: StoredValue::new(0),
            analysis_request: StoredValue::new(0),
            notices,
            session,
        }
    }

    /// Starts over with `file`: the read choices, analysis and outcome are
    /// reset and the preview is read.
    pub fn select_file(self, file: File) {
        let size = file.size() as u64;
        if size > MAX_UPLOAD_BYTES {
            self.notices.show(format!(
                "“{}” is {}, more than the limit of {}. Split the file or remove columns \
                 that are not needed, then upload it again.",
                file.name(),
                format_bytes(size),
                format_bytes(MAX_UPLOAD_BYTES)
            ));
            return;
        }
        self.notices.clear();
        // A task of the previous file would only delay this one.
        self.worker.with_value(AnalysisWorker::restart);
        self.file_name.set(Some(file.name()));
        self.file_size.set(size);
        self.file.set_value(Some(file));
        self.reset_read_choices();
        self.preview.set(None);
        self.mapping.set(MappingState::default());
        self.edits.set(BTreeMap::new());
        self.clear_analysis();
        self.analysis_cleared.set(false);
        self.outcome.set(None);
        self.refresh_preview();
    }

    /// Reads the preview again with the current skip rows and read choices.
    /// Choices of columns whose header stays the same are kept.
    pub fn refresh_preview(self) {
        let Some(file) = self.file.get_value() else {
            return;
        };
        let request = self.preview_request.get_value() + 1;
        self.preview_request.set_value(request);
        // The worker runs one task at a time, so a decode of the previous
        // read choices, or an analysis made stale by the new ones, would
        // only delay this preview.
        self.worker.with_value(|worker| {
            if worker.is_busy() {
                worker.restart();
            }
        });
        // Other skip rows, delimiter, sheet or encoding move cells, so the
        // analysis and the edits of the cells as they were read no longer
        // apply.
        let had_analysis = self.analyzed.with_untracked(Option::is_some)
            || self.edits.with_untracked(|edits| !edits.is_empty());
        self.edits.set(BTreeMap::new());
        self.clear_analysis();
        // A second change in a row finds nothing to clear, and the note of
        // the first stays.
        if had_analysis {
            self.analysis_cleared.set(true);
        }
        let task = Task::Preview {
            file_name: file.name(),
            skip_rows: self.skip_rows.get_untracked(),
            read: self.read_choices(),
        };
        self.reading.set(Some(Stage::Reading { done: 0, total: 0 }));
        let worker = self.worker.get_value();
        let on_progress = move |stage| {
            if self.preview_request.get_value() == request {
                self.reading.set(Some(stage));
            }
        };
        spawn_local(async move {
            let result = match read_bytes(&file).await {
                Ok(bytes) => worker.run(task, bytes, on_progress).await,
                Err(failure) => Err(failure),
            };
            if self.preview_request.get_value() != request {
                return;
            }
            self.reading.set(None);
            match result {
                Ok(TaskReply {
                    output: TaskOutput::Preview(preview),
                    ..
                }) => {
                    self.notices.clear();
                    self.mapping.update(|mapping| {
                        *mapping = MappingState::carry_over(&preview.headers, mapping);
                        if mapping.untouched() {
                            mapping.suggest(&preview.suggestions);
                        }
                    });
                    self.offer_saved_mapping(preview.headers.clone());
                    self.preview.set(Some(preview));
                }
                Ok(_) => log::error!("worker returned no preview for a preview request"),
                Err(WorkerFailure::Cancelled) => {}
                Err(failure) => {
                    self.preview.set(None);
                    self.notices.show(failure.to_string());
                }
            }
        });
    }

    /// Looks up the mapping the person saved for `headers` and offers it
    /// in place of the suggestions, unless they have chosen fields since.
    fn offer_saved_mapping(self, headers: Vec<String>) {
        spawn_local(async move {
            let saved = match api::find_saved_mapping(&headers).await {
                Ok(saved) => saved,
                Err(failure) => {
                    log::warn!("saved mapping lookup failed: {failure}");
                    return;
                }
            };
            let Some(saved) = saved else {
                return;
            };
            let same_file = self.preview.with_untracked(|preview| {
                preview
                    .as_ref()
                    .is_some_and(|preview| preview.headers == headers)
            });
            if same_file && self.mapping.with_untracked(MappingState::untouched) {
                self.mapping
                    .update(|mapping| mapping.apply_saved(&saved.mapping));
            }
        });
    }

    /// Saves the mapping of `settings` for the preview's headers, so that
    /// the next file with the same headers is offered it.
    fn save_mapping(self, settings: &Settings) {
        let Some(headers) = self
            .preview
            .with_untracked(|preview| preview.as_ref().map(|preview| preview.headers.clone()))
        else {
            return;
        };
        let saved = SavedMapping {
            headers,
            mapping: settings.mapping.clone(),
        };
        spawn_local(async move {
            if let Err(failure) = api::save_mapping(&saved).await {
                log::warn!("saving the mapping failed: {failure}");
            }
        });
    }

    /// Builds the settings of the current choices.
    pub fn settings(self) -> Result<Settings, MappingProblem> {
        Ok(Settings {
            skip_rows: self.skip_rows.get(),
            person_type: self.person_type.get(),
            mapping: self.mapping.with(MappingState::to_mapping)?,
            read: self.read_choices(),
            // Custom attributes are text unless a type is set here.
            ..Settings::default()
        })
    }

    /// Returns whether the analysis still matches the current settings and
    /// edits. The person type is left out because it does not change
    /// validation.
    pub fn analysis_is_current(self) -> bool {
        let Ok(mut current) = self.settings() else {
            return false;
        };
        self.analyzed.with(|analyzed| match analyzed {
            Some(analyzed) => {
                current.person_type = analyzed.settings.person_type;
                analyzed.settings == current && self.edits.with(|edits| *edits == analyzed.edits)
            }
            None => false,
        })
    }

    /// Replaces the text of a cell of an error record and checks the record
    /// again in the worker, with the settings of the analysis.
    pub fn edit_cell(self, row: u32, column: usize, value: String) {
        self.edits.update(|edits| {
            edits.insert((row, column), value);
        });
        let Some(analyzed) = self.analyzed.get_untracked() else {
            return;
        };
        let Some(mut source_row) = self
            .error_rows
            .with_untracked(|rows| rows.get(&row).cloned().flatten())
        else {
            return;
        };
        self.edits
            .with_untracked(|edits| apply_row_edits(edits, &mut source_row));
        let Some(headers) = self
            .preview
            .with_untracked(|preview| preview.as_ref().map(|preview| preview.headers.clone()))
        else {
            return;
        };
        let task = Task::CheckRecord {
            headers,
            row: source_row,
            settings: analyzed.settings,
        };
        let worker = self.worker.get_value();
        spawn_local(async move {
            match worker.run(task, ArrayBuffer::new(0), |_| {}).await {
                Ok(TaskReply {
                    output: TaskOutput::RecordCheck { errors },
                    ..
                }) => self.rechecked.update(|rechecked| {
                    rechecked.insert(row, errors);
                }),
                Ok(_) => {
                    log::error!("worker returned another output for the record check of row {row}")
                }
                Err(WorkerFailure::Cancelled) => {}
                Err(failure) => self.notices.show(failure.to_string()),
            }
        });
    }

    /// Runs the analysis of the whole file in the worker.
    pub fn analyze(self) {
        let settings = match self.settings() {
            Ok(settings) => settings,
            Err(problem) => {
                self.notices.show(problem.to_string());
                return;
            }
        };
        let Some(file) = self.file.get_value() else {
            self.notices.show("Upload a file first.".to_owned());
            return;
        };
        self.notices.clear();
        self.clear_analysis();
        self.analysis_cleared.set(false);
        self.save_mapping(&settings);
        self.stage.set(Some(Stage::Reading { done: 0, total: 0 }));
        let edits = self.edits.get_untracked();
        let task = Task::Analyze {
            file_name: file.name(),
            settings: settings.clone(),
            edits: edit_list(&edits),
        };
        let worker = self.worker.get_value();
        let request = self.analysis_request.get_value() + 1;
        self.analysis_request.set_value(request);
        let current = move || self.analysis_request.get_value() == request;
        let on_progress = move |next| {
            if current() {
                self.stage.set(Some(next));
            }
        };
        spawn_local(async move {
            let result = match read_bytes(&file).await {
                Ok(bytes) => worker.run(task, bytes, on_progress).await,
                Err(failure) => Err(failure),
            };
            // The file may have been read again with other choices, or the
            // analysis cancelled, while this one ran.
            if !current() {
                return;
            }
            self.stage.set(None);
            match result {
                Ok(TaskReply {
                    output: TaskOutput::Analysis(mut result),
                    profiles: Some(profiles),
                }) => {
                    log::info!(
                        "analysis: {} valid, {} error records",
                        result.summary.valid_records,
                        result.summary.error_records
                    );
                    self.profiles.set_value(Some(profiles));
                    // The table reads the rows from `error_rows` alone.
                    let rows = std::mem::take(&mut result.error_rows);
                    let rows = rows.into_iter().map(|row| (row.row, Some(row)));
                    self.error_rows.set(rows.collect());
                    self.analyzed.set(Some(Analyzed {
                        settings,
                        edits,
                        result,
                    }));
                }
                Ok(_) => log::error!("worker returned no analysis for an analysis request"),
                Err(WorkerFailure::Cancelled) => {}
                Err(failure) => self.notices.show(failure.to_string()),
            }
        });
    }

    /// Normalizes the first values of column `index` of the preview as
    /// `mapping` would store them, in the worker.
    pub async fn preview_column(
        self,
        index: usize,
        mapping: ColumnMapping,
    ) -> Result<Vec<PreviewValue>, String> {
        let worker = self.worker.get_value();
        let task = Task::ColumnPreview { index, mapping };
        match worker.run(task, ArrayBuffer::new(0), |_| {}).await {
            Ok(TaskReply {
                output: TaskOutput::ColumnPreview { values },
                ..
            }) => Ok(values),
            Ok(_) => Err("the worker returned no column preview".to_owned()),
            Err(failure) => Err(failure.to_string()),
        }
    }

    /// Asks the worker for the error rows among `rows` that `error_rows`
    /// lacks, and adds them there, unless another analysis started since.
    pub fn load_error_rows(self, rows: Vec<u32>) {
        let missing: Vec<u32> = self.error_rows.with_untracked(|known| {
            let mut missing: Vec<u32> = rows
                .into_iter()
                .filter(|row| !known.contains_key(row))
                .collect();
            missing.sort_unstable();
            missing.dedup();
            missing
        });
        if missing.is_empty() {
            return;
        }
        let request = self.analysis_request.get_value();
        spawn_local(async move {
            let fetched = self.fetch_error_rows(missing.clone()).await;
            if self.analysis_request.get_value() != request {
                return;
            }
            match fetched {
                Ok(found) => self.error_rows.update(|known| {
                    for number in missing {
                        known.insert(number, None);
                    }
                    for row in found {
                        known.insert(row.row, Some(row));
                    }
                }),
                Err(WorkerFailure::Cancelled) => {}
                Err(failure) => self.notices.show(failure.to_string()),
            }
        });
    }

    /// Returns the rows of the latest analysis's error records whose
    /// numbers are in `rows`, from the worker, in row order. A row the
    /// worker no longer has is left out.
    pub async fn fetch_error_rows(self, rows: Vec<u32>) -> Result<Vec<SourceRow>, WorkerFailure> {
        let worker = self.worker.get_value();
        let task = Task::ErrorRows { rows };
        match worker.run(task, ArrayBuffer::new(0), |_| {}).await? {
            TaskReply {
                output: TaskOutput::ErrorRows { rows },
                ..
            } => Ok(rows),
            _ => Err(WorkerFailure::Unavailable(
                "the worker returned no error rows".to_owned(),
            )),
        }
    }

    /// Stops the running analysis.
    pub fn cancel_analysis(self) {
        self.analysis_request.update_value(|request| *request += 1);
        self.worker.with_value(AnalysisWorker::restart);
        self.stage.set(None);
    }

    /// Checks the import choices and moves to the confirmation step.
    pub fn review(self) {
        match self.tag_choice() {
            Ok(_) => {
                self.notices.clear();
                self.step.set(ImportStep::Confirm);
            }
            Err(message) => self.notices.show(message),
        }
    }

    /// Returns the tag choice of the import, or the reason it is incomplete.
    pub fn tag_choice(self) -> Result<TagChoice, String> {
        match self.tag_mode.get() {
            TagMode::None => Ok(TagChoice::None),
            TagMode::Automatically => Ok(TagChoice::Automatically),
            TagMode::Manually => {
                let tags = self.tag_name.with(|text| split_tags(text));
                if tags.is_empty() {
                    Err("Enter a tag name, or choose another tag option.".to_owned())
                } else {
                    Ok(TagChoice::Manually(tags))
                }
            }
        }
    }

    /// Sends the analysed profiles to the server and waits for the merge.
    pub fn submit(self) {
        let outgoing = match self.outgoing_import() {
            Ok(request) => request,
            Err(message) => {
                self.notices.show(message);
                return;
            }
        };
        self.notices.clear();
        self.step.set(ImportStep::Sending);
        self.cancel_requested.set(false);
        let sending = self.sending;
        let cancel_requested = self.cancel_requested;
        spawn_local(async move {
            let result = send_import(
                &outgoing,
                move |step| sending.set(Some(step)),
                move || cancel_requested.get_untracked(),
            )
            .await;
            self.sending.set(None);
            match result {
                Ok(entry) => {
                    log::info!(
                        "import {} finished: {}",
                        entry.import_id,
                        entry.status.key()
                    );
                    self.outcome.set(Some(entry));
                    self.step.set(ImportStep::Choose);
                }
                Err(failure) => {
                    log::error!("import failed: {failure}");
                    self.step.set(ImportStep::Confirm);
                    let api_failure = failure.api_failure();
                    if !self.session.check_failure(api_failure) {
                        self.notices.show(Notice::with_details(
                            failure.to_string(),
                            api_failure.details(),
                        ));
                    }
                }
            }
        });
    }

    /// Builds the import to send: the settings, choices, summary and record
    /// errors, and the analysed profiles, never cells of the file.
    fn outgoing_import(self) -> Result<OutgoingImport, String> {
        let tags = self.tag_choice()?;
        let analyzed = self
            .analyzed
            .get()
            .ok_or_else(|| "Analyze the file before importing it.".to_owned())?;
        if !self.analysis_is_current() {
            return Err("The settings changed after the analysis: analyze the file again.".into());
        }
        let file_name = self
            .file_name
            .get()
            .ok_or_else(|| "Upload a file first.".to_owned())?;
        let mut settings = analyzed.settings;
        settings.person_type = self.person_type.get();
        let new = NewImport {
            file_name,
            file_size: self.file_size.get(),
            checksum: analyzed.result.checksum,
            settings,
            choices: ImportChoices {
                on_match: self.on_match.get(),
                journey_id: self
                    .journey
                    .get()
                    .filter(|_| tags != TagChoice::None)
                    .map(|journey| journey.journey_id),
                tags,
                edited_cells: u32::try_from(analyzed.result.edited_cells).unwrap_or(u32::MAX),
            },
            summary: analyzed.result.summary,
            errors: analyzed.result.errors,
        };
        let profiles = self
            .profiles
            .get_value()
            .ok_or_else(|| "Analyze the file before importing it.".to_owned())?;
        Ok(OutgoingImport {
            new,
            profile_batches: profiles.batches,
        })
    }

    /// Clears everything for a new import.
    pub fn reset(self) {
        // A preview still waiting for the file's bytes is dropped when it
        // returns.
        self.preview_request.update_value(|request| *request += 1);
        self.worker.with_value(AnalysisWorker::restart);
        self.file.set_value(None);
        self.file_name.set(None);
        self.file_size.set(0);
        self.reset_read_choices();
        self.person_type.set(PersonType::Lead);
        self.preview.set(None);
        self.reading.set(None);
        self.mapping.set(MappingState::default());
        self.edits.set(BTreeMap::new());
        self.clear_analysis();
        self.analysis_cleared.set(false);
        self.on_match.set(OnMatch::Discard);
        self.tag_mode.set(TagMode::None);
        self.tag_name.set(String::new());
        self.journey.set(None);
        self.outcome.set(None);
        self.notices.clear();
    }

    fn clear_analysis(self) {
        self.analysis_request.update_value(|request| *request += 1);
        self.stage.set(None);
        self.analyzed.set(None);
        self.rechecked.set(BTreeMap::new());
        self.error_rows.set(BTreeMap::new());
        self.profiles.set_value(None);
        self.step.set(ImportStep::Choose);
    }

    fn reset_read_choices(self) {
        self.skip_rows.set(0);
        self.sheet.set(None);
        self.delimiter.set(None);
        self.encoding.set(None);
    }

    fn read_choices(self) -> ReadChoices {
        ReadChoices {
            delimiter: self.delimiter.get(),
            encoding: self.encoding.get(),
            sheet: self.sheet.get(),
        }
    }
}

/// Splits the "Tag name" text at commas, trimming each tag and dropping
/// empty and repeated ones.
pub fn split_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|tag| !tag.is_empty()) {
        if !tags.iter().any(|known| known == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// Reads the whole file into a new `ArrayBuffer`.
async fn read_bytes(file: &File) -> Result<js_sys::ArrayBuffer, WorkerFailure> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|error| {
        WorkerFailure::Unavailable(format!(
            "the file could not be read: {}",
            js_error_text(&error)
        ))
    })?;
    Ok(buffer.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tags_trims_and_drops_repeats() {
        assert_eq!(
            split_tags(" fair 2026 , vip,,vip "),
            vec!["fair 2026", "vip"]
        );
        assert!(split_tags(" , ").is_empty());
    }
}
