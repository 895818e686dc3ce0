import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkShadowRules } from '../shadow/index.js';
import { loadConfig } from './load-config.js';

describe('docs/flambeau.example.yaml', () => {
  it('is a valid config: every section the README describes loads', () => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-example-'));
    try {
      const config = loadConfig({
        configPath: fileURLToPath(new URL('../../docs/flambeau.example.yaml', import.meta.url)),
        home,
        env: { FLAMBEAU_MASTER_KEY: 'flm-example-0123456789', OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-ant-x', REDIS_URL: 'redis://127.0.0.1:6379' },
      });
      assert.deepEqual(
        config.providers.map((p) => [p.id, p.locality]),
        [
          ['local', 'device'],
          ['office', 'lan'],
          ['openai', 'cloud'],
          ['claude', 'cloud'],
        ],
      );
      assert.equal(config.routes.length, 6);
      assert.deepEqual(config.injection, { user: 'flag', documents: 'spotlight', tools: 'spotlight', threshold: 0.5 });
      assert.equal(config.shadow.length, 1);
      checkShadowRules(config);
      assert.equal(config.privacy.cloud, 'pseudonymize');
      assert.equal(config.models.find((m) => m.name === 'claude')?.price?.outputPerMTok, 15);
      assert.equal(config.knowledge.contextTokens, 2000);
      assert.notEqual(config.rateLimit.redisUrl, null);
      assert.equal(config.cluster.redisUrl, config.rateLimit.redisUrl, 'the cluster bus defaults to the Redis of the rate limiter');
      assert.equal(config.cluster.namespace, 'flambeau');
      assert.equal(config.deployment?.use, 'internal');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
