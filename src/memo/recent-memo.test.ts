import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentMemo, textKey } from './recent-memo.js';

describe('RecentMemo', () => {
  it('keeps what was used within the last half of its room, and drops the rest a generation at a time', () => {
    const memo = new RecentMemo<number>({ maxEntries: 4 });
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3); // recent was full (2 of 4): a and b become the older generation
    assert.equal(memo.size, 3);
    assert.equal(memo.get('a'), 1); // a hit in the older generation moves to the recent one
    memo.set('d', 4); // recent (c, a) full: it becomes older; b, left in the old older, is dropped
    assert.equal(memo.get('b'), undefined);
    assert.deepEqual(
      ['a', 'c', 'd'].map((k) => memo.get(k)),
      [1, 3, 4],
    );
    assert.ok(memo.size <= 4);
  });

  it('keeps the first value of a key', () => {
    const memo = new RecentMemo<string>({ maxEntries: 8 });
    memo.set('k', 'first');
    memo.set('k', 'second');
    assert.equal(memo.get('k'), 'first');
    assert.equal(memo.size, 1);
  });

  it('bounds the weight held: a value over half of it is not kept, and a heavy one starts a generation', () => {
    const memo = new RecentMemo<number[]>({ maxEntries: 100, maxWeight: 10, weight: (v) => v.length });
    memo.set('huge', [1, 2, 3, 4, 5, 6]);
    assert.equal(memo.get('huge'), undefined);
    memo.set('x', [1, 2, 3]);
    memo.set('y', [1, 2, 3]); // 6 > 5: x goes to the older generation
    memo.set('z', [1, 2, 3]); // y goes older, x is dropped
    assert.equal(memo.get('x'), undefined);
    assert.equal(memo.get('y')?.length, 3);
  });
});

describe('textKey', () => {
  it('keys equal texts alike and different texts apart, and refuses a lone surrogate', () => {
    assert.equal(textKey('Bonjour'), textKey('Bonjour'));
    assert.notEqual(textKey('Bonjour'), textKey('Bonjour.'));
    assert.equal(textKey('a\ud800b'), null);
    assert.notEqual(textKey('a\ufffdb'), null);
  });
});
