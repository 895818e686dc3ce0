import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from '../auth/principal.js';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import { createRequestLog } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';
import { AUDIT_HEAD_FILE, ensureAuditKey } from './audit-key.js';
import { createAuditLog } from './audit-log.js';
import { createRequestRecorder, type RequestOutcome } from './request-outcome.js';
import type { CheckpointedClient } from '../store/wal-checkpointer.js';

const key: KeyPrincipal = {
  ...MASTER_PRINCIPAL,
  kind: 'key',
  keyId: 'aaaaaaaaaaaa',
  name: 'k',
  budget: { usd: 1, period: 'month' },
  team: { id: 'research', budget: null, limits: { rpm: null, tpm: null } },
};

function outcome(requestId: string, extra: Partial<RequestOutcome> = {}): RequestOutcome {
  return {
    requestId,
    startedAt: Date.UTC(2026, 10, 15, 12),
    principal: key,
    endpoint: 'chat',
    model: 'gpt-small',
    route: null,
    provider: 'cloud',
    upstreamModel: 'gpt-4.1-mini',
    locality: 'cloud',
    privacy: null,
    status: 200,
    errorCode: null,
    usage: { inputTokens: 100, outputTokens: 20, estimated: false },
    costUsd: 0.0003,
    latencyMs: 12.25,
    ...extra,
  };
}

