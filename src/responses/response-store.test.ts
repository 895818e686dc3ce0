import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../store/store.js';
import { createResponseStore } from './response-store.js';

const DAY = 86_400_000;

describe('response store', () => {
  const stored = (id: string, keyId: string, createdAt: number) => ({
    id,
    keyId,
    createdAt,
    inputItems: [{ role: 'user', content: 'hi' }],
    response: { id, output: [] },
  });

  it('keeps a response for its key only, for the retention period, and deletes it on request', async () => {
    const { sql } = openStore(':memory:');
    const store = createResponseStore(sql, { retentionDays: 2 });
    const t0 = Date.UTC(2026, 0, 1);
    await store.save(stored('resp_a', 'key1', t0), t0);
    assert.deepEqual((await store.find('resp_a', 'key1', t0 + 2 * DAY - 1))?.inputItems, [{ role: 'user', content: 'hi' }]);
    assert.equal(await store.find('resp_a', 'key2', t0), undefined, 'another key');
    assert.equal(await store.find('resp_a', 'key1', t0 + 2 * DAY), undefined, 'expired');
    assert.equal(await store.delete('resp_a', 'key2'), false);
    assert.equal(await store.delete('resp_a', 'key1'), true);
    assert.equal(await store.find('resp_a', 'key1', t0), undefined);
  });

  it('a write deletes the rows past their retention', async () => {
    const { sql, db } = openStore(':memory:');
    const store = createResponseStore(sql, { retentionDays: 1 });
    const t0 = Date.UTC(2026, 0, 1);
    await store.save(stored('resp_old', 'k', t0), t0);
    await store.save(stored('resp_new', 'k', t0 + DAY), t0 + DAY);
    const ids = db.prepare('SELECT id FROM stored_responses ORDER BY id').all() as { id: string }[];
    assert.deepEqual(
      ids.map((r) => r.id),
      ['resp_new'],
    );
  });
});
