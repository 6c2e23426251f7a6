//! `/api/imports`: the import protocol (create, batches, commit, cancel),
//! the history with details, error reports and undo, and match counts.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json};
use shared::wire::{
    BatchReceipt, CommitRequest, ImportCreated, ImportDetails, ImportEntry, ImportStatus,
    MatchCounts, NewImport, Page, ProfileIdentifiers, TagChoice, UndoOutcome, UndoRequest,
    MAX_BATCH_PROFILES,
};
use shared::ProfileDraft;

use super::session::AuthUser;
use super::{Access, ApiContext, ApiResult, ApiRoutes, Error, PageQuery};
use crate::store::{BatchStored, CommitRejected, UndoRefused};

/// Longest accepted file name, in characters.
const MAX_FILE_NAME_CHARS: usize = 255;

/// Most record errors one import may report.
const MAX_RECORD_ERRORS: usize = 1_000_000;

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    let auth = Access::Authenticated;
    routes
        .add(
            "GET",
            "/imports",
            auth,
            "The 30 most recent imports of the last 14 days, newest first.",
            get(list_imports),
        )
        .add(
            "POST",
            "/imports",
            auth,
            "Create an import, or resume the upload of the same file.",
            post(create_import),
        )
        .add(
            "GET",
            "/imports/{import_id}",
            auth,
            "One import of the history, with merge progress.",
            get(get_import),
        )
        .add(
            "PUT",
            "/imports/{import_id}/batches/{batch_number}",
            auth,
            "Upload one numbered batch of analysed profiles (JSON, may be gzip-compressed).",
            put(put_batch),
        )
        .add(
            "POST",
            "/imports/{import_id}/commit",
            auth,
            "Apply the uploaded batches as one transaction.",
            post(commit_import),
        )
        .add(
            "POST",
            "/imports/{import_id}/cancel",
            auth,
            "Cancel an import that is still uploading.",
            post(cancel_import),
        )
        .add(
            "GET",
            "/imports/{import_id}/details",
            auth,
            "Settings, mapping, counts and error records of an import.",
            get(import_details),
        )
        .add(
            "GET",
            "/imports/{import_id}/errors.csv",
            auth,
            "The error records of an import as CSV.",
            get(error_report),
        )
        .add(
            "POST",
            "/imports/{import_id}/undo",
            auth,
            "Undo an import of the last 14 days.",
            post(undo_import),
        )
        .add(
            "POST",
            "/matches",
            auth,
            "Count file profiles that match stored profiles.",
            post(count_matches),
        )
}

/// POST /api/imports: records an import in status Uploading. The same user
/// sending the checksum of a file still uploading resumes that import.
async fn create_import(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Json(new): Json<NewImport>,
) -> ApiResult<(StatusCode, Json<ImportCreated>)> {
    check_new_import(&new)?;
    check_journey(&context, &new).await?;
    let created = context.store.create_import(&new, &auth_user.user).await?;
    tracing::info!(
        import_id = created.entry.import_id,
        user_id = auth_user.user.user_id,
        resumed = created.resumed,
        "import created"
    );
    let status = if created.resumed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(created)))
}

fn check_new_import(new: &NewImport) -> ApiResult<()> {
    let name_chars = new.file_name.chars().count();
    if name_chars == 0 || name_chars > MAX_FILE_NAME_CHARS {
        return Err(Error::BadRequest(format!(
            "file_name must have 1 to {MAX_FILE_NAME_CHARS} characters, got {name_chars}"
        )));
    }
    if new.checksum.len() != 64 || !new.checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::BadRequest(
            "checksum must be the SHA-256 of the file as 64 hex digits".into(),
        ));
    }
    let summary = new.summary;
    if summary.valid_records.checked_add(summary.error_records) != Some(summary.data_rows) {
        return Err(Error::BadRequest(format!(
            "summary does not add up: {} valid plus {} error records is not {} data rows",
            summary.valid_records, summary.error_records, summary.data_rows
        )));
    }
    if summary.profiles > summary.valid_records {
        return Err(Error::BadRequest(format!(
            "summary counts {} profiles from only {} valid records",
            summary.profiles, summary.valid_records
        )));
    }
    if new.errors.len() > MAX_RECORD_ERRORS {
        return Err(Error::BadRequest(format!(
            "{} record errors is more than the {MAX_RECORD_ERRORS} an import may report",
            new.errors.len()
        )));
    }
    Ok(())
}

/// Checks that a chosen journey exists, is active, and comes with tags.
async fn check_journey(context: &ApiContext, new: &NewImport) -> ApiResult<()> {
    let Some(journey_id) = new.choices.journey_id else {
        return Ok(());
    };
    if new.choices.tags == TagChoice::None {
        return Err(Error::BadRequest(
            "a journey needs tags: choose Automatically or Manually for the import tags".into(),
        ));
    }
    let journey = context
        .store
        .get_journey(journey_id)
        .await?
        .ok_or_else(|| Error::BadRequest(format!("journey {journey_id} not found")))?;
    if !journey.active {
        return Err(Error::BadRequest(format!(
            "journey {:?} is not active: activate it or choose another",
            journey.name
        )));
    }
    Ok(())
}

