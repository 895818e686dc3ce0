import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GgmlType, readGgufFileInfo } from 'node-llama-cpp';
import { FlambeauError } from '../../errors/index.js';
import { float16Bits, writeGguf, type GgufFile, type GgufTensor, type GgufValue } from './gguf-writer.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flambeau-gguf-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function roundTrip(file: GgufFile) {
  const bytes = writeGguf(file);
  const path = join(dir, `${Math.random().toString(36).slice(2)}.gguf`);
  await writeFile(path, bytes);
  const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  return { bytes, info };
}

/** node-llama-cpp nests metadata keys on their dots. */
function lookup(metadata: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], metadata);
}

/** What the reader gives back for a value: f32 rounded, arrays as plain arrays. */
function expectedOf(value: GgufValue): unknown {
  if (value.type === 'f32') return Math.fround(value.value);
  if (value.type !== 'array') return value.value;
  const array = value.value;
  if (array.itemType === 'array') return array.items.map((items) => expectedOf({ type: 'array', value: items }));
  if (array.itemType === 'f32') return Array.from(array.items, Math.fround);
  return Array.from(array.items as ArrayLike<unknown>);
}

const ALL_VALUES: Array<[string, GgufValue]> = [
  ['general.architecture', { type: 'string', value: 'llama' }],
  ['flambeau.u8', { type: 'u8', value: 255 }],
  ['flambeau.i8', { type: 'i8', value: -128 }],
  ['flambeau.u16', { type: 'u16', value: 65535 }],
  ['flambeau.i16', { type: 'i16', value: -32768 }],
  ['flambeau.u32', { type: 'u32', value: 4294967295 }],
  ['flambeau.i32', { type: 'i32', value: -2147483648 }],
  ['flambeau.f32', { type: 'f32', value: 0.1 }],
  ['flambeau.bool_true', { type: 'bool', value: true }],
  ['flambeau.bool_false', { type: 'bool', value: false }],
  ['flambeau.string', { type: 'string', value: 'réunion ▁médecin 🔥\n"quoted"' }],
  ['flambeau.empty_string', { type: 'string', value: '' }],
  ['flambeau.u64', { type: 'u64', value: 18446744073709551615n }],
  ['flambeau.i64', { type: 'i64', value: -9223372036854775808n }],
  ['flambeau.f64', { type: 'f64', value: Math.PI }],
  ['flambeau.arrays.u8', { type: 'array', value: { itemType: 'u8', items: [0, 1, 255] } }],
  ['flambeau.arrays.i16', { type: 'array', value: { itemType: 'i16', items: [-2, 3] } }],
  ['flambeau.arrays.i32', { type: 'array', value: { itemType: 'i32', items: Int32Array.of(-1, 0, 7) } }],
  ['flambeau.arrays.f32', { type: 'array', value: { itemType: 'f32', items: Float32Array.of(0.5, -1.25, 0.1) } }],
  ['flambeau.arrays.f64', { type: 'array', value: { itemType: 'f64', items: [1e300, -0.5] } }],
  ['flambeau.arrays.bool', { type: 'array', value: { itemType: 'bool', items: [true, false, true] } }],
  ['flambeau.arrays.string', { type: 'array', value: { itemType: 'string', items: ['<s>', '▁a', '', 'é'] } }],
  ['flambeau.arrays.u64', { type: 'array', value: { itemType: 'u64', items: [0n, 2n ** 40n] } }],
  ['flambeau.arrays.i64', { type: 'array', value: { itemType: 'i64', items: [-(2n ** 40n)] } }],
  ['flambeau.arrays.empty', { type: 'array', value: { itemType: 'u32', items: [] } }],
  [
    'flambeau.arrays.nested',
    {
      type: 'array',
      value: {
        itemType: 'array',
        items: [
          { itemType: 'u16', items: [1, 2] },
          { itemType: 'string', items: ['x'] },
        ],
      },
    },
  ],
];

const TENSORS: GgufTensor[] = [
  { name: 'a.weight', dims: [3], type: 'f32', data: [1.5, -2, 0.1] },
  { name: 'b.weight', dims: [5, 3], type: 'f16', data: Array.from({ length: 15 }, (_, i) => (i - 7) / 4) },
  { name: 'c.weight', dims: [2, 1, 3], type: 'f32', data: Float32Array.of(1, 2, 3, 4, 5, 6) },
];

