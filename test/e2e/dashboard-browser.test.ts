import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_TEXT } from '../helpers/stand-in-cloud.js';
import { startDashboardWorld, VERSIONED_MODEL, type DashboardWorld } from '../helpers/dashboard-world.js';

// The dashboard in a real headless Chromium (Debian's `chromium`, installed by .ci/run when
// missing) against the running gateway. Each run saves a screenshot per page in SCREENSHOTS.
const CHROMIUM = process.env.FLAMBEAU_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.FLAMBEAU_UI_SCREENSHOTS ?? '/tmp/flambeau-ui-screenshots';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let world: DashboardWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests the page made to any other origin than the gateway's: must stay empty (fully offline). */
const foreign: string[] = [];
/** Console errors and CSP violations the page reported. */
const problems: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  world = await startDashboardWorld();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(world.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('dialog', (d) => void d.accept());
});
after(async () => {
  await browser?.close();
  await world?.close();
});

async function shot(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function open(id: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Dashboard pages' }).getByRole('link', { name: heading, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  assert.ok(page.url().endsWith(`#/${id}`));
}

async function chatAuto(content: string): Promise<void> {
  const r = await fetch(`${world.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }] }),
  });
  assert.equal(r.status, 200);
}

describe('dashboard in a real browser', { concurrency: false }, () => {
  it('signs in with the master key; the key is in no cookie the page can read, nor in storage', async () => {
    await page.goto(`${world.url}/ui/`);
    await shot('00-sign-in');
    await page.getByLabel('Key').fill('flm-wrong-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key was refused.' }).waitFor();
    // By keyboard: the form submits on Enter.
    await page.getByLabel('Key').fill(world.key);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // Page-side code as text: this file is type-checked for Node, without the DOM's names.
    const seen = await page.evaluate<Record<string, string>>(
      '({ cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), html: document.documentElement.outerHTML })',
    );
    for (const place of Object.values(seen)) assert.ok(!place.includes(world.key));
    assert.equal(seen.cookie, '', 'the session cookie is HttpOnly');
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]?.httpOnly, true);
    assert.equal(cookies[0]?.sameSite, 'Strict');
    assert.ok(!(cookies[0]?.value ?? '').includes(world.key));
  });

  it('shows the overview counts move after a few requests', async () => {
    const requests = page.getByTestId('overview-requests');
    const before = Number((await requests.textContent())?.replace(/,/g, ''));
    for (let i = 0; i < 3; i++) await chatAuto(`Hello number ${i}`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    // Locators poll from outside the page: waitForFunction would need eval, which the CSP refuses.
    await requests.filter({ hasText: new RegExp(`^${before + 3}$`) }).waitFor();
    assert.notEqual(await page.getByTestId('overview-avoided').textContent(), '$0', "LAN answers priced at the route's cloud model");
    await page.locator('.plot canvas').first().waitFor();
    await shot('01-overview');
  });

  it('routing: decisions, rules, breakers, and the why box (reached by keyboard)', async () => {
    await page.getByRole('link', { name: 'Routing', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Routing' }).waitFor();
    // Focus moves to the new page's title once the page has rendered (an effect after the paint).
    await page.locator('h1#page-title:focus').waitFor();
    assert.equal(await page.evaluate<string>('document.activeElement?.id ?? ""'), 'page-title', "focus moves to the new page's title");
    await page.getByRole('table').first().waitFor();
    await page.getByRole('button', { name: 'Explain the route' }).click();
    const why = page.getByTestId('explain-answer');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /default/);
    await shot('02-routing');
  });

  it('privacy and injection: findings by type, never values', async () => {
    const email = 'jeanne.morel@example.fr';
    const r = await fetch(`${world.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud-big', messages: [{ role: 'user', content: `Write to ${email} today.` }] }),
    });
    assert.equal(r.status, 200);
    await open('privacy', 'Privacy and injection');
    await page.getByRole('cell', { name: 'EMAIL', exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(email));
    await shot('03-privacy');
  });

  it('models: promotes a version with a button', async () => {
    await open('models', 'Models');
    await page.getByRole('button', { name: `Promote ${VERSIONED_MODEL} version 2` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${VERSIONED_MODEL} v2 promoted` })
      .waitFor();
    await page.getByRole('button', { name: `Promote ${VERSIONED_MODEL} version 1` }).waitFor();
    const pointer = world.gateway.store.db.prepare('SELECT current FROM model_pointers WHERE name = ?').get(VERSIONED_MODEL) as { current: number };
    assert.equal(pointer.current, 2);
    await shot('04-models');
  });

  it('keys: creates a key shown once, then revokes it', async () => {
    await open('keys', 'Keys and budgets');
    await page.getByLabel('Name').fill('browser-made');
    await page.getByLabel('Budget (optional, e.g. 25/month)').fill('5/month');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent()) ?? '';
    assert.match(key, /^flm_/);
    const ok = await fetch(`${world.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(ok.status, 200, 'the key shown works');
    await page.getByRole('row').filter({ hasText: 'browser-made' }).waitFor();
    await shot('05-keys');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByTestId('new-key').count(), 0, 'shown once');
    await page.getByRole('button', { name: 'Revoke browser-made' }).click();
    await page.getByRole('row').filter({ hasText: 'browser-made' }).getByText('revoked').waitFor();
    const refused = await fetch(`${world.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(refused.status, 401);
  });

  it('knowledge: collections and a search with citations', async () => {
    await open('knowledge', 'Knowledge');
    await page.getByRole('cell', { name: 'handbook', exact: true }).waitFor();
    await page.getByLabel('Question').fill('how many days of paid leave');
    await page.getByRole('button', { name: 'Search all collections' }).click();
    const hits = page.getByTestId('knowledge-hits');
    await hits.waitFor();
    assert.match((await hits.textContent()) ?? '', /twenty-five days/);
    assert.match((await hits.locator('cite').first().textContent()) ?? '', /handbook · .*leave\.md/);
    await shot('06-knowledge');
  });

  it('audit: verifies the chain and lists the last records', async () => {
    await open('audit', 'Audit');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    assert.match((await page.getByTestId('audit-verify').textContent()) ?? '', /intact/);
    await page
      .getByRole('cell', { name: /model\.promoted/ })
      .first()
      .waitFor();
    await shot('07-audit');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export (NDJSON)' }).click()]);
    assert.match(download.suggestedFilename(), /^flambeau-audit-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const lines = (await readFile((await download.path()) as string, 'utf8')).trim().split('\n');
    assert.ok(lines.length >= 5);
    assert.ok(
      lines.every((line) => typeof (JSON.parse(line) as { hash?: unknown }).hash === 'string'),
      'each line a chained record',
    );
  });

  it('evaluations: eval runs and shadow reports', async () => {
    const started = new Date().toISOString();
    const result = (caseId: string, pass: boolean) => ({
      case_id: caseId,
      model: 'cloud-big',
      grader: 'contains',
      pass,
      reason: 'checked',
      latency_ms: 12.5,
      input_tokens: 10,
      output_tokens: 4,
      request_id: `ev-${caseId}`,
    });
    const stored = await fetch(`${world.url}/admin/evals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: 'builtin:smoke',
        suite_sha256: 'a'.repeat(64),
        models: ['cloud-big'],
        judge: null,
        started_at: started,
        finished_at: started,
        cases: 2,
        results: [result('c1', true), result('c2', false)],
      }),
    });
    assert.equal(stored.status, 201);
    await open('evals', 'Evaluations');
    await page.getByRole('heading', { name: 'Shadow reports (30 days)' }).waitFor();
    await page.getByText('cloud-big: 1/2 (50%)').waitFor();
    await page.getByRole('cell', { name: 'office-chat vs cloud-big' }).waitFor();
    await shot('08-evals');
  });

  it('playground: a streamed answer with route, model, locality and privacy badges', async () => {
    await open('playground', 'Playground');
    await page.getByLabel('Model or route').selectOption('cloud-big');
    await page.getByLabel('Message').fill('Please email jeanne.morel@example.fr the minutes.');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.turn.assistant');
    await answer.filter({ hasText: DEFAULT_TEXT }).waitFor();
    await page.getByRole('button', { name: 'Send' }).and(page.locator(':enabled')).waitFor();
    const badges = (await page.getByTestId('playground-badges').textContent()) ?? '';
    assert.match(badges, /cloud-upstream/);
    assert.match(badges, /cloud/);
    assert.match(badges, /EMAIL=1/);
    assert.ok(((await answer.textContent()) ?? '').length > 0);
    const streamed = world.cloud.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1);
    assert.equal((streamed?.body as { stream?: boolean }).stream, true, 'the upstream call streamed');
    await shot('09-playground');
  });

  it('refuses a state-changing call made without the CSRF header', async () => {
    const status = await page.evaluate(async () => {
      const r = await fetch('/ui/api/admin/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'no-csrf' }),
      });
      return r.status;
    });
    assert.equal(status, 403);
  });

  it('signs out: back to the sign-in form, and the old session opens nothing', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/ui/api/admin/dashboard/keys')).status);
    assert.equal(status, 401);
  });

  it('a key without admin rights sees its own usage and the playground only', async () => {
    const made = await fetch(`${world.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'carol' }),
    });
    const key = ((await made.json()) as { key: string }).key;
    const r = await fetch(`${world.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hello from carol' }] }),
    });
    assert.equal(r.status, 200);
    await page.getByLabel('Key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed out from the playground, signed in again on the same page: it is one of the two.
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    await open('overview', 'Overview');
    await page.getByText('Your own usage with this key.').waitFor();
    const links = await page.getByRole('navigation', { name: 'Dashboard pages' }).getByRole('link').allTextContents();
    assert.deepEqual(links, ['Overview', 'Playground']);
    // Carol's chat and the playground's model list she loaded on signing in: hers only.
    const own = await page.evaluate<number>(`fetch('/ui/own/overview').then((r) => r.json()).then((o) => o.totals.requests)`);
    const all = (await (await fetch(`${world.url}/admin/dashboard/overview`, { headers: { authorization: `Bearer ${world.key}` } })).json()) as {
      totals: { requests: number };
    };
    assert.ok(own >= 1 && own < all.totals.requests, `own ${own}, all ${all.totals.requests}`);
    await page
      .getByTestId('overview-requests')
      .filter({ hasText: new RegExp(`^${own}$`) })
      .waitFor();
    await shot('10-own-usage');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(foreign, [], 'nothing was fetched from another origin');
    assert.deepEqual(problems, [], 'no console error or CSP violation');
  });
});
