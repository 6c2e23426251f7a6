//! Several `people serve` instances on one PostgreSQL database: concurrent
//! imports with overlapping profiles, an instance killed mid-merge, and a
//! merge cancelled through another instance.
//!
//! These tests need `PEOPLE_TEST_POSTGRES_URL` (an admin URL of a
//! PostgreSQL server) and are ignored by default; the test script runs
//! them with `--ignored` against the local PostgreSQL.

use std::collections::BTreeMap;

use shared::wire::{ImportEntry, ImportRequest, ImportStatus, OnMatch, Page, Person};
use shared::PersonType;

use people_tests::{
    add_user_with_cli, profile, request, test_database_url, token_client, Api, ServerProcess,
};

async fn postgres_database(folder: &std::path::Path) -> String {
    assert!(
        std::env::var_os("PEOPLE_TEST_POSTGRES_URL").is_some(),
        "set PEOPLE_TEST_POSTGRES_URL to a PostgreSQL admin URL to run the instance tests"
    );
    test_database_url(folder).await
}

async fn all_persons(api: &Api) -> Vec<Person> {
    let mut persons = Vec::new();
    for page in 1.. {
        let listed: Page<Person> = api
            .get(&format!("/api/persons?page={page}&per_page=200"))
            .await
            .json()
            .await
            .expect("persons are JSON");
        if listed.items.is_empty() {
            break;
        }
        persons.extend(listed.items);
    }
    persons
}

/// 1,500 profiles of its own plus 500 shared ones that get `field`.
fn overlapping_import(
    own: &str,
    shared_value: impl Fn(&mut shared::ProfileValues),
) -> ImportRequest {
    let mut profiles: Vec<_> = (0..1_500)
        .map(|n| profile(n + 2, &format!("{own}{n}@example.com"), "Own"))
        .collect();
    for n in 0..500 {
        let mut shared_profile = profile(n + 1_502, &format!("overlap{n}@example.com"), "Shared");
        shared_value(&mut shared_profile.values);
        profiles.push(shared_profile);
    }
    request(PersonType::Lead, OnMatch::Merge, profiles)
}

/// Starts two servers on one new PostgreSQL database with the test user.
/// The returned folder contains their files and must live as long as they
/// do.
async fn two_instances() -> (tempfile::TempDir, ServerProcess, ServerProcess) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let url = postgres_database(folder.path()).await;
    add_user_with_cli(&url);
    let first = ServerProcess::start(&url, folder.path()).await;
    let second = ServerProcess::start(&url, folder.path()).await;
    (folder, first, second)
}

/// A merge that the first of two instances runs, after the second one
/// has shown its progress.
struct RunningMerge {
    first: ServerProcess,
    _second: ServerProcess,
    /// The servers' files, declared after them so that it is dropped last.
    _folder: tempfile::TempDir,
    first_api: Api,
    second_api: Api,
    import_id: i64,
    /// The first progress that the second instance showed.
    seen: shared::wire::Progress,
}

/// Starts two instances, imports `count` new profiles with emails that
/// start with `prefix` through the first and waits until the second shows
/// the merge's progress, which the first one writes.
async fn start_merge(prefix: &str, count: u32) -> RunningMerge {
    let (_folder, first, second) = two_instances().await;
    let (first_api, _) = token_client(&first.base).await;
    let (second_api, _) = token_client(&second.base).await;
    let profiles = (0..count)
        .map(|n| profile(n + 2, &format!("{prefix}{n}@example.com"), "M"))
        .collect();
    let import = request(PersonType::Lead, OnMatch::Merge, profiles);
    let import_id = first_api
        .upload_and_commit(&import)
        .await
        .expect("upload and commit");
    let seen = wait_for_merge_progress(&second_api, import_id).await;
    RunningMerge {
        _folder,
        first,
        _second: second,
        first_api,
        second_api,
        import_id,
        seen,
    }
}