describe('recordRequestOutcome', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-outcome-'));
    store = openStore(join(dir, 'flambeau.db'));
  });
  afterEach(async () => {
    if (store.db.open) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the usage row, the audit record and the budget settlement together', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const ledger = createBudgetLedger({ sql: store.sql });
    const recorder = createRequestRecorder({ usage, audit, ledger });
    const reservation = await ledger.reserve(key, { maxCostUsd: 0.5 });
    const record = await recorder.recordRequestOutcome(outcome('r1'), { reservation });
    assert.equal(record?.event.type, 'request');
    assert.deepEqual(
      (await usage.forRequest('r1')).map((u) => [u.keyId, u.team, u.inputTokens, u.outputTokens, u.costUsd]),
      [['aaaaaaaaaaaa', 'research', 100, 20, 0.0003]],
    );
    assert.deepEqual(await ledger.use({ keyId: 'aaaaaaaaaaaa' }, 'month'), {
      ...(await ledger.use({ keyId: 'aaaaaaaaaaaa' }, 'month')),
      spentUsd: 0.0003,
      reservedUsd: 0,
    });
    assert.deepEqual(await audit.verify(), { ok: true, count: 1, head: await audit.head() });
  });

  it('carries the injection findings (source, score, signal kinds) into the audit record and the request log; none: absent', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const requestLog = createRequestLog(store.sql);
    const recorder = createRequestRecorder({ usage, audit, requestLog });
    const injection = [{ source: 'user' as const, score: 0.93, signals: ['override_phrase'] }];
    const record = await recorder.recordRequestOutcome(
      outcome('inj', { status: 403, errorCode: 'policy_denied', injection, log: { ttftMs: null, streamed: false } }),
    );
    assert.deepEqual(record?.event.type === 'request' ? record?.event.injection : null, injection);
    const clean = await recorder.recordRequestOutcome(outcome('clean', { injection: [], log: { ttftMs: null, streamed: false } }));
    assert.equal(clean?.event.type === 'request' && 'injection' in clean?.event, false);
    const rows = await requestLog.recent(2);
    assert.deepEqual(rows.find((r) => r.id === 'inj')?.injection, injection);
    assert.equal(rows.find((r) => r.id === 'clean')?.injection, null);
    assert.deepEqual(await audit.verify(), { ok: true, count: 2, head: await audit.head() });
  });

  it('writes neither row when the transaction fails', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const recorder = createRequestRecorder({ usage, audit });
    // The reservation cannot be settled without a ledger: the usage row already inserted rolls back.
    await assert.rejects(
      () => recorder.recordRequestOutcome(outcome('r2'), { reservation: { id: null, keyId: null, team: null, amountUsd: 0 } }),
      FlambeauError,
    );
    assert.deepEqual(await usage.forRequest('r2'), []);
    assert.equal(await audit.head(), null);
  });

  it('writes the request log row in the same transaction: all three rows or none', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const requestLog = createRequestLog(store.sql);
    const recorder = createRequestRecorder({ usage, audit, requestLog });
    await recorder.recordRequestOutcome(outcome('logged', { log: { ttftMs: 4, streamed: true } }));
    // No flush: the row is on disk when recordRequestOutcome returns, not queued.
    const row = store.db.prepare('SELECT id, ttft_ms, streamed, input_tokens FROM request_log WHERE id = ?').get('logged');
    assert.deepEqual(row, { id: 'logged', ttft_ms: 4, streamed: 1, input_tokens: 100 });
    await assert.rejects(
      () =>
        recorder.recordRequestOutcome(outcome('rolled-back', { log: { ttftMs: null, streamed: false } }), {
          reservation: { id: null, keyId: null, team: null, amountUsd: 0 },
        }),
      FlambeauError,
    );
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM request_log WHERE id = ?').pluck().get('rolled-back'), 0);
    assert.deepEqual(await usage.forRequest('rolled-back'), []);
  });

  it('stores a model name the gateway does not serve as a label, the same in usage, request log and audit', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const recorder = createRequestRecorder({ usage, audit, requestLog: createRequestLog(store.sql), labelKey: Buffer.alloc(32, 7) });
    const record = await recorder.recordRequestOutcome(
      outcome('unknown', { model: 'DE89370400440532013000', status: 404, errorCode: 'model_not_found', log: { ttftMs: null, streamed: false } }),
    );
    const label = record?.event.type === 'request' ? record?.event.model : null;
    assert.match(label ?? '', /^hmac:[0-9a-f]{12}$/);
    assert.equal(label, recorder.label('DE89370400440532013000'));
    assert.equal((await usage.forRequest('unknown'))[0]?.model, label);
    assert.equal(store.db.prepare('SELECT model FROM request_log WHERE id = ?').pluck().get('unknown'), label);
    const known = await recorder.recordRequestOutcome(outcome('known', { modelKnown: true }));
    assert.equal(known?.event.type === 'request' && known?.event.model, 'gpt-small');
  });

  it('audits an unauthenticated request as anonymous, with no usage row', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql });
    const record = await createRequestRecorder({ usage, audit }).recordRequestOutcome(
      outcome('anon', {
        principal: null,
        claimedKeyId: 'bbbbbbbbbbbb',
        status: 401,
        errorCode: 'unauthenticated',
        usage: null,
        costUsd: 0,
        model: null,
        provider: null,
        upstreamModel: null,
        locality: null,
      }),
    );
    assert.deepEqual(record?.event.type === 'request' && record?.event.actor, { kind: 'anonymous', keyId: 'bbbbbbbbbbbb', team: null });
    assert.deepEqual(await usage.forRequest('anon'), []);
    assert.equal((await audit.verify()).ok, true);
  });

  it('writes outcomes recorded together in one group commit, in order, and verifies', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(dir).key, headPath: join(dir, AUDIT_HEAD_FILE) } });
    const ledger = createBudgetLedger({ sql: store.sql });
    const requestLog = createRequestLog(store.sql);
    const recorder = createRequestRecorder({ usage, audit, ledger, requestLog });
    const reservations = await Promise.all([1, 2, 3].map(() => ledger.reserve(key, { maxCostUsd: 0.1 })));
    let commits = 0;
    store.db.function('count_commit', () => (commits += 1));
    store.db.exec('CREATE TEMP TRIGGER count_usage AFTER INSERT ON usage_log BEGIN SELECT count_commit(); END');
    // The SQLite client counts its commits (what the WAL checkpointer watches).
    const client = store.sql as typeof store.sql & CheckpointedClient;
    const before = client.writes();
    const records = await Promise.all(
      reservations.map((reservation, i) => recorder.recordRequestOutcome(outcome(`g${i}`, { log: { ttftMs: null, streamed: false } }), { reservation })),
    );
    assert.equal(client.writes() - before, 1, 'one transaction for the three');
    assert.equal(commits, 3);
    assert.deepEqual(
      records.map((r) => [r?.seq, r?.event.type === 'request' ? r.event.requestId : null]),
      [
        [1, 'g0'],
        [2, 'g1'],
        [3, 'g2'],
      ],
    );
    assert.equal((await ledger.use({ keyId: 'aaaaaaaaaaaa' }, 'month')).reservedUsd, 0);
    assert.equal((await ledger.use({ keyId: 'aaaaaaaaaaaa' }, 'month')).spentUsd, 0.0009);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM request_log').pluck().get(), 3);
    assert.deepEqual(await audit.verify(), { ok: true, count: 3, head: await audit.head(), keyedFrom: 1 });
  });

  it('undoes only the failing outcome of a group: the others commit, the chain and the head file stay whole', async () => {
    const usage = createUsageLog(store.sql);
    const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(dir).key, headPath: join(dir, AUDIT_HEAD_FILE) } });
    const recorder = createRequestRecorder({ usage, audit, requestLog: createRequestLog(store.sql) });
    // No ledger: the outcome given a reservation fails after its audit record and usage row were written.
    const bad = { reservation: { id: null, keyId: null, team: null, amountUsd: 0 } };
    const results = await Promise.allSettled([
      recorder.recordRequestOutcome(outcome('ok1', { log: { ttftMs: null, streamed: false } })),
      recorder.recordRequestOutcome(outcome('bad', { log: { ttftMs: null, streamed: false } }), bad),
      recorder.recordRequestOutcome(outcome('ok2')),
      recorder.recordRequestOutcome(outcome('bad-last'), bad),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected'],
    );
    assert.ok(results[1]?.status === 'rejected' && results[1].reason instanceof FlambeauError && results[1].reason.code === 'internal');
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['ok1', 'ok2']);
    assert.deepEqual(store.db.prepare('SELECT id FROM request_log ORDER BY id').pluck().all(), ['ok1']);
    const head = await audit.head();
    assert.equal(head?.seq, 2);
    // The head file names the last committed record, not the one undone after it.
    assert.deepEqual(await audit.verify(), { ok: true, count: 2, head, keyedFrom: 1 });
    await recorder.recordRequestOutcome(outcome('after'));
    assert.equal((await audit.verify()).ok, true);
  });

  it('fails with 503 store_unavailable when the store is gone', async () => {
    const recorder = createRequestRecorder({ usage: createUsageLog(store.sql), audit: createAuditLog({ sql: store.sql }) });
    store.close();
    await assert.rejects(
      () => recorder.recordRequestOutcome(outcome('r3')),
      (error: unknown) => error instanceof FlambeauError && error.code === 'store_unavailable' && error.status === 503,
    );
  });
});

