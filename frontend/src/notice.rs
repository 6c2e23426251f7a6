//! The page's error message area, an ARIA live region that screen readers
//! announce when its content changes.

use leptos::prelude::*;

/// An error message with optional detail lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub message: String,
    pub details: Vec<String>,
}

impl Notice {
    /// Creates a notice with detail lines.
    pub fn with_details(message: impl Into<String>, details: Vec<String>) -> Self {
        Notice {
            message: message.into(),
            details,
        }
    }
}

impl From<String> for Notice {
    fn from(message: String) -> Self {
        Notice::with_details(message, Vec::new())
    }
}

/// Handle to the error message area, shared through context.
#[derive(Clone, Copy)]
pub struct Notices {
    current: RwSignal<Option<Notice>>,
}

impl Notices {
    /// Creates an empty message area.
    pub fn new() -> Self {
        Notices {
            current: RwSignal::new(None),
        }
    }

    /// Shows `notice` in place of the current one.
    pub fn show(self, notice: impl Into<Notice>) {
        let notice = notice.into();
        log::warn!("shown to the user: {}", notice.message);
        self.current.set(Some(notice));
    }

    /// Removes the current notice.
    pub fn clear(self) {
        self.current.set(None);
    }
}

impl Default for Notices {
    fn default() -> Self {
        Notices::new()
    }
}

/// Renders the live region with the current notice.
#[component]
pub fn NoticeRegion() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        <div class="notice-region" role="alert" aria-live="assertive">
            {move || {
                notices
                    .current
                    .get()
                    .map(|notice| {
                        view! {
                            <div class="notice">
                                <p>{notice.message}</p>
                                <ul>
                                    {notice
                                        .details
                                        .into_iter()
                                        .map(|line| view! { <li>{line}</li> })
                                        .collect_view()}
                                </ul>
                                <button type="button" on:click=move |_| notices.clear()>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
