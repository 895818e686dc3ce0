import { request as httpRequest } from 'node:http';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway } from '../helpers/start-gateway.js';
import { startDashboardWorld, sessionCookieOf, VERSIONED_MODEL, type DashboardWorld } from '../helpers/dashboard-world.js';

// The dashboard's server side through real HTTP: the page and its assets, sign-in and the session
// cookie, the CSRF header, the /ui/api/ proxy (every guard of the session's key applies), and the
// admin endpoints the pages read.

let world: DashboardWorld;
before(async () => {
  world = await startDashboardWorld();
});
after(async () => world?.close());

async function signIn(key: string): Promise<{ cookie: string; csrf: string; body: Record<string, unknown> }> {
  const response = await fetch(`${world.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  assert.equal(response.status, 200);
  const cookie = sessionCookieOf(response);
  assert.ok(cookie !== null);
  const body = (await response.json()) as Record<string, unknown>;
  return { cookie, csrf: body.csrf_token as string, body };
}

function ui(path: string, init: { method?: string; cookie?: string; csrf?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.csrf !== undefined) headers['x-flambeau-csrf'] = init.csrf;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${world.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
}

async function chat(key: string, content: string, model = 'auto'): Promise<Response> {
  return fetch(`${world.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
}

describe('dashboard: page and assets', () => {
  it('serves the page with a CSP without inline script, and hashed assets compressed and cached for a year', async () => {
    const page = await fetch(`${world.url}/ui/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.doesNotMatch(html, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from another origin');
    const script = /src="(\/ui\/assets\/app\.[0-9a-f]{12}\.js)"/.exec(html)?.[1];
    const style = /href="(\/ui\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    assert.ok(script !== undefined && style !== undefined);

    const js = await fetch(`${world.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(js.headers.get('content-encoding'), 'br');
    const raw = await fetch(`${world.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(raw.headers.get('content-encoding'), null);
    assert.equal((await fetch(`${world.url}${style}`)).headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal((await fetch(`${world.url}/ui/assets/app.000000000000.js`)).status, 404);
  });

  it('answers 405 with allow for a wrong method, 404 for an unknown /ui path or a path the proxy does not reach', async () => {
    const wrong = await fetch(`${world.url}/ui/`, { method: 'POST' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${world.url}/ui/nothing`)).status, 404);
    const s = await signIn(world.key);
    assert.equal((await ui('/ui/api/metrics', { cookie: s.cookie })).status, 404);
    assert.equal((await ui('/ui/api/ui/session', { cookie: s.cookie })).status, 404, 'no loop back into /ui');
  });

  it('is off with ui.enabled: false', async () => {
    const off = await startTestGateway({ ui: { enabled: false } });
    try {
      assert.equal((await fetch(`${off.url}/ui/`)).status, 404);
      assert.equal(off.gateway.uiUrl, null);
      assert.equal((await fetch(`${off.url}/v1/models`, { headers: { authorization: `Bearer ${off.key}` } })).status, 200);
    } finally {
      await off.close();
    }
  });

  it('keeps the first load under 250 KB of brotli-compressed JavaScript', async () => {
    const html = await (await fetch(`${world.url}/ui/`)).text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    // fetch() decodes the body: read the compressed length from the header.
    const response = await fetch(`${world.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    const compressed = Number(response.headers.get('content-length'));
    assert.ok(compressed > 0 && compressed <= 250 * 1024, `brotli JS is ${compressed} bytes`);
  });
});

describe('dashboard: sessions', () => {
  it('signs in with the master key into an HttpOnly, SameSite=Strict, expiring cookie that never holds the key', async () => {
    const response = await fetch(`${world.url}/ui/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: world.key }),
    });
    assert.equal(response.status, 200);
    const header = response.headers.get('set-cookie') ?? '';
    assert.match(header, /^flambeau_session=[^;]+; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    assert.ok(!header.includes(world.key));
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.admin, true);
    assert.ok(!JSON.stringify(body).includes(world.key));
    const me = await ui('/ui/session', { cookie: sessionCookieOf(response) as string });
    assert.equal(((await me.json()) as { name: string }).name, 'master');
  });

  it('signs in with an admin key (endpoints naming `admin`) as an admin', async () => {
    const made = (await (
      await fetch(`${world.url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ops-signin', endpoints: ['admin'] }),
      })
    ).json()) as { key: string };
    const signIn = await fetch(`${world.url}/ui/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: made.key }),
    });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    assert.equal(((await signIn.json()) as { admin: boolean }).admin, true);
  });

  it('refuses a wrong key (401), a form post (415), a forged or missing cookie (401)', async () => {
    const wrong = await fetch(`${world.url}/ui/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'flm-nope' }),
    });
    assert.equal(wrong.status, 401);
    const form = await fetch(`${world.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'key=x' });
    assert.equal(form.status, 415);
    const { cookie } = await signIn(world.key);
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await ui('/ui/session', { cookie: forged })).status, 401);
    assert.equal((await ui('/ui/api/admin/dashboard/overview')).status, 401);
  });

  it("refuses a state-changing call without the CSRF header (403), and with another session's token", async () => {
    const a = await signIn(world.key);
    const b = await signIn(world.key);
    const none = await ui('/ui/api/admin/keys', { method: 'POST', cookie: a.cookie, body: { name: 'csrf-less' } });
    assert.equal(none.status, 403);
    assert.equal(((await none.json()) as { error: { code: string; details: { denied: string } } }).error.details.denied, 'csrf');
    assert.equal((await ui('/ui/api/admin/keys', { method: 'POST', cookie: a.cookie, csrf: b.csrf, body: { name: 'wrong-token' } })).status, 403);
    const keys = (await (await ui('/ui/api/admin/keys', { cookie: a.cookie })).json()) as { data: { name: string }[] };
    assert.ok(!keys.data.some((k) => k.name === 'csrf-less' || k.name === 'wrong-token'), 'nothing was created');
    assert.equal((await ui('/ui/session', { method: 'DELETE', cookie: a.cookie })).status, 403, 'sign-out is state-changing too');
  });

  it('signs out: the cookie is cleared and the session no longer opens anything', async () => {
    const s = await signIn(world.key);
    const out = await ui('/ui/session', { method: 'DELETE', cookie: s.cookie, csrf: s.csrf });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /flambeau_session=; .*Max-Age=0/);
    assert.equal((await ui('/ui/api/admin/dashboard/keys', { cookie: s.cookie })).status, 401);
  });

  it('ends a session when its key is revoked, and a non-admin key sees only its own usage', async () => {
    const admin = await signIn(world.key);
    const made = (await (await ui('/ui/api/admin/keys', { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { name: 'alice' } })).json()) as {
      id: string;
      key: string;
    };
    const other = (await (await ui('/ui/api/admin/keys', { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { name: 'bob' } })).json()) as {
      key: string;
    };
    assert.equal((await chat(made.key, 'Hello from alice')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await chat(other.key, 'Hello from bob')).status, 200);

    const alice = await signIn(made.key);
    assert.equal(alice.body.admin, false);
    assert.equal((await ui('/ui/api/admin/dashboard/overview', { cookie: alice.cookie })).status, 403, 'admin endpoints keep their guard');
    const own = (await (await ui('/ui/own/overview?window=1h', { cookie: alice.cookie })).json()) as { totals: { requests: number } };
    assert.equal(own.totals.requests, 1, "alice's one request, not bob's three");
    const all = (await (await ui('/ui/api/admin/dashboard/overview?window=1h', { cookie: admin.cookie })).json()) as { totals: { requests: number } };
    assert.ok(all.totals.requests >= 4);

    assert.equal((await ui(`/ui/api/admin/keys/${made.id}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf })).status, 200);
    const after = await ui('/ui/own/overview', { cookie: alice.cookie });
    assert.equal(after.status, 401);
    assert.match(after.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await ui('/ui/session', { cookie: alice.cookie })).status, 401, 'the session is gone, not only refused once');
  });

  it('limits sign-in attempts per address (429 after 10 a minute)', async () => {
    // Earlier tests spent some of this minute's attempts, and the window may restart once during
    // the loop: 23 tries hold 11 in one window whatever happens.
    let status = 0;
    for (let i = 0; i < 23 && status !== 429; i++) {
      status = (
        await fetch(`${world.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'flm-guess' }) })
      ).status;
    }
    assert.equal(status, 429);
  });
});

