//! The import steps after the analysis: what happens to matching profiles
//! and which tags to add, the confirmation, and the outcome.

use leptos::prelude::*;
use shared::wire::{ImportEntry, MatchCounts, OnMatch, TagChoice};
use shared::PersonType;

use crate::api;
use crate::catalog::list_journeys;

use crate::display::person_type_label;
use crate::flow::{ImportFlow, ImportStep, TagMode};
use crate::focus::focus_when_shown;
use crate::progress::ProgressLine;
use crate::sending::SendProgress;

/// Renders the import choices, or the confirmation once they are made.
#[component]
pub fn ImportStepView() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    view! {
        <section class="step" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import the profiles"</h2>
            {move || match flow.step.get() {
                ImportStep::Choose => view! { <ImportChoicesForm /> }.into_any(),
                ImportStep::Confirm | ImportStep::Sending => view! { <Confirmation /> }.into_any(),
            }}
        </section>
    }
}

/// Renders the radio groups for matching profiles and tags, and the
/// "Import" button.
#[component]
fn ImportChoicesForm() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let on_match_options = [
        (
            OnMatch::Discard,
            "discard",
            "Discard",
            "Keep the stored profile unchanged.",
        ),
        (
            OnMatch::Merge,
            "merge",
            "Merge",
            "Update the stored profile with the file's values.",
        ),
    ];
    let tag_options = [
        (TagMode::None, "none", "None", "Add no import tag."),
        (
            TagMode::Automatically,
            "automatically",
            "Automatically",
            "Add one tag made for this import, with its date and time.",
        ),
        (
            TagMode::Manually,
            "manually",
            "Manually",
            "Add the tags you enter.",
        ),
    ];
    let manual = move || flow.tag_mode.get() == TagMode::Manually;
    view! {
        <MatchSummary />
        <fieldset class="choice-group">
            <legend>"Records that match existing profiles"</legend>
            {on_match_options
                .into_iter()
                .map(|(on_match, value, label, hint)| {
                    radio_option(flow.on_match, on_match, "on-match", value, label, hint)
                })
                .collect_view()}
        </fieldset>
        <fieldset class="choice-group">
            <legend>"Import tags"</legend>
            {tag_options
                .into_iter()
                .map(|(mode, value, label, hint)| {
                    radio_option(flow.tag_mode, mode, "tag-mode", value, label, hint)
                })
                .collect_view()}
            <div class="field-option">
                <label for="tag-name">"Tag name"</label>
                <input
                    id="tag-name"
                    type="text"
                    maxlength="200"
                    aria-describedby="tag-name-hint"
                    disabled=move || !manual()
                    prop:value=move || flow.tag_name.get()
                    on:input=move |event| flow.tag_name.set(event_target_value(&event))
                />
                <p id="tag-name-hint" class="hint">
                    "Separate several tags with commas."
                </p>
            </div>
        </fieldset>
        <JourneyChoice />
        <button type="button" class="primary" on:click=move |_| flow.review()>
            "Import"
        </button>
    }
}

