//! The app's side of the analysis worker: starts the worker, sends tasks
//! with the file bytes and turns the worker's events into futures.
//!
//! The worker is started on the first task and started again after it has
//! failed or was stopped, so a crash costs one task, not the page.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};

use futures::channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use shared::Rejection;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use crate::protocol::{
    Stage, Task, TaskOutput, WorkerEvent, WorkerRequest, BYTES_PROPERTY, EVENT_PROPERTY,
    PROFILE_BATCHES_PROPERTY, PROFILE_IDENTIFIERS_PROPERTY, REQUEST_PROPERTY,
};

/// Script that loads the worker module; trunk writes it next to
/// `index.html` for the `data-loader-shim` worker link.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// Failure of a worker task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerFailure {
    /// The file or the settings were rejected by the analysis.
    Rejected(Rejection),
    /// The worker stopped with an error while the task ran.
    Crashed(String),
    /// The worker could not be started or sent the task.
    Unavailable(String),
    /// The task was dropped by [`AnalysisWorker::restart`].
    Cancelled,
}

impl fmt::Display for WorkerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerFailure::Rejected(rejection) => f.write_str(&rejection.message),
            WorkerFailure::Crashed(detail) => write!(
                f,
                "The analysis stopped unexpectedly ({detail}). Try again, and if it fails \
                 again, check that the file opens in a spreadsheet program."
            ),
            WorkerFailure::Unavailable(detail) => write!(
                f,
                "The analysis could not start ({detail}). Reload the page and try again."
            ),
            WorkerFailure::Cancelled => f.write_str("The analysis was cancelled."),
        }
    }
}

/// The output of a finished task.
#[derive(Clone, Debug)]
pub struct TaskReply {
    pub output: TaskOutput,
    /// The profiles of an analysis as JSON texts, `None` for a preview.
    pub profiles: Option<ProfileTexts>,
}

/// The analysed profiles as UTF-8 JSON texts in JS byte arrays, which the
/// app sends on as request bodies without reading them into wasm memory.
#[derive(Clone, Debug)]
pub struct ProfileTexts {
    /// JSON arrays of profile drafts, one per upload batch, in order.
    pub batches: Vec<Uint8Array>,
    /// JSON arrays of the identifiers of every profile, one per match
    /// count request.
    pub identifiers: Vec<Uint8Array>,
}

/// Handle to the analysis worker. Cloning it shares the same worker.
#[derive(Clone, Default)]
pub struct AnalysisWorker {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    running: Option<Running>,
    next_id: u32,
    pending: HashMap<u32, Pending>,
}

/// A started worker and its event handlers.
struct Running {
    worker: Worker,
    /// Whether the worker has sent [`WorkerEvent::Ready`]; messages posted
    /// before that would reach no handler, so they wait in `queue`.
    ready: bool,
    queue: Vec<(Object, ArrayBuffer)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

struct Pending {
    reply: oneshot::Sender<Result<TaskReply, WorkerFailure>>,
    on_progress: Rc<dyn Fn(Stage)>,
}

impl AnalysisWorker {
    /// Sends a task with the file bytes, which are transferred to the worker
    /// and no longer usable here. `on_progress` is called at each stage.
    pub fn run(
        &self,
        task: Task,
        bytes: ArrayBuffer,
        on_progress: impl Fn(Stage) + 'static,
    ) -> impl Future<Output = Result<TaskReply, WorkerFailure>> + 'static {
        let sent = self.send(task, bytes, Rc::new(on_progress));
        async move {
            match sent?.await {
                Ok(result) => result,
                Err(oneshot::Canceled) => Err(WorkerFailure::Cancelled),
            }
        }
    }

    /// Returns whether a task has been sent and not finished.
    pub fn is_busy(&self) -> bool {
        !self.inner.borrow().pending.is_empty()
    }

    /// Stops the worker, failing its pending tasks with
    /// [`WorkerFailure::Cancelled`]. The next task starts a new worker.
    pub fn restart(&self) {
        stop(&self.inner, || WorkerFailure::Cancelled);
    }

    fn send(
        &self,
        task: Task,
        bytes: ArrayBuffer,
        on_progress: Rc<dyn Fn(Stage)>,
    ) -> Result<oneshot::Receiver<Result<TaskReply, WorkerFailure>>, WorkerFailure> {
        self.ensure_running()?;
        let mut inner = self.inner.borrow_mut();
        let id = inner.next_id;
        inner.next_id = id.wrapping_add(1);

        let json = serde_json::to_string(&WorkerRequest { id, task })
            .map_err(|error| WorkerFailure::Unavailable(error.to_string()))?;
        let message = Object::new();
        Reflect::set(&message, &REQUEST_PROPERTY.into(), &json.into()).map_err(unavailable)?;
        Reflect::set(&message, &BYTES_PROPERTY.into(), &bytes).map_err(unavailable)?;

        let running = inner
            .running
            .as_mut()
            .ok_or_else(|| WorkerFailure::Unavailable("the worker is not running".into()))?;
        if running.ready {
            post(&running.worker, &message, &bytes).map_err(unavailable)?;
        } else {
            running.queue.push((message, bytes));
        }

        let (reply, receiver) = oneshot::channel();
        inner.pending.insert(id, Pending { reply, on_progress });
        Ok(receiver)
    }

