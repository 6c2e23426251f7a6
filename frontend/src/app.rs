//! The app shell: navigation between the pages and the error region.
//!
//! Pages are addressed by the URL fragment (`#/persons`), so links work
//! without the server knowing the app's routes.

use leptos::prelude::*;

use crate::analysis::AnalysisStep;
use crate::flow::ImportFlow;
use crate::history::HistoryPage;
use crate::import::{ImportOutcome, ImportStepView};
use crate::mapping::MappingStep;
use crate::notice::{NoticeRegion, Notices};
use crate::persons::PersonsPage;
use crate::session::{AccountBar, Session, SessionState, SignInForm};
use crate::upload::UploadStep;

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Import,
    Persons,
    History,
}

impl Page {
    const ALL: [Page; 3] = [Page::Import, Page::Persons, Page::History];

    /// Parses a URL fragment such as `#/persons`; anything unknown is the
    /// import page.
    pub fn from_fragment(fragment: &str) -> Page {
        match fragment.trim_start_matches('#').trim_start_matches('/') {
            "persons" => Page::Persons,
            "history" => Page::History,
            _ => Page::Import,
        }
    }

    /// Returns the link target of the page.
    pub fn href(self) -> &'static str {
        match self {
            Page::Import => "#/import",
            Page::Persons => "#/persons",
            Page::History => "#/history",
        }
    }

    /// Returns the name of the page in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            Page::Import => "Import",
            Page::Persons => "Persons",
            Page::History => "Import history",
        }
    }
}

fn current_page() -> Page {
    let fragment = window().location().hash().unwrap_or_default();
    Page::from_fragment(&fragment)
}

/// Renders the navigation, the error region and the current page.
#[component]
pub fn App() -> impl IntoView {
    let notices = Notices::new();
    let session = Session::start(notices);
    provide_context(notices);
    provide_context(session);
    provide_context(ImportFlow::new(notices, session));

    let (page, set_page) = signal(current_page());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        set_page.set(current_page());
    });
    on_cleanup(move || listener.remove());

    view! {
        <header>
            <h1>"People"</h1>
            <nav aria-label="Main">
                {Page::ALL
                    .into_iter()
                    .map(|target| {
                        view! {
                            <a
                                href=target.href()
                                aria-current=move || (page.get() == target).then_some("page")
                            >
                                {target.title()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <AccountBar />
        </header>
        <NoticeRegion />
        <main>
            {move || match session.state.get() {
                SessionState::Checking => view! { <p role="status">"Connecting…"</p> }.into_any(),
                SessionState::SignedOut => view! { <SignInForm /> }.into_any(),
                SessionState::Open | SessionState::SignedIn { .. } => {
                    match page.get() {
                        Page::Import => view! { <ImportPage /> }.into_any(),
                        Page::Persons => view! { <PersonsPage /> }.into_any(),
                        Page::History => view! { <HistoryPage /> }.into_any(),
                    }
                }
            }}
        </main>
    }
}

/// Renders the import steps, each once the step before it has a result.
#[component]
fn ImportPage() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let has_preview = move || flow.preview.with(Option::is_some);
    let can_import = move || flow.analyzed.with(Option::is_some) && flow.analysis_is_current();
    view! {
        {move || match flow.outcome.get() {
            Some(entry) => view! { <ImportOutcome entry /> }.into_any(),
            None => {
                view! {
                    <UploadStep />
                    <Show when=has_preview>
                        <MappingStep />
                        <AnalysisStep />
                    </Show>
                    <Show when=can_import>
                        <ImportStepView />
                    </Show>
                }
                    .into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_selects_page() {
        assert_eq!(Page::from_fragment("#/persons"), Page::Persons);
        assert_eq!(Page::from_fragment("#history"), Page::History);
        assert_eq!(Page::from_fragment(""), Page::Import);
        assert_eq!(Page::from_fragment("#/nowhere"), Page::Import);
    }

    #[test]
    fn href_round_trips() {
        for page in Page::ALL {
            assert_eq!(Page::from_fragment(page.href()), page);
        }
    }
}
