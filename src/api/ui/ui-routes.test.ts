import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createDashboardSessions } from '../../auth/dashboard-sessions.js';
import type { KeyPrincipal } from '../../auth/principal.js';
import { FlambeauError } from '../../errors/index.js';
import type { GatewayDeps } from '../../gateway/index.js';
import { silentLogger } from '../../log/logger.js';
import { openStore } from '../../store/store.js';
import { createRequestHandler } from '../http/app.js';
import type { UiAssets } from './ui-assets.js';
import type { UiDeps } from './ui-routes.js';
import { trustedProxies } from './trusted-proxies.js';
import { createSignInLimiter } from './ui-session.js';

const GOOD_KEY = 'flm-ui-test-master-key-0123456789';
/** `ui.trust_proxy: true`: the test's client connects from 127.0.0.1, so it is the trusted proxy. */
const LOOPBACK_PROXY = trustedProxies(['127.0.0.0/8', '::1']);
/** A proxy list that does not include the test's client (127.0.0.1): its headers are a stranger's. */
const OTHER_PROXY = trustedProxies(['10.0.0.0/8', 'fd00::/8']);
const principal = { kind: 'master', keyId: null, name: 'master' } as unknown as KeyPrincipal;
// Sessions live in the store: a real SQLite file for these servers.
const storeDir = mkdtempSync(join(tmpdir(), 'flambeau-ui-routes-'));
const store = openStore(join(storeDir, 'flambeau.db'));
after(async () => {
  await store.close();
  rmSync(storeDir, { recursive: true, force: true });
});

