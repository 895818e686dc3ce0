import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ADMIN_TEST_MASTER_KEY, startAdminTestServer, type AdminTestServer } from '../../api/http/__fixtures__/admin-server.js';
import { MASTER_PRINCIPAL } from '../../auth/principal.js';

const entry = fileURLToPath(new URL('./__fixtures__/cli-entry.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

describe('flambeau keys, teams, usage and audit commands', () => {
  let server: AdminTestServer;
  let emptyHome: string;

  function run(args: string[], withServer = true): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const flags = withServer ? ['--url', server.url, '--key', ADMIN_TEST_MASTER_KEY] : [];
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', tsx, entry, ...args, ...flags], {
        cwd: emptyHome,
        env: { ...process.env, FLAMBEAU_MASTER_KEY: '', FLAMBEAU_HOME: emptyHome, FLAMBEAU_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  before(async () => {
    server = await startAdminTestServer();
    emptyHome = mkdtempSync(join(tmpdir(), 'flambeau-cli-home-'));
  });
  after(async () => {
    await server.close();
    rmSync(emptyHome, { recursive: true, force: true });
  });

  it('creates a key, prints it once, then lists, shows and revokes it', async () => {
    const created = await run([
      'keys',
      'create',
      '--name',
      'ci bot',
      '--team',
      'research',
      '--models',
      'gpt-small,auto',
      '--budget-usd',
      '25/month',
      '--rpm',
      '60',
      '--expires',
      '30d',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const token = /(flm_[0-9a-f]{12}_[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
    assert.ok(token !== undefined, created.stdout);
    const id = token.slice(4, 16);
    assert.equal((await server.keys.authenticate(`Bearer ${token}`)).keyId, id);

    const list = await run(['keys', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+NAME\s+TEAM\s+STATUS/);
    assert.match(list.stdout, new RegExp(`${id}\\s+ci bot\\s+research\\s+active\\s+gpt-small,auto\\s+\\$25/month\\s+60`));
    assert.ok(!list.stdout.includes(token));

    const show = await run(['keys', 'show', id]);
    assert.match(show.stdout, /budget\s+\$25\/month/);
    assert.match(show.stdout, /spend\s+\$0 spent, \$0 held this month/);

    const revoke = await run(['keys', 'revoke', id]);
    assert.match(revoke.stdout, new RegExp(`Revoked key ${id}`));
    await assert.rejects(() => server.keys.authenticate(`Bearer ${token}`), /revoked/);
  });

  it('exits 2 on bad flags before any request, and 4 on a wrong key', async () => {
    for (const args of [
      ['--budget-usd', '25/year'],
      ['--expires', 'forever'],
    ]) {
      const result = await run(['keys', 'create', '--name', 'x', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    const wrong = await run(['keys', 'list', '--url', server.url, '--key', 'nope'], false);
    assert.equal(wrong.code, 4);
    assert.match(wrong.stderr, /unauthenticated/);
  });

  it('sets a team and prints usage as a table with totals', async () => {
    const team = await run(['teams', 'set', 'ops', '--budget-usd', '100/week', '--rpm', '600']);
    assert.match(team.stdout, /Team ops: budget \$100\/week, rpm 600, tpm -/);
    const base = {
      startedAt: Date.now(),
      principal: MASTER_PRINCIPAL,
      endpoint: 'chat',
      modelKnown: true,
      route: null,
      provider: 'cloud',
      upstreamModel: 'm',
      locality: 'cloud',
      privacy: null,
      status: 200,
      errorCode: null,
      latencyMs: 3,
    };
    server.recorder.recordRequestOutcome({
      ...base,
      requestId: 'c1',
      model: 'gpt-small',
      usage: { inputTokens: 1000, outputTokens: 200, estimated: false },
      costUsd: 0.75,
    });
    server.recorder.recordRequestOutcome({
      ...base,
      requestId: 'c2',
      model: 'local',
      locality: 'device',
      usage: { inputTokens: 10, outputTokens: 2, estimated: true },
      costUsd: 0,
    });
    const usage = await run(['usage', '--by', 'model', '--since', '1d']);
    assert.equal(usage.code, 0, usage.stderr);
    assert.match(usage.stdout, /^MODEL\s+REQUESTS\s+ERRORS\s+INPUT TOKENS\s+OUTPUT TOKENS\s+COST USD/);
    assert.match(usage.stdout, /gpt-small\s+1\s+0\s+1000\s+200\s+0\.75\n/);
    assert.match(usage.stdout, /TOTAL\s+2\s+0\s+1010\s+202\s+0\.75\n/);
    assert.match(usage.stdout, /1 request\(s\) with estimated token counts/);
    assert.equal((await run(['usage', '--by', 'planet'])).code, 2);
  });

  it('verifies and exports the audit log from the file, and finds a tampered record', async () => {
    const verified = await run(['audit', 'verify', '--home', server.home], false);
    assert.equal(verified.code, 0, verified.stderr);
    const head = /^OK: (\d+) records; head (\d+:[0-9a-f]{64})\n$/.exec(verified.stdout);
    assert.ok(head !== null, verified.stdout);
    const remote = await run(['audit', 'verify', '--remote', '--anchor', head[2] as string]);
    assert.match(remote.stdout, new RegExp(`^OK: ${head[1]} records`));

    const exported = await run(['audit', 'export', '--home', server.home, '--since', '1d'], false);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; event: { type: string; action?: string } });
    assert.equal(lines.length, Number(head[1]));
    assert.ok(lines.some((l) => l.event.action === 'key.created'));

    const attacker = new Database(join(server.home, 'flambeau.db'));
    attacker.exec('DROP TRIGGER audit_log_no_update');
    attacker.prepare('UPDATE audit_log SET body = replace(body, \'"rpm":60\', \'"rpm":6000\') WHERE seq = 1').run();
    attacker.close();
    const broken = await run(['audit', 'verify', '--home', server.home], false);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^BROKEN at record 1: record 1 was altered/);
  });
});