/// Renders the choice of an active journey for the tagged profiles,
/// offered only while the import adds tags.
#[component]
fn JourneyChoice() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let journeys = LocalResource::new(list_journeys);
    let tagged = move || flow.tag_mode.get() != TagMode::None;
    let active = move || {
        journeys
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|journey| journey.active)
            .collect::<Vec<_>>()
    };
    // A journey chosen before the tags were turned off is not kept.
    Effect::new(move |_| {
        if !tagged() {
            flow.journey.set(None);
        }
    });
    move || {
        if !tagged() {
            return None;
        }
        let active = active();
        let journeys_by_id = active.clone();
        let choice = if active.is_empty() {
            view! { <p class="hint">"No journey is active: the Journeys page creates one."</p> }
                .into_any()
        } else {
            view! {
                <select
                    id="journey"
                    on:change=move |event| {
                        let id = event_target_value(&event).parse::<i64>().ok();
                        flow.journey.set(
                            journeys_by_id.iter().find(|journey| Some(journey.journey_id) == id).cloned(),
                        );
                    }
                >
                    <option value="" selected=move || flow.journey.with(Option::is_none)>
                        "No journey"
                    </option>
                    {active
                        .into_iter()
                        .map(|journey| {
                            let id = journey.journey_id;
                            view! {
                                <option
                                    value=id.to_string()
                                    selected=move || {
                                        flow.journey.with(|chosen| {
                                            chosen.as_ref().map(|journey| journey.journey_id) == Some(id)
                                        })
                                    }
                                >
                                    {journey.name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
                .into_any()
        };
        Some(view! {
            <div class="field-option">
                <label for="journey">"Add tagged profiles to an active journey"</label>
                {choice}
            </div>
        })
    }
}

/// Renders how many of the analysed profiles match stored profiles, so
/// that the choice between Discard and Merge is an informed one.
#[component]
fn MatchSummary() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let counts = LocalResource::new(move || {
        // `analyzed` is read so that a new analysis counts again; the
        // profiles are stored with it.
        flow.analyzed.track();
        let identifiers = flow.profiles.with_value(|profiles| {
            profiles
                .as_ref()
                .map(|profiles| profiles.identifiers.clone())
        });
        async move {
            match identifiers {
                Some(identifiers) => api::count_matches(&identifiers).await,
                None => Ok(MatchCounts::default()),
            }
        }
    });
    move || match counts.get() {
        None => {
            view! { <p class="hint" role="status">"Counting matching profiles…"</p> }.into_any()
        }
        Some(Ok(counts)) => view! {
            <p class="matches">{describe_matches(counts)}</p>
            <p class="matches" aria-live="polite">
                {move || describe_outcome(counts, flow.person_type.get(), flow.on_match.get())}
            </p>
        }
        .into_any(),
        Some(Err(failure)) => {
            log::warn!("match count failed: {failure}");
            view! { <p class="hint">"Matching profiles could not be counted: " {failure.to_string()}</p> }
                .into_any()
        }
    }
}

/// Returns a sentence that describes the match counts.
fn describe_matches(counts: MatchCounts) -> String {
    let mut text = format!(
        "{} profiles are new, {} match a stored lead and {} match a stored customer.",
        counts.new_profiles, counts.matched_leads, counts.matched_customers
    );
    if counts.ambiguous > 0 {
        text.push_str(&format!(
            " {} match several stored profiles and are not merged.",
            counts.ambiguous
        ));
    }
    text
}

/// Returns a sentence with the profiles that the import would create,
/// update, promote and discard with the chosen person type and choice for
/// matching profiles. A lead import updates matched customers only where
/// their fields are empty, which counts as an update.
fn describe_outcome(counts: MatchCounts, person_type: PersonType, on_match: OnMatch) -> String {
    let matched = counts.matched_leads + counts.matched_customers;
    let (updated, promoted, discarded) = match (on_match, person_type) {
        (OnMatch::Discard, _) => (0, 0, matched),
        (OnMatch::Merge, PersonType::Customer) => {
            (counts.matched_customers, counts.matched_leads, 0)
        }
        (OnMatch::Merge, PersonType::Lead) => (matched, 0, 0),
    };
    format!(
        "With these choices: {} created, {updated} updated, {promoted} promoted, \
         {discarded} discarded, {} not merged.",
        counts.new_profiles, counts.ambiguous
    )
}

/// Renders one radio button of the group `group`, checked while
/// `selected` is `option`. `value` is the button's form value.
fn radio_option<T>(
    selected: RwSignal<T>,
    option: T,
    group: &'static str,
    value: &'static str,
    label: &'static str,
    hint: &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let id = format!("{group}-{value}");
    let hint_id = format!("{id}-hint");
    view! {
        <div class="radio">
            <input
                type="radio"
                id=id.clone()
                name=group
                value=value
                aria-describedby=hint_id.clone()
                prop:checked=move || selected.get() == option
                on:change=move |_| selected.set(option)
            />
            <label for=id>{label}</label>
            <span id=hint_id class="hint">
                {hint}
            </span>
        </div>
    }
}

/// Renders a summary of the import with the final "Import" and "Back"
/// buttons.
#[component]
fn Confirmation() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let sending = move || flow.step.get() == ImportStep::Sending;
    let summary = move || {
        let analyzed = flow.analyzed.get()?;
        let file_name = flow.file_name.get().unwrap_or_default();
        let on_match = match flow.on_match.get() {
            OnMatch::Discard => "left unchanged",
            OnMatch::Merge => "merged with the file's values",
        };
        let tags = match flow.tag_choice() {
            Ok(TagChoice::None) | Err(_) => "no import tag".to_owned(),
            Ok(TagChoice::Automatically) => "an import tag made for this import".to_owned(),
            Ok(TagChoice::Manually(tags)) => format!("the tags {}", tags.join(", ")),
        };
        let journey = flow
            .journey
            .get()
            .map(|journey| format!(" The tagged profiles join the journey “{}”.", journey.name))
            .unwrap_or_default();
        let summary = analyzed.result.summary;
        Some(format!(
            "Import {} profiles from {} valid records of “{file_name}” as {}s; {} error \
             records are left out. Profiles that already exist are {on_match}. The \
             profiles get {tags}.{journey}",
            summary.profiles,
            summary.valid_records,
            person_type_label(flow.person_type.get()).to_lowercase(),
            summary.error_records,
        ))
    };
    let heading = NodeRef::<leptos::html::H3>::new();
    focus_when_shown(heading);
    view! {
        <div class="confirmation">
            <h3 tabindex="-1" node_ref=heading>
                "Confirm the import"
            </h3>
            <p>{summary}</p>
            <div class="buttons">
                <button
                    type="button"
                    class="primary"
                    disabled=sending
                    on:click=move |_| flow.submit()
                >
                    "Import"
                </button>
                <button
                    type="button"
                    disabled=sending
                    on:click=move |_| flow.step.set(ImportStep::Choose)
                >
                    "Back"
                </button>
            </div>
            <div class="status" role="status">
                {move || {
                    flow.sending
                        .get()
                        .map(|step| {
                            view! {
                                <ProgressLine
                                    label="Import progress"
                                    fraction=step.fraction()
                                    text=step.describe()
                                />
                            }
                        })
                }}
            </div>
            {move || {
                let cancellable = matches!(
                    flow.sending.get(),
                    Some(
                        SendProgress::Creating
                        | SendProgress::Uploading { .. }
                        | SendProgress::Merging { .. }
                    )
                );
                cancellable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                disabled=move || flow.cancel_requested.get()
                                on:click=move |_| flow.cancel_requested.set(true)
                            >
                                "Cancel import"
                            </button>
                        }
                    })
            }}
        </div>
    }
}

