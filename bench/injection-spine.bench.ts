// The injection stage of the spine (issue 15, decision 0006), measured in one run:
// 1. what spotlighting adds to a RAG prompt, in real BPE tokens (o200k, cl100k) and in the
//    gateway's own estimate (4 characters a token), against the same chunks in the plain quoted
//    format (`injection.documents: allow`);
// 2. the stage's cost per request: in process (the stage alone, chunks scanned or read from
//    ingest), and through a real gateway with injection on (the defaults) and off (all `allow`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { chunkScreen } from '../src/gateway/chunk-screen.js';
import { openRequest } from '../src/gateway/request.js';
import type { GatewayDeps } from '../src/gateway/gateway-deps.js';
import type { Retrieved } from '../src/gateway/stages/retrieve.js';
import { screenInjection } from '../src/gateway/stages/screen-injection.js';
import { PARAGRAPHS, SIGNATURES } from '../src/injection/data/document-parts.js';
import { createShippedInjectionScanner, injectionConfigSchema, type InjectionConfig } from '../src/injection/index.js';
import { buildKnowledgeContext, createKnowledge, estimateTextTokens, type SearchHit } from '../src/knowledge/index.js';
import type { ChatMessage, ChatRequest } from '../src/providers/spec.js';
import { openStore } from '../src/store/store.js';
import { startChild } from './child-server.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'flm-bench-key-0123456789';
const QUESTION = 'What did they decide about the quarterly review and the boiler maintenance?';

/** Real tokenizers when the dev dependency is installed (gpt-tokenizer ships OpenAI's encodings, no download). */
async function tokenizers(): Promise<{ name: string; count: (text: string) => number }[]> {
  const found: { name: string; count: (text: string) => number }[] = [];
  for (const encoding of ['o200k_base', 'cl100k_base']) {
    const specifier = `gpt-tokenizer/encoding/${encoding}`;
    const mod = (await import(specifier).catch(() => null)) as { encode(text: string): number[] } | null;
    if (mod !== null) found.push({ name: encoding, count: (text) => mod.encode(text).length });
  }
  found.push({ name: 'gateway estimate (chars/4)', count: estimateTextTokens });
  return found;
}

/** Eight mail-like chunks of about 1 KB (EN and FR paragraphs), as retrieval hands them over. */
function ragHits(): SearchHit[] {
  const paragraphs = [...PARAGRAPHS.en, ...PARAGRAPHS.fr];
  return Array.from({ length: 8 }, (_, i) => {
    const parts = Array.from({ length: 6 }, (_, j) => paragraphs[(i * 6 + j) % paragraphs.length] as string);
    const text = `${parts.slice(0, 3).join(' ')}\n\n${parts.slice(3).join(' ')}\n\n${SIGNATURES.en[i % SIGNATURES.en.length]}`;
    return {
      score: 1 / (i + 1),
      bm25Rank: i + 1,
      vectorRank: i + 1,
      bm25: 1,
      distance: 0.1,
      chunk: {
        id: i + 1,
        collection: 'mail',
        path: `/home/me/mail/2026-03-${10 + i}.eml`,
        docIndex: 0,
        seq: 0,
        title: null,
        heading: null,
        page: null,
        start: 0,
        end: text.length,
        mtime: 0,
        docDate: 0,
        sender: 'Claire Martin <claire@example.org>',
        subject: 'Re: quarterly review',
        text,
      },
    } as unknown as SearchHit;
  });
}

function depsWith(injection: Partial<InjectionConfig>, stored: boolean): Parameters<typeof screenInjection>[3] {
  const config = injectionConfigSchema.parse(injection);
  const scanner = createShippedInjectionScanner(config);
  const scores = new Map(ragHits().map((h) => [h.chunk.id, { score: 0.1, signals: [] as string[] }]));
  return {
    injection: scanner,
    injectionConfig: config,
    knowledgeContextTokens: 100_000,
    knowledge: { injectionScores: () => (stored ? scores : new Map()) } as unknown as GatewayDeps['knowledge'],
  };
}

function retrievedOf(hits: SearchHit[]): Retrieved {
  return {
    collections: ['mail'],
    retrieval: { query: QUESTION, hits, context: buildKnowledgeContext(hits, 100_000), shareable: false, degraded: null, skipped: null },
  };
}

