import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workerExecArgv } from './worker-process.js';

describe('workerExecArgv', () => {
  it('keeps loaders and runtime flags, drops test-runner, debugger and eval flags with their values', () => {
    const flags = [
      '--import',
      'tsx',
      '--test-reporter',
      'spec',
      '--test',
      '--inspect=9229',
      '--max-old-space-size=512',
      '-e',
      'code()',
      '--enable-source-maps',
    ];
    assert.deepEqual(workerExecArgv(flags, '.ts'), ['--import', 'tsx', '--max-old-space-size=512', '--enable-source-maps']);
  });

  it('adds tsx for a TypeScript worker when the parent flags lack it, never for the compiled one', () => {
    assert.deepEqual(workerExecArgv([], '.ts'), ['--import', 'tsx']);
    assert.deepEqual(workerExecArgv(['--input-type=module'], '.js'), []);
  });
});
