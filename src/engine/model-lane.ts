import { FlambeauError } from '../errors/index.js';
import type { ResolvedModelSpec } from './engine-protocol.js';
import type { EngineModelStatus, EngineUsage } from './engine.js';

export type RequestKind = 'chat' | 'embed';

interface Waiter {
  kind: RequestKind;
  grant: () => void;
  reject: (error: unknown) => void;
}

/**
 * The gateway-side book-keeping of one model: how many requests run in the engine (at most
 * `parallel` chats, one embedding batch), who waits, whether it is loaded, and the idle timer.
 * The queue lives here rather than in the engine process so that waiting requests survive an
 * engine crash and `status()` needs no round trip.
 */
export class ModelLane {
  readonly key: string;
  readonly spec: ResolvedModelSpec;
  #loaded = false;
  #pinned = false;
  #engineThreads: EngineModelStatus['engineThreads'] = { chat: null, embedding: null };
  readonly #active: Record<RequestKind, number> = { chat: 0, embed: 0 };
  readonly #waiting: Waiter[] = [];
  readonly #totals = { requests: 0, inputTokens: 0, outputTokens: 0 };
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(key: string, spec: ResolvedModelSpec) {
    this.key = key;
    this.spec = spec;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** An unload (or an engine exit) forgets the threads its contexts reported. */
  setLoaded(loaded: boolean): void {
    this.#loaded = loaded;
    if (!loaded) this.#engineThreads = { chat: null, embedding: null };
  }

  setEngineThreads(threads: EngineModelStatus['engineThreads']): void {
    this.#engineThreads = threads;
  }

  /** Preloaded (`engine.preload`): never unloaded for idleness, loaded again after an engine crash. */
  get pinned(): boolean {
    return this.#pinned;
  }

  pin(): void {
    this.#pinned = true;
    this.#stopIdleTimer();
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Something runs or waits: the model must stay loaded. */
  get busy(): boolean {
    return this.#active.chat + this.#active.embed + this.#waiting.length > 0;
  }

  /** Takes a slot if one is free; otherwise the caller queues. */
  tryTake(kind: RequestKind): boolean {
    if (this.#active[kind] >= this.#capacity(kind)) return false;
    this.#active[kind]++;
    this.#stopIdleTimer();
    return true;
  }

  /**
   * Waits in the queue until a slot is taken for this request. An abort leaves the queue and
   * rejects with `client_closed`; `onLeave` runs then (the caller's book-keeping).
   */
  wait(kind: RequestKind, signal: AbortSignal, onLeave: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        kind,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(new FlambeauError('client_closed', 'The request was cancelled.'));
        onLeave();
      };
      this.#waiting.push(waiter);
      this.#stopIdleTimer();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Frees a slot after a request ran (counting its tokens) and hands it to the next waiter. */
  release(kind: RequestKind, usage: EngineUsage | null): void {
    this.#totals.requests++;
    if (usage) {
      this.#totals.inputTokens += usage.inputTokens;
      this.#totals.outputTokens += usage.outputTokens;
    }
    this.giveBack(kind);
  }

  /** Frees a slot that was taken but not used; hands it to the first waiter of that kind (FIFO per kind). */
  giveBack(kind: RequestKind): void {
    this.#active[kind] = Math.max(0, this.#active[kind] - 1);
    const index = this.#waiting.findIndex((w) => w.kind === kind);
    if (index < 0) return;
    const [waiter] = this.#waiting.splice(index, 1);
    this.#active[kind]++;
    waiter?.grant();
  }

  /** Fails every waiter, e.g. at shutdown. */
  failWaiters(error: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }

  /** Arms the idle timer when nothing runs or waits; `onIdle` fires once after `ms`. */
  armIdleTimer(ms: number, onIdle: () => void): void {
    this.#stopIdleTimer();
    if (this.busy) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (!this.busy) onIdle();
    }, ms);
    // An idle model must not keep the gateway process alive.
    this.#idleTimer.unref();
  }

  stopIdleTimer(): void {
    this.#stopIdleTimer();
  }

  status(): EngineModelStatus {
    return {
      name: this.spec.name,
      path: this.spec.path,
      loaded: this.#loaded,
      active: this.#active.chat + this.#active.embed,
      queued: this.#waiting.length,
      parallel: this.spec.parallel,
      threads: this.spec.threads,
      engineThreads: { ...this.#engineThreads },
      ...this.#totals,
    };
  }

  #capacity(kind: RequestKind): number {
    return kind === 'chat' ? this.spec.parallel : 1;
  }

  #stopIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
