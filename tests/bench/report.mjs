// Prints the figures, ratios and targets of one bench run from the JSON
// files that scripts/bench.sh wrote into its run folder, and writes them
// to report.json there. A run without some parts (--merge-only) prints
// the parts it has.
//
//   node report.mjs --results RUN_DIR --dist DIST_DIR [--rustc TEXT] [--elapsed SECONDS]

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

const { values: options } = parseArgs({
  options: {
    results: { type: 'string' },
    dist: { type: 'string' },
    rustc: { type: 'string', default: '' },
    elapsed: { type: 'string', default: '' },
  },
});
if (!options.results) {
  console.error('usage: node report.mjs --results RUN_DIR [--dist DIST_DIR] [--rustc TEXT] [--elapsed SECONDS]');
  process.exit(2);
}

function load(name) {
  const file = path.join(options.results, name);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const MB = 1_000_000;
const MIB = 1024 * 1024;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
const times = (ratio) => `${ratio.toFixed(2)}×`;
const percent = (ratio) => `${(ratio * 100).toFixed(1)} %`;
const rate = (perSecond) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;

const figures = [];
const targets = [];

function figure(section, name, value, note = '') {
  figures.push({ section, name, value, note });
}

function target(name, measured, goal, met, note = '') {
  targets.push({ name, measured, goal, met, note });
}

/** Describes the stages of an analysis task in the worker alone. */
function workerPhases(run) {
  const { marks } = run;
  return `file read ${seconds(marks.bytes_read - marks.start)}, decode ${seconds(marks.checking - marks.reading)}, ` +
    `analyze, checksum and JSON ${seconds(marks.done - marks.checking)}`;
}

/**
 * The first run of a native bench. Like the worker's first analysis, it
 * pays for the one-time set-up of the phone metadata, so the two compare.
 */
function firstRun(native) {
  return native.runs[0];
}

const native = {
  csv: load('native-csv.json'),
  xlsx: load('native-xlsx.json'),
  international: load('native-international.json'),
};
const browser = load('browser.json');
const merges = { sqlite: load('merge-sqlite.json'), postgres: load('merge-postgres.json') };

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memory_gib: Math.round(os.totalmem() / 1024 ** 3),
  kernel: `${os.type()} ${os.release()}`,
  node: process.version,
  rustc: options.rustc,
  chromium: browser?.chromium ?? null,
  load_average_at_report: os.loadavg().map((load) => load.toFixed(2)).join(' '),
};

