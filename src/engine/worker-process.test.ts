import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FlambeauError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { createEngine } from './child-engine.js';
import type { EngineChatEvent } from './engine.js';
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

  it('leaves tsx out for a compiled worker, keeping other loaders', () => {
    const flags = ['--import', 'file:///app/node_modules/tsx/dist/loader.mjs', '--import=tsx', '--require', './otel.cjs', '--enable-source-maps'];
    assert.deepEqual(workerExecArgv(flags, '.js'), ['--require', './otel.cjs', '--enable-source-maps']);
    assert.deepEqual(workerExecArgv(flags, '.ts'), flags);
  });

  it('adds tsx for a TypeScript worker when the parent flags lack it, never for the compiled one', () => {
    assert.deepEqual(workerExecArgv([], '.ts'), ['--import', 'tsx']);
    assert.deepEqual(workerExecArgv(['--input-type=module'], '.js'), []);
  });
});

describe('an engine process that breaks the wire protocol', () => {
  const rogue = { path: fileURLToPath(new URL('./__fixtures__/rogue-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
  const spec = { name: 'stand-in', path: '/nowhere/stand-in.gguf', threads: 1 };
  const ask = (text: string) => ({ history: [{ type: 'user' as const, text }], sampling: { temperature: 0 } });

  async function collect(events: AsyncIterable<EngineChatEvent>): Promise<EngineChatEvent[]> {
    const all: EngineChatEvent[] = [];
    for await (const event of events) all.push(event);
    return all;
  }

  it('is killed on its first malformed message: the request gets engine_unavailable, the next one a new process', async () => {
    const logs: { message: string; fields: Record<string, unknown> }[] = [];
    const record = (message: string, fields?: Record<string, unknown>) => void logs.push({ message, fields: fields ?? {} });
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const engine = createEngine({ idleTimeoutMs: 60_000, gpu: false, logger, workerEntry: rogue });
    try {
      const fine = await collect(engine.chat(spec, ask('hello'), new AbortController().signal));
      assert.deepEqual(
        fine.map((e) => e.type),
        ['start', 'text', 'end'],
      );
      const { pid, starts } = engine.status();
      assert.ok(pid !== null);
      const error = await collect(engine.chat(spec, ask('rogue'), new AbortController().signal)).then(
        () => assert.fail('expected a rejection'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof FlambeauError);
      assert.equal(error.code, 'engine_unavailable');
      assert.equal(error.status, 503);
      assert.equal(error.details.reason, 'malformed_message');
      const logged = logs.find((l) => l.message.includes('malformed'));
      assert.ok(logged, 'the broken message is logged');
      assert.match(String(logged.fields.reason), /^events\.0\.text: invalid_type/);
      // The rogue value itself is never logged (a number no pid or count can spell: pids stay below 2^22).
      assert.doesNotMatch(JSON.stringify(logs), /918273645/);
      // The old process is gone; the next request runs in a new one.
      await new Promise<void>((resolve) => {
        const poll = () => {
          try {
            process.kill(pid, 0);
            setTimeout(poll, 20);
          } catch {
            resolve();
          }
        };
        poll();
      });
      const again = await collect(engine.chat(spec, ask('hello'), new AbortController().signal));
      assert.equal(again.at(-1)?.type, 'end');
      assert.equal(engine.status().starts, starts + 1);
      assert.notEqual(engine.status().pid, pid);
    } finally {
      await engine.shutdown();
    }
  });
});
