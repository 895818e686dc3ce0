// Writes a plan to the socket, applying the failure modes that do not depend on the protocol:
// a delay before each frame (or before the headers of a JSON reply) and a cut after N frames.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Plan, SsePlan, JsonPlan } from './plan.js';

export interface Exchange {
  readonly res: ServerResponse;
  /** Aborted when the response closes, for whatever reason; ends every wait. */
  readonly signal: AbortSignal;
  /** Marks the break as ours (so it is not recorded as a client abort), then drops the socket. */
  breakConnection(how: 'reset' | 'destroy'): void;
}

export interface Delivery {
  /** Milliseconds before each SSE frame, or before the headers of a JSON reply. */
  delayMs: number;
  /** Frames to send before dropping the socket; for JSON, any value sends half the body. */
  cutAfter: number | undefined;
}

/** False when the exchange closed while waiting. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Waits until the bytes already written left the process, so a following destroy cannot drop them. */
async function flushed(socket: Socket | null, signal: AbortSignal): Promise<void> {
  while (socket && socket.writableLength > 0 && !socket.destroyed && !signal.aborted) await nextTurn();
}

async function deliverJson(ex: Exchange, plan: JsonPlan, delivery: Delivery): Promise<void> {
  if (!(await pause(delivery.delayMs, ex.signal))) return;
  const body = Buffer.from(plan.body);
  // content-length announces the whole body, so a cut shows as a truncated response.
  ex.res.writeHead(plan.status, { ...plan.headers, 'content-length': String(body.length) });
  if (delivery.cutAfter === undefined) {
    ex.res.end(body);
    return;
  }
  ex.res.write(body.subarray(0, Math.floor(body.length / 2)));
  await flushed(ex.res.socket, ex.signal);
  ex.breakConnection('destroy');
}

async function deliverSse(ex: Exchange, plan: SsePlan, delivery: Delivery): Promise<void> {
  // Headers go out at once, as a real API sends its 200 before the first token.
  ex.res.writeHead(200, plan.headers);
  ex.res.flushHeaders();
  const cutAfter = delivery.cutAfter ?? Number.POSITIVE_INFINITY;
  for (const [i, frame] of plan.frames.entries()) {
    if (i >= cutAfter) break;
    if (!(await pause(delivery.delayMs, ex.signal))) return;
    ex.res.write(frame);
  }
  if (delivery.cutAfter === undefined) {
    ex.res.end();
    return;
  }
  await flushed(ex.res.socket, ex.signal);
  ex.breakConnection('destroy');
}

/** Verbatim bytes: no framing, no content-length when held (the body has no known end). */
export async function deliverRaw(ex: Exchange, raw: { status: number; contentType: string; body: Buffer; hold: boolean }, delayMs: number): Promise<void> {
  if (!(await pause(delayMs, ex.signal))) return;
  if (raw.hold) {
    ex.res.writeHead(raw.status, { 'content-type': raw.contentType });
    ex.res.flushHeaders();
    if (raw.body.length > 0) ex.res.write(raw.body);
    return;
  }
  ex.res.writeHead(raw.status, { 'content-type': raw.contentType, 'content-length': String(raw.body.length) });
  ex.res.end(raw.body);
}

export async function deliver(ex: Exchange, plan: Plan, delivery: Delivery = { delayMs: 0, cutAfter: undefined }): Promise<void> {
  if (ex.signal.aborted) return;
  if (plan.kind === 'json') await deliverJson(ex, plan, delivery);
  else await deliverSse(ex, plan, delivery);
}