const chat: ChatRequest = { model: 'bench', messages: [{ role: 'user', content: QUESTION }] };
const promptText = (request: ChatRequest): string => request.messages.map((m: ChatMessage) => (typeof m.content === 'string' ? m.content : '')).join('\n');

async function tokenCost(): Promise<void> {
  const hits = ragHits();
  const [allow, spotlit] = [depsWith({ documents: 'allow' }, true), depsWith({}, true)];
  // Both formats carry random hex (the nonce, the boundary) 18 times, whose token count varies:
  // averaged over 50 prompts, with the worst of them.
  const prompts = Array.from({ length: 50 }, () => ({
    plain: promptText(screenInjection(openRequest('b', 'chat'), chat, retrievedOf(hits), allow).request),
    spot: promptText(screenInjection(openRequest('b', 'chat'), chat, retrievedOf(hits), spotlit).request),
  }));
  const rows: (string | number)[][] = [];
  for (const t of await tokenizers()) {
    const counts = prompts.map((p) => [t.count(p.plain), t.count(p.spot)] as const);
    const mean = (i: 0 | 1) => counts.reduce((sum, c) => sum + c[i], 0) / counts.length;
    const [a, b] = [mean(0), mean(1)];
    const worst = Math.max(...counts.map(([x, y]) => (y - x) / x));
    rows.push([t.name, fmt(a, 0), fmt(b, 0), fmt(b - a, 0), `${fmt(((b - a) / a) * 100, 1)}%`, `${fmt(worst * 100, 1)}%`]);
  }
  table(['RAG prompt, 8 chunks of ~1 KB (tokens, mean of 50)', 'quoted (allow)', 'spotlighted', 'added', 'added %', 'worst %'], rows);
  if (rows.length === 1) console.log('(real tokenizers: install the dev dependency gpt-tokenizer)');
}

function stageCost(): void {
  const hits = ragHits();
  const tool: ChatRequest = {
    model: 'bench',
    messages: [
      { role: 'user', content: 'What is the weather in Paris and what did Claire say?' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'search', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: (hits[0]?.chunk.text ?? '').repeat(2) },
    ],
  };
  // One scanner per process, as main.ts makes it: deps are built once per case, outside the timing.
  const [stored, unstored, off] = [depsWith({}, true), depsWith({}, false), depsWith({ user: 'allow', documents: 'allow', tools: 'allow' }, true)];
  const none: Retrieved = { collections: [], retrieval: null };
  const rag = retrievedOf(hits);
  const cases: [string, () => void][] = [
    ['user message only (flag)', () => screenInjection(openRequest('b', 'chat'), chat, none, stored)],
    ['user + 2 KB tool result (spotlight)', () => screenInjection(openRequest('b', 'chat'), tool, none, stored)],
    ['RAG, 8 chunks, scores kept at ingest', () => screenInjection(openRequest('b', 'chat'), chat, rag, stored)],
    ['RAG, 8 chunks, scanned in chat (no stored score)', () => screenInjection(openRequest('b', 'chat'), chat, rag, unstored)],
    ['RAG, injection off (all allow)', () => screenInjection(openRequest('b', 'chat'), chat, rag, off)],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, fn] of cases) {
    for (let i = 0; i < 20; i++) fn(); // warm-up, and the weights load once
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    rows.push([name, fmt(percentile(times, 50)), fmt(percentile(times, 99))]);
  }
  table(['injection stage in process', 'p50 (ms)', 'p99 (ms)'], rows);
}

