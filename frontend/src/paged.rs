//! Lists that the server sends one page at a time, with "Previous" and
//! "Next" buttons.

use std::future::Future;

use leptos::prelude::*;
use shared::wire::Page;

use crate::api::ApiFailure;
use crate::session::Session;

/// Renders one page of a list fetched from the server, a loading text
/// while it loads, its error in an alert, and the page buttons.
#[component]
pub fn PagedList<T, Fetch, Fut>(
    /// Fetches page `page` (1-based) of `per_page` items.
    fetch: Fetch,
    /// Renders one fetched page.
    render: fn(Page<T>) -> AnyView,
    /// Number of items on one page.
    per_page: u32,
    /// Text shown while a page loads.
    loading_text: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    Fetch: Fn(u32, u32) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, ApiFailure>> + 'static,
{
    let page = RwSignal::new(1_u32);
    let items = LocalResource::new(move || fetch(page.get(), per_page));
    let session = expect_context::<Session>();
    Effect::new(move |_| {
        if let Some(Err(failure)) = items.get() {
            session.check_failure(&failure);
        }
    });
    let total = Signal::derive(move || {
        items
            .get()
            .and_then(|result| result.ok())
            .map(|items| items.total)
    });
    view! {
        <Transition fallback=move || view! { <p role="status">{loading_text}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <div class="notice" role="alert">
                        {move || {
                            errors
                                .get()
                                .into_iter()
                                .map(|(_, error)| view! { <p>{error.to_string()}</p> })
                                .collect_view()
                        }}
                    </div>
                }
            }>{move || items.get().map(|result| result.map(render))}</ErrorBoundary>
        </Transition>
        <Pager page total per_page />
    }
}

/// Returns the number of pages that `total` items fill, at least 1.
pub fn page_count(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

/// Renders the page buttons and the "Page N of M" text.
#[component]
fn Pager(
    /// The current 1-based page.
    page: RwSignal<u32>,
    /// Number of items in the whole list, `None` while unknown.
    #[prop(into)]
    total: Signal<Option<u64>>,
    /// Number of items on one page.
    per_page: u32,
) -> impl IntoView {
    let pages = move || total.get().map(|total| page_count(total, per_page));
    let at_end = move || pages().is_none_or(|pages| u64::from(page.get()) >= pages);
    view! {
        <nav class="pager" aria-label="Pages">
            <button
                type="button"
                disabled=move || page.get() <= 1
                on:click=move |_| page.update(|page| *page = page.saturating_sub(1).max(1))
            >
                "Previous"
            </button>
            <span>
                {move || match pages() {
                    Some(pages) => format!("Page {} of {pages}", page.get()),
                    None => format!("Page {}", page.get()),
                }}
            </span>
            <button
                type="button"
                disabled=at_end
                on:click=move |_| page.update(|page| *page = page.saturating_add(1))
            >
                "Next"
            </button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(5, 0), 5);
    }
}
