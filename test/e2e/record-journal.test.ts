import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log/logger.js';
import { startGateway } from '../../src/main.js';
import { startStandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway } from '../helpers/start-gateway.js';
import { listeningUrl } from '../helpers/listening-url.js';

const MASTER = 'flm-journal-test-master-key-0000';
const user = (content: string) => [{ role: 'user' as const, content }];

/** A file reader beside the server: what is in the tables, not what the server would flush first. */
function rowsInFile(home: string): { usage: string[]; audit: string[]; log: string[] } {
  const db = new Database(join(home, 'flambeau.db'), { readonly: true });
  try {
    return {
      usage: db.prepare('SELECT request_id FROM usage_log').pluck().all() as string[],
      audit: db.prepare("SELECT json_extract(body, '$.event.requestId') FROM audit_log WHERE type = 'request'").pluck().all() as string[],
      log: db.prepare('SELECT id FROM request_log').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the record journal, end to end (decision 0019)', () => {
  it('a read through the admin API sees every acknowledged request, while the rows wait in the journal', async () => {
    await using cloud = await startStandInCloud();
    cloud.setDefault({ kind: 'reply', text: 'ok' });
    await using gw = await startTestGateway(
      {
        providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
        models: [{ name: 'm', provider: 'cloud', price: { input_per_mtok: 1, output_per_mtok: 1 } }],
      },
      { env: { FLAMBEAU_MASTER_KEY: MASTER }, recordJournal: { windowMs: 600_000 } },
    );
    const made = await json(`${gw.url}/admin/keys`, { method: 'POST', body: JSON.stringify({ name: 'k', budget: { usd: 5, period: 'month' } }) });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: made.body.key as string, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'm', messages: user('hello') });
    assert.deepEqual(rowsInFile(gw.home).usage, [], 'acknowledged, and not yet applied: the window is held open');

    const usage = await json(`${gw.url}/admin/usage?by=key`);
    assert.equal((usage.body.total as { requests: number }).requests, 3);
    const key = await json(`${gw.url}/admin/keys/${made.body.id as string}`);
    const spend = key.body.spend as { spent_usd: number; reserved_usd: number };
    assert.ok(Math.abs(spend.spent_usd - (usage.body.total as { cost_usd: number }).cost_usd) < 1e-12, JSON.stringify({ spend, usage: usage.body.total }));
    assert.equal(spend.reserved_usd, 0);
    const verify = await json(`${gw.url}/admin/audit/verify`);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    assert.equal(rowsInFile(gw.home).usage.length, 3);
  });

  it('a server killed with acknowledged requests in its journal: the next start applies them once (usage, chain, spend)', async () => {
    await using cloud = await startStandInCloud();
    cloud.setDefault({ kind: 'reply', text: 'ok' });
    const home = mkdtempSync(join(tmpdir(), 'flambeau-journal-kill-'));
    const configPath = join(home, 'flambeau.yaml');
    writeFileSync(
      configPath,
      `providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: ${cloud.openaiBaseUrl}\n    locality: cloud\nmodels:\n  - name: m\n    provider: cloud\n    price: { input_per_mtok: 1, output_per_mtok: 1 }\n`,
    );
    const env = { ...process.env, FLAMBEAU_MASTER_KEY: MASTER };
    const script = fileURLToPath(new URL('../helpers/serve-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, configPath, home, '600000'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await listeningUrl(child);
      const made = await json(`${url}/admin/keys`, { method: 'POST', body: JSON.stringify({ name: 'k', budget: { usd: 5, period: 'month' } }) });
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: made.body.key as string, maxRetries: 0 });
      const acked: string[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 5; i++) {
            const { response } = await client.chat.completions.create({ model: 'm', messages: user('hello') }).withResponse();
            acked.push(response.headers.get('x-request-id') as string);
          }
        }),
      );
      assert.deepEqual(rowsInFile(home).usage, [], 'every acknowledged record is in the journal only');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const config = loadConfig({ configPath, home, flags: { host: '127.0.0.1', port: '0' }, modelPaths: [], env: { FLAMBEAU_MASTER_KEY: MASTER } });
      const next = await startGateway(config, { logger: silentLogger, drainMs: 1_000 });
      try {
        const usage = await json(`${next.url}/admin/usage?by=key`);
        assert.equal((usage.body.total as { requests: number }).requests, acked.length);
        const spend = (await json(`${next.url}/admin/keys/${made.body.id as string}`)).body.spend as { spent_usd: number; reserved_usd: number };
        assert.ok(spend.spent_usd > 0 && Math.abs(spend.spent_usd - (usage.body.total as { cost_usd: number }).cost_usd) < 1e-12, JSON.stringify(spend));
        assert.equal(spend.reserved_usd, 0, 'the killed server’s holds are settled');
        const verify = await json(`${next.url}/admin/audit/verify`);
        assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
      } finally {
        await next.close();
      }
      const rows = rowsInFile(home);
      for (const ids of [rows.usage, rows.audit, rows.log]) {
        assert.equal(ids.length, acked.length, 'each record once');
        assert.deepEqual([...ids].sort(), [...acked].sort());
      }
      assert.deepEqual(readdirSync(join(home, 'journal')), [], 'applied journals are removed');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