/// Renders the result of a finished import.
#[component]
pub fn ImportOutcome(
    /// The import as the server stored it.
    entry: ImportEntry,
) -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let counts = [
        ("Valid records", entry.valid_records),
        ("Error records", entry.error_records),
        ("Created", entry.counts.created),
        ("Updated", entry.counts.updated),
        ("Promoted to customer", entry.counts.promoted),
        ("Discarded", entry.counts.discarded),
        ("Failed", entry.counts.failed),
    ];
    let heading = NodeRef::<leptos::html::H2>::new();
    focus_when_shown(heading);
    view! {
        <section class="step" aria-labelledby="outcome-heading">
            <h2 id="outcome-heading" tabindex="-1" node_ref=heading>
                "Import finished"
            </h2>
            <p class="outcome-status">
                "Status: " <strong>{entry.status.label()}</strong> " (import "
                {entry.import_id} ", " {entry.file_name} ")"
            </p>
            {entry.failure.map(|failure| view! { <p class="failure">{failure}</p> })}
            <dl class="counts">
                {counts
                    .into_iter()
                    .map(|(label, count)| {
                        view! {
                            <div>
                                <dt>{label}</dt>
                                <dd>{count}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
            <p>
                <a href="#/history">"See the import history"</a>
                " · "
                <a href="#/persons">"See the persons"</a>
            </p>
            <button type="button" on:click=move |_| flow.reset()>
                "Start another import"
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTS: MatchCounts = MatchCounts {
        new_profiles: 4,
        matched_leads: 3,
        matched_customers: 2,
        ambiguous: 1,
    };

    #[test]
    fn outcome_follows_merge_table() {
        let cases = [
            (
                PersonType::Lead,
                OnMatch::Discard,
                "4 created, 0 updated, 0 promoted, 5 discarded",
            ),
            (
                PersonType::Lead,
                OnMatch::Merge,
                "4 created, 5 updated, 0 promoted, 0 discarded",
            ),
            (
                PersonType::Customer,
                OnMatch::Discard,
                "4 created, 0 updated, 0 promoted, 5 discarded",
            ),
            (
                PersonType::Customer,
                OnMatch::Merge,
                "4 created, 2 updated, 3 promoted, 0 discarded",
            ),
        ];
        for (person_type, on_match, expected) in cases {
            let text = describe_outcome(COUNTS, person_type, on_match);
            assert_eq!(
                text,
                format!("With these choices: {expected}, 1 not merged."),
                "{person_type:?} {on_match:?}"
            );
        }
    }
}
