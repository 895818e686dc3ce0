import { hashString, mixHash } from './feature-hash.js';
import type { RoutingRow } from './routing-rows-wire.js';

export interface RowSplit {
  train: RoutingRow[];
  validation: RoutingRow[];
}

function rank(id: string, salt: number): number {
  return mixHash(hashString(id), salt);
}

/**
 * Deterministic split, stratified per bench: within each bench, rows are ordered by a hash of
 * their id and the first `share` of them form the validation part. Rows with the same id (the same
 * prompt filed under two subjects) always land on the same side, so nothing leaks across.
 */
export function splitRows(rows: readonly RoutingRow[], share = 0.2, salt = 0x5eed): RowSplit {
  const byBench = new Map<string, RoutingRow[]>();
  for (const row of rows) {
    const group = byBench.get(row.bench) ?? [];
    group.push(row);
    byBench.set(row.bench, group);
  }
  const validationIds = new Set<string>();
  for (const group of byBench.values()) {
    const ids = [...new Set(group.map((r) => r.id))].sort((a, b) => rank(a, salt) - rank(b, salt) || (a < b ? -1 : 1));
    for (const id of ids.slice(0, Math.round(ids.length * share))) validationIds.add(id);
  }
  return {
    train: rows.filter((r) => !validationIds.has(r.id)),
    validation: rows.filter((r) => validationIds.has(r.id)),
  };
}

/** `folds` deterministic, bench-stratified folds (for tuning on the training part only). */
export function foldRows(rows: readonly RoutingRow[], folds: number, salt = 0xf01d): RoutingRow[][] {
  const parts: RoutingRow[][] = Array.from({ length: folds }, () => []);
  const byBench = new Map<string, string[]>();
  for (const row of rows) {
    const ids = byBench.get(row.bench) ?? [];
    ids.push(row.id);
    byBench.set(row.bench, ids);
  }
  const foldOf = new Map<string, number>();
  for (const ids of byBench.values()) {
    const unique = [...new Set(ids)].sort((a, b) => rank(a, salt) - rank(b, salt) || (a < b ? -1 : 1));
    unique.forEach((id, i) => foldOf.set(id, i % folds));
  }
  for (const row of rows) parts[foldOf.get(row.id) ?? 0]?.push(row);
  return parts;
}
