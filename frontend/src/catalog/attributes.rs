//! The "Attributes" page: the custom attribute definitions that mapped
//! columns can fill.

use gloo_net::http::Request;
use leptos::prelude::*;
use shared::attributes::{check_attribute_name, AttributeDefinition, AttributeType};

use super::{list_attributes, list_view, run_change};
use crate::api::{self, ApiFailure};
use crate::notice::Notices;

/// The attribute types in the order the type select lists them, with their
/// labels.
pub const ATTRIBUTE_TYPES: [(AttributeType, &str); 5] = [
    (AttributeType::Text, "Text"),
    (AttributeType::Number, "Number"),
    (AttributeType::Boolean, "Yes or no"),
    (AttributeType::Date, "Date"),
    (AttributeType::List, "List"),
];

/// Defines a custom attribute: `POST /api/attributes`.
async fn add_attribute(definition: AttributeDefinition) -> Result<(), ApiFailure> {
    let _: AttributeDefinition =
        api::send_json(Request::post("/api/attributes"), &definition).await?;
    Ok(())
}

/// Removes a custom attribute definition: `DELETE /api/attributes/{name}`.
/// Values already stored on profiles stay.
async fn remove_attribute(name: String) -> Result<(), ApiFailure> {
    let url = format!("/api/attributes/{}", js_sys::encode_uri_component(&name));
    api::send_without_body(Request::delete(&url)).await
}

/// Returns the label of an attribute type.
pub fn type_label(attribute_type: AttributeType) -> &'static str {
    ATTRIBUTE_TYPES
        .iter()
        .find(|(candidate, _)| *candidate == attribute_type)
        .map_or("Text", |(_, label)| label)
}

/// Parses the value of the type select.
fn parse_type(key: &str) -> AttributeType {
    ATTRIBUTE_TYPES
        .iter()
        .map(|(attribute_type, _)| *attribute_type)
        .find(|attribute_type| attribute_type.key() == key)
        .unwrap_or_default()
}

/// Renders the list of custom attributes and the form that adds one.
#[component]
pub fn AttributesPage() -> impl IntoView {
    let notices = expect_context::<Notices>();
    let attributes = LocalResource::new(list_attributes);
    let (name, set_name) = signal(String::new());
    let (type_key, set_type_key) = signal(AttributeType::Text.key().to_owned());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let definition = AttributeDefinition {
            name: name.get_untracked().trim().to_owned(),
            attribute_type: parse_type(&type_key.get_untracked()),
        };
        if let Err(message) = check_attribute_name(&definition.name) {
            notices.show(format!("Check the attribute name: {message}."));
            return;
        }
        set_name.set(String::new());
        run_change(
            add_attribute(definition),
            move || attributes.refetch(),
            "adding an attribute",
        );
    };
    let render = move |items: Vec<AttributeDefinition>| attribute_table(items, attributes);
    view! {
        <section aria-labelledby="attributes-heading">
            <h2 id="attributes-heading">"Attributes"</h2>
            <p>
                "Custom attributes are profile fields of your own. The type decides how \
                 imported values are checked and stored."
            </p>
            {list_view(attributes, "Loading attributes…", render)}
            <form class="inline-form" on:submit=on_submit>
                <h3>"Add an attribute"</h3>
                <div class="field">
                    <label for="attribute-name">"Attribute name"</label>
                    <input
                        id="attribute-name"
                        type="text"
                        placeholder="company_size"
                        prop:value=move || name.get()
                        on:input=move |event| set_name.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="attribute-type">"Attribute type"</label>
                    <select
                        id="attribute-type"
                        prop:value=move || type_key.get()
                        on:change=move |event| set_type_key.set(event_target_value(&event))
                    >
                        {ATTRIBUTE_TYPES
                            .iter()
                            .map(|(attribute_type, label)| {
                                view! { <option value=attribute_type.key()>{*label}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary">
                    "Add attribute"
                </button>
            </form>
        </section>
    }
}

/// Renders the attribute definitions with a "Remove" button each.
fn attribute_table(
    items: Vec<AttributeDefinition>,
    attributes: LocalResource<Result<Vec<AttributeDefinition>, ApiFailure>>,
) -> AnyView {
    if items.is_empty() {
        return view! { <p>"No custom attributes are defined yet."</p> }.into_any();
    }
    view! {
        <table class="attributes">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|definition| {
                        let name = definition.name.clone();
                        let on_remove = move |_| {
                            run_change(
                                remove_attribute(name.clone()),
                                move || attributes.refetch(),
                                "removing an attribute",
                            );
                        };
                        view! {
                            <tr>
                                <td>{definition.name.clone()}</td>
                                <td>{type_label(definition.attribute_type)}</td>
                                <td>
                                    <button
                                        type="button"
                                        aria-label=format!("Remove {}", definition.name)
                                        on:click=on_remove
                                    >
                                        "Remove"
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
    fn type_select_round_trips() {
        for (attribute_type, _) in ATTRIBUTE_TYPES {
            assert_eq!(parse_type(attribute_type.key()), attribute_type);
        }
    }

    #[test]
    fn unknown_type_is_text() {
        assert_eq!(parse_type("colour"), AttributeType::Text);
    }
}
