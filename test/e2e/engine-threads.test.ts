import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import type { Logger } from '../../src/log/logger.js';
import { startGateway, type GatewayHandle } from '../../src/main.js';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { runCli } from '../helpers/run-cli.js';

const MASTER_KEY = 'flm-test-master-key-0123456789';
/** The documented default, written out here rather than imported: every core but one, at least 1. */
const DEFAULT_THREADS = Math.max(1, availableParallelism() - 1);
/** More threads than any machine running this suite has cores. */
const TOO_MANY = 4096;

interface ThreadsMeta {
  threads?: number;
  loaded?: boolean;
  locality?: string;
}

/**
 * Unlike `startTestGateway`, this leaves FLAMBEAU_ENGINE_THREADS unset (the default is under
 * test) and records the start-up log lines.
 */
async function start(
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<{ gateway: GatewayHandle; warnings: string[]; home: string; configPath: string }> {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-threads-'));
  const configPath = join(home, 'flambeau.yaml');
  writeFileSync(configPath, stringify(config));
  const loaded = loadConfig({
    configPath,
    home,
    flags: { port: '0', host: '127.0.0.1' },
    modelPaths: [],
    env: { FLAMBEAU_MASTER_KEY: MASTER_KEY, FLAMBEAU_ENGINE_GPU: 'false', ...env },
    cwd: home,
  });
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (message) => void warnings.push(message), error() {} };
  return { gateway: await startGateway(loaded, { logger, drainMs: 1_000 }), warnings, home, configPath };
}

describe('local engine threads', () => {
  let dir: string;
  let chatModel: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-threads-models-'));
    chatModel = (await makeTestModels(dir)).chat;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a model with no threads set on the cores but one, and says so in /v1/models and `flambeau models`', async () => {
    const { gateway, warnings, home } = await start({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'local-auto', provider: 'local', path: chatModel, context: 512 },
        { name: 'local-all', provider: 'local', path: chatModel, context: 512, threads: availableParallelism() },
      ],
    });
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
      const list = await client.models.list();
      const byId = new Map(list.data.map((m) => [m.id, m]));
      const auto = byId.get('local-auto');
      assert.ok(auto);
      // The OpenAI shape is intact; the threads sit in flambeau's own metadata.
      assert.equal(auto.object, 'model');
      assert.equal(auto.owned_by, 'local');
      assert.equal(typeof auto.created, 'number');
      assert.equal((auto as unknown as { flambeau: ThreadsMeta }).flambeau.threads, DEFAULT_THREADS);
      assert.equal((byId.get('local-all') as unknown as { flambeau: ThreadsMeta }).flambeau.threads, availableParallelism());
      // As many threads as cores is allowed without a warning.
      assert.deepEqual(
        warnings.filter((w) => /threads/.test(w)),
        [],
      );

      // The engine runs the model with that value (its chat context reports it).
      const answer = await client.chat.completions.create({ model: 'local-auto', messages: [{ role: 'user', content: 'Bonjour' }] });
      assert.equal(answer.choices[0]?.message.content, TEST_MODEL_ANSWER);
      const engineModel = gateway
        .engine()
        ?.status()
        .models.find((m) => m.name === 'local-auto');
      assert.deepEqual(engineModel?.engineThreads.chat, DEFAULT_THREADS);
      const retrieved = (await client.models.retrieve('local-auto')) as unknown as { flambeau: ThreadsMeta };
      assert.deepEqual({ loaded: retrieved.flambeau.loaded, threads: retrieved.flambeau.threads }, { loaded: true, threads: DEFAULT_THREADS });

      const cli = await runCli(['models', '--url', gateway.url, '--key', MASTER_KEY, '--home', home]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /^MODEL\s+PROVIDER\s+TYPE\s+LOCALITY\s+UPSTREAM\s+LOADED\s+THREADS$/m);
      assert.match(cli.stdout, new RegExp(`^local-auto\\s+local\\s+llamacpp\\s+device\\s+\\S+\\s+yes\\s+${DEFAULT_THREADS}$`, 'm'));
      assert.match(cli.stdout, new RegExp(`^local-all\\s+local\\s+llamacpp\\s+device\\s+\\S+\\s+no\\s+${availableParallelism()}$`, 'm'));
    } finally {
      await gateway.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('honours configured values above the cores, and warns at start-up and in `flambeau config check`', async () => {
    const config = {
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'local-engine', provider: 'local', path: chatModel, context: 512 },
        { name: 'local-greedy', provider: 'local', path: chatModel, context: 512, threads: TOO_MANY + 1 },
      ],
    };
    const { gateway, warnings, home, configPath } = await start(config, { FLAMBEAU_ENGINE_THREADS: String(TOO_MANY) });
    try {
      assert.equal(warnings.filter((w) => /threads/.test(w)).length, 2);
      assert.ok(
        warnings.some((w) => w.startsWith(`engine.threads asks for ${TOO_MANY} threads but only ${availableParallelism()} CPU core`)),
        warnings.join('\n'),
      );
      assert.ok(
        warnings.some((w) => w.startsWith(`model 'local-greedy' asks for ${TOO_MANY + 1} threads`)),
        warnings.join('\n'),
      );
      const list = (await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${MASTER_KEY}` } })).json()) as {
        data: { id: string; flambeau: ThreadsMeta }[];
      };
      assert.equal(list.data.find((m) => m.id === 'local-engine')?.flambeau.threads, TOO_MANY);
      assert.equal(list.data.find((m) => m.id === 'local-greedy')?.flambeau.threads, TOO_MANY + 1);

      const check = await runCli(['config', 'check', '--config', configPath, '--home', home], {
        env: { FLAMBEAU_MASTER_KEY: '', FLAMBEAU_ENGINE_THREADS: String(TOO_MANY) },
      });
      assert.equal(check.code, 0, check.stderr);
      assert.match(check.stdout, new RegExp(`^warning: engine\\.threads asks for ${TOO_MANY} threads but only \\d+ CPU cores? (is|are) available`, 'm'));
      assert.match(check.stdout, new RegExp(`^warning: model 'local-greedy' asks for ${TOO_MANY + 1} threads`, 'm'));
    } finally {
      await gateway.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
