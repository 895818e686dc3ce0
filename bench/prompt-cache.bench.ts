// The local engine's prompt cache: time to first token of a conversation's second turn against its
// first, under a system prompt of about 1,000 tokens, through the whole gateway (HTTP, SSE, engine
// process), on ../shared/models/stories260K.gguf with one thread. Each round starts a new
// conversation whose system prompt differs from the last one's first token on, so its first turn
// finds nothing in the cache. Skips without the model.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { parseSse } from '../src/providers/http/sse-parser.js';
import { startChild } from './child-server.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MODEL = join(root, '../shared/models/stories260K.gguf');
const KEY = 'flm-bench-cache-key-0123456789';

interface Turn {
  ttftMs: number;
  promptTokens: number;
  cachedTokens: number;
  answer: string;
}

export async function run(rounds = 6): Promise<void> {
  console.log('\n## Local prompt cache: second turn vs first turn, ~1,000-token system prompt\n');
  if (!existsSync(MODEL)) {
    console.log(`skipped: ${MODEL} not found`);
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-cache-'));
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
  const turn = async (messages: { role: string; content: string }[]): Promise<Turn> => {
    const t0 = performance.now();
    const res = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stories', stream: true, stream_options: { include_usage: true }, temperature: 0, max_tokens: 16, messages }),
    });
    let ttftMs = Number.NaN;
    let answer = '';
    let usage = { prompt_tokens: 0, prompt_tokens_details: { cached_tokens: 0 } };
    for await (const event of parseSse(res.body)) {
      if (event.data === '[DONE]') continue;
      const chunk = JSON.parse(event.data) as { choices: { delta?: { content?: string } }[]; usage?: typeof usage };
      const text = chunk.choices[0]?.delta?.content;
      if (text) {
        if (Number.isNaN(ttftMs)) ttftMs = performance.now() - t0;
        answer += text;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return { ttftMs, promptTokens: usage.prompt_tokens, cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0, answer };
  };
  // ~1,000 tokens of this model's small vocabulary.
  const system = (round: number) =>
    `Story ${round}. ` + 'Once upon a time, there was a little girl named Lily who liked to play in the park with her dog. '.repeat(38);
  try {
    await turn([{ role: 'user', content: 'Hello.' }]); // warm-up: model load
    const firsts: Turn[] = [];
    const seconds: Turn[] = [];
    for (let round = 0; round < rounds; round++) {
      const opening = [
        { role: 'system', content: system(round) },
        { role: 'user', content: 'Tell me about Lily.' },
      ];
      const first = await turn(opening);
      const second = await turn([...opening, { role: 'assistant', content: first.answer }, { role: 'user', content: 'And her dog?' }]);
      firsts.push(first);
      seconds.push(second);
    }
    const ratios = seconds.map((s, i) => s.ttftMs / (firsts[i] as Turn).ttftMs);
    table(
      ['measure', 'first turn', 'second turn', 'ratio'],
      [
        [
          'time to first token p50 (ms)',
          fmt(
            percentile(
              firsts.map((t) => t.ttftMs),
              50,
            ),
            1,
          ),
          fmt(
            percentile(
              seconds.map((t) => t.ttftMs),
              50,
            ),
            1,
          ),
          fmt(percentile(ratios, 50), 2),
        ],
        ['prompt tokens', String(firsts[0]?.promptTokens), String(seconds[0]?.promptTokens), ''],
        ['reused from the cache', String(firsts[0]?.cachedTokens), String(seconds[0]?.cachedTokens), ''],
      ],
    );
    console.log(`ratio per round: ${ratios.map((r) => r.toFixed(2)).join(' ')} (target ≤ 0.30)`);
  } finally {
    await pool.close();
    await gateway.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
