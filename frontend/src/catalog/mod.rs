//! The "Attributes" and "Journeys" pages, which manage the custom
//! attribute definitions and the journeys of the store.

mod attributes;
mod journeys;

use std::future::Future;

use leptos::prelude::*;
use shared::attributes::AttributeDefinition;
use shared::wire::Journey;

pub use attributes::AttributesPage;
pub use journeys::JourneysPage;

use crate::api::{self, ApiFailure};
use crate::notice::Notices;
use crate::session::Session;

/// Fetches the custom attribute definitions: `GET /api/attributes`.
pub async fn list_attributes() -> Result<Vec<AttributeDefinition>, ApiFailure> {
    api::get_json("/api/attributes").await
}

/// Fetches the journeys with their enrollment counts: `GET /api/journeys`.
pub async fn list_journeys() -> Result<Vec<Journey>, ApiFailure> {
    api::get_json("/api/journeys").await
}

/// Runs a state-changing request, then refetches the list on success or
/// shows the failure in the error region.
fn run_change<Fut>(request: Fut, refetch: impl Fn() + 'static, what: &'static str)
where
    Fut: Future<Output = Result<(), ApiFailure>> + 'static,
{
    let session = expect_context::<Session>();
    let notices = expect_context::<Notices>();
    leptos::task::spawn_local(async move {
        match request.await {
            Ok(()) => {
                notices.clear();
                refetch();
            }
            Err(failure) => {
                if !session.check_failure(&failure) {
                    log::warn!("{what} failed: {failure}");
                    notices.show(failure.to_string());
                }
            }
        }
    });
}

/// Renders a fetched list in a `Transition` with its error in an alert,
/// and reports an expired session.
fn list_view<T, R>(
    list: LocalResource<Result<Vec<T>, ApiFailure>>,
    loading_text: &'static str,
    render: R,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    R: Fn(Vec<T>) -> AnyView + Copy + Send + Sync + 'static,
{
    let session = expect_context::<Session>();
    Effect::new(move |_| {
        if let Some(Err(failure)) = list.get() {
            session.check_failure(&failure);
        }
    });
    view! {
        <Transition fallback=move || view! { <p role="status">{loading_text}</p> }>
            {move || {
                list.get()
                    .map(|result| match result {
                        Ok(items) => render(items),
                        Err(failure) => {
                            view! {
                                <div class="notice" role="alert">
                                    <p>{failure.to_string()}</p>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
