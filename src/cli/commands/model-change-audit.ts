import { ensureAuditKey, readAuditKey } from '../../audit/audit-key.js';
import { createAuditLog } from '../../audit/audit-log.js';
import { actorOf, MASTER_PRINCIPAL } from '../../auth/principal.js';
import { homePaths } from '../../config/home-layout.js';
import type { ModelHome } from '../../models/model-home.js';
import type { SqlExecutor } from '../../store/sql.js';
import { CliExit, EXIT } from '../exit-codes.js';

/** A pointer change of `flambeau models promote|rollback`, as the dashboard's same actions record it. */
export type ModelChange = { kind: 'promote'; name: string; version: number; canaryPercent: number | null } | { kind: 'rollback'; name: string };

/**
 * Runs `change` (the pointer write, given the transaction) and appends its audit record
 * (`model.promoted` / `model.rolled_back`, the same event the dashboard writes) in one transaction
 * holding the audit chain: both or neither, as in `dashboard-admin-routes.ts`. The actor is the
 * master, as for `flambeau keys create` sent with the master key: whoever runs this can read HOME,
 * and so master.key. `details.via` says the change came from the CLI (the dashboard's record has a
 * request id instead). The record is MACed with HOME/audit.key and moves HOME/audit.head, so
 * `flambeau audit verify` keeps passing while a server shares the store.
 */
export async function auditedModelChange<T>(h: ModelHome, change: ModelChange, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const audit = createAuditLog({
    sql: h.db.sql,
    keyed: {
      key: auditKeyOf(h),
      headPath: homePaths(h.home).auditHead,
      onTamper: (reason) => process.stderr.write(`warning: audit chain: ${reason}\n`),
    },
  });
  try {
    return await audit.atomically(async (tx) => {
      const result = await work(tx);
      await audit.append(
        {
          type: 'admin',
          actor: actorOf(MASTER_PRINCIPAL),
          action: change.kind === 'rollback' ? 'model.rolled_back' : 'model.promoted',
          target: {},
          details: {
            model: change.name,
            version: change.kind === 'rollback' ? null : change.version,
            canaryPercent: change.kind === 'rollback' ? null : change.canaryPercent,
            via: 'cli',
          },
        },
        undefined,
        tx,
      );
      return result;
    });
  } finally {
    audit.close();
  }
}

/**
 * The key the servers sign the chain with. On HOME's own SQLite file it is HOME/audit.key (created
 * here as `serve` would: a server on this home will use the same one). On a shared PostgreSQL
 * store the servers' key lives on their hosts: a key made up here would sign a record no server
 * can verify, and every `audit verify` would stop at it as tampered. So it must be there already.
 */
function auditKeyOf(h: ModelHome): Buffer {
  if (h.db.sql.dialect === 'sqlite') return ensureAuditKey(h.home).key;
  const key = readAuditKey(h.home);
  if (key === null) {
    throw new CliExit(
      EXIT.usage,
      `error: ${h.home} has no audit.key, and this change must be audited with the servers' key: copy audit.key from a server's home into ${h.home} (mode 600), or make the change on the dashboard.`,
    );
  }
  return key;
}
