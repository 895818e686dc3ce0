// The stand-in cloud: a real HTTP server on 127.0.0.1 speaking the OpenAI (chat completions,
// embeddings, models) and Anthropic (messages) wire protocols, streaming and failures included.
// It is the only stand-in for cloud providers the project allows: tests and the latency benchmark
// point real clients at it, script how it behaves, and read back what it received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INITIAL_DEFAULT, perform } from './stand-in-cloud/behaviour.js';
import { deliver, type Exchange } from './stand-in-cloud/deliver.js';
import { matchRoute } from './stand-in-cloud/routes.js';
import type { Behaviour, RecordedRequest, StandInCloud, StartStandInCloudOptions } from './stand-in-cloud/types.js';

export type { Behaviour, RecordedRequest, ScriptedToolCall, StandInCloud, StartStandInCloudOptions } from './stand-in-cloud/types.js';
export { DEFAULT_TEXT } from './stand-in-cloud/behaviour.js';
export { embeddingVector } from './stand-in-cloud/embedding-vector.js';
export { countTokens } from './stand-in-cloud/wire-text.js';

interface Waiter {
  predicate: (requests: readonly RecordedRequest[]) => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Whatever arrived: an upload cut short still yields its first bytes. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (): void => resolve(Buffer.concat(chunks));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', done);
    req.on('close', done);
    req.on('error', done);
  });
}

function parseBody(raw: Buffer): { body: unknown; json: boolean } {
  if (raw.length === 0) return { body: undefined, json: true };
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown, json: true };
  } catch {
    return { body: text, json: false };
  }
}

/** Starts the stand-in cloud on an OS-assigned port of 127.0.0.1. */
export async function startStandInCloud(options: StartStandInCloudOptions = {}): Promise<StandInCloud> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const waiters = new Set<Waiter>();
  let fallback: Behaviour = INITIAL_DEFAULT;
  let closing = false;

  const notify = (): void => {
    for (const waiter of waiters) {
      let held: boolean;
      try {
        held = waiter.predicate(requests);
      } catch (error) {
        // A throwing predicate fails its own waitFor, never the server's event handlers.
        waiters.delete(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (!held) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };

  const openExchange = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Exchange => {
    const controller = new AbortController();
    let brokenByUs = false;
    res.on('error', () => {}); // a write after the client left is expected here, not a failure
    res.on('finish', () => {
      record.completed = true;
      notify();
    });
    res.on('close', () => {
      // 'close' before the response finished: the client went away, unless we dropped the socket.
      if (!res.writableFinished && !brokenByUs && !closing) record.aborted = true;
      controller.abort();
      notify();
    });
    return {
      res,
      signal: controller.signal,
      breakConnection(how) {
        brokenByUs = true;
        if (how === 'reset') req.socket.resetAndDestroy();
        else req.socket.destroy();
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const { wire, route } = matchRoute(method, path, req.headers);
    const record: RecordedRequest = {
      protocol: wire.protocol,
      path,
      method,
      headers: { ...req.headers },
      body: undefined,
      aborted: false,
      completed: false,
      receivedAt: Date.now(),
    };
    requests.push(record);
    const ex = openExchange(req, res, record);
    // Rejections that need only the headers do not consume a scripted behaviour.
    const rejection = wire.checkHeaders(req.headers, options.apiKey) ?? (route ? undefined : wire.notFound(method, path));
    const behaviour = rejection || !route ? undefined : (queue.shift() ?? fallback);
    const { body, json } = parseBody(await readBody(req));
    record.body = body;
    notify();
    if (ex.signal.aborted) return;
    if (rejection || !route || !behaviour) return deliver(ex, rejection ?? wire.notFound(method, path));
    const invalid = json ? route.validate(body) : wire.unparsable();
    if (invalid) return deliver(ex, invalid);
    await perform(ex, behaviour, fallback, route, body);
  };

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      for (const waiter of waiters) waiter.reject(new Error('stand-in cloud closed before the awaited condition held'));
      waiters.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    script: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      fallback = INITIAL_DEFAULT;
    },
    waitFor: (predicate) =>
      new Promise<void>((resolve, reject) => {
        // A throw from the first check rejects this promise (executor semantics).
        if (predicate(requests)) return resolve();
        if (closing) return reject(new Error('stand-in cloud is closed'));
        waiters.add({ predicate, resolve, reject });
      }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
