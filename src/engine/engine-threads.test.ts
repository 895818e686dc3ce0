import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { availableCores, defaultThreads, effectiveThreads, threadsWarnings } from './engine-threads.js';

describe('engine threads', () => {
  it('defaults to the available cores but one, and at least 1', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 8, 64].map((cores) => defaultThreads(cores)),
      [1, 1, 2, 3, 7, 63],
    );
    assert.equal(defaultThreads(0), 1);
  });

  it('reads the cores from os.availableParallelism()', () => {
    assert.equal(availableCores(), availableParallelism());
    assert.equal(defaultThreads(), Math.max(1, availableParallelism() - 1));
  });

  it('takes the model setting, else the engine setting, else the default', () => {
    assert.equal(effectiveThreads(3, 2, 8), 3);
    assert.equal(effectiveThreads(undefined, 2, 8), 2);
    assert.equal(effectiveThreads(undefined, null, 8), 7);
    assert.equal(effectiveThreads(undefined, undefined, 2), 1);
  });

  it('warns for each configured value above the cores, for local models only', () => {
    const warnings = threadsWarnings(
      {
        engine: { threads: 4 },
        providers: [
          { id: 'local', type: 'llamacpp' },
          { id: 'cloud', type: 'openai-compatible' },
        ],
        models: [
          { name: 'fits', provider: 'local', threads: 2 },
          { name: 'greedy', provider: 'local', threads: 16 },
          { name: 'unset', provider: 'local' },
          { name: 'remote', provider: 'cloud', threads: 16 },
        ],
      },
      2,
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /^engine\.threads asks for 4 threads but only 2 CPU cores are available.*default here: 1\) or set at most 2\.$/);
    assert.match(warnings[1] ?? '', /^model 'greedy' asks for 16 threads but only 2 CPU cores/);
  });

  it('says nothing when every value fits the cores or none is set', () => {
    const providers = [{ id: 'local', type: 'llamacpp' as const }];
    assert.deepEqual(threadsWarnings({ engine: { threads: 2 }, providers, models: [{ name: 'm', provider: 'local', threads: 2 }] }, 2), []);
    assert.deepEqual(threadsWarnings({ engine: { threads: null }, providers, models: [{ name: 'm', provider: 'local' }] }, 1), []);
  });
});
