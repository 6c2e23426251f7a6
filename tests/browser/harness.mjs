// Shared setup of the browser tests: a real `people serve` on a free
// loopback port with a new SQLite database and one user, and Debian's
// Chromium driven by playwright-core.
//
// Expects the release frontend in frontend/dist (or PEOPLE_DIST), the
// `people` binary at PEOPLE_BIN (default target/debug/people) and the import
// cases in tests/cases (or PEOPLE_CASES).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.PEOPLE_DIST ?? path.join(ROOT, 'frontend', 'dist');
export const PEOPLE_BIN = process.env.PEOPLE_BIN ?? path.join(ROOT, 'target', 'debug', 'people');
export const CASES = process.env.PEOPLE_CASES ?? path.join(ROOT, 'tests', 'cases');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const STEP_MS = 30_000;

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying to reach
// outside hosts, which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SERVER_START_MS = 30_000;

async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForHealth(server, url) {
  const deadline = Date.now() + SERVER_START_MS;
  let lastError = 'no response yet';
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`people serve exited with status ${server.exitCode}; see its log in ${ARTIFACTS}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) {
        return;
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`people serve did not become healthy in ${SERVER_START_MS} ms: ${lastError}`);
}

// Starts the server and the browser. `name` names the server log in
// tests/artifacts and the user that `signIn` signs in. Returns the handles
// that the tests and `stop` use.
export async function start(name) {
  const user = { name, password: `${name}-password` };
  assert.ok(existsSync(path.join(DIST, 'index.html')), `no frontend build in ${DIST}`);
  assert.ok(existsSync(PEOPLE_BIN), `no people binary at ${PEOPLE_BIN}: build it or set PEOPLE_BIN`);
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const workDir = mkdtempSync(path.join(ROOT, 'tmp', `${name}-`));
  const databaseUrl = `sqlite://${workDir}/people.db`;

  const added = spawnSync(PEOPLE_BIN, ['user', 'add', user.name, '--database-url', databaseUrl], {
    input: `${user.password}\n`,
    encoding: 'utf8',
  });
  assert.equal(added.status, 0, `people user add failed: ${added.stderr}`);

  const baseUrl = `http://127.0.0.1:${await freePort()}`;
  const log = createWriteStream(path.join(ARTIFACTS, `${name}-server.log`));
  const server = spawn(
    PEOPLE_BIN,
    ['serve', '--listen', baseUrl.slice('http://'.length), '--database-url', databaseUrl, '--static-dir', DIST],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serverExit = once(server, 'exit');
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  await waitForHealth(server, baseUrl);

  const context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, TMPDIR: path.join(ROOT, 'tmp') },
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(STEP_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { workDir, server, serverExit, baseUrl, context, page, pageErrors, user };
}

// Closes the browser, stops the server and removes the work folder unless
// KEEP_TEST_FILES is set.
export async function stop(run) {
  if (!run) {
    return;
  }
  try {
    await run.context?.close();
  } finally {
    if (run.server.exitCode === null && run.server.signalCode === null) {
      run.server.kill('SIGTERM');
      const stopped = await Promise.race([
        run.serverExit.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      if (!stopped) {
        run.server.kill('SIGKILL');
        await run.serverExit;
      }
    }
    if (!process.env.KEEP_TEST_FILES) {
      rmSync(run.workDir, { recursive: true, force: true });
    }
  }
}

// Signs in on the start page with the run's user.
export async function signIn(run) {
  const { page, user } = run;
  await page.goto(run.baseUrl);
  await page.getByLabel('User name', { exact: true }).fill(user.name);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText(`Signed in as ${user.name}`).waitFor();
}

// Fetches an API path with the browser's session cookie and returns the
// parsed JSON.
export async function apiGet(run, apiPath) {
  const response = await run.context.request.get(`${run.baseUrl}${apiPath}`);
  assert.equal(response.status(), 200, `GET ${apiPath}: ${await response.text()}`);
  return response.json();
}

export async function screenshot(run, name) {
  await run.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// Waits until the trimmed text of the first match of `locator` equals
// `expected`, and fails with the last text seen.
export async function waitForText(locator, expected, timeoutMs = STEP_MS) {
  const deadline = Date.now() + timeoutMs;
  let actual;
  while (Date.now() < deadline) {
    actual = (await locator.first().textContent({ timeout: timeoutMs }).catch(() => null))?.trim();
    if (actual === expected) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(actual, expected, `text of ${locator} after ${timeoutMs} ms`);
}

// Opens the import page and starts a new import if the last one is shown.
export async function startImport(run) {
  const { page } = run;
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  const upload = page.getByLabel('Upload file', { exact: true });
  const another = page.getByRole('button', { name: 'Start another import', exact: true });
  // The page renders after the hash change, so wait for one of the two.
  await upload.or(another).waitFor();
  if (await another.isVisible()) {
    await another.click();
  }
  await upload.waitFor();
}

// Uploads `file` on the import page, maps its columns as `mapping` says
// (header text to field key, with an optional phone country), analyses it
// and imports it with the given person type, Discard or Merge, and
// optionally a tag option ("Automatically" or "Manually" with `tagName`)
// and the name of a journey for the tagged profiles. `outcome`, when
// given, is the expected projection of created, updated, promoted and
// discarded profiles. Returns when the import's outcome is shown.
export async function importFile(
  run,
  { file, personType, onMatch, mapping, valid, errors, tags, tagName, journey, outcome },
) {
  const { page } = run;
  await startImport(run);
  await page.getByLabel('Upload file', { exact: true }).setInputFiles(file);
  await page.getByRole('heading', { name: 'Map your data', exact: true }).waitFor();
  for (const [header, { field, country }] of Object.entries(mapping)) {
    const group = page.getByRole('group', { name: header, exact: true });
    await group.getByLabel('Profile field', { exact: true }).selectOption(field);
    if (country) {
      await group.getByLabel('Phone country', { exact: true }).fill(country);
    }
  }
  await page.getByLabel('Person type', { exact: true }).selectOption(personType);
  await page.getByRole('button', { name: 'Analyze', exact: true }).click();
  await waitForText(page.getByLabel('Valid records', { exact: true }), String(valid));
  await waitForText(page.getByLabel('Error records', { exact: true }), String(errors));
  await page.getByLabel(onMatch, { exact: true }).check();
  if (outcome) {
    await page.getByText(`With these choices: ${outcome}.`, { exact: true }).waitFor();
  }
  if (tags) {
    await page.getByLabel(tags, { exact: true }).check();
  }
  if (tagName) {
    await page.getByLabel('Tag name', { exact: true }).fill(tagName);
  }
  if (journey) {
    await page
      .getByLabel('Add tagged profiles to an active journey', { exact: true })
      .selectOption({ label: journey });
  }
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm the import', exact: true }).waitFor();
  if (journey) {
    await page.getByText(`The tagged profiles join the journey “${journey}”.`, { exact: false }).waitFor();
  }
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Import finished', exact: true }).waitFor();
}
