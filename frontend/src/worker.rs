//! The analysis worker: runs file decoding and analysis off the UI thread.
//!
//! [`start`] runs inside a dedicated Web Worker (the `worker` binary). It
//! responds to each request message with [`WorkerEvent`]s as JSON text, as
//! [`crate::protocol`] describes.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{
    self, ProfileJson, WorkerEvent, WorkerRequest, WorkerState, BYTES_PROPERTY, EVENT_PROPERTY,
    PROFILE_BATCHES_PROPERTY, PROFILE_IDENTIFIERS_PROPERTY, REQUEST_PROPERTY,
};

thread_local! {
    /// The state that the worker keeps between requests.
    static STATE: RefCell<WorkerState> = RefCell::new(WorkerState::default());
}

/// Installs the message handler and posts [`WorkerEvent::Ready`] to the app.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle_message(&handler_scope, &event);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler must live as long as the worker does.
    on_message.forget();
    post(&scope, &WorkerEvent::Ready, None);
}

fn handle_message(scope: &DedicatedWorkerGlobalScope, event: &MessageEvent) {
    let (request, bytes) = match read_message(&event.data()) {
        Ok(message) => message,
        Err(message) => {
            log::error!("worker received an invalid message: {message}");
            post(scope, &WorkerEvent::Invalid { message }, None);
            return;
        }
    };
    let id = request.id;
    log::info!("worker request {id}: {} bytes", bytes.len());
    let mut progress = |stage| post(scope, &WorkerEvent::Progress { id, stage }, None);
    let result = STATE
        .with_borrow_mut(|state| protocol::run_task(&request.task, &bytes, state, &mut progress));
    match result {
        Ok((output, profiles)) => {
            let event = WorkerEvent::Done {
                id,
                result: Ok(output),
            };
            post(scope, &event, profiles.as_ref());
        }
        Err(rejection) => {
            log::info!("worker request {id} rejected: {:?}", rejection.code);
            let event = WorkerEvent::Done {
                id,
                result: Err(rejection),
            };
            post(scope, &event, None);
        }
    }
}

/// Reads the request and the file bytes out of a posted message.
fn read_message(data: &JsValue) -> Result<(WorkerRequest, Vec<u8>), String> {
    let request_text = Reflect::get(data, &REQUEST_PROPERTY.into())
        .ok()
        .and_then(|value| value.as_string())
        .ok_or_else(|| format!("the message has no `{REQUEST_PROPERTY}` text"))?;
    let request: WorkerRequest = serde_json::from_str(&request_text)
        .map_err(|error| format!("the request is not valid JSON: {error}"))?;
    let buffer = Reflect::get(data, &BYTES_PROPERTY.into())
        .ok()
        .and_then(|value| value.dyn_into::<ArrayBuffer>().ok())
        .ok_or_else(|| format!("the message has no `{BYTES_PROPERTY}` ArrayBuffer"))?;
    Ok((request, Uint8Array::new(&buffer).to_vec()))
}

/// Posts an event, with the profile texts of an analysis as UTF-8 bytes
/// in their own `ArrayBuffer`s, which the message transfers. A structured
/// clone of strings this large blocked the page's thread for 200 ms and
/// more when it received them.
fn post(scope: &DedicatedWorkerGlobalScope, event: &WorkerEvent, profiles: Option<&ProfileJson>) {
    let text = match serde_json::to_string(event) {
        Ok(text) => text,
        Err(error) => {
            log::error!("worker could not serialize an event: {error}");
            return;
        }
    };
    let message = Object::new();
    let mut properties = vec![(EVENT_PROPERTY, JsValue::from(text))];
    let transfer = Array::new();
    if let Some(profiles) = profiles {
        let batches: Array = profiles
            .batches
            .iter()
            .map(|batch| transferable_bytes(batch, &transfer))
            .collect();
        properties.push((PROFILE_BATCHES_PROPERTY, batches.into()));
        let identifiers: Array = profiles
            .identifiers
            .iter()
            .map(|chunk| transferable_bytes(chunk, &transfer))
            .collect();
        properties.push((PROFILE_IDENTIFIERS_PROPERTY, identifiers.into()));
    }
    for (name, value) in properties {
        if let Err(error) = Reflect::set(&message, &name.into(), &value) {
            log::error!("worker could not build a message: {error:?}");
            return;
        }
    }
    if let Err(error) = scope.post_message_with_transfer(&message, &transfer) {
        log::error!("worker could not post an event: {error:?}");
    }
}

/// Copies `text` into a new byte array and adds its buffer to `transfer`,
/// the transfer list of the message that carries it.
fn transferable_bytes(text: &str, transfer: &Array) -> Uint8Array {
    let bytes = Uint8Array::from(text.as_bytes());
    transfer.push(&bytes.buffer());
    bytes
}
