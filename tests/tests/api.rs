//! API tests against a real server on loopback: the store conformance
//! suite. Each test gets a fresh temporary SQLite file, or, when
//! `PEOPLE_TEST_POSTGRES_URL` names a PostgreSQL server (an admin URL such
//! as `postgres://people:people@127.0.0.1/postgres`), a fresh database on
//! it.

use serde_json::{json, Value};
use shared::wire::{ImportEntry, ImportStatus, OnMatch, Page, Person, TagChoice};
use shared::PersonType;

use people_tests::{profile, request, TestServer};

fn find<'a>(persons: &'a [Person], email: &str) -> &'a Person {
    persons
        .iter()
        .find(|person| person.values.emails.iter().any(|e| e == email))
        .unwrap_or_else(|| panic!("no stored person has the email {email}"))
}

#[tokio::test]
async fn health_answers_ok() {
    let server = TestServer::start().await;
    let response = server.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("health body is not JSON");
    assert_eq!(body, json!({ "status": "ok" }));
}

#[tokio::test]
async fn unknown_api_route_is_not_found() {
    let server = TestServer::start().await;
    let response = server.get("/api/nothing-here").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("error body is not JSON");
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn import_creates_profiles_and_history() {
    let server = TestServer::start().await;
    let profiles = vec![
        profile(2, "anna@example.com", "Anna"),
        profile(3, "ben@example.com", "Ben"),
    ];
    let entry = server
        .import(&request(PersonType::Customer, OnMatch::Discard, profiles))
        .await;

    assert_eq!(entry.status, ImportStatus::Completed);
    assert_eq!(entry.counts.created, 2);
    assert_eq!(entry.valid_records, 2);
    assert_eq!(entry.error_records, 0);
    assert_eq!(entry.imported_by, people_tests::TEST_USER);
    assert!(entry.finished_at.is_some());

    let persons = server.persons().await;
    assert_eq!(persons.len(), 2);
    let anna = find(&persons, "anna@example.com");
    assert_eq!(anna.person_type, PersonType::Customer);
    assert_eq!(anna.values.first_name.as_deref(), Some("Anna"));

    let history: Page<ImportEntry> = server
        .get("/api/imports")
        .await
        .json()
        .await
        .expect("history is not a page");
    assert_eq!(history.total, 1);
    assert_eq!(history.items[0].import_id, entry.import_id);

    let one: ImportEntry = server
        .get(&format!("/api/imports/{}", entry.import_id))
        .await
        .json()
        .await
        .expect("entry is not JSON");
    assert_eq!(one, entry);
}

#[tokio::test]
async fn missing_import_is_not_found() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/api/imports/999").await.status(), 404);
}

/// One cell of the lead/customer × discard/merge table: a stored profile
/// of `stored_type` meets a file profile imported as `import_type`.
async fn merge_case(
    stored_type: PersonType,
    import_type: PersonType,
    on_match: OnMatch,
) -> (Person, ImportEntry) {
    let server = TestServer::start().await;
    let mut stored = profile(2, "kim@example.com", "Kim");
    stored.values.city = Some("Leeds".into());
    server
        .import(&request(stored_type, OnMatch::Discard, vec![stored]))
        .await;

    let mut incoming = profile(2, "kim@example.com", "Kimberly");
    incoming.values.city = Some("York".into());
    incoming.values.last_name = Some("Lee".into());
    incoming.values.phones = vec!["+442079460101".into()];
    let entry = server
        .import(&request(import_type, on_match, vec![incoming]))
        .await;

    let persons = server.persons().await;
    assert_eq!(persons.len(), 1, "a matched profile must not be duplicated");
    (persons[0].clone(), entry)
}

#[tokio::test]
async fn lead_import_discard_leaves_match_unchanged() {
    let (person, entry) = merge_case(PersonType::Lead, PersonType::Lead, OnMatch::Discard).await;
    assert_eq!(entry.counts.discarded, 1);
    assert_eq!(person.values.first_name.as_deref(), Some("Kim"));
    assert!(person.values.phones.is_empty());
}

#[tokio::test]
async fn lead_import_merge_updates_lead() {
    let (person, entry) = merge_case(PersonType::Lead, PersonType::Lead, OnMatch::Merge).await;
    assert_eq!(entry.counts.updated, 1);
    assert_eq!(person.person_type, PersonType::Lead);
    assert_eq!(person.values.first_name.as_deref(), Some("Kimberly"));
    assert_eq!(person.values.city.as_deref(), Some("York"));
    assert_eq!(person.values.phones, vec!["+442079460101"]);
}