describe('writeGguf', () => {
  it('writes every metadata value type so that node-llama-cpp reads the same values back', async () => {
    const { info } = await roundTrip({ metadata: ALL_VALUES, tensors: [] });
    assert.equal(info.version, 3);
    assert.equal(info.tensorCount, 0);
    for (const [key, value] of ALL_VALUES) assert.deepEqual(lookup(info.metadata, key), expectedOf(value), key);
  });

  it('writes tensor infos with aligned offsets, and the data at those offsets', async () => {
    for (const alignment of [32, 64]) {
      const metadata: Array<[string, GgufValue]> = [['general.architecture', { type: 'string', value: 'llama' }]];
      if (alignment !== 32) metadata.push(['general.alignment', { type: 'u32', value: alignment }]);
      const { bytes, info } = await roundTrip({ metadata, tensors: TENSORS });
      const infos = info.tensorInfo ?? [];
      assert.deepEqual(
        infos.map((t) => [t.name, t.dimensions, t.ggmlType]),
        [
          ['a.weight', [3], GgmlType.F32],
          ['b.weight', [5, 3], GgmlType.F16],
          ['c.weight', [2, 1, 3], GgmlType.F32],
        ],
      );
      const offsets = infos.map((t) => Number(t.offset));
      assert.deepEqual(offsets, [0, alignment, 2 * alignment]); // each tensor is under `alignment` bytes
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      infos.forEach((tensor, index) => {
        const start = Number(tensor.fileOffset);
        assert.equal(start % alignment, 0);
        const expected = Array.from(TENSORS[index]!.data, Math.fround);
        const actual = expected.map((_, i) =>
          tensor.ggmlType === GgmlType.F32 ? view.getFloat32(start + 4 * i, true) : float16Value(view.getUint16(start + 2 * i, true)),
        );
        assert.deepEqual(actual, expected, tensor.name); // these values are exact in F16 too
      });
      assert.equal(bytes.length % alignment, 0, 'the last tensor is padded too');
    }
  });

  it('gives the same bytes for the same input', () => {
    const file = { metadata: ALL_VALUES, tensors: TENSORS };
    assert.deepEqual(writeGguf(file), writeGguf(file));
  });

  it('refuses malformed input with an internal FlambeauError', () => {
    const architecture: [string, GgufValue] = ['general.architecture', { type: 'string', value: 'llama' }];
    const cases: GgufFile[] = [
      { metadata: [architecture], tensors: [{ name: 'x', dims: [2, 2], type: 'f32', data: [1, 2, 3] }] },
      { metadata: [architecture], tensors: [{ name: 'x', dims: [0], type: 'f32', data: [] }] },
      { metadata: [['general.alignment', { type: 'u32', value: 48 }]], tensors: [] },
      { metadata: [['k', { type: 'u8', value: 256 }]], tensors: [] },
      { metadata: [['k', { type: 'i32', value: 1.5 }]], tensors: [] },
      { metadata: [['k', { type: 'u64', value: -1n }]], tensors: [] },
      { metadata: [['k', { type: 'i64', value: 2n ** 63n }]], tensors: [] },
    ];
    for (const file of cases) {
      assert.throws(
        () => writeGguf(file),
        (e: unknown) => e instanceof FlambeauError && e.code === 'internal',
      );
    }
  });
});

/** Reference decoder, independent of the encoder under test. */
function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe('float16Bits', () => {
  it('encodes every finite half value exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue; // NaN payloads
      assert.equal(float16Bits(float16Value(bits)), bits);
    }
  });

  it('rounds to nearest, ties to even, across normals, subnormals and overflow', () => {
    for (let bits = 0; bits < 0x7bff; bits++) {
      const low = float16Value(bits);
      const high = float16Value(bits + 1);
      const even = bits % 2 === 0 ? bits : bits + 1;
      assert.equal(float16Bits((low + high) / 2), even, `midpoint above ${bits}`);
      assert.equal(float16Bits(low + (high - low) * 0.25), bits);
      assert.equal(float16Bits(low + (high - low) * 0.75), bits + 1);
    }
    assert.equal(float16Bits(65519), 0x7bff); // below the midpoint to 2^16
    assert.equal(float16Bits(65520), 0x7c00); // the midpoint rounds to even: infinity
    assert.equal(float16Bits(-1e6), 0xfc00);
    assert.equal(float16Bits(2 ** -25), 0); // half the smallest subnormal: tie to even zero
    assert.equal(float16Bits(2 ** -25 * 1.5), 1);
    assert.equal(float16Bits(-0), 0x8000);
    assert.equal(float16Bits(1e-30), 0);
  });

  it('keeps NaN a NaN', () => {
    const bits = float16Bits(NaN);
    assert.equal(bits & 0x7c00, 0x7c00);
    assert.notEqual(bits & 0x3ff, 0);
  });
});
