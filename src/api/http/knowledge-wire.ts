import { messageIndex, type Citation, type KnowledgeReport, type SearchHit } from '../../gateway/index.js';

/** Our `flambeau` extension of an answer that used private knowledge: citations and what was retrieved. */
export function knowledgeExtension(report: KnowledgeReport | null): Record<string, unknown> | undefined {
  if (report === null) return undefined;
  return {
    citations: report.citations.map(citationJson),
    knowledge: {
      collections: report.collections,
      query: report.query,
      used_tokens: report.usedTokens,
      dropped_tokens: report.droppedTokens,
      dropped_chunks: report.droppedChunks,
      degraded: report.degraded,
      skipped: report.skipped,
      // The injection stage: chunks in marked data blocks, and those left out (`injection.documents: drop`).
      spotlighted: report.spotlighted,
      dropped: report.injectionDropped.map((d) => ({ chunk_id: d.chunkId, collection: d.collection, path: d.path, reason: d.reason, score: d.score })),
    },
  };
}

/** A citation on the wire: `n` is the number of its block in the prompt (`<<<DOCUMENT [n]`, or `<<data … document [n]>>` spotlighted); times as ISO strings, as /v1/knowledge/search gives them. */
function citationJson(c: Citation): Record<string, unknown> {
  return {
    n: c.n,
    chunk_id: c.chunkId,
    collection: c.collection,
    ...placeJson(c, c.date),
    ...(c.message === null ? {} : { message: c.message }),
    ...(c.sender === null ? {} : { sender: c.sender }),
    ...(c.subject === null ? {} : { subject: c.subject }),
    score: c.score,
  };
}

/** One search hit on the wire (snake_case like the OpenAI API; dates as ISO strings). */
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
      ...placeJson(c, c.docDate),
      sender: c.sender,
      subject: c.subject,
      message: messageIndex(c),
    },
  };
}

/** Where a chunk sits in its source, as both citations and search hits give it: times as ISO strings. */
function placeJson(
  c: { path: string; page: number | null; heading: string | null; start: number; end: number; mtime: number },
  date: number,
): Record<string, unknown> {
  return {
    path: c.path,
    page: c.page,
    heading: c.heading,
    start: c.start,
    end: c.end,
    mtime: new Date(c.mtime).toISOString(),
    date: new Date(date).toISOString(),
  };
}