/// Checks that the import exists and belongs to the user.
async fn check_owner(context: &ApiContext, auth_user: &AuthUser, import_id: i64) -> ApiResult<()> {
    match context.store.import_owner(import_id).await? {
        None => Err(Error::NotFound(format!("import {import_id} not found"))),
        Some((_, Some(owner))) if owner == auth_user.user.user_id => Ok(()),
        Some(_) => Err(Error::Forbidden(format!(
            "import {import_id} was started by another user, who alone can upload to it"
        ))),
    }
}

/// PUT /api/imports/{id}/batches/{n}: validates one batch with `shared`
/// and stores it. Sending the same batch again changes nothing; a
/// different batch under a stored number is rejected.
async fn put_batch(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Path((import_id, batch_number)): Path<(i64, u32)>,
    body: Bytes,
) -> ApiResult<Json<BatchReceipt>> {
    check_owner(&context, &auth_user, import_id).await?;
    let profiles: Vec<ProfileDraft> = serde_json::from_slice(&body).map_err(|error| {
        Error::BadRequest(format!(
            "batch {batch_number} is not a JSON list of profiles: {error}"
        ))
    })?;
    if profiles.len() > MAX_BATCH_PROFILES {
        return Err(Error::BadRequest(format!(
            "batch {batch_number} holds {} profiles, more than the {MAX_BATCH_PROFILES} allowed",
            profiles.len()
        )));
    }

    let mut errors = shared::check_profiles(&profiles);
    let attribute_types = context.store.attribute_types().await?;
    errors.extend(shared::attributes::check_attribute_values(
        &profiles,
        &attribute_types,
    ));
    if !errors.is_empty() {
        tracing::info!(
            import_id,
            batch_number,
            errors = errors.len(),
            "rejected a batch that fails validation"
        );
        return Err(Error::InvalidProfiles {
            message: format!(
                "{} values of batch {batch_number} fail validation; analyse the file again and resend",
                errors.len()
            ),
            errors,
        });
    }

    // The digest is taken over the server's own serialization, so white
    // space or key order in the request does not matter.
    let json = serde_json::to_vec(&profiles).map_err(anyhow::Error::from)?;
    match context
        .store
        .store_batch(import_id, batch_number, &profiles, &json)
        .await?
    {
        BatchStored::Stored => Ok(Json(BatchReceipt {
            batch_number,
            stored: true,
        })),
        BatchStored::AlreadyStored => Ok(Json(BatchReceipt {
            batch_number,
            stored: false,
        })),
        BatchStored::Differs => {
            tracing::warn!(import_id, batch_number, "rejected a changed batch");
            Err(Error::Conflict(format!(
                "batch {batch_number} was already received with other content; \
                 start the import again instead of changing a sent batch"
            )))
        }
        BatchStored::NotUploading(status) => Err(not_uploading(import_id, status)),
        BatchStored::NotFound => Err(Error::NotFound(format!("import {import_id} not found"))),
    }
}

fn not_uploading(import_id: i64, status: ImportStatus) -> Error {
    Error::Conflict(format!(
        "import {import_id} is {}, so it takes no more uploads",
        status.label()
    ))
}

/// POST /api/imports/{id}/commit: checks the batches and starts the merge,
/// which runs in the background; poll GET /api/imports/{id} for progress.
async fn commit_import(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Path(import_id): Path<i64>,
    Json(commit): Json<CommitRequest>,
) -> ApiResult<(StatusCode, Json<ImportEntry>)> {
    check_owner(&context, &auth_user, import_id).await?;
    let committed = context
        .store
        .commit_import(import_id, commit.batch_count, &context.instance)
        .await?;
    match committed {
        Ok(()) => {}
        Err(CommitRejected::NotFound) => {
            return Err(Error::NotFound(format!("import {import_id} not found")));
        }
        Err(CommitRejected::NotUploading(status)) => return Err(not_uploading(import_id, status)),
        Err(CommitRejected::MissingBatches(missing)) => {
            let listed: Vec<String> = missing.iter().take(20).map(u32::to_string).collect();
            return Err(Error::Conflict(format!(
                "{} batches were not received (numbers {}): upload them, then commit again",
                missing.len(),
                listed.join(", ")
            )));
        }
        Err(CommitRejected::CountsDiffer(message)) => return Err(Error::Conflict(message)),
    }
    tracing::info!(import_id, batches = commit.batch_count, "import committed");
    crate::jobs::spawn_merge(context.store.clone(), import_id, context.instance.clone());
    let entry = context
        .store
        .get_import(import_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("import {import_id} not found")))?;
    Ok((StatusCode::ACCEPTED, Json(entry)))
}

