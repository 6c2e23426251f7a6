// Browser test of the mapping assistant: fields suggested from German
// headers and from values, the suggested date format with its caveat, and
// the saved mapping offered again for a file with the same headers.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { signIn, start, startImport, stop, waitForText } from './harness.mjs';

// "Kontakt" names no field, so its emails are recognised by their values.
const GERMAN_CSV = [
  'Vorname,Nachname,Kontakt,Handy,Geburtsdatum,Notiz',
  'Jürgen,Weber,juergen.weber@example.com,+49 151 12345678,01.02.1980,',
  'Elif,Yılmaz,elif.yilmaz@example.org,+49 170 1234567,03.04.1975,VIP',
  'Lukas,Krüger,lukas.krueger@example.net,+49 160 1234567,05.06.1990,',
  '',
].join('\n');

let run;
let file;

before(async () => {
  run = await start('assistant-test');
  await signIn(run);
  file = path.join(run.workDir, 'kontakte.csv');
  writeFileSync(file, GERMAN_CSV);
});

after(async () => {
  await stop(run);
});

function column(header) {
  return run.page.getByRole('group', { name: header, exact: true });
}

async function fieldOf(header) {
  return column(header).getByLabel('Profile field', { exact: true }).inputValue();
}

test('mapping assistant', async (t) => {
  const { page } = run;

  await t.test('fields are suggested', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await column('Vorname').locator('.proposal').waitFor();
    assert.equal(await fieldOf('Vorname'), 'first_name');
    assert.equal(await fieldOf('Nachname'), 'last_name');
    assert.equal(await fieldOf('Kontakt'), 'email');
    assert.equal(await fieldOf('Handy'), 'phone');
    assert.equal(await fieldOf('Geburtsdatum'), 'birth_date');
    assert.equal(await fieldOf('Notiz'), '', 'a column the assistant cannot place stays unmapped');
    await waitForText(column('Vorname').locator('.proposal'), 'Suggested from the column name.');
    await waitForText(column('Kontakt').locator('.proposal'), "Suggested from the column's values.");
  });

  await t.test('date format is suggested', async () => {
    const dates = column('Geburtsdatum');
    assert.equal(await dates.getByLabel('Date format', { exact: true }).inputValue(), 'DD.MM.YYYY');
    const proposal = (await dates.locator('.proposal').textContent()).trim();
    assert.match(proposal, /^Suggested from the column name\. The dates read as DD\.MM\.YYYY or MM\.DD\.YYYY/);
  });

  await t.test('mapped columns show stored values', async () => {
    const phones = column('Handy').locator('.stored-values li');
    await phones.first().waitFor();
    assert.equal((await phones.first().textContent()).trim(), '+49 151 12345678 → +4915112345678');
    const dates = column('Geburtsdatum').locator('.stored-values li');
    await waitForText(dates.first(), '01.02.1980 → 1980-02-01');
    await column('Geburtsdatum').getByLabel('Date format', { exact: true }).selectOption('MM/DD/YYYY');
    await waitForText(dates.first(), '01.02.1980 → 1980-01-02');
    await column('Geburtsdatum').getByLabel('Date format', { exact: true }).selectOption('DD.MM.YYYY');
    await waitForText(dates.first(), '01.02.1980 → 1980-02-01');
    const emails = column('Kontakt').locator('.stored-values li');
    await waitForText(emails.first(), 'juergen.weber@example.com → juergen.weber@example.com');
  });

    await t.test('changed field drops the mark', async () => {
    await column('Nachname').getByLabel('Profile field', { exact: true }).selectOption('middle_name');
    await column('Nachname').locator('.proposal').waitFor({ state: 'detached' });
    await column('Nachname').getByRole('button', { name: 'Undo', exact: true }).click();
    assert.equal(await fieldOf('Nachname'), 'last_name');
  });

  await t.test('suggested mapping analyses', async () => {
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '3');
    await waitForText(page.getByLabel('Error records', { exact: true }), '0');
  });

  await t.test('saved mapping is offered again', async () => {
    await column('Notiz').getByLabel('Profile field', { exact: true }).selectOption('custom');
    await column('Notiz').getByLabel('Attribute name', { exact: true }).fill('note');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await page.getByLabel('Valid records', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Persons', exact: true }).click();
    await startImport(run);
    const secondFile = path.join(run.workDir, 'kontakte-2.csv');
    writeFileSync(secondFile, GERMAN_CSV.replace('Jürgen', 'Jörg'));
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(secondFile);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await waitForText(column('Notiz').locator('.proposal'), 'Your mapping from the last file with these columns.');
    assert.equal(await fieldOf('Notiz'), 'custom');
    assert.equal(await column('Notiz').getByLabel('Attribute name', { exact: true }).inputValue(), 'note');
    assert.equal(await fieldOf('Kontakt'), 'email');
  });

  await t.test('errors filter and download', async () => {
    const broken = path.join(run.workDir, 'kontakte-fehler.csv');
    writeFileSync(
      broken,
      [
        'Vorname,Nachname,Kontakt,Handy,Geburtsdatum,Notiz',
        'Jürgen,Weber,juergen.weber@example.com,+49 151 12345678,01.02.1980,',
        'Elif,Yılmaz,elif.yilmaz@@example.org,+49 170 1234567,03.04.1975,',
        'Lukas,Krüger,lukas.krueger@example.net,+49 12,05.06.1990,',
        'Mia,Roth,mia.roth@example.com,+49 160 1234568,31.02.1991,',
        '',
      ].join('\n'),
    );
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(broken);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    // The same headers bring back the mapping saved above.
    await waitForText(column('Kontakt').locator('.proposal'), 'Your mapping from the last file with these columns.');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Error records', { exact: true }), '3');
    const rows = page.locator('table.errors tbody tr');
    await waitForText(page.locator('table.errors caption'), 'Errors (3)');

    await page.getByLabel('Filter by error code', { exact: true }).selectOption('invalid_phone');
    await waitForText(page.locator('table.errors caption'), 'Errors (1)');
    const cells = (await rows.first().getByRole('cell').allTextContents()).map((text) => text.trim());
    assert.deepEqual(cells.slice(0, 3), ['4', 'phone', 'invalid_phone']);

    await page.getByLabel('Filter by error code', { exact: true }).selectOption('');
    await page.getByLabel('Filter by field', { exact: true }).selectOption('email');
    await waitForText(page.locator('table.errors caption'), 'Errors (1)');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download errors as CSV', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'errors.csv');
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'row,field,code,message');
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[1], /^3,email,invalid_email,/);

    const [records] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download error records as CSV', exact: true }).click(),
    ]);
    assert.equal(records.suggestedFilename(), 'error-records.csv');
    const recordLines = readFileSync(await records.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(recordLines[0], 'Vorname,Nachname,Kontakt,Handy,Geburtsdatum,Notiz,Row in file,Errors');
    assert.equal(recordLines.length, 2, JSON.stringify(recordLines));
    // The phone gets a leading ' so that a spreadsheet does not run it as a
    // formula, and the phone rule reads it back.
    assert.match(recordLines[1], /^Elif,Yılmaz,elif\.yilmaz@@example\.org,'\+49 170 1234567,03\.04\.1975,,3,email: /);
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
