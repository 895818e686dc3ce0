// What a native crash of llama.cpp does (1) in process, even in a worker_thread, and (2) with
// flambeau's engine in a child process: does the gateway survive, how fast do the requests in
// flight fail, what does the restart cost. Uses ../shared/models/stories260K.gguf (skips
// without it). Standalone: `node --import tsx bench/engine-crash.bench.ts`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../src/engine/child-engine.js';
import { FlambeauError } from '../src/errors/index.js';
import { fmt, table } from './stats.js';

const MODEL = fileURLToPath(new URL('../../shared/models/stories260K.gguf', import.meta.url));

/**
 * A process whose main thread ticks every 10 ms while a worker_thread loads the model, starts
 * generating, then crashes natively: abort() is what GGML_ASSERT/ggml_abort end in, SIGSEGV
 * what a bad pointer gives. Reports how the process ended and whether the main thread ticked on.
 */
const IN_PROCESS = `
import { Worker } from 'node:worker_threads';
let ticksAfterCrash = 0, crashed = false;
setInterval(() => { if (crashed) ticksAfterCrash++; }, 10);
process.on('exit', () => console.log(JSON.stringify({ ticksAfterCrash })));
const worker = new Worker(\`
  const { parentPort, workerData } = require('node:worker_threads');
  import('node-llama-cpp').then(async ({ getLlama, LlamaCompletion }) => {
    const llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' });
    const model = await llama.loadModel({ modelPath: workerData.model });
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    let tokens = 0;
    await completion.generateCompletion('Once upon a time', { maxTokens: 400, onToken: () => {
      if (++tokens === 20) {
        parentPort.postMessage('crash');
        if (workerData.how === 'abort') process.abort(); else process.kill(process.pid, 'SIGSEGV');
      }
    } });
  });\`, { eval: true, workerData: { model: process.argv[1], how: process.argv[2] } });
worker.on('message', () => { crashed = true; });
worker.on('error', (e) => console.log('worker error', e.message));
`;

function inProcess(how: 'abort' | 'segv'): Promise<{ signal: string | null; code: number | null; survived: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IN_PROCESS, MODEL, how], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, survived: /ticksAfterCrash/.test(out) }));
  });
}

async function outOfProcess(signal: NodeJS.Signals): Promise<{ code: string; failMs: number; restartMs: number; warmMs: number; alive: boolean }> {
  const engine = createEngine({ idleTimeoutMs: 600_000, gpu: false, logLevel: 'error', logger: silent });
  const spec = { name: 'stories260K', path: MODEL, contextSize: 1024, threads: 1 };
  const job = (maxTokens: number) => ({ history: [{ type: 'user' as const, text: 'Once upon a time' }], sampling: { temperature: 0, maxTokens } });
  const run = async (maxTokens: number) => {
    for await (const _ of engine.chat(spec, job(maxTokens), new AbortController().signal));
  };
  try {
    await run(8); // start the engine, load the model
    const t0 = performance.now();
    await run(8);
    const warmMs = performance.now() - t0;
    let killedAt = 0;
    let code = 'none';
    try {
      for await (const event of engine.chat(spec, job(900), new AbortController().signal)) {
        if (event.type === 'text' && killedAt === 0) {
          killedAt = performance.now();
          process.kill(engine.status().pid ?? 0, signal);
        }
      }
    } catch (thrown) {
      code = thrown instanceof FlambeauError ? thrown.code : String(thrown);
    }
    const failMs = performance.now() - killedAt;
    const t1 = performance.now();
    await run(8);
    return { code, failMs, restartMs: performance.now() - t1, warmMs, alive: true };
  } finally {
    await engine.shutdown();
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export async function run(): Promise<void> {
  console.log('\n## engine crash isolation (native crash in process vs in the engine child process)');
  if (!existsSync(MODEL)) {
    console.log(`skipped: ${MODEL} not found`);
    return;
  }
  const rows: (string | number)[][] = [];
  for (const how of ['abort', 'segv'] as const) {
    const r = await inProcess(how);
    rows.push([`worker_thread + ${how === 'abort' ? 'abort() (GGML_ASSERT)' : 'SIGSEGV'}`, `process ended (${r.signal ?? r.code})`, r.survived ? 'yes' : 'no']);
  }
  table(['in process', 'outcome', 'main thread ran on'], rows);
  const out: (string | number)[][] = [];
  for (const signal of ['SIGKILL', 'SIGSEGV', 'SIGABRT'] as const) {
    const r = await outOfProcess(signal);
    out.push([signal, r.code, r.alive ? 'yes' : 'no', fmt(r.failMs, 1), fmt(r.warmMs, 1), fmt(r.restartMs, 1)]);
  }
  table(['engine child killed by', 'request failed with', 'gateway alive', 'ms kill->error', 'warm request ms', 'next request ms (restart)'], out);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
