// A real HTTP server on a temp SQLite file, for the admin API's and the CLI commands' tests: the
// gateway's own request handler, with only the admin routes' dependencies (no /v1 call is made).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../../audit/audit-log.js';
import { createRequestRecorder, type RequestRecorder } from '../../../audit/request-outcome.js';
import { createBudgetLedger, type BudgetLedger } from '../../../auth/budget-ledger.js';
import { createKeyStore, type KeyStore } from '../../../auth/key-store.js';
import { createTeamStore } from '../../../auth/team-store.js';
import type { GatewayDeps } from '../../../gateway/index.js';
import { silentLogger } from '../../../log/logger.js';
import { openConfiguredStore, type Store } from '../../../store/store.js';
import { createUsageLog, type UsageLog } from '../../../usage/usage-log.js';
import { createEvalStore } from '../../../eval/index.js';
import { homePaths } from '../../../config/home-layout.js';
import type { AdminDeps } from '../admin-routes.js';
import { createRequestHandler } from '../app.js';

export const ADMIN_TEST_MASTER_KEY = 'flm-admin-test-master-key-0123456789';

export interface AdminTestServer {
  url: string;
  home: string;
  store: Store;
  keys: KeyStore;
  ledger: BudgetLedger;
  usage: UsageLog;
  audit: AuditLog;
  recorder: RequestRecorder;
  close(): Promise<void>;
}

/**
 * `storeUrl`: a `postgres://` URL (a fresh database) for the gateway's state instead of the temp
 * SQLite file. `admin`: changes the admin dependencies (adds dashboard ones, wraps a store).
 */
export async function startAdminTestServer(
  options: { storeUrl?: string; admin?: (deps: AdminDeps, store: Store) => AdminDeps } = {},
): Promise<AdminTestServer> {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-admin-'));
  const store = await openConfiguredStore(homePaths(home).db, options.storeUrl ?? null);
  const teams = createTeamStore(store.sql);
  const keys = createKeyStore({ sql: store.sql, teams, masterKey: { reveal: () => ADMIN_TEST_MASTER_KEY } });
  const ledger = createBudgetLedger({ sql: store.sql });
  const usage = createUsageLog(store.sql);
  const audit = createAuditLog({ sql: store.sql });
  const recorder = createRequestRecorder({ usage, audit, ledger });
  const server = createServer(
    createRequestHandler({
      // The admin routes use only `admin`; a /v1 call here would be a mistake in the test.
      gateway: undefined as unknown as GatewayDeps,
      admin: (options.admin ?? ((deps) => deps))({ keys, teams, ledger, usage, audit, evals: createEvalStore(store.sql), bodyLimitBytes: 1 << 20 }, store),
      bodyLimitBytes: 1 << 20,
      keylessLoopback: null,
      metricsPublicOnLoopback: false,
      isReady: () => true,
      logger: silentLogger,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    home,
    store,
    keys,
    ledger,
    usage,
    audit,
    recorder,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
