// Browser test of the import flow against a real `people serve` with a new
// SQLite database and Debian's Chromium (see harness.mjs for what it needs).
// Screenshots and the server log go to tests/artifacts/; KEEP_TEST_FILES=1
// keeps the database and the browser profile under tmp/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import * as harness from './harness.mjs';

const { CASES, waitForText } = harness;
const CONTACTS_CSV = path.join(CASES, '01-utf8-bom-header', 'contacts.csv');
const ATTENDEES_CSV = path.join(CASES, '14-export-banner-skip-rows', 'attendees.csv');
const NAMES_ONLY_CSV = path.join(CASES, '22-no-identifier-mapped', 'names-only.csv');
const FURIGANA_XLSX = path.join(CASES, '05-xlsx-japanese-furigana', 'customers-jp.xlsx');
const MACOS_ZIP = path.join(CASES, '08-zip-macos-finder-junk', 'contacts.zip');
const EXPECTED_EMAILS = [
  'anna.kowalski@example.com',
  'ben.okafor@example.org',
  'chloe.martin@example.net',
  'dev.patel@example.com',
  'emma.lindqvist@example.org',
];

let run;
let page;

const screenshot = (name) => harness.screenshot(run, name);
const apiGet = (apiPath) => harness.apiGet(run, apiPath);

function columnGroup(header) {
  return page.getByRole('group', { name: header, exact: true });
}

function fieldSelect(header) {
  return columnGroup(header).getByLabel('Profile field', { exact: true });
}

const startImport = () => harness.startImport(run);

before(async () => {
  for (const file of [CONTACTS_CSV, ATTENDEES_CSV, NAMES_ONLY_CSV, FURIGANA_XLSX, MACOS_ZIP]) {
    assert.ok(existsSync(file), `case file not found: ${file}`);
  }
  run = await harness.start('browser-test');
  page = run.page;
});

after(async () => {
  await harness.stop(run);
});

