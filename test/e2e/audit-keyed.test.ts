import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { runCli } from '../helpers/run-cli.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

describe('flambeau audit verify on a keyed chain, against a real gateway home (issue 11, item 13)', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;

  const verify = () => runCli(['audit', 'verify', '--home', gw.home], { env: { FLAMBEAU_HOME: gw.home } });
  /** An attacker with the database file but not the home folder's key. */
  const tamper = (sql: string) => {
    const db = new Database(join(gw.home, 'flambeau.db'));
    db.exec(`DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; ${sql}`);
    db.close();
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1, output_per_mtok: 1 } }],
      routing: { retries: 0, health_interval_ms: 0 },
    });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: `question ${i}` }] });
    // The records reach the tables (and audit.head) in groups; the CLI reads the tables, so apply them now.
    await gw.gateway.flushRecords();
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });

  it('verifies with the key and head kept beside the database (mode 600)', async () => {
    assert.equal(statSync(join(gw.home, 'audit.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(gw.home, 'audit.head')).mode & 0o777, 0o600);
    const ok = await verify();
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^OK: 5 records; head 5:[0-9a-f]{64}; keyed from record 1/);
  });

  it('fails naming the usage row whose cost was edited with raw SQL', async () => {
    const reader = new Database(join(gw.home, 'flambeau.db'), { readonly: true });
    const id = reader.prepare('SELECT id FROM usage_log ORDER BY id LIMIT 1 OFFSET 2').pluck().get() as number;
    reader.close();
    tamper(`UPDATE usage_log SET cost_nusd = cost_nusd / 10 WHERE id = ${id}`);
    const broken = await verify();
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`^BROKEN at record 3: usage row ${id} \\(request \\S+\\) disagrees with audit record 3`));
    tamper(`UPDATE usage_log SET cost_nusd = cost_nusd * 10 WHERE id = ${id}`);
    assert.equal((await verify()).code, 0);
  });

  it('fails when the last records are cut, with their usage rows, though every remaining hash is valid', async () => {
    tamper('DELETE FROM audit_log WHERE seq >= 4; DELETE FROM usage_log WHERE audit_seq >= 4;');
    const broken = await verify();
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^BROKEN at record 4: the log ends at record 3, but the head kept outside the database \(audit.head\) is at record 5/);
  });
});
