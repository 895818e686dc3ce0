import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTurnBatcher } from './turn-batch.js';

describe('createTurnBatcher', () => {
  it('writes the items of one turn as one group, in order, each caller getting its own result', async () => {
    const groups: number[][] = [];
    const submit = createTurnBatcher<number, string>({
      maxGroup: 64,
      writeOne: async (n) => {
        groups.push([n]);
        return `one ${n}`;
      },
      writeGroup: async (items) => {
        groups.push([...items]);
        return items.map((n) => (n === 2 ? { status: 'rejected', reason: new Error('two') } : { status: 'fulfilled', value: `group ${n}` }));
      },
    });
    const results = await Promise.allSettled([submit(1), submit(2), submit(3)]);
    assert.deepEqual(groups, [[1, 2, 3]]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      ['group 1', 'two', 'group 3'],
    );
    assert.equal(await submit(4), 'one 4', 'alone in its turn: the plain path');
    assert.deepEqual(groups.at(-1), [4]);
  });

  it('splits a backlog at maxGroup, forms the next group from what arrives meanwhile, and fails a whole group on a thrown error', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const submit = createTurnBatcher<number, number>({
      maxGroup: 2,
      writeOne: async (n) => {
        groups.push([n]);
        return n;
      },
      writeGroup: async (items) => {
        groups.push([...items]);
        if (items[0] === 1) await gate;
        if (items.includes(4)) throw new Error('store down');
        return items.map((n) => ({ status: 'fulfilled', value: n * 10 }));
      },
    });
    const first = [submit(1), submit(2), submit(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const late = [submit(4), submit(5)]; // while [1, 2] is being written
    release();
    const settled = await Promise.allSettled([...first, ...late]);
    assert.deepEqual(groups, [[1, 2], [3, 4], [5]]);
    assert.deepEqual(
      settled.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')),
      [10, 20, 'rejected', 'rejected', 5],
    );
  });
});