#[tokio::test]
async fn lead_import_merge_only_fills_customer() {
    let (person, entry) = merge_case(PersonType::Customer, PersonType::Lead, OnMatch::Merge).await;
    assert_eq!(entry.counts.updated, 1);
    assert_eq!(person.person_type, PersonType::Customer);
    assert_eq!(person.values.first_name.as_deref(), Some("Kim"));
    assert_eq!(person.values.city.as_deref(), Some("Leeds"));
    assert_eq!(person.values.last_name.as_deref(), Some("Lee"));
    assert_eq!(person.values.phones, vec!["+442079460101"]);
}

#[tokio::test]
async fn customer_import_discard_leaves_lead_unchanged() {
    let (person, entry) =
        merge_case(PersonType::Lead, PersonType::Customer, OnMatch::Discard).await;
    assert_eq!(entry.counts.discarded, 1);
    assert_eq!(person.person_type, PersonType::Lead);
    assert_eq!(person.values.first_name.as_deref(), Some("Kim"));
}

#[tokio::test]
async fn customer_import_merge_promotes_lead() {
    let (person, entry) = merge_case(PersonType::Lead, PersonType::Customer, OnMatch::Merge).await;
    assert_eq!(entry.counts.promoted, 1);
    assert_eq!(entry.counts.updated, 0);
    assert_eq!(person.person_type, PersonType::Customer);
    assert_eq!(person.values.first_name.as_deref(), Some("Kimberly"));
    assert_eq!(person.values.city.as_deref(), Some("York"));
}

#[tokio::test]
async fn customer_import_merge_updates_customer() {
    let (person, entry) =
        merge_case(PersonType::Customer, PersonType::Customer, OnMatch::Merge).await;
    assert_eq!(entry.counts.updated, 1);
    assert_eq!(person.person_type, PersonType::Customer);
    assert_eq!(person.values.first_name.as_deref(), Some("Kimberly"));
}

#[tokio::test]
async fn customer_import_discard_leaves_customer_unchanged() {
    let (person, entry) =
        merge_case(PersonType::Customer, PersonType::Customer, OnMatch::Discard).await;
    assert_eq!(entry.counts.discarded, 1);
    assert_eq!(person.values.first_name.as_deref(), Some("Kim"));
}

#[tokio::test]
async fn profile_matching_two_stored_profiles_fails() {
    let server = TestServer::start().await;
    server
        .import(&request(
            PersonType::Lead,
            OnMatch::Discard,
            vec![
                profile(2, "one@example.com", "One"),
                profile(3, "two@example.com", "Two"),
            ],
        ))
        .await;
    let mut both = profile(5, "one@example.com", "Both");
    both.values.emails.push("two@example.com".into());
    let entry = server
        .import(&request(PersonType::Lead, OnMatch::Merge, vec![both]))
        .await;
    assert_eq!(entry.counts.failed, 1);
    assert_eq!(entry.status, ImportStatus::CompletedWithErrors);
    assert_eq!(server.persons().await.len(), 2);
}

#[tokio::test]
async fn import_past_contact_limit_fails_whole() {
    let server = TestServer::start().await;

    // Five imports of 21 emails each would give one profile 101 emails; the
    // fifth must fail and change nothing.
    let mut last = None;
    for batch in 0..5 {
        let mut draft = profile(2, "main@example.com", "Max");
        draft
            .values
            .emails
            .extend((0..20).map(|n| format!("extra{batch}-{n}@example.com")));
        let mut untouched = profile(3, &format!("other{batch}@example.com"), "Other");
        untouched.values.city = Some("Bath".into());
        last = Some(
            server
                .import(&request(
                    PersonType::Lead,
                    OnMatch::Merge,
                    vec![draft, untouched],
                ))
                .await,
        );
    }
    let entry = last.expect("five imports ran");
    assert_eq!(entry.status, ImportStatus::Failed);
    let failure = entry.failure.expect("failed import has a reason");
    assert!(failure.contains("101"), "reason names the count: {failure}");
    let notices = server.notifications().await;
    assert_eq!(notices.len(), 5, "one per import: {notices:?}");
    let last_notice = &notices[4];
    assert_eq!(last_notice.import_id, Some(entry.import_id));
    assert!(
        last_notice.message.contains("failed") && last_notice.message.contains("101"),
        "{}",
        last_notice.message
    );

    let persons = server.persons().await;
    let max = find(&persons, "main@example.com");
    assert_eq!(max.values.emails.len(), 81);
    assert!(
        persons
            .iter()
            .all(|p| !p.values.emails.contains(&"other4@example.com".to_owned())),
        "nothing of the failed import is applied"
    );
}

