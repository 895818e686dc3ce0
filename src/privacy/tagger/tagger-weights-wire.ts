import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { FEATURES_VERSION } from './tagger-features.js';
import { LABEL_COUNT, type TaggerModel } from './tagger-model.js';

/**
 * The tagger's weights file: JSON with the feature settings and the weights packed as base64
 * bytes. Packing: for each bucket with a non-zero weight, the gap from the previous such bucket
 * (unsigned LEB128), then one signed byte per label, in units of `step` (the largest weight over
 * 127). Weights below half a step vanish, which is most of them: the file stays small.
 */
export const TAGGER_WEIGHTS_FORMAT = 'flambeau-privacy-tagger-weights';

/** The weights shipped with flambeau (trained by `npm run train:privacy`). */
export const SHIPPED_TAGGER_WEIGHTS = fileURLToPath(new URL('./tagger-weights.json', import.meta.url));

const fileSchema = z.object({
  format: z.literal(TAGGER_WEIGHTS_FORMAT),
  featuresVersion: z.literal(FEATURES_VERSION),
  hashBits: z.number().int().min(8).max(22),
  labels: z.literal(LABEL_COUNT),
  step: z.number().positive(),
  packed: z.string(),
  transitions: z.array(z.number()).length(LABEL_COUNT * LABEL_COUNT),
  start: z.array(z.number()).length(LABEL_COUNT),
  provenance: z.record(z.string(), z.unknown()),
});

export function encodeTaggerModel(model: TaggerModel, provenance: Record<string, unknown>): string {
  let largest = 0;
  for (const w of model.weights) largest = Math.max(largest, Math.abs(w) * model.step);
  const step = largest > 0 ? largest / 127 : 1;
  const bytes: number[] = [];
  let previous = 0;
  for (let b = 0; b < model.weights.length / LABEL_COUNT; b++) {
    const q = Array.from({ length: LABEL_COUNT }, (_, l) => Math.round((model.weights[b * LABEL_COUNT + l]! * model.step) / step));
    if (q.every((v) => v === 0)) continue;
    let gap = b - previous;
    previous = b;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
    for (const v of q) bytes.push(v & 0xff);
  }
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return `${JSON.stringify(
    {
      format: TAGGER_WEIGHTS_FORMAT,
      featuresVersion: FEATURES_VERSION,
      hashBits: model.hashBits,
      labels: LABEL_COUNT,
      step,
      transitions: Array.from(model.transitions, round),
      start: Array.from(model.start, round),
      provenance,
      packed: Buffer.from(bytes).toString('base64'),
    },
    null,
    1,
  )}\n`;
}

/** Parses a weights file; a malformed one throws `internal` (the shipped file is checked by a test). */
export function decodeTaggerModel(json: string): TaggerModel {
  let parsed: z.infer<typeof fileSchema>;
  try {
    parsed = fileSchema.parse(JSON.parse(json));
  } catch (cause) {
    throw new FlambeauError('internal', 'The privacy tagger weights file is malformed.', { cause });
  }
  const weights = new Int8Array((1 << parsed.hashBits) * LABEL_COUNT);
  const bytes = Buffer.from(parsed.packed, 'base64');
  let bucket = 0;
  for (let at = 0; at < bytes.length;) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++]!;
      gap += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    bucket += gap;
    if (bucket >= weights.length / LABEL_COUNT || at + LABEL_COUNT > bytes.length)
      throw new FlambeauError('internal', 'The privacy tagger weights file is malformed.');
    for (let l = 0; l < LABEL_COUNT; l++) weights[bucket * LABEL_COUNT + l] = (bytes[at++]! << 24) >> 24;
  }
  return { hashBits: parsed.hashBits, weights, step: parsed.step, transitions: Float32Array.from(parsed.transitions), start: Float32Array.from(parsed.start) };
}

let shipped: TaggerModel | undefined;

/** The shipped model, read once (static data, never request data). */
export function shippedTaggerModel(): TaggerModel {
  if (shipped !== undefined) return shipped;
  let json: string;
  try {
    json = readFileSync(SHIPPED_TAGGER_WEIGHTS, 'utf8');
  } catch (cause) {
    throw new FlambeauError('internal', 'Cannot read the privacy tagger weights file.', { details: { path: SHIPPED_TAGGER_WEIGHTS }, cause });
  }
  return (shipped = decodeTaggerModel(json));
}