describe('durability', () => {
  it('loses no acknowledged record when writers are killed -9 under load, and the chain verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-kill-'));
    const path = join(dir, 'flambeau.db');
    openStore(path).close(); // migrate once, before the writers race
    ensureAuditKey(dir); // one key for both writers, as one home folder has
    const worker = fileURLToPath(new URL('./__fixtures__/append-loop-child.ts', import.meta.url));
    const acked = new Set<string>();
    const children: ChildProcess[] = [];
    try {
      const started = ['w1', 'w2'].map((name) => {
        const child = spawn(process.execPath, ['--import', 'tsx', worker, path, name], { stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        let partial = '';
        return new Promise<void>((resolve) => {
          child.stdout?.on('data', (chunk: Buffer) => {
            const lines = (partial + chunk.toString()).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines)
              if (line === 'ready') resolve();
              else if (line !== '') acked.add(line);
          });
        });
      });
      await Promise.all(started);
      // Let both write concurrently for a while (counted in acknowledgements, not time), then kill -9.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          const perWriter = (name: string) => [...acked].filter((id) => id.startsWith(name)).length;
          // Each writer must be well into its loop: one can start long after the other on a busy machine.
          if (acked.size >= 400 && perWriter('w1') >= 100 && perWriter('w2') >= 100) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      const exits = children.map((c) => new Promise((resolve) => c.once('exit', resolve)));
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(exits);

      const store = openStore(path);
      try {
        // Keyed: every MAC, the head file both writers updated (it may lag the last commit, never lead it) and the usage links.
        const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(dir).key, headPath: join(dir, AUDIT_HEAD_FILE), readOnly: true } });
        const result = await audit.verify();
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.ok && result.keyedFrom, 1);
        const inAudit = new Set(store.db.prepare("SELECT json_extract(body, '$.event.requestId') FROM audit_log").pluck().all() as string[]);
        const inUsage = new Set(store.db.prepare('SELECT request_id FROM usage_log').pluck().all() as string[]);
        const missing = [...acked].filter((id) => !inAudit.has(id) || !inUsage.has(id));
        assert.deepEqual(missing, []);
        assert.equal(inAudit.size, inUsage.size, 'usage and audit hold the same requests');
        assert.ok([...acked].some((id) => id.startsWith('w1')) && [...acked].some((id) => id.startsWith('w2')), 'both writers ran');
      } finally {
        store.close();
      }
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
