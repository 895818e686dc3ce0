import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createLocalBus, type ClusterBus } from './cluster-bus.js';
import type { ClusterSignal } from './cluster-event.js';
import { decodeClusterMessage, encodeClusterMessage } from './cluster-event.js';
import { createRedisClusterBus } from './redis-cluster-bus.js';
import { reachable } from '../../test/helpers/reachable.js';

// The Redis bus is tested against a real server: 127.0.0.1:6379 (or FLAMBEAU_TEST_REDIS_URL).
// Without one it skips, saying so; in CI (CI=true) a missing Redis is a failure.
const redisUrl = process.env.FLAMBEAU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await reachable(new URL(redisUrl));
if (!redisUp && process.env.CI === 'true') throw new Error(`Redis is not reachable at ${redisUrl}; CI must run the Redis cluster-bus tests`);
const noRedis = redisUp ? false : `no Redis at ${redisUrl}`;

/** Waits until `check` holds (events cross Redis asynchronously); fails after 5 s. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  assert.ok(check(), what);
}

function listen(bus: ClusterBus): ClusterSignal[] {
  const heard: ClusterSignal[] = [];
  bus.subscribe((signal) => heard.push(signal));
  return heard;
}

/** What every bus does for the instance that holds it. */
function describeClusterBusContract(name: string, make: () => Promise<ClusterBus>, skip: string | false) {
  describe(`${name} cluster bus (contract)`, () => {
    it('tells its own listeners, and no longer once unsubscribed', async (t) => {
      if (skip) return t.skip(skip);
      const bus = await make();
      try {
        const heard = listen(bus);
        const gone: ClusterSignal[] = [];
        const stop = bus.subscribe((signal) => gone.push(signal));
        stop();
        await bus.publish({ type: 'key-changed', keyId: '0123456789ab' });
        await bus.publish({ type: 'model-changed', name: 'mine' });
        await eventually(() => heard.length === 2, 'both events heard');
        assert.deepEqual(heard, [
          { type: 'key-changed', keyId: '0123456789ab' },
          { type: 'model-changed', name: 'mine' },
        ]);
        assert.deepEqual(gone, []);
      } finally {
        await bus.close();
      }
    });

    it('gives each increment of a counter its own value', async (t) => {
      if (skip) return t.skip(skip);
      const bus = await make();
      try {
        const name = `n-${randomBytes(4).toString('hex')}`;
        const values = await Promise.all(Array.from({ length: 20 }, () => bus.increment(name)));
        assert.deepEqual(
          [...values].sort((a, b) => a - b),
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        assert.equal(await bus.increment(`${name}-other`), 1);
      } finally {
        await bus.close();
      }
    });
  });
}

describeClusterBusContract('local', async () => createLocalBus(), false);
const namespace = `flambeau-test-${randomBytes(4).toString('hex')}`;
describeClusterBusContract('redis', () => createRedisClusterBus({ url: redisUrl, namespace }), noRedis);

describe('cluster messages', () => {
  it('round-trip and refuse anything that is not an event', () => {
    const text = encodeClusterMessage('a1', { type: 'key-changed', keyId: null });
    assert.deepEqual(decodeClusterMessage(text), { from: 'a1', event: { type: 'key-changed', keyId: null } });
    for (const bad of ['not json', '{}', '{"from":"a","event":{"type":"key-changed","keyId":"DROP TABLE"}}', '{"from":"a","event":{"type":"other"}}'])
      assert.equal(decodeClusterMessage(bad), null, bad);
    assert.throws(() => encodeClusterMessage('a', { type: 'model-changed', name: '' }));
  });
});

describe('redis cluster bus across instances', () => {
  it('carries events and counters between two instances, and only within one namespace', async (t) => {
    if (noRedis) return t.skip(noRedis);
    const ns = `flambeau-test-${randomBytes(4).toString('hex')}`;
    const one = await createRedisClusterBus({ url: redisUrl, namespace: ns });
    const two = await createRedisClusterBus({ url: redisUrl, namespace: ns });
    const other = await createRedisClusterBus({ url: redisUrl, namespace: `${ns}-other` });
    try {
      const heardByTwo = listen(two);
      const heardByOther = listen(other);
      await one.publish({ type: 'model-changed', name: 'mine' });
      await eventually(() => heardByTwo.length === 1, 'the other instance heard the event');
      assert.deepEqual(heardByTwo, [{ type: 'model-changed', name: 'mine' }]);
      assert.equal(await one.increment('c'), 1);
      assert.equal(await two.increment('c'), 2);
      assert.equal(await other.increment('c'), 1);
      await sleep(50);
      assert.deepEqual(heardByOther, []);
    } finally {
      await Promise.all([one.close(), two.close(), other.close()]);
      const admin = new Redis(redisUrl);
      await admin.del(`${ns}:counter:c`, `${ns}-other:counter:c`);
      await admin.quit();
    }
  });

  it('ignores a message that is not an event, saying so', async (t) => {
    if (noRedis) return t.skip(noRedis);
    const ns = `flambeau-test-${randomBytes(4).toString('hex')}`;
    const errors: string[] = [];
    const bus = await createRedisClusterBus({ url: redisUrl, namespace: ns, onError: (what) => errors.push(what) });
    const admin = new Redis(redisUrl);
    try {
      const heard = listen(bus);
      await admin.publish(`${ns}:events`, '{"from":"x","event":{"type":"key-changed","keyId":"../../etc"}}');
      await bus.publish({ type: 'key-changed', keyId: null });
      await eventually(() => heard.length === 1, 'the good event heard');
      assert.deepEqual(heard, [{ type: 'key-changed', keyId: null }]);
      assert.deepEqual(errors, ['cluster message']);
    } finally {
      await bus.close();
      await admin.quit();
    }
  });

  it('tells its listeners to resync after its subscription was cut, and hears events again', async (t) => {
    if (noRedis) return t.skip(noRedis);
    const ns = `flambeau-test-${randomBytes(4).toString('hex')}`;
    const bus = await createRedisClusterBus({ url: redisUrl, namespace: ns, instanceId: 'cut' });
    const admin = new Redis(redisUrl);
    try {
      const heard = listen(bus);
      // Cut only this bus's subscriber connection, found by its name.
      const clients = String(await admin.client('LIST')).split('\n');
      const mine = clients.find((line) => line.includes(` name=${ns}-sub-cut `));
      const id = mine === undefined ? undefined : /\bid=(\d+)/.exec(mine)?.[1];
      assert.ok(id !== undefined, 'the subscriber connection is named');
      await admin.client('KILL', 'ID', id);
      await eventually(() => heard.some((s) => s.type === 'resync'), 'resync after the reconnect');
      await admin.publish(`${ns}:events`, encodeClusterMessage('x', { type: 'model-changed', name: 'after' }));
      await eventually(() => heard.some((s) => s.type === 'model-changed'), 'subscribed again');
    } finally {
      await bus.close();
      await admin.quit();
    }
  });

  it('publishes without throwing and starts when Redis cannot be reached', async () => {
    const errors: string[] = [];
    const bus = await createRedisClusterBus({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200, onError: (what) => errors.push(what) });
    try {
      await bus.publish({ type: 'key-changed', keyId: null });
      assert.ok(errors.includes('cluster publish'), errors.join(', '));
      await assert.rejects(bus.increment('x'));
    } finally {
      await bus.close();
    }
  });
});
