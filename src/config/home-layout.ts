import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The names of what flambeau keeps in its home folder. Users back these up, move them between
 * machines and read about them in the README, so they are part of the interface: changing one
 * strands every existing install. Spelled here only; code asks `homePaths(home)`.
 */
export const HOME_ENTRIES = {
  /** The SQLite database: keys, budgets, usage, audit, request log, knowledge, model versions. */
  db: 'flambeau.db',
  /** The generated master key (mode 600) when auth.master_key is unset. */
  masterKey: 'master.key',
  /** The MAC key of the audit chain (mode 600), outside the database (decision 0005). */
  auditKey: 'audit.key',
  /** The audit chain's head, MACed, outside the database (decision 0005). */
  auditHead: 'audit.head',
  /** Each serving process's journal of request records not yet applied to the database (decision 0019). */
  journal: 'journal',
  /** Model files: `*.gguf` served by name, plus the content-addressed store (blobs/, manifests/, partial/). */
  models: 'models',
  /** Complexity weights written by `flambeau router train` when no --out is given. */
  complexityWeights: join('router', 'complexity-weights.json'),
} as const;

export type HomePaths = { readonly [K in keyof typeof HOME_ENTRIES]: string };

/** Absolute paths of the home folder's entries. */
export function homePaths(home: string): HomePaths {
  return {
    db: join(home, HOME_ENTRIES.db),
    masterKey: join(home, HOME_ENTRIES.masterKey),
    auditKey: join(home, HOME_ENTRIES.auditKey),
    auditHead: join(home, HOME_ENTRIES.auditHead),
    journal: join(home, HOME_ENTRIES.journal),
    models: join(home, HOME_ENTRIES.models),
    complexityWeights: join(home, HOME_ENTRIES.complexityWeights),
  };
}

/** The home folder when neither --home nor FLAMBEAU_HOME names one. */
export function defaultHome(): string {
  return join(homedir(), '.flambeau');
}