async function gatewayChild(home: string, upstreamUrl: string, injection: string): Promise<Awaited<ReturnType<typeof startChild>>> {
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstreamUrl}/v1\n    locality: device\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\nrouting:\n  health_interval_ms: 0\n${injection}`,
  );
  return startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
  });
}

async function gatewayCost(): Promise<void> {
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const homes = [mkdtempSync(join(tmpdir(), 'flambeau-bench-')), mkdtempSync(join(tmpdir(), 'flambeau-bench-'))] as const;
  const on = await gatewayChild(homes[0], upstream.url, '');
  const off = await gatewayChild(homes[1], upstream.url, 'injection:\n  user: allow\n  documents: allow\n  tools: allow\n');
  const hits = ragHits();
  // A chat with a tool loop: a user message and a 2 KB tool result, both scanned (and the tool result spotlighted) when on.
  const body = JSON.stringify({
    model: 'bench',
    max_tokens: 32,
    messages: [
      { role: 'user', content: 'What is the weather in Paris and what did Claire say?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: (hits[0]?.chunk.text ?? '').repeat(2) },
    ],
  });
  const targets = [
    { name: 'off', pool: new Pool(off.url, { connections: 8 }), pid: off.child.pid as number },
    { name: 'on', pool: new Pool(on.url, { connections: 8 }), pid: on.child.pid as number },
  ];
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  try {
    const n = Number(process.env.BENCH_REQUESTS ?? 2000) / 2;
    const times = new Map(targets.map((t) => [t.name, [] as number[]]));
    const cpu = new Map(targets.map((t) => [t.name, 0]));
    for (let i = 0; i < 100 + n; i++) {
      for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
        const c0 = i >= 100 ? await processCpuSeconds(t.pid) : 0;
        const t0 = performance.now();
        const res = await t.pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`${t.name}: HTTP ${res.statusCode}`);
        if (i < 100) continue; // warm-up
        times.get(t.name)?.push(performance.now() - t0);
        cpu.set(t.name, (cpu.get(t.name) ?? 0) + (await processCpuSeconds(t.pid)) - c0);
      }
    }
    const [a, b] = [times.get('off') ?? [], times.get('on') ?? []];
    const rows = [50, 99].map((p) => [
      `latency p${p} (ms)`,
      fmt(percentile(a, p)),
      fmt(percentile(b, p)),
      fmt(percentile(b, p) - percentile(a, p)),
      fmt(percentile(b, p) / percentile(a, p), 2),
    ]);
    const [ca, cb] = [((cpu.get('off') ?? 0) / n) * 1e6, ((cpu.get('on') ?? 0) / n) * 1e6];
    rows.push(['gateway CPU per request (µs)', fmt(ca, 0), fmt(cb, 0), fmt(cb - ca, 0), fmt(cb / ca, 2)]);
    table(['gateway, user message + 2 KB tool result', 'injection off', 'on (defaults)', 'added', 'ratio'], rows);
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all([on.stop(), off.stop()]);
    await upstream.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}

/** What scoring every chunk at ingest costs: the same files ingested (full-text only) with and without the screen. */
async function ingestCost(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-ingest-'));
  try {
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    const hits = ragHits();
    let bytes = 0;
    for (let i = 0; i < 300; i++) {
      const text = `# Note ${i}\n\n${hits[i % hits.length]?.chunk.text ?? ''}\n\n${hits[(i + 3) % hits.length]?.chunk.text ?? ''}\n`;
      bytes += Buffer.byteLength(text);
      writeFileSync(join(docs, `note-${i}.md`), text);
    }
    const scanner = createShippedInjectionScanner(injectionConfigSchema.parse({}));
    scanner.scan('warm up', 'document');
    const rows: (string | number)[][] = [];
    const ms: number[] = [];
    for (const [name, screen] of [
      ['without scores', undefined],
      ['with scores (defaults)', chunkScreen(scanner)],
    ] as const) {
      const store = openStore(join(dir, `${ms.length}.db`));
      const knowledge = createKnowledge({ db: store.db, embedder: null, ...(screen === undefined ? {} : { screen }) });
      const t0 = performance.now();
      const report = await knowledge.ingest({ collection: 'bench', paths: [docs] });
      ms.push(performance.now() - t0);
      rows.push([name, report.chunks, fmt(ms.at(-1) ?? 0, 0), fmt((bytes / 1024 / (ms.at(-1) ?? 1)) * 1000, 0)]);
      knowledge.close();
      store.close();
    }
    rows.push(['ratio', '', fmt((ms[1] ?? 0) / (ms[0] ?? 1), 2), '']);
    table([`ingest, 300 Markdown files, ${fmt(bytes / 1024, 0)} KB, full-text only`, 'chunks', 'ms', 'KB/s'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log('\n## Injection stage in the spine (decision 0006: spotlighting cost, stage cost)\n');
  await tokenCost();
  console.log('');
  stageCost();
  console.log('');
  await ingestCost();
  console.log('');
  await gatewayCost();
}
