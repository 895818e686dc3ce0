import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FEATURIZER } from '../featurize-window.js';
import { decodeInjectionModel, encodeInjectionModel } from '../injection-weights-wire.js';
import { BLIND_HELDOUT_PATH, HANDWRITTEN_HELDOUT_PATH } from '../load-injection-model.js';
import { createInjectionScanner } from '../scan-injection.js';
import { figuresOf } from './evaluate-injection.js';
import { generateOwnRows } from './generate-own-rows.js';
import { dedupeRows, loadOwnRows, type InjectionRow } from './injection-rows.js';
import { splitByOrigin } from './split-by-origin.js';
import { trainInjectionModel } from './train-injection-model.js';

// Small: 2^14 buckets and a twentieth of the generated rows, so the test trains in about a second.
const options = { featurizer: { ...DEFAULT_FEATURIZER, hashBits: 14 }, maxIterations: 40, rounds: 1 };
const rows = dedupeRows(generateOwnRows(7, 0.05));

describe('trainInjectionModel', () => {
  const first = encodeInjectionModel(trainInjectionModel(rows, options, { seed: 7 }), 'test');

  it('is reproducible: same seed, same rows, same weights file', () => {
    assert.equal(encodeInjectionModel(trainInjectionModel(dedupeRows(generateOwnRows(7, 0.05)), options, { seed: 7 }), 'test'), first);
  });

  it('learns: attacks score above benign rows on its own training set', () => {
    const model = decodeInjectionModel(first);
    const scanner = createInjectionScanner({ loadModel: () => model, threshold: 0.5 });
    const figures = figuresOf(
      rows,
      rows.map((r) => scanner.scan(r.text, r.channel).flagged),
    );
    assert.ok((figures.balancedAccuracy ?? 0) > 0.9, JSON.stringify(figures));
  });
});

describe('training data', () => {
  it('generates the same rows from the same seed, with both labels, languages and sources', () => {
    assert.deepEqual(generateOwnRows(3, 0.05), generateOwnRows(3, 0.05));
    const all = generateOwnRows(3);
    for (const key of ['label', 'lang', 'channel'] as const) assert.ok(new Set(all.map((r) => r[key])).size >= 2, key);
    assert.ok(
      all.some((r) => r.label === 0 && r.text.length > 800),
      'long benign documents',
    );
  });

  it('keeps the hand-written held-out sets readable and apart from the generated rows', () => {
    const heldout = [...loadOwnRows(HANDWRITTEN_HELDOUT_PATH, 'flambeau:handwritten'), ...loadOwnRows(BLIND_HELDOUT_PATH, 'flambeau:blind')];
    assert.ok(heldout.length >= 140);
    assert.ok(heldout.some((r) => r.lang === 'fr' && r.hardNegative));
    const generated = new Set(generateOwnRows(20250315).map((r) => r.text));
    assert.deepEqual(
      heldout.filter((r) => generated.has(r.text)).map((r) => r.text),
      [],
    );
  });

  it('splits validation by origin, never by row', () => {
    const row = (origin: string): InjectionRow => ({ text: origin, label: 1, origin, lang: 'en', category: 'x', hardNegative: false, channel: 'user' });
    const { train, validation } = splitByOrigin([
      row('NVIDIA/garak@x:garak/probes/latentinjection.py(generated)'),
      row('verazuo/jailbreak_llms:a.csv'),
      row('ReversecLabs/spikee@y:z'),
    ]);
    assert.deepEqual(
      train.map((r) => r.origin),
      ['verazuo/jailbreak_llms:a.csv'],
    );
    assert.equal(validation.length, 2);
  });
});