    fn ensure_running(&self) -> Result<(), WorkerFailure> {
        if self.inner.borrow().running.is_some() {
            return Ok(());
        }
        let worker = Worker::new(WORKER_SCRIPT).map_err(unavailable)?;

        let weak = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            handle_event(&weak, &event);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

        let weak = Rc::downgrade(&self.inner);
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let detail = match event.dyn_ref::<ErrorEvent>() {
                Some(error) => error.message(),
                None => "the worker script could not be loaded".to_owned(),
            };
            log::error!("analysis worker failed: {detail}");
            if let Some(inner) = weak.upgrade() {
                stop(&inner, || WorkerFailure::Crashed(detail.clone()));
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        self.inner.borrow_mut().running = Some(Running {
            worker,
            ready: false,
            queue: Vec::new(),
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(())
    }
}

fn handle_event(weak: &Weak<RefCell<Inner>>, event: &MessageEvent) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let data = event.data();
    let Some(text) = Reflect::get(&data, &EVENT_PROPERTY.into())
        .ok()
        .and_then(|value| value.as_string())
    else {
        log::error!("analysis worker sent a message without `{EVENT_PROPERTY}` text");
        return;
    };
    let event: WorkerEvent = match serde_json::from_str(&text) {
        Ok(event) => event,
        Err(error) => {
            log::error!("analysis worker sent invalid JSON: {error}");
            return;
        }
    };
    match event {
        WorkerEvent::Ready => flush_queue(&inner),
        WorkerEvent::Progress { id, stage } => {
            // The callback runs after the borrow ends, so it may start tasks.
            let on_progress = inner
                .borrow()
                .pending
                .get(&id)
                .map(|pending| Rc::clone(&pending.on_progress));
            if let Some(on_progress) = on_progress {
                on_progress(stage);
            }
        }
        WorkerEvent::Done { id, result } => {
            let pending = inner.borrow_mut().pending.remove(&id);
            if let Some(pending) = pending {
                let reply = result
                    .map(|output| TaskReply {
                        output,
                        profiles: profile_texts(&data),
                    })
                    .map_err(WorkerFailure::Rejected);
                // The receiver is gone when the caller stopped waiting.
                let _ = pending.reply.send(reply);
            }
        }
        WorkerEvent::Invalid { message } => {
            log::error!("analysis worker could not read a request: {message}");
        }
    }
}

/// Reads the profile texts of an analysis message, if it has them.
fn profile_texts(data: &JsValue) -> Option<ProfileTexts> {
    let batches = Reflect::get(data, &PROFILE_BATCHES_PROPERTY.into())
        .ok()?
        .dyn_into::<Array>()
        .ok()?;
    let identifiers = Reflect::get(data, &PROFILE_IDENTIFIERS_PROPERTY.into())
        .ok()?
        .dyn_into::<Array>()
        .ok()?;
    let byte_arrays = |array: Array| {
        array
            .iter()
            .map(|item| item.dyn_into::<Uint8Array>().ok())
            .collect::<Option<Vec<_>>>()
    };
    let batches = byte_arrays(batches)?;
    let identifiers = byte_arrays(identifiers)?;
    Some(ProfileTexts {
        batches,
        identifiers,
    })
}

fn flush_queue(inner: &Rc<RefCell<Inner>>) {
    let mut failed = Vec::new();
    {
        let mut inner = inner.borrow_mut();
        let Some(running) = inner.running.as_mut() else {
            return;
        };
        running.ready = true;
        for (message, bytes) in std::mem::take(&mut running.queue) {
            if let Err(error) = post(&running.worker, &message, &bytes) {
                failed.push((message, js_error_text(&error)));
            }
        }
    }
    for (message, detail) in failed {
        let id = Reflect::get(&message, &REQUEST_PROPERTY.into())
            .ok()
            .and_then(|value| value.as_string())
            .and_then(|json| serde_json::from_str::<WorkerRequest>(&json).ok())
            .map(|request| request.id);
        let pending = id.and_then(|id| inner.borrow_mut().pending.remove(&id));
        if let Some(pending) = pending {
            let _ = pending.reply.send(Err(WorkerFailure::Unavailable(detail)));
        }
    }
}

/// Terminates the worker and fails every pending task with `failure()`.
fn stop(inner: &Rc<RefCell<Inner>>, failure: impl Fn() -> WorkerFailure) {
    let (running, pending) = {
        let mut inner = inner.borrow_mut();
        (inner.running.take(), std::mem::take(&mut inner.pending))
    };
    if let Some(running) = running {
        running.worker.set_onmessage(None);
        running.worker.set_onerror(None);
        running.worker.terminate();
        // `stop` can run inside one of these handlers, so they are dropped
        // after the current event has been handled.
        wasm_bindgen_futures::spawn_local(async move { drop(running) });
    }
    for (_, pending) in pending {
        let _ = pending.reply.send(Err(failure()));
    }
}

fn post(worker: &Worker, message: &Object, bytes: &ArrayBuffer) -> Result<(), JsValue> {
    worker.post_message_with_transfer(message, &Array::of1(bytes))
}

fn unavailable(error: JsValue) -> WorkerFailure {
    WorkerFailure::Unavailable(js_error_text(&error))
}

/// Returns the message of a JS error value, or its debug form.
pub fn js_error_text(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
