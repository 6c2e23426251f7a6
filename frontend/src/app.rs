//! The app shell: navigation between the pages and the error region.
//!
//! Pages are addressed by the URL fragment (`#/persons`), so links work
//! without the server knowing the app's routes.

use leptos::prelude::*;

use crate::analysis::AnalysisStep;
use crate::catalog::{AttributesPage, JourneysPage};
use crate::flow::ImportFlow;
use crate::history::{details_href, HistoryPage, ImportDetailsPage};
use crate::import::{ImportOutcome, ImportStepView};
use crate::mapping::MappingStep;
use crate::notice::{NoticeRegion, Notices};
use crate::notifications::NotificationCenter;
use crate::persons::PersonsPage;
use crate::session::{AccountBar, Session, SessionState, SignInForm};
use crate::upload::UploadStep;

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Import,
    Persons,
    History,
    /// The details view of one import.
    ImportDetails(i64),
    Attributes,
    Journeys,
}

impl Page {
    /// The pages of the navigation, in its order.
    const ALL: [Page; 5] = [
        Page::Import,
        Page::Persons,
        Page::History,
        Page::Attributes,
        Page::Journeys,
    ];

    /// Parses a URL fragment such as `#/persons` or `#/history/12`;
    /// anything unknown is the import page.
    pub fn from_fragment(fragment: &str) -> Page {
        let path = fragment.trim_start_matches('#').trim_start_matches('/');
        if let Some(import_id) = path.strip_prefix("history/") {
            return import_id.parse().map_or(Page::History, Page::ImportDetails);
        }
        match path {
            "persons" => Page::Persons,
            "history" => Page::History,
            "attributes" => Page::Attributes,
            "journeys" => Page::Journeys,
            _ => Page::Import,
        }
    }

    /// Returns the link target of the page.
    pub fn href(self) -> String {
        match self {
            Page::Import => "#/import".to_owned(),
            Page::Persons => "#/persons".to_owned(),
            Page::History => "#/history".to_owned(),
            Page::ImportDetails(import_id) => details_href(import_id),
            Page::Attributes => "#/attributes".to_owned(),
            Page::Journeys => "#/journeys".to_owned(),
        }
    }

    /// Returns the name of the page in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            Page::Import => "Import",
            Page::Persons => "Persons",
            Page::History => "Import history",
            Page::ImportDetails(_) => "Import details",
            Page::Attributes => "Attributes",
            Page::Journeys => "Journeys",
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
        {move || {
            matches!(session.state.get(), SessionState::SignedIn { .. })
                .then(|| view! { <NotificationCenter /> })
        }}
        <main>
            {move || match session.state.get() {
                SessionState::Checking => view! { <p role="status">"Connecting…"</p> }.into_any(),
                SessionState::SignedOut => view! { <SignInForm /> }.into_any(),
                SessionState::Open | SessionState::SignedIn { .. } => {
                    match page.get() {
                        Page::Import => view! { <ImportPage /> }.into_any(),
                        Page::Persons => view! { <PersonsPage /> }.into_any(),
                        Page::History => view! { <HistoryPage /> }.into_any(),
                        Page::ImportDetails(import_id) => {
                            view! { <ImportDetailsPage import_id /> }.into_any()
                        }
                        Page::Attributes => view! { <AttributesPage /> }.into_any(),
                        Page::Journeys => view! { <JourneysPage /> }.into_any(),
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
                // While the import is sent, the earlier steps take no input:
                // a changed setting or edit would make the analysis being
                // sent stale.
                view! {
                    <div inert=move || flow.sending.with(Option::is_some)>
                        <UploadStep />
                        <Show when=has_preview>
                            <MappingStep />
                            <AnalysisStep />
                        </Show>
                    </div>
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
        assert_eq!(Page::from_fragment("#/history/12"), Page::ImportDetails(12));
        assert_eq!(Page::from_fragment("#/history/x"), Page::History);
    }

    #[test]
    fn href_round_trips() {
        for page in Page::ALL.into_iter().chain([Page::ImportDetails(3)]) {
            assert_eq!(Page::from_fragment(&page.href()), page);
        }
    }
}
