//! The "Journeys" page: the journeys that imported profiles can join, with
//! their enrollment counts.

use gloo_net::http::Request;
use leptos::prelude::*;
use serde::Serialize;
use shared::wire::Journey;

use super::{list_journeys, list_view, run_change};
use crate::api::{self, ApiFailure};
use crate::notice::Notices;

/// Longest journey name the server accepts, in characters.
const MAX_NAME_CHARS: usize = 100;

/// The body of `POST /api/journeys`.
#[derive(Serialize)]
struct NewJourney {
    name: String,
}

/// The body of `PATCH /api/journeys/{id}`.
#[derive(Serialize)]
struct JourneyChange {
    active: bool,
}

/// Creates an active journey: `POST /api/journeys`.
async fn add_journey(name: String) -> Result<(), ApiFailure> {
    let _: Journey = api::send_json(Request::post("/api/journeys"), &NewJourney { name }).await?;
    Ok(())
}

/// Turns a journey on or off: `PATCH /api/journeys/{id}`.
async fn set_active(journey_id: i64, active: bool) -> Result<(), ApiFailure> {
    let url = format!("/api/journeys/{journey_id}");
    let _: Journey = api::send_json(Request::patch(&url), &JourneyChange { active }).await?;
    Ok(())
}

/// Checks a journey name as the server does, and returns it trimmed.
fn checked_name(name: &str) -> Result<String, String> {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(format!(
            "Enter a journey name of 1 to {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(trimmed.to_owned())
}

/// Renders the journeys and the form that creates one.
#[component]
pub fn JourneysPage() -> impl IntoView {
    let notices = expect_context::<Notices>();
    let journeys = LocalResource::new(list_journeys);
    let (name, set_name) = signal(String::new());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match checked_name(&name.get_untracked()) {
            Ok(checked) => {
                set_name.set(String::new());
                run_change(
                    add_journey(checked),
                    move || journeys.refetch(),
                    "creating a journey",
                );
            }
            Err(message) => notices.show(message),
        }
    };
    let render = move |items: Vec<Journey>| journey_table(items, journeys);
    view! {
        <section aria-labelledby="journeys-heading">
            <h2 id="journeys-heading">"Journeys"</h2>
            <p>"Profiles that an import tags can join an active journey."</p>
            {list_view(journeys, "Loading journeys…", render)}
            <form class="inline-form" on:submit=on_submit>
                <h3>"Create a journey"</h3>
                <div class="field">
                    <label for="journey-name">"Journey name"</label>
                    <input
                        id="journey-name"
                        type="text"
                        maxlength=MAX_NAME_CHARS.to_string()
                        prop:value=move || name.get()
                        on:input=move |event| set_name.set(event_target_value(&event))
                    />
                </div>
                <button type="submit" class="primary">
                    "Create journey"
                </button>
            </form>
        </section>
    }
}

/// Renders the journeys with an "Activate" or "Deactivate" button each.
fn journey_table(
    items: Vec<Journey>,
    journeys: LocalResource<Result<Vec<Journey>, ApiFailure>>,
) -> AnyView {
    if items.is_empty() {
        return view! { <p>"No journeys yet."</p> }.into_any();
    }
    view! {
        <table class="journeys">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Enrolled profiles"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|journey| {
                        let journey_id = journey.journey_id;
                        let activate = !journey.active;
                        let action = if activate { "Activate" } else { "Deactivate" };
                        let on_toggle = move |_| {
                            run_change(
                                set_active(journey_id, activate),
                                move || journeys.refetch(),
                                "changing a journey",
                            );
                        };
                        view! {
                            <tr>
                                <td>{journey.name.clone()}</td>
                                <td>{if journey.active { "Active" } else { "Inactive" }}</td>
                                <td>{journey.enrolled}</td>
                                <td>
                                    <button
                                        type="button"
                                        aria-label=format!("{action} {}", journey.name)
                                        on:click=on_toggle
                                    >
                                        {action}
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_trimmed() {
        assert_eq!(checked_name("  Welcome  "), Ok("Welcome".to_owned()));
    }

    #[test]
    fn empty_name_is_rejected() {
        assert!(checked_name("   ").is_err());
    }

    #[test]
    fn long_name_is_rejected() {
        assert!(checked_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
