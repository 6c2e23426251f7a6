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

/** The fastest run of a native bench, by total time. */
function fastest(native) {
  return native.runs.reduce((best, run) => (run.total_ms < best.total_ms ? run : best));
}

const native = { csv: load('native-csv.json'), xlsx: load('native-xlsx.json') };
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
  figure('CSV', 'product app: file chosen to preview', seconds(app.preview_ms), 'decodes the whole file');
  figure('CSV', 'product app: Analyze to summary', seconds(app.analysis_ms),
    `reading ${seconds(app.reading_ms)}, checking to summary ${seconds(app.checking_ms)}`);
  figure('CSV', 'product worker alone: file chosen to result', seconds(worker.elapsed_ms),
    `file read ${seconds(worker.marks.bytes_read - worker.marks.chosen)}, decode ${seconds(worker.marks.checking - worker.marks.reading)}, ` +
      `analyze, checksum and JSON ${seconds(worker.marks.done - worker.marks.checking)}`);
  figure('CSV', 'reference pipeline: file chosen to result', seconds(reference.elapsed_ms),
    `parse and validate ${seconds(reference.timings.parse_validate_ms)}, group ${seconds(reference.timings.group_ms)}`);
  figure('CSV', 'summary (app)', JSON.stringify(app.summary));
  figure('CSV', 'summary (reference)', JSON.stringify(reference.summary));
  const csvSpeedup = reference.elapsed_ms / app.analysis_ms;
  figure('CSV', 'reference / product app', times(csvSpeedup));
  figure('CSV', 'reference / product worker', times(reference.elapsed_ms / worker.elapsed_ms));
  target('CSV analysis ≥ 2× faster than the reference', times(csvSpeedup), '≥ 2×', csvSpeedup >= 2,
    `worker alone ${times(reference.elapsed_ms / worker.elapsed_ms)}`);

  const appX = browser.app_xlsx;
  const workerX = browser.worker_xlsx;
  const sheetjs = browser.sheetjs_xlsx;
  figure('XLSX', 'product app: file chosen to preview', seconds(appX.preview_ms));
  figure('XLSX', 'product app: Analyze to summary', seconds(appX.analysis_ms),
    `reading ${seconds(appX.reading_ms)}, checking to summary ${seconds(appX.checking_ms)}`);
  figure('XLSX', 'product worker alone: file chosen to result', seconds(workerX.elapsed_ms),
    `decode ${seconds(workerX.marks.checking - workerX.marks.reading)}, analyze, checksum and JSON ${seconds(workerX.marks.done - workerX.marks.checking)}`);
  figure('XLSX', 'SheetJS XLSX.read: file chosen to result', seconds(sheetjs.elapsed_ms),
    `XLSX.read ${seconds(sheetjs.timings.xlsx_read_ms)}`);
  figure('XLSX', 'summary (app)', JSON.stringify(appX.summary));
  const xlsxSpeedup = sheetjs.elapsed_ms / appX.analysis_ms;
  figure('XLSX', 'SheetJS / product app', times(xlsxSpeedup));
  figure('XLSX', 'SheetJS / product worker', times(sheetjs.elapsed_ms / workerX.elapsed_ms));
  target('XLSX analysis ≥ 3× faster than SheetJS reading alone', times(xlsxSpeedup), '≥ 3×', xlsxSpeedup >= 3,
    `worker alone ${times(sheetjs.elapsed_ms / workerX.elapsed_ms)}`);

  if (native.csv && native.xlsx) {
    const nativeCsv = fastest(native.csv);
    const nativeX = fastest(native.xlsx);
    figure('native', 'CSV read_file + analyze + JSON', seconds(nativeCsv.total_ms),
      `read ${seconds(nativeCsv.read_ms)}, analyze ${seconds(nativeCsv.analyze_ms)}, JSON ${seconds(nativeCsv.serialize_ms)}; fastest of ${native.csv.runs.length}`);
    figure('native', 'XLSX read_file + analyze + JSON', seconds(nativeX.total_ms),
      `read ${seconds(nativeX.read_ms)}, analyze ${seconds(nativeX.analyze_ms)}, JSON ${seconds(nativeX.serialize_ms)}; fastest of ${native.xlsx.runs.length}`);
    figure('native', 'peak RSS (CSV, XLSX)', `${megabytes(native.csv.peak_rss_bytes)}, ${megabytes(native.xlsx.peak_rss_bytes)}`);
    const csvSpeed = nativeCsv.total_ms / worker.elapsed_ms;
    const xlsxSpeed = nativeX.total_ms / workerX.elapsed_ms;
    const decodeSpeed = nativeCsv.read_ms / (worker.marks.checking - worker.marks.reading);
    figure('native', 'wasm speed / native, CSV', times(csvSpeed), `decode alone ${times(decodeSpeed)}`);
    figure('native', 'wasm speed / native, XLSX', times(xlsxSpeed));
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
  figure(`merge ${engine}`, `${count} new profiles`, seconds(merge.new.merge_ms),
    `${rate(merge.new.profiles_per_s)}; upload of the batches ${seconds(merge.new.upload_ms)}`);
  figure(`merge ${engine}`, `${count} into ${count} (half new)`, seconds(merge.into_existing.merge_ms),
    `${rate(merge.into_existing.profiles_per_s)}; counts ${JSON.stringify(merge.into_existing.counts)}`);
  figure(`merge ${engine}`, 'bare insert, new / into existing',
    `${seconds(merge.bare_new.ms)} / ${seconds(merge.bare_into_existing.ms)}`,
    `${rate(merge.bare_new.rows_per_s)} / ${rate(merge.bare_into_existing.rows_per_s)}`);
  figure(`merge ${engine}`, 'merge / bare insert, new / into existing',
    `${times(merge.merge_over_bare.new)} / ${times(merge.merge_over_bare.into_existing)}`);
  // The rate targets name SQLite; PostgreSQL is measured against the same
  // figures for comparison.
  const scale = merge.profiles === 1_000_000 ? '' : ` (run with ${count})`;
  target(`${engine}: merge of new profiles ≥ 50,000/s${scale}`, rate(merge.new.profiles_per_s), '≥ 50,000/s',
    merge.new.profiles_per_s >= 50_000, engine === 'sqlite' ? '' : 'target set for SQLite');
  target(`${engine}: merge into existing ≥ 25,000/s${scale}`, rate(merge.into_existing.profiles_per_s), '≥ 25,000/s',
    merge.into_existing.profiles_per_s >= 25_000, engine === 'sqlite' ? '' : 'target set for SQLite');
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
