import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogistic, type Instances } from './fit-logistic.js';

// Bucket 1 marks attacks, bucket 2 marks benign rows, bucket 3 appears in every other row of both.
const instances: Instances = {
  buckets: Array.from({ length: 40 }, (_, i) => Int32Array.from(i % 2 === 0 ? [i < 20 ? 1 : 2, 3] : [i < 20 ? 1 : 2])),
  labels: Uint8Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0)),
  weights: new Float64Array(40).fill(1),
};
const options = { l2: 1e-2, minDocumentFrequency: 1, maxIterations: 200, tolerance: 1e-10 };

describe('fitLogistic', () => {
  it('learns the sign of each bucket', () => {
    const fit = fitLogistic(instances, 8, options);
    assert.ok((fit.weights[1] as number) > 0 && (fit.weights[2] as number) < 0);
  });

  it('with NB scaling, gives a bucket spread evenly over both classes no weight and keeps the others', () => {
    const plain = fitLogistic(instances, 8, options);
    const scaled = fitLogistic(instances, 8, { ...options, nbPower: 1 });
    assert.equal(scaled.weights[3], 0);
    assert.ok((scaled.weights[1] as number) > 0 && (scaled.weights[2] as number) < 0);
    assert.notDeepEqual(scaled.weights, plain.weights);
  });
});
