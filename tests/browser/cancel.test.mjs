// Browser test of cancelling an import during its upload and during its
// merge. The page's uploads are slowed down through the DevTools protocol,
// so the person has time to choose "Cancel import" before the commit. A
// larger file gives a merge that runs long enough to cancel it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { apiGet, signIn, start, startImport, stop } from './harness.mjs';

// 6,000 profiles make 3 upload batches of 2,000.
const ROWS = 6_000;
// Bytes per second the page may upload: each gzip batch takes seconds.
const UPLOAD_THROUGHPUT = 20_000;
// Profiles whose merge by the debug server takes seconds.
const MERGE_ROWS = 40_000;

let run;
let file;
let largeFile;

// Writes a CSV of `rows` people named `name` in the work folder and
// returns its path.
function writePeople(name, rows) {
  const lines = ['Email,First Name'];
  for (let index = 0; index < rows; index += 1) {
    lines.push(`person${index}@example.com,Person${index}`);
  }
  const written = path.join(run.workDir, name);
  writeFileSync(written, `${lines.join('\n')}\n`);
  return written;
}

before(async () => {
  run = await start('cancel-test');
  await signIn(run);
  file = writePeople('many.csv', ROWS);
  largeFile = writePeople('more.csv', MERGE_ROWS);
});

after(async () => {
  await stop(run);
});

test('import cancelled during upload and merge', async (t) => {
  const { page } = run;

  await t.test('upload is cancelled', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await page.getByLabel('Valid records', { exact: true }).waitFor();
    await page.getByText(`${ROWS} profiles are new`, { exact: false }).waitFor();

    const client = await page.context().newCDPSession(page);
    await client.send('Network.enable');
    await client.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: UPLOAD_THROUGHPUT,
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/^Uploading profiles: \d+ % \(\d+ of 3 batches sent\)/).waitFor();
    // The earlier steps take no input while the import is sent.
    const analyzeButton = page.locator('#analyze-heading').locator('..').locator('button.primary');
    assert.equal(await analyzeButton.evaluate((button) => button.closest('[inert]') !== null), true);
    await assert.rejects(analyzeButton.click({ trial: true, timeout: 1_000 }));
    await page.getByRole('button', { name: 'Cancel import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor({ timeout: 60_000 });
    await client.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    assert.equal((await page.locator('.outcome-status strong').textContent()).trim(), 'Cancelled');
  });

  await t.test('nothing is imported', async () => {
    const [entry] = (await apiGet(run, '/api/imports?page=1&per_page=30')).items;
    assert.equal(entry.status, 'cancelled');
    const persons = await apiGet(run, '/api/persons?page=1&per_page=10');
    assert.equal(persons.total, 0);
  });

  await t.test('merge is cancelled and rolled back', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(largeFile);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await page.getByText(`${MERGE_ROWS} profiles are new`, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/^Merging the profiles/).waitFor();
    await page.getByRole('button', { name: 'Cancel import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
    assert.equal((await page.locator('.outcome-status strong').textContent()).trim(), 'Cancelled');
    const [entry] = (await apiGet(run, '/api/imports?page=1&per_page=30')).items;
    assert.equal(entry.status, 'cancelled');
    assert.equal(entry.counts.created, 0);
    const persons = await apiGet(run, '/api/persons?page=1&per_page=10');
    assert.equal(persons.total, 0);
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
