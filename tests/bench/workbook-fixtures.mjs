// Writes the workbooks that the reader's tests open into
// shared/src/intake/testdata: contacts.xls, .xlsx, .xlsb and .ods, each
// with a "Notes" sheet, then a "Contacts" sheet of 3,000 rows with an
// email text, a numeric phone and a date cell.
//
//   node tests/bench/workbook-fixtures.mjs
//
// SheetJS writes every XLSB cell after the first of a row as a short cell
// record, and indents the XML of an ODS file: two forms that calamine 0.38
// could not read and vendor/calamine reads. It writes the same bytes on
// every run, so the committed files can be written again to check them.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import XLSX from 'xlsx';

const ROWS = 3_000;

const rows = [['Email', 'Phone', 'Birthday']];
for (let row = 2; row <= ROWS; row += 1) {
  const birthday = new Date(Date.UTC(1990, 0, row % 365));
  rows.push([`person${row}@example.com`, 4915112340000 + row, birthday]);
}
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Exported contacts']]), 'Notes');
XLSX.utils.book_append_sheet(
  book,
  XLSX.utils.aoa_to_sheet(rows, { cellDates: true, dateNF: 'yyyy-mm-dd' }),
  'Contacts',
);
for (const [bookType, name] of [
  ['biff8', 'contacts.xls'],
  ['xlsx', 'contacts.xlsx'],
  ['xlsb', 'contacts.xlsb'],
  ['ods', 'contacts.ods'],
]) {
  const bytes = XLSX.write(book, { bookType, type: 'buffer', compression: true });
  const target = fileURLToPath(
    new URL(`../../shared/src/intake/testdata/${name}`, import.meta.url),
  );
  writeFileSync(target, bytes);
  console.log(`wrote ${bytes.length} bytes to ${target}`);
}
