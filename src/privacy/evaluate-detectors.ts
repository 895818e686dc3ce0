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
  /**
   * Gold spans fully covered by predicted spans of their type (several may cover one value, and
   * blanks or punctuation between them may stay uncovered): what decides whether the value leaves
   * the machine. Counted only for documents scored with their text.
   */
  covered: number;
  /** covered / gold. */
  coveredRecall: number;
}

/**
 * Per-type precision and recall. A prediction counts as a true positive when it overlaps a gold
 * span of the same type (each gold span matched at most once); boundaries are reported apart
 * (`exact`), since a name found as "Jean" instead of "Jean Dupont" still hides the person.
 */
export function scoreSpans(docs: { gold: readonly GoldSpan[]; predicted: readonly Span[]; text?: string }[]): TypeScore[] {
  const byType = new Map<string, TypeScore>();
  const row = (type: string) => {
    let r = byType.get(type);
    if (r === undefined)
      byType.set(type, (r = { type, gold: 0, predicted: 0, truePositives: 0, precision: 1, recall: 1, exact: 0, covered: 0, coveredRecall: 1 }));
    return r;
  };
  for (const { gold, predicted, text } of docs) {
    const used = new Set<number>();
    for (const g of gold) {
      row(g.type).gold++;
      if (text !== undefined && fullyCovered(text, g, predicted)) row(g.type).covered++;
    }
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
    r.coveredRecall = r.gold === 0 ? 1 : r.covered / r.gold;
  }
  return rows;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Every letter and digit of `gold` lies inside a predicted span of its type. */
export function fullyCovered(text: string, gold: GoldSpan, predicted: readonly Span[]): boolean {
  const over = predicted.filter((p) => p.type === gold.type && p.start < gold.end && gold.start < p.end);
  for (let i = gold.start; i < gold.end; i++) {
    if (!LETTER_OR_DIGIT.test(text[i]!) || over.some((p) => p.start <= i && i < p.end)) continue;
    return false;
  }
  return true;
}

/** Scores summed over every type (micro average). */
export function totalScore(rows: readonly TypeScore[]): TypeScore {
  const t = rows.reduce(
    (a, r) => ({
      ...a,
      gold: a.gold + r.gold,
      predicted: a.predicted + r.predicted,
      truePositives: a.truePositives + r.truePositives,
      exact: a.exact + r.exact,
      covered: a.covered + r.covered,
    }),
    { type: 'all types', gold: 0, predicted: 0, truePositives: 0, precision: 1, recall: 1, exact: 0, covered: 0, coveredRecall: 1 },
  );
  return {
    ...t,
    precision: t.predicted === 0 ? 1 : t.truePositives / t.predicted,
    recall: t.gold === 0 ? 1 : t.truePositives / t.gold,
    coveredRecall: t.gold === 0 ? 1 : t.covered / t.gold,
  };
}

/** A fixed-width table for test output. */
export function formatScores(title: string, rows: readonly TypeScore[]): string {
  const lines = [title, 'type          gold  pred    TP  precision  recall  exact  covered'];
  for (const r of rows) {
    lines.push(
      `${r.type.padEnd(12)} ${String(r.gold).padStart(5)} ${String(r.predicted).padStart(5)} ${String(r.truePositives).padStart(5)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}  ${String(r.exact).padStart(5)}  ${r.coveredRecall.toFixed(3).padStart(7)}`,
    );
  }
  return lines.join('\n');
}
