//! The "Persons" page: stored profiles, one page at a time.

use leptos::prelude::*;
use shared::wire::{Page, Person};

use crate::api;
use crate::display::{full_name, person_type_label};
use crate::paged::PagedList;
use crate::scroll::TableScroll;

/// Number of profiles on one page.
const PER_PAGE: u32 = 20;

/// Renders the paged list of stored profiles.
#[component]
pub fn PersonsPage() -> impl IntoView {
    view! {
        <section aria-labelledby="persons-heading">
            <h2 id="persons-heading">"Persons"</h2>
            <PagedList
                fetch=api::list_persons
                render=person_table
                per_page=PER_PAGE
                loading_text="Loading persons…"
            />
        </section>
    }
}

/// Renders one page of profiles as a table.
fn person_table(persons: Page<Person>) -> AnyView {
    if persons.items.is_empty() {
        return view! { <p>"No persons are stored yet."</p> }.into_any();
    }
    view! {
        <p>{format!("{} persons in all.", persons.total)}</p>
        <TableScroll label="Persons">
            <table class="persons">
                <thead>
                    <tr>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Emails"</th>
                        <th scope="col">"Phones"</th>
                        <th scope="col">"Tags"</th>
                    </tr>
                </thead>
                <tbody>
                    {persons
                        .items
                        .into_iter()
                        .map(|person| {
                            let values = &person.values;
                            view! {
                                <tr>
                                    <td>{person_type_label(person.person_type)}</td>
                                    <td>{full_name(values)}</td>
                                    <td>{values.emails.join(", ")}</td>
                                    <td>{values.phones.join(", ")}</td>
                                    <td>{values.tags.join(", ")}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
