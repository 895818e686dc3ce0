import { FlambeauError } from '../../errors/index.js';
import {
  buildKnowledgeContext,
  parseRagModelName,
  withKnowledgeContext,
  type ChunkWrap,
  type Citation,
  type Knowledge,
  type Retrieval,
  type SearchHit,
} from '../../knowledge/index.js';
import type { ChatRequest } from '../../providers/spec.js';
import type { KnowledgeUse } from '../../router/request-facts.js';
import type { GatewayDeps } from '../gateway-deps.js';

/** A retrieved chunk the injection stage left out of the prompt (`injection.documents: drop`). */
export interface DroppedChunk {
  chunkId: number;
  collection: string;
  path: string;
  reason: 'prompt_injection';
  score: number;
}

/** What retrieval put in the prompt, for the answer's `flambeau` extension (citations). */
export interface KnowledgeReport {
  collections: readonly string[];
  query: string;
  citations: readonly Citation[];
  usedTokens: number;
  droppedTokens: number;
  droppedChunks: number;
  degraded: Retrieval['degraded'];
  skipped: Retrieval['skipped'];
  /** Chunks left out as prompt injections, with their scores. */
  injectionDropped: readonly DroppedChunk[];
  /** The chunks reached the model spotlighted (inside marked data blocks), not in the plain quoted format. */
  spotlighted: boolean;
}

/** What was searched, before the injection stage decides what of it reaches the prompt. */
export interface Retrieved {
  collections: readonly string[];
  /** Null when the chat names no collection. */
  retrieval: Retrieval | null;
}

/** The request with the chunks quoted in (unchanged without knowledge), and what was quoted. */
export interface Quoted {
  request: ChatRequest;
  /** For routing: private knowledge in the prompt keeps it on the device unless shareable. */
  knowledge?: KnowledgeUse;
  report: KnowledgeReport | null;
}

/**
 * The collections a chat names: `flambeau.knowledge` and a `rag:COLLECTIONS/MODEL` model name
 * (the request's model becomes MODEL). Every inbound protocol gets `rag:` names this way.
 */
export function namedCollections(request: ChatRequest, given: readonly string[]): { request: ChatRequest; collections: string[] } {
  const collections = [...given];
  if (!request.model.startsWith('rag:')) return { request, collections };
  const rag = parseRagModelName(request.model);
  if (rag === null)
    throw new FlambeauError('model_not_found', `The model \`${request.model}\` is not of the form rag:COLLECTION[+COLLECTION]/MODEL.`, { param: 'model' });
  for (const name of rag.collections) if (!collections.includes(name)) collections.push(name);
  return { request: { ...request, model: rag.model }, collections };
}

/** Stage 3: searches the named collections (the injection stage then quotes what it keeps: `quoteRetrieved`). */
export async function retrieve(
  request: ChatRequest,
  collections: readonly string[],
  signal: AbortSignal,
  deps: Pick<GatewayDeps, 'knowledge' | 'knowledgeContextTokens'>,
): Promise<Retrieved> {
  if (collections.length === 0) return { collections, retrieval: null };
  deps.knowledge.requireCollections(collections);
  const retrieval = await deps.knowledge.retrieve(request.messages, collections, { tokenBudget: deps.knowledgeContextTokens, signal });
  return { collections, retrieval };
}

/**
 * Quotes the kept chunks into the request as delimited data, within the context budget: the
 * retrieval's own context when nothing was left out or spotlighted, else one rebuilt from `kept`
 * (each block made by `wrap` when spotlighting).
 */
export function quoteRetrieved(
  request: ChatRequest,
  retrieved: Retrieved,
  screened: { kept: readonly SearchHit[]; dropped: readonly DroppedChunk[]; wrap?: ChunkWrap },
  deps: Pick<GatewayDeps, 'knowledgeContextTokens'>,
): Quoted {
  const { retrieval, collections } = retrieved;
  if (retrieval === null) return { request, report: null };
  const context =
    screened.dropped.length === 0 && screened.wrap === undefined
      ? retrieval.context
      : buildKnowledgeContext(screened.kept, deps.knowledgeContextTokens, screened.wrap === undefined ? {} : { wrap: screened.wrap });
  const used = context.citations.length > 0;
  return {
    request: used ? withKnowledgeContext(request, context) : request,
    knowledge: { used, shareable: retrieval.shareable },
    report: {
      collections,
      query: retrieval.query,
      citations: context.citations,
      usedTokens: context.usedTokens,
      droppedTokens: context.droppedTokens,
      droppedChunks: context.droppedChunks,
      degraded: retrieval.degraded,
      skipped: retrieval.skipped,
      injectionDropped: screened.dropped,
      spotlighted: used && screened.wrap !== undefined,
    },
  };
}

/** For `/v1/route/explain`: named collections count as retrieved (nothing is searched). */
export function assumeRetrieved(collections: readonly string[], knowledge: Knowledge): KnowledgeUse | undefined {
  if (collections.length === 0) return undefined;
  knowledge.requireCollections(collections);
  return { used: true, shareable: knowledge.shareable(collections) };
}
