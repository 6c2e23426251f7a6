// The browser half of the benchmark: one headless Chromium runs the
// product's analysis in the real app and in its worker alone, the
// reference pipeline and SheetJS, on the files of generate.mjs, then an
// import with half the columns mapped to count the bytes it uploads.
//
//   node browser.mjs --data DIR --dist DIR --people BIN --work DIR --out FILE
//
// Each measurement runs in a new browser context, so it gets its own
// renderer process and its own worker. Writes one JSON object to --out.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

import { FULL_MAPPED, HALF_MAPPED, HEADERS, PHONE_COUNTRY, TAG_DELIMITER } from './lib/dataset.mjs';
import { peakRendererBytes, rendererCpuMs } from './lib/procs.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium tries to reach outside
// hosts; this bench talks to 127.0.0.1 only.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const USER = 'bench';
const PASSWORD = 'password123456';
/** Longest wait for one analysis or upload, in milliseconds. */
const STEP_TIMEOUT_MS = 15 * 60 * 1000;
/** Time after the summary appears in which long tasks are still counted. */
const AFTER_SUMMARY_MS = 3000;

/** Files the bench page loads from the npm packages, by URL. */
const VENDOR = {
  '/vendor/papaparse.min.js': 'papaparse/papaparse.min.js',
  '/vendor/libphonenumber-max.js': 'libphonenumber-js/bundle/libphonenumber-max.js',
  '/vendor/validator.min.js': 'validator/validator.min.js',
  '/vendor/xlsx.full.min.js': 'xlsx/dist/xlsx.full.min.js',
};
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
};

const { values: options } = parseArgs({
  options: {
    data: { type: 'string' },
    dist: { type: 'string' },
    people: { type: 'string' },
    work: { type: 'string' },
    out: { type: 'string' },
  },
});
for (const name of ['data', 'dist', 'people', 'work', 'out']) {
  if (!options[name]) {
    console.error(`missing --${name}; usage: node browser.mjs --data DIR --dist DIR --people BIN --work DIR --out FILE`);
    process.exit(2);
  }
}
const DATA = path.resolve(options.data);
const DIST = path.resolve(options.dist);
const WORK = path.resolve(options.work);
mkdirSync(WORK, { recursive: true });

const files = JSON.parse(readFileSync(path.join(DATA, 'files.json'), 'utf8'));
const settings = {
  csv: JSON.parse(readFileSync(path.join(DATA, 'settings-csv.json'), 'utf8')),
  csvHalf: JSON.parse(readFileSync(path.join(DATA, 'settings-csv-half.json'), 'utf8')),
  xlsx: JSON.parse(readFileSync(path.join(DATA, 'settings-xlsx.json'), 'utf8')),
};