/// Waits up to 10 s until `api` shows merge progress of the import, and
/// returns it.
async fn wait_for_merge_progress(api: &Api, import_id: i64) -> shared::wire::Progress {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let entry: ImportEntry = api
            .get(&format!("/api/imports/{import_id}"))
            .await
            .json()
            .await
            .expect("JSON");
        if let Some(progress) = entry.progress.filter(|progress| progress.done > 0) {
            return progress;
        }
        assert_eq!(entry.status, ImportStatus::Importing, "{entry:?}");
        assert!(
            std::time::Instant::now() < deadline,
            "no merge progress seen"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test]
#[ignore = "needs PEOPLE_TEST_POSTGRES_URL"]
async fn two_instances_merge_overlapping_imports() {
    let (_folder, first, second) = two_instances().await;
    let (first_api, _) = token_client(&first.base).await;
    let (second_api, _) = token_client(&second.base).await;

    let import_a = overlapping_import("a", |values| values.city = Some("Leeds".into()));
    let import_b = overlapping_import("b", |values| values.last_name = Some("Okafor".into()));
    let task_a = {
        let api = first_api.clone();
        tokio::spawn(async move { api.try_import(&import_a).await })
    };
    let task_b = {
        let api = second_api.clone();
        tokio::spawn(async move { api.try_import(&import_b).await })
    };
    let entry_a = task_a
        .await
        .expect("task")
        .expect("import through the first instance");
    let entry_b = task_b
        .await
        .expect("task")
        .expect("import through the second instance");

    for entry in [&entry_a, &entry_b] {
        assert_eq!(entry.status, ImportStatus::Completed, "{entry:?}");
        assert_eq!(
            entry.counts.created + entry.counts.updated,
            2_000,
            "{entry:?}"
        );
    }
    assert_eq!(entry_a.counts.created + entry_b.counts.created, 3_500);

    let persons = all_persons(&first_api).await;
    assert_eq!(persons.len(), 3_500, "every profile exists once");
    let mut by_email = BTreeMap::new();
    for person in &persons {
        for email in &person.values.emails {
            assert!(
                by_email.insert(email.clone(), person).is_none(),
                "{email} is stored twice"
            );
        }
    }
    for n in 0..500 {
        let person = by_email[&format!("overlap{n}@example.com")];
        assert_eq!(
            person.values.city.as_deref(),
            Some("Leeds"),
            "overlap{n} lost the first import's city"
        );
        assert_eq!(
            person.values.last_name.as_deref(),
            Some("Okafor"),
            "overlap{n} lost the second import's name"
        );
    }

    let history: Page<ImportEntry> = second_api
        .get("/api/imports")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(history.total, 2);
    assert!(history
        .items
        .iter()
        .all(|entry| entry.status == ImportStatus::Completed));
}

#[tokio::test]
#[ignore = "needs PEOPLE_TEST_POSTGRES_URL"]
async fn killed_instance_merge_is_taken_over() {
    let merge = start_merge("takeover", 16_000).await;
    let (import_id, second_api) = (merge.import_id, &merge.second_api);
    assert_eq!(merge.seen.total, 16_000, "{:?}", merge.seen);
    let before: ImportEntry = merge
        .first_api
        .get(&format!("/api/imports/{import_id}"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        before.status,
        ImportStatus::Importing,
        "the kill lands mid-merge"
    );
    merge.first.kill();

    // The second instance finds the stale claim and merges the import.
    let entry = second_api.wait_for_import(import_id).await;
    assert_eq!(entry.status, ImportStatus::Completed, "{entry:?}");
    assert_eq!(entry.counts.created, 16_000);
    assert_eq!(
        all_persons(second_api).await.len(),
        16_000,
        "every profile exists once"
    );
}

#[tokio::test]
#[ignore = "needs PEOPLE_TEST_POSTGRES_URL"]
async fn cancel_through_other_instance_stops_merge() {
    // Large enough that the merge runs for seconds after its first chunk,
    // and the first instance reads the stored request within one.
    let merge = start_merge("cancel", 40_000).await;
    let (import_id, first_api, second_api) = (merge.import_id, &merge.first_api, &merge.second_api);

    second_api.cancel_running_merge(import_id).await;

    let entry = first_api.wait_for_import(import_id).await;
    assert_eq!(entry.status, ImportStatus::Cancelled, "{entry:?}");
    assert_eq!(entry.counts.created, 0);
    assert!(
        all_persons(second_api).await.is_empty(),
        "the merge rolled back"
    );
}
