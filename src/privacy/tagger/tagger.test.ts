import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeText, describeTokens, FEATURES_PER_TOKEN, featuresAt, scoreTokens, type TokenInfo } from './tagger-features.js';
import { relativeWeights, scoreTokensRelative } from './tagger-relative-scores.js';
import { loadRecallSet } from '../__fixtures__/recall-set.js';
import { loadLabelledSet } from '../__fixtures__/labelled-set.js';
import { allowed, LABEL_COUNT, tagRange, viterbi } from './tagger-model.js';
import { labelsFromSpans, spansFromLabels, type TaggedSpan } from './tagger-spans.js';
import { NEWLINE, NUMBER, PUNCT, tokenizeForTagger, WORD } from './tagger-tokens.js';
import { decodeTaggerModel, encodeTaggerModel } from './tagger-weights-wire.js';
import { trainTagger } from './train-tagger.js';
import { generateTrainingTexts } from './training-texts.js';

function sentences(texts: ReturnType<typeof generateTrainingTexts>) {
  return texts.map((doc) => {
    const tokens = tokenizeForTagger(doc.text);
    return { info: describeTokens(doc.text, tokens), gold: labelsFromSpans(tokens, doc.spans) };
  });
}

describe('tagger tokens', () => {
  it('reads words of any Latin script whole, numbers with their glued letters, punctuation and line breaks', () => {
    const text = "M. Kozłowski, 12bis rue l'Abbé\n75001 Paris";
    const t = tokenizeForTagger(text);
    const read = Array.from({ length: t.count }, (_, i) => [text.slice(t.data[3 * i], t.data[3 * i + 1]), t.data[3 * i + 2]]);
    assert.deepEqual(read, [
      ['M', WORD],
      ['.', PUNCT],
      ['Kozłowski', WORD],
      [',', PUNCT],
      ['12bis', NUMBER],
      ['rue', WORD],
      ["l'Abbé", WORD],
      ['\n', NEWLINE],
      ['75001', NUMBER],
      ['Paris', WORD],
    ]);
  });

  it('describes a text in one pass exactly as the tokenizer and describeTokens do in two, arrays lent or not', () => {
    const recall = loadRecallSet();
    const texts = [
      ...recall.generated.map((e) => e.text),
      ...recall.handwritten.map((e) => e.text),
      ...loadLabelledSet().map((d) => d.text),
      "trailing hyphens- and quotes' l’Hôpital’ O’Neil’s -x '' 12bis 1er 221B 12abcd 3’ \u2019 Ωmega ŁÓDŹ\r\n\u00a0\u202f\u2009x",
      '',
      'x',
    ];
    let lent: TokenInfo | undefined;
    for (const text of texts) {
      const tokens = tokenizeForTagger(text);
      const two = describeTokens(text, tokens);
      const one = describeText(text, lent);
      lent = one;
      assert.equal(one.count, two.count);
      const n = two.count;
      assert.deepEqual(Array.from(one.tokens.data.subarray(0, 3 * n)), Array.from(tokens.data.subarray(0, 3 * n)));
      for (const key of ['word', 'shape', 'lexicon', 'flags'] as const)
        assert.deepEqual(Array.from(one[key].subarray(0, n)), Array.from(two[key].subarray(0, n)), key);
    }
  });

  it('sums the weights of featuresAt in scoreTokens, for float and quantised weights, over any range', () => {
    const hashBits = 12;
    const mask = (1 << hashBits) - 1;
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24) - 0.5;
    const float = Float32Array.from({ length: (mask + 1) * LABEL_COUNT }, random);
    const int8 = Int8Array.from(float, (v) => Math.round(v * 200));
    const features = new Int32Array(FEATURES_PER_TOKEN);
    for (const text of loadRecallSet().handwritten.map((e) => e.text)) {
      const info = describeText(text);
      for (const [from, to] of [
        [0, info.count],
        [1, Math.max(1, info.count - 1)],
        [Math.min(3, info.count), Math.min(9, info.count)],
      ] as const) {
        for (const [weights, step, bias] of [
          [float, 1, 0],
          [int8, 0.01, 4],
        ] as const) {
          const got = new Float32Array((to - from) * LABEL_COUNT);
          scoreTokens(info, from, to, weights, mask, step, bias, got);
          const want = new Float32Array((to - from) * LABEL_COUNT);
          for (let i = from; i < to; i++) {
            featuresAt(info, i, mask, features);
            for (let l = 0; l < LABEL_COUNT; l++) {
              let sum = 0;
              for (let f = 0; f < FEATURES_PER_TOKEN; f++) sum += weights[features[f]! * LABEL_COUNT + l]!;
              want[(i - from) * LABEL_COUNT + l] = sum * step + (l === 0 ? bias : 0);
            }
          }
          assert.deepEqual(got, want);
        }
      }
    }
  });

  it('sums the weights relative to the outside label in scoreTokensRelative, bytes that do not fit included', () => {
    const hashBits = 12;
    const mask = (1 << hashBits) - 1;
    let state = 9;
    // Weights up to ±120: differences up to 240, many beyond a byte (read from the weights).
    const int8 = Int8Array.from({ length: (mask + 1) * LABEL_COUNT }, () => (((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % 241) - 120);
    const relative = relativeWeights(int8);
    assert.ok(relative.includes(0) && relative.some((v) => v !== 0), 'both kinds of bucket');
    const features = new Int32Array(FEATURES_PER_TOKEN);
    for (const text of loadRecallSet().handwritten.map((e) => e.text)) {
      const info = describeText(text);
      const [from, to] = [Math.min(1, info.count), info.count];
      const got = new Float32Array((to - from) * LABEL_COUNT);
      scoreTokensRelative(info, from, to, relative, int8, mask, 0.01, 4, got);
      const want = new Float32Array((to - from) * LABEL_COUNT);
      for (let i = from; i < to; i++) {
        featuresAt(info, i, mask, features);
        const sum = (l: number) => features.reduce((s, f) => s + int8[f * LABEL_COUNT + l]!, 0);
        want[(i - from) * LABEL_COUNT] = 4;
        for (let l = 1; l < LABEL_COUNT; l++) want[(i - from) * LABEL_COUNT + l] = (sum(l) - sum(0)) * 0.01;
      }
      assert.deepEqual(got, want);
    }
  });

  it('decodes as the plain Viterbi loop does, ties included', () => {
    let state = 11;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % 7;
    const L = LABEL_COUNT;
    for (let round = 0; round < 200; round++) {
      const n = 1 + (round % 23);
      const model = { transitions: Float32Array.from({ length: L * L }, random), start: Float32Array.from({ length: L }, random) };
      const scores = Float32Array.from({ length: n * L }, random); // small integers: many ties
      const T = (p: number, l: number) => (allowed(p, l) ? model.transitions[p * L + l]! : -1e9);
      const best = new Float64Array(n * L);
      const back = new Uint8Array(n * L);
      for (let l = 0; l < L; l++) best[l] = scores[l]! + (allowed(0, l) ? model.start[l]! : -1e9);
      for (let i = 1; i < n; i++) {
        for (let l = 0; l < L; l++) {
          let top = best[(i - 1) * L]! + T(0, l);
          let arg = 0;
          for (let p = 1; p < L; p++) {
            if (best[(i - 1) * L + p]! + T(p, l) > top) {
              top = best[(i - 1) * L + p]! + T(p, l);
              arg = p;
            }
          }
          best[i * L + l] = top + scores[i * L + l]!;
          back[i * L + l] = arg;
        }
      }
      const want = new Uint8Array(n);
      let last = 0;
      for (let l = 1; l < L; l++) if (best[(n - 1) * L + l]! > best[(n - 1) * L + last]!) last = l;
      want[n - 1] = last;
      for (let i = n - 1; i > 0; i--) want[i - 1] = back[i * L + want[i]!]!;
      assert.deepEqual(viterbi(model, scores, n), want);
    }
  });

  it('turns spans into labels and labels back into the same spans', () => {
    const text = 'Dear Anne Le Goff,\nplease write to 12 rue des Lilas\n69003 Lyon.';
    const gold: TaggedSpan[] = [
      { type: 'PERSON', start: 5, end: 17 },
      { type: 'ADDRESS', start: 35, end: 63 },
    ];
    const t = tokenizeForTagger(text);
    const out: TaggedSpan[] = [];
    spansFromLabels(text, t, 0, labelsFromSpans(t, gold), out);
    assert.deepEqual(
      out.map((s) => text.slice(s.start, s.end)),
      ['Anne Le Goff', '12 rue des Lilas\n69003 Lyon'],
    );
  });
});

describe('tagger training', () => {
  const texts = generateTrainingTexts(80, 3);

  it('is deterministic given the texts and the seed', () => {
    const data = sentences(texts);
    const a = trainTagger(data, { hashBits: 10, epochs: 2, seed: 5 });
    const b = trainTagger(data, { hashBits: 10, epochs: 2, seed: 5 });
    const c = trainTagger(data, { hashBits: 10, epochs: 2, seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.weights, c.weights);
    assert.deepEqual(generateTrainingTexts(5, 3), texts.slice(0, 5), 'the generator is seeded too');
  });

  it('learns its training texts, and the packed weights decode to the same decisions', () => {
    const data = sentences(texts);
    const model = trainTagger(data, { hashBits: 12, epochs: 6, seed: 5 });
    let right = 0;
    let total = 0;
    for (const s of data) {
      const labels = tagRange(model, s.info, 0, s.info.count);
      for (let i = 0; i < labels.length; i++) {
        total++;
        if (labels[i] === s.gold[i]) right++;
        if (i > 0) assert.ok(allowed(labels[i - 1]!, labels[i]!), 'an inside label follows its begin');
      }
    }
    assert.ok(right / total > 0.95, `token accuracy on the training texts ${(right / total).toFixed(3)}`);
    const packed = decodeTaggerModel(encodeTaggerModel(model, { test: true }));
    let same = 0;
    for (const s of data) {
      const a = tagRange(model, s.info, 0, s.info.count);
      const b = tagRange(packed, s.info, 0, s.info.count);
      if (a.every((l, i) => l === b[i])) same++;
    }
    assert.ok(same / data.length > 0.95, `${same} of ${data.length} texts tagged alike after packing`);
    assert.equal(packed.weights.length, (1 << 12) * LABEL_COUNT);
  });

  it('refuses a malformed weights file with a typed error', () => {
    assert.throws(
      () => decodeTaggerModel('{"format":"something else"}'),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'internal',
    );
    assert.throws(
      () => decodeTaggerModel('not json'),
      (e: unknown) => (e as { code?: string }).code === 'internal',
    );
  });
});

describe('runtime code', () => {
  it('never imports faker: only the training generators and the evaluation generator do', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    // faker is a dev dependency: a user's install has none, so nothing the gateway runs may load it.
    const allowed = new Set([
      'privacy/tagger/training-texts.ts',
      'privacy/tagger/training-negatives.ts',
      'privacy/__fixtures__/generate-recall-set.ts',
      'injection/training/generate-benign-rows.ts',
    ]);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          const rel = full.slice(root.length).replaceAll('\\', '/');
          if (readFileSync(full, 'utf8').includes('@faker-js/faker') && !allowed.has(rel)) offenders.push(rel);
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, []);
    // And nothing at run time imports the training modules.
    for (const file of ['name-address-tagger.ts', 'tagger-model.ts', 'tagger-features.ts', 'tagger-weights-wire.ts', 'tagger-spans.ts', 'tagger-tokens.ts']) {
      assert.ok(!/from '\.\/(?:training-texts|training-negatives|train-tagger)/.test(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')), file);
    }
  });
});
