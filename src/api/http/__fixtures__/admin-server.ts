// A real HTTP server with only the admin routes, on a temp SQLite file: for the admin API's and
// the CLI commands' tests, until the lead wires handleAdmin into app.ts.
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
import { asFlambeauError } from '../../../errors/index.js';
import { openStore, type Store } from '../../../store/store.js';
import { createUsageLog, type UsageLog } from '../../../usage/usage-log.js';
import { homePaths } from '../../../config/home-layout.js';
import { handleAdmin } from '../admin-routes.js';
import { sendError } from '../send.js';

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

export async function startAdminTestServer(): Promise<AdminTestServer> {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-admin-'));
  const store = openStore(homePaths(home).db);
  const teams = createTeamStore(store.db);
  const keys = createKeyStore({ db: store.db, teams, masterKey: { reveal: () => ADMIN_TEST_MASTER_KEY } });
  const ledger = createBudgetLedger({ db: store.db });
  const usage = createUsageLog(store.db);
  const audit = createAuditLog({ db: store.db });
  const recorder = createRequestRecorder({ usage, audit, ledger });
  let n = 0;
  const server = createServer((req, res) => {
    handleAdmin(req, res, { id: `req_admin_${++n}` }, { keys, teams, ledger, usage, audit, bodyLimitBytes: 1 << 20 }).catch((thrown) => sendError(res, asFlambeauError(thrown)));
  });
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
      store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
