//! Sign-in state, the sign-in form and the sign-out button.
//!
//! A server with accounts responds to `GET /api/session` with the
//! signed-in user or 401. A server without accounts has no such route, and the app
//! then runs without signing in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::notice::Notices;

/// Sign-in state of the app, which decides whether the pages are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// The first session request has not returned yet.
    Checking,
    /// The server has no accounts.
    Open,
    SignedIn {
        user: String,
    },
    SignedOut,
}

/// Handle to the sign-in state, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
    notices: Notices,
}

impl Session {
    /// Creates the state and starts the first session request.
    pub fn start(notices: Notices) -> Self {
        let session = Session {
            state: RwSignal::new(SessionState::Checking),
            notices,
        };
        spawn_local(async move {
            let state = match api::current_session().await {
                Ok(Some(info)) => SessionState::SignedIn { user: info.user },
                Ok(None) => SessionState::Open,
                Err(failure) if failure.is_unauthorized() => SessionState::SignedOut,
                Err(failure) => {
                    // The API calls of the pages report the same failure
                    // again, so the app still opens.
                    log::error!("session request failed: {failure}");
                    notices.show(failure.to_string());
                    SessionState::Open
                }
            };
            session.state.set(state);
        });
        session
    }

    /// Shows the sign-in form if `failure` means the session has expired.
    /// Returns whether it did.
    pub fn check_failure(self, failure: &ApiFailure) -> bool {
        let expired = failure.is_unauthorized()
            && matches!(self.state.get_untracked(), SessionState::SignedIn { .. });
        if expired {
            self.notices
                .show("Your session has expired: sign in again.".to_owned());
            self.state.set(SessionState::SignedOut);
        }
        expired
    }

    fn sign_out(self) {
        spawn_local(async move {
            if let Err(failure) = api::sign_out().await {
                log::error!("sign-out failed: {failure}");
                self.notices.show(failure.to_string());
                return;
            }
            self.state.set(SessionState::SignedOut);
        });
    }
}

/// Renders the signed-in user's name and the "Sign out" button.
#[component]
pub fn AccountBar() -> impl IntoView {
    let session = expect_context::<Session>();
    move || match session.state.get() {
        SessionState::SignedIn { user } => Some(view! {
            <div class="account">
                <span>"Signed in as " <strong>{user}</strong></span>
                <button type="button" on:click=move |_| session.sign_out()>
                    "Sign out"
                </button>
            </div>
        }),
        _ => None,
    }
}

/// Renders the form that signs in with a user name and password.
#[component]
pub fn SignInForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let notices = expect_context::<Notices>();
    let (name, set_name) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (sending, set_sending) = signal(false);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let user_name = name.get_untracked();
        let secret = password.get_untracked();
        if user_name.trim().is_empty() || secret.is_empty() {
            notices.show("Enter your user name and password.".to_owned());
            return;
        }
        set_sending.set(true);
        spawn_local(async move {
            let result = api::sign_in(&user_name, &secret).await;
            set_sending.set(false);
            match result {
                Ok(info) => {
                    notices.clear();
                    set_password.set(String::new());
                    session
                        .state
                        .set(SessionState::SignedIn { user: info.user });
                }
                Err(failure) => {
                    log::info!("sign-in failed: {failure}");
                    notices.show(failure.to_string());
                }
            }
        });
    };
    view! {
        <section class="step sign-in" aria-labelledby="sign-in-heading">
            <h2 id="sign-in-heading">"Sign in"</h2>
            <form on:submit=on_submit>
                <div class="field">
                    <label for="user-name">"User name"</label>
                    <input
                        id="user-name"
                        type="text"
                        autocomplete="username"
                        prop:value=move || name.get()
                        on:input=move |event| set_name.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |event| set_password.set(event_target_value(&event))
                    />
                </div>
                <button type="submit" class="primary" disabled=move || sending.get()>
                    "Sign in"
                </button>
            </form>
        </section>
    }
}
