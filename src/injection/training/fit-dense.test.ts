import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDenseModel, denseInstance, denseLogit, fitDense, type DenseInstance } from './fit-dense.js';

/** Attacks hold bucket 1 or bucket 2, never both; benign windows hold both or neither: an XOR a linear model cannot learn. */
function xorData(): { instances: DenseInstance[]; labels: Uint8Array; weights: Float64Array } {
  const instances: DenseInstance[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const noise = 10 + (i % 50);
    const kind = i % 4;
    const buckets = [noise, ...(kind === 0 || kind === 2 ? [1] : []), ...(kind === 1 || kind === 2 ? [2] : [])].sort((a, b) => a - b);
    instances.push(denseInstance(Int32Array.from(buckets)));
    labels.push(kind === 0 || kind === 1 ? 1 : 0);
  }
  return { instances, labels: Uint8Array.from(labels), weights: new Float64Array(instances.length).fill(1) };
}

describe('dense window model (fastText-style)', () => {
  const options = { dim: 8, hidden: 8, epochs: 40, tableRate: 0.1, denseRate: 1e-2, l2: 0, seed: 11 };

  it('learns an interaction of two features that a linear model cannot', () => {
    const data = xorData();
    const model = createDenseModel(8, options);
    fitDense(model, data, options);
    let correct = 0;
    data.instances.forEach((x, i) => {
      if (denseLogit(model, x) > 0 === (data.labels[i] === 1)) correct++;
    });
    assert.ok(correct / data.instances.length > 0.95, `${correct} of ${data.instances.length}`);
  });

  it('gives the same model bit for bit from the same seed', () => {
    const fit = () => {
      const model = createDenseModel(8, options);
      fitDense(model, xorData(), { ...options, epochs: 3 });
      return Buffer.from(model.table.buffer).toString('base64') + Buffer.from(model.w1.buffer).toString('base64') + String(model.bias);
    };
    assert.equal(fit(), fit());
  });

  it('counts repeated buckets once each, with their number of occurrences', () => {
    const x = denseInstance(Int32Array.from([3, 3, 5, 9, 9, 9]));
    assert.deepEqual([...x.buckets], [3, 5, 9]);
    assert.deepEqual([...x.counts], [2, 1, 3]);
    assert.equal(x.scale, 1 / Math.sqrt(6));
  });
});
