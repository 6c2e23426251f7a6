// Browser tests of the import history, the import details with the error
// report and undo, the notifications, a merge import, and the Attributes
// and Journeys pages, against a real `people serve` (see harness.mjs).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
  CASES,
  apiGet,
  importFile,
  screenshot,
  signIn,
  start,
  startImport,
  stop,
  waitForText,
} from './harness.mjs';

const NEWSLETTER_CSV = path.join(CASES, '16-messy-emails', 'newsletter.csv');
const CONTACTS_CSV = path.join(CASES, '01-utf8-bom-header', 'contacts.csv');
const NEWSLETTER_EMAILS = [
  'jane.doe@example.com',
  'ian.black@example.org',
  'sam.lee@example.net',
  'rita.quinn@example.org',
  'tom.ruiz@example.com',
];
const CONTACTS_MAPPING = {
  Email: { field: 'email' },
  'First Name': { field: 'first_name' },
  'Last Name': { field: 'last_name' },
  Phone: { field: 'phone', country: 'GB' },
  City: { field: 'city' },
};

let run;

before(async () => {
  run = await start('history-test');
  await signIn(run);
});

after(async () => {
  await stop(run);
});

function historyRow(fileName) {
  return run.page.locator('table.history tbody tr').filter({ hasText: fileName });
}

async function rowCells(row) {
  return (await row.getByRole('cell').allTextContents()).map((text) => text.trim());
}

test('history, details, error report and undo', async (t) => {
  const { page } = run;

  await t.test('import with 2 invalid emails', async () => {
    await importFile(run, {
      file: NEWSLETTER_CSV,
      personType: 'lead',
      onMatch: 'Discard',
      mapping: {
        Email: { field: 'email' },
        'First Name': { field: 'first_name' },
        'Last Name': { field: 'last_name' },
      },
      valid: 5,
      errors: 2,
    });
    await page.getByText('Completed with errors', { exact: true }).first().waitFor();
  });

  await t.test('notification appears', async () => {
    const notice = page.locator('.notifications [role="status"] .notification').filter({
      hasText: 'Import of newsletter.csv completed with errors',
    });
    // The app polls every 5 s.
    await notice.waitFor({ timeout: 15_000 });
    await notice.getByRole('link', { name: 'View import details', exact: true }).waitFor();
    await screenshot(run, 'history-01-notification');
    await notice.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await notice.waitFor({ state: 'detached' });
    const unread = await apiGet(run, '/api/notifications');
    assert.deepEqual(unread, [], 'the dismissed notification is read');
  });

  await t.test('history row shows the counts', async () => {
    await page.getByRole('link', { name: 'Import history', exact: true }).click();
    await page.getByRole('heading', { name: 'Import history', exact: true }).waitFor();
    const row = historyRow('newsletter.csv');
    await row.waitFor();
    const cells = await rowCells(row);
    assert.equal(cells[1], run.user.name, 'imported by');
    assert.match(cells[2], /^\d+ s$|^\d+ min/, 'duration');
    assert.equal(cells[3], '5', 'valid records');
    assert.equal(cells[4], '2', 'error records');
    assert.equal(cells[5], 'Completed with errors', 'status');
    assert.match(cells[6], /^newsletter\.csv \(/, 'import file');
    const chart = page.getByRole('img', { name: /^Last 14 days: 1 import with 5 valid and 2 error records\.$/ });
    await chart.waitFor();
    await screenshot(run, 'history-02-history');
  });

  await t.test('details list the errors', async () => {
    await historyRow('newsletter.csv').getByRole('link', { name: /^View/ }).click();
    await page.getByRole('heading', { name: 'Import details', exact: true }).waitFor();
    const errorRows = page.locator('table.errors tbody tr');
    await errorRows.first().waitFor();
    assert.equal(await errorRows.count(), 2);
    const first = await rowCells(errorRows.nth(0));
    assert.deepEqual(first.slice(0, 3), ['5', 'email', 'invalid_email']);
    const second = await rowCells(errorRows.nth(1));
    assert.deepEqual(second.slice(0, 3), ['6', 'email', 'invalid_email']);
    const mapping = await page.locator('table.mapping-used tbody tr').allTextContents();
    assert.equal(mapping.length, 3, `mapping rows ${JSON.stringify(mapping)}`);
    await waitForText(page.getByLabel('Created', { exact: true }), '5');
    await screenshot(run, 'history-03-details');
  });

  await t.test('error report downloads', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download error report', exact: true }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'row,field,code,message');
    assert.equal(lines.length, 3, `report lines ${JSON.stringify(lines)}`);
    assert.match(lines[1], /^5,email,invalid_email,/);
    assert.match(lines[2], /^6,email,invalid_email,/);
  });

  await t.test('undo removes the profiles', async () => {
    await page.getByRole('button', { name: 'Undo import', exact: true }).click();
    await page.getByText('The import was undone: 5 profiles removed, 0 restored.', { exact: true }).waitFor();
    await page.getByText(/^This import was undone on /).waitFor();
    await screenshot(run, 'history-04-undone');
    const persons = await apiGet(run, '/api/persons?page=1&per_page=50');
    const emails = persons.items.flatMap((person) => person.values.emails ?? []);
    for (const email of NEWSLETTER_EMAILS) {
      assert.ok(!emails.includes(email), `${email} is removed`);
    }
    assert.equal(persons.total, 0);
    const [entry] = (await apiGet(run, '/api/imports?page=1&per_page=30')).items;
    assert.ok(entry.undone_at, 'the import is marked undone');
  });

  await t.test('history shows Undone', async () => {
    await page.getByRole('link', { name: 'Back to the import history', exact: true }).click();
    const row = historyRow('newsletter.csv');
    await row.waitFor();
    assert.equal((await rowCells(row))[5], 'Undone');
  });
});