/** The real request handler with only the dashboard's session routes wired (a wrong key is 401). */
async function startUi(settings: Partial<Pick<UiDeps, 'secureCookie' | 'trustProxy'>>): Promise<{ url: string; server: Server }> {
  const keys = {
    authenticate: async (authorization: string | undefined) => {
      if (authorization === `Bearer ${GOOD_KEY}`) return principal;
      throw new FlambeauError('unauthenticated', 'Wrong key.');
    },
  };
  const ui: UiDeps = {
    assets: {} as UiAssets,
    sessions: createDashboardSessions({ sql: store.sql, ttlMs: 60_000 }),
    signIn: createSignInLimiter(3),
    sessionTtlMs: 60_000,
    ...settings,
  };
  const server = createServer(
    createRequestHandler({
      ui,
      gateway: { keys } as unknown as GatewayDeps,
      admin: undefined as never,
      bodyLimitBytes: 1 << 20,
      keylessLoopback: null,
      metricsPublicOnLoopback: false,
      isReady: () => true,
      logger: silentLogger,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('dashboard session cookie and sign-in behind a proxy', () => {
  const servers: Server[] = [];
  const start = async (settings: Partial<Pick<UiDeps, 'secureCookie' | 'trustProxy'>>) => {
    const started = await startUi(settings);
    servers.push(started.server);
    return started.url;
  };
  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const signIn = (url: string, headers: Record<string, string> = {}, key = GOOD_KEY) =>
    fetch(`${url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ key }) });
  const isSecure = (response: Response) => /;\s*Secure(;|$)/i.test(response.headers.get('set-cookie') ?? '');

  it('auto (the default): no Secure on plain HTTP, and a forwarded https is not believed without ui.trust_proxy', async () => {
    const url = await start({});
    const plain = await signIn(url);
    assert.equal(plain.status, 200);
    assert.equal(isSecure(plain), false);
    assert.equal(isSecure(await signIn(url, { 'x-forwarded-proto': 'https' })), false);
  });

  it('auto with ui.trust_proxy: Secure when the proxy says https (its last hop), not when it says http', async () => {
    const url = await start({ trustProxy: LOOPBACK_PROXY });
    assert.equal(isSecure(await signIn(url, { 'x-forwarded-proto': 'https' })), true);
    assert.equal(isSecure(await signIn(url, { 'x-forwarded-proto': 'https, http' })), false, 'the proxy appends the last entry');
    assert.equal(isSecure(await signIn(url, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '198.51.100.9' })), false);
  });

  it('always: Secure on sign-in and on the cookie that signs out, whatever the connection', async () => {
    const url = await start({ secureCookie: 'always' });
    const signedIn = await signIn(url);
    assert.equal(isSecure(signedIn), true);
    const body = (await signedIn.json()) as { csrf_token: string };
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const out = await fetch(`${url}/ui/session`, { method: 'DELETE', headers: { cookie, 'x-flambeau-csrf': body.csrf_token } });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0; Secure$/);
  });

  it('never: no Secure even when a trusted proxy says https', async () => {
    const url = await start({ secureCookie: 'never', trustProxy: LOOPBACK_PROXY });
    assert.equal(isSecure(await signIn(url, { 'x-forwarded-proto': 'https' })), false);
  });

  it('without ui.trust_proxy, sign-in attempts count per socket address: a forged X-Forwarded-For changes nothing', async () => {
    const url = await start({});
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(url, { 'x-forwarded-for': `203.0.113.${i}` }, 'wrong')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it("with ui.trust_proxy, attempts count per forwarded client (the proxy's last entry, which a client cannot forge)", async () => {
    const url = await start({ trustProxy: LOOPBACK_PROXY });
    const attempt = async (forwardedFor: string) => (await signIn(url, { 'x-forwarded-for': forwardedFor }, 'wrong')).status;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await attempt(`10.9.9.${i}, 198.51.100.7`));
    assert.deepEqual(statuses, [401, 401, 401, 429], 'a forged first entry does not make a new client');
    assert.equal(await attempt('198.51.100.8'), 401, 'another client behind the same proxy still may try');
  });

  it('with a proxy list that does not hold the peer, its X-Forwarded-For and X-Forwarded-Proto are ignored', async () => {
    assert.equal(isSecure(await signIn(await start({ trustProxy: OTHER_PROXY }), { 'x-forwarded-proto': 'https' })), false, 'a forged https is not TLS');
    const url = await start({ trustProxy: OTHER_PROXY });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(url, { 'x-forwarded-for': `203.0.113.${i}` }, 'wrong')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429], 'a new header value per attempt does not escape the limit');
  });

  it('a trusted proxy that appends ip:port: attempts count per client address, not per connection', async () => {
    const url = await start({ trustProxy: LOOPBACK_PROXY });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(url, { 'x-forwarded-for': `198.51.100.7:${40_000 + i}` }, 'wrong')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it('an IPv6 client counts per /64: rotating addresses inside it (in any spelling, with a zone id) shares one budget', async () => {
    const url = await start({ trustProxy: LOOPBACK_PROXY });
    const attempt = async (forwardedFor: string) => (await signIn(url, { 'x-forwarded-for': forwardedFor }, 'wrong')).status;
    const statuses = [];
    for (const address of ['2001:db8::1', '2001:0db8:0:0::2', '[2001:db8::ffff:3]:443', '2001:DB8:0:0:1:2:3:4']) statuses.push(await attempt(address));
    assert.deepEqual(statuses, [401, 401, 401, 429], 'four addresses of one /64 are one client');
    assert.equal(await attempt('2001:db8:0:1::1'), 401, 'the next /64 is another client');
    const linkLocal = [];
    for (const address of ['fe80::1%eth0', 'fe80::2%eth1', 'fe80::3', 'fe80::4%25wlan0']) linkLocal.push(await attempt(address));
    assert.deepEqual(linkLocal, [401, 401, 401, 429], 'a zone id does not make another client');
    const mapped = [];
    for (const address of ['192.0.2.9', '::ffff:192.0.2.9', '::ffff:c000:209', '192.0.2.9']) mapped.push(await attempt(address));
    assert.deepEqual(mapped, [401, 401, 401, 429], 'IPv4 and IPv4-mapped IPv6 are the same client');
  });

  it('an X-Forwarded-For entry that is not an address counts against the socket (the proxy), not a new key', async () => {
    const url = await start({ trustProxy: LOOPBACK_PROXY });
    const statuses = [];
    for (const junk of ['not-an-ip', 'x'.repeat(4000), '198.51.100.7, unknown', '[::1'])
      statuses.push((await signIn(url, { 'x-forwarded-for': junk }, 'wrong')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});
