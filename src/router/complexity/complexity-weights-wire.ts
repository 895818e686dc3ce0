import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { HEADS, type ComplexityModel, type ComplexityPart } from './complexity-model.js';
import { FEATURIZER_VERSION } from './featurize.js';
import type { PromptKind } from './text-cues.js';

/**
 * The weights file: JSON with the featurizer settings, score quantiles and, per part, its
 * non-zero weights packed as base64 bytes. Packing: for each bucket holding a non-zero weight,
 * the gap from the previous bucket (unsigned LEB128), then each head's weight as a zigzag LEB128
 * integer, in units of the part's `step`. Small weights take one byte, which keeps the file small.
 */
export const WEIGHTS_FORMAT = 'flambeau-complexity-weights';

const partSchema = z.object({
  objective: z.enum(['joint', 'two-head', 'gain']),
  bias: z.array(z.number()),
  step: z.number().positive(),
  buckets: z.number().int().nonnegative(),
  packed: z.string(),
});

const fileSchema = z.object({
  format: z.literal(WEIGHTS_FORMAT),
  featurizerVersion: z.literal(FEATURIZER_VERSION),
  notice: z.string(),
  featurizer: z.object({
    hashBits: z.number().int().min(8).max(24),
    maxChars: z.number().int().positive(),
    bigrams: z.boolean(),
    choiceNamespace: z.boolean(),
    kindNgrams: z.boolean(),
    charTrigrams: z.boolean(),
    numberValues: z.boolean(),
  }),
  kinds: z.object({ choice: z.number().int().nonnegative(), open: z.number().int().nonnegative() }),
  parts: z.array(partSchema).min(1),
  scoreQuantiles: z.array(z.number()),
  provenance: z.record(z.string(), z.unknown()),
});

/** Levels per unit of the part's largest weight: scores move by about 1e-3 at most. */
const LEVELS = 1024;

function pushVarint(bytes: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
}

function encodePart(part: ComplexityPart): z.infer<typeof partSchema> {
  const heads = HEADS[part.objective];
  let largest = 0;
  for (const w of part.weights) largest = Math.max(largest, Math.abs(w));
  const step = largest > 0 ? largest / LEVELS : 1;
  const bytes: number[] = [];
  let previous = 0;
  let buckets = 0;
  for (let b = 0; b < part.weights.length / heads; b++) {
    const levels = Array.from({ length: heads }, (_, k) => Math.round((part.weights[b * heads + k] ?? 0) / step));
    if (levels.every((q) => q === 0)) continue;
    pushVarint(bytes, b - previous);
    for (const q of levels) pushVarint(bytes, q >= 0 ? q * 2 : -q * 2 - 1);
    previous = b;
    buckets++;
  }
  return { objective: part.objective, bias: part.bias, step, buckets, packed: Buffer.from(bytes).toString('base64') };
}

function decodePart(part: z.infer<typeof partSchema>, hashBits: number): ComplexityPart {
  const heads = HEADS[part.objective];
  const size = 2 ** hashBits;
  const corrupt = () => new FlambeauError('internal', 'The complexity weights file is corrupt.', { details: { reason: 'packed weights' } });
  if (part.bias.length !== heads) throw corrupt();
  const bytes = Buffer.from(part.packed, 'base64');
  const weights = new Float32Array(size * heads);
  let offset = 0;
  const readVarint = (): number => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = bytes[offset++];
      if (byte === undefined) throw corrupt();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  let bucket = 0;
  for (let n = 0; n < part.buckets; n++) {
    bucket += readVarint();
    if (bucket >= size) throw corrupt();
    for (let k = 0; k < heads; k++) {
      const zigzag = readVarint();
      weights[bucket * heads + k] = (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2) * part.step;
    }
  }
  if (offset !== bytes.length) throw corrupt();
  return { objective: part.objective, bias: part.bias, weights };
}

/** Serialises a model (quantising its weights) with the licence `notice` of its training data. */
export function encodeComplexityModel(model: ComplexityModel, notice: string): string {
  const unique: ComplexityPart[] = [...new Set([model.parts.choice, model.parts.open])];
  const file: z.infer<typeof fileSchema> = {
    format: WEIGHTS_FORMAT,
    featurizerVersion: FEATURIZER_VERSION,
    notice,
    featurizer: { ...model.featurizer },
    kinds: { choice: unique.indexOf(model.parts.choice), open: unique.indexOf(model.parts.open) },
    parts: unique.map(encodePart),
    scoreQuantiles: model.scoreQuantiles.map((q) => Number(q.toFixed(6))),
    provenance: model.provenance,
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** Parses a weights file; a wrong format, version or corrupt packing throws `internal`. */
export function decodeComplexityModel(text: string): ComplexityModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FlambeauError('internal', 'The complexity weights file is not JSON.', { cause });
  }
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlambeauError('internal', `The complexity weights file is invalid at '${issue?.path.join('.') ?? ''}'.`, {
      details: { field: issue?.path.join('.') ?? '' },
    });
  }
  const file = parsed.data;
  const parts = file.parts.map((p) => decodePart(p, file.featurizer.hashBits));
  const partOf = (kind: PromptKind): ComplexityPart => {
    const part = parts[file.kinds[kind]];
    if (part === undefined) throw new FlambeauError('internal', "The complexity weights file is invalid at 'kinds'.");
    return part;
  };
  return {
    featurizer: file.featurizer,
    parts: { choice: partOf('choice'), open: partOf('open') },
    scoreQuantiles: file.scoreQuantiles,
    provenance: file.provenance,
  };
}
