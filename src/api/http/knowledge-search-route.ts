import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { checkScope, scopeAllows } from '../../auth/index.js';
import { FlambeauError } from '../../errors/index.js';
import { messageIndex, type Knowledge, type SearchFilters, type SearchHit } from '../../knowledge/index.js';
import { abortOnClose } from './abort-on-close.js';
import { collectionName } from './chat-completions-wire.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestContext } from './request-context.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

const when = z.union([z.number().int(), z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date or time')]);

const searchBody = z.strictObject({
  query: z.string().min(1),
  /** Collections to search; default: every collection the key may read. */
  collections: z.array(collectionName).min(1).max(32).optional(),
  k: z.number().int().min(1).max(100).optional(),
  mode: z.enum(['hybrid', 'bm25', 'vector']).optional(),
  filters: z
    .strictObject({
      path_prefix: z.string().min(1).optional(),
      /** Inclusive; unix ms or an ISO date. On a message's date, else the file's mtime. */
      since: when.optional(),
      /** Exclusive. */
      until: when.optional(),
      sender: z.string().min(1).optional(),
    })
    .optional(),
});

export interface KnowledgeSearchDeps {
  knowledge: Knowledge;
  bodyLimitBytes: number;
}

/**
 * POST /v1/knowledge/search: hybrid search over the collections the key may read; chunks with
 * their citation and scores out, and `degraded: "vector_unavailable"` when the embedding model
 * failed and BM25 answered alone (else null). Endpoint scope `knowledge`; collection scopes apply.
 */
export async function handleKnowledgeSearch(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: KnowledgeSearchDeps): Promise<void> {
  const raw = await readJsonBody(req, deps.bodyLimitBytes);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', 'The request body must be a JSON object with a `query` string.');
  const parsed = searchBody.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const body = parsed.data;
  let collections: string[];
  if (body.collections === undefined) {
    collections = deps.knowledge.collectionNames().filter((name) => ctx.principal === null || scopeAllows(ctx.principal.scopes.collections, name));
  } else {
    collections = [...new Set(body.collections)];
    if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'knowledge', collections });
    deps.knowledge.requireCollections(collections);
  }
  const filters: SearchFilters = { collections };
  const f = body.filters;
  if (f?.path_prefix !== undefined) filters.pathPrefix = f.path_prefix;
  if (f?.since !== undefined) filters.since = toMs(f.since);
  if (f?.until !== undefined) filters.until = toMs(f.until);
  if (f?.sender !== undefined) filters.sender = f.sender;
  // A client that goes away stops the query's embedding, which may wait on a busy engine.
  const signal = abortOnClose(res);
  const { hits, degraded } = await deps.knowledge.search(body.query, filters, { signal, ...(body.k === undefined ? {} : { k: body.k }), ...(body.mode === undefined ? {} : { mode: body.mode }) });
  sendJson(res, 200, { object: 'list', data: hits.map(wireHit), collections, degraded }, { 'x-request-id': ctx.id });
}

function toMs(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** One hit on the wire (snake_case like the OpenAI API; dates as ISO strings). */
export function wireHit(hit: SearchHit): Record<string, unknown> {
  const c = hit.chunk;
  return {
    object: 'knowledge.chunk',
    id: c.id,
    collection: c.collection,
    text: c.text,
    score: hit.score,
    scores: { bm25_rank: hit.bm25Rank, vector_rank: hit.vectorRank, bm25: hit.bm25, cosine_distance: hit.distance },
    citation: {
      path: c.path,
      page: c.page,
      heading: c.heading,
      start: c.start,
      end: c.end,
      mtime: new Date(c.mtime).toISOString(),
      date: new Date(c.docDate).toISOString(),
      sender: c.sender,
      subject: c.subject,
      message: messageIndex(c),
    },
  };
}
