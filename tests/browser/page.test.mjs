// page.test.mjs — the web page in Debian's Chromium (headless, through
// playwright-core) against `recip serve` on a free loopback port over a
// fresh demo database: sign in, see the agenda and dismiss a moment, log a
// visit and a give and see the agenda and the party change, run the
// give-first check, see trust, advocates and NPS (and an NPS answer change
// it), a script-looking name shown as text, every input labelled and focus
// visible, sign out; a viewer on a phone-sized screen cannot write. Writes
// screenshots of the main pages to $RECIP_SCREENSHOTS (docs/screenshots/
// keeps copies for the README).
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
  recip(['add', 'person', 'Nina Park']);
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

// The agenda is long: its pictures show the first screenful, as one sees it.
// The status line is a passing message: it is cleared so it covers nothing.
async function shot(page, name, fullPage = true) {
  await page.evaluate(() => { document.getElementById('status').textContent = ''; });
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage });
}


// Every input, select and textarea has a label a screen reader reads out.
async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML));
}

// The focused element draws an outline when reached from the keyboard.
async function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return el !== document.body && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

async function agendaNames(page, section) {
  return page.locator(`#agenda-${section} li > .row > a`).allTextContents();
}

test('a member works through the day: agenda, visit, give, ask, advocates, NPS, sign out', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(base + '/');
  await page.getByRole('heading', { name: 'Sign in to recip' }).waitFor();
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'sign-in');
  await page.getByLabel('Name').fill('mike');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('wrong user name or password').waitFor();

  await signIn(page, 'mike', 'member password');
  assert.equal(await page.locator('#who').textContent(), 'mike (member)');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Today, Monday 2026-11-23');
  // the agenda's sections, in the server's order, with their totals
  assert.deepEqual(await page.locator('main h2').allTextContents(), ['Moments (21)', 'Promises due (5)',
    'Owed favours (4)', 'Asks to follow up (4)', 'Get back in touch (14)', 'Expected today (18)', 'Log']);
  for (const id of ['moments', 'promises', 'owed', 'asks', 'due', 'expected'])
    assert.ok(await page.locator(`#agenda-${id} li`).count() > 0, `the demo fills the agenda's ${id}`);
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'today', false);

  // dismissing a moment takes it off the agenda
  const moment = page.locator('#agenda-moments li').first();
  const key = await moment.getAttribute('data-key');
  await moment.getByRole('button', { name: /^Dismiss / }).click();
  await page.locator('#status').getByText(/^Dismissed: /).waitFor();
  await waitUntil(page, (k) => !document.querySelector(`#agenda-moments li[data-key="${k}"]`), key);
  // … and undo brings it back, once
  await page.locator('#undo').getByRole('button', { name: /^Bring back / }).click();
  await page.locator('#status').getByText(/^Brought back: /).waitFor();
  await waitUntil(page, (k) => Boolean(document.querySelector(`#agenda-moments li[data-key="${k}"]`)), key);
  assert.equal(await page.locator('#undo').count(), 0);
  await page.locator(`#agenda-moments li[data-key="${key}"]`).getByRole('button', { name: /^Dismiss / }).click();
  await waitUntil(page, (k) => !document.querySelector(`#agenda-moments li[data-key="${k}"]`), key);

  // the agenda shows the first few of each section, and everything on demand
  assert.equal(await page.locator('#agenda-moments li').count(), 10);
  await page.getByRole('button', { name: 'Show everything' }).click();
  await page.getByRole('button', { name: 'Show the first few of each' }).waitFor();
  assert.equal(await page.locator('#agenda-moments li').count(), 20, 'all 21 moments but the one dismissed');
  assert.equal(await page.locator('#agenda-due li').count(), 14);

  // a visit from someone due for contact takes them off the agenda's due list
  const dueBefore = await agendaNames(page, 'due');
  const visitor = dueBefore[0];
  await page.getByRole('button', { name: 'Visit', exact: true }).click();
  await page.locator('#form-visit').getByLabel('Who').fill(visitor);
  await page.locator('#form-visit').getByLabel('Spent').fill('4.50');
  await page.getByRole('button', { name: 'Record visit' }).click();
  await page.locator('#status').getByText(`Recorded visit for ${visitor}`).waitFor();
  await waitUntil(page, (name) => ![...document.querySelectorAll('#agenda-due li > .row > a')]
    .some((a) => a.textContent === name), visitor);

  // a give to someone we owe changes what the agenda says about them
  const owed = page.locator('#agenda-owed li').first();
  const owedName = await owed.locator('.row > a').textContent();
  const owedBefore = await owed.locator('.suggestion').textContent();
  await page.getByRole('button', { name: 'Gave', exact: true }).click();
  const give = page.locator('#form-give');
  await give.getByLabel('Who').fill(owedName);
  await give.getByLabel('What').selectOption('gift');
  await give.getByLabel('personal').check();
  await give.getByRole('button', { name: 'Record gave' }).click();
  await page.locator('#status').getByText(`Recorded gave for ${owedName}`).waitFor();
  await waitUntil(page, ([name, before]) => {
    const row = [...document.querySelectorAll('#agenda-owed li')].find((li) => li.querySelector('.row > a').textContent === name);
    return !row || row.querySelector('.suggestion').textContent !== before;
  }, [owedName, owedBefore]);

  // the party page: the give is on the timeline, the chart, trust, and the give-first check
  await page.goto(base + '/#/search');
  await page.getByLabel('Name, e-mail, phone or tag').fill(owedName);
  await page.getByRole('link', { name: owedName, exact: true }).click();
  await page.locator('svg.chart').first().waitFor();
  assert.match(await page.locator('.timeline li').first().textContent(), /gift/);
  assert.equal(await page.locator('#trust dt').count(), 4, 'the four trust components');
  assert.match(await page.locator('#trust').textContent(), /trust = \(/);
  assert.equal(await page.locator('#trust svg rect.bar').count(), 4);
  await page.getByLabel('Ask for').selectOption('review');
  await page.getByRole('button', { name: 'Can I ask?' }).click();
  const verdict = page.locator('#ask-result .verdict');
  await verdict.waitFor();
  assert.match(await verdict.textContent(), /^(Ready to ask|Not yet)$/);
  const checks = await page.locator('#ask-result .checks li strong').allTextContents();
  assert.deepEqual(checks, ['gave first', 'balance', 'no open ask', 'cool-down', 'in touch']);
  assert.match(await page.locator('#ask-result .suggestion').textContent(), /give/i);
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'party');
  await page.locator('section[aria-labelledby="h-can-i-ask-"]').screenshot({ path: join(SHOTS, 'ask-check.png') });

  // the visitor's page shows the visit in the timeline
  await page.goto(base + '/#/search');
  await page.getByLabel('Name, e-mail, phone or tag').fill(visitor);
  await page.getByRole('link', { name: visitor, exact: true }).click();
  await page.locator('.timeline li').first().waitFor();
  assert.match(await page.locator('.timeline li').first().textContent(), /visit \(spent 4\.50\)/);

  // a script-looking name is text, never markup
  await page.goto(base + '/#/search');
  await page.getByLabel('Name, e-mail, phone or tag').fill('onerror');
  await page.getByRole('link', { name: '<img src=x onerror="window.pwned=1">Eve' }).waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await shot(page, 'search');

  await page.goto(base + '/#/due');
  await page.getByRole('heading', { name: 'Due for contact' }).waitFor();
  await page.getByLabel('Show who is due').selectOption('7');
  await shot(page, 'due');

  // advocates ranked with their components, and the detractors to follow up
  await page.getByRole('link', { name: 'Advocates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Advocates' }).waitFor();
  const first = page.locator('#advocates-table tbody tr').first();
  assert.equal(await first.locator('td').first().textContent(), '1');
  assert.equal(await first.locator('th').textContent(), 'Ana Lopez');
  assert.equal(await first.locator('td.score').textContent(), '15');
  assert.equal(await first.locator('td').nth(1).textContent(), '2 → 10', 'two converted referrals, 5 points each');
  assert.ok(await page.locator('svg.chart rect.part').count() > 0);
  assert.ok(await page.locator('#detractors li').count() > 0);
  await shot(page, 'advocates');

  // NPS: the score, a bar a month, and a new promoter counts
  await page.getByRole('link', { name: 'NPS' }).click();
  await page.getByRole('heading', { level: 1, name: 'Net Promoter Score' }).waitFor();
  const respondents = async () => Number((await page.locator('#nps-score').textContent()).match(/(\d+) respondents/)[1]);
  const before = await respondents();
  assert.equal(before, 26);
  assert.equal(await page.locator('svg.chart g.month').count(), await page.locator('table.sr-only tbody tr').count());
  assert.ok(await page.locator('svg.chart rect.bar').count() >= 3);
  await page.getByRole('link', { name: 'Log' }).click();
  await page.getByRole('button', { name: 'NPS answer', exact: true }).click();
  await page.locator('#form-nps').getByLabel('Who').fill('Nina Park');
  await page.locator('#form-nps').getByLabel('Score (0–10)').fill('10');
  await page.locator('#form-nps').getByLabel('What they said').fill('lovely place');
  await page.getByRole('button', { name: 'Record nps answer' }).click();
  await page.locator('#status').getByText('Recorded nps answer for Nina Park').waitFor();
  await page.getByRole('link', { name: 'NPS' }).click();
  await page.locator('#nps-latest').getByText('lovely place').waitFor();
  assert.equal(await respondents(), before + 1);
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'nps');

  // keyboard: tabbing reaches the navigation and shows where focus is
  await page.locator('h1').focus();
  await page.keyboard.press('Shift+Tab');
  assert.ok(await focusVisible(page), 'focus is visible');

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
  assert.ok(await page.locator('#agenda-moments li').count() > 0);
  assert.equal(await page.getByRole('button', { name: /^Dismiss / }).count(), 0, 'no dismiss for a viewer');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'nothing wider than the phone');
  await shot(page, 'today-phone', false);
  await page.getByRole('link', { name: 'Advocates' }).click();
  await page.locator('#detractors').waitFor();
  assert.equal(await page.getByRole('button', { name: /followed up$/ }).count(), 0);
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
  assert.ok(await focusVisible(page), 'the skip link shows focus');
  await context.close();
});
