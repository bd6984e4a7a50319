// The demo chat (./portcullis demo) in real headless Chromium: two users chatting in private
// threads, a 5-second token refreshed during a long stream, and a sign-out by the backend that
// closes the socket. Screenshots go to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 20_000;

let server;
let baseUrl;
let browser;
let data;

/** Starts `./portcullis demo` on a free loopback port with a fresh data directory. */
async function startDemo() {
  data = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('PORTCULLIS_')) delete env[name];
  }
  const child = spawn(join(root, 'portcullis'), ['demo', '--host', '127.0.0.1', '--port', '0', '--data', data],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start in 120 s:\n' + output)), 120_000);
    const read = (chunk) => {
      output += chunk;
      // The demo seed prints after the listening line: wait for it, the project must exist.
      const listening = output.match(/Portcullis listening on (http:\/\/\S+)/);
      if (listening && output.includes('Demo project ')) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  ({ child: server, url: baseUrl } = await startDemo());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root on a closed network: no sandbox, no GPU, and none of Chromium's own calls home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

after(async () => {
  if (firstTokenMs.length > 0) {
    const sorted = [...firstTokenMs].sort((a, b) => a - b);
    const metrics = { first_streamed_token_ms: sorted, median: sorted[Math.floor(sorted.length / 2)] };
    writeFileSync(join(artifacts, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
    console.log(`# time to first streamed token (ms): ${sorted.join(', ')}`);
  }
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  if (data) rmSync(data, { recursive: true, force: true });
});

/** A fresh browser context (its own cookies) signed in as `user` on the demo page. */
async function signedIn(user, query = '') {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}/demo/${query}`);
  await page.getByTestId(`signin-${user}`).click();
  await page.getByTestId('user').filter({ hasText: user }).waitFor();
  await page.locator('[data-testid="socket-state"].open').waitFor();
  return { context, page, errors };
}

/** Creates a thread, sends `text`, and waits for the echo agent's whole answer. */
async function chat(page, text) {
  const before = await page.getByTestId('thread').count();
  await page.getByTestId('new-thread').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="thread"]').length === n + 1, before);
  await page.getByTestId('input').fill(text);
  const sent = Date.now();
  await page.getByTestId('send').click();
  // Time to first streamed token, as the user sees it: from the click to the first word on screen.
  await page.waitForFunction(() => [...document.querySelectorAll('li.assistant')].some((li) => li.textContent.length > 0));
  firstTokenMs.push(Date.now() - sent);
  await page.locator('li.assistant[data-testid="answer"]', { hasText: text }).waitFor({ timeout: 60_000 });
  return page.locator('nav li.selected').getAttribute('data-thread-id');
}

/** Milliseconds from Send to the first word of the answer on screen, for every chat. */
const firstTokenMs = [];

async function threadIds(page) {
  return page.$$eval('[data-testid="thread"]', (items) => items.map((i) => i.dataset.threadId));
}

test('alice and bob each chat in private threads and neither sees the other', async () => {
  const alice = await signedIn('alice');
  const bob = await signedIn('bob');

  const aliceThread = await chat(alice.page, 'hello from alice');
  const bobThread = await chat(bob.page, 'hi there from bob');
  await alice.page.reload();
  await alice.page.getByTestId('signin-alice').click();
  await alice.page.locator(`[data-testid="thread"][data-thread-id="${aliceThread}"]`).waitFor();
  await bob.page.reload();
  await bob.page.getByTestId('signin-bob').click();
  await bob.page.locator(`[data-testid="thread"][data-thread-id="${bobThread}"]`).waitFor();

  assert.ok((await threadIds(alice.page)).includes(aliceThread));
  assert.ok(!(await threadIds(alice.page)).includes(bobThread), "alice sees bob's thread");
  assert.ok((await threadIds(bob.page)).includes(bobThread));
  assert.ok(!(await threadIds(bob.page)).includes(aliceThread), "bob sees alice's thread");
  assert.equal(await bob.page.getByText('hello from alice').count(), 0);
  await alice.page.screenshot({ path: join(artifacts, 'alice.png') });
  await bob.page.screenshot({ path: join(artifacts, 'bob.png') });
  assert.deepEqual([...alice.errors, ...bob.errors], []);
  await alice.context.close();
  await bob.context.close();
});

test('a 5-second token is refreshed during a long stream without the user noticing', async () => {
  const alice = await signedIn('alice', '?ttl=5');
  // 150 words at 60 ms a word: about 9 seconds of streaming, nearly two token lifetimes.
  const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');

  await chat(alice.page, words);

  const refreshes = Number(await alice.page.getByTestId('token-refreshes').textContent());
  // About every 2.5 s (half the token's lifetime): a few, not one per server warning in a loop.
  assert.ok(refreshes >= 2 && refreshes <= 10, `the token was refreshed ${refreshes} times`);
  assert.equal(await alice.page.evaluate(() => document.body.dataset.socketCloses ?? '0'), '0',
    'the socket closed during the stream');
  assert.equal(await alice.page.locator('li.assistant[data-testid="answer"]', { hasText: words }).count(), 1);
  await alice.page.screenshot({ path: join(artifacts, 'refreshed.png') });
  assert.deepEqual(alice.errors, []);
  await alice.context.close();
});

test('signing alice out from the backend closes her socket and shows her signed out', async () => {
  const alice = await signedIn('alice');
  await chat(alice.page, 'one last message');

  const response = await fetch(`${baseUrl}/demo/api/logout`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'alice' }),
  });
  assert.equal(response.status, 204);

  await alice.page.getByTestId('signedout').waitFor({ state: 'visible' });
  assert.ok(Number(await alice.page.evaluate(() => document.body.dataset.socketCloses ?? '0')) >= 1);
  // Her browser still holds the backend's session cookie, but the backend mints no more for her.
  const status = await alice.page.evaluate(() => fetch('/demo/api/token', { method: 'POST' }).then((r) => r.status));
  assert.equal(status, 401, 'the backend still mints for a signed-out user');
  await alice.page.screenshot({ path: join(artifacts, 'signed-out.png') });
  await alice.context.close();
});
