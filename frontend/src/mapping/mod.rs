//! The "Map your data" step: one field select per file column, with undo
//! and the options of the chosen field.

pub mod state;

use leptos::prelude::*;
use shared::ProfileField;

use crate::flow::ImportFlow;
use crate::focus::focus_when_shown;
use state::{Choice, TextSetting};

/// Number of sample values shown under each column name.
const SAMPLES_PER_COLUMN: usize = 3;

/// Formats of text birth dates that the date select offers, as the
/// `birth_date` field option spells them, with their labels. The analysis
/// accepts `.`, `/` and `-` between the parts whatever the format shows,
/// and days and months of one or two digits.
const DATE_FORMATS: [(&str, &str); 6] = [
    ("", "Spreadsheet dates, YYYY-MM-DD or D.M.YYYY"),
    ("YYYY-MM-DD", "Year first (YYYY-MM-DD)"),
    ("DD.MM.YYYY", "Day first (DD.MM.YYYY, DD/MM/YYYY)"),
    ("MM/DD/YYYY", "Month first (MM/DD/YYYY)"),
    ("DD.MM.YY", "Day first, two-digit year (DD.MM.YY)"),
    ("MM/DD/YY", "Month first, two-digit year (MM/DD/YY)"),
];

/// Renders the mapping of every column of the previewed file.
#[component]
pub fn MappingStep() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    // The column list is rebuilt only when the headers change; each column
    // reads its own choice from the mapping.
    let headers = Memo::new(move |_| {
        flow.preview
            .with(|preview| preview.as_ref().map(|preview| preview.headers.clone()))
            .unwrap_or_default()
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    focus_when_shown(heading);
    view! {
        <section class="step" aria-labelledby="map-heading">
            <h2 id="map-heading" tabindex="-1" node_ref=heading>
                "Map your data"
            </h2>
            <p class="hint">
                "Choose the profile field of each column; columns without a field are not \
                imported. A field belongs to one column: choosing it for another column \
                moves it there. For email, phone and tags, further columns can be added \
                with “(additional column)”."
            </p>
            <div class="columns">
                {move || {
                    headers
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, header)| view! { <ColumnMapping index header /> })
                        .collect_view()
                }}
            </div>
        </section>
    }
}

/// Renders the field select, undo button and field option of one column.
#[component]
fn ColumnMapping(
    /// 0-based position of the column in the file.
    index: usize,
    /// Header text of the column.
    header: String,
) -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    // A memo, so that typing into an option input, which changes the
    // mapping but not the choice, does not rebuild that input.
    let choice = Memo::new(move |_| {
        flow.mapping.with(|mapping| {
            mapping
                .columns
                .get(index)
                .map(|column| column.choice)
                .unwrap_or_default()
        })
    });
    let samples = flow.preview.with_untracked(|preview| {
        preview
            .as_ref()
            .map(|preview| preview.samples(index, SAMPLES_PER_COLUMN))
            .unwrap_or_default()
    });
    let select_id = format!("field-{index}");
    let on_change =
        move |event: leptos::ev::Event| match Choice::from_value(&event_target_value(&event)) {
            Some(next) => flow.mapping.update(|mapping| mapping.choose(index, next)),
            None => log::error!("field select of column {index} has an unknown value"),
        };
    let can_undo = move || flow.mapping.with(|mapping| mapping.can_undo(index));

    view! {
        <fieldset class="column" class:mapped=move || choice.get() != Choice::Unmapped>
            <legend>{header}</legend>
            <p class="samples">
                {if samples.is_empty() { "No values in the first rows".to_owned() } else { samples.join(" · ") }}
            </p>
            <div class="column-controls">
                <label for=select_id.clone()>"Profile field"</label>
                <select id=select_id on:change=on_change>
                    {Choice::all()
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option
                                    value=option.value()
                                    prop:selected=move || choice.get() == option
                                >
                                    {option.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button
                    type="button"
                    title="Restore this column's previous choice"
                    disabled=move || !can_undo()
                    on:click=move |_| flow.mapping.update(|mapping| mapping.undo(index))
                >
                    "Undo"
                </button>
            </div>
            {move || {
                flow.mapping
                    .with(|mapping| {
                        mapping.columns.get(index).and_then(|column| column.proposed.clone())
                    })
                    .map(|proposal| view! { <p class="proposal">{proposal.describe()}</p> })
            }}
            {move || field_option(index, choice.get())}
            <StoredValues index />
        </fieldset>
    }
}

/// Renders the first values of a mapped column as the import would store
/// them, or why each would be an error, so a wrong option shows before the
/// analysis.
#[component]
fn StoredValues(
    /// 0-based position of the column in the file.
    index: usize,
) -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    // Recomputed when this column's field or option changes.
    let mapping = Memo::new(move |_| {
        flow.mapping.with(|mapping| {
            mapping
                .columns
                .get(index)
                .map(|column| column.column_mapping().ok().flatten())
                .unwrap_or_default()
        })
    });
    let values = LocalResource::new(move || {
        let mapping = mapping.get();
        flow.preview.track();
        async move {
            match mapping {
                Some(mapping) => flow.preview_column(index, mapping).await.map(Some),
                None => Ok(None),
            }
        }
    });
    move || match values.get() {
        Some(Ok(Some(values))) if !values.is_empty() => {
            let items = values
                .into_iter()
                .map(|value| match value.stored {
                    Ok(stored) => view! {
                        <li>
                            <span class="original">{value.original}</span>
                            " → "
                            <span class="stored">{stored.join(", ")}</span>
                        </li>
                    }
                    .into_any(),
                    Err(reason) => view! {
                        <li class="invalid">
                            <span class="original">{value.original}</span>
                            " → "
                            {reason}
                        </li>
                    }
                    .into_any(),
                })
                .collect_view();
            Some(
                view! {
                    <div class="stored-values">
                        <p class="hint">"Stored as"</p>
                        <ul>{items}</ul>
                    </div>
                }
                .into_any(),
            )
        }
        Some(Err(failure)) => {
            Some(view! { <p class="hint">"No preview: " {failure}</p> }.into_any())
        }
        _ => None,
    }
}

