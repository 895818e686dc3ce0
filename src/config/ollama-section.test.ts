import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './load-config.js';

describe('the ollama section of flambeau.yaml (key-less loopback access)', () => {
  const load = (yaml: string, flags: Record<string, string> = {}) => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-ollama-'));
    try {
      writeFileSync(join(home, 'flambeau.yaml'), yaml);
      return loadConfig({ configPath: join(home, 'flambeau.yaml'), home, env: {}, cwd: home, flags });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  it('is off when absent, and says nothing', () => {
    const config = load('log: { level: info }\n');
    assert.equal(config.ollama.keylessLoopback, null);
    assert.ok(!config.warnings.some((w) => w.includes('keyless_loopback')));
  });

  it('reads the models and endpoints (all three Ollama endpoints by default), with a loud warning', () => {
    const config = load('ollama:\n  keyless_loopback:\n    models: [local-chat, local-*]\n');
    assert.deepEqual(config.ollama.keylessLoopback, { models: ['local-chat', 'local-*'], endpoints: ['chat', 'embeddings', 'models'] });
    const warning = config.warnings.find((w) => w.startsWith('ollama.keyless_loopback is on'));
    assert.ok(warning !== undefined, config.warnings.join('\n'));
    assert.match(warning, /without a key for the models local-chat, local-\*/);
    assert.match(warning, /reverse proxy/);
    assert.deepEqual(load('ollama: { keyless_loopback: { models: [a], endpoints: [chat] } }\n').ollama.keylessLoopback, { models: ['a'], endpoints: ['chat'] });
  });

  it('warns louder for every model, and says remote callers still need a key off loopback', () => {
    const star = load('ollama: { keyless_loopback: { models: ["*"] } }\n', { host: '0.0.0.0' });
    const warning = star.warnings.find((w) => w.startsWith('ollama.keyless_loopback is on')) ?? '';
    assert.match(warning, /every model, cloud ones included/);
    assert.match(warning, /server\.host is 0\.0\.0\.0: remote callers still need a key/);
  });

  it('stops at start-up on a bad value, naming the key', () => {
    assert.throws(() => load('ollama: { keyless_loopback: { models: [] } }\n'), /ollama\.keyless_loopback\.models/);
    assert.throws(() => load('ollama: { keyless_loopback: {} }\n'), /ollama\.keyless_loopback\.models/);
    assert.throws(() => load('ollama: { keyless_loopback: { models: [a], endpoints: [knowledge] } }\n'), /ollama\.keyless_loopback\.endpoints/);
    assert.throws(() => load('ollama: { keyless_loopback: { models: [a], collections: [notes] } }\n'), /collections/);
    assert.throws(() => load('ollama: { keyless: true }\n'), /keyless/);
  });
});
