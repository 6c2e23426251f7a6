//! The indicator that reading, analysis and import show while they run.

use leptos::prelude::*;

/// Renders a progress bar with the step's text beside it. Without a share
/// done, the bar shows that work goes on without saying how much is left.
#[component]
pub fn ProgressLine(
    /// Name of the bar, such as "Reading progress".
    label: &'static str,
    /// Share done as `(value, max)`, or `None` while it is unknown.
    fraction: Option<(f64, f64)>,
    /// What the step is doing, such as "Reading the file: 40 %…".
    text: String,
) -> impl IntoView {
    let (value, max) = fraction.unzip();
    view! {
        <progress aria-label=label value=value max=max></progress>
        <span>{text}</span>
    }
}
