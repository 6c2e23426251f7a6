//! In-app notifications of finished imports, polled from the server while
//! a user is signed in.

use std::collections::BTreeSet;
use std::time::Duration;

use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::wire::Notification;

use crate::api::{self, ApiFailure};
use crate::history::details_href;
use crate::notice::Notices;
use crate::session::Session;

/// Time between two requests for new notifications.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Number of failed polls in a row after which the next failure is logged
/// again, so that a server that stays away does not flood the console.
const LOG_EVERY_FAILURES: u32 = 12;

/// Fetches the signed-in user's unread notifications:
/// `GET /api/notifications`.
async fn fetch_unread() -> Result<Vec<Notification>, ApiFailure> {
    api::get_json("/api/notifications").await
}

/// Marks a notification read: `POST /api/notifications/{id}/read`.
async fn mark_read(notification_id: i64) -> Result<(), ApiFailure> {
    let url = format!("/api/notifications/{notification_id}/read");
    api::send_without_body(Request::post(&url)).await
}

/// Returns the notifications of `fetched` that the user has not dismissed
/// in this page.
fn not_dismissed(fetched: Vec<Notification>, dismissed: &BTreeSet<i64>) -> Vec<Notification> {
    fetched
        .into_iter()
        .filter(|notification| !dismissed.contains(&notification.notification_id))
        .collect()
}

/// Polls the notifications every [`POLL_INTERVAL`] and shows them in a
/// live region, each with a link to its import and a "Dismiss" button.
/// Mount it only while a user is signed in: unmounting stops the polling.
#[component]
pub fn NotificationCenter() -> impl IntoView {
    let session = expect_context::<Session>();
    let notices = expect_context::<Notices>();
    let shown = RwSignal::new(Vec::<Notification>::new());
    let dismissed = StoredValue::new(BTreeSet::<i64>::new());
    let in_flight = StoredValue::new(false);
    let failures = StoredValue::new(0_u32);

    let poll = move || {
        if in_flight.get_value() {
            return;
        }
        in_flight.set_value(true);
        spawn_local(async move {
            let result = fetch_unread().await;
            in_flight.set_value(false);
            match result {
                Ok(fetched) => {
                    failures.set_value(0);
                    let fresh = dismissed.with_value(|ids| not_dismissed(fetched, ids));
                    if shown.with_untracked(|current| current != &fresh) {
                        shown.set(fresh);
                    }
                }
                Err(failure) => {
                    if session.check_failure(&failure) {
                        return;
                    }
                    let count = failures.get_value() + 1;
                    failures.set_value(count);
                    if count % LOG_EVERY_FAILURES == 1 {
                        log::warn!("notification request failed ({count} in a row): {failure}");
                    }
                }
            }
        });
    };
    poll();
    match set_interval_with_handle(poll, POLL_INTERVAL) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(error) => log::error!("notification polling could not start: {error:?}"),
    }

    let dismiss = move |notification_id: i64| {
        dismissed.update_value(|ids| {
            ids.insert(notification_id);
        });
        shown.update(|items| items.retain(|item| item.notification_id != notification_id));
        spawn_local(async move {
            if let Err(failure) = mark_read(notification_id).await {
                if !session.check_failure(&failure) {
                    log::warn!("marking notification {notification_id} read failed: {failure}");
                    notices.show(failure.to_string());
                }
            }
        });
    };

    view! {
        <section class="notifications" aria-label="Notifications">
            <div role="status" aria-live="polite">
                <For
                    each=move || shown.get()
                    key=|notification| notification.notification_id
                    children=move |notification| {
                        let notification_id = notification.notification_id;
                        let link = notification
                            .import_id
                            .map(|import_id| {
                                view! {
                                    <a href=details_href(import_id)>"View import details"</a>
                                }
                            });
                        view! {
                            <div class="notification">
                                <p>{notification.message}</p>
                                {link}
                                <button type="button" on:click=move |_| dismiss(notification_id)>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    }
                />
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(notification_id: i64) -> Notification {
        Notification {
            notification_id,
            import_id: Some(1),
            message: "contacts.csv was imported".into(),
            created_at: "2026-12-04T10:00:00Z".into(),
            read: false,
        }
    }

    #[test]
    fn dismissed_notifications_stay_hidden() {
        let dismissed = BTreeSet::from([2]);
        let kept = not_dismissed(vec![notification(1), notification(2)], &dismissed);
        let ids: Vec<i64> = kept.iter().map(|item| item.notification_id).collect();
        assert_eq!(ids, [1]);
    }
}
