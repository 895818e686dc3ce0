import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProviderConfig } from './gateway-config.js';
import { loadConfig } from './load-config.js';
import { useLocalProvider } from './local-provider.js';

const remote = (id: string): ProviderConfig => ({
  id,
  type: 'openai-compatible',
  locality: 'cloud',
  baseUrl: 'https://api.example.com/v1',
  headers: {},
  timeouts: {},
  origin: 'file',
});
const embedded = (id: string): ProviderConfig => ({ id, type: 'llamacpp', locality: 'device', headers: {}, timeouts: {}, origin: 'file' });

describe('the local provider of undeclared model files', () => {
  it('is the first llamacpp provider of the config, unchanged', () => {
    const providers = [remote('cloud'), embedded('mine'), embedded('other')];
    assert.equal(useLocalProvider(providers).id, 'mine');
    assert.equal(providers.length, 3);
  });

  it('is an implicit device provider named local, appended, when the config has none', () => {
    const providers = [remote('cloud')];
    const local = useLocalProvider(providers);
    assert.deepEqual([local.id, local.type, local.locality, local.origin], ['local', 'llamacpp', 'device', 'implicit']);
    assert.equal(providers.at(-1), local);
  });

  it('is named local-models when a remote provider holds the id local (then local-models-2, ...)', () => {
    assert.equal(useLocalProvider([remote('local')]).id, 'local-models');
    assert.equal(useLocalProvider([remote('local'), remote('local-models')]).id, 'local-models-2');
  });

  it('is the same rule at load: HOME/models files go to local-models when local is a remote id', () => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-local-'));
    try {
      mkdirSync(join(home, 'models'));
      writeFileSync(join(home, 'models', 'tiny.gguf'), 'not read at load');
      writeFileSync(
        join(home, 'flambeau.yaml'),
        'providers:\n  - id: local\n    type: openai-compatible\n    base_url: https://api.example.com/v1\n    locality: lan\n',
      );
      const config = loadConfig({ configPath: join(home, 'flambeau.yaml'), home, env: {}, cwd: home });
      assert.deepEqual(
        config.providers.map((p) => [p.id, p.type]),
        [
          ['local', 'openai-compatible'],
          ['local-models', 'llamacpp'],
        ],
      );
      assert.deepEqual(
        config.models.map((m) => [m.name, m.provider, m.origin]),
        [['tiny', 'local-models', 'home']],
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
