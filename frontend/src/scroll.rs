//! The box that lets a wide table scroll sideways on a narrow screen.

use leptos::prelude::*;

/// Wraps a wide table in a box that scrolls sideways. The box takes the
/// keyboard focus, so that the arrow keys scroll it, and is a named region
/// for screen readers.
#[component]
pub fn TableScroll(
    /// Name of the region, such as "Record errors".
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}
