import type { Span } from './pii-types.js';

export interface GoldSpan {
  type: string;
  start: number;
  end: number;
}

export interface TypeScore {
  type: string;
  gold: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  /** Predicted spans whose boundaries equal the gold span's exactly. */
  exact: number;
}

/**
 * Per-type precision and recall. A prediction counts as a true positive when it overlaps a gold
 * span of the same type (each gold span matched at most once); boundaries are reported apart
 * (`exact`), since a name found as "Jean" instead of "Jean Dupont" still hides the person.
 */
export function scoreSpans(docs: { gold: readonly GoldSpan[]; predicted: readonly Span[] }[]): TypeScore[] {
  const byType = new Map<string, TypeScore>();
  const row = (type: string) => {
    let r = byType.get(type);
    if (r === undefined) byType.set(type, (r = { type, gold: 0, predicted: 0, truePositives: 0, precision: 1, recall: 1, exact: 0 }));
    return r;
  };
  for (const { gold, predicted } of docs) {
    const used = new Set<number>();
    for (const g of gold) row(g.type).gold++;
    for (const p of predicted) {
      const r = row(p.type);
      r.predicted++;
      const k = gold.findIndex((g, i) => !used.has(i) && g.type === p.type && p.start < g.end && g.start < p.end);
      if (k === -1) continue;
      used.add(k);
      r.truePositives++;
      if (gold[k]!.start === p.start && gold[k]!.end === p.end) r.exact++;
    }
  }
  const rows = [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  for (const r of rows) {
    r.precision = r.predicted === 0 ? 1 : r.truePositives / r.predicted;
    // Each gold span is matched at most once, so true positives are also the gold spans found.
    r.recall = r.gold === 0 ? 1 : r.truePositives / r.gold;
  }
  return rows;
}

/** A fixed-width table for test output. */
export function formatScores(title: string, rows: readonly TypeScore[]): string {
  const lines = [title, 'type          gold  pred    TP  precision  recall  exact'];
  for (const r of rows) {
    lines.push(`${r.type.padEnd(12)} ${String(r.gold).padStart(5)} ${String(r.predicted).padStart(5)} ${String(r.truePositives).padStart(5)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}  ${String(r.exact).padStart(5)}`);
  }
  return lines.join('\n');
}
