// The bench page: runs one pipeline on the file chosen in #file, in a Web
// Worker, and stores the outcome in window.benchResult.
//
// The driver calls benchPrepare(mode, settings), sets the file input and
// polls window.benchResult. Modes:
// - 'product': the product's analysis worker from the release build
//   (/dist/worker_loader.js), sent an analyze task the way
//   frontend/src/bridge.rs sends it;
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

/** Starts the product worker and resolves once it has sent `ready`. */
function startProductWorker() {
  return new Promise((resolve, reject) => {
    const worker = startWorker(PRODUCT_WORKER);
    worker.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.kind === 'ready') {
        resolve(worker);
      } else {
        reject(new Error(`unexpected first message ${event.data.slice(0, 200)}`));
      }
    };
  });
}

/** Reads the summary out of the start of a `done` event without parsing all of it. */
function summaryOf(text) {
  const match = /"summary":(\{[^}]*\})/.exec(text.slice(0, 4096));
  return match ? JSON.parse(match[1]) : null;
}

function runProduct(worker, file, settings, chosenAt) {
  const marks = { chosen: chosenAt };
  worker.onmessage = (event) => {
    const text = event.data;
    if (text.startsWith('{"kind":"progress"')) {
      const { stage } = JSON.parse(text);
      marks[stage.stage] = performance.now();
      return;
    }
    const done = performance.now();
    const failed = !text.includes('"Ok":');
    window.benchResult = {
      elapsed_ms: done - chosenAt,
      marks: { ...marks, done },
      summary: summaryOf(text),
      result_json_bytes: text.length,
      failure: failed ? text.slice(0, 2000) : undefined,
    };
  };
  file.arrayBuffer().then((bytes) => {
    marks.bytes_read = performance.now();
    const request = JSON.stringify({ id: 1, task: { kind: 'analyze', file_name: file.name, settings } });
    worker.postMessage({ request, bytes }, [bytes]);
    marks.posted = performance.now();
  });
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
