import { FlambeauError } from '../../errors/index.js';

/**
 * A small GGUF v3 writer (format: ggml-org/ggml `docs/gguf.md`): typed metadata, F32 and F16
 * tensors, alignment padding. It exists so that the project can make its own tiny models (tests,
 * benchmarks) instead of shipping binaries; it holds everything in memory, so it suits files of a
 * few megabytes, not real models.
 */

/** GGUF metadata value types, with their numeric codes in the file. */
export const GGUF_VALUE_TYPES = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;
export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPES;
export type GgufNumberType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
export type GgufBigIntType = 'u64' | 'i64';

/** The elements of a GGUF array: one element type for all (arrays may nest). */
export type GgufArray =
  | { readonly itemType: GgufNumberType; readonly items: ArrayLike<number> }
  | { readonly itemType: GgufBigIntType; readonly items: readonly bigint[] }
  | { readonly itemType: 'bool'; readonly items: readonly boolean[] }
  | { readonly itemType: 'string'; readonly items: readonly string[] }
  | { readonly itemType: 'array'; readonly items: readonly GgufArray[] };

export type GgufValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'array'; readonly value: GgufArray };

/** ggml tensor types this writer can encode, with their codes in the file. */
export const GGML_TYPES = { f32: 0, f16: 1 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPES;

export interface GgufTensor {
  readonly name: string;
  /** ggml order: the fastest-varying axis first (a matrix of `rows` x `cols` is `[cols, rows]`). */
  readonly dims: readonly number[];
  readonly type: GgmlTypeName;
  /** Row-major values, `product(dims)` of them; F16 tensors are rounded to nearest, ties to even. */
  readonly data: ArrayLike<number>;
}

export interface GgufFile {
  /** Written in this order. `general.alignment` (u32, a power of two) sets the alignment; 32 otherwise. */
  readonly metadata: ReadonlyArray<readonly [string, GgufValue]>;
  readonly tensors: readonly GgufTensor[];
}

const DEFAULT_ALIGNMENT = 32;
const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const VERSION = 3;

/** Encodes a GGUF v3 file. Deterministic: the same input always gives the same bytes. */
export function writeGguf(file: GgufFile): Uint8Array {
  const alignment = alignmentOf(file.metadata);
  const out = new ByteWriter();
  out.u32(MAGIC);
  out.u32(VERSION);
  out.u64(BigInt(file.tensors.length));
  out.u64(BigInt(file.metadata.length));
  for (const [key, value] of file.metadata) {
    out.string(key);
    out.u32(GGUF_VALUE_TYPES[value.type]);
    writeValue(out, value, key);
  }
  let offset = 0;
  for (const tensor of file.tensors) {
    const elements = checkTensor(tensor);
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(BigInt(dim));
    out.u32(GGML_TYPES[tensor.type]);
    out.u64(BigInt(offset));
    offset += padded(elements * bytesPerElement(tensor.type), alignment);
  }
  out.pad(alignment);
  for (const tensor of file.tensors) {
    if (tensor.type === 'f32') for (let i = 0; i < tensor.data.length; i++) out.f32(tensor.data[i]!);
    else for (let i = 0; i < tensor.data.length; i++) out.u16(float16Bits(tensor.data[i]!));
    // ggml's own writer pads after every tensor, the last one included; its reader expects it.
    out.pad(alignment);
  }
  return out.bytes();
}

/**
 * The IEEE 754 binary16 bit pattern nearest to `value` (ties to even; overflow gives infinity).
 * Going through binary32 first loses nothing: 24 bits of precision are enough (>= 2 x 11 + 2)
 * for double rounding to equal direct rounding.
 */
export function float16Bits(value: number): number {
  f32Scratch[0] = value;
  const bits = u32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: shift the full significand (implicit bit included) into 10 bits.
    if (halfExponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

function alignmentOf(metadata: GgufFile['metadata']): number {
  const entry = metadata.find(([key]) => key === 'general.alignment');
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  const value = entry[1];
  if (value.type !== 'u32' || value.value <= 0 || (value.value & (value.value - 1)) !== 0) {
    throw invalid('general.alignment must be a u32 power of two', { key: 'general.alignment' });
  }
  return value.value;
}

function checkTensor(tensor: GgufTensor): number {
  if (tensor.dims.length === 0 || tensor.dims.length > 4) {
    throw invalid('a tensor has 1 to 4 dimensions', { tensor: tensor.name });
  }
  let elements = 1;
  for (const dim of tensor.dims) {
    if (!Number.isSafeInteger(dim) || dim <= 0) throw invalid('tensor dimensions are positive integers', { tensor: tensor.name });
    elements *= dim;
  }
  if (tensor.data.length !== elements) {
    throw invalid('tensor data length must equal the product of its dimensions', {
      tensor: tensor.name,
      expected: elements,
      actual: tensor.data.length,
    });
  }
  return elements;
}

function bytesPerElement(type: GgmlTypeName): number {
  return type === 'f32' ? 4 : 2;
}

function padded(size: number, alignment: number): number {
  return Math.ceil(size / alignment) * alignment;
}

function writeValue(out: ByteWriter, value: GgufValue, key: string): void {
  switch (value.type) {
    case 'bool':
      out.u8(value.value ? 1 : 0);
      return;
    case 'string':
      out.string(value.value);
      return;
    case 'u64':
    case 'i64':
      writeBigInt(out, value.type, value.value, key);
      return;
    case 'array':
      writeArray(out, value.value, key);
      return;
    default:
      writeNumber(out, value.type, value.value, key);
  }
}

function writeArray(out: ByteWriter, array: GgufArray, key: string): void {
  out.u32(GGUF_VALUE_TYPES[array.itemType]);
  out.u64(BigInt(array.items.length));
  switch (array.itemType) {
    case 'bool':
      for (const item of array.items) out.u8(item ? 1 : 0);
      return;
    case 'string':
      for (const item of array.items) out.string(item);
      return;
    case 'u64':
    case 'i64':
      for (const item of array.items) writeBigInt(out, array.itemType, item, key);
      return;
    case 'array':
      for (const item of array.items) writeArray(out, item, key);
      return;
    default:
      for (let i = 0; i < array.items.length; i++) writeNumber(out, array.itemType, array.items[i]!, key);
  }
}

const INTEGER_RANGES: Record<Exclude<GgufNumberType, 'f32' | 'f64'>, readonly [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

function writeNumber(out: ByteWriter, type: GgufNumberType, value: number, key: string): void {
  if (type === 'f32') return out.f32(value);
  if (type === 'f64') return out.f64(value);
  const [min, max] = INTEGER_RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`value out of ${type} range`, { key });
  switch (type) {
    case 'u8':
      return out.u8(value);
    case 'i8':
      return out.u8(value & 0xff);
    case 'u16':
      return out.u16(value);
    case 'i16':
      return out.u16(value & 0xffff);
    case 'u32':
      return out.u32(value);
    case 'i32':
      return out.i32(value);
  }
}

function writeBigInt(out: ByteWriter, type: GgufBigIntType, value: bigint, key: string): void {
  const inRange = type === 'u64' ? BigInt.asUintN(64, value) === value : BigInt.asIntN(64, value) === value;
  if (!inRange) throw invalid(`value out of ${type} range`, { key });
  out.u64(BigInt.asUintN(64, value));
}

function invalid(message: string, details: Record<string, unknown>): FlambeauError {
  return new FlambeauError('internal', `GGUF writer: ${message}.`, { details });
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  #buffer = new Uint8Array(1 << 16);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;

  u8(value: number): void {
    this.#reserve(1).setUint8(this.#length - 1, value);
  }
  u16(value: number): void {
    this.#reserve(2).setUint16(this.#length - 2, value, true);
  }
  u32(value: number): void {
    this.#reserve(4).setUint32(this.#length - 4, value, true);
  }
  i32(value: number): void {
    this.#reserve(4).setInt32(this.#length - 4, value, true);
  }
  u64(value: bigint): void {
    this.#reserve(8).setBigUint64(this.#length - 8, value, true);
  }
  f32(value: number): void {
    this.#reserve(4).setFloat32(this.#length - 4, value, true);
  }
  f64(value: number): void {
    this.#reserve(8).setFloat64(this.#length - 8, value, true);
  }

  string(value: string): void {
    const encoded = textEncoder.encode(value);
    this.u64(BigInt(encoded.length));
    this.#reserve(encoded.length);
    this.#buffer.set(encoded, this.#length - encoded.length);
  }

  pad(alignment: number): void {
    const size = padded(this.#length, alignment) - this.#length;
    this.#reserve(size); // new bytes are zero: the buffer is zero-filled and never rewound
  }

  bytes(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  #reserve(size: number): DataView {
    const needed = this.#length + size;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = needed;
    return this.#view;
  }
}

const textEncoder = new TextEncoder();
