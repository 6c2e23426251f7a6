//! The import protocol on a real server: idempotent batches, resume by
//! checksum, cancel, commit checks, history limits and retention, details,
//! the error report, notifications and undo.

use std::sync::Arc;

use backend::store::ManualClock;
use serde_json::{json, Value};
use shared::wire::{
    ImportCreated, ImportDetails, ImportEntry, ImportStatus, Notification, OnMatch, Page,
    UndoOutcome,
};
use shared::{ErrorCode, PersonType, RecordError};

use people_tests::{checksum_of, profile, request, TestServer};

fn two_profiles() -> shared::wire::ImportRequest {
    request(
        PersonType::Lead,
        OnMatch::Merge,
        vec![
            profile(2, "a@example.com", "A"),
            profile(3, "b@example.com", "B"),
        ],
    )
}

async fn create(server: &TestServer, import: &shared::wire::ImportRequest) -> ImportCreated {
    server
        .expect_json(
            server
                .client
                .post(server.url("/api/imports"))
                .json(&import.new_import(checksum_of(import))),
        )
        .await
        .expect("create failed")
}

async fn commit(
    server: &TestServer,
    import_id: i64,
    batch_count: u32,
) -> Result<ImportEntry, people_tests::Failure> {
    server
        .expect_json(
            server
                .client
                .post(server.url(&format!("/api/imports/{import_id}/commit")))
                .json(&json!({ "batch_count": batch_count })),
        )
        .await
}

#[tokio::test]
async fn resent_batch_is_stored_once() {
    let server = TestServer::start().await;
    let import = two_profiles();
    let created = create(&server, &import).await;
    let import_id = created.entry.import_id;
    assert_eq!(created.entry.status, ImportStatus::Uploading);

    let first = server
        .put_batch(import_id, 0, &import.profiles)
        .await
        .expect("stored");
    assert!(first.stored);
    let again = server
        .put_batch(import_id, 0, &import.profiles)
        .await
        .expect("same batch");
    assert!(!again.stored, "a resent batch changes nothing");

    let mut changed = import.profiles.clone();
    changed[0].values.first_name = Some("Changed".into());
    let conflict = server
        .put_batch(import_id, 0, &changed)
        .await
        .expect_err("changed batch");
    assert_eq!(conflict.status, 409);

    commit(&server, import_id, 1).await.expect("commit");
    let entry = server.wait_for_import(import_id).await;
    assert_eq!(entry.status, ImportStatus::Completed);
    assert_eq!(entry.counts.created, 2);
    let persons = server.persons().await;
    assert_eq!(persons.len(), 2, "every profile exists once");
    assert!(persons
        .iter()
        .all(|p| p.values.first_name.as_deref() != Some("Changed")));
}

#[tokio::test]
async fn resume_needs_same_settings() {
    let server = TestServer::start().await;
    let import = two_profiles();
    let checksum = checksum_of(&import);
    let created = create(&server, &import).await;
    server
        .put_batch(created.entry.import_id, 0, &import.profiles[..1])
        .await
        .expect("batch 0");

    let mut discard = import.clone();
    discard.choices.on_match = OnMatch::Discard;
    let mut skipped = import.clone();
    skipped.settings.skip_rows = 1;
    for other in [discard, skipped] {
        let again: ImportCreated = server
            .expect_json(
                server
                    .client
                    .post(server.url("/api/imports"))
                    .json(&other.new_import(checksum.clone())),
            )
            .await
            .expect("create failed");
        assert!(!again.resumed, "other settings or choices must not resume");
        assert_ne!(again.entry.import_id, created.entry.import_id);
        assert!(again.received_batches.is_empty());
    }
}

#[tokio::test]
async fn same_file_resumes_after_last_batch() {
    let server = TestServer::start().await;
    let import = request(
        PersonType::Lead,
        OnMatch::Merge,
        (0..5)
            .map(|n| profile(n + 2, &format!("r{n}@example.com"), "R"))
            .collect(),
    );
    let created = create(&server, &import).await;
    let import_id = created.entry.import_id;
    server
        .put_batch(import_id, 0, &import.profiles[..2])
        .await
        .expect("batch 0");
    server
        .put_batch(import_id, 1, &import.profiles[2..4])
        .await
        .expect("batch 1");

    // The browser reloads: the same file is chosen again.
    let resumed = create(&server, &import).await;
    assert!(resumed.resumed);
    assert_eq!(resumed.entry.import_id, import_id);
    assert_eq!(resumed.received_batches, vec![0, 1]);

    server
        .put_batch(import_id, 2, &import.profiles[4..])
        .await
        .expect("batch 2");
    commit(&server, import_id, 3).await.expect("commit");
    let entry = server.wait_for_import(import_id).await;
    assert_eq!(entry.counts.created, 5);
    assert_eq!(server.persons().await.len(), 5);
}

