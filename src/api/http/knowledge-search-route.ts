import { z } from 'zod';
import { searchKnowledge, type KnowledgeSearchCall } from '../../gateway/index.js';
import { abortOnClose } from './abort-on-close.js';
import { collectionName } from './chat-completions-wire.js';
import { wireHit } from './knowledge-wire.js';
import { sendJson } from './send.js';
import { readBody, type RouteCall } from './route-call.js';

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

/**
 * POST /v1/knowledge/search: hybrid search over the collections the key may read; chunks with
 * their citation and scores out, and `degraded: "vector_unavailable"` when the embedding model
 * failed and BM25 answered alone (else null). Endpoint scope `knowledge`; collection scopes apply.
 */
export async function handleKnowledgeSearch(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const body = await readBody(call, searchBody, 'a JSON object with a `query` string');
  const filters: KnowledgeSearchCall['filters'] = {};
  const f = body.filters;
  if (f?.path_prefix !== undefined) filters.pathPrefix = f.path_prefix;
  if (f?.since !== undefined) filters.since = toMs(f.since);
  if (f?.until !== undefined) filters.until = toMs(f.until);
  if (f?.sender !== undefined) filters.sender = f.sender;
  // A client that goes away stops the query's embedding, which may wait on a busy engine.
  const { hits, collections, degraded } = await searchKnowledge(
    {
      request,
      query: body.query,
      collections: body.collections ?? null,
      filters,
      signal: abortOnClose(res),
      ...(body.k === undefined ? {} : { k: body.k }),
      ...(body.mode === undefined ? {} : { mode: body.mode }),
    },
    call.deps.gateway,
  );
  sendJson(res, 200, { object: 'list', data: hits.map(wireHit), collections, degraded }, { 'x-request-id': request.outcome.requestId });
}

function toMs(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
