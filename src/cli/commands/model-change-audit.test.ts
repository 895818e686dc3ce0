import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureAuditKey } from '../../audit/audit-key.js';
import { createAuditLog } from '../../audit/audit-log.js';
import { homePaths } from '../../config/home-layout.js';
import { openModelHome } from '../../models/model-home.js';
import { freshPgDatabase } from '../../../test/helpers/pg-database.js';
import { CliExit } from '../exit-codes.js';
import { withoutSecrets } from '../../models/download/without-secrets.js';
import { auditedModelChange } from './model-change-audit.js';

describe('auditedModelChange on a shared PostgreSQL store', () => {
  let pg: { url: string; drop(): Promise<void> };
  let dir: string;
  before(async () => {
    pg = await freshPgDatabase('flambeau_cli_audit');
    dir = mkdtempSync(join(tmpdir(), 'flambeau-cli-audit-'));
  });
  after(async () => {
    await pg.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to sign with a key of its own, and signs with the servers' key once it is copied", async () => {
    const server = join(dir, 'server');
    const serverKey = ensureAuditKey(server).key;
    const operator = join(dir, 'operator');
    const h = await openModelHome(operator, pg.url);
    try {
      let worked = false;
      const change = { kind: 'rollback', name: 'house-model' } as const;
      await assert.rejects(
        auditedModelChange(h, change, async () => {
          worked = true;
        }),
        (e: unknown) => e instanceof CliExit && /no audit\.key/.test(e.message),
      );
      assert.equal(worked, false, 'nothing changed without its record');
      assert.equal(existsSync(homePaths(operator).auditKey), false, 'no key made up on the operator host');

      copyFileSync(homePaths(server).auditKey, homePaths(operator).auditKey);
      await auditedModelChange(h, change, async () => undefined);
      // The servers' key verifies the CLI's record.
      const verdict = await createAuditLog({ sql: h.db.sql, keyed: { key: serverKey, headPath: homePaths(operator).auditHead, readOnly: true } }).verify();
      assert.equal(verdict.ok, true, JSON.stringify(verdict));
      assert.equal(verdict.ok && verdict.count, 1);
    } finally {
      await h.close();
    }
  });
});

describe('withoutSecrets', () => {
  it('keeps scheme, host and path of a URL: no password, query or fragment; refs and paths as given', () => {
    assert.equal(
      withoutSecrets('https://user:pa55@models.example.org:8443/a/b.gguf?X-Amz-Signature=abc&token=t#frag'),
      'https://models.example.org:8443/a/b.gguf',
    );
    assert.equal(withoutSecrets('HTTP://10.0.0.5/m.gguf?sig=1'), 'http://10.0.0.5/m.gguf');
    for (const ref of ['hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/q.gguf@v1', 'ollama:qwen2.5:0.5b', '/srv/models/mine.gguf']) assert.equal(withoutSecrets(ref), ref);
  });
});