describe('dashboard: admin endpoints', () => {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${world.url}${path}`, { ...init, headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it("overview counts requests, tokens, locality shares, cloud cost avoided at the route's cloud price, latency", async () => {
    const before = (await (await admin('/admin/dashboard/overview?window=1h')).json()) as { totals: { requests: number }; by_locality: Record<string, number> };
    for (let i = 0; i < 2; i++) assert.equal((await chat(world.key, 'Say hello.')).status, 200);
    const o = (await (await admin('/admin/dashboard/overview?window=1h')).json()) as {
      totals: { requests: number; inputTokens: number; outputTokens: number };
      by_locality: Record<string, number>;
      cost_avoided: { usd: number; byRoute: { route: string; model: string; usd: number }[] };
      latency_ms: { p50: number | null; p95: number | null };
      series: { requests: number }[];
    };
    assert.equal(o.totals.requests, before.totals.requests + 2);
    assert.equal((o.by_locality.lan ?? 0) - (before.by_locality.lan ?? 0), 2);
    assert.equal(o.series.length, 60);
    assert.equal(
      o.series.reduce((s, p) => s + p.requests, 0),
      o.totals.requests,
    );
    const route = o.cost_avoided.byRoute.find((r) => r.route === 'default');
    assert.equal(route?.model, 'cloud-big');
    assert.ok((route?.usd ?? 0) > 0);
    assert.ok(o.latency_ms.p50 !== null && o.latency_ms.p95 !== null && o.latency_ms.p50 <= o.latency_ms.p95);
    assert.equal((await admin('/admin/dashboard/overview?window=2y')).status, 400);
  });

  it('routing gives decisions by rule and target, the rules and breaker states', async () => {
    const r = (await (await admin('/admin/dashboard/routing?window=1h')).json()) as {
      decisions: { route: string | null; provider: string; requests: number; fallback: boolean }[];
      routes: { name: string; targets: { model: string; locality: string }[] }[];
      breakers: Record<string, { state: string }>;
    };
    const row = r.decisions.find((d) => d.route === 'default' && d.provider === 'office');
    assert.ok(row !== undefined && row.requests >= 2 && !row.fallback);
    assert.deepEqual(
      r.routes.find((x) => x.name === 'default')?.targets.map((t) => [t.model, t.locality]),
      [
        ['office-chat', 'lan'],
        ['cloud-big', 'cloud'],
      ],
    );
    assert.equal(r.breakers.office?.state, 'closed');
  });

  it('privacy counts findings by type and action, never values, and the answer says what was replaced', async () => {
    const email = 'jeanne.morel@example.fr';
    const answer = await chat(world.key, `Write to ${email} about the meeting.`, 'cloud-big');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('x-flambeau-privacy') ?? '', /^action=redact, .*EMAIL=1/);
    const p = await (await admin('/admin/dashboard/privacy?window=1h')).text();
    assert.ok(!p.includes(email));
    const body = JSON.parse(p) as { findings: { type: string; action: string; count: number }[] };
    assert.ok(body.findings.some((f) => f.type === 'EMAIL' && f.action === 'redact' && f.count >= 1));
  });

  it('keys with spend, model versions promoted and rolled back (audited), collections, audit records', async () => {
    const k = (await (await admin('/admin/dashboard/keys')).json()) as { keys: { name: string; spend: { spent_usd: number } }[] };
    assert.ok(k.keys.every((x) => typeof x.spend.spent_usd === 'number'));

    const list = async () =>
      (
        (await (await admin('/admin/model-versions')).json()) as {
          data: { name: string; locality: string; versions: { current: number; list: unknown[] } | null; diskBytes: number }[];
        }
      ).data;
    const model = (await list()).find((m) => m.name === VERSIONED_MODEL);
    assert.equal(model?.locality, 'device');
    assert.equal(model?.versions?.current, 1);
    assert.equal(model?.versions?.list.length, 2);
    assert.ok((model?.diskBytes ?? 0) > 0);
    const promoted = await admin(`/admin/model-versions/${VERSIONED_MODEL}/promote`, { method: 'POST', body: JSON.stringify({ version: 2 }) });
    assert.equal(promoted.status, 200);
    assert.equal(((await promoted.json()) as { versions: { current: number } }).versions.current, 2);
    assert.equal((await admin(`/admin/model-versions/${VERSIONED_MODEL}/promote`, { method: 'POST', body: JSON.stringify({ version: 9 }) })).status, 404);
    assert.equal((await admin(`/admin/model-versions/${VERSIONED_MODEL}/promote`, { method: 'POST', body: JSON.stringify({ version: 'two' }) })).status, 400);
    assert.equal((await admin('/admin/model-versions/nope/rollback', { method: 'POST' })).status, 404);
    assert.equal((await admin(`/admin/model-versions/${VERSIONED_MODEL}/rollback`, { method: 'POST' })).status, 200);
    assert.equal((await list()).find((m) => m.name === VERSIONED_MODEL)?.versions?.current, 1);

    const c = (await (await admin('/admin/knowledge/collections')).json()) as { data: { name: string; files: number; last_ingest_at: string }[] };
    assert.equal(c.data.find((x) => x.name === 'handbook')?.files, 2);

    const a = (await (await admin('/admin/audit/records?limit=5')).json()) as { data: { seq: number; type: string; event: { action?: string } }[] };
    assert.equal(a.data.length, 5);
    assert.ok(a.data[0] !== undefined && a.data[1] !== undefined && a.data[0].seq > a.data[1].seq);
    assert.ok(a.data.some((r) => r.event.action === 'model.rolled_back'));
    assert.equal((await admin('/admin/audit/records?limit=0')).status, 400);
    const verify = (await (await admin('/admin/audit/verify')).json()) as { ok: boolean };
    assert.equal(verify.ok, true);
  });

  it('refuses the dashboard endpoints to a key that is not the master key', async () => {
    const made = (await (await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'plain' }) })).json()) as { key: string };
    const r = await fetch(`${world.url}/admin/dashboard/overview`, { headers: { authorization: `Bearer ${made.key}` } });
    assert.equal(r.status, 403);
  });

  it('lets an admin key (endpoints naming `admin`) in as an admin, recorded under its own id', async () => {
    const made = (await (await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'ops', endpoints: ['admin'] }) })).json()) as {
      key: string;
      id: string;
    };
    const overview = await fetch(`${world.url}/admin/dashboard/overview`, { headers: { authorization: `Bearer ${made.key}` } });
    assert.equal(overview.status, 200, JSON.stringify(made) + (await overview.clone().text()));
    // What it changes is the audit's record of that key, not of the master key.
    const team = await fetch(`${world.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${made.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-by-ops' }),
    });
    assert.equal(team.status, 201);
    const records = (await (await admin('/admin/audit/records?limit=5')).json()) as { data: { event: { action: string; actor: { keyId: string | null } } }[] };
    const created = records.data.find((r) => r.event.action === 'key.created');
    assert.equal(created?.event.actor.keyId, made.id);
    // An admin key makes keys, not admins.
    const minted = await fetch(`${world.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${made.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'second-admin', endpoints: ['admin'] }),
    });
    assert.equal(minted.status, 403);
    // `..` in an admin path never reaches another route past its scope check, trace and settlement:
    // this key may not list models (its endpoints are `admin` only), whatever the spelling.
    for (const path of ['/admin/%2e%2e/v1/models', '/admin/../v1/models', '/admin/x/%2E%2E/../v1/models']) {
      const status = await rawGet(world.url, path, made.key);
      assert.ok(status === 403 || status === 404, `${path}: ${status}`);
    }
    // `*` is not `admin`: a key made for every endpoint stays out.
    const all = (await (await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'all', endpoints: ['*'] }) })).json()) as {
      key: string;
    };
    assert.equal((await fetch(`${world.url}/admin/keys`, { headers: { authorization: `Bearer ${all.key}` } })).status, 403);
  });
});

/** A GET whose path is sent as written (fetch would resolve `..` before sending). */
function rawGet(base: string, path: string, key: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