#[tokio::test]
async fn summary_that_does_not_add_up_is_rejected() {
    let server = TestServer::start().await;
    let mut bad = request(
        PersonType::Lead,
        OnMatch::Discard,
        vec![profile(2, "a@example.com", "A")],
    );
    bad.summary.data_rows = 7;
    let failure = server
        .try_import(&bad)
        .await
        .expect_err("summary is checked");
    assert_eq!(failure.status, 400);
    assert!(server.persons().await.is_empty());
}

#[tokio::test]
async fn profiles_failing_validation_are_rejected() {
    let server = TestServer::start().await;
    let bad = request(
        PersonType::Lead,
        OnMatch::Discard,
        vec![
            profile(2, "Not An Email", "A"),
            profile(3, "b@example.com", "B"),
        ],
    );
    let failure = server
        .try_import(&bad)
        .await
        .expect_err("profiles are checked");
    assert_eq!(failure.status, 422);
    let body = failure.body;
    assert_eq!(body["code"], "invalid_profiles");
    assert_eq!(body["errors"][0]["row"], 2);
    assert_eq!(body["errors"][0]["field"], "email");
    assert!(server.persons().await.is_empty(), "nothing is stored");
}

#[tokio::test]
async fn manual_tags_are_added_to_profiles() {
    let server = TestServer::start().await;
    let mut tagged = request(
        PersonType::Lead,
        OnMatch::Discard,
        vec![profile(2, "t@example.com", "T")],
    );
    tagged.profiles[0].values.tags = vec!["vip".into()];
    tagged.choices.tags = TagChoice::Manually(vec![" fair-2026 ".into(), String::new()]);
    server.import(&tagged).await;
    let persons = server.persons().await;
    assert_eq!(persons[0].values.tags, vec!["fair-2026", "vip"]);
}

#[tokio::test]
async fn automatic_tag_is_unique_per_import() {
    let server = TestServer::start().await;
    let mut first = request(
        PersonType::Lead,
        OnMatch::Discard,
        vec![profile(2, "a@example.com", "A")],
    );
    first.choices.tags = TagChoice::Automatically;
    let mut second = first.clone();
    second.profiles = vec![profile(2, "b@example.com", "B")];
    server.import(&first).await;
    server.import(&second).await;
    let persons = server.persons().await;
    let tag_a = &persons[0].values.tags;
    let tag_b = &persons[1].values.tags;
    assert_eq!(tag_a.len(), 1);
    assert!(tag_a[0].starts_with("import-"), "tag is {tag_a:?}");
    assert_ne!(tag_a, tag_b);
}

#[tokio::test]
async fn persons_listing_is_paged() {
    let server = TestServer::start().await;
    let profiles = (0..5)
        .map(|n| profile(n + 2, &format!("p{n}@example.com"), "P"))
        .collect();
    server
        .import(&request(PersonType::Lead, OnMatch::Discard, profiles))
        .await;
    let page: Page<Person> = server
        .get("/api/persons?page=2&per_page=2")
        .await
        .json()
        .await
        .expect("page is not JSON");
    assert_eq!(page.total, 5);
    assert_eq!(page.page, 2);
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].values.emails, vec!["p2@example.com"]);
    assert_eq!(server.get("/api/persons?per_page=0").await.status(), 400);
}

#[tokio::test]
async fn match_counts_split_new_and_matched() {
    let server = TestServer::start().await;
    server
        .import(&request(
            PersonType::Lead,
            OnMatch::Discard,
            vec![profile(2, "lead@example.com", "L")],
        ))
        .await;
    server
        .import(&request(
            PersonType::Customer,
            OnMatch::Discard,
            vec![profile(2, "customer@example.com", "C")],
        ))
        .await;
    let identifiers = json!([
        { "emails": ["lead@example.com"] },
        { "emails": ["customer@example.com"] },
        { "emails": ["lead@example.com", "customer@example.com"] },
        { "emails": ["new@example.com"], "external_id": "X-1" },
    ]);
    let response = server
        .client
        .post(server.url("/api/matches"))
        .json(&identifiers)
        .send()
        .await
        .expect("POST failed");
    assert_eq!(response.status(), 200);
    let counts: shared::wire::MatchCounts = response.json().await.expect("counts are not JSON");
    assert_eq!(counts.matched_leads, 1);
    assert_eq!(counts.matched_customers, 1);
    assert_eq!(counts.ambiguous, 1);
    assert_eq!(counts.new_profiles, 1);
}

