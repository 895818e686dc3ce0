import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeTokens } from './tagger-features.js';
import { allowed, LABEL_COUNT, tagRange } from './tagger-model.js';
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
