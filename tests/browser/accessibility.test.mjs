// Browser test of accessibility: axe-core checks every page and every step
// of an import, in the light theme on a desktop and in the dark theme at
// 360 px wide, and the test fails on any serious or critical violation.
// It saves a screenshot of every step in tests/artifacts.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

import { CASES, screenshot, signIn, start, startImport, stop, waitForText } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CONTACTS_CSV = path.join(CASES, '01-utf8-bom-header', 'contacts.csv');
const NEWSLETTER_CSV = path.join(CASES, '16-messy-emails', 'newsletter.csv');

// Width of the narrow window, that of a small phone.
const NARROW_WIDTH = 360;

let run;

before(async () => {
  run = await start('accessibility-test');
});

after(async () => {
  await stop(run);
});

// Runs axe-core on the page and returns its serious and critical
// violations, each with the first elements it found.
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
      }));
  });
}

// Checks the page with axe-core and saves its screenshot as `shot`. In a
// narrow window it also checks that the page is no wider than the window:
// wide tables scroll inside their own box.
async function assertAccessible(step, shot) {
  const found = await violations(run.page);
  assert.deepEqual(found, [], `${step}: ${JSON.stringify(found, null, 2)}`);
  if (run.page.viewportSize().width <= NARROW_WIDTH) {
    const overflow = await run.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${step}: the page is ${overflow} px wider than the ${NARROW_WIDTH} px window`);
  }
  if (shot) {
    await screenshot(run, shot);
  }
}

// Runs an import of the newsletter case through every step, checking each.
async function checkImportSteps(prefix) {
  const { page } = run;
  await startImport(run);
  await assertAccessible('upload step', `${prefix}-01-upload`);

  await page.getByLabel('Upload file', { exact: true }).setInputFiles(NEWSLETTER_CSV);
  await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
  await assertAccessible('mapping step', `${prefix}-02-mapping`);

  await page.getByRole('button', { name: 'Analyze', exact: true }).click();
  await page.getByLabel('Valid records', { exact: true }).waitFor();
  await page.getByText(/profiles are new|profiles exist/).first().waitFor();
  await assertAccessible('analysis summary and import choices', `${prefix}-03-analysis`);

  await page.getByLabel('Automatically', { exact: true }).check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
  await assertAccessible('confirmation', `${prefix}-04-confirm`);

  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
  await assertAccessible('outcome', `${prefix}-05-outcome`);
}

test('pages pass axe-core', async (t) => {
  const { page } = run;

  await t.test('sign-in page', async () => {
    await page.goto(run.baseUrl);
    await page.getByLabel('User name', { exact: true }).waitFor();
    await assertAccessible('sign-in page');
  });

  await t.test('planted violation is found', async () => {
    // An image without alternative text is a critical violation; finding
    // it shows that the checks run.
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.id = 'planted';
      image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      document.body.append(image);
    });
    const found = await violations(page);
    assert.ok(
      found.some((violation) => violation.id === 'image-alt' && violation.targets.includes('#planted')),
      JSON.stringify(found),
    );
    await page.evaluate(() => document.getElementById('planted').remove());
  });

  await t.test('import steps', async () => {
    await signIn(run);
    await checkImportSteps('steps-light');
  });

  await t.test('rejected file', async () => {
    await startImport(run);
    await page.getByLabel('Upload file', { exact: true }).setInputFiles(CONTACTS_CSV);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    for (const header of ['Email', 'Phone']) {
      await page
        .getByRole('group', { name: header, exact: true })
        .getByLabel('Profile field', { exact: true })
        .selectOption('');
    }
    await page.getByRole('button', { name: 'Analyze', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    await assertAccessible('rejected analysis');
  });

  await t.test('other pages', async () => {
    const pages = [
      ['Persons', 'Persons'],
      ['Import history', 'Import history'],
      ['Attributes', 'Attributes'],
      ['Journeys', 'Journeys'],
    ];
    for (const [link, heading] of pages) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await assertAccessible(`${heading} page`);
    }
    await page.getByRole('link', { name: 'Import history', exact: true }).click();
    await page.locator('table.history tbody tr').first().getByRole('link', { name: /^View/ }).click();
    await page.getByRole('heading', { name: 'Import details', exact: true }).waitFor();
    await waitForText(page.getByLabel('Created', { exact: true }), '5');
    await assertAccessible('import details page');
  });

  await t.test('dark theme at 360 px wide', async () => {
    const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: NARROW_WIDTH, height: 800 });
    const darkBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.notEqual(darkBackground, lightBackground, 'the dark theme follows the system setting');
    await checkImportSteps('steps-dark-360');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
