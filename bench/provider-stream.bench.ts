/**
 * Provider stream translators in-process: CPU per upstream SSE frame of the OpenAI and Anthropic
 * translators (SSE parse + wire schema + event), on the stand-in cloud's own frames. The gateway
 * bench's streams carry ~10 frames, too few to see per-frame costs; this one streams 2,000.
 *
 *   npm run bench -- provider-stream
 */
import { translateAnthropicStream } from '../src/providers/anthropic/anthropic-stream.js';
import { translateOpenAiStream } from '../src/providers/openai-compatible/openai-stream.js';
import { anthropicMessagesRoute } from '../test/helpers/stand-in-cloud/anthropic-messages.js';
import { openAiChatRoute } from '../test/helpers/stand-in-cloud/openai-chat.js';
import type { Route } from '../test/helpers/stand-in-cloud/plan.js';
import { fmt, percentile, table } from './stats.js';

const WORDS = 2000;
const ROUNDS = 30;
const text = Array.from({ length: WORDS }, (_, i) => `word${i % 97}`).join(' ');

function framesOf(route: Route, body: Record<string, unknown>): Buffer[] {
  const plan = route.answer({ ...body, stream: true }, { text, toolCalls: [], usage: true, chunkSize: undefined, finishReason: undefined });
  if (plan.kind !== 'sse') throw new Error('expected an SSE plan');
  // One network read per frame, the worst case for per-frame overheads.
  return plan.frames.map((frame) => Buffer.from(frame));
}

async function* replay(frames: Buffer[]): AsyncGenerator<Buffer> {
  for (const frame of frames) yield frame;
}

/** Microseconds per frame, one sample per round, after two warm-up rounds. */
async function measure(frames: Buffer[], translate: (body: AsyncIterable<Buffer>) => AsyncIterable<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const start = process.hrtime.bigint();
    let events = 0;
    for await (const _ of translate(replay(frames))) events++;
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    if (events < WORDS) throw new Error(`only ${events} events`);
    if (round >= 2) samples.push(micros / frames.length);
  }
  return samples;
}

export async function run(): Promise<void> {
  console.log(`\n## Provider stream translators (in-process, ${WORDS} text frames per stream, ${ROUNDS} rounds)\n`);
  const openai = framesOf(openAiChatRoute, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream_options: { include_usage: true } });
  const anthropic = framesOf(anthropicMessagesRoute, { model: 'claude-sonnet-4-20250514', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] });
  const rows: (string | number)[][] = [];
  const o = await measure(openai, (body) => translateOpenAiStream(body, 'bench'));
  const a = await measure(anthropic, (body) => translateAnthropicStream(body, { label: 'bench', warnings: [] }));
  for (const [name, samples, frames] of [
    ['openai-compatible', o, openai.length],
    ['anthropic', a, anthropic.length],
  ] as const) {
    rows.push([name, frames, fmt(percentile(samples, 50), 2), fmt(percentile(samples, 90), 2)]);
  }
  table(['translator', 'frames', 'µs/frame p50', 'µs/frame p90'], rows);
  console.log(`\nratio openai/anthropic (p50): ${fmt(percentile(o, 50) / percentile(a, 50), 2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