test('import of the UTF-8 BOM contacts file', async (t) => {
  await t.test('app opens', async () => {
    await harness.signIn(run);
    await page.getByLabel('Upload file', { exact: true }).waitFor();
  });

  await t.test('upload shows the preview', async () => {
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(CONTACTS_CSV);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    // The legend is exactly "Email", so the byte-order mark was dropped.
    await columnGroup('Email').waitFor();
    await page.getByRole('cell', { name: 'anna.kowalski@example.com', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Skip rows', { exact: true }).inputValue(), '0');
    assert.equal(await page.getByLabel('Person type', { exact: true }).inputValue(), 'lead');
    await screenshot('01-preview');
  });

  await t.test('mapping moves a field and undoes', async () => {
    await fieldSelect('Email').selectOption('email');
    await fieldSelect('City').selectOption('email');
    assert.equal(await fieldSelect('City').inputValue(), 'email');
    assert.equal(await fieldSelect('Email').inputValue(), '', 'Email column is unmapped after the move');

    await columnGroup('Email').getByRole('button', { name: 'Undo', exact: true }).click();
    assert.equal(await fieldSelect('Email').inputValue(), 'email');
    assert.equal(await fieldSelect('City').inputValue(), '', 'City column gave email back');
  });

  await t.test('columns are mapped', async () => {
    await fieldSelect('First Name').selectOption('first_name');
    await fieldSelect('Last Name').selectOption('last_name');
    await fieldSelect('Phone').selectOption('phone');
    await columnGroup('Phone').getByLabel('Phone country', { exact: true }).fill('GB');
    await fieldSelect('City').selectOption('city');
    assert.equal(await fieldSelect('Email').inputValue(), 'email');
    assert.equal(await fieldSelect('Phone').inputValue(), 'phone');
    assert.equal(await fieldSelect('City').inputValue(), 'city');
    await screenshot('02-mapping');
  });

  await t.test('analysis finds 5 valid records', async () => {
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '5');
    await waitForText(page.getByLabel('Error records', { exact: true }), '0');
    await waitForText(page.getByLabel('Profiles', { exact: true }), '5');
    await screenshot('03-analysis');
  });

  await t.test('import is confirmed', async () => {
    await page
      .getByText('5 profiles are new, 0 match a stored lead and 0 match a stored customer.', { exact: true })
      .waitFor();
    assert.ok(await page.getByLabel('Discard', { exact: true }).isChecked(), 'Discard is the default');
    assert.ok(await page.getByLabel('None', { exact: true }).isChecked(), 'no import tag by default');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Back', exact: true }).waitFor();
    await screenshot('04-confirm');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
    await page.getByText('Completed', { exact: true }).waitFor();
    await screenshot('05-outcome');
  });

  await t.test('API lists the persons', async () => {
    const persons = await apiGet('/api/persons?page=1&per_page=50');
    assert.equal(persons.total, 5);
    const emails = persons.items.flatMap((person) => person.values.emails ?? []).sort();
    assert.deepEqual(emails, [...EXPECTED_EMAILS].sort());
    const anna = persons.items.find((person) => person.values.emails?.includes('anna.kowalski@example.com'));
    assert.equal(anna.person_type, 'lead');
    assert.deepEqual(anna.values.phones, ['+442079460101']);
    assert.equal(anna.values.city, 'London');
  });

  await t.test('API lists the import', async () => {
    const imports = await apiGet('/api/imports?page=1&per_page=50');
    assert.equal(imports.items.length, 1);
    const [entry] = imports.items;
    assert.equal(entry.file_name, 'contacts.csv');
    assert.equal(entry.valid_records, 5);
    assert.equal(entry.error_records, 0);
    assert.equal(entry.status, 'completed');
    assert.equal(entry.counts.created, 5);
  });

  await t.test('Persons page shows them', async () => {
    await page.getByRole('link', { name: 'Persons', exact: true }).click();
    await page.getByRole('heading', { name: 'Persons', exact: true }).waitFor();
    for (const email of EXPECTED_EMAILS) {
      await page.getByRole('cell', { name: email, exact: true }).waitFor();
    }
    await page.getByRole('cell', { name: 'Chloé Martin', exact: true }).waitFor();
    await screenshot('06-persons');
  });

  await t.test('Import history page shows it', async () => {
    await page.getByRole('link', { name: 'Import history', exact: true }).click();
    await page.getByRole('heading', { name: 'Import history', exact: true }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'contacts.csv' });
    await row.waitFor();
    assert.equal(await row.count(), 1);
    const cells = (await row.getByRole('cell').allTextContents()).map((text) => text.trim());
    assert.ok(cells.includes('Completed'), `status cell in ${JSON.stringify(cells)}`);
    assert.equal(cells[3], '5', 'valid records');
    assert.equal(cells[4], '0', 'error records');
    await screenshot('07-history');
  });

});

test('import with skip rows, errors and tags', async (t) => {
  await t.test('skip rows moves the header', async () => {
    await startImport();
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(ATTENDEES_CSV);
    await columnGroup('Attendee Report').waitFor();
    await page.getByLabel('Skip rows', { exact: true }).fill('3');
    await columnGroup('Registrant ID').waitFor();
    assert.equal(await columnGroup('Attendee Report').count(), 0, 'the banner row is no longer the header');
    await page.getByText('Header in row 4', { exact: false }).waitFor();
  });

  await t.test('analysis lists the invalid email', async () => {
    await fieldSelect('Registrant ID').selectOption('external_id');
    await fieldSelect('First Name').selectOption('first_name');
    await fieldSelect('Last Name').selectOption('last_name');
    await fieldSelect('Email').selectOption('email');
    await page.getByLabel('Person type', { exact: true }).selectOption('customer');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '3');
    await waitForText(page.getByLabel('Error records', { exact: true }), '1');
    const errorRow = page.locator('table.errors tbody tr');
    assert.equal(await errorRow.count(), 1);
    const cells = (await errorRow.getByRole('cell').allTextContents()).map((text) => text.trim());
    assert.equal(cells[0], '7', 'row number of the invalid email');
    assert.equal(cells[1], 'email');
    const chart = page.getByRole('img', {
      name: '3 valid and 1 error records. Errors by reason: invalid_email 1.',
      exact: true,
    });
    await chart.waitFor();
    assert.equal(await chart.locator('rect.bar-errors').count(), 2, 'the error share and one reason');
    await screenshot('08-errors');
  });

  await t.test('manual tag needs a name', async () => {
    await page
      .getByText('3 profiles are new, 0 match a stored lead and 0 match a stored customer.', { exact: true })
      .waitFor();
    await page.getByLabel('Merge', { exact: true }).check();
    await page.getByLabel('Manually', { exact: true }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await waitForText(page.getByRole('alert').locator('p').first(), 'Enter a tag name, or choose another tag option.');
    await page.getByLabel('Tag name', { exact: true }).fill('spring-webinar');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
  });

  await t.test('back keeps the choices', async () => {
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    assert.ok(await page.getByLabel('Merge', { exact: true }).isChecked());
    assert.equal(await page.getByLabel('Tag name', { exact: true }).inputValue(), 'spring-webinar');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
    await page.getByText('Completed with errors', { exact: true }).waitFor();
  });

  await t.test('API has the tagged customers', async () => {
    const imports = await apiGet('/api/imports?page=1&per_page=50');
    assert.equal(imports.items.length, 2);
    const [entry] = imports.items;
    assert.equal(entry.file_name, 'attendees.csv', 'newest import first');
    assert.equal(entry.valid_records, 3);
    assert.equal(entry.error_records, 1);
    assert.equal(entry.status, 'completed_with_errors');
    assert.equal(entry.person_type, 'customer');
    assert.equal(entry.on_match, 'merge');

    const persons = await apiGet('/api/persons?page=1&per_page=50');
    assert.equal(persons.total, 8);
    const kai = persons.items.find((person) => person.values.emails?.includes('kai.fischer@example.com'));
    assert.ok(kai, 'kai.fischer@example.com is stored');
    assert.equal(kai.person_type, 'customer');
    assert.equal(kai.values.external_id, 'R-9001');
    assert.ok(kai.values.tags?.includes('spring-webinar'), `tags ${JSON.stringify(kai.values.tags)}`);
  });
});

