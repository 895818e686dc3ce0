import { ensureAuditKey, readAuditKey } from '../../audit/audit-key.js';
import { createAuditLog } from '../../audit/audit-log.js';
import type { AdminAuditEvent } from '../../audit/audit-event.js';
import { actorOf, MASTER_PRINCIPAL } from '../../auth/principal.js';
import { homePaths } from '../../config/home-layout.js';
import type { ModelHome } from '../../models/model-home.js';
import { withoutSecrets } from '../../models/download/without-secrets.js';
import type { VersionWriteWrapper } from '../../models/pull-model.js';
import type { LocalModel } from '../../models/store/local-model.js';
import type { ModelVersion } from '../../models/versions/version-registry.js';
import type { SqlExecutor } from '../../store/sql.js';
import { CliExit, EXIT } from '../exit-codes.js';

/**
 * A change of the models that can serve, made by `flambeau models promote|rollback|rm`,
 * `models import` or `flambeau pull`. Promote and rollback are recorded as the dashboard's same
 * actions record them.
 */
export type ModelChange =
  | { kind: 'promote'; name: string; version: number; canaryPercent: number | null }
  | { kind: 'rollback'; name: string }
  | { kind: 'add'; name: string; version: ModelVersion; model: LocalModel }
  | { kind: 'remove'; name: string; versions: readonly ModelVersion[] };

/** The audit log of HOME's store, its key checked once opened: `record` each change through it. */
export interface ModelChangeAudit {
  /**
   * Runs `work` (the registry write, given the transaction) and appends the record of the change
   * `describe` makes of its result (none when it says null: nothing changed) in one transaction
   * holding the audit chain: both or neither.
   */
  record<T>(work: (tx: SqlExecutor) => Promise<T>, describe: (result: T) => ModelChange | null): Promise<T>;
  /** For pull and import: their version write, recorded as `model.added` (nothing when the name already serves the file). */
  readonly versionWrite: VersionWriteWrapper;
  close(): void;
}

/**
 * Opens the audit log the CLI records model changes in, as the dashboard's admin actions are: the
 * actor is the master, as for `flambeau keys create` sent with the master key (whoever runs this
 * can read HOME, and so master.key); `details.via` says the change came from the CLI (the
 * dashboard's record has a request id instead). Records are MACed with HOME/audit.key and move
 * HOME/audit.head, so `flambeau audit verify` keeps passing while a server shares the store.
 * Throws (a usage error) at once when the key cannot be had: open it before a long download, so
 * that the refusal comes before the work.
 */
export function openModelChangeAudit(h: ModelHome): ModelChangeAudit {
  const audit = createAuditLog({
    sql: h.db.sql,
    keyed: {
      key: auditKeyOf(h),
      headPath: homePaths(h.home).auditHead,
      onTamper: (reason) => process.stderr.write(`warning: audit chain: ${reason}\n`),
    },
  });
  const record = <T>(work: (tx: SqlExecutor) => Promise<T>, describe: (result: T) => ModelChange | null): Promise<T> =>
    audit.atomically(async (tx) => {
      const result = await work(tx);
      const change = describe(result);
      if (change !== null) await audit.append(adminEvent(change), undefined, tx);
      return result;
    });
  return {
    record,
    versionWrite: (added, write) => record(write, (version) => (version === null ? null : { kind: 'add', name: added.name, version, model: added.model })),
    close: () => audit.close(),
  };
}

/** Runs `work` and records `change` with it (see openModelChangeAudit). */
export async function auditedModelChange<T>(h: ModelHome, change: ModelChange, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const audit = openModelChangeAudit(h);
  try {
    return await audit.record(work, () => change);
  } finally {
    audit.close();
  }
}

function adminEvent(change: ModelChange): AdminAuditEvent {
  const event = (action: AdminAuditEvent['action'], details: Record<string, unknown>): AdminAuditEvent => ({
    type: 'admin',
    actor: actorOf(MASTER_PRINCIPAL),
    action,
    target: {},
    details: { ...details, via: 'cli' },
  });
  switch (change.kind) {
    case 'promote':
      return event('model.promoted', { model: change.name, version: change.version, canaryPercent: change.canaryPercent });
    case 'rollback':
      return event('model.rolled_back', { model: change.name, version: null, canaryPercent: null });
    case 'add':
      return event('model.added', {
        model: change.name,
        version: change.version.version,
        sha256: change.version.sha256,
        size: change.model.size,
        source: {
          kind: change.model.source.kind,
          ref: withoutSecrets(change.model.source.ref),
          known: change.model.source.known,
          verified: change.model.source.verified,
        },
      });
    case 'remove':
      return event('model.removed', { model: change.name, versions: change.versions.map((v) => ({ version: v.version, sha256: v.sha256 })) });
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
      `error: ${h.home} has no audit.key, and this change must be audited with the servers' key: copy audit.key from a server's home into ${h.home} (mode 600), or run the command on a server's host (promote and rollback: or on the dashboard).`,
    );
  }
  return key;
}
