import type { InjectionRow } from './injection-rows.js';

export interface Confusion {
  rows: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export interface Figures extends Confusion {
  /** Mean of recall on attacks and specificity on benign rows (null when one class is absent). */
  balancedAccuracy: number | null;
  precision: number | null;
  recall: number | null;
  /** Share of benign rows flagged. */
  falsePositiveRate: number | null;
}

export function figuresOf(rows: readonly InjectionRow[], flagged: readonly boolean[]): Figures {
  const c: Confusion = { rows: rows.length, truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
  rows.forEach((row, i) => {
    const f = flagged[i] === true;
    if (row.label === 1) f ? c.truePositives++ : c.falseNegatives++;
    else f ? c.falsePositives++ : c.trueNegatives++;
  });
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const recall = ratio(c.truePositives, c.truePositives + c.falseNegatives);
  const specificity = ratio(c.trueNegatives, c.trueNegatives + c.falsePositives);
  return {
    ...c,
    balancedAccuracy: recall === null || specificity === null ? null : (recall + specificity) / 2,
    precision: ratio(c.truePositives, c.truePositives + c.falsePositives),
    recall,
    falsePositiveRate: specificity === null ? null : 1 - specificity,
  };
}

/** Figures overall, then per group (`channel`, `lang`, `channel/lang`, each other language, hard negatives). */
export function figureTable(rows: readonly InjectionRow[], flagged: readonly boolean[]): { group: string; figures: Figures }[] {
  const groups = new Map<string, number[]>([['all', rows.map((_, i) => i)]]);
  const add = (key: string, i: number) => groups.set(key, [...(groups.get(key) ?? []), i]);
  rows.forEach((row, i) => {
    add(`source=${row.channel}`, i);
    add(`lang=${row.lang === 'fr' ? 'fr' : row.lang === 'en' ? 'en' : 'other'}`, i);
    add(`source=${row.channel} lang=${row.lang === 'fr' ? 'fr' : row.lang === 'en' ? 'en' : 'other'}`, i);
    if (row.lang !== 'en' && row.lang !== 'fr') add(`lang=other: ${row.lang}`, i);
    if (row.label === 1 || row.hardNegative) add('attacks + hard negatives', i);
    if (row.label === 0 && row.hardNegative) add('benign hard negatives alone', i);
  });
  return [...groups].map(([group, indices]) => ({
    group,
    figures: figuresOf(
      indices.map((i) => rows[i] as InjectionRow),
      indices.map((i) => flagged[i] === true),
    ),
  }));
}

const pct = (v: number | null) => (v === null ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** A fixed-width table for the trainer, the bench and the decision record. */
export function formatFigures(table: readonly { group: string; figures: Figures }[]): string {
  const lines = ['group                              rows   bal.acc  precision recall   FPR'];
  for (const { group, figures: f } of table)
    lines.push(
      `${group.padEnd(34)} ${String(f.rows).padStart(5)}  ${pct(f.balancedAccuracy)}  ${pct(f.precision)}  ${pct(f.recall)}  ${pct(f.falsePositiveRate)}`,
    );
  return lines.join('\n');
}

/**
 * Recall at the global score cuts where `rates` of the benign rows are flagged (ties broken
 * against the detector), with the benign hard negatives' FPR there: how two models' curves
 * compare, whatever their calibration. One line per rate.
 */
export function recallAtBenignRates(rows: readonly InjectionRow[], scores: readonly number[], rates: readonly number[]): string {
  const benign = rows.flatMap((r, i) => (r.label === 0 ? [scores[i] as number] : [])).sort((a, b) => b - a);
  return rates
    .map((rate) => {
      const k = Math.floor(rate * benign.length);
      const cut = k === 0 ? Infinity : (benign[k - 1] as number);
      const flagged = scores.map((s) => s >= cut);
      const f = figuresOf(rows, flagged);
      const hard = rows.flatMap((r, i) => (r.label === 0 && r.hardNegative ? [flagged[i] === true] : []));
      const hardRate = hard.length === 0 ? 0 : hard.filter(Boolean).length / hard.length;
      return `at ${(100 * rate).toFixed(0)}% of ${benign.length} benign: recall ${pct(f.recall)} (FPR ${pct(f.falsePositiveRate)}; hard negatives ${pct(hardRate)} of ${hard.length}; cut ${cut.toFixed(3)})`;
    })
    .join('\n');
}