test('merge import promotes and updates', async (t) => {
  const { page } = run;

  await t.test('leads are imported', async () => {
    await importFile(run, {
      file: CONTACTS_CSV,
      personType: 'lead',
      onMatch: 'Discard',
      mapping: CONTACTS_MAPPING,
      valid: 5,
      errors: 0,
    });
    await page.getByText('Completed', { exact: true }).first().waitFor();
  });

  await t.test('edited copy is merged', async () => {
    const edited = readFileSync(CONTACTS_CSV, 'utf8')
      .replace('anna.kowalski@example.com,Anna,', 'anna.kowalski@example.com,Annabel,')
      .replace('chloe.martin@example.net,Chloé,Martin,,', 'chloe.martin@example.net,Chloé,Martin,+44 20 7946 0199,');
    assert.notEqual(edited, readFileSync(CONTACTS_CSV, 'utf8'), 'the copy differs');
    const editedPath = path.join(run.workDir, 'contacts-edited.csv');
    writeFileSync(editedPath, edited);
    await importFile(run, {
      file: editedPath,
      personType: 'customer',
      onMatch: 'Merge',
      mapping: CONTACTS_MAPPING,
      valid: 5,
      errors: 0,
      outcome: '0 created, 0 updated, 5 promoted, 0 discarded, 0 not merged',
    });
    await page.getByText('Completed', { exact: true }).first().waitFor();
    await screenshot(run, 'history-05-merged');
  });

  await t.test('API shows promoted customers', async () => {
    const persons = await apiGet(run, '/api/persons?page=1&per_page=50');
    assert.equal(persons.total, 5, 'no profile was created twice');
    const byEmail = (email) => persons.items.find((person) => person.values.emails?.includes(email));
    const anna = byEmail('anna.kowalski@example.com');
    assert.equal(anna.person_type, 'customer');
    assert.equal(anna.values.first_name, 'Annabel');
    const chloe = byEmail('chloe.martin@example.net');
    assert.equal(chloe.person_type, 'customer');
    assert.deepEqual(chloe.values.phones, ['+442079460199']);
    const [merge] = (await apiGet(run, '/api/imports?page=1&per_page=30')).items;
    assert.equal(merge.on_match, 'merge');
    assert.equal(merge.counts.promoted + merge.counts.updated, 5, `counts ${JSON.stringify(merge.counts)}`);
  });
  await t.test('undo of the older import asks first', async () => {
    await page.getByRole('link', { name: 'Import history', exact: true }).click();
    await historyRow('contacts.csv').getByRole('link', { name: /^View/ }).click();
    await page.getByRole('heading', { name: 'Import details', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Undo import', exact: true }).click();
    await page.getByText(/^Later imports \(\d+\) changed 5 of the same profiles/).waitFor();
    await screenshot(run, 'history-06-undo-confirm');
    await page.getByRole('button', { name: 'Undo anyway', exact: true }).click();
    await page.getByText(/^The import was undone: \d+ profiles removed, \d+ restored\.$/).waitFor();
    const older = (await apiGet(run, '/api/imports?page=1&per_page=30')).items.find(
      (entry) => entry.file_name === 'contacts.csv',
    );
    assert.ok(older.undone_at, 'the older import is marked undone');
  });
});

test('attributes and journeys pages', async (t) => {
  const { page } = run;

  await t.test('attribute is added and removed', async () => {
    await page.getByRole('link', { name: 'Attributes', exact: true }).click();
    await page.getByRole('heading', { name: 'Attributes', exact: true }).waitFor();
    await page.getByLabel('Attribute name', { exact: true }).fill('company_size');
    await page.getByLabel('Attribute type', { exact: true }).selectOption('number');
    await page.getByRole('button', { name: 'Add attribute', exact: true }).click();
    const row = page.locator('table.attributes tbody tr').filter({ hasText: 'company_size' });
    await row.waitFor();
    assert.deepEqual((await rowCells(row)).slice(0, 2), ['company_size', 'Number']);
    const attributes = await apiGet(run, '/api/attributes');
    assert.deepEqual(attributes, [{ name: 'company_size', attribute_type: 'number' }]);
    await screenshot(run, 'history-07-attributes');

    await page.getByLabel('Attribute name', { exact: true }).fill('plz');
    await page.getByRole('button', { name: 'Add attribute', exact: true }).click();
    await page.locator('table.attributes tbody tr').filter({ hasText: 'plz' }).waitFor();
    await page.getByRole('button', { name: 'Remove plz', exact: true }).click();
    await page.locator('table.attributes tbody tr').filter({ hasText: 'plz' }).waitFor({ state: 'detached' });
    const left = (await apiGet(run, '/api/attributes')).map((attribute) => attribute.name);
    assert.deepEqual(left, ['company_size']);
  });

  await t.test('invalid attribute name is rejected', async () => {
    await page.getByLabel('Attribute name', { exact: true }).fill('Company Size');
    await page.getByRole('button', { name: 'Add attribute', exact: true }).click();
    await page.getByRole('alert').getByText(/^Check the attribute name: /).waitFor();
    assert.equal((await apiGet(run, '/api/attributes')).length, 1);
  });

  await t.test('journey is created', async () => {
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    await page.getByRole('heading', { name: 'Journeys', exact: true }).waitFor();
    await page.getByLabel('Journey name', { exact: true }).fill('Welcome series');
    await page.getByRole('button', { name: 'Create journey', exact: true }).click();
    const row = page.locator('table.journeys tbody tr').filter({ hasText: 'Welcome series' });
    await row.waitFor();
    assert.deepEqual((await rowCells(row)).slice(0, 3), ['Welcome series', 'Active', '0']);
  });

  await t.test('tagged import joins the journey', async () => {
    await importFile(run, {
      file: NEWSLETTER_CSV,
      personType: 'lead',
      onMatch: 'Discard',
      mapping: { Email: { field: 'email' } },
      valid: 5,
      errors: 2,
      tags: 'Automatically',
      journey: 'Welcome series',
    });
    await page.getByText('Completed with errors', { exact: true }).first().waitFor();
    const [journey] = await apiGet(run, '/api/journeys');
    assert.equal(journey.enrolled, 5, 'every tagged profile is enrolled once');
  });

  await t.test('journey is deactivated', async () => {
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    const row = page.locator('table.journeys tbody tr').filter({ hasText: 'Welcome series' });
    await waitForText(row.getByRole('cell').nth(2), '5');
    await page.getByRole('button', { name: 'Deactivate Welcome series', exact: true }).click();
    await waitForText(row.getByRole('cell').nth(1), 'Inactive');
    const [journey] = await apiGet(run, '/api/journeys');
    assert.equal(journey.name, 'Welcome series');
    assert.equal(journey.active, false);
    await screenshot(run, 'history-08-journeys');
  });

  await t.test('inactive journey is not offered', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(NEWSLETTER_CSV);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await page
      .getByRole('group', { name: 'Email', exact: true })
      .getByLabel('Profile field', { exact: true })
      .selectOption('email');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '5');
    await page.getByLabel('Automatically', { exact: true }).check();
    await page.getByText('No journey is active: the Journeys page creates one.', { exact: true }).waitFor();
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
