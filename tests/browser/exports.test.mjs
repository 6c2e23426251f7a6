// Browser test of the Google Contacts and Outlook export cases imported
// with the mapping assistant's suggestions only: every identifier and name
// column is suggested, nothing in the mapping is changed, and the profiles
// reach the store.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { apiGet, CASES, screenshot, signIn, start, startImport, stop, waitForText } from './harness.mjs';

// Each export with the field select value expected for its identifier and
// name columns, the suggested phone countries, the counts of the analysis
// and emails of the stored profiles.
const EXPORTS = [
  {
    name: 'Google Contacts',
    file: path.join(CASES, '25-google-contacts-export', 'contacts.csv'),
    fields: {
      'First Name': 'first_name',
      'Middle Name': 'middle_name',
      'Last Name': 'last_name',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Value': 'additional:email',
      'Phone 1 - Value': 'phone',
      'E-mail 1 - Label': '',
      'Phonetic First Name': '',
    },
    valid: 3,
    errors: 1,
    emails: ['amelia.hughes@example.com', 'amelia.r.hughes@example.net'],
  },
  {
    name: 'Outlook',
    file: path.join(CASES, '26-outlook-contacts-export', 'outlook-contacts.csv'),
    fields: {
      'First Name': 'first_name',
      'Middle Name': 'middle_name',
      'Last Name': 'last_name',
      'E-mail Address': 'email',
      'E-mail 2 Address': 'additional:email',
      'Business Phone': 'phone',
      'Mobile Phone': 'additional:phone',
      'E-mail Display Name': '',
    },
    // Walter Brandt's mobile number has no country code.
    countries: { 'Mobile Phone': 'GB' },
    valid: 4,
    errors: 0,
    emails: ['renee.dubois@example.com', 'walter.brandt@example.org', 'olu.adebayo@example.net'],
  },
];

let run;

before(async () => {
  run = await start('exports-test');
  await signIn(run);
});

after(async () => {
  await stop(run);
});

for (const [index, exported] of EXPORTS.entries()) {
  test(`${exported.name} export with the suggestions`, async (t) => {
    const { page } = run;

    await t.test('identifier and name columns are suggested', async () => {
      await startImport(run);
      await page.getByLabel('Upload file', { exact: true }).setInputFiles(exported.file);
      await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
      await page.locator('.proposal').first().waitFor();
      for (const [header, field] of Object.entries(exported.fields)) {
        const select = page
          .getByRole('group', { name: header, exact: true })
          .getByLabel('Profile field', { exact: true });
        assert.equal(await select.inputValue(), field, `field of ${header}`);
      }
      for (const [header, country] of Object.entries(exported.countries ?? {})) {
        const input = page
          .getByRole('group', { name: header, exact: true })
          .getByLabel('Phone country', { exact: true });
        assert.equal(await input.inputValue(), country, `phone country of ${header}`);
      }
    });

    await t.test('the suggested mapping analyses and imports', async () => {
      await page.getByRole('button', { name: 'Analyze', exact: true }).click();
      await waitForText(page.getByLabel('Valid records', { exact: true }), String(exported.valid));
      await waitForText(page.getByLabel('Error records', { exact: true }), String(exported.errors));
      await screenshot(run, `exports-0${index + 1}-analysis`);
      await page.getByLabel('Merge', { exact: true }).check();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
      const persons = await apiGet(run, '/api/persons?page=1&per_page=100');
      const stored = new Set(persons.items.flatMap((person) => person.values.emails));
      for (const email of exported.emails) {
        assert.ok(stored.has(email), `${email} is stored`);
      }
    });
  });
}

test('page raised no errors', () => {
  assert.deepEqual(run.pageErrors, []);
});
