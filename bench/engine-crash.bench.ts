// What a native crash of llama.cpp does (1) in process, even in a worker_thread, and (2) with
// flambeau's engine in a child process: does the gateway survive, how fast do the requests in
// flight fail, what does the restart cost. Uses ../shared/models/stories260K.gguf (skips
// without it). Standalone: `node --import tsx bench/engine-crash.bench.ts`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineOptions, Engine } from '../src/engine/engine.js';
import { loadCreateEngine } from './engine-under-test.js';
import { fmt, table } from './stats.js';

const MODEL = fileURLToPath(new URL('../../shared/models/stories260K.gguf', import.meta.url));

/**
 * A process whose main thread ticks every 10 ms while a worker_thread loads the model, starts
 * generating, then crashes the way native code does: GGML_ASSERT ends in abort(), i.e. SIGABRT;
 * a bad pointer gives SIGSEGV. (`process.abort()` itself is refused in workers, hence the
 * signal.) Reports how the process ended and whether the main thread ticked on.
 */
const IN_PROCESS = `
import { Worker } from 'node:worker_threads';
let ticksAfterCrash = 0, crashed = false;
setInterval(() => { if (crashed) ticksAfterCrash++; }, 10);
process.on('exit', () => console.log(JSON.stringify({ ticksAfterCrash })));
const worker = new Worker(\`
  import { parentPort, workerData } from 'node:worker_threads';
  const { getLlama, LlamaCompletion } = await import(workerData.llamaUrl);
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: workerData.model });
  const context = await model.createContext({ contextSize: 512, threads: 1 });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  let tokens = 0;
  await completion.generateCompletion('Once upon a time', { maxTokens: 400, onToken: () => {
    if (++tokens === 20) {
      parentPort.postMessage('crash');
      process.kill(process.pid, workerData.how);
    }
  } });\`, { eval: true, workerData: { model: process.argv[2], how: process.argv[3], llamaUrl: process.argv[4] } });
worker.on('message', () => { crashed = true; });
worker.on('error', (e) => { console.log('worker error', e.message); process.exit(2); });
`;

// A file, not `node -e`: node-llama-cpp tests its binary in a child forked with our execArgv.
async function inProcess(how: 'SIGABRT' | 'SIGSEGV'): Promise<{ signal: string | null; code: number | null; survived: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'flambeau-crash-bench-'));
  const script = join(dir, 'in-process.mjs');
  await writeFile(script, IN_PROCESS);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, MODEL, how, import.meta.resolve('node-llama-cpp')], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    child.on('exit', () => void rm(dir, { recursive: true, force: true }));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, survived: /ticksAfterCrash/.test(out) }));
  });
}

async function outOfProcess(
  createEngine: (options: EngineOptions) => Engine,
  signal: NodeJS.Signals,
): Promise<{ code: string; failMs: number; restartMs: number; warmMs: number; pids: string }> {
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
    const oldPid = engine.status().pid;
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
      // By code, not instanceof: the compiled engine throws dist/'s FlambeauError class.
      const maybe = thrown as { code?: unknown };
      code = typeof maybe.code === 'string' ? maybe.code : String(thrown);
    }
    const failMs = performance.now() - killedAt;
    const t1 = performance.now();
    await run(8);
    return { code, failMs, restartMs: performance.now() - t1, warmMs, pids: `${oldPid} -> ${engine.status().pid}` };
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
  for (const how of ['SIGABRT', 'SIGSEGV'] as const) {
    const r = await inProcess(how);
    rows.push([`llama.cpp in a worker_thread, ${how}`, `whole process ended (${r.signal ?? `code ${r.code}`})`, r.survived ? 'yes' : 'no']);
  }
  table(['in process', 'outcome', 'main thread ran on'], rows);
  const { createEngine, from } = await loadCreateEngine();
  console.log(`engine from ${from}`);
  const out: (string | number)[][] = [];
  for (const signal of ['SIGKILL', 'SIGSEGV', 'SIGABRT'] as const) {
    const r = await outOfProcess(createEngine, signal);
    out.push([signal, r.code, r.pids, fmt(r.failMs, 1), fmt(r.warmMs, 1), fmt(r.restartMs, 1)]);
  }
  // This process is the gateway: reaching this line with the engine restarted is the survival.
  table(['engine child killed by', 'request in flight got', 'engine pid', 'ms kill->error', 'warm request ms', 'next request ms (restart)'], out);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
