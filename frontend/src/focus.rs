//! Keyboard focus for the steps of the import: when a step appears
//! because of what the person did, the focus moves to its heading, so a
//! keyboard or screen reader user continues there.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the focus to the element of `node` once it is in the page. The
/// element needs `tabindex="-1"` when it is not focusable by itself.
pub fn focus_when_shown<E>(node: NodeRef<E>)
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            let element: web_sys::HtmlElement = element.unchecked_into();
            if let Err(error) = element.focus() {
                log::warn!("could not move the focus: {error:?}");
            }
        }
    });
}