test('workbook and zip files are analysed', async (t) => {
  await t.test('XLSX headers lose the furigana', async () => {
    await startImport();
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(FURIGANA_XLSX);
    await columnGroup('姓').waitFor();
    await page.getByRole('cell', { name: '山田', exact: true }).waitFor();
    await fieldSelect('顧客ID').selectOption('external_id');
    await fieldSelect('メールアドレス').selectOption('email');
    await fieldSelect('フリガナ').selectOption('custom');
    await columnGroup('フリガナ').getByLabel('Attribute name', { exact: true }).fill('furigana');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '4');
    await waitForText(page.getByLabel('Error records', { exact: true }), '0');
    await screenshot('10-xlsx');
  });

  await t.test('dropped ZIP skips the macOS entry', async () => {
    await startImport();
    const transfer = await page.evaluateHandle(
      ({ data, name }) => {
        const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
        const dataTransfer = new DataTransfer();
        dataTransfer.items.add(new File([bytes], name, { type: 'application/zip' }));
        return dataTransfer;
      },
      { data: readFileSync(MACOS_ZIP).toString('base64'), name: 'contacts.zip' },
    );
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await columnGroup('email').waitFor();
    await page.getByText('from ZIP entry “contacts.csv”', { exact: false }).waitFor();
    await fieldSelect('email').selectOption('email');
    await fieldSelect('phone').selectOption('phone');
    await columnGroup('phone').getByLabel('Phone country', { exact: true }).fill('US');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await waitForText(page.getByLabel('Valid records', { exact: true }), '4');
    await waitForText(page.getByLabel('Error records', { exact: true }), '0');
    await screenshot('11-zip');
  });
});

test('rejected file shows the reason', async (t) => {
  await t.test('no identifier is rejected', async () => {
    await startImport();
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(NAMES_ONLY_CSV);
    await columnGroup('First Name').waitFor();
    await fieldSelect('First Name').selectOption('first_name');
    await fieldSelect('City').selectOption('city');
    // The mapping assistant maps the Email column; this person leaves it out.
    assert.equal(await fieldSelect('Email').inputValue(), 'email');
    await fieldSelect('Email').selectOption('');
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    const alert = page.getByRole('alert').locator('p').first();
    await alert.waitFor();
    const message = (await alert.textContent()).trim();
    assert.ok(message.length > 20, `rejection message: ${JSON.stringify(message)}`);
    assert.equal(await page.getByLabel('Valid records', { exact: true }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Import the profiles' }).count(), 0);
    await screenshot('09-rejected');
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
