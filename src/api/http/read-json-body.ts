import type { IncomingMessage } from 'node:http';
import { FlambeauError } from '../../errors/index.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/**
 * Reads a JSON request body up to `limit` bytes. Oversized bodies are refused from their
 * Content-Length when declared (no read at all) or as soon as the limit is crossed. Every JSON
 * endpoint reads through here, so the nesting bound (`MAX_JSON_DEPTH`) holds for all of them: a
 * body nested deeper is the caller's mistake (400), refused before any routing or upstream call.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const type = req.headers['content-type'];
  if (type !== undefined && type !== 'application/json' && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    req.resume();
    throw new FlambeauError('unsupported_media_type', `Content-Type must be application/json, got ${type.slice(0, 100)}.`);
  }
  // A body of the declared length already in the stream's buffer (a small request comes in the
  // headers' packet) is taken at once: waiting for the end of the message costs a turn of the event loop.
  const whole = declared !== undefined && req.readableLength === Number(declared) && !req.readableDidRead && req.readableFlowing !== true && !req.destroyed;
  const bytes = whole ? takeBuffered(req) : await readStreamed(req, limit);
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new FlambeauError('invalid_request', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects; flatten it.`, {
      details: { maxDepth: MAX_JSON_DEPTH },
    });
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // An empty (or blank) body is told apart only once it failed to parse: no trim per request.
    if (text.trim() === '') throw new FlambeauError('invalid_request', 'The request body is empty; a JSON object is required.');
    throw new FlambeauError('invalid_request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The whole body, from the buffer: one `read()` returns all of it in paused mode. The stream is
 * then resumed so that it ends (and closes) by itself when the parser reaches the end of the message.
 */
function takeBuffered(req: IncomingMessage): Buffer {
  const bytes = req.read() as Buffer | null;
  req.resume();
  return bytes ?? Buffer.alloc(0);
}

async function readStreamed(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        throw tooLarge(limit);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw error instanceof FlambeauError ? error : bodyLost(req, error);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/**
 * The body stopped arriving: the client went away, or the server's request timeout
 * (`server.request_timeout_ms`) cut a client that sent it too slowly. Neither is a server fault.
 */
function bodyLost(req: IncomingMessage, error: unknown): FlambeauError {
  const reason = ((req.socket as IncomingMessage['socket'] | null)?.errored as NodeJS.ErrnoException | null | undefined)?.code;
  if (reason === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new FlambeauError('request_timeout', 'The request body did not arrive within server.request_timeout_ms.', { cause: error });
  }
  return new FlambeauError('client_closed', 'The client went away while sending the request body.', { cause: error });
}

function tooLarge(limit: number): FlambeauError {
  return new FlambeauError('payload_too_large', `The request body is larger than the limit of ${limit} bytes (server.body_limit_bytes).`, {
    details: { limitBytes: limit },
  });
}
