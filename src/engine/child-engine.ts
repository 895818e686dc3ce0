import { FlambeauError } from '../errors/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Engine, EngineChatEvent, EngineChatJob, EngineEmbedResult, EngineModelSpec, EngineOptions, EngineStatus, EngineUsage } from './engine.js';
import { modelKey, type FromWorker, type ResolvedModelSpec, type ToWorker } from './engine-protocol.js';
import { defaultThreads, effectiveThreads } from './engine-threads.js';
import { EventChannel } from './event-channel.js';
import { ModelLane, type RequestKind } from './model-lane.js';
import { fromWireError } from './wire-error.js';
import { WorkerProcess, type WorkerExit } from './worker-process.js';

const DEFAULT_MAX_QUEUE = 64;
/** How long `shutdown()` lets the engine process exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2_000;

/** A request that runs in the engine process: its lane slot is held until the engine says it is over. */
interface Running {
  lane: ModelLane;
  kind: RequestKind;
  /** Hands engine output to the caller (several times for a chat stream). */
  deliver(outcome: Outcome): void;
  /** Called once when the request is over, whatever the reason. */
  cleanup(): void;
  /** The caller is gone (abort or early exit): it already got its error; only the slot remains. */
  abandoned: boolean;
}

/** A `preload` waiting for the engine to say the model is loaded. */
interface Loading {
  lane: ModelLane;
  resolve(): void;
  reject(error: FlambeauError): void;
}

interface Outcome {
  events?: EngineChatEvent[];
  embedded?: EngineEmbedResult;
  error?: FlambeauError;
}

/**
 * Runs llama.cpp in a child process (`engine-worker`) so that a native crash fails the requests
 * in flight with `engine_unavailable` and leaves the gateway up; the next request starts a new
 * child. Measured and decided in docs/decisions/0001-engine-out-of-process.md.
 */
export function createEngine(options: EngineOptions): Engine {
  return new ChildEngine(options);
}

