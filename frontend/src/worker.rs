//! The analysis worker: runs file decoding and analysis off the UI thread.
//!
//! [`start`] runs inside a dedicated Web Worker (the `worker` binary). It
//! responds to each request message with [`WorkerEvent`]s as JSON text, as
//! [`crate::protocol`] describes.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{self, WorkerEvent, WorkerRequest, BYTES_PROPERTY, REQUEST_PROPERTY};

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
    post(&scope, &WorkerEvent::Ready);
}

fn handle_message(scope: &DedicatedWorkerGlobalScope, event: &MessageEvent) {
    let (request, bytes) = match read_message(&event.data()) {
        Ok(message) => message,
        Err(message) => {
            log::error!("worker received an invalid message: {message}");
            post(scope, &WorkerEvent::Invalid { message });
            return;
        }
    };
    let id = request.id;
    log::info!("worker request {id}: {} bytes", bytes.len());
    let mut progress = |stage| post(scope, &WorkerEvent::Progress { id, stage });
    let result = protocol::run_task(&request.task, &bytes, &mut progress);
    if let Err(rejection) = &result {
        log::info!("worker request {id} rejected: {:?}", rejection.code);
    }
    post(scope, &WorkerEvent::Done { id, result });
}

/// Reads the request and the file bytes out of a posted message.
fn read_message(data: &wasm_bindgen::JsValue) -> Result<(WorkerRequest, Vec<u8>), String> {
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

fn post(scope: &DedicatedWorkerGlobalScope, event: &WorkerEvent) {
    let text = match serde_json::to_string(event) {
        Ok(text) => text,
        Err(error) => {
            log::error!("worker could not serialize an event: {error}");
            return;
        }
    };
    if let Err(error) = scope.post_message(&text.into()) {
        log::error!("worker could not post an event: {error:?}");
    }
}
