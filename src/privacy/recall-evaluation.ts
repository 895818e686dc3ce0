import type { LabelledExample } from './__fixtures__/labelled-set.js';
import { scoreSpans, totalScore, type TypeScore } from './evaluate-detectors.js';
import type { Scanner } from './scanner.js';

/** Per-type scores of a scanner on labelled examples, with their total last ("all types"). */
export function evaluateScanner(scanner: Scanner, examples: readonly LabelledExample[]): TypeScore[] {
  const rows = scoreSpans(examples.map((e) => ({ gold: e.spans, predicted: scanner.scan(e.text).spans, text: e.text })));
  return [...rows, totalScore(rows)];
}
