import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { openStore } from '../../store/store.js';
import { createVersionRegistry } from './version-registry.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

function registry() {
  const store = openStore(':memory:');
  return createVersionRegistry(store.db);
}

describe('model versions', () => {
  it('the first version is current; promote moves it, rollback returns and toggles', () => {
    const r = registry();
    assert.equal(r.add('chat', A).version, 1);
    assert.equal(r.add('chat', B, { context: 2048 }).version, 2);
    assert.equal(r.pick('chat')?.sha256, A, 'adding a version does not promote it');
    r.promote('chat', 2);
    assert.deepEqual(r.pick('chat'), { ...r.versions('chat')[1], settings: { context: 2048 } });
    assert.equal(r.rollback('chat').current, 1);
    assert.equal(r.pick('chat')?.version, 1);
    assert.equal(r.rollback('chat').current, 2, 'a second rollback returns to what the first left');
    assert.equal(r.pick('other'), undefined);
  });

  it('a canary gets exactly its share of requests, and rollback drops it', () => {
    const r = registry();
    r.add('chat', A);
    r.add('chat', B);
    r.add('chat', C);
    r.promote('chat', 3, { canaryPercent: 25 });
    const picks = Array.from({ length: 100 }, (_, turn) => r.pick('chat', turn)?.version);
    assert.equal(picks.filter((v) => v === 3).length, 25);
    assert.equal(picks.filter((v) => v === 1).length, 75);
    assert.deepEqual(picks.slice(0, 8), [1, 1, 1, 3, 1, 1, 1, 3], 'spread evenly, not bunched');
    r.rollback('chat');
    assert.ok(Array.from({ length: 10 }, (_, turn) => r.pick('chat', turn)?.version).every((v) => v === 1));
    r.promote('chat', 3, { canaryPercent: 50 });
    r.promote('chat', 3);
    assert.deepEqual([r.pointer('chat')?.current, r.pointer('chat')?.previous, r.pointer('chat')?.canary], [3, 1, null]);
  });

  it('refuses unknown names and versions, bad percents, and rollback with no history', () => {
    const r = registry();
    r.add('chat', A);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof FlambeauError);
        return error.code;
      }
      return 'none';
    };
    assert.equal(
      code(() => r.promote('nope', 1)),
      'not_found',
    );
    assert.equal(
      code(() => r.promote('chat', 9)),
      'not_found',
    );
    r.add('chat', B);
    assert.equal(
      code(() => r.promote('chat', 2, { canaryPercent: 100 })),
      'invalid_request',
    );
    assert.equal(
      code(() => r.rollback('chat')),
      'invalid_request',
    );
    assert.deepEqual(r.usersOf(B), ['chat']);
    r.removeName('chat');
    assert.deepEqual([r.names(), r.usersOf(B)], [[], []]);
  });
});