class ChildEngine implements Engine {
  readonly #options: EngineOptions;
  readonly #logger: Logger;
  readonly #lanes = new Map<string, ModelLane>();
  readonly #running = new Map<number, Running>();
  readonly #loading = new Map<number, Loading>();
  #worker: WorkerProcess | null = null;
  #lastFatal: string | null = null;
  #nextId = 1;
  #starts = 0;
  #closed = false;
  readonly #onProcessExit = () => this.#worker?.killNow();

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#logger = options.logger ?? createLogger(options.logLevel ?? 'warn');
  }

  async *chat(model: EngineModelSpec, job: EngineChatJob, signal: AbortSignal): AsyncGenerator<EngineChatEvent> {
    const lane = this.#lane(model);
    await this.#claim(lane, 'chat', signal);
    const channel = new EventChannel<EngineChatEvent>();
    const { id, running } = this.#start(lane, 'chat', signal, channel, (outcome) => {
      if (outcome.error) channel.fail(outcome.error);
      for (const event of outcome.events ?? []) channel.push(event);
      if (outcome.events?.some((e) => e.type === 'end')) channel.close();
    });
    this.#dispatch({ t: 'chat', id, key: lane.key, spec: lane.spec, template: model.chatTemplate, job });
    try {
      for (;;) {
        const next = await channel.next();
        if (next.done) return;
        yield next.value;
        if (next.value.type === 'end') return;
      }
    } finally {
      // Leaving early (break, abort, a throw downstream) stops the generation in the engine.
      this.#abandon(id, running);
    }
  }

  async embed(model: EngineModelSpec, input: string[], signal: AbortSignal): Promise<EngineEmbedResult> {
    const lane = this.#lane(model);
    await this.#claim(lane, 'embed', signal);
    const result = new EventChannel<EngineEmbedResult>();
    const { id, running } = this.#start(lane, 'embed', signal, result, (outcome) => {
      if (outcome.error) result.fail(outcome.error);
      if (outcome.embedded) result.push(outcome.embedded);
    });
    this.#dispatch({ t: 'embed', id, key: lane.key, spec: lane.spec, input });
    try {
      const next = await result.next();
      if (next.done) throw new FlambeauError('internal', 'The engine ended an embedding request without a result.');
      return next.value;
    } finally {
      this.#abandon(id, running);
    }
  }

  async preload(model: EngineModelSpec, signal: AbortSignal): Promise<void> {
    if (this.#closed) throw new FlambeauError('engine_unavailable', 'The llama.cpp engine is shut down.');
    const lane = this.#lane(model);
    lane.pin();
    await this.#load(lane, signal);
  }

  isLoaded(model: EngineModelSpec): boolean {
    return this.#lanes.get(modelKey(this.#resolve(model)))?.loaded ?? false;
  }

  threads(model: EngineModelSpec): number {
    return this.#resolve(model).threads;
  }

  status(): EngineStatus {
    return {
      pid: this.#worker?.pid ?? null,
      starts: this.#starts,
      models: [...this.#lanes.values()].map((lane) => lane.status()),
    };
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new FlambeauError('engine_unavailable', 'The llama.cpp engine is shutting down.');
    for (const lane of this.#lanes.values()) {
      lane.stopIdleTimer();
      lane.failWaiters(error);
    }
    this.#failRunning(error);
    process.off('exit', this.#onProcessExit);
    const worker = this.#worker;
    this.#worker = null;
    await worker?.stop(STOP_GRACE_MS);
  }

  #resolve(model: EngineModelSpec): ResolvedModelSpec {
    return { ...model, parallel: Math.max(1, model.parallel ?? 1), threads: effectiveThreads(model.threads, this.#options.threads) };
  }

  #lane(model: EngineModelSpec): ModelLane {
    const spec = this.#resolve(model);
    const key = modelKey(spec);
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = new ModelLane(key, spec);
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Admission, then a last check: a slot granted to a request aborted meanwhile, or after shutdown, goes back. */
  async #claim(lane: ModelLane, kind: RequestKind, signal: AbortSignal): Promise<void> {
    await this.#admit(lane, kind, signal);
    if (!this.#closed && !signal.aborted) return;
    lane.giveBack(kind);
    throw this.#closed ? new FlambeauError('engine_unavailable', 'The llama.cpp engine is shut down.') : clientClosed();
  }

  /**
   * Takes a slot or a place in the queue synchronously (callers rely on that ordering), then
   * waits for the slot. A full queue, a closed engine or an abort throw.
   */
  #admit(lane: ModelLane, kind: RequestKind, signal: AbortSignal): Promise<void> {
    if (this.#closed) throw new FlambeauError('engine_unavailable', 'The llama.cpp engine is shut down.');
    if (signal.aborted) throw clientClosed();
    if (lane.tryTake(kind)) return Promise.resolve();
    const maxQueue = this.#options.maxQueue ?? DEFAULT_MAX_QUEUE;
    const queued = [...this.#lanes.values()].reduce((sum, l) => sum + l.queued, 0);
    if (queued >= maxQueue) {
      throw new FlambeauError('engine_unavailable', `The llama.cpp engine queue is full (${maxQueue} requests waiting); retry later.`, {
        details: { model: lane.spec.name, maxQueue },
      });
    }
    const waiting = lane.wait(kind, signal, () => this.#updateBusy());
    this.#updateBusy();
    return waiting;
  }

  /** Registers a request that holds a slot; an abort fails it at once and tells the engine to stop. */
  #start(
    lane: ModelLane,
    kind: RequestKind,
    signal: AbortSignal,
    sink: { failNow(error: unknown): void },
    deliver: (outcome: Outcome) => void,
  ): { id: number; running: Running } {
    const id = this.#nextId++;
    const onAbort = () => {
      sink.failNow(clientClosed());
      this.#abandon(id, running);
    };
    const running: Running = {
      lane,
      kind,
      abandoned: false,
      deliver,
      cleanup: () => signal.removeEventListener('abort', onAbort),
    };
    this.#running.set(id, running);
    signal.addEventListener('abort', onAbort, { once: true });
    this.#updateBusy();
    return { id, running };
  }

  /** Asks the engine process (started if needed) to load the lane's model; resolves once it is loaded. */
  #load(lane: ModelLane, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(clientClosed());
    const id = this.#nextId++;
    const done = new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#loading.delete(id);
        this.#updateBusy();
        reject(clientClosed());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#loading.set(id, {
        lane,
        resolve: () => (signal.removeEventListener('abort', onAbort), resolve()),
        reject: (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
      });
    });
    try {
      this.#ensureWorker().send({ t: 'load', id, key: lane.key, spec: lane.spec });
      this.#updateBusy();
    } catch {
      this.#settleLoad(id, new FlambeauError('engine_unavailable', 'The llama.cpp engine process could not be started.'));
    }
    return done;
  }

  #settleLoad(id: number, error: FlambeauError | null): boolean {
    const loading = this.#loading.get(id);
    if (!loading) return false;
    this.#loading.delete(id);
    if (error) loading.reject(error);
    else loading.resolve();
    this.#updateBusy();
    return true;
  }

  /** After the engine process ended: load the pinned models that were loaded again, in a new one. */
  #reloadPinned(wasLoaded: readonly ModelLane[]): void {
    for (const lane of wasLoaded) {
      if (!lane.pinned || this.#closed) continue;
      this.#load(lane, new AbortController().signal).catch((error: unknown) =>
        this.#logger.error('preloaded model could not be loaded again', {
          model: lane.spec.name,
          code: error instanceof FlambeauError ? error.code : 'internal',
        }),
      );
    }
  }

  #abandon(id: number, running: Running): void {
    if (running.abandoned || this.#running.get(id) !== running) return;
    running.abandoned = true;
    this.#send({ t: 'abort', id });
  }

  /** The engine says the request is over: free its slot, count its tokens, deliver the outcome. */
  #finish(id: number, usage: EngineUsage | null, outcome: Outcome): void {
    const running = this.#running.get(id);
    if (!running) return;
    this.#running.delete(id);
    running.cleanup();
    running.lane.release(running.kind, usage);
    if (!running.abandoned) running.deliver(outcome);
    this.#armIdle(running.lane);
    this.#updateBusy();
  }

  #deliver(id: number, outcome: Outcome): void {
    const running = this.#running.get(id);
    if (running && !running.abandoned) running.deliver(outcome);
  }

  /** Sends a request to the engine process, starting one if none runs. */
  #dispatch(message: Extract<ToWorker, { t: 'chat' | 'embed' }>): void {
    try {
      this.#ensureWorker().send(message);
    } catch (thrown) {
      this.#logger.error('engine process could not be started', { reason: thrown instanceof Error ? thrown.message : String(thrown) });
      this.#finish(message.id, null, { error: new FlambeauError('engine_unavailable', 'The llama.cpp engine process could not be started.') });
    }
  }

  /** Control messages only go to a running engine process. */
  #send(message: Extract<ToWorker, { t: 'abort' | 'unload' }>): void {
    this.#worker?.send(message);
  }

  #ensureWorker(): WorkerProcess {
    if (this.#worker?.alive) return this.#worker;
    this.#starts++;
    this.#lastFatal = null;
    const worker = new WorkerProcess(
      {
        gpu: this.#options.gpu,
        logLevel: this.#options.logLevel ?? 'warn',
        maxThreads: this.#options.threads ?? defaultThreads(),
        batchEmbeddings: this.#options.batchEmbeddings ?? true,
      },
      {
        message: (message) => this.#onMessage(worker, message),
        malformed: (reason) => this.#onMalformed(worker, reason),
        exit: (exit) => this.#onExit(worker, exit),
      },
      this.#options.workerEntry,
    );
    this.#worker = worker;
    if (this.#starts === 1) process.on('exit', this.#onProcessExit);
    this.#updateBusy();
    return worker;
  }

  #onMessage(worker: WorkerProcess, message: FromWorker): void {
    if (worker !== this.#worker) return;
    switch (message.t) {
      case 'ready':
        this.#logger.debug('engine started', { pid: message.pid });
        return;
      case 'fatal':
        this.#lastFatal = message.error.message;
        this.#logger.error('engine could not start', { reason: message.error.message });
        return;
      case 'log':
        this.#logger[message.level]('llama.cpp', { message: message.message });
        return;
      case 'loaded':
      case 'unloaded': {
        const lane = this.#lanes.get(message.key);
        if (lane) lane.setLoaded(message.t === 'loaded');
        return;
      }
      case 'threads':
        this.#lanes.get(message.key)?.setEngineThreads({ chat: message.chat, embedding: message.embedding });
        return;
      case 'events': {
        const end = message.events.find((e) => e.type === 'end');
        if (end) this.#finish(message.id, end.usage, { events: message.events });
        else this.#deliver(message.id, { events: message.events });
        return;
      }
      case 'embedded':
        this.#finish(
          message.id,
          { inputTokens: message.inputTokens, cachedInputTokens: 0, outputTokens: 0 },
          { embedded: { vectors: message.vectors, inputTokens: message.inputTokens } },
        );
        return;
      case 'load-done':
        this.#settleLoad(message.id, null);
        return;
      case 'failed':
        if (this.#settleLoad(message.id, fromWireError(message.error))) return;
        this.#finish(message.id, message.usage, { error: fromWireError(message.error) });
        return;
    }
  }

  /**
   * The engine process sent what the wire schema refuses: it is being killed; its requests fail
   * now with `engine_unavailable` and the next request (or a pinned model's reload) starts a new one.
   */
  #onMalformed(worker: WorkerProcess, reason: string): void {
    if (worker !== this.#worker) return;
    this.#logger.error('engine process sent a malformed message; restarting it', { reason });
    this.#detach(
      new FlambeauError('engine_unavailable', 'The llama.cpp engine sent a malformed message and was restarted; retry.', {
        details: { reason: 'malformed_message' },
      }),
    );
  }

  /** Forgets the current engine process: its requests and loads fail with `error`, pinned models load in a new one. */
  #detach(error: FlambeauError): void {
    this.#worker = null;
    const wasLoaded = [...this.#lanes.values()].filter((lane) => lane.loaded);
    for (const lane of this.#lanes.values()) lane.setLoaded(false);
    this.#failRunning(error);
    this.#reloadPinned(wasLoaded);
  }

  /** The engine process is gone: its requests fail, its models are unloaded, waiters go to the next one. */
  #onExit(worker: WorkerProcess, exit: WorkerExit): void {
    if (worker !== this.#worker) return;
    if (this.#closed) {
      this.#worker = null;
      for (const lane of this.#lanes.values()) lane.setLoaded(false);
      return;
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const why = this.#lastFatal ? `could not start: ${this.#lastFatal}` : `${how} while running this request`;
    if (this.#running.size > 0 || !this.#lastFatal) this.#logger.warn('engine process ended', { code: exit.code, signal: exit.signal });
    this.#detach(
      new FlambeauError('engine_unavailable', `The llama.cpp engine ${why}; retry (a new engine starts on the next request).`, {
        details: { exitCode: exit.code, signal: exit.signal },
      }),
    );
  }

  #failRunning(error: FlambeauError): void {
    for (const id of [...this.#running.keys()]) this.#finish(id, null, { error });
    for (const id of [...this.#loading.keys()]) this.#settleLoad(id, error);
  }

  #armIdle(lane: ModelLane): void {
    if (this.#closed || lane.pinned) return;
    lane.armIdleTimer(this.#options.idleTimeoutMs, () => this.#send({ t: 'unload', key: lane.key }));
  }

  /** Keep the gateway's event loop alive only while requests run or wait. */
  #updateBusy(): void {
    const waiting = [...this.#lanes.values()].some((lane) => lane.queued > 0);
    this.#worker?.setBusy(this.#running.size > 0 || this.#loading.size > 0 || waiting);
  }
}

function clientClosed(): FlambeauError {
  return new FlambeauError('client_closed', 'The request was cancelled.');
}