function log(message) {
  console.error(`[browser] ${message}`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Serves the bench page, the vendored packages and the release build on 127.0.0.1. */
async function startStaticServer() {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    let file = null;
    if (VENDOR[url.pathname]) {
      file = path.join(HERE, 'node_modules', VENDOR[url.pathname]);
    } else if (url.pathname.startsWith('/web/')) {
      file = path.join(HERE, 'web', path.basename(url.pathname));
    } else if (url.pathname.startsWith('/dist/')) {
      file = path.join(DIST, path.basename(url.pathname));
    }
    if (!file || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`not found: ${url.pathname}`);
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

/** Starts `people serve` on a new SQLite database with the bench user. */
async function startPeople() {
  const databaseUrl = `sqlite://${WORK}/people.db`;
  const added = spawnSync(options.people, ['user', 'add', USER, '--database-url', databaseUrl], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
  });
  if (added.status !== 0) {
    throw new Error(`people user add failed with status ${added.status}: ${added.stderr}`);
  }
  const url = `http://127.0.0.1:${await freePort()}`;
  const logFile = createWriteStream(path.join(WORK, 'people.log'));
  const child = spawn(
    options.people,
    ['serve', '--listen', url.slice('http://'.length), '--database-url', databaseUrl, '--static-dir', DIST],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  const exited = once(child, 'exit');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`people serve exited with status ${child.exitCode}; see ${WORK}/people.log`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('people serve did not become healthy in 30 s');
    await sleep(200);
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `read` in the page until it returns a value other than null. */
async function pollPage(page, read, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(read);
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no result in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Reads the byte length of the product worker's WebAssembly memory. */
async function workerWasmBytes(page) {
  const worker = page.workers().find((candidate) => candidate.url().endsWith('/worker_loader.js'));
  if (!worker) return null;
  // wasm_bindgen() resolves to the instance's exports once it has loaded.
  // eslint-disable-next-line no-undef
  return worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
}

function longTaskStats(tasks, from, to) {
  const inside = tasks.filter((task) => task.start + task.duration > from && task.start < to);
  return {
    count: inside.length,
    max_ms: Math.max(0, ...inside.map((task) => task.duration)),
    total_ms: inside.reduce((sum, task) => sum + task.duration, 0),
    tasks: inside.map((task) => ({ start_ms: task.start - from, duration_ms: task.duration })),
  };
}

// Installed in every app page before its scripts run: records long tasks,
// the app's wasm exports, and the times of the steps the bench waits for.
function appInitScript() {
  const bench = { longTasks: [], marks: {} };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  addEventListener('TrunkApplicationStarted', (event) => {
    bench.appWasm = event.detail.wasm;
  });
  document.addEventListener(
    'change',
    (event) => {
      if (event.target.id === 'file-input') bench.marks.fileChosen = performance.now();
    },
    true,
  );
  document.addEventListener(
    'click',
    (event) => {
      const button = event.target.closest && event.target.closest('button');
      if (button && button.textContent.trim() === 'Analyze') bench.marks.analyzeClicked = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    const now = performance.now();
    const marks = bench.marks;
    if (marks.fileChosen && !marks.previewShown && document.getElementById('map-heading')) {
      marks.previewShown = now;
    }
    if (marks.analyzeClicked && !marks.summaryShown) {
      const status = document.querySelector('#analyze-heading ~ .status');
      if (!marks.checking && status && status.textContent.includes('Checking')) marks.checking = now;
      if (document.querySelector('dd[aria-labelledby="valid-records-label"]')) marks.summaryShown = now;
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

const FIELD_OF = {
  'Customer ID': 'external_id',
  'First Name': 'first_name',
  'Last Name': 'last_name',
  Email: 'email',
  Phone: 'phone',
  Birthday: 'birth_date',
  Tags: 'tags',
  City: 'city',
};

class Bench {
  /** `ancestorPid` is a process that Chromium runs below. */
  constructor(browser, ancestorPid, benchUrl, people) {
    this.browser = browser;
    this.ancestorPid = ancestorPid;
    this.benchUrl = benchUrl;
    this.people = people;
  }

  async newContext() {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    return { context, page };
  }

  async closeContext(context) {
    await context.close();
    // Lets the closed context's renderer exit before the next one starts.
    await sleep(500);
  }

  /** Runs one worker pipeline of the bench page on `file`. */
  async runBenchPage(mode, file, analysisSettings) {
    const { context, page } = await this.newContext();
    try {
      await page.goto(`${this.benchUrl}/web/bench.html`);
      await page.evaluate(([m, s]) => window.benchPrepare(m, s), [mode, analysisSettings]);
      let cpuBefore = rendererCpuMs(this.ancestorPid);
      await page.setInputFiles('#file', file);
      if (mode === 'product') {
        // The preview task runs first, as in the app; the CPU time counts
        // the analysis task only.
        await pollPage(page, () => window.benchPreviewDone || null);
        cpuBefore = rendererCpuMs(this.ancestorPid);
        await page.evaluate(() => window.benchContinue());
      }
      const result = await pollPage(page, () => window.benchResult);
      result.renderer_cpu_ms = rendererCpuMs(this.ancestorPid) - cpuBefore;
      if (result.failure) throw new Error(`${mode} failed: ${result.failure}`);
      const longTasks = await page.evaluate(() => window.benchLongTasks);
      result.main_thread = longTaskStats(longTasks, 0, Number.MAX_VALUE);
      delete result.main_thread.tasks;
      if (mode === 'product') {
        result.worker_wasm_bytes = await workerWasmBytes(page);
      }
      result.peak_renderer_rss_bytes = peakRendererBytes(this.ancestorPid);
      return result;
    } finally {
      await this.closeContext(context);
    }
  }

  async signIn(page) {
    await page.goto(this.people.url);
    await page.getByLabel('User name', { exact: true }).fill(USER);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`Signed in as ${USER}`).waitFor();
    await page.getByLabel('Upload file', { exact: true }).waitFor();
  }

  /**
   * Chooses the file in the app, maps `columns` (and unmaps the others)
   * and runs the analysis. Returns the summary counts and the renderers'
   * CPU time of the preview and of the analysis.
   */
  async analyzeInApp(page, file, columns, { textDates }) {
    await page.evaluate(() => {
      window.__bench.marks = {};
    });
    const cpu = { start: rendererCpuMs(this.ancestorPid) };
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await page.waitForFunction(() => window.__bench.marks.previewShown !== undefined);
    cpu.previewShown = rendererCpuMs(this.ancestorPid);
    for (const header of HEADERS) {
      const group = page.getByRole('group', { name: header, exact: true });
      // The app suggests fields from the headers; the bench sets every one.
      const field = columns.includes(header) ? FIELD_OF[header] : '';
      await group.getByLabel('Profile field', { exact: true }).selectOption(field);
      if (!field) continue;
      if (header === 'Phone') {
        await group.getByLabel('Phone country', { exact: true }).fill(PHONE_COUNTRY);
      } else if (header === 'Tags') {
        await group.getByLabel('Tags delimiter', { exact: true }).fill(TAG_DELIMITER);
      } else if (header === 'Birthday' && textDates) {
        await group.getByLabel('Date format', { exact: true }).selectOption('DD.MM.YYYY');
      }
    }
    cpu.analyzeClicked = rendererCpuMs(this.ancestorPid);
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await page.locator('dd[aria-labelledby="valid-records-label"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    cpu.summaryShown = rendererCpuMs(this.ancestorPid);
    const count = async (id) => Number((await page.locator(`dd[aria-labelledby="${id}-label"]`).textContent()).trim());
    const summary = {
      data_rows: await count('data-rows'),
      valid_records: await count('valid-records'),
      error_records: await count('error-records'),
      profiles: await count('profiles'),
    };
    return {
      summary,
      previewCpuMs: cpu.previewShown - cpu.start,
      analysisCpuMs: cpu.summaryShown - cpu.analyzeClicked,
    };
  }

  /** Times the analysis in the real app, with the main thread's long tasks. */
  async runApp(file, columns, { textDates }) {
    const { context, page } = await this.newContext();
    await context.addInitScript(appInitScript);
    try {
      await this.signIn(page);
      const { summary, previewCpuMs, analysisCpuMs } = await this.analyzeInApp(page, file, columns, { textDates });
      await sleep(AFTER_SUMMARY_MS);
      const bench = await page.evaluate(() => ({
        marks: window.__bench.marks,
        longTasks: window.__bench.longTasks,
        appWasmBytes: window.__bench.appWasm ? window.__bench.appWasm.memory.buffer.byteLength : null,
      }));
      const { marks } = bench;
      return {
        summary,
        preview_ms: marks.previewShown - marks.fileChosen,
        preview_cpu_ms: previewCpuMs,
        analysis_ms: marks.summaryShown - marks.analyzeClicked,
        analysis_cpu_ms: analysisCpuMs,
        reading_ms: marks.checking ? marks.checking - marks.analyzeClicked : null,
        checking_ms: marks.checking ? marks.summaryShown - marks.checking : null,
        main_thread: {
          preview: longTaskStats(bench.longTasks, marks.fileChosen, marks.previewShown),
          analysis: longTaskStats(bench.longTasks, marks.analyzeClicked, marks.summaryShown),
          after_summary: longTaskStats(bench.longTasks, marks.summaryShown, marks.summaryShown + AFTER_SUMMARY_MS),
        },
        worker_wasm_bytes: await workerWasmBytes(page),
        app_wasm_bytes: bench.appWasmBytes,
        peak_renderer_rss_bytes: peakRendererBytes(this.ancestorPid),
      };
    } finally {
      await this.closeContext(context);
    }
  }

  /**
   * Analyses the CSV with half the columns mapped, imports it and sums
   * the request bodies the app sends, until the commit has been answered.
   */
  async runUpload(file) {
    const { context, page } = await this.newContext();
    await context.addInitScript(appInitScript);
    const requests = [];
    page.on('requestfinished', async (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/') || request.method() === 'GET') return;
      const body = request.postDataBuffer();
      const sizes = await request.sizes();
      const headers = await request.allHeaders();
      requests.push({
        method: request.method(),
        path: url.pathname.replace(/\/\d+/g, '/N'),
        body_bytes: sizes.requestBodySize,
        content_encoding: headers['content-encoding'] ?? null,
        // What the same body would be as gzip, which the batch protocol
        // allows (Content-Encoding: gzip).
        gzip_bytes: body ? zlib.gzipSync(body, { level: 6 }).length : null,
        status: (await request.response())?.status() ?? null,
      });
    });
    try {
      await this.signIn(page);
      const { summary } = await this.analyzeInApp(page, file, HALF_MAPPED, { textDates: true });
      const started = Date.now();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
      const commit = page.waitForResponse((response) => /\/api\/imports\/\d+\/commit$/.test(new URL(response.url()).pathname), {
        timeout: STEP_TIMEOUT_MS,
      });
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const committed = await commit;
      const uploadMs = Date.now() - started;
      // requestfinished handlers are async; give the last ones time to run.
      await sleep(1000);
      const sum = (list, key) => list.reduce((total, entry) => total + (entry[key] ?? 0), 0);
      const batches = requests.filter((entry) => entry.path.endsWith('/batches/N'));
      return {
        summary,
        mapped_columns: HALF_MAPPED.length,
        commit_status: committed.status(),
        upload_ms: uploadMs,
        batches: batches.length,
        batch_body_bytes: sum(batches, 'body_bytes'),
        batch_gzip_bytes: sum(batches, 'gzip_bytes'),
        all_body_bytes: sum(requests, 'body_bytes'),
        all_gzip_bytes: sum(requests, 'gzip_bytes'),
        content_encodings: [...new Set(requests.map((entry) => entry.content_encoding))],
        requests: Object.values(
          requests.reduce((groups, entry) => {
            const key = `${entry.method} ${entry.path}`;
            groups[key] ??= { request: key, count: 0, body_bytes: 0, gzip_bytes: 0 };
            groups[key].count += 1;
            groups[key].body_bytes += entry.body_bytes;
            groups[key].gzip_bytes += entry.gzip_bytes ?? 0;
            return groups;
          }, {}),
        ),
      };
    } finally {
      await this.closeContext(context);
    }
  }
}

async function main() {
  const statics = await startStaticServer();
  const people = await startPeople();
  // Playwright starts Chromium with a new temporary profile folder, as a
  // child of this process, so its renderers are found below process.pid.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, TMPDIR: process.env.TMPDIR ?? WORK },
  });
  const bench = new Bench(browser, process.pid, statics.url, people);
  const results = {
    chromium: browser.version(),
    files,
  };
  const csv = path.join(DATA, files.csv.file);
  const xlsx = path.join(DATA, files.xlsx.file);
  const international = path.join(DATA, files.international.file);
  try {
    log(`product app, CSV (${files.csv.rows} rows)`);
    results.app_csv = await bench.runApp(csv, FULL_MAPPED, { textDates: true });
    log(`  analysis ${Math.round(results.app_csv.analysis_ms)} ms`);
    log('reference pipeline, CSV');
    results.reference_csv = await bench.runBenchPage('reference', csv, settings.csv);
    log(`  ${Math.round(results.reference_csv.elapsed_ms)} ms`);
    log('product worker alone, CSV');
    results.worker_csv = await bench.runBenchPage('product', csv, settings.csv);
    log(`  analysis ${Math.round(results.worker_csv.analysis_ms)} ms`);

    log(`reference pipeline, international CSV (${files.international.rows} rows)`);
    results.reference_international = await bench.runBenchPage('reference', international, settings.csv);
    log(`  ${Math.round(results.reference_international.elapsed_ms)} ms`);
    log('product worker alone, international CSV');
    results.worker_international = await bench.runBenchPage('product', international, settings.csv);
    log(`  analysis ${Math.round(results.worker_international.analysis_ms)} ms`);

    log(`product app, XLSX (${files.xlsx.cells} cells)`);
    results.app_xlsx = await bench.runApp(xlsx, FULL_MAPPED, { textDates: false });
    log(`  analysis ${Math.round(results.app_xlsx.analysis_ms)} ms`);
    log('SheetJS read, XLSX');
    results.sheetjs_xlsx = await bench.runBenchPage('sheetjs', xlsx, null);
    log(`  ${Math.round(results.sheetjs_xlsx.elapsed_ms)} ms`);
    log('product worker alone, XLSX');
    results.worker_xlsx = await bench.runBenchPage('product', xlsx, settings.xlsx);
    log(`  analysis ${Math.round(results.worker_xlsx.analysis_ms)} ms`);

    log('import upload with half the columns mapped');
    results.upload = await bench.runUpload(csv);
    log(`  ${results.upload.batch_body_bytes} bytes in ${results.upload.batches} batches`);
  } finally {
    await browser.close();
    // The committed import's merge would keep the CPU busy; stop it.
    await people.stop();
    statics.server.close();
  }
  const out = createWriteStream(options.out);
  out.end(`${JSON.stringify(results, null, 2)}\n`);
  await once(out, 'finish');
  log(`results in ${options.out} (files ${statSync(csv).size} and ${statSync(xlsx).size} bytes)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
