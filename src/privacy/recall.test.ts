import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRecallSet } from './__fixtures__/recall-set.js';
import { formatScores, type TypeScore } from './evaluate-detectors.js';
import { privacyConfigSchema } from './privacy-config.js';
import { evaluateScanner } from './recall-evaluation.js';
import { createScanner } from './scanner.js';

/**
 * Issue 14's evaluation set (see __fixtures__/recall-set.ts): floors on precision and on "fully
 * covered" recall (the share of values entirely inside a span of their type, which is what keeps
 * a value from leaving). Floors sit a little under the measured figures so that a regression
 * fails here; the measured figures are in the closing note of the issue and in `npm run bench`.
 * Before issue 14 (rules only): fully covered PERSON 0.39, PHONE 0.54, ADDRESS 0.15 on the
 * generated texts; PERSON 0.82, PHONE 0.83, ADDRESS 0.53 on the hand-written held-out ones.
 * After the second round (retrained tagger, lower-case names, street suffixes, city after a
 * postcode): PERSON 0.93, PHONE 0.97, ADDRESS 0.91 generated; PERSON 0.94, PHONE 1.0, ADDRESS
 * 0.93 hand-written held-out (both batches).
 */
const FLOORS: Record<string, { precision: number; covered: number }> = {
  EMAIL: { precision: 0.99, covered: 0.99 },
  IBAN: { precision: 0.99, covered: 0.99 },
  CREDIT_CARD: { precision: 0.99, covered: 0.99 },
  FR_NIR: { precision: 0.99, covered: 0.99 },
  US_SSN: { precision: 0.99, covered: 0.99 },
  IP_ADDRESS: { precision: 0.9, covered: 0.99 },
  PERSON: { precision: 0.97, covered: 0.92 },
  PHONE: { precision: 0.95, covered: 0.95 },
  ADDRESS: { precision: 0.97, covered: 0.89 },
};

const set = loadRecallSet();
const scanner = createScanner(privacyConfigSchema.parse({}));

function check(title: string, rows: TypeScore[], floors: Record<string, { precision: number; covered: number }>): void {
  console.log(formatScores(title, rows));
  for (const row of rows) {
    const floor = floors[row.type];
    if (floor === undefined) continue;
    assert.ok(row.precision >= floor.precision, `${title}: ${row.type} precision ${row.precision.toFixed(3)} < ${floor.precision}`);
    assert.ok(row.coveredRecall >= floor.covered, `${title}: ${row.type} fully covered recall ${row.coveredRecall.toFixed(3)} < ${floor.covered}`);
  }
}

describe('recall evaluation set (issue 14)', () => {
  it('has hand-written texts in French and English, and generated ones with every type', () => {
    for (const lang of ['fr', 'en'] as const) assert.ok(set.handwritten.filter((e) => e.lang === lang).length >= 25, lang);
    const types = new Set(set.generated.flatMap((e) => e.spans.map((s) => s.type)));
    for (const type of Object.keys(FLOORS)) assert.ok(types.has(type), type);
    for (const e of [...set.handwritten, ...set.generated]) for (const s of e.spans) assert.ok(s.end > s.start && s.end <= e.text.length, e.id);
  });

  it('meets the floors on the generated texts', () => {
    check('privacy detectors, generated evaluation texts (fully covered recall)', evaluateScanner(scanner, set.generated), FLOORS);
  });

  it('meets the floors on the hand-written held-out texts', () => {
    const heldout = set.handwritten.filter((e) => e.split === 'heldout');
    check('privacy detectors, hand-written held-out texts', evaluateScanner(scanner, heldout), {
      PERSON: { precision: 0.95, covered: 0.92 },
      PHONE: { precision: 0.95, covered: 0.95 },
      ADDRESS: { precision: 0.95, covered: 0.9 },
    });
  });
});
