import { z } from 'zod';
import { FlambeauError } from '../errors/index.js';
import { FEATURIZER_VERSION } from './featurize-window.js';
import { NO_SOURCE_BIAS, type InjectionModel, type WeightTable } from './injection-model.js';
import { INJECTION_SOURCES, type InjectionSource } from './injection-sources.js';

/**
 * The weights file: JSON with the featuriser settings and the non-zero weights packed as base64
 * bytes. Packing: per bucket holding a non-zero weight, the gap from the previous one (unsigned
 * LEB128), then the weight as a zigzag LEB128 integer in units of `step`.
 */
export const INJECTION_WEIGHTS_FORMAT = 'flambeau-injection-weights';

/** Levels per unit of the largest weight: logits move by well under 1e-2. */
const LEVELS = 2048;

const packedSchema = z.object({ bias: z.number(), step: z.number().positive(), buckets: z.number().int().nonnegative(), packed: z.string() });

const fileSchema = z.object({
  format: z.literal(INJECTION_WEIGHTS_FORMAT),
  featurizerVersion: z.literal(FEATURIZER_VERSION),
  notice: z.string(),
  featurizer: z
    .object({
      hashBits: z.number().int().min(8).max(24),
      charNgrams: z.array(z.number().int().min(1).max(8)).max(4),
      wordBigrams: z.boolean(),
      wordSkipBigrams: z.boolean().optional(),
      windowChars: z.number().int().min(16),
      strideChars: z.number().int().min(8),
    })
    .refine((f) => f.strideChars <= f.windowChars, 'strideChars must not exceed windowChars'),
  bias: z.number(),
  /** Optional: files written before calibration have none (zero for every source). */
  sourceBias: z.object({ user: z.number(), document: z.number(), tool: z.number() }).optional(),
  step: z.number().positive(),
  buckets: z.number().int().nonnegative(),
  packed: z.string(),
  /** Optional (round 7): sources read by a table of their own, packed like the main one. */
  sourceTables: z.object({ user: packedSchema.optional(), document: packedSchema.optional(), tool: packedSchema.optional() }).optional(),
  provenance: z.record(z.string(), z.unknown()),
});

function pushVarint(bytes: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
}

function packWeights(weights: Float32Array): { step: number; buckets: number; packed: string } {
  let largest = 0;
  for (const w of weights) largest = Math.max(largest, Math.abs(w));
  const step = largest > 0 ? largest / LEVELS : 1;
  const bytes: number[] = [];
  let previous = 0;
  let buckets = 0;
  weights.forEach((w, b) => {
    const q = Math.round(w / step);
    if (q === 0) return;
    pushVarint(bytes, b - previous);
    pushVarint(bytes, q >= 0 ? q * 2 : -q * 2 - 1);
    previous = b;
    buckets++;
  });
  return { step, buckets, packed: Buffer.from(bytes).toString('base64') };
}

/** Serialises a model, quantising its weights, with the licence `notice` of its training data. */
export function encodeInjectionModel(model: InjectionModel, notice: string): string {
  const tables = Object.entries(model.sourceTables ?? {}).filter((e): e is [string, WeightTable] => e[1] !== undefined);
  const file: z.infer<typeof fileSchema> = {
    format: INJECTION_WEIGHTS_FORMAT,
    featurizerVersion: FEATURIZER_VERSION,
    notice,
    featurizer: { ...model.featurizer, charNgrams: [...model.featurizer.charNgrams] },
    bias: model.bias,
    sourceBias: { ...model.sourceBias },
    ...packWeights(model.weights),
    ...(tables.length === 0 ? {} : { sourceTables: Object.fromEntries(tables.map(([source, t]) => [source, { bias: t.bias, ...packWeights(t.weights) }])) }),
    provenance: model.provenance,
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

function corrupt(reason: string): FlambeauError {
  return new FlambeauError('internal', 'The injection weights file is corrupt.', { details: { reason } });
}

/** Parses a weights file; a wrong format or version, or a corrupt packing, throws `internal`. */
export function decodeInjectionModel(text: string): InjectionModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FlambeauError('internal', 'The injection weights file is not JSON.', { cause });
  }
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new FlambeauError('internal', `The injection weights file is invalid at '${field}'.`, { details: { field } });
  }
  const file = parsed.data;
  const size = 2 ** file.featurizer.hashBits;
  const sourceTables: Partial<Record<InjectionSource, WeightTable>> = {};
  for (const source of INJECTION_SOURCES) {
    const t = file.sourceTables?.[source];
    if (t !== undefined) sourceTables[source] = { bias: t.bias, weights: unpackWeights(t, size) };
  }
  return {
    featurizer: file.featurizer,
    bias: file.bias,
    sourceBias: file.sourceBias ?? { ...NO_SOURCE_BIAS },
    weights: unpackWeights(file, size),
    ...(Object.keys(sourceTables).length === 0 ? {} : { sourceTables }),
    provenance: file.provenance,
  };
}

function unpackWeights(table: { step: number; buckets: number; packed: string }, size: number): Float32Array {
  const bytes = Buffer.from(table.packed, 'base64');
  const weights = new Float32Array(size);
  let offset = 0;
  const readVarint = (): number => {
    let v = 0;
    for (let scale = 1; scale < 2 ** 35; scale *= 128) {
      const byte = bytes[offset++];
      if (byte === undefined) throw corrupt('truncated');
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
    }
    throw corrupt('varint too long');
  };
  let bucket = 0;
  for (let n = 0; n < table.buckets; n++) {
    bucket += readVarint();
    if (bucket >= size) throw corrupt('bucket out of range');
    const zigzag = readVarint();
    weights[bucket] = (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2) * table.step;
  }
  if (offset !== bytes.length) throw corrupt('trailing bytes');
  return weights;
}
