import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLabelledSet } from './__fixtures__/labelled-set.js';
import { loadRecallSet } from './__fixtures__/recall-set.js';
import { builtinDetectorsFor } from './detectors/builtin-detectors.js';
import { BUILTIN_PII_TYPES, type Detector } from './pii-types.js';
import { privacyConfigSchema } from './privacy-config.js';
import { createScanner, detectorsFor } from './scanner.js';
import { countText } from './text-counts.js';
import { rng } from '../knowledge/__fixtures__/seeded-random.js';

const corpus = (): string[] => {
  const recall = loadRecallSet();
  return [...loadLabelledSet(), ...recall.handwritten, ...recall.generated].map((e) => e.text);
};

/** Every built-in detector that declares a prefilter, at both recall levels. */
const prefiltered = (): Detector[] =>
  (['high', 'balanced'] as const).flatMap((level) => builtinDetectorsFor(BUILTIN_PII_TYPES, level)).filter((d) => d.mayMatch !== undefined);

/** Smallest texts each prefiltered detector must find something in (at the edge of its condition). */
const MINIMAL = [
  '06 12 34 56 78',
  'O6 12 34 56 78',
  'Tél. O6.12.34.56.78',
  '+33 6 12 34 56 78',
  '4111 1111 1111 1111',
  '4111111111111111',
  '2 84 12 2A 123 456 78',
  '1 84 12 76 451 089 46',
  '123-45-6789',
  'SSN 123 45 6789',
  '1.2.3.4',
  '10.0.0.1',
  '::1',
  'fe80::1',
  '2001:db8::ff00:42:8329',
];

/** A deterministic generator (mulberry32, the shared seeded generator) of texts dense in what the prefilters count. */
function* fuzzTexts(count: number): Generator<string> {
  const random = rng(0x2f6b1d);
  const next = (n: number): number => Math.floor(random() * n);
  const pieces = [
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '00',
    '06',
    '+33 ',
    'O',
    ' ',
    '.',
    '-',
    ':',
    '::',
    '(',
    ')',
    '\u00a0',
    'A',
    'a',
    'fe',
    'SSN ',
    'NIR ',
    'tél ',
    '2A',
    '192.168.',
    '4111',
  ];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = 4 + next(28);
    for (let j = 0; j < length; j++) text += pieces[next(pieces.length)];
    yield text;
  }
}

describe('countText', () => {
  it('counts ASCII digits, capital O, dots and colons', () => {
    assert.deepEqual(countText('O6.12: ٣ o 0O9.'), { digits: 5, capitalO: 2, dots: 2, colons: 1 });
    assert.deepEqual(countText(''), { digits: 0, capitalO: 0, dots: 0, colons: 0 });
  });
});

describe('detector prefilters (mayMatch)', () => {
  it('are declared by the digit- and separator-anchored detectors', () => {
    assert.deepEqual([...new Set(prefiltered().map((d) => d.name))].sort(), ['credit-card', 'fr-nir', 'ip-address', 'phone', 'us-ssn']);
  });

  it('hold whenever their detector finds something: corpora, each finding alone, minimal and fuzzed texts', () => {
    const texts = corpus();
    const detectors = prefiltered();
    const found = new Map<string, number>();
    const check = (detector: Detector, text: string): void => {
      if (detector.detect(text).length === 0) return;
      found.set(detector.name, (found.get(detector.name) ?? 0) + 1);
      assert.equal(detector.mayMatch!(countText(text)), true, `${detector.name} would skip a text it finds something in: ${JSON.stringify(text)}`);
    };
    for (const detector of detectors) {
      for (const text of [...texts, ...MINIMAL, ...fuzzTexts(20_000)]) {
        check(detector, text);
        // The value alone, and with one character of context: the fewest digits a match can have.
        for (const span of detector.detect(text)) {
          check(detector, text.slice(span.start, span.end));
          check(detector, text.slice(Math.max(0, span.start - 1), span.end + 1));
        }
      }
    }
    // The check saw matches of every prefiltered detector (it is not vacuous).
    for (const detector of detectors)
      assert.ok((found.get(detector.name) ?? 0) > 10, `${detector.name}: ${found.get(detector.name) ?? 0} texts with a finding`);
  });

  it('leave every scan unchanged: same spans, scores and failures with and without them', () => {
    for (const recall of ['high', 'balanced'] as const) {
      const config = privacyConfigSchema.parse({ recall });
      const withPrefilters = createScanner(config);
      const without = createScanner(config, {
        detectors: detectorsFor(config).map((d) => ({ name: d.name, type: d.type, detect: (t: string) => d.detect(t) })),
      });
      for (const text of [...corpus(), ...MINIMAL, ...fuzzTexts(5_000), 'Say something short about thing 123.']) {
        assert.deepEqual(withPrefilters.scan(text), without.scan(text), JSON.stringify(text));
      }
    }
  });

  it('skip the detectors a short prompt cannot hold a match for', () => {
    const counts = countText('Say something short about thing 12345.');
    assert.deepEqual(
      prefiltered()
        .filter((d) => d.mayMatch!(counts))
        .map((d) => d.name),
      [],
    );
  });
});
