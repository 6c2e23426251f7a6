//! `/api/imports`: create an import from analysed profiles, and read the
//! import history.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Json};
use shared::wire::{ImportEntry, ImportRequest, MatchCounts, Page, ProfileIdentifiers, TagChoice};

use super::session::AuthUser;
use super::{Access, ApiContext, ApiResult, ApiRoutes, Error, PageQuery};

/// Longest accepted file name, in characters.
const MAX_FILE_NAME_CHARS: usize = 255;

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes
        .add(
            "GET",
            "/imports",
            Access::Authenticated,
            "The import history, newest first.",
            get(list_imports),
        )
        .add(
            "POST",
            "/imports",
            Access::Authenticated,
            "Validate and apply an import.",
            post(create_import),
        )
        .add(
            "GET",
            "/imports/{import_id}",
            Access::Authenticated,
            "One import of the history.",
            get(get_import),
        )
        .add(
            "POST",
            "/matches",
            Access::Authenticated,
            "Count file profiles that match stored profiles.",
            post(count_matches),
        )
}

/// POST /api/imports: validates the profiles again, merges them into the
/// store and returns the finished history entry.
async fn create_import(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Json(request): Json<ImportRequest>,
) -> ApiResult<Json<ImportEntry>> {
    check_request(&request)?;

    check_journey(&context, &request).await?;

    let mut errors = shared::check_profiles(&request.profiles);
    let attribute_types = context.store.attribute_types().await?;
    errors.extend(shared::attributes::check_attribute_values(
        &request.profiles,
        &attribute_types,
    ));
    if !errors.is_empty() {
        tracing::info!(
            profiles = request.profiles.len(),
            errors = errors.len(),
            "rejected an import whose profiles fail validation"
        );
        return Err(Error::InvalidProfiles {
            message: format!(
                "{} of the submitted values fail validation; analyse the file again and resend",
                errors.len()
            ),
            errors,
        });
    }

    let entry = context
        .store
        .apply_import(&request, &auth_user.user.name)
        .await?;
    tracing::info!(
        import_id = entry.import_id,
        status = entry.status.key(),
        created = entry.counts.created,
        updated = entry.counts.updated,
        "import finished"
    );
    Ok(Json(entry))
}

/// Checks that a chosen journey exists, is active, and comes with tags.
async fn check_journey(context: &ApiContext, request: &ImportRequest) -> ApiResult<()> {
    let Some(journey_id) = request.choices.journey_id else {
        return Ok(());
    };
    if request.choices.tags == TagChoice::None {
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

/// Checks that the request's counts agree with its profiles and errors.
fn check_request(request: &ImportRequest) -> ApiResult<()> {
    let name_chars = request.file_name.chars().count();
    if name_chars == 0 || name_chars > MAX_FILE_NAME_CHARS {
        return Err(Error::BadRequest(format!(
            "file_name must have 1 to {MAX_FILE_NAME_CHARS} characters, got {name_chars}"
        )));
    }
    let summary = request.summary;
    if summary.valid_records.checked_add(summary.error_records) != Some(summary.data_rows) {
        return Err(Error::BadRequest(format!(
            "summary does not add up: {} valid plus {} error records is not {} data rows",
            summary.valid_records, summary.error_records, summary.data_rows
        )));
    }
    if summary.profiles as usize != request.profiles.len() {
        return Err(Error::BadRequest(format!(
            "summary counts {} profiles but the request holds {}",
            summary.profiles,
            request.profiles.len()
        )));
    }
    let rows_in_profiles: usize = request
        .profiles
        .iter()
        .map(|profile| profile.rows.len())
        .sum();
    if rows_in_profiles != summary.valid_records as usize {
        return Err(Error::BadRequest(format!(
            "summary counts {} valid records but the profiles are made of {rows_in_profiles}",
            summary.valid_records
        )));
    }
    Ok(())
}

/// GET /api/imports: the import history, newest first.
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

/// POST /api/matches: counts how many of the given file profiles match
/// stored profiles. The body holds identifiers only.
async fn count_matches(
    State(context): State<ApiContext>,
    Json(profiles): Json<Vec<ProfileIdentifiers>>,
) -> ApiResult<Json<MatchCounts>> {
    Ok(Json(context.store.count_matches(&profiles).await?))
}
