import { ensureAuditKey } from '../../audit/audit-key.js';
import { createAuditLog } from '../../audit/audit-log.js';
import { actorOf, MASTER_PRINCIPAL } from '../../auth/principal.js';
import { homePaths } from '../../config/home-layout.js';
import type { ModelHome } from '../../models/model-home.js';
import type { SqlExecutor } from '../../store/sql.js';

/** A pointer change of `flambeau models promote|rollback`, as the dashboard's same actions record it. */
export type ModelChange = { kind: 'promote'; name: string; version: number; canaryPercent: number | null } | { kind: 'rollback'; name: string };

/**
 * Runs `change` (the pointer write, given the transaction) and appends its audit record
 * (`model.promoted` / `model.rolled_back`, the same event the dashboard writes) in one transaction
 * holding the audit chain: both or neither, as in `dashboard-admin-routes.ts`. The actor is the
 * master, as for `flambeau keys create` sent with the master key: whoever runs this can read HOME,
 * and so master.key. `details.via` says the change came from the CLI (the dashboard's record has a
 * request id instead). The record is MACed with HOME/audit.key (created as `serve` would) and moves
 * HOME/audit.head, so `flambeau audit verify` keeps passing while a server shares the store.
 */
export async function auditedModelChange<T>(h: ModelHome, change: ModelChange, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const audit = createAuditLog({
    sql: h.db.sql,
    keyed: {
      key: ensureAuditKey(h.home).key,
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
