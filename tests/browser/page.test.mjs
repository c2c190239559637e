// page.test.mjs — the web page in Debian's Chromium (headless, through
// playwright-core) against `recip serve` on a free loopback port over a
// fresh demo database: sign in, log a visit and a give and see today's list
// change, run the give-first check, a script-looking name shown as text,
// sign out; a viewer cannot write. Writes screenshots of the main pages to
// $RECIP_SCREENSHOTS (docs/screenshots/ keeps copies for the README).
// Exits 77 (CTest: skipped) when playwright-core or Chromium is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RECIP = process.env.RECIP;
const require = createRequire(import.meta.url);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.log('# skipped: playwright-core is not installed (cd tests/browser && npm ci)');
  process.exit(77);
}
if (!existsSync(CHROMIUM) || !RECIP) {
  console.log(`# skipped: ${RECIP ? CHROMIUM + ' is missing' : 'RECIP is not set'}`);
  process.exit(77);
}

const SHOTS = process.env.RECIP_SCREENSHOTS || join(process.cwd(), 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'recip-browser-'));
const env = {
  ...process.env, RECIP_DB: join(dir, 'demo.db'), RECIP_NOW: '2026-11-23T12:00', HOME: dir,
  XDG_CONFIG_HOME: join(dir, 'config'), RECIP_ACTOR: 'setup', NO_COLOR: '1', LC_ALL: 'C.UTF-8',
};
let server, base, browser;

function recip(args, input) {
  const done = spawnSync(RECIP, args, { env, input, encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`recip ${args.join(' ')}: ${done.stderr}`);
  return done.stdout;
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  recip(['demo']);
  recip(['add', 'person', '<img src=x onerror="window.pwned=1">Eve']);
  recip(['user', 'add', 'mike', '--role', 'member'], 'member password\n');
  recip(['user', 'add', 'vera', '--role', 'viewer'], 'viewer password\n');
  server = spawn(RECIP, ['serve', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    server.stdout.once('data', (chunk) => {
      const m = String(chunk).match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      m ? resolve(m[0].replace(/\/$/, '')) : reject(new Error('the server did not start: ' + chunk));
    });
    server.once('exit', (code) => reject(new Error('the server exited: ' + code)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const stopped = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await stopped;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(page, name, password) {
  await page.goto(base + '/');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Today/ }).waitFor();
}

// Polls a predicate in the page. (page.waitForFunction compiles its predicate
// with eval inside the page, which the page's CSP rightly forbids.)
async function waitUntil(page, predicate, arg) {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate(predicate, arg)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting for ' + predicate);
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });

test('a member signs in, logs a visit and a give, checks an ask, signs out', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(base + '/');
  await page.getByRole('heading', { name: 'Sign in to recip' }).waitFor();
  await shot(page, 'sign-in');
  await page.getByLabel('Name').fill('mike');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('wrong user name or password').waitFor();

  await signIn(page, 'mike', 'member password');
  assert.equal(await page.locator('#who').textContent(), 'mike (member)');
  await shot(page, 'today');

  // a visit from someone due for contact takes them off today's list
  const dueLinks = page.locator('#today-due li a');
  const dueBefore = await dueLinks.allTextContents();
  assert.ok(dueBefore.length > 0, 'the demo has people due today');
  const visitor = dueBefore[0];
  await page.getByRole('button', { name: 'Visit', exact: true }).click();
  await page.locator('#form-visit').getByLabel('Who').fill(visitor);
  await page.locator('#form-visit').getByLabel('Spent').fill('4.50');
  await page.getByRole('button', { name: 'Record visit' }).click();
  await page.locator('#status').getByText(`Recorded visit for ${visitor}`).waitFor();
  await waitUntil(page, (name) => ![...document.querySelectorAll('#today-due li a')]
    .some((a) => a.textContent === name), visitor);
  const dueAfter = await dueLinks.allTextContents();
  assert.ok(!dueAfter.includes(visitor), `${visitor} left the due list`);
  assert.equal(dueAfter.length, dueBefore.length - 1);

  // a give to someone we owe changes what we owe them
  const owed = page.locator('#today-owe li');
  const owedName = await owed.first().locator('a').textContent();
  const owedBefore = await owed.first().locator('.balance').textContent();
  await page.getByRole('button', { name: 'Gave', exact: true }).click();
  const give = page.locator('#form-give');
  await give.getByLabel('Who').fill(owedName);
  await give.getByLabel('What').selectOption('gift');
  await give.getByLabel('personal').check();
  await give.getByRole('button', { name: 'Record gave' }).click();
  await page.locator('#status').getByText(`Recorded gave for ${owedName}`).waitFor();
  await waitUntil(page, ([name, before]) => {
    const row = [...document.querySelectorAll('#today-owe li')].find((li) => li.querySelector('a').textContent === name);
    return !row || row.querySelector('.balance').textContent !== before;
  }, [owedName, owedBefore]);
  await shot(page, 'today-after');

  // the party page: facts, timeline, chart, and the give-first check
  await page.locator('#today-owe li a').first().click();
  await page.locator('svg.chart').waitFor();
  await page.getByRole('button', { name: 'Can I ask?' }).click();
  const verdict = page.locator('#ask-result .verdict');
  await verdict.waitFor();
  assert.match(await verdict.textContent(), /^(Ready to ask|Not yet)$/);
  assert.ok(await page.locator('#ask-result .checks li').count() >= 5, 'every check is shown');
  assert.match(await page.locator('#ask-result').textContent(), /give/i);
  await shot(page, 'party');

  // the visitor's page shows the visit in the timeline
  await page.goto(base + '/#/search');
  await page.getByLabel('Name, e-mail, phone or tag').fill(visitor);
  await page.getByRole('link', { name: visitor, exact: true }).click();
  await page.locator('.timeline li').first().waitFor();
  assert.match(await page.locator('.timeline li').first().textContent(), /visit \(spent 4\.50\)/);

  // a script-looking name is text, never markup
  await page.goto(base + '/#/search');
  await page.getByLabel('Name, e-mail, phone or tag').fill('onerror');
  const eve = page.getByRole('link', { name: '<img src=x onerror="window.pwned=1">Eve' });
  await eve.waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await shot(page, 'search');

  await page.goto(base + '/#/due');
  await page.getByRole('heading', { name: 'Due for contact' }).waitFor();
  await page.getByLabel('Show who is due').selectOption('7');
  await shot(page, 'due');

  // sign out: the session is gone on the server too
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to recip' }).waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(status, 401);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a viewer reads but cannot write (phone-sized screen)', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, 'vera', 'viewer password');
  assert.equal(await page.locator('#form-visit').count(), 0, 'no log forms for a viewer');
  await shot(page, 'today-phone');
  await page.getByRole('link', { name: 'Log' }).click();
  await page.locator('#read-only').waitFor();
  const refused = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/visits', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
      body: JSON.stringify({ party: 1 }),
    });
    return [r.status, (await r.json()).error.code];
  });
  assert.deepEqual(refused, [403, 'forbidden']);
  // keyboard: the skip link is the first stop and leads to the content
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the content');
  await context.close();
});
