/**
 * Worker thread of TextSearchThread: a read-only connection to the knowledge database and the
 * same BM25 search the main thread would run (text-hits.ts), answering one message per request.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { FlambeauError } from '../errors/index.js';
import { KnowledgeDb } from './db.js';
import { textHits } from './text-hits.js';
import type { TextSearchReply, TextSearchRequest } from './text-search-thread.js';

const port = parentPort;
if (port === null) throw new FlambeauError('internal', 'text-search-worker runs as a worker thread only.');
const { path } = workerData as { path: string };
const connection = new Database(path, { readonly: true, fileMustExist: true });
connection.pragma('busy_timeout = 5000');
const db = new KnowledgeDb(connection);

port.on('message', (request: TextSearchRequest) => {
  let reply: TextSearchReply;
  try {
    reply = { id: request.id, hits: textHits(db, request.query, request.filters, request.limit) };
  } catch (error) {
    // The main thread re-runs the search itself and surfaces its own error, if any.
    reply = { id: request.id, error: error instanceof Error ? error.name : 'error' };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies TextSearchReply);
