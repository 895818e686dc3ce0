import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import type { Detector } from '../../src/privacy/index.js';
import { startGateway, type GatewayHandle, type StartOptions } from '../../src/main.js';

export interface TestGateway {
  url: string;
  /** `${url}/v1`, for the OpenAI client. */
  baseURL: string;
  key: string;
  home: string;
  gateway: GatewayHandle;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const TEST_MASTER_KEY = 'flm-test-master-key-0123456789';

/**
 * Starts a real gateway on 127.0.0.1 port 0 with a temp home and SQLite file, through the same
 * config loader and composition root as `flambeau serve`. `config` is written as flambeau.yaml.
 */
export async function startTestGateway(
  config: Record<string, unknown> = {},
  options: {
    env?: Record<string, string>;
    modelPaths?: string[];
    privacyDetectors?: Detector[];
    logger?: Logger;
    /** Files written into the new home first, by name (e.g. another instance's `audit.key`: instances on one store share it). */
    homeFiles?: Record<string, Buffer>;
    /** The record journal's apply window (a long one keeps acknowledged records in the journal until a read flushes them). */
    recordJournal?: StartOptions['recordJournal'];
  } = {},
): Promise<TestGateway> {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-test-'));
  for (const [name, bytes] of Object.entries(options.homeFiles ?? {})) writeFileSync(join(home, name), bytes, { mode: 0o600 });
  const configPath = join(home, 'flambeau.yaml');
  writeFileSync(configPath, stringify(config));
  const loaded = loadConfig({
    configPath,
    home,
    flags: { port: '0', host: '127.0.0.1' },
    modelPaths: options.modelPaths ?? [],
    env: { FLAMBEAU_MASTER_KEY: TEST_MASTER_KEY, FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false', ...options.env },
    cwd: home,
  });
  const gateway = await startGateway(loaded, {
    logger: options.logger ?? silentLogger,
    drainMs: 1_000,
    ...(options.privacyDetectors === undefined ? {} : { privacyDetectors: options.privacyDetectors }),
    ...(options.recordJournal === undefined ? {} : { recordJournal: options.recordJournal }),
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await gateway.close();
    rmSync(home, { recursive: true, force: true });
  };
  return { url: gateway.url, baseURL: `${gateway.url}/v1`, key: TEST_MASTER_KEY, home, gateway, close, [Symbol.asyncDispose]: close };
}
