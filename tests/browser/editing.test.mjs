// Browser test of errors fixed in place: a cell of an error record edited
// in the error table is checked again at once, the next analysis applies
// the edit and the edited value is what the store receives. Also checks
// that a long analysis shows its progress as a percentage.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { apiGet, screenshot, signIn, start, startImport, stop, waitForText } from './harness.mjs';

const CONTACTS_CSV = [
  'Email,First name',
  'ann@example.com,Ann',
  'bob@example,Bob',
  'cy@example.com,Cy',
  '',
].join('\n');

const PROGRESS_ROWS = 40_000;

let run;

before(async () => {
  run = await start('editing-test');
  await signIn(run);
});

after(async () => {
  await stop(run);
});

async function analyze(page, valid, errors) {
  await page.getByRole('button', { name: 'Analyze', exact: true }).click();
  await waitForText(page.getByLabel('Valid records', { exact: true }), String(valid));
  await waitForText(page.getByLabel('Error records', { exact: true }), String(errors));
}

test('errors fixed in place', async (t) => {
  const { page } = run;
  const file = path.join(run.workDir, 'contacts.csv');
  writeFileSync(file, CONTACTS_CSV);
  const cell = page.getByLabel('Row 3, Email', { exact: true });
  const status = page.locator('.cell-editor [aria-live]');

  await t.test('the error record offers its cell', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await analyze(page, 2, 1);
    assert.equal(await cell.inputValue(), 'bob@example');
  });

  await t.test('a wrong edit is checked at once', async () => {
    await cell.fill('bob at example.com');
    await cell.press('Tab');
    await status.locator('.still-wrong').waitFor();
    assert.match(await status.textContent(), /email/i);
  });

  await t.test('a right edit is valid at once and blocks the stale import', async () => {
    await cell.fill('Bob@Example.com');
    await cell.press('Enter');
    await waitForText(status, 'Valid now. Analyze again to import it.');
    await page.getByText(/The settings or the edited cells changed after this analysis/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).count(), 0);
    await screenshot(run, 'editing-01-fixed-in-place');
  });

  await t.test('the error records download has the edit', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download error records as CSV', exact: true }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'Email,First name,Row in file,Errors');
    assert.match(lines[1], /^Bob@Example\.com,Bob,3,email: /);
  });

  await t.test('the next analysis applies the edit', async () => {
    await analyze(page, 3, 0);
    assert.equal(await page.locator('table.errors').count(), 0);
  });

  await t.test('the edited value is imported', async () => {
    await page.getByLabel('Discard', { exact: true }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
    const persons = await apiGet(run, '/api/persons?page=1&per_page=10');
    assert.equal(persons.total, 3);
    const emails = persons.items.flatMap((person) => person.values.emails).sort();
    assert.deepEqual(emails, ['ann@example.com', 'bob@example.com', 'cy@example.com']);
    const [entry] = (await apiGet(run, '/api/imports?page=1&per_page=30')).items;
    assert.equal(entry.error_records, 0);
  });

  await t.test('the import details count the edited cells', async () => {
    await page.getByRole('link', { name: 'Import history', exact: true }).click();
    await page.locator('table.history tbody tr').first().getByRole('link', { name: /^View/ }).click();
    await page.getByRole('heading', { name: 'Import details', exact: true }).waitFor();
    await waitForText(page.locator('dt:text-is("Cells edited before the import") + dd'), '1');
  });
});

test('later error records are fixed in place', async (t) => {
  const { page } = run;
  // 1,001 records with a phone number too short come first, so the record
  // with a wrong email is past the rows that come with the analysis.
  const lines = ['Email,Phone'];
  for (let row = 2; row <= 1002; row += 1) {
    lines.push(`person${row}@example.com,+44 20 7946 00`);
  }
  lines.push('last@example,+44 20 7946 0001', '');
  const file = path.join(run.workDir, 'many-errors.csv');
  writeFileSync(file, lines.join('\n'));
  const cell = page.getByLabel('Row 1003, Email', { exact: true });

  await t.test('the filtered error offers its cell', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await analyze(page, 0, 1002);
    await page.getByLabel('Filter by field', { exact: true }).selectOption('email');
    assert.equal(await cell.inputValue(), 'last@example');
  });

  await t.test('the edit is checked at once', async () => {
    await cell.fill('last@example.com');
    await cell.press('Enter');
    await waitForText(page.locator('.cell-editor [aria-live]'), 'Valid now. Analyze again to import it.');
  });

  await t.test('the error records download has every record', async () => {
    await page.getByLabel('Filter by field', { exact: true }).selectOption('');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download error records as CSV', exact: true }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + 1002);
    assert.equal(lines[0], 'Email,Phone,Row in file,Errors');
    assert.match(lines[1002], /^last@example\.com,'\+44 20 7946 0001,1003,email: /);
  });
});

