import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './load-config.js';
import { injectionConfigSchema } from './sections/injection-section.js';
import { privacyConfigSchema } from './sections/privacy-section.js';
import { routingFileSchema } from './sections/routing-section.js';
import { SETTINGS } from './settings.js';

const empty = { env: {}, cwd: '/nonexistent', home: '/nonexistent/home' };

describe('the settings table', () => {
  it('has one row per key, each with a doc line', () => {
    const keys = SETTINGS.map((s) => s.key);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
    );
    for (const spec of SETTINGS) assert.ok(spec.doc.length > 0, spec.key);
  });

  it('holds the defaults the loaded config runs with, every row explained with source default', () => {
    const config = loadConfig(empty);
    assert.deepEqual(
      config.explain.map((e) => [e.key, e.value, e.source]),
      SETTINGS.map((s) => [s.key, s.default, 'default']),
    );
    assert.deepEqual(
      [config.audit, config.rateLimit, config.budget, config.knowledge.embeddingModel, config.knowledge.contextTokens],
      [{ enabled: true, includeContent: false }, { redisUrl: null }, { defaultMaxOutputTokens: 4096 }, null, 2000],
    );
  });

  it('gives the policy sections their scalar defaults through their schemas', () => {
    const config = loadConfig(empty);
    const sections: Record<string, unknown> = { privacy: config.privacy, injection: config.injection, routing: config.routing };
    for (const spec of SETTINGS) {
      const [section, field] = spec.key.split('.') as [string, string];
      if (!(section in sections)) continue;
      const value = (sections[section] as Record<string, unknown>)[field];
      assert.equal(value ?? null, spec.default, spec.key);
    }
    assert.deepEqual(privacyConfigSchema.parse({}), config.privacy);
    assert.deepEqual(injectionConfigSchema.parse({}), config.injection);
    assert.deepEqual(routingFileSchema.parse({}), config.routing);
  });

  it('says file only for the keys the file writes, not for the defaults its section schema fills in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-settings-'));
    try {
      writeFileSync(join(dir, 'flambeau.yaml'), 'privacy:\n  cloud: block\nrouting:\n  retries: 3\naudit:\n  include_content: true\n');
      const config = loadConfig({ configPath: join(dir, 'flambeau.yaml'), home: dir, env: {}, cwd: dir });
      const row = (key: string) => {
        const e = config.explain.find((x) => x.key === key);
        return [e?.value, e?.source];
      };
      assert.deepEqual(
        [row('privacy.cloud'), row('privacy.lan'), row('routing.retries'), row('routing.breaker_failures'), row('audit.include_content'), row('audit.enabled')],
        [
          ['block', 'file'],
          ['allow', 'default'],
          [3, 'file'],
          [5, 'default'],
          [true, 'file'],
          [true, 'default'],
        ],
      );
      assert.deepEqual([config.privacy.cloud, config.privacy.lan, config.routing.retries, config.audit.includeContent], ['block', 'allow', 3, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps policy sections (privacy, injection, routing) out of the environment and flags: a policy is read in its file', () => {
    const loose = SETTINGS.filter((s) => /^(privacy|injection|routing)\./.test(s.key) && (s.env !== undefined || s.flag !== undefined));
    assert.deepEqual(
      loose.map((s) => s.key),
      [],
    );
  });

  it('names environment variables FLAMBEAU_*, and every null default says what unset means', () => {
    for (const spec of SETTINGS) {
      if (spec.env !== undefined) assert.match(spec.env, /^FLAMBEAU_[A-Z0-9_]+$/, spec.key);
      if (spec.default === null) assert.ok(spec.unsetMeans !== undefined, spec.key);
    }
  });

  it('reads the former loadConfig defaults from the environment too, in the usual order', () => {
    const config = loadConfig({
      ...empty,
      env: {
        FLAMBEAU_AUDIT_ENABLED: 'false',
        FLAMBEAU_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS: '512',
        FLAMBEAU_KNOWLEDGE_CONTEXT_TOKENS: '900',
        FLAMBEAU_KNOWLEDGE_EMBEDDING_MODEL: 'embedder',
        FLAMBEAU_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
      },
    });
    assert.equal(config.audit.enabled, false);
    assert.equal(config.budget.defaultMaxOutputTokens, 512);
    assert.equal(config.knowledge.contextTokens, 900);
    assert.equal(config.knowledge.embeddingModel, 'embedder');
    assert.equal(config.rateLimit.redisUrl?.reveal(), 'redis://127.0.0.1:6379');
    assert.equal(config.explain.find((e) => e.key === 'rate_limit.redis_url')?.secret, true);
    assert.throws(
      () => loadConfig({ ...empty, env: { FLAMBEAU_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS: '0' } }),
      /budget\.default_max_output_tokens \(from FLAMBEAU_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS\)/,
    );
  });
});

describe('ui.trust_proxy', () => {
  const withFile = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-trust-proxy-'));
    try {
      writeFileSync(join(dir, 'flambeau.yaml'), yaml);
      return loadConfig({ configPath: join(dir, 'flambeau.yaml'), home: dir, env, cwd: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('is no proxy by default and with false', () => {
    assert.deepEqual(loadConfig(empty).ui.trustProxy, []);
    assert.deepEqual(withFile('ui:\n  trust_proxy: false\n').ui.trustProxy, []);
    assert.deepEqual(loadConfig({ ...empty, env: { FLAMBEAU_UI_TRUST_PROXY: 'false' } }).ui.trustProxy, []);
  });

  it('true means a proxy on this machine: loopback addresses only', () => {
    assert.deepEqual(withFile('ui:\n  trust_proxy: true\n').ui.trustProxy, ['127.0.0.0/8', '::1']);
    assert.deepEqual(loadConfig({ ...empty, env: { FLAMBEAU_UI_TRUST_PROXY: 'true' } }).ui.trustProxy, ['127.0.0.0/8', '::1']);
  });

  it('takes a list of addresses and CIDR blocks: in the file a list, in the environment comma-separated', () => {
    assert.deepEqual(withFile('ui:\n  trust_proxy: [10.0.0.5, 10.1.0.0/16, "fd00::/8"]\n').ui.trustProxy, ['10.0.0.5', '10.1.0.0/16', 'fd00::/8']);
    assert.deepEqual(loadConfig({ ...empty, env: { FLAMBEAU_UI_TRUST_PROXY: '10.0.0.5, fd00::/8' } }).ui.trustProxy, ['10.0.0.5', 'fd00::/8']);
  });

  it('refuses an entry that is not an address or a CIDR block, naming the setting', () => {
    assert.throws(() => withFile('ui:\n  trust_proxy: [proxy.local]\n'), /ui\.trust_proxy: .*"proxy\.local"/);
    assert.throws(() => withFile('ui:\n  trust_proxy: [10.0.0.0/40]\n'), /ui\.trust_proxy: .*"10\.0\.0\.0\/40"/);
    assert.throws(() => loadConfig({ ...empty, env: { FLAMBEAU_UI_TRUST_PROXY: '10.0.0.1,nginx' } }), /FLAMBEAU_UI_TRUST_PROXY.*"nginx"/);
    assert.throws(() => withFile('ui:\n  trust_proxy: 10.0.0.1\n'), /trust_proxy/, 'a bare string in the file is not a list');
  });
});