if (browser) {
  const { files } = browser;
  const csvBytes = files.csv.bytes;
  figure('files', 'CSV', `${megabytes(csvBytes)}, ${files.csv.rows.toLocaleString('en-US')} rows, ${files.csv.columns} columns`);
  figure('files', 'XLSX', `${megabytes(files.xlsx.bytes)}, ${files.xlsx.cells.toLocaleString('en-US')} cells`);

  const app = browser.app_csv;
  const worker = browser.worker_csv;
  const reference = browser.reference_csv;
  figure('CSV', 'product app: file chosen to preview', seconds(app.preview_ms), `decodes the whole file; renderer CPU ${seconds(app.preview_cpu_ms)}`);
  figure('CSV', 'product app: Analyze to summary', seconds(app.analysis_ms),
    `reading ${seconds(app.reading_ms)}, checking to summary ${seconds(app.checking_ms)}; renderer CPU ${seconds(app.analysis_cpu_ms)}`);
  figure('CSV', 'product worker alone: analysis task', seconds(worker.analysis_ms),
    `${workerPhases(worker)}; renderer CPU ${seconds(worker.renderer_cpu_ms)}`);
  figure('CSV', 'product worker alone: preview task (cold)', seconds(worker.preview_ms));
  figure('CSV', 'reference pipeline: file chosen to result', seconds(reference.elapsed_ms),
    `parse and validate ${seconds(reference.timings.parse_validate_ms)}, group ${seconds(reference.timings.group_ms)}; renderer CPU ${seconds(reference.renderer_cpu_ms)}`);
  figure('CSV', 'summary (app)', JSON.stringify(app.summary));
  figure('CSV', 'summary (reference)', JSON.stringify(reference.summary));
  const csvSpeedup = reference.elapsed_ms / app.analysis_ms;
  figure('CSV', 'reference / product app', times(csvSpeedup), `CPU time: ${times(reference.renderer_cpu_ms / app.analysis_cpu_ms)}`);
  figure('CSV', 'reference / product worker', times(reference.elapsed_ms / worker.analysis_ms));
  target('CSV analysis ≥ 2× faster than the reference', times(csvSpeedup), '≥ 2×', csvSpeedup >= 2,
    `worker alone ${times(reference.elapsed_ms / worker.analysis_ms)}`);

  const workerI = browser.worker_international;
  const referenceI = browser.reference_international;
  if (workerI && referenceI) {
    figure('international CSV', 'file', `${megabytes(files.international.bytes)}, ${files.international.rows.toLocaleString('en-US')} rows, mobile numbers of all 245 regions`);
    figure('international CSV', 'product worker alone: analysis task', seconds(workerI.analysis_ms),
      `${workerPhases(workerI)}; renderer CPU ${seconds(workerI.renderer_cpu_ms)}`);
    figure('international CSV', 'reference pipeline: file chosen to result', seconds(referenceI.elapsed_ms),
      `renderer CPU ${seconds(referenceI.renderer_cpu_ms)}`);
    figure('international CSV', 'summary (worker)', JSON.stringify(workerI.summary));
    figure('international CSV', 'summary (reference)', JSON.stringify(referenceI.summary));
    const internationalSpeedup = referenceI.elapsed_ms / workerI.analysis_ms;
    figure('international CSV', 'reference / product worker', times(internationalSpeedup));
    if (native.international) {
      const nativeI = firstRun(native.international);
      figure('international CSV', 'native read_file + analyze + JSON, first run', seconds(nativeI.total_ms),
        `later runs ${native.international.runs.slice(1).map((run) => seconds(run.total_ms)).join(', ')}; peak RSS ${megabytes(native.international.peak_rss_bytes)}`);
      figure('international CSV', 'wasm speed / native', times(nativeI.total_ms / workerI.analysis_ms));
    }
    figure('international CSV', 'worker wasm memory after the analysis', megabytes(workerI.worker_wasm_bytes),
      `${times(workerI.worker_wasm_bytes / files.international.bytes)} the file`);
  }

  const appX = browser.app_xlsx;
  const workerX = browser.worker_xlsx;
  const sheetjs = browser.sheetjs_xlsx;
  figure('XLSX', 'product app: file chosen to preview', seconds(appX.preview_ms), `renderer CPU ${seconds(appX.preview_cpu_ms)}`);
  figure('XLSX', 'product app: Analyze to summary', seconds(appX.analysis_ms),
    `reading ${seconds(appX.reading_ms)}, checking to summary ${seconds(appX.checking_ms)}; renderer CPU ${seconds(appX.analysis_cpu_ms)}`);
  figure('XLSX', 'product worker alone: analysis task', seconds(workerX.analysis_ms),
    `${workerPhases(workerX)}; renderer CPU ${seconds(workerX.renderer_cpu_ms)}`);
  figure('XLSX', 'SheetJS XLSX.read: file chosen to result', seconds(sheetjs.elapsed_ms),
    `XLSX.read ${seconds(sheetjs.timings.xlsx_read_ms)}; renderer CPU ${seconds(sheetjs.renderer_cpu_ms)}`);
  figure('XLSX', 'summary (app)', JSON.stringify(appX.summary));
  const xlsxSpeedup = sheetjs.elapsed_ms / appX.analysis_ms;
  figure('XLSX', 'SheetJS / product app', times(xlsxSpeedup), `CPU time: ${times(sheetjs.renderer_cpu_ms / appX.analysis_cpu_ms)}`);
  figure('XLSX', 'SheetJS / product worker', times(sheetjs.elapsed_ms / workerX.analysis_ms));
  target('XLSX analysis ≥ 3× faster than SheetJS reading alone', times(xlsxSpeedup), '≥ 3×', xlsxSpeedup >= 3,
    `worker alone ${times(sheetjs.elapsed_ms / workerX.analysis_ms)}`);

  if (native.csv && native.xlsx) {
    const nativeCsv = firstRun(native.csv);
    const nativeX = firstRun(native.xlsx);
    const describe = (run) =>
      `read ${seconds(run.read_ms)}, analyze ${seconds(run.analyze_ms)}, JSON ${seconds(run.serialize_ms)}; CPU ${seconds(run.total_cpu_ms)}`;
    const later = (runs) => runs.slice(1).map((run) => seconds(run.total_ms)).join(', ');
    figure('native', 'CSV read_file + analyze + JSON, first run', seconds(nativeCsv.total_ms),
      `${describe(nativeCsv)}; later runs ${later(native.csv.runs)}`);
    figure('native', 'XLSX read_file + analyze + JSON, first run', seconds(nativeX.total_ms),
      `${describe(nativeX)}; later runs ${later(native.xlsx.runs)}`);
    figure('native', 'peak RSS (CSV, XLSX)', `${megabytes(native.csv.peak_rss_bytes)}, ${megabytes(native.xlsx.peak_rss_bytes)}`);
    const csvSpeed = nativeCsv.total_ms / worker.analysis_ms;
    const xlsxSpeed = nativeX.total_ms / workerX.analysis_ms;
    const decodeSpeed = nativeCsv.read_ms / (worker.marks.checking - worker.marks.reading);
    const decodeSpeedX = nativeX.read_ms / (workerX.marks.checking - workerX.marks.reading);
    figure('native', 'wasm speed / native, CSV', times(csvSpeed),
      `decode alone ${times(decodeSpeed)}; CPU time: ${times(nativeCsv.total_cpu_ms / worker.renderer_cpu_ms)}`);
    figure('native', 'wasm speed / native, XLSX', times(xlsxSpeed),
      `decode alone ${times(decodeSpeedX)}; CPU time: ${times(nativeX.total_cpu_ms / workerX.renderer_cpu_ms)}`);
    target('wasm ≥ 0.5× native speed (CSV)', times(csvSpeed), '≥ 0.5×', csvSpeed >= 0.5);
    target('wasm ≥ 0.5× native speed (XLSX)', times(xlsxSpeed), '≥ 0.5×', xlsxSpeed >= 0.5);
  }

  const memoryRatio = app.worker_wasm_bytes / csvBytes;
  figure('memory', 'worker wasm memory after CSV preview + analysis', megabytes(app.worker_wasm_bytes), `${times(memoryRatio)} the CSV`);
  figure('memory', 'worker wasm memory, worker alone (CSV, XLSX)', `${megabytes(worker.worker_wasm_bytes)}, ${megabytes(workerX.worker_wasm_bytes)}`);
  figure('memory', 'app (main thread) wasm memory after CSV analysis', megabytes(app.app_wasm_bytes));
  figure('memory', 'peak renderer RSS: app CSV, worker CSV, reference CSV',
    [app, worker, reference].map((run) => megabytes(run.peak_renderer_rss_bytes)).join(', '));
  figure('memory', 'peak renderer RSS: app XLSX, worker XLSX, SheetJS',
    [appX, workerX, sheetjs].map((run) => megabytes(run.peak_renderer_rss_bytes)).join(', '));
  target('peak wasm memory ≤ 3× CSV size', `${megabytes(app.worker_wasm_bytes)} = ${times(memoryRatio)}`, '≤ 3×', memoryRatio <= 3);

  const blocking = Math.max(app.main_thread.preview.max_ms, app.main_thread.analysis.max_ms);
  figure('main thread', 'longest task, CSV preview / analysis / 3 s after',
    [app.main_thread.preview, app.main_thread.analysis, app.main_thread.after_summary].map((stats) => `${Math.round(stats.max_ms)} ms`).join(' / '),
    `${app.main_thread.analysis.count} long tasks during the analysis`);
  figure('main thread', 'longest task, XLSX preview / analysis / 3 s after',
    [appX.main_thread.preview, appX.main_thread.analysis, appX.main_thread.after_summary].map((stats) => `${Math.round(stats.max_ms)} ms`).join(' / '));
  figure('main thread', 'longest task on the reference page', `${Math.round(reference.main_thread.max_ms)} ms`, 'receiving the posted profiles');
  target('main thread never blocked > 100 ms during the CSV analysis', `${Math.round(blocking)} ms`, '≤ 100 ms', blocking <= 100,
    `after the summary: ${Math.round(app.main_thread.after_summary.max_ms)} ms`);

  const upload = browser.upload;
  const sentRatio = upload.batch_body_bytes / csvBytes;
  figure('network', `import upload, ${upload.mapped_columns} of ${files.csv.columns} columns mapped`,
    `${megabytes(upload.batch_body_bytes)} in ${upload.batches} batches`,
    `${percent(sentRatio)} of the file; Content-Encoding ${JSON.stringify(upload.content_encodings)}`);
  figure('network', 'all request bodies of the import', megabytes(upload.all_body_bytes), `${percent(upload.all_body_bytes / csvBytes)} of the file`);
  figure('network', 'the same batch bodies as gzip', megabytes(upload.batch_gzip_bytes), `${percent(upload.batch_gzip_bytes / csvBytes)} of the file`);
  for (const entry of upload.requests) {
    figure('network', entry.request, `${entry.count} requests, ${megabytes(entry.body_bytes)}`);
  }
  target('bytes sent ≤ 60 % of the file, half the columns mapped', percent(sentRatio), '≤ 60 %', sentRatio <= 0.6,
    `gzip would send ${percent(upload.batch_gzip_bytes / csvBytes)}`);
}

