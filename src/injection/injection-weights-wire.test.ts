import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FEATURIZER } from './featurize-window.js';
import { decodeInjectionModel, encodeInjectionModel } from './injection-weights-wire.js';
import { loadInjectionModel, SHIPPED_INJECTION_WEIGHTS } from './load-injection-model.js';
import { statSync } from 'node:fs';

describe('injection weights file', () => {
  it('round-trips a model within the quantisation step', () => {
    const weights = new Float32Array(2 ** 10);
    weights[3] = 1.5;
    weights[700] = -0.25;
    weights[1023] = 0.0001;
    const model = {
      featurizer: { ...DEFAULT_FEATURIZER, hashBits: 10 },
      bias: -1.25,
      sourceBias: { user: 0.5, document: -1, tool: -2.25 },
      weights,
      provenance: { seed: 1 },
    };
    const back = decodeInjectionModel(encodeInjectionModel(model, 'n'));
    assert.equal(back.bias, -1.25);
    assert.deepEqual(back.sourceBias, { user: 0.5, document: -1, tool: -2.25 });
    assert.deepEqual(back.provenance, { seed: 1 });
    for (const i of [3, 700, 1023, 5]) assert.ok(Math.abs((back.weights[i] ?? 0) - (weights[i] ?? 0)) <= 1.5 / 2048, `bucket ${i}`);
  });

  it('round-trips the tables of sources read apart, and writes none for a model without them', () => {
    const size = 2 ** 10;
    const weights = Float32Array.from({ length: size }, (_, i) => (i === 3 ? 1 : 0));
    const user = Float32Array.from({ length: size }, (_, i) => (i === 7 ? -2 : 0));
    const base = { featurizer: { ...DEFAULT_FEATURIZER, hashBits: 10 }, bias: 0.5, sourceBias: { user: 0, document: 0, tool: 0 }, weights, provenance: {} };
    const back = decodeInjectionModel(encodeInjectionModel({ ...base, sourceTables: { user: { bias: -3, weights: user } } }, 'n'));
    assert.equal(back.sourceTables?.user?.bias, -3);
    assert.equal(back.sourceTables?.user?.weights[7], -2);
    assert.equal(back.sourceTables?.user?.weights[3], 0);
    assert.equal(back.sourceTables?.document, undefined);
    assert.equal(back.weights[3], 1);
    const plain = encodeInjectionModel(base, 'n');
    assert.equal(plain.includes('sourceTables'), false);
    assert.equal(decodeInjectionModel(plain).sourceTables, undefined);
  });

  it('refuses a wrong format, a corrupt packing or trailing bytes with internal', () => {
    const good = JSON.parse(
      encodeInjectionModel(
        {
          featurizer: { ...DEFAULT_FEATURIZER, hashBits: 8 },
          bias: 0,
          sourceBias: { user: 0, document: 0, tool: 0 },
          weights: Float32Array.from({ length: 256 }, (_, i) => (i === 9 ? 1 : 0)),
          provenance: {},
        },
        'n',
      ),
    ) as Record<string, unknown>;
    for (const bad of [
      'not json',
      JSON.stringify({ ...good, format: 'x' }),
      JSON.stringify({ ...good, buckets: 5 }),
      JSON.stringify({ ...good, packed: Buffer.from([9, 2, 1]).toString('base64') }),
    ]) {
      assert.throws(
        () => decodeInjectionModel(bad),
        (e: { code?: string }) => e.code === 'internal',
      );
    }
  });

  it('ships weights that load and stay small', () => {
    assert.ok(statSync(SHIPPED_INJECTION_WEIGHTS).size < 3 * 1024 * 1024);
    const model = loadInjectionModel();
    assert.equal(model.weights.length, 2 ** model.featurizer.hashBits);
    assert.equal(model.provenance.trainedOn, 'training part');
  });
});
