// Browser test of the import with the keyboard alone: Tab, Shift+Tab,
// Enter, Space, arrow keys and typing, no clicks. It also checks that the
// focus moves to each step's heading as the step appears, and that an
// error is fixed in place from the keyboard.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { apiGet, screenshot, start, stop, waitForText } from './harness.mjs';

const CONTACTS_CSV = [
  'Email,First name,Last name',
  'ann@example.com,Ann,Lee',
  'bob@example,Bob,Ray',
  '',
].join('\n');

// Most Tab presses to reach one control; the longest step has fewer
// controls than this.
const MAX_TABS = 80;

let run;

before(async () => {
  run = await start('keyboard-test');
});

after(async () => {
  await stop(run);
});

// Describes the focused element as `TAG name`, where the name is its
// aria-label, its label's text or its own text.
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) {
      return 'BODY';
    }
    const label = element.getAttribute('aria-label') ?? element.labels?.[0]?.textContent ?? element.textContent;
    return `${element.tagName} ${label.trim()}`;
  });
}

// Presses Tab until the focused element is `description` (as `focused`
// gives it) and fails after MAX_TABS presses.
async function tabTo(page, description) {
  const seen = [];
  for (let presses = 0; presses < MAX_TABS; presses += 1) {
    const now = await focused(page);
    if (now === description) {
      return;
    }
    seen.push(now);
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${description}; focus went through ${JSON.stringify(seen)}`);
}

async function assertFocus(page, description) {
  assert.equal(await focused(page), description);
}

test('an import with the keyboard alone', async (t) => {
  const { page } = run;
  const file = path.join(run.workDir, 'contacts.csv');
  writeFileSync(file, CONTACTS_CSV);

  await t.test('sign in', async () => {
    await page.goto(run.baseUrl);
    await page.getByLabel('User name', { exact: true }).waitFor();
    await tabTo(page, 'INPUT User name');
    await page.keyboard.type(run.user.name);
    await tabTo(page, 'INPUT Password');
    await page.keyboard.type(run.user.password);
    await page.keyboard.press('Enter');
    await page.getByText(`Signed in as ${run.user.name}`).waitFor();
  });

  await t.test('choose the file', async () => {
    await tabTo(page, 'INPUT Upload file');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(file);
    await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
    await assertFocus(page, 'H2 Map your data');
  });

  await t.test('analyze and fix the error in place', async () => {
    await tabTo(page, 'BUTTON Analyze');
    await page.keyboard.press('Enter');
    await waitForText(page.getByLabel('Error records', { exact: true }), '1');
    await assertFocus(page, 'H3 Result of the analysis');
    await tabTo(page, 'INPUT Row 3, Email');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('bob@example.com');
    await page.keyboard.press('Enter');
    await waitForText(page.locator('.cell-editor [aria-live]'), 'Valid now. Analyze again to import it.');
    // The Analyze button is above the table.
    for (let presses = 0; presses < MAX_TABS && (await focused(page)) !== 'BUTTON Analyze'; presses += 1) {
      await page.keyboard.press('Shift+Tab');
    }
    await assertFocus(page, 'BUTTON Analyze');
    await page.keyboard.press('Enter');
    await waitForText(page.getByLabel('Error records', { exact: true }), '0');
    await waitForText(page.getByLabel('Valid records', { exact: true }), '2');
  });

  await t.test('choose merge and a manual tag', async () => {
    await tabTo(page, 'INPUT Discard');
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.getByLabel('Merge', { exact: true }).isChecked());
    await tabTo(page, 'INPUT None');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.getByLabel('Manually', { exact: true }).isChecked());
    await tabTo(page, 'INPUT Tag name');
    await page.keyboard.type('fair 2026');
    await screenshot(run, 'keyboard-01-choices');
  });

  await t.test('confirm and import', async () => {
    await tabTo(page, 'BUTTON Import');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
    await assertFocus(page, 'H3 Confirm the import');
    await tabTo(page, 'BUTTON Import');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
    await assertFocus(page, 'H2 Import finished');
  });

  await t.test('the store has the edited and tagged profiles', async () => {
    const persons = await apiGet(run, '/api/persons?page=1&per_page=10');
    assert.equal(persons.total, 2);
    const emails = persons.items.flatMap((person) => person.values.emails).sort();
    assert.deepEqual(emails, ['ann@example.com', 'bob@example.com']);
    assert.ok(persons.items.every((person) => person.values.tags.includes('fair 2026')));
  });

  await t.test('page raised no errors', () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
