import { randomBytes } from 'node:crypto';
import type { InjectionFinding } from '../../audit/index.js';
import {
  decideInjection,
  injectionRefusal,
  isReported,
  SIGNAL_KINDS,
  spotlight,
  spotlightInstruction,
  type ScoredText,
  type SpotlightOptions,
} from '../../injection/index.js';
import type { ChunkWrap, SearchHit } from '../../knowledge/index.js';
import type { ChatMessage, ChatRequest, TextPart } from '../../providers/spec.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { GatewayRequest } from '../request.js';
import { quoteRetrieved, type DroppedChunk, type Quoted, type Retrieved } from './retrieve.js';

/**
 * How the spine spotlights: a marker one token long in o200k and cl100k and rare in text, put at
 * line starts and sentence ends (before the space: no word changes, so the privacy scan that runs
 * after this stage reads names and numbers as they were). Marking every space, as the paper does,
 * costs 60-110% more tokens on the text; this adds about 1% to a RAG prompt (decision 0006).
 */
export const SPINE_SPOTLIGHT: Pick<SpotlightOptions, 'marker' | 'marks'> = { marker: '\u00a6', marks: 'sentences' };

/** The request once screened: knowledge quoted in, what is untrusted spotlighted; the findings reported. */
export interface Screened extends Quoted {
  /** Texts flagged and reported (source, score, signal kinds): header, audit, request log, router fact. */
  findings: InjectionFinding[];
}

type ScreenDeps = Pick<GatewayDeps, 'injection' | 'injectionConfig' | 'knowledge' | 'knowledgeContextTokens'>;

/**
 * Stage 4: the prompt-injection defence (decision 0006). User messages, tool results and retrieved
 * chunks are scored (chunks by the score kept at ingest, else scanned now) and each gets its
 * source's action: `block` refuses the request here, before any upstream call (the finding is in
 * the outcome first, so the refusal is recorded with it); `drop` leaves a chunk out (listed in the
 * answer); `spotlight` puts every tool result and chunk, flagged or not, in a marked data block
 * whose boundary is random per request, with one system instruction saying it is data; `flag`
 * reports. Findings go to `request.outcome.injection` as they are made.
 */
export function screenInjection(request: GatewayRequest, chat: ChatRequest, retrieved: Retrieved, deps: ScreenDeps): Screened {
  const findings: InjectionFinding[] = [];
  request.outcome.injection = findings;
  const config = deps.injectionConfig;
  // The boundary is drawn when something is spotlit (most requests have nothing to spotlight).
  let spotted: SpotlightOptions | undefined;
  const spot = (): SpotlightOptions => (spotted ??= { ...SPINE_SPOTLIGHT, boundary: randomBoundary(), label: '' });
  const judge = (scored: ScoredText) => {
    if (isReported(scored, config))
      findings.push({ source: scored.source, score: round(scored.score), signals: [...new Set(scored.signals.map((s) => s.kind))] });
    const verdict = decideInjection(scored, config);
    if (verdict === 'block') throw injectionRefusal(scored);
    return verdict;
  };
  let spotlit = false;
  const messages = chat.messages.map((message): ChatMessage => {
    if (message.role === 'user') {
      // `allow` is off: nothing is scanned (the cost of the stage is then nil).
      const text = config.user === 'allow' ? '' : textOf(message.content);
      if (text !== '') judge(deps.injection.scan(text, 'user'));
      return message;
    }
    if (message.role !== 'tool' || config.tools === 'allow') return message;
    const text = textOf(message.content);
    if (judge(deps.injection.scan(text, 'tool')) !== 'spotlight') return message;
    spotlit = true;
    return { ...message, content: spotlight(text, { ...spot(), label: `tool result ${toolName(chat.messages, message.toolCallId)}` }) };
  });
  const chunks = screenChunks(retrieved.retrieval?.hits ?? [], judge, deps);
  const wrap: ChunkWrap | undefined =
    chunks.spotlight && chunks.kept.length > 0 ? (body, n) => spotlight(body, { ...spot(), label: `document [${n}]` }) : undefined;
  if (wrap !== undefined) spotlit = true;
  // Messages change only when something is spotlit: otherwise the request goes on as it came.
  const screened: ChatRequest = spotlit ? withSystemText({ ...chat, messages }, spotlightInstruction(spot())) : chat;
  const quoted = quoteRetrieved(screened, retrieved, { kept: chunks.kept, dropped: chunks.dropped, ...(wrap === undefined ? {} : { wrap }) }, deps);
  // `quoted` is made for this call: the findings join it (a spread of it cost ~1% of a lean request).
  const out = quoted as Screened;
  out.findings = findings;
  return out;
}

/** Each retrieved chunk judged as a document: kept, or dropped with its score; `spotlight` when the action is. */
function screenChunks(
  hits: readonly SearchHit[],
  judge: (scored: ScoredText) => string,
  deps: ScreenDeps,
): { kept: SearchHit[]; dropped: DroppedChunk[]; spotlight: boolean } {
  if (hits.length === 0 || deps.injectionConfig.documents === 'allow') return { kept: [...hits], dropped: [], spotlight: false };
  const stored = deps.knowledge.injectionScores(hits.map((h) => h.chunk.id));
  const kept: SearchHit[] = [];
  const dropped: DroppedChunk[] = [];
  for (const hit of hits) {
    const { chunk } = hit;
    const known = stored.get(chunk.id);
    const scored: ScoredText =
      known === undefined
        ? deps.injection.scan(chunk.text, 'document')
        : { source: 'document', score: known.score, flagged: known.score >= deps.injection.threshold, signals: kindsOf(known.signals) };
    if (judge(scored) === 'drop')
      dropped.push({ chunkId: chunk.id, collection: chunk.collection, path: chunk.path, reason: 'prompt_injection', score: round(scored.score) });
    else kept.push(hit);
  }
  return { kept, dropped, spotlight: deps.injectionConfig.documents === 'spotlight' };
}

/** Stored kinds as the decision reads them (a kind this version does not know is left out). */
function kindsOf(kinds: readonly string[]): ScoredText['signals'] {
  return SIGNAL_KINDS.filter((kind) => kinds.includes(kind)).map((kind) => ({ kind }));
}

/**
 * 8 random bytes per request, never derived from the content, written as 20 decimal digits: BPE
 * tokenizers split digits in groups of three, so the boundary costs 7 tokens every time, where 16
 * hex characters cost 8 to 12 (it is written twice per block).
 */
function randomBoundary(): string {
  return randomBytes(8).readBigUInt64BE().toString().padStart(20, '0');
}

const round = (score: number): number => Math.round(score * 1000) / 1000;

function textOf(content: string | readonly (TextPart | { type: string })[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? (part as TextPart).text : '')).join('\n');
}

/** The name of the tool whose call `id` answered, for the block's label ("tool result get_mail"). */
function toolName(messages: readonly ChatMessage[], id: string): string {
  for (const m of messages) if (m.role === 'assistant') for (const call of m.toolCalls ?? []) if (call.id === id) return call.name;
  return 'call';
}

/**
 * The request with `text` as system text: appended to a leading string system message, else as a
 * new first message (as the knowledge context is, which then comes after it).
 */
function withSystemText(request: ChatRequest, text: string): ChatRequest {
  const [first, ...rest] = request.messages;
  if (first?.role === 'system' && typeof first.content === 'string')
    return { ...request, messages: [{ ...first, content: `${first.content}\n\n${text}` }, ...rest] };
  return { ...request, messages: [{ role: 'system', content: text }, ...request.messages] };
}
