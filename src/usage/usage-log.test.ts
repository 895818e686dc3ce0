import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openStore, type Store } from '../store/store.js';
import { createUsageLog, type UsageLog, type UsageRecord } from './usage-log.js';

function row(requestId: string, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId,
    at: Date.UTC(2026, 10, 15, 12),
    keyId: 'aaaaaaaaaaaa',
    team: 'research',
    endpoint: 'chat',
    model: 'gpt-small',
    provider: 'cloud',
    upstreamModel: 'gpt-4.1-mini',
    locality: 'cloud',
    inputTokens: 100,
    outputTokens: 20,
    tokensEstimated: false,
    costUsd: 0.0003,
    latencyMs: 12.25,
    status: 200,
    errorCode: null,
    ...extra,
  };
}

describe('usage log', () => {
  let dir: string;
  let store: Store;
  let usage: UsageLog;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-usage-'));
    store = openStore(join(dir, 'flambeau.db'));
    usage = createUsageLog(store.sql);
  });
  afterEach(async () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one row per request, a reused request id included', async () => {
    await usage.append(row('same'));
    await usage.append(row('same', { costUsd: 0.1 }));
    assert.deepEqual(
      (await usage.forRequest('same')).map((r) => r.costUsd),
      [0.0003, 0.1],
    );
    assert.deepEqual((await usage.forRequest('same'))[0], row('same'));
  });

  it('sums usage by key, team, model and day, exactly', async () => {
    store.db
      .prepare(
        "INSERT INTO api_keys (id, name, secret_hash, models, endpoints, collections, created_at) VALUES ('aaaaaaaaaaaa', 'ci bot', 'x', '[]', '[]', '[]', 0)",
      )
      .run();
    await usage.append(row('a'));
    await usage.append(row('b', { model: 'claude', inputTokens: 50, outputTokens: 5, tokensEstimated: true, costUsd: 0.0001 }));
    await usage.append(row('c', { keyId: null, team: null, model: 'local', locality: 'device', costUsd: 0, at: Date.UTC(2026, 10, 16, 8) }));
    await usage.append(row('d', { status: 402, errorCode: 'budget_exhausted', inputTokens: null, outputTokens: null, costUsd: 0 }));
    // 1000 calls at 0.1 µUSD each: integer nano-USD sums stay exact where floats would drift.
    for (let i = 0; i < 1000; i++) await usage.append(row(`tiny-${i}`, { model: 'tiny', inputTokens: 1, outputTokens: 0, costUsd: 0.0000001 }));
    const byKey = await usage.summarize({ by: 'key' });
    assert.deepEqual(byKey.total, { requests: 1004, errors: 1, inputTokens: 1250, outputTokens: 45, estimated: 1, costUsd: 0.0005 });
    assert.deepEqual(
      byKey.rows.map((r) => [r.group, r.label, r.requests]),
      [
        ['aaaaaaaaaaaa', 'ci bot', 1003],
        ['master', null, 1],
      ],
    );
    assert.deepEqual(
      (await usage.summarize({ by: 'team' })).rows.map((r) => [r.group, r.requests]),
      [
        ['research', 1003],
        ['-', 1],
      ],
    );
    assert.deepEqual(
      (await usage.summarize({ by: 'model' })).rows.map((r) => [r.group, r.costUsd]),
      [
        ['gpt-small', 0.0003],
        ['tiny', 0.0001],
        ['claude', 0.0001],
        ['local', 0],
      ],
    );
    assert.deepEqual(
      (await usage.summarize({ by: 'day' })).rows.map((r) => [r.group, r.requests]),
      [
        ['2026-11-15', 1003],
        ['2026-11-16', 1],
      ],
    );
    assert.equal((await usage.summarize({ by: 'day', since: Date.UTC(2026, 10, 16) })).total.requests, 1);
  });
});
