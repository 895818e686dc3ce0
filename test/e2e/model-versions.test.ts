import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { FlambeauError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { startGateway, type GatewayHandle } from '../../src/main.js';
import { createProgressReporter } from '../../src/models/download/progress-reporter.js';
import { writeGguf } from '../../src/models/gguf/gguf-writer.js';
import { importModel } from '../../src/models/import-model.js';
import { openModelHome } from '../../src/models/model-home.js';
import { pullModel } from '../../src/models/pull-model.js';
import { makeTestModels, TEST_MODEL_ANSWER, type TestModelPaths } from '../fixtures/test-models.js';
import { startModelHub, type ModelHub } from '../helpers/model-hub.js';

const KEY = 'flm-test-master-key-0123456789';
let dir: string;
let files: TestModelPaths;
let hub: ModelHub;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-model-versions-'));
  files = await makeTestModels(join(dir, 'fixtures'));
  hub = await startModelHub();
  hub.addHfFile('Qwen', 'Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', readFileSync(files.chat));
});
after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(home: string, yaml = ''): Promise<GatewayHandle> {
  const configPath = join(home, 'flambeau.yaml');
  writeFileSync(configPath, yaml);
  const config = loadConfig({
    configPath,
    home,
    flags: { port: '0', host: '127.0.0.1' },
    env: { FLAMBEAU_MASTER_KEY: KEY, FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false' },
    cwd: home,
  });
  return startGateway(config, { logger: silentLogger, drainMs: 1000 });
}

async function chat(gateway: GatewayHandle, model: string): Promise<{ status: number; text: string; version: string | null }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 12, temperature: 0, messages: [{ role: 'user', content: 'Hello' }] }),
  });
  const body = (await response.json()) as { choices?: { message: { content: string | null } }[] };
  return { status: response.status, text: body.choices?.[0]?.message.content ?? '', version: response.headers.get('x-flambeau-model') };
}

describe('models you own, served (e2e)', () => {
  it('pull, serve, then promote / canary / rollback switch the answering file with no restart and no failed request', async () => {
    const home = join(dir, 'home-versions');
    const local = await openModelHome(home);
    const deps = {
      store: local.store,
      registry: local.registry,
      endpoints: { huggingFace: hub.url, ollama: hub.url },
      hfToken: null,
      progress: (label: string) => createProgressReporter({ out: { write: () => true }, label }),
    };
    await pullModel('qwen2.5-0.5b-instruct', { settings: { context: 512 } }, deps);
    await importModel(files.toolcall, { name: 'qwen2.5-0.5b-instruct', settings: { context: 1024 } }, deps);
    const gateway = await start(home);
    try {
      assert.deepEqual(
        gateway.catalog.list().map((e) => e.name),
        ['qwen2.5-0.5b-instruct'],
      );
      assert.deepEqual(await chat(gateway, 'qwen2.5-0.5b-instruct'), { status: 200, text: TEST_MODEL_ANSWER, version: 'qwen2.5-0.5b-instruct@v1' });

      // The CLI's promote writes through its own connection to HOME/flambeau.db while requests run.
      const running = Array.from({ length: 4 }, () => chat(gateway, 'qwen2.5-0.5b-instruct'));
      await local.registry.promote('qwen2.5-0.5b-instruct', 2);
      const during = await Promise.all([...running, chat(gateway, 'qwen2.5-0.5b-instruct')]);
      assert.deepEqual(
        during.map((r) => r.status),
        [200, 200, 200, 200, 200],
      );
      const after2 = await chat(gateway, 'qwen2.5-0.5b-instruct');
      assert.equal(after2.version, 'qwen2.5-0.5b-instruct@v2');
      assert.match(after2.text, /getWeather/);

      await local.registry.rollback('qwen2.5-0.5b-instruct');
      assert.equal((await chat(gateway, 'qwen2.5-0.5b-instruct')).text, TEST_MODEL_ANSWER);
      await local.registry.promote('qwen2.5-0.5b-instruct', 2, { canaryPercent: 50 });
      const canary = [];
      for (let i = 0; i < 4; i++) canary.push((await chat(gateway, 'qwen2.5-0.5b-instruct')).version);
      assert.deepEqual(canary.sort(), ['qwen2.5-0.5b-instruct@v1', 'qwen2.5-0.5b-instruct@v1', 'qwen2.5-0.5b-instruct@v2', 'qwen2.5-0.5b-instruct@v2']);

      await gateway.requestLog.flush();
      const answered = (await gateway.requestLog.recent(100)).map((r) => r.upstreamModel);
      assert.ok(
        answered.includes('qwen2.5-0.5b-instruct@v1') && answered.includes('qwen2.5-0.5b-instruct@v2'),
        'the request log records which version answered',
      );
    } finally {
      await gateway.close();
      await local.close();
    }
  });

  it('refuses at start-up a model whose licence forbids the declared use, or warns when told so', async () => {
    const home = join(dir, 'home-licence');
    const local = await openModelHome(home);
    const research = join(dir, 'research.gguf');
    writeFileSync(
      research,
      writeGguf({
        metadata: [
          ['general.architecture', { type: 'string', value: 'llama' }],
          ['general.license', { type: 'string', value: 'other' }],
          ['general.license.name', { type: 'string', value: 'qwen-research' }],
        ],
        tensors: [],
      }),
    );
    await importModel(research, { name: 'research-only' }, { store: local.store, registry: local.registry });
    await local.close();
    await assert.rejects(start(home, 'deployment: { use: commercial, monthly_users: 1000 }\n'), (error: unknown) => {
      assert.ok(error instanceof FlambeauError);
      assert.equal(error.code, 'policy_denied');
      assert.match(error.message, /research-only \(qwen-research\): the Qwen Research License allows non-commercial research use only/);
      return true;
    });
    const warned = await start(home, 'deployment: { use: commercial, on_licence_violation: warn }\n');
    assert.deepEqual(
      warned.catalog.list().map((e) => e.name),
      ['research-only'],
    );
    await warned.close();
    const personal = await start(home, 'deployment: { use: personal }\n');
    await personal.close();
  });
});