/// Renders the option input of the chosen field, if the field has an option.
fn field_option(index: usize, choice: Choice) -> Option<AnyView> {
    let option = match (choice, choice.field()) {
        (Choice::Custom, _) => TextOption {
            label: "Attribute name",
            hint: "Name of the custom attribute, such as company.",
            placeholder: "company",
            max_length: 100,
            setting: TextSetting::AttributeName,
        },
        (_, Some(ProfileField::Phone)) => TextOption {
            label: "Phone country",
            hint: "Two-letter country code (ISO 3166) for numbers without +, such as GB.",
            placeholder: "GB",
            max_length: 2,
            setting: TextSetting::PhoneCountry,
        },
        (_, Some(ProfileField::Tags)) => TextOption {
            label: "Tags delimiter",
            hint: "Text between two tags in one cell. Leave empty for a comma.",
            placeholder: ",",
            max_length: 5,
            setting: TextSetting::TagsDelimiter,
        },
        (_, Some(ProfileField::BirthDate)) => return Some(date_format_select(index).into_any()),
        _ => return None,
    };
    Some(option.view(index).into_any())
}

/// A text input that edits one option of a column.
struct TextOption {
    label: &'static str,
    hint: &'static str,
    placeholder: &'static str,
    max_length: u32,
    setting: TextSetting,
}

impl TextOption {
    fn view(self, index: usize) -> impl IntoView {
        let flow = expect_context::<ImportFlow>();
        let setting = self.setting;
        let id = format!("{}-{index}", self.label.to_lowercase().replace(' ', "-"));
        let hint_id = format!("{id}-hint");
        let current = move || {
            flow.mapping.with(|mapping| {
                mapping
                    .columns
                    .get(index)
                    .map(|column| setting.get(column).to_owned())
                    .unwrap_or_default()
            })
        };
        let on_input = move |event: leptos::ev::Event| {
            let text = event_target_value(&event);
            flow.mapping.update(|mapping| {
                if let Some(column) = mapping.columns.get_mut(index) {
                    *setting.get_mut(column) = text;
                }
            });
        };
        view! {
            <div class="field-option">
                <label for=id.clone()>{self.label}</label>
                <input
                    id=id
                    type="text"
                    maxlength=self.max_length
                    placeholder=self.placeholder
                    aria-describedby=hint_id.clone()
                    prop:value=current
                    on:input=on_input
                />
                <p id=hint_id class="hint">
                    {self.hint}
                </p>
            </div>
        }
    }
}

/// Renders the select of the birth date format of a column.
fn date_format_select(index: usize) -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let id = format!("date-format-{index}");
    let current = move || {
        flow.mapping.with(|mapping| {
            mapping
                .columns
                .get(index)
                .map(|column| column.date_format.clone())
                .unwrap_or_default()
        })
    };
    let on_change = move |event: leptos::ev::Event| {
        let format = event_target_value(&event);
        flow.mapping.update(|mapping| {
            if let Some(column) = mapping.columns.get_mut(index) {
                column.date_format = format;
            }
        });
    };
    view! {
        <div class="field-option">
            <label for=id.clone()>"Date format"</label>
            <select id=id on:change=on_change>
                {DATE_FORMATS
                    .into_iter()
                    .map(|(value, label)| {
                        view! {
                            <option value=value prop:selected=move || current() == value>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
