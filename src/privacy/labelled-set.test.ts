import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { labelledSetJsonl } from './__fixtures__/export-labelled-set.js';
import { loadLabelledSet, type LabelledExample } from './__fixtures__/labelled-set.js';
import { formatScores, scoreSpans, type TypeScore } from './evaluate-detectors.js';
import { BUILTIN_PII_TYPES } from './pii-types.js';
import { privacyConfigSchema } from './privacy-config.js';
import { createScanner } from './scanner.js';

/**
 * Floors per type, checked on both splits (overlap matching, see evaluate-detectors.ts).
 * Checksummed identifiers and e-mails must be essentially perfect; names, and phone numbers
 * outside the French, North American, UK and international shapes, are where the detectors are
 * still honest.
 */
const FLOORS: Record<string, { precision: number; recall: number }> = {
  EMAIL: { precision: 0.99, recall: 0.99 },
  IBAN: { precision: 0.99, recall: 0.99 },
  CREDIT_CARD: { precision: 0.99, recall: 0.99 },
  FR_NIR: { precision: 0.99, recall: 0.99 },
  US_SSN: { precision: 0.99, recall: 0.99 },
  IP_ADDRESS: { precision: 0.95, recall: 0.95 },
  SECRET: { precision: 0.9, recall: 0.9 },
  ADDRESS: { precision: 0.9, recall: 0.85 },
  PHONE: { precision: 0.85, recall: 0.8 },
  PERSON: { precision: 0.85, recall: 0.85 },
};

const examples = loadLabelledSet();
const scanner = createScanner(privacyConfigSchema.parse({}));

function evaluate(split: LabelledExample['split']): TypeScore[] {
  const docs = examples.filter((e) => e.split === split).map((e) => ({ gold: e.spans, predicted: scanner.scan(e.text).spans }));
  return scoreSpans(docs);
}

describe('labelled set', () => {
  it('has at least 300 positive spans over every built-in type, in French and English, in both splits', () => {
    const spans = examples.flatMap((e) => e.spans);
    assert.ok(spans.length >= 300, `${spans.length} spans`);
    for (const type of BUILTIN_PII_TYPES) {
      for (const split of ['dev', 'heldout'] as const) {
        assert.ok(
          examples.some((e) => e.split === split && e.spans.some((s) => s.type === type)),
          `${type} in ${split}`,
        );
      }
    }
    for (const lang of ['fr', 'en'] as const) assert.ok(examples.filter((e) => e.lang === lang).length >= 10, lang);
    assert.ok(
      examples.some((e) => e.spans.length === 0),
      'documents with look-alikes only',
    );
  });

  it('is exported to labelled-set.jsonl (run export-labelled-set.ts after editing the .txt)', () => {
    assert.equal(readFileSync(new URL('./__fixtures__/labelled-set.jsonl', import.meta.url), 'utf8'), labelledSetJsonl());
  });

  for (const split of ['dev', 'heldout'] as const) {
    it(`meets the precision and recall floors on the ${split} split`, () => {
      const rows = evaluate(split);
      console.log(formatScores(`privacy detectors, ${split} split (overlap match)`, rows));
      for (const row of rows) {
        const floor = FLOORS[row.type];
        assert.ok(floor !== undefined, `no floor for ${row.type}`);
        assert.ok(row.precision >= floor.precision, `${split} ${row.type} precision ${row.precision.toFixed(3)} < ${floor.precision}`);
        assert.ok(row.recall >= floor.recall, `${split} ${row.type} recall ${row.recall.toFixed(3)} < ${floor.recall}`);
      }
    });
  }
});
