import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieValue, createSessionStore, createSignInLimiter } from './ui-session.js';

const who = { credential: 'Bearer flm_a', keyId: 'a', name: 'alice', admin: false };
const T0 = 1_700_000_000_000;

describe('dashboard sessions', () => {
  it('opens a session named by a signed cookie that carries neither the key nor the CSRF token', () => {
    const store = createSessionStore({ ttlMs: 60_000 });
    const { session, cookie } = store.open(who, T0);
    assert.match(cookie, /^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.ok(!cookie.includes('flm_a') && !cookie.includes(session.csrf));
    assert.equal(store.read(cookie, T0 + 1)?.name, 'alice');
    assert.equal(session.expiresAt, T0 + 60_000);
  });

  it('refuses a tampered MAC, an extended expiry, another secret, garbage and no cookie', () => {
    const store = createSessionStore({ ttlMs: 60_000 });
    const { cookie } = store.open(who, T0);
    const [id, expiry, mac] = cookie.split('.') as [string, string, string];
    assert.equal(store.read(`${id}.${expiry}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, T0), null);
    assert.equal(store.read(`${id}.${Number(expiry) + 3_600_000}.${mac}`, T0), null);
    assert.equal(createSessionStore({ ttlMs: 60_000 }).read(cookie, T0), null, 'a restart (new secret) ends every session');
    for (const bad of ['', 'x', 'a.b.c', `${id}.${expiry}`, `${cookie}.x`]) assert.equal(store.read(bad, T0), null, bad);
    assert.equal(store.read(undefined, T0), null);
  });

  it('ends at its expiry, on close, and when its key is refused (every session of that key)', () => {
    const store = createSessionStore({ ttlMs: 60_000 });
    const a = store.open(who, T0);
    assert.equal(store.read(a.cookie, T0 + 60_000), null);
    const b = store.open(who, T0);
    store.close(b.session.id);
    assert.equal(store.read(b.cookie, T0), null);
    const c1 = store.open(who, T0);
    const c2 = store.open(who, T0);
    const other = store.open({ ...who, credential: 'Bearer flm_b', keyId: 'b' }, T0);
    store.closeCredential('Bearer flm_a');
    assert.equal(store.read(c1.cookie, T0), null);
    assert.equal(store.read(c2.cookie, T0), null);
    assert.equal(store.read(other.cookie, T0)?.keyId, 'b');
  });

  it('checks the CSRF token exactly, and keeps at most maxSessions (the oldest go first)', () => {
    const store = createSessionStore({ ttlMs: 60_000, maxSessions: 2 });
    const first = store.open(who, T0);
    assert.equal(store.csrfMatches(first.session, first.session.csrf), true);
    assert.equal(store.csrfMatches(first.session, undefined), false);
    assert.equal(store.csrfMatches(first.session, `${first.session.csrf}x`), false);
    assert.equal(store.csrfMatches(first.session, first.session.csrf.toUpperCase() === first.session.csrf ? 'x' : first.session.csrf.toUpperCase()), false);
    store.open(who, T0 + 1);
    store.open(who, T0 + 2);
    assert.equal(store.size, 2);
    assert.equal(store.read(first.cookie, T0 + 3), null);
  });

  it('reads one cookie from a Cookie header', () => {
    assert.equal(cookieValue('a=1; flambeau_session=x.y.z; b=2', 'flambeau_session'), 'x.y.z');
    assert.equal(cookieValue('flambeau_sessionx=1', 'flambeau_session'), undefined);
    assert.equal(cookieValue(undefined, 'flambeau_session'), undefined);
  });
});

describe('sign-in limiter', () => {
  it('allows perMinute attempts per address in a one-minute window', () => {
    const limit = createSignInLimiter(3);
    const tries = [0, 1, 2, 3].map((i) => limit.allow('10.0.0.1', T0 + i));
    assert.deepEqual(tries, [true, true, true, false]);
    assert.equal(limit.allow('10.0.0.2', T0 + 5), true, 'another address has its own window');
    assert.equal(limit.allow('10.0.0.1', T0 + 60_000), true, 'a new minute');
  });
});

describe('sign-in limiter cap', () => {
  it('keeps at most maxAddresses windows; when all are live a new address waits, a limited one stays limited', () => {
    const limit = createSignInLimiter(2, { maxAddresses: 3 });
    assert.deepEqual(
      [1, 2, 3].map(() => limit.allow('10.0.0.1', T0)),
      [true, true, false],
      'the victim is limited',
    );
    assert.equal(limit.allow('10.0.0.2', T0 + 1), true);
    assert.equal(limit.allow('10.0.0.3', T0 + 2), true);
    assert.equal(limit.size, 3);
    assert.equal(limit.allow('10.0.0.4', T0 + 3), false, 'full of live windows: a new address is refused, not added');
    assert.equal(limit.size, 3);
    assert.equal(limit.allow('10.0.0.1', T0 + 4), false, 'flooding new addresses did not evict the limited one');
    assert.equal(limit.allow('10.0.0.2', T0 + 5), true, 'addresses already counted go on as before');
  });

  it('drops expired windows first, so a new address gets in once a minute has passed', () => {
    const limit = createSignInLimiter(2, { maxAddresses: 3 });
    limit.allow('10.0.0.1', T0);
    limit.allow('10.0.0.2', T0 + 10_000);
    limit.allow('10.0.0.3', T0 + 20_000);
    assert.equal(limit.allow('10.0.0.4', T0 + 60_000), true, 'the first window expired and made room');
    assert.equal(limit.size, 3);
    assert.equal(limit.allow('10.0.0.5', T0 + 60_001), false, 'the others are still live');
    assert.equal(limit.allow('10.0.0.2', T0 + 70_000), true, 'a window renewed after expiry');
    assert.equal(limit.allow('10.0.0.2', T0 + 70_001), true);
    assert.equal(limit.allow('10.0.0.2', T0 + 70_002), false, 'the renewed window counts from 1');
  });

  it('a thousand forged addresses a minute cannot grow it past the cap', () => {
    const limit = createSignInLimiter(10, { maxAddresses: 100 });
    let allowed = 0;
    for (let i = 0; i < 1000; i++) if (limit.allow(`198.51.${i >> 8}.${i & 255}`, T0 + i)) allowed += 1;
    assert.equal(allowed, 100);
    assert.equal(limit.size, 100);
  });
});
