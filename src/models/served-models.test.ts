import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestModels, TEST_MODEL_ANSWER, type TestModelPaths } from '../../test/fixtures/test-models.js';
import { createEngine } from '../engine/child-engine.js';
import type { Engine } from '../engine/engine.js';
import { silentLogger } from '../log/logger.js';
import { createLlamaCppProvider } from '../providers/llamacpp/llamacpp-provider.js';
import type { Provider } from '../providers/spec.js';
import { openStore, type Store } from '../store/store.js';
import { importModel } from './import-model.js';
import { createModelCatalog, type ModelCatalog } from './model-catalog.js';
import { createVersionSource, withRegisteredModels } from './served-models.js';
import { createModelStore, type ModelStore } from './store/model-store.js';
import { createVersionRegistry, type VersionRegistry } from './versions/version-registry.js';

// The two test models answer differently, so the answer tells which file served it.
let dir: string;
let files: TestModelPaths;
let db: Store;
let engine: Engine;
let store: ModelStore;
let registry: VersionRegistry;
let catalog: ModelCatalog;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-versions-'));
  files = await makeTestModels(join(dir, 'fixtures'));
  db = openStore(join(dir, 'flambeau.db'));
  store = createModelStore(dir);
  registry = createVersionRegistry(db.sql);
  await importModel(files.chat, { name: 'assistant', settings: { context: 512, threads: 1 } }, { store, registry });
  await importModel(files.toolcall, { name: 'assistant', settings: { context: 1024, threads: 1 } }, { store, registry });
  engine = createEngine({ idleTimeoutMs: 60_000, gpu: false, threads: 1, logger: silentLogger });
  const { models, providers } = await withRegisteredModels([], [], registry, store);
  assert.deepEqual(
    providers.map((p) => [p.id, p.type]),
    [['local', 'llamacpp']],
  );
  assert.deepEqual(
    models.map((m) => [m.name, m.model, m.path, m.context]),
    [['assistant', 'assistant@v1', store.blobPath((await registry.versions('assistant'))[0]!.sha256), 512]],
  );
  const provider: Provider = createLlamaCppProvider({ id: 'local', locality: 'device', engine });
  catalog = createModelCatalog(models, new Map([['local', provider]]), { versions: createVersionSource(registry, store) });
});

after(async () => {
  await engine?.shutdown();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ask(): Promise<{ text: string; model: string }> {
  await catalog.refreshVersions(); // as the spine does, once per request
  const entry = catalog.get('assistant');
  const result = await entry.chat.generate(
    { model: entry.chat.model, temperature: 0, maxTokens: 12, messages: [{ role: 'user', content: 'Hello' }] },
    new AbortController().signal,
  );
  return { text: result.text ?? '', model: entry.chat.model };
}

describe('served versions (real engine)', () => {
  it('promote, canary and rollback change which file answers, with no restart and no failed request', async () => {
    const first = await ask();
    assert.deepEqual(first, { text: TEST_MODEL_ANSWER, model: 'assistant@v1' });

    // Requests in flight while the pointer moves: every one succeeds, old or new version.
    const inFlight = Array.from({ length: 4 }, () => ask());
    await registry.promote('assistant', 2);
    const during = await Promise.all([...inFlight, ask(), ask()]);
    assert.equal(during.length, 6);
    assert.ok(during.every((r) => r.text.length > 0));
    const second = await ask();
    assert.equal(second.model, 'assistant@v2');
    assert.notEqual(second.text, TEST_MODEL_ANSWER, 'the tool-call model answers with its call');
    assert.match(second.text, /getWeather/);

    await registry.rollback('assistant');
    assert.deepEqual(await ask(), first);

    await registry.promote('assistant', 2, { canaryPercent: 50 });
    const canary = [];
    for (let i = 0; i < 4; i++) canary.push((await ask()).model);
    assert.deepEqual(canary.sort(), ['assistant@v1', 'assistant@v1', 'assistant@v2', 'assistant@v2']);
    await registry.rollback('assistant');
    assert.equal((await ask()).model, 'assistant@v1');
    // list() keeps the configured binding; get() resolves the version.
    assert.deepEqual(
      catalog.list().map((e) => e.name),
      ['assistant'],
    );
    assert.equal(catalog.get('assistant').version, 1);
  });
});
