// Writes the seeded benchmark files into a folder: contacts.csv,
// contacts.xlsx, contacts-international.csv (phones of all regions) and
// the analysis settings of each, as JSON.
//
//   node generate.mjs OUT_DIR --csv-rows N --xlsx-rows N [--international-rows N]
//
// The same arguments always give byte-identical files: the rows come from
// a seeded generator and SheetJS dates every zip entry 1980-01-01.

import { createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import XLSX from 'xlsx';

import {
  ContactGenerator,
  FULL_MAPPED,
  HALF_MAPPED,
  HEADERS,
  csvField,
  settingsFor,
} from './lib/dataset.mjs';

/** Largest upload the product accepts (shared::MAX_UPLOAD_BYTES, 50 MiB). */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const CSV_SEED = 20261204;
const XLSX_SEED = 20261205;
const INTERNATIONAL_SEED = 20261206;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'csv-rows': { type: 'string', default: '500000' },
    'xlsx-rows': { type: 'string', default: '100000' },
    'international-rows': { type: 'string', default: '100000' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node generate.mjs OUT_DIR [--csv-rows N] [--xlsx-rows N] [--international-rows N]');
  process.exit(2);
}
const outDir = path.resolve(positionals[0]);
const csvRows = Number(values['csv-rows']);
const xlsxRows = Number(values['xlsx-rows']);
const internationalRows = Number(values['international-rows']);
mkdirSync(outDir, { recursive: true });

async function writeCsv(file, rows, generator) {
  const out = createWriteStream(file);
  let chunk = `${HEADERS.map(csvField).join(',')}\n`;
  for (let index = 0; index < rows; index += 1) {
    const row = generator.next(index);
    chunk += `${HEADERS.map((header) => csvField(row[header])).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) {
        await once(out, 'drain');
      }
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function writeXlsx(file, rows) {
  const generator = new ContactGenerator(XLSX_SEED, { forWorkbook: true });
  const data = [HEADERS];
  for (let index = 0; index < rows; index += 1) {
    const row = generator.next(index);
    data.push(HEADERS.map((header) => row[header]));
  }
  const sheet = XLSX.utils.aoa_to_sheet(data, { cellDates: true, dateNF: 'dd/mm/yyyy' });
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'Contacts');
  // Shared strings and deflate, as Excel writes them.
  XLSX.writeFile(book, file, { bookType: 'xlsx', bookSST: true, compression: true });
}

const csvFile = path.join(outDir, 'contacts.csv');
const xlsxFile = path.join(outDir, 'contacts.xlsx');
const internationalFile = path.join(outDir, 'contacts-international.csv');
await writeCsv(csvFile, csvRows, new ContactGenerator(CSV_SEED));
await writeCsv(internationalFile, internationalRows, new ContactGenerator(INTERNATIONAL_SEED, { international: true }));
writeXlsx(xlsxFile, xlsxRows);

const csvBytes = statSync(csvFile).size;
if (csvBytes > MAX_UPLOAD_BYTES) {
  console.error(`${csvFile} is ${csvBytes} bytes, over the 50 MiB upload limit: use fewer rows`);
  process.exit(1);
}
const settings = {
  'settings-csv.json': settingsFor(FULL_MAPPED, { textDates: true }),
  'settings-csv-half.json': settingsFor(HALF_MAPPED, { textDates: true }),
  'settings-xlsx.json': settingsFor(FULL_MAPPED, { textDates: false }),
};
for (const [name, value] of Object.entries(settings)) {
  writeFileSync(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
}
const summary = {
  csv: { file: path.basename(csvFile), rows: csvRows, bytes: csvBytes, columns: HEADERS.length },
  international: {
    file: path.basename(internationalFile),
    rows: internationalRows,
    bytes: statSync(internationalFile).size,
    columns: HEADERS.length,
  },
  xlsx: {
    file: path.basename(xlsxFile),
    rows: xlsxRows,
    cells: xlsxRows * HEADERS.length,
    bytes: statSync(xlsxFile).size,
  },
};
writeFileSync(path.join(outDir, 'files.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
