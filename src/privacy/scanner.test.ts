import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detector } from './pii-types.js';
import { privacyConfigSchema } from './privacy-config.js';
import { createScanner, resolveOverlaps } from './scanner.js';

const all = privacyConfigSchema.parse({});

describe('createScanner', () => {
  it('returns sorted, non-overlapping spans of every enabled type', () => {
    const text = 'M. Jean Dupont, jean.dupont@exemple.fr, 06 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189.';
    const { spans, failures } = createScanner(all).scan(text);
    assert.deepEqual(failures, []);
    assert.deepEqual(
      spans.map((s) => [s.type, text.slice(s.start, s.end)]),
      [
        ['PERSON', 'Jean Dupont'],
        ['EMAIL', 'jean.dupont@exemple.fr'],
        ['PHONE', '06 12 34 56 78'],
        ['IBAN', 'FR76 3000 6000 0112 3456 7890 189'],
      ],
    );
  });

  it('runs only the types listed in detect, plus custom detectors', () => {
    const config = privacyConfigSchema.parse({ detect: ['EMAIL'], custom: [{ type: 'CLIENT', words: ['Globex'] }] });
    const scanner = createScanner(config);
    assert.deepEqual(scanner.types, ['EMAIL', 'CLIENT']);
    const text = 'Globex: x@y.fr, 06 12 34 56 78';
    assert.deepEqual(
      scanner.scan(text).spans.map((s) => s.type),
      ['CLIENT', 'EMAIL'],
    );
  });

  it('reports a detector that throws, by name only, and keeps the others', () => {
    const failing: Detector = {
      name: 'broken',
      type: 'PERSON',
      detect: () => {
        throw new TypeError('boom at "Jean Dupont"');
      },
    };
    const email = createScanner(all).scan('x@y.fr'); // sanity: the real one works
    assert.equal(email.spans.length, 1);
    const scanner = createScanner(all, {
      detectors: [failing, { name: 'email', type: 'EMAIL', detect: () => [{ type: 'EMAIL', start: 0, end: 6, detector: 'email' }] }],
    });
    const result = scanner.scan('x@y.fr Jean Dupont');
    assert.deepEqual(result.failures, [{ detector: 'broken', type: 'PERSON', errorName: 'TypeError' }]);
    assert.equal(result.spans.length, 1);
    assert.ok(!JSON.stringify(result).includes('Jean'));
  });

  it('scans 1 MB of mixed text with findings spread evenly (behaviour only, no timing)', () => {
    const unit =
      'Bonjour, M. Paul Girard (paul.girard@exemple.fr) a réglé la facture n° 2024-118 de 1 245,80 € le 12/03/2024. ' +
      'Please call Emily Carter on (415) 555-0132 about order 55-8812; server 203.0.113.42 runs version 3.12.4. ';
    const repeats = Math.ceil(1_048_576 / unit.length);
    const text = unit.repeat(repeats);
    const { spans, failures } = createScanner(all).scan(text);
    assert.deepEqual(failures, []);
    const count = (type: string) => spans.filter((s) => s.type === type).length;
    assert.equal(count('EMAIL'), repeats);
    assert.equal(count('PHONE'), repeats);
    assert.equal(count('IP_ADDRESS'), repeats);
    assert.equal(count('PERSON'), 2 * repeats);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1]!.end <= spans[i]!.start);
  });

  it('handles pathological input without catastrophic backtracking', () => {
    const scanner = createScanner(all);
    for (const text of [
      '@'.repeat(200_000),
      'a@'.repeat(100_000),
      '1 '.repeat(100_000),
      'Aa '.repeat(100_000),
      'M. '.repeat(50_000),
      `${'A'.repeat(100_000)}@x`,
    ]) {
      const { failures } = scanner.scan(text);
      assert.deepEqual(failures, []);
    }
  });
});

describe('resolveOverlaps', () => {
  const span = (type: string, start: number, end: number) => ({ type, start, end, detector: type.toLowerCase() });

  it('prefers the higher-ranked type, then the longer span', () => {
    const out = resolveOverlaps([span('PHONE', 5, 19), span('IBAN', 0, 33), span('PERSON', 40, 50), span('PERSON', 40, 45), span('ADDRESS', 44, 60)]);
    assert.deepEqual(
      out.map((s) => [s.type, s.start, s.end]),
      [
        ['IBAN', 0, 33],
        ['ADDRESS', 44, 60],
      ],
    );
  });

  it('keeps non-overlapping spans of a chain', () => {
    const out = resolveOverlaps([span('PERSON', 0, 10), span('EMAIL', 8, 20), span('PERSON', 18, 30)]);
    assert.deepEqual(
      out.map((s) => [s.type, s.start, s.end]),
      [['EMAIL', 8, 20]],
    );
    const out2 = resolveOverlaps([span('PERSON', 0, 10), span('PHONE', 20, 30), span('EMAIL', 5, 12)]);
    assert.deepEqual(
      out2.map((s) => s.type),
      ['EMAIL', 'PHONE'],
    );
  });
});
