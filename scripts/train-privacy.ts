/**
 * Trains the privacy tagger (person names and postal addresses) and writes its shipped weights,
 * deterministically: `npm run train:privacy` (optionally `-- --texts 80000 --epochs 10 --seed 14`; about a minute).
 *
 * - Generates texts with @faker-js/faker (src/privacy/tagger/training-texts.ts; a devDependency,
 *   never imported at run time), the seed fixing every choice.
 * - Keeps the last tenth apart to report precision and fully covered recall of the tagger alone
 *   (the evaluation set of issue 14 lives elsewhere and is never used here).
 * - Trains an averaged perceptron over the linear-chain model, then writes
 *   src/privacy/tagger/tagger-weights.json.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeTokens } from '../src/privacy/tagger/tagger-features.js';
import { tagText } from '../src/privacy/tagger/name-address-tagger.js';
import { labelsFromSpans } from '../src/privacy/tagger/tagger-spans.js';
import { tokenizeForTagger } from '../src/privacy/tagger/tagger-tokens.js';
import { decodeTaggerModel, encodeTaggerModel, SHIPPED_TAGGER_WEIGHTS } from '../src/privacy/tagger/tagger-weights-wire.js';
import { DEFAULT_TAGGER_TRAINING, trainTagger } from '../src/privacy/tagger/train-tagger.js';
import { generateTrainingTexts } from '../src/privacy/tagger/training-texts.js';
import { fullyCovered } from '../src/privacy/evaluate-detectors.js';
import type { Span } from '../src/privacy/pii-types.js';

const { values } = parseArgs({
  options: {
    texts: { type: 'string', default: '80000' },
    epochs: { type: 'string', default: String(DEFAULT_TAGGER_TRAINING.epochs) },
    seed: { type: 'string', default: String(DEFAULT_TAGGER_TRAINING.seed) },
    bits: { type: 'string', default: String(DEFAULT_TAGGER_TRAINING.hashBits) },
    out: { type: 'string', default: SHIPPED_TAGGER_WEIGHTS },
  },
});
const count = Number(values.texts);
const options = { hashBits: Number(values.bits), epochs: Number(values.epochs), seed: Number(values.seed) };

const t0 = performance.now();
const texts = generateTrainingTexts(count, options.seed);
const cut = Math.floor(count * 0.9);
const train = texts.slice(0, cut).map((doc) => {
  const tokens = tokenizeForTagger(doc.text);
  return { info: describeTokens(doc.text, tokens), gold: labelsFromSpans(tokens, doc.spans) };
});
console.log(`train:privacy: ${count} texts generated (seed ${options.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const t1 = performance.now();
const trained = trainTagger(train, options);
console.log(`train:privacy: ${options.epochs} epochs over ${train.length} texts in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
const json = encodeTaggerModel(trained, { generator: 'src/privacy/tagger/training-texts.ts', texts: count, trainingTexts: cut, ...options, faker: '10.6.0' });
const model = decodeTaggerModel(json); // measured as shipped: quantised

for (const bias of [0, 2, 4]) {
  const rows = new Map<string, { gold: number; covered: number; predicted: number; correct: number }>();
  for (const doc of texts.slice(cut)) {
    const predicted: Span[] = tagText(model, doc.text, bias).map((s) => ({ ...s, detector: 'tagger' }));
    for (const type of ['PERSON', 'ADDRESS']) {
      const r = rows.get(type) ?? { gold: 0, covered: 0, predicted: 0, correct: 0 };
      rows.set(type, r);
      for (const g of doc.spans.filter((s) => s.type === type)) {
        r.gold++;
        if (fullyCovered(doc.text, g, predicted)) r.covered++;
      }
      for (const p of predicted.filter((s) => s.type === type)) {
        r.predicted++;
        if (doc.spans.some((g) => g.type === type && g.start < p.end && p.start < g.end)) r.correct++;
      }
    }
  }
  for (const [type, r] of rows) {
    console.log(
      `  held-out generated texts, outside bias ${bias}: ${type.padEnd(8)} precision ${(r.correct / Math.max(1, r.predicted)).toFixed(3)}  fully covered ${(r.covered / Math.max(1, r.gold)).toFixed(3)}  (${r.gold} values)`,
    );
  }
}

writeFileSync(values.out, json);
console.log(`train:privacy: wrote ${values.out} (${(Buffer.byteLength(json) / 1024).toFixed(0)} KB)`);
