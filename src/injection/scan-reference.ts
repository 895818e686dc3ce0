import { createFeaturizer, DEFAULT_FEATURIZER, quantizeWeights, type FeaturizerSettings } from './featurize-window.js';
import type { InjectionSource } from './injection-sources.js';
import { loadInjectionModel } from './load-injection-model.js';
import { foldForModel } from './normalize-text.js';
import { createInjectionScanner, type InjectionScan } from './scan-injection.js';
import type { ReferenceCase } from './scan-reference-corpus.js';
import { planWindows } from './text-windows.js';

/** What the reference fixture stores per case (see scan-reference-corpus.ts). */
export interface ReferenceFigures {
  name: string;
  /** Length and FNV-1a hash of the folded code units: folding, alone. */
  folded: { length: number; hash: number };
  /** Highest window logit under made-up weights, per featuriser setting: hashing and features, without the shipped weights. */
  logits: number[];
  /** The shipped scanner's answer, per source. */
  scans: Record<InjectionSource, InjectionScan>;
}

/** Featuriser settings besides the shipped one, so the generic path is held too. */
export const REFERENCE_SETTINGS: FeaturizerSettings[] = [
  DEFAULT_FEATURIZER,
  { ...DEFAULT_FEATURIZER, hashBits: 12, wordSkipBigrams: true },
  { ...DEFAULT_FEATURIZER, hashBits: 16, charNgrams: [2, 4], wordBigrams: false },
  { ...DEFAULT_FEATURIZER, hashBits: 14, charNgrams: [4], windowChars: 100, strideChars: 50 },
];

/** Weights from a fixed generator: every bucket differs, so a changed hash changes the logit. */
function madeUpWeights(hashBits: number): Float32Array {
  const weights = new Float32Array(2 ** hashBits);
  let h = 0x9e3779b9;
  for (let i = 0; i < weights.length; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ i;
    weights[i] = ((h >>> 8) % 20001) / 10000 - 1;
  }
  return weights;
}

export function referenceFigures(cases: readonly ReferenceCase[]): ReferenceFigures[] {
  const model = loadInjectionModel();
  const scanner = createInjectionScanner({ loadModel: () => model, threshold: 0.5 });
  const featurizers = REFERENCE_SETTINGS.map((settings) => ({
    settings,
    featurizer: createFeaturizer(settings),
    weights: quantizeWeights(madeUpWeights(settings.hashBits)),
  }));
  return cases.map(({ name, text, hidden }) => {
    const folded = foldForModel(text);
    let hash = 0x811c9dc5;
    for (let i = 0; i < folded.length; i++) hash = Math.imul(hash ^ (folded.codes[i] as number), 0x01000193);
    const foldedFigures = { length: folded.length, hash: hash >>> 0 };
    const logits = featurizers.map(({ settings, featurizer, weights }) => {
      const again = foldForModel(text);
      const plan = planWindows(again.length, settings.windowChars, settings.strideChars, 4096);
      return featurizer.maxWindowLogit(again.codes, again.length, plan.windows, weights, 0.25);
    });
    const options = hidden === undefined ? {} : { hidden };
    const scans = { user: scanner.scan(text, 'user', options), document: scanner.scan(text, 'document', options), tool: scanner.scan(text, 'tool', options) };
    return { name, folded: foldedFigures, logits, scans };
  });
}
