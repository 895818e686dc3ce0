import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Warning } from '../../providers/spec.js';

/** Settings the model could not honour, e.g. `unsupported:seed, approximated:tool_choice`. */
export function warningHeader(warnings: readonly Warning[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { 'x-flambeau-warnings': warnings.map((w) => `${w.kind}:${w.setting}`).join(', ') };
}

/**
 * Headers of a streamed answer (SSE or NDJSON): never cached or transformed, and not buffered by a
 * proxy in front (nginx's `x-accel-buffering`), so each event reaches the client as it is written.
 */
export function streamHeaders(contentType: 'text/event-stream; charset=utf-8' | 'application/x-ndjson', extra: Record<string, string>): Record<string, string> {
  return { ...extra, 'content-type': contentType, 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };
}

/** Waits until the socket takes more (a writer returned false); throws when the client has gone. */
export async function drain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw signal.reason;
  await once(res, 'drain', { signal });
}

const corked = new WeakSet<ServerResponse>();

/**
 * Writes one event of a stream, corked until the current tick's work is done: the events one
 * upstream chunk turns into (several deltas, the finish, usage) leave in one socket write instead
 * of one each. The order of bytes is unchanged, and `end()` uncorks fully (the last byte still
 * follows the accounting, decision 0002). Returns what `write` returns (false: wait for 'drain').
 */
export function writeCorked(res: ServerResponse, text: string): boolean {
  if (!corked.has(res)) {
    corked.add(res);
    res.cork();
    process.nextTick(uncork, res);
  }
  return res.write(text);
}

function uncork(res: ServerResponse): void {
  corked.delete(res);
  res.uncork();
}