#[tokio::test]
async fn commit_needs_every_batch() {
    let server = TestServer::start().await;
    let import = two_profiles();
    let import_id = create(&server, &import).await.entry.import_id;
    server
        .put_batch(import_id, 0, &import.profiles[..1])
        .await
        .expect("batch 0");

    let missing = commit(&server, import_id, 2)
        .await
        .expect_err("batch 1 is missing");
    assert_eq!(missing.status, 409);
    let short = commit(&server, import_id, 1)
        .await
        .expect_err("counts differ");
    assert_eq!(short.status, 409);
    assert!(server.persons().await.is_empty());
}

#[tokio::test]
async fn cancelled_import_takes_no_batches() {
    let server = TestServer::start().await;
    let import = two_profiles();
    let import_id = create(&server, &import).await.entry.import_id;
    server
        .put_batch(import_id, 0, &import.profiles)
        .await
        .expect("batch 0");
    let cancelled: ImportEntry = server
        .expect_json(
            server
                .client
                .post(server.url(&format!("/api/imports/{import_id}/cancel"))),
        )
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, ImportStatus::Cancelled);
    let late = server
        .put_batch(import_id, 1, &import.profiles)
        .await
        .expect_err("cancelled");
    assert_eq!(late.status, 409);
    let commit = commit(&server, import_id, 1).await.expect_err("cancelled");
    assert_eq!(commit.status, 409);
    assert!(server.persons().await.is_empty());
}

#[tokio::test]
async fn cancel_during_merge_rolls_back() {
    let server = TestServer::start().await;
    // Enough profiles that the merge is still running when the cancel
    // arrives a moment after the commit, or stops on it before the response.
    let import = request(
        PersonType::Lead,
        OnMatch::Merge,
        (0..20_000)
            .map(|n| profile(n + 2, &format!("m{n}@example.com"), "M"))
            .collect(),
    );
    let import_id = server
        .upload_and_commit(&import)
        .await
        .expect("upload and commit");

    server.cancel_running_merge(import_id).await;

    let entry = server.wait_for_import(import_id).await;
    assert_eq!(entry.status, ImportStatus::Cancelled);
    assert_eq!(entry.counts.created, 0);
    assert!(entry
        .failure
        .is_some_and(|text| text.contains("nothing was imported")));
    assert!(server.persons().await.is_empty(), "the merge rolled back");
    let notices = server.notifications().await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].import_id, Some(import_id));
    assert!(
        notices[0].message.contains("cancelled"),
        "{}",
        notices[0].message
    );

    let late = server
        .client
        .post(server.url(&format!("/api/imports/{import_id}/cancel")))
        .send()
        .await
        .expect("second cancel request");
    assert_eq!(late.status(), 200, "a second cancel changes nothing");
    let late: ImportEntry = late.json().await.expect("entry is JSON");
    assert_eq!(late.status, ImportStatus::Cancelled);
}

#[tokio::test]
async fn history_lists_thirty_of_fourteen_days() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let server = TestServer::start_with_clock(Some(clock.clone())).await;
    for n in 0..32 {
        let import = request(
            PersonType::Lead,
            OnMatch::Discard,
            vec![profile(2, &format!("h{n}@example.com"), "H")],
        );
        server.import(&import).await;
    }
    let page: Page<ImportEntry> = server
        .get("/api/imports?per_page=50")
        .await
        .json()
        .await
        .expect("history is JSON");
    assert_eq!(page.total, 30);
    assert_eq!(page.items.len(), 30);
    assert!(
        page.items[0].import_id > page.items[1].import_id,
        "newest first"
    );

    clock.advance(chrono::Duration::days(15));
    let purged = server.store.purge_old_imports().await.expect("purge runs");
    assert_eq!(purged, 32);
    let page: Page<ImportEntry> = server.get("/api/imports").await.json().await.expect("JSON");
    assert_eq!(page.total, 0);
    assert_eq!(
        server.persons().await.len(),
        32,
        "profiles outlive their history"
    );
}

#[tokio::test]
async fn details_and_error_report_show_errors() {
    let server = TestServer::start().await;
    let mut import = two_profiles();
    import.summary.data_rows += 2;
    import.summary.error_records = 2;
    import.errors = vec![
        RecordError {
            row: 4,
            field: Some("email".into()),
            code: ErrorCode::InvalidEmail,
            message: "=HYPERLINK(\"http://x\") is not an email address".into(),
        },
        RecordError {
            row: 5,
            field: None,
            code: ErrorCode::NoContact,
            message: "the record has no email, phone or external ID".into(),
        },
    ];
    let entry = server.import(&import).await;
    assert_eq!(entry.status, ImportStatus::CompletedWithErrors);

    let details: ImportDetails = server
        .get(&format!("/api/imports/{}/details", entry.import_id))
        .await
        .json()
        .await
        .expect("details are JSON");
    assert_eq!(details.errors, import.errors);
    assert_eq!(details.choices.on_match, OnMatch::Merge);
    assert_eq!(details.entry.counts.created, 2);

    let response = server
        .get(&format!("/api/imports/{}/errors.csv", entry.import_id))
        .await;
    assert_eq!(response.status(), 200);
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.contains("contacts-errors.csv"), "{disposition}");
    let csv = response.text().await.expect("CSV body");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "row,field,code,message");
    assert!(
        lines[1].starts_with("4,email,invalid_email,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("'=HYPERLINK"),
        "formula is neutralized: {}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "5,,no_contact,\"the record has no email, phone or external ID\""
    );
}

