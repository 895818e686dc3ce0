// Cost of running llama.cpp out of process: tokens/s of node-llama-cpp called directly (in this
// process) vs through flambeau's engine (child process, IPC), same model, same settings, one
// thread, greedy. Interleaved rounds, medians. Uses ../shared/models/stories260K.gguf (skips
// without it). Standalone: `node --import tsx bench/engine-ipc.bench.ts [rounds] [maxTokens]`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { loadCreateEngine } from './engine-under-test.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const MODEL = fileURLToPath(new URL('../../shared/models/stories260K.gguf', import.meta.url));
const CONTEXT = 2048;
const HISTORY: ChatHistoryItem[] = [{ type: 'user', text: 'Once upon a time, there was a little girl named Lily.' }];

interface Sample {
  tokens: number;
  ms: number;
  firstTextMs: number;
  cpuMs: number;
  ownCpuMs: number;
}

/** CPU ms of this process (llama.cpp's threads included when it runs here) and of another one. */
async function cpuMs(otherPid: number | null): Promise<{ own: number; other: number }> {
  const own = process.cpuUsage();
  return { own: (own.user + own.system) / 1000, other: otherPid === null ? 0 : (await processCpuSeconds(otherPid)) * 1000 };
}

function cpuSince(before: { own: number; other: number }, after: { own: number; other: number }): { cpuMs: number; ownCpuMs: number } {
  const own = after.own - before.own;
  return { cpuMs: own + after.other - before.other, ownCpuMs: own };
}

async function rssKb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
}

export async function run(rounds = 10, maxTokens = 400): Promise<void> {
  console.log('\n## engine IPC cost (in-process node-llama-cpp vs flambeau engine child process)');
  if (!existsSync(MODEL)) {
    console.log(`skipped: ${MODEL} not found`);
    return;
  }
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: MODEL });
  const context = await model.createContext({ contextSize: CONTEXT, threads: 1 });
  const sequence = context.getSequence();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: resolveChatWrapper(model) });

  const direct = async (): Promise<Sample> => {
    const before = sequence.tokenMeter.getState();
    const cpu0 = await cpuMs(null);
    const t0 = performance.now();
    let firstTextMs = Number.NaN;
    await chat.generateResponse(HISTORY, {
      maxTokens,
      temperature: 0,
      repeatPenalty: false,
      onTextChunk: () => {
        if (Number.isNaN(firstTextMs)) firstTextMs = performance.now() - t0;
      },
    });
    const ms = performance.now() - t0;
    return { tokens: sequence.tokenMeter.diff(before).usedOutputTokens, ms, firstTextMs, ...cpuSince(cpu0, await cpuMs(null)) };
  };

  const { createEngine, from } = await loadCreateEngine();
  const engine = createEngine({ idleTimeoutMs: 600_000, gpu: false, logLevel: 'error' });
  const spec = { name: 'stories260K', path: MODEL, contextSize: CONTEXT, threads: 1 };
  let textEvents = 0;
  const viaEngine = async (): Promise<Sample> => {
    const pid = engine.status().pid;
    const cpu0 = await cpuMs(pid);
    const t0 = performance.now();
    let firstTextMs = Number.NaN;
    let tokens = 0;
    for await (const event of engine.chat(spec, { history: HISTORY, sampling: { temperature: 0, maxTokens } }, new AbortController().signal)) {
      if (event.type === 'text') {
        textEvents++;
        if (Number.isNaN(firstTextMs)) firstTextMs = performance.now() - t0;
      }
      if (event.type === 'end') tokens = event.usage.outputTokens;
    }
    const ms = performance.now() - t0;
    return { tokens, ms, firstTextMs, ...cpuSince(cpu0, await cpuMs(pid)) };
  };

  try {
    for (let i = 0; i < 2; i++) (await direct(), await viaEngine()); // load, warm caches
    textEvents = 0;
    const samples: { direct: Sample[]; engine: Sample[]; ratios: number[] } = { direct: [], engine: [], ratios: [] };
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so drift on a shared machine hits both sides alike.
      if (i % 2 === 0) (samples.direct.push(await direct()), samples.engine.push(await viaEngine()));
      else (samples.engine.push(await viaEngine()), samples.direct.push(await direct()));
    }
    const rate = (s: Sample) => (s.tokens / s.ms) * 1000;
    // Each round's pair ran back to back: its ratio cancels the slow drift of a shared machine.
    samples.ratios = samples.engine.map((e, i) => rate(e) / rate(samples.direct[i] as Sample));
    const median = (xs: number[]) => percentile(xs, 50);
    const directRate = median(samples.direct.map(rate));
    const engineRate = median(samples.engine.map(rate));
    console.log(`model stories260K, context ${CONTEXT}, 1 thread, greedy, ${maxTokens} max tokens, ${rounds} interleaved rounds; engine from ${from}`);
    table(
      ['path', 'tokens/request', 'tok/s median', 'tok/s min', 'tok/s max', 'first text ms', 'CPU ms/100 tok', 'of which gateway'],
      (['direct', 'engine'] as const).map((k) => [
        k,
        fmt(median(samples[k].map((s) => s.tokens)), 0),
        fmt(median(samples[k].map(rate)), 1),
        fmt(Math.min(...samples[k].map(rate)), 1),
        fmt(Math.max(...samples[k].map(rate)), 1),
        fmt(median(samples[k].map((s) => s.firstTextMs)), 2),
        fmt(median(samples[k].map((s) => (s.cpuMs / s.tokens) * 100)), 1),
        k === 'engine' ? fmt(median(samples[k].map((s) => (s.ownCpuMs / s.tokens) * 100)), 1) : '-',
      ]),
    );
    console.log(
      `engine / direct tokens/s: ratio of medians ${fmt(engineRate / directRate, 3)}, median of paired ratios ${fmt(median(samples.ratios), 3)} (target >= 0.95)`,
    );
    console.log(`engine CPU counts both processes (gateway + engine); direct counts this process, llama.cpp threads included`);
    console.log(`text events per request through IPC: ${fmt(textEvents / rounds, 1)} (batched per event-loop turn)`);
    const pid = engine.status().pid;
    if (pid !== null) console.log(`engine process RSS with the model loaded: ${fmt((await rssKb(pid)) / 1024, 1)} MiB`);
  } finally {
    await engine.shutdown();
    chat.dispose();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 400));
}
