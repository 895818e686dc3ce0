// Local generation through the whole gateway (HTTP + SSE + engine child process) vs node-llama-cpp
// called directly in this process: same model (../shared/models/stories260K.gguf), one thread,
// greedy, interleaved rounds, medians of decode tokens/s (first token to last) and of CPU per 100
// tokens (this process for direct; gateway + engine processes through the gateway: on a shared
// machine the CPU a token costs is steadier than the wall time). Skips without the model.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper } from 'node-llama-cpp';
import { Pool } from 'undici';
import { parseSse } from '../src/providers/http/sse-parser.js';
import { startChild } from './child-server.js';
import { readFileSync } from 'node:fs';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MODEL = join(root, '../shared/models/stories260K.gguf');
const PROMPT = 'Once upon a time, there was a little girl named Lily.';
const KEY = 'flm-bench-local-key-0123456789';

interface Sample {
  tokens: number;
  decodeMs: number;
  ttftMs: number;
  cpuMs: number;
  /** Of `cpuMs`, the gateway process's (HTTP, stages, SSE, the engine client); 0 for direct. */
  gatewayCpuMs: number;
  /** SSE chunks carrying text (through the gateway) or text callbacks (direct). */
  deltas: number;
}

/** CPU ms of this process (direct: llama.cpp's threads included). */
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The pids of a process's children (the gateway's engine process), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU ms of the gateway process and of its children (the engine process). */
async function treeCpuMs(pid: number): Promise<{ total: number; gateway: number }> {
  const gateway = (await processCpuSeconds(pid).catch(() => 0)) * 1000;
  let total = gateway;
  for (const p of childrenOf(pid)) total += (await processCpuSeconds(p).catch(() => 0)) * 1000;
  return { total, gateway };
}
const rate = (s: Sample) => ((s.tokens - 1) / s.decodeMs) * 1000;

export async function run(rounds = 8, maxTokens = 300): Promise<void> {
  console.log('\n## Local tokens/s: through the gateway (HTTP, SSE, engine process) vs node-llama-cpp directly\n');
  if (!existsSync(MODEL)) {
    console.log(`skipped: ${MODEL} not found`);
    return;
  }
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: MODEL });
  const context = await model.createContext({ contextSize: 2048, threads: 1 });
  const sequence = context.getSequence();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: resolveChatWrapper(model) });
  const direct = async (): Promise<Sample> => {
    const before = sequence.tokenMeter.getState();
    const cpu0 = ownCpuMs();
    const t0 = performance.now();
    let first = Number.NaN;
    let last = 0;
    let deltas = 0;
    await chat.generateResponse([{ type: 'user', text: PROMPT }], {
      maxTokens,
      temperature: 0,
      repeatPenalty: false,
      onTextChunk: () => {
        deltas++;
        last = performance.now();
        if (Number.isNaN(first)) first = last;
      },
    });
    return {
      tokens: sequence.tokenMeter.diff(before).usedOutputTokens,
      decodeMs: last - first,
      ttftMs: first - t0,
      cpuMs: ownCpuMs() - cpu0,
      gatewayCpuMs: 0,
      deltas,
    };
  };

  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-local-'));
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: local\n    type: llamacpp\nmodels:\n  - name: stories\n    provider: local\n    path: ${MODEL}\n    context: 2048\n    threads: 1\nengine:\n  gpu: false\n`,
  );
  const gateway = await startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
  });
  const pool = new Pool(gateway.url);
  const body = JSON.stringify({
    model: 'stories',
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0,
    max_tokens: maxTokens,
    messages: [{ role: 'user', content: PROMPT }],
  });
  const gatewayPid = gateway.child.pid as number;
  const through = async (): Promise<Sample> => {
    const cpu0 = await treeCpuMs(gatewayPid);
    const t0 = performance.now();
    const res = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body,
    });
    let first = Number.NaN;
    let last = 0;
    let tokens = 0;
    let deltas = 0;
    for await (const event of parseSse(res.body)) {
      if (event.data === '[DONE]') continue;
      const chunk = JSON.parse(event.data) as { choices: { delta?: { content?: string } }[]; usage?: { completion_tokens: number } };
      if (chunk.choices[0]?.delta?.content) {
        deltas++;
        last = performance.now();
        if (Number.isNaN(first)) first = last;
      }
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
    const cpu1 = await treeCpuMs(gatewayPid);
    return { tokens, decodeMs: last - first, ttftMs: first - t0, cpuMs: cpu1.total - cpu0.total, gatewayCpuMs: cpu1.gateway - cpu0.gateway, deltas };
  };
  try {
    await direct();
    await through(); // warm-up: model load in the engine
    const d: Sample[] = [];
    const g: Sample[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        d.push(await direct());
        g.push(await through());
      } else {
        g.push(await through());
        d.push(await direct());
      }
    }
    const dr = d.map(rate);
    const gr = g.map(rate);
    const ratios = gr.map((v, i) => v / (dr[i] as number));
    const cpuPer100 = (s: Sample) => (s.cpuMs / s.tokens) * 100;
    const cpuRatios = g.map((s, i) => cpuPer100(d[i] as Sample) / cpuPer100(s));
    table(
      ['measure', 'direct', 'gateway', 'ratio'],
      [
        ['decode tokens/s (median)', fmt(percentile(dr, 50), 0), fmt(percentile(gr, 50), 0), fmt(percentile(ratios, 50), 2)],
        [
          'time to first token p50 (ms)',
          fmt(
            percentile(
              d.map((s) => s.ttftMs),
              50,
            ),
            2,
          ),
          fmt(
            percentile(
              g.map((s) => s.ttftMs),
              50,
            ),
            2,
          ),
          '',
        ],
        [
          'CPU ms per 100 tokens (median)',
          fmt(percentile(d.map(cpuPer100), 50), 1),
          fmt(percentile(g.map(cpuPer100), 50), 1),
          fmt(percentile(cpuRatios, 50), 2),
        ],
        [
          '  of which the gateway process',
          '',
          fmt(
            percentile(
              g.map((s) => (s.gatewayCpuMs / s.tokens) * 100),
              50,
            ),
            1,
          ),
          '',
        ],
        ['tokens per run', String(d[0]?.tokens), String(g[0]?.tokens), ''],
        [
          'text deltas per run (median)',
          fmt(
            percentile(
              d.map((s) => s.deltas),
              50,
            ),
            0,
          ),
          fmt(
            percentile(
              g.map((s) => s.deltas),
              50,
            ),
            0,
          ),
          '',
        ],
      ],
    );
    console.log(`tokens/s ratio per round: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
    console.log(
      `direct CPU / gateway CPU per token (the tokens/s ratio a machine with no other load would see, when CPU-bound): ${fmt(percentile(cpuRatios, 50), 2)}; per round: ${cpuRatios.map((r) => r.toFixed(2)).join(' ')}`,
    );
  } finally {
    await pool.close();
    await gateway.stop();
    await context.dispose();
    await model.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
