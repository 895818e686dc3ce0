/**
 * Entry of the engine process (forked by worker-process.ts). It alone loads node-llama-cpp and
 * the native llama.cpp binary, so a native crash ends this process, not the gateway. It runs
 * what the gateway sends; the gateway owns queueing, idle timers and restarts.
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { FlambeauError } from '../errors/index.js';
import { loadEmbedPath, type EmbedPath } from './batch-embedder.js';
import type { LogLevel } from '../log/logger.js';
import type { FromWorker, ToWorker, WorkerSettings } from './engine-protocol.js';
import { EventOutbox } from './event-outbox.js';
import { LlamaChatJob } from './llama-chat-job.js';
import { runEmbedJob } from './llama-embed-job.js';
import { LlamaRuntime } from './llama-runtime.js';
import { scrubbed, toWireError } from './wire-error.js';

const controllers = new Map<number, AbortController>();
let runtime: LlamaRuntime | null = null;

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

// The gateway is gone (exit, crash, SIGKILL): never outlive it (measured: gone within 50 ms,
// even mid-generation).
process.on('disconnect', () => process.exit(0));

process.on('message', (raw) => {
  const message = raw as ToWorker;
  switch (message.t) {
    case 'init':
      runtime = start(message.settings);
      return;
    case 'chat':
      void runChat(message);
      return;
    case 'embed':
      void runEmbed(message);
      return;
    case 'load':
      void runLoad(message);
      return;
    case 'abort':
      controllers.get(message.id)?.abort();
      return;
    case 'unload':
      void runtime?.unload(message.key).catch((thrown) => send({ t: 'log', level: 'warn', message: `unload failed: ${scrubbed(thrown)}` }));
      return;
  }
});

function start(settings: WorkerSettings): LlamaRuntime {
  const llama: Promise<Llama> = getLlama({
    build: 'never',
    gpu: settings.gpu,
    // The default (max(4, math cores) without a GPU) oversubscribes small machines; see engine-threads.ts.
    maxThreads: settings.maxThreads,
    logLevel: toLlamaLevel(settings.logLevel),
    logger: (level, message) => send({ t: 'log', level: fromLlamaLevel(level), message: message.trimEnd() }),
  });
  // After getLlama(): the addon binds the libllama node-llama-cpp loaded, with its ggml backends.
  const embedPath: Promise<EmbedPath> = llama.then(() => {
    const path: EmbedPath = settings.batchEmbeddings === false ? { kind: 'per-text', reason: 'batchEmbeddings is off' } : loadEmbedPath();
    send({
      t: 'log',
      level: path.kind === 'batched' ? 'info' : 'warn',
      message:
        path.kind === 'batched'
          ? `embeddings: batched, many texts per llama_decode (native addon; ${path.detail})`
          : `embeddings: one text per llama_decode (${path.reason})`,
    });
    return path;
  });
  llama.then(
    () => send({ t: 'ready', pid: process.pid }),
    (thrown) => {
      send({ t: 'fatal', error: { code: 'engine_unavailable', message: scrubbed(thrown) } });
      // Let the message leave before exiting: the gateway reports it to the waiting requests.
      setTimeout(() => process.exit(1), 50);
    },
  );
  return new LlamaRuntime(
    llama,
    {
      loadChanged: (key, loaded) => send({ t: loaded ? 'loaded' : 'unloaded', key }),
      threads: (key, threads) => send({ t: 'threads', key, ...threads }),
      warn: (message) => send({ t: 'log', level: 'warn', message }),
    },
    embedPath,
  );
}

async function runChat(message: Extract<ToWorker, { t: 'chat' }>): Promise<void> {
  const controller = track(message.id);
  const outbox = new EventOutbox((events) => send({ t: 'events', id: message.id, events }));
  let job: LlamaChatJob | null = null;
  try {
    const loaded = await requireRuntime().model(message.key, message.spec);
    const grammar = message.job.grammar ? await requireRuntime().grammar(message.job.grammar) : undefined;
    if (controller.signal.aborted) throw new FlambeauError('client_closed', 'The request was cancelled.');
    job = new LlamaChatJob(loaded, message.job, message.template, (event) => outbox.push(event));
    await job.run(grammar, controller.signal);
    outbox.flush();
  } catch (thrown) {
    outbox.flush();
    send({ t: 'failed', id: message.id, error: toWireError(thrown), usage: job?.usage() ?? null });
  } finally {
    controllers.delete(message.id);
  }
}

async function runEmbed(message: Extract<ToWorker, { t: 'embed' }>): Promise<void> {
  const controller = track(message.id);
  try {
    const loaded = await requireRuntime().model(message.key, message.spec);
    const result = await runEmbedJob(loaded, message.spec.name, message.input, controller.signal);
    send({ t: 'embedded', id: message.id, ...result });
  } catch (thrown) {
    send({ t: 'failed', id: message.id, error: toWireError(thrown), usage: null });
  } finally {
    controllers.delete(message.id);
  }
}

async function runLoad(message: Extract<ToWorker, { t: 'load' }>): Promise<void> {
  try {
    await requireRuntime().model(message.key, message.spec);
    send({ t: 'load-done', id: message.id });
  } catch (thrown) {
    send({ t: 'failed', id: message.id, error: toWireError(thrown), usage: null });
  }
}

function track(id: number): AbortController {
  const controller = new AbortController();
  controllers.set(id, controller);
  return controller;
}

function requireRuntime(): LlamaRuntime {
  if (!runtime) throw new FlambeauError('engine_unavailable', 'The llama.cpp engine was not initialised.');
  return runtime;
}

function toLlamaLevel(level: LogLevel): LlamaLogLevel {
  return { error: LlamaLogLevel.error, warn: LlamaLogLevel.warn, info: LlamaLogLevel.info, debug: LlamaLogLevel.debug }[level];
}

function fromLlamaLevel(level: LlamaLogLevel): LogLevel {
  if (level === LlamaLogLevel.debug) return 'debug';
  if (level === LlamaLogLevel.info || level === LlamaLogLevel.log) return 'info';
  if (level === LlamaLogLevel.warn) return 'warn';
  return 'error';
}
