import { FlambeauError } from '../errors/index.js';
import type { EmbeddingModel } from '../providers/spec.js';

/** Texts per embedding call at most (ingest's chunks, concurrent searches' queries). */
export const EMBED_BATCH_SIZE = 64;

/** Turns texts into vectors; `model` names the vector space (changing it re-embeds everything). */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
}

/** One caller's texts, filled in as the calls that carry them return. */
interface Job {
  texts: string[];
  vectors: Float32Array[];
  /** Texts not yet taken into a call. */
  next: number;
  /** Texts whose vectors are in. */
  done: number;
  signal: AbortSignal;
  settled: boolean;
  /** Removes the job's abort listener (callers reuse one signal for many calls, e.g. a whole ingest). */
  unlisten(): void;
  /** After a shared call failed: this job's texts go in calls of their own. */
  alone: boolean;
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
}

/** A run of one job's texts inside a call. */
interface Piece {
  job: Job;
  start: number;
  end: number;
}

/**
 * An embedder over a gateway model (`catalog.get(name).embedding`) that sends texts in batches of
 * up to `batchSize` per model call (docs/decisions/0016): a file's chunks at ingest, and the
 * queries of searches that arrive together, which wait while a call is in flight and then share
 * the next one. One call at a time: the local engine embeds one batch at a time anyway. A call
 * that fails for several callers is retried per caller, so one caller's bad input fails only its
 * own request; an aborted caller's texts leave the queue (a call it shares still runs for the
 * others). The caller chooses the model: knowledge is private, so the default is a device-local
 * one; a non-device model should be wrapped with the privacy guard by the caller (see the
 * gateway's embed()).
 */
export function embedderOf(model: EmbeddingModel, name: string, batchSize = EMBED_BATCH_SIZE): Embedder {
  const queue: Job[] = [];
  let busy = false;

  const settle = (job: Job, outcome: { vectors: Float32Array[] } | { error: unknown }) => {
    if (job.settled) return;
    job.settled = true;
    job.unlisten();
    const index = queue.indexOf(job);
    if (index >= 0) queue.splice(index, 1);
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.vectors);
  };

  /** The next call's pieces: a job that must go alone goes alone; others share up to `batchSize` texts. */
  const take = (): Piece[] => {
    const pieces: Piece[] = [];
    let room = batchSize;
    for (const job of queue) {
      if (room === 0) break;
      if (job.next >= job.texts.length) continue;
      if (job.alone && pieces.length > 0) break;
      const end = Math.min(job.texts.length, job.next + room);
      pieces.push({ job, start: job.next, end });
      room -= end - job.next;
      job.next = end;
      if (job.alone) break;
    }
    return pieces;
  };

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let pieces = take(); pieces.length > 0; pieces = take()) await call(pieces);
    } finally {
      busy = false;
    }
  };

  const call = async (pieces: Piece[]): Promise<void> => {
    // The call stops only when every caller in it is gone.
    const controller = new AbortController();
    const abortIfAllGone = () => {
      if (pieces.every((p) => p.job.signal.aborted)) controller.abort();
    };
    for (const p of pieces) p.job.signal.addEventListener('abort', abortIfAllGone, { once: true });
    try {
      const input = pieces.flatMap((p) => p.job.texts.slice(p.start, p.end));
      const { vectors } = await model.embed({ model: model.model, input }, controller.signal);
      if (vectors.length !== input.length) throw new FlambeauError('upstream_failed', `${name} returned ${vectors.length} vectors for ${input.length} texts.`);
      let at = 0;
      for (const { job, start, end } of pieces) {
        for (let i = start; i < end; i++) job.vectors[i] = vectors[at++] as Float32Array;
        job.done += end - start;
        if (job.done === job.texts.length) settle(job, { vectors: job.vectors });
      }
    } catch (error) {
      const jobs = [...new Set(pieces.map((p) => p.job))];
      if (jobs.length === 1) settle(jobs[0] as Job, { error });
      else
        for (const p of pieces) {
          // Shared by several callers: each tries again alone, so the failure lands on its cause.
          p.job.alone = true;
          p.job.next = Math.min(p.job.next, p.start);
        }
    } finally {
      for (const p of pieces) p.job.signal.removeEventListener('abort', abortIfAllGone);
    }
  };

  return {
    model: name,
    embed(texts, signal) {
      if (texts.length === 0) return Promise.resolve([]);
      if (signal.aborted) return Promise.reject(cancelled());
      return new Promise<Float32Array[]>((resolve, reject) => {
        const onAbort = () => settle(job, { error: cancelled() });
        const job: Job = {
          texts,
          vectors: new Array(texts.length),
          next: 0,
          done: 0,
          signal,
          settled: false,
          alone: false,
          unlisten: () => signal.removeEventListener('abort', onAbort),
          resolve,
          reject,
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(job);
        void pump();
      });
    },
  };
}

function cancelled(): FlambeauError {
  return new FlambeauError('client_closed', 'The request was cancelled.');
}

/** What is embedded for a chunk: its heading path gives short chunks their context. */
export function embeddingText(chunk: { text: string; heading?: string | null; title?: string | null }): string {
  const head = [chunk.title, chunk.heading].filter((h): h is string => typeof h === 'string' && h !== '');
  return head.length === 0 ? chunk.text : `${[...new Set(head)].join(' > ')}\n${chunk.text}`;
}