test('new read choices clear the analysis and its edits', async () => {
  const { page } = run;
  const file = path.join(run.workDir, 'contacts-again.csv');
  writeFileSync(file, CONTACTS_CSV);
  await startImport(run);
  await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
  await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
  await analyze(page, 2, 1);
  const cell = page.getByLabel('Row 3, Email', { exact: true });
  await cell.fill('bob@example.com');
  await cell.press('Enter');
  await waitForText(page.locator('.cell-editor [aria-live]'), 'Valid now. Analyze again to import it.');

  // The header moves to row 2, so the edited cell is no longer where it was.
  await page.getByLabel('Skip rows', { exact: true }).fill('1');
  await page.getByText(/The file was read again with the new choices/).waitFor();
  assert.equal(await page.locator('table.errors').count(), 0);
  assert.equal(await page.getByLabel('Valid records', { exact: true }).count(), 0);

  // Back to the first choices, the edit is gone with the analysis.
  await page.getByLabel('Skip rows', { exact: true }).fill('0');
  await page.getByRole('group', { name: 'Email', exact: true }).waitFor();
  await page.getByText(/The file was read again with the new choices/).waitFor();
  await analyze(page, 2, 1);
  assert.equal(await cell.inputValue(), 'bob@example');
});

test('a conflict between records is checked at the next analysis', async () => {
  const { page } = run;
  const file = path.join(run.workDir, 'conflict.csv');
  writeFileSync(file, ['Email,External ID', 'ann@example.com,A1', 'ann@example.com,A2', ''].join('\n'));
  await startImport(run);
  await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
  await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
  await analyze(page, 1, 1);
  const cell = page.getByLabel('Row 3, External ID', { exact: true });
  assert.equal(await cell.inputValue(), 'A2');
  await cell.fill('A1');
  await cell.press('Enter');
  await waitForText(
    page.locator('.cell-editor [aria-live]'),
    'The record is valid on its own. Analyze again to check it against the other records.',
  );
  await analyze(page, 2, 0);
  await waitForText(page.getByLabel('Profiles', { exact: true }), '1');
});

test('analysis progress as a percentage', async () => {
  const { page } = run;
  const lines = ['Email,First name'];
  for (let n = 0; n < PROGRESS_ROWS; n += 1) {
    lines.push(`person${n}@example.com,Person ${n}`);
  }
  const file = path.join(run.workDir, 'many.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  // Records every text and progress value that the status of the step
  // with heading `heading` shows, in `window.seenProgress[heading]`.
  const watchStatus = (heading) =>
    page.evaluate((id) => {
      window.seenProgress ??= {};
      const seen = [];
      window.seenProgress[id] = seen;
      const status = document.getElementById(id).parentElement.querySelector('.status');
      new MutationObserver(() => {
        const bar = status.querySelector('progress');
        seen.push({
          text: status.textContent,
          value: bar?.getAttribute('value') ?? null,
          max: bar?.getAttribute('max') ?? null,
        });
      }).observe(status, { subtree: true, childList: true, characterData: true, attributes: true });
    }, heading);

  await startImport(run);
  await watchStatus('upload-heading');
  await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
  await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
  const previewSeen = await page.evaluate(() => window.seenProgress['upload-heading']);
  assert.ok(
    previewSeen.some((entry) => /^Reading the file: \d+ %/.test(entry.text)),
    `the preview showed no share of the file read: ${JSON.stringify(previewSeen.slice(0, 10))}`,
  );

  await watchStatus('analyze-heading');
  await analyze(page, PROGRESS_ROWS, 0);
  const seen = await page.evaluate(() => window.seenProgress['analyze-heading']);
  const shares = seen
    .map((entry) => entry.text.match(/Checking rows: (\d+) % \((\d+) of (\d+)\)/))
    .filter(Boolean)
    .map(([, percent, done, total]) => ({ percent: Number(percent), done: Number(done), total: Number(total) }));
  assert.ok(shares.length >= 2, `too few progress texts: ${JSON.stringify(seen.slice(0, 10))}`);
  assert.ok(shares.every((share) => share.total === PROGRESS_ROWS));
  assert.ok(
    shares.some((share) => share.percent > 0 && share.percent < 100),
    `no share between 0 and 100 %: ${JSON.stringify(shares)}`,
  );
  assert.ok(
    seen.some((entry) => entry.max === String(PROGRESS_ROWS) && Number(entry.value) > 0),
    'the progress bar shows the share done',
  );
  assert.ok(
    seen.some((entry) => /^Reading the file: \d+ %/.test(entry.text)),
    `no share of the file read: ${JSON.stringify(seen.slice(0, 10))}`,
  );
});

test('page raised no errors', () => {
  assert.deepEqual(run.pageErrors, []);
});