#[tokio::test]
async fn attributes_are_defined_and_listed() {
    let server = TestServer::start().await;
    let created = server
        .post_json(
            "/api/attributes",
            &json!({ "name": "plz", "attribute_type": "text" }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let again = server
        .post_json(
            "/api/attributes",
            &json!({ "name": "plz", "attribute_type": "number" }),
        )
        .await;
    assert_eq!(again.status(), 409);
    let bad_name = server
        .post_json(
            "/api/attributes",
            &json!({ "name": "Post Code", "attribute_type": "text" }),
        )
        .await;
    assert_eq!(bad_name.status(), 400);

    let listed: Value = server
        .get("/api/attributes")
        .await
        .json()
        .await
        .expect("not JSON");
    assert_eq!(listed, json!([{ "name": "plz", "attribute_type": "text" }]));

    let removed = server
        .client
        .delete(server.url("/api/attributes/plz"))
        .send()
        .await
        .expect("DELETE failed");
    assert_eq!(removed.status(), 204);
    let listed: Value = server
        .get("/api/attributes")
        .await
        .json()
        .await
        .expect("not JSON");
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn custom_values_need_a_defined_attribute() {
    let server = TestServer::start().await;
    let mut draft = profile(2, "c@example.com", "C");
    draft.values.custom.insert("score".into(), "17".into());
    let import = request(PersonType::Lead, OnMatch::Discard, vec![draft]);

    let undefined = server
        .try_import(&import)
        .await
        .expect_err("attribute is undefined");
    assert_eq!(undefined.status, 422);

    server
        .post_json(
            "/api/attributes",
            &json!({ "name": "score", "attribute_type": "number" }),
        )
        .await;
    server.import(&import).await;
    let persons = server.persons().await;
    assert_eq!(
        persons[0].values.custom.get("score").map(String::as_str),
        Some("17")
    );
}

#[tokio::test]
async fn tagged_profiles_join_active_journey_once() {
    let server = TestServer::start().await;
    let journey: Value = server
        .post_json("/api/journeys", &json!({ "name": "Welcome" }))
        .await
        .json()
        .await
        .expect("journey is not JSON");
    let journey_id = journey["journey_id"].as_i64().expect("journey has an id");
    assert_eq!(journey["active"], true);

    let mut import = request(
        PersonType::Lead,
        OnMatch::Merge,
        vec![
            profile(2, "j1@example.com", "J"),
            profile(3, "j2@example.com", "K"),
        ],
    );
    import.choices.journey_id = Some(journey_id);

    // Without tags the journey cannot be chosen.
    let failure = server
        .try_import(&import)
        .await
        .expect_err("journey is checked");
    assert_eq!(failure.status, 400);

    import.choices.tags = TagChoice::Manually(vec!["welcome".into()]);
    server.import(&import).await;
    // The same profiles imported again stay enrolled once.
    server.import(&import).await;
    let journeys: Value = server
        .get("/api/journeys")
        .await
        .json()
        .await
        .expect("not JSON");
    assert_eq!(journeys[0]["enrolled"], 2);

    let paused = server
        .client
        .patch(server.url(&format!("/api/journeys/{journey_id}")))
        .json(&json!({ "active": false }))
        .send()
        .await
        .expect("PATCH failed");
    assert_eq!(paused.status(), 200);
    let failure = server
        .try_import(&import)
        .await
        .expect_err("journey is checked");
    assert_eq!(failure.status, 400);
}

#[tokio::test]
async fn mapping_is_remembered_per_header_set() {
    let server = TestServer::start().await;
    let headers = json!(["E-Mail", "Vorname"]);
    let none: Value = server
        .post_json("/api/mappings/lookup", &json!({ "headers": headers }))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(none, Value::Null);

    let mapping = json!({ "E-Mail": { "field": "email" }, "Vorname": { "field": "first_name" } });
    let saved = server
        .client
        .put(server.url("/api/mappings"))
        .json(&json!({ "headers": headers, "mapping": mapping }))
        .send()
        .await
        .expect("PUT failed");
    assert_eq!(saved.status(), 204);

    // The same headers written another way find the saved mapping.
    let found: Value = server
        .post_json(
            "/api/mappings/lookup",
            &json!({ "headers": ["e-mail", " VORNAME"] }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(found["mapping"], mapping);

    let other: Value = server
        .post_json(
            "/api/mappings/lookup",
            &json!({ "headers": ["Vorname", "E-Mail"] }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        other,
        Value::Null,
        "another column order is another header set"
    );
}
