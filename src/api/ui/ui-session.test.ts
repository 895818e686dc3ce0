import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieValue, createSignInLimiter } from './ui-session.js';

const T0 = 1_700_000_000_000;

describe('dashboard cookies', () => {
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