#[tokio::test]
async fn finished_import_notifies_its_user() {
    let server = TestServer::start().await;
    let entry = server.import(&two_profiles()).await;
    let unread: Vec<Notification> = server
        .get("/api/notifications")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].import_id, Some(entry.import_id));
    assert!(
        unread[0].message.contains("2 created"),
        "{}",
        unread[0].message
    );

    let read = server
        .client
        .post(server.url(&format!(
            "/api/notifications/{}/read",
            unread[0].notification_id
        )))
        .send()
        .await
        .expect("request failed");
    assert_eq!(read.status(), 204);
    let unread: Vec<Notification> = server
        .get("/api/notifications")
        .await
        .json()
        .await
        .expect("JSON");
    assert!(unread.is_empty());
}

async fn undo(
    server: &TestServer,
    import_id: i64,
    confirm: bool,
) -> Result<UndoOutcome, people_tests::Failure> {
    server
        .expect_json(
            server
                .client
                .post(server.url(&format!("/api/imports/{import_id}/undo")))
                .json(&json!({ "confirm": confirm })),
        )
        .await
}

#[tokio::test]
async fn undo_removes_created_and_restores_changed() {
    let server = TestServer::start().await;
    let mut first = profile(2, "kept@example.com", "Kept");
    first.values.city = Some("Leeds".into());
    server
        .import(&request(PersonType::Lead, OnMatch::Merge, vec![first]))
        .await;

    let mut changed = profile(2, "kept@example.com", "Changed");
    changed.values.phones = vec!["+442079460101".into()];
    changed.values.tags = vec!["fair".into()];
    let second = server
        .import(&request(
            PersonType::Customer,
            OnMatch::Merge,
            vec![changed, profile(3, "new@example.com", "New")],
        ))
        .await;
    assert_eq!(second.counts.promoted, 1);
    assert_eq!(second.counts.created, 1);

    let outcome = undo(&server, second.import_id, false)
        .await
        .expect("undo works");
    assert_eq!(
        outcome,
        UndoOutcome {
            removed: 1,
            restored: 1
        }
    );

    let persons = server.persons().await;
    assert_eq!(persons.len(), 1, "the created profile is removed");
    let kept = &persons[0];
    assert_eq!(
        kept.person_type,
        PersonType::Lead,
        "the promotion is undone"
    );
    assert_eq!(kept.values.first_name.as_deref(), Some("Kept"));
    assert_eq!(kept.values.city.as_deref(), Some("Leeds"));
    assert!(kept.values.phones.is_empty());
    assert!(kept.values.tags.is_empty());

    let entry: ImportEntry = server
        .get(&format!("/api/imports/{}", second.import_id))
        .await
        .json()
        .await
        .expect("JSON");
    assert!(entry.undone_at.is_some());
    let twice = undo(&server, second.import_id, false)
        .await
        .expect_err("already undone");
    assert_eq!(twice.status, 409);
}

#[tokio::test]
async fn undo_asks_when_later_imports_changed_profiles() {
    let server = TestServer::start().await;
    let first = server
        .import(&request(
            PersonType::Lead,
            OnMatch::Merge,
            vec![profile(2, "x@example.com", "One")],
        ))
        .await;
    let second = server
        .import(&request(
            PersonType::Lead,
            OnMatch::Merge,
            vec![profile(2, "x@example.com", "Two")],
        ))
        .await;

    let refused = undo(&server, first.import_id, false)
        .await
        .expect_err("later import");
    assert_eq!(refused.status, 409);
    let message = refused.body["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains(&second.import_id.to_string()), "{message}");
    assert_eq!(
        server.persons().await.len(),
        1,
        "nothing changes without confirm"
    );

    let outcome = undo(&server, first.import_id, true)
        .await
        .expect("confirmed undo");
    assert_eq!(outcome.removed, 1);
    assert!(server.persons().await.is_empty());
}

#[tokio::test]
async fn undo_is_refused_after_fourteen_days() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let server = TestServer::start_with_clock(Some(clock.clone())).await;
    let entry = server.import(&two_profiles()).await;
    clock.advance(chrono::Duration::days(14) + chrono::Duration::minutes(1));
    let refused = undo(&server, entry.import_id, true)
        .await
        .expect_err("too old");
    assert_eq!(refused.status, 409);
    let body: &Value = &refused.body;
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("14 days"));
}
