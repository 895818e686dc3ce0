import { FlambeauError } from '../../errors/index.js';
import { parseRagModelName, withKnowledgeContext, type Citation, type Knowledge, type Retrieval } from '../../knowledge/index.js';
import type { ChatRequest } from '../../providers/spec.js';
import type { KnowledgeUse } from '../../router/request-facts.js';
import type { GatewayDeps } from '../gateway-deps.js';

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
}

export interface Retrieved {
  /** The request with the retrieved chunks quoted in as delimited data (unchanged without knowledge). */
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

/** Stage 3: retrieves from the named collections and quotes the chunks into the request. */
export async function retrieve(
  request: ChatRequest,
  collections: readonly string[],
  signal: AbortSignal,
  deps: Pick<GatewayDeps, 'knowledge' | 'knowledgeContextTokens'>,
): Promise<Retrieved> {
  if (collections.length === 0) return { request, report: null };
  deps.knowledge.requireCollections(collections);
  const retrieval = await deps.knowledge.retrieve(request.messages, collections, { tokenBudget: deps.knowledgeContextTokens, signal });
  const { context } = retrieval;
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
    },
  };
}

/** For `/v1/route/explain`: named collections count as retrieved (nothing is searched). */
export function assumeRetrieved(collections: readonly string[], knowledge: Knowledge): KnowledgeUse | undefined {
  if (collections.length === 0) return undefined;
  knowledge.requireCollections(collections);
  return { used: true, shareable: knowledge.shareable(collections) };
}