/// POST /api/imports/{id}/cancel: cancels an import still uploading
/// (200), or requests that its running merge roll back (202, and the
/// import turns Cancelled when the merge has stopped).
async fn cancel_import(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Path(import_id): Path<i64>,
) -> ApiResult<(StatusCode, Json<ImportEntry>)> {
    check_owner(&context, &auth_user, import_id).await?;
    let code = match context.store.cancel_import(import_id).await? {
        None => return Err(Error::NotFound(format!("import {import_id} not found"))),
        Some(ImportStatus::Cancelled) => {
            tracing::info!(import_id, "import cancelled");
            StatusCode::OK
        }
        Some(ImportStatus::Importing) => StatusCode::ACCEPTED,
        Some(status @ (ImportStatus::Completed | ImportStatus::CompletedWithErrors)) => {
            return Err(Error::Conflict(format!(
                "import {import_id} is {}, so it can no longer be cancelled: undo it from its \
                 details page instead",
                status.label()
            )));
        }
        Some(status) => {
            return Err(Error::Conflict(format!(
                "import {import_id} is {}, so it can no longer be cancelled",
                status.label()
            )));
        }
    };
    let entry = context
        .store
        .get_import(import_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("import {import_id} not found")))?;
    Ok((code, Json(entry)))
}

/// GET /api/imports: the history, newest first.
async fn list_imports(
    State(context): State<ApiContext>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<ImportEntry>>> {
    let (page, per_page) = query.checked()?;
    Ok(Json(context.store.list_imports(page, per_page).await?))
}

/// GET /api/imports/{import_id}: one history entry.
async fn get_import(
    State(context): State<ApiContext>,
    Path(import_id): Path<i64>,
) -> ApiResult<Json<ImportEntry>> {
    context
        .store
        .get_import(import_id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::NotFound(format!("import {import_id} not found")))
}

/// GET /api/imports/{import_id}/details.
async fn import_details(
    State(context): State<ApiContext>,
    Path(import_id): Path<i64>,
) -> ApiResult<Json<ImportDetails>> {
    context
        .store
        .import_details(import_id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::NotFound(format!("import {import_id} not found")))
}

/// GET /api/imports/{import_id}/errors.csv: the error report.
async fn error_report(
    State(context): State<ApiContext>,
    Path(import_id): Path<i64>,
) -> ApiResult<Response> {
    let Some(entry) = context.store.get_import(import_id).await? else {
        return Err(Error::NotFound(format!("import {import_id} not found")));
    };
    let errors = context.store.import_errors(import_id).await?;
    let csv = shared::report::error_csv(&errors).map_err(anyhow::Error::from)?;
    let stem = entry
        .file_name
        .rsplit_once('.')
        .map_or(entry.file_name.as_str(), |(stem, _)| stem);
    let download: String = format!("{stem}-errors.csv")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{download}\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// POST /api/imports/{import_id}/undo.
async fn undo_import(
    State(context): State<ApiContext>,
    Path(import_id): Path<i64>,
    Json(request): Json<UndoRequest>,
) -> ApiResult<Json<UndoOutcome>> {
    match context
        .store
        .undo_import(import_id, request.confirm)
        .await?
    {
        Ok(outcome) => Ok(Json(outcome)),
        Err(UndoRefused::NotFound) => Err(Error::NotFound(format!("import {import_id} not found"))),
        Err(UndoRefused::NotApplied(status)) => Err(Error::Conflict(format!(
            "import {import_id} is {}, so it changed no profiles to undo",
            status.label()
        ))),
        Err(UndoRefused::AlreadyUndone) => Err(Error::Conflict(format!(
            "import {import_id} is already undone"
        ))),
        Err(UndoRefused::TooOld) => Err(Error::Conflict(format!(
            "import {import_id} is older than 14 days and can no longer be undone"
        ))),
        Err(UndoRefused::LaterImports {
            import_ids,
            profiles,
        }) => {
            let listed: Vec<String> = import_ids.iter().map(i64::to_string).collect();
            Err(Error::Conflict(format!(
                "later imports ({}) changed {profiles} of the same profiles; undo with \
                 confirm to put back the state before this import and lose their changes \
                 to those profiles",
                listed.join(", ")
            )))
        }
    }
}

/// POST /api/matches: counts how many of the given file profiles match
/// stored profiles. The body holds identifiers only.
async fn count_matches(
    State(context): State<ApiContext>,
    Json(profiles): Json<Vec<ProfileIdentifiers>>,
) -> ApiResult<Json<MatchCounts>> {
    Ok(Json(context.store.count_matches(&profiles).await?))
}
