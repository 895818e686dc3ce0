import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log/logger.js';
import { startGateway, type GatewayHandle } from '../../src/main.js';
import { importModel } from '../../src/models/import-model.js';
import { openModelHome } from '../../src/models/model-home.js';
import { makeTestModels } from '../fixtures/test-models.js';
import { startStandInCloud, type StandInCloud } from './stand-in-cloud.js';
import { TEST_MASTER_KEY } from './start-gateway.js';

/** The local model with two versions (v1 current) that the dashboard tests promote. */
export const VERSIONED_MODEL = 'house-model';

export interface DashboardWorld {
  gateway: GatewayHandle;
  cloud: StandInCloud;
  url: string;
  key: string;
  home: string;
  close(): Promise<void>;
}

/**
 * Builds the dashboard (dist/web, when src/web changed since the last build: the tests serve the
 * real bundle) and starts a gateway on 127.0.0.1 with: a stand-in cloud answering as a LAN model
 * (`office-chat`) and a priced cloud model (`cloud-big`), a route `default` (model `auto`) trying the LAN one first,
 * a shadow rule comparing that route's answers with the cloud model, a local model with two
 * imported versions, and a knowledge collection `handbook`.
 */
export async function startDashboardWorld(config: Record<string, unknown> = {}): Promise<DashboardWorld> {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url)), '--if-stale', '--quiet'], { stdio: 'inherit' });
  const home = mkdtempSync(join(tmpdir(), 'flambeau-dashboard-'));
  const files = await makeTestModels(join(home, 'fixtures'));
  const local = await openModelHome(home);
  try {
    await importModel(files.chat, { name: VERSIONED_MODEL, settings: { context: 512 } }, local);
    await importModel(files.toolcall, { name: VERSIONED_MODEL, settings: { context: 512 } }, local);
  } finally {
    await local.close();
  }
  const cloud = await startStandInCloud();
  const configPath = join(home, 'flambeau.yaml');
  writeFileSync(
    configPath,
    stringify({
      providers: [
        { id: 'office', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' },
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      ],
      models: [
        { name: 'office-chat', provider: 'office', model: 'office-upstream' },
        { name: 'cloud-big', provider: 'cloud', model: 'cloud-upstream', price: { input_per_mtok: 3, output_per_mtok: 15 } },
      ],
      routes: [{ name: 'default', to: ['office-chat', 'cloud-big'] }],
      privacy: { cloud: 'redact' },
      // Every answer of the route compared with the cloud model: the Evaluations page's shadow report.
      shadow: [{ name: 'lan-vs-cloud', when: { route: 'default' }, compare: ['office-chat', 'cloud-big'], sample: 1 }],
      ...config,
    }),
  );
  const loaded = loadConfig({
    configPath,
    home,
    flags: { port: '0', host: '127.0.0.1' },
    modelPaths: [],
    env: { FLAMBEAU_MASTER_KEY: TEST_MASTER_KEY, FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false' },
    cwd: home,
  });
  const gateway = await startGateway(loaded, { logger: silentLogger, drainMs: 1_000 });
  const docs = join(home, 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'leave.md'), '# Leave policy\n\nEvery employee gets twenty-five days of paid leave per year.\n');
  writeFileSync(join(docs, 'travel.md'), '# Travel\n\nTrain tickets are booked through the travel desk.\n');
  await gateway.knowledge.ingest({ collection: 'handbook', paths: [docs] });
  return {
    gateway,
    cloud,
    url: gateway.url,
    key: TEST_MASTER_KEY,
    home,
    async close() {
      await gateway.close();
      await cloud.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A cookie jar of one: what a browser would send back to /ui. */
export function sessionCookieOf(response: Response): string | null {
  const header = response.headers.get('set-cookie');
  const match = header === null ? null : /flambeau_session=([^;]*)/.exec(header);
  return match === null || match[1] === '' ? null : `flambeau_session=${match[1]}`;
}
