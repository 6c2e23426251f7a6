// The bench page: runs one pipeline on the file chosen in #file, in a Web
// Worker, and stores the outcome in window.benchResult.
//
// The driver calls benchPrepare(mode, settings), sets the file input and
// polls window.benchResult; in 'product' mode it calls benchContinue()
// once window.benchPreviewDone is set. Modes:
// - 'product': the product's analysis worker from the release build
//   (/dist/worker_loader.js), sent a preview and then an analyze task the
//   way frontend/src/bridge.rs sends them;
// - 'reference': reference-worker.js;
// - 'sheetjs': sheetjs-worker.js.
// Times are performance.now() milliseconds from the input's change event.

window.benchResult = null;
window.benchLongTasks = [];

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
  }
}).observe({ type: 'longtask', buffered: true });

const PRODUCT_WORKER = '/dist/worker_loader.js';

function startWorker(url) {
  const worker = new Worker(url);
  worker.onerror = (event) => {
    window.benchResult = { failure: `worker ${url} failed: ${event.message ?? 'script error'}` };
  };
  return worker;
}

/**
 * Returns the WorkerEvent JSON of a message from the product worker: the
 * message itself, or its `event` property when the worker posts an object
 * that also carries other values (such as the profiles as JSON texts).
 */
function eventText(data) {
  return typeof data === 'string' ? data : String(data.event);
}

/** Starts the product worker and resolves once it has sent `ready`. */
function startProductWorker() {
  return new Promise((resolve, reject) => {
    const worker = startWorker(PRODUCT_WORKER);
    worker.onmessage = (event) => {
      const text = eventText(event.data);
      if (JSON.parse(text).kind === 'ready') {
        resolve(worker);
      } else {
        reject(new Error(`unexpected first message ${text.slice(0, 200)}`));
      }
    };
  });
}

/** Reads the summary out of the start of a `done` event without parsing all of it. */
function summaryOf(text) {
  const match = /"summary":(\{[^}]*\})/.exec(text.slice(0, 4096));
  return match ? JSON.parse(match[1]) : null;
}

/**
 * Posts one task with the file's bytes to the product worker and resolves
 * with the `done` event's text and the times of its stages.
 */
function postProductTask(worker, id, task, file) {
  return new Promise((resolve) => {
    const marks = { start: performance.now() };
    worker.onmessage = (event) => {
      const text = eventText(event.data);
      if (text.startsWith('{"kind":"progress"')) {
        marks[JSON.parse(text).stage.stage] = performance.now();
        return;
      }
      marks.done = performance.now();
      resolve({ text, marks });
    };
    file.arrayBuffer().then((bytes) => {
      marks.bytes_read = performance.now();
      worker.postMessage({ request: JSON.stringify({ id, task }), bytes }, [bytes]);
    });
  });
}

/**
 * Runs what the app runs on a chosen file: a preview task, then (the
 * mapping being known) the analysis task, both with the file's bytes as
 * frontend/src/flow.rs sends them. The analysis is timed on its own
 * because it runs on code that the preview has warmed up, as in the app.
 */
async function runProduct(worker, file, settings, chosenAt) {
  const preview = await postProductTask(
    worker,
    1,
    { kind: 'preview', file_name: file.name, skip_rows: settings.skip_rows ?? 0, read: {} },
    file,
  );
  // The driver reads the renderer's CPU time here, then lets the analysis go.
  await new Promise((resolve) => {
    window.benchContinue = resolve;
    window.benchPreviewDone = true;
  });
  const analysis = await postProductTask(worker, 2, { kind: 'analyze', file_name: file.name, settings }, file);
  const failed = (text) => !text.includes('"Ok":');
  window.benchResult = {
    preview_ms: preview.marks.done - chosenAt,
    analysis_ms: analysis.marks.done - analysis.marks.start,
    marks: analysis.marks,
    summary: summaryOf(analysis.text),
    result_json_bytes: analysis.text.length,
    failure: failed(preview.text) || failed(analysis.text) ? `${preview.text.slice(0, 1000)} ${analysis.text.slice(0, 1000)}` : undefined,
  };
}

function runPlain(worker, message, chosenAt) {
  worker.onmessage = (event) => {
    const done = performance.now();
    const data = event.data;
    window.benchResult = {
      elapsed_ms: done - chosenAt,
      summary: data.summary,
      errors: data.errors ? data.errors.length : undefined,
      profiles: data.profiles ? data.profiles.length : undefined,
      sheets: data.sheets,
      range: data.range,
      timings: data.timings,
      failure: data.failure,
    };
  };
  worker.postMessage(message);
}

window.benchPrepare = async (mode, settings) => {
  window.benchResult = null;
  let worker;
  if (mode === 'product') {
    worker = await startProductWorker();
  } else if (mode === 'reference') {
    worker = startWorker('/web/reference-worker.js');
  } else if (mode === 'sheetjs') {
    worker = startWorker('/web/sheetjs-worker.js');
  } else {
    throw new Error(`unknown bench mode ${mode}`);
  }
  const input = document.getElementById('file');
  input.onchange = () => {
    const chosenAt = performance.now();
    const file = input.files[0];
    if (mode === 'product') {
      runProduct(worker, file, settings, chosenAt);
    } else {
      runPlain(worker, { file, settings }, chosenAt);
    }
  };
  return true;
};
