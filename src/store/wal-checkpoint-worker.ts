/**
 * Worker thread of WalCheckpointer: its own connection to the store's file, running the WAL
 * checkpoints the main connection no longer runs itself, so that their fsyncs wait here instead
 * of on the event loop. One reply per request, in order.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { FlambeauError } from '../errors/index.js';
import type { CheckpointReply, CheckpointRequest } from './wal-checkpointer.js';

const port = parentPort;
if (port === null) throw new FlambeauError('internal', 'wal-checkpoint-worker runs as a worker thread only.');
const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const db = new Database(path, { fileMustExist: true });
// A checkpoint syncs by its own connection's setting: the same as the main connection's.
db.pragma('synchronous = NORMAL');
// RESTART waits here, through the busy handler, for readers of other threads or processes.
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
const MODES = new Set(['PASSIVE', 'RESTART']);

port.on('message', (request: CheckpointRequest) => {
  let reply: CheckpointReply;
  try {
    if (!MODES.has(request.mode)) throw new FlambeauError('internal', `unknown checkpoint mode ${request.mode}`);
    const [row] = db.pragma(`wal_checkpoint(${request.mode})`) as { busy: number; log: number; checkpointed: number }[];
    reply = { id: request.id, busy: row?.busy === 1, log: row?.log ?? -1, checkpointed: row?.checkpointed ?? -1 };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies CheckpointReply);