if (options.dist && existsSync(options.dist)) {
  for (const name of readdirSync(options.dist).filter((file) => file.endsWith('.wasm')).sort()) {
    const bytes = readFileSync(path.join(options.dist, name));
    const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
    figure('size', name, `${megabytes(gzip)} gzip`, `${megabytes(bytes.length)} raw, ${(gzip / MIB).toFixed(2)} MiB gzip`);
    target(`${name.replace(/-[0-9a-f]{16}/, '')} ≤ 1.5 MB gzip`, megabytes(gzip), '≤ 1.5 MB', gzip <= 1.5 * MB);
  }
}

for (const [engine, merge] of Object.entries(merges)) {
  if (!merge) continue;
  const count = merge.profiles.toLocaleString('en-US');
  const section = `merge ${engine}`;
  const perCpuSecond = (cpuMs) => rate(merge.profiles / (cpuMs / 1000));
  // The PostgreSQL server's CPU time is in its own processes, so only the
  // SQLite CPU times cover all the work.
  const cpuNote = (cpuMs) => (engine === 'sqlite' ? `; ${perCpuSecond(cpuMs)} of CPU time` : '');
  figure(section, 'load average at start and end', merge.load_average.join(' / '));
  figure(section, `${count} new profiles`, seconds(merge.new.merge_ms),
    `${rate(merge.new.profiles_per_s)}${cpuNote(merge.new.merge_cpu_ms)}; upload of the batches ${seconds(merge.new.upload_ms)}`);
  figure(section, `${count} into ${count} (half new)`, seconds(merge.into_existing.merge_ms),
    `${rate(merge.into_existing.profiles_per_s)}${cpuNote(merge.into_existing.merge_cpu_ms)}; counts ${JSON.stringify(merge.into_existing.counts)}`);
  figure(section, 'bare insert, new / into existing',
    `${seconds(merge.bare_new.ms)} / ${seconds(merge.bare_into_existing.ms)}`,
    `${rate(merge.bare_new.rows_per_s)} / ${rate(merge.bare_into_existing.rows_per_s)}`);
  figure(section, 'merge / bare insert, new / into existing',
    `${times(merge.merge_over_bare.new)} / ${times(merge.merge_over_bare.into_existing)}`,
    engine === 'sqlite'
      ? `CPU time: ${times(merge.new.merge_cpu_ms / merge.bare_new.cpu_ms)} / ${times(merge.into_existing.merge_cpu_ms / merge.bare_into_existing.cpu_ms)}`
      : '');
  // The rate targets name SQLite; PostgreSQL is held to the same figures
  // for comparison.
  const scale = merge.profiles === 1_000_000 ? '' : ` (run with ${count})`;
  const which = engine === 'sqlite' ? '' : 'target set for SQLite';
  target(`${engine}: merge of new profiles ≥ 50,000/s${scale}`, rate(merge.new.profiles_per_s), '≥ 50,000/s',
    merge.new.profiles_per_s >= 50_000, which);
  target(`${engine}: merge into existing ≥ 25,000/s${scale}`, rate(merge.into_existing.profiles_per_s), '≥ 25,000/s',
    merge.into_existing.profiles_per_s >= 25_000, which);
  target(`${engine}: new merge within 3× of bare insert`, times(merge.merge_over_bare.new), '≤ 3×', merge.merge_over_bare.new <= 3);
  target(`${engine}: merge into existing within 3× of bare insert`, times(merge.merge_over_bare.into_existing), '≤ 3×',
    merge.merge_over_bare.into_existing <= 3);
}

function table(rows, columns) {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells) => `| ${cells.map((cell, index) => String(cell ?? '').padEnd(widths[index])).join(' | ')} |`;
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(columns.map((column) => row[column])))].join('\n');
}

console.log('Machine');
console.log(table(Object.entries(machine).map(([name, value]) => ({ name, value })), ['name', 'value']));
console.log('\nFigures');
console.log(table(figures, ['section', 'name', 'value', 'note']));
console.log('\nTargets');
console.log(table(targets.map((entry) => ({ ...entry, met: entry.met ? 'met' : 'MISSED' })), ['name', 'measured', 'goal', 'met', 'note']));
if (options.elapsed) {
  console.log(`\nbench run took ${options.elapsed} s`);
}
writeFileSync(path.join(options.results, 'report.json'), `${JSON.stringify({ machine, figures, targets }, null, 2)}\n`);
