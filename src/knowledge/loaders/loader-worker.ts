/**
 * Worker thread of LoaderThread: runs one isolated loader (DOCX, PDF) per message, under the
 * heap limit the main thread set, and answers the documents or the error's code and message.
 */
import { parentPort } from 'node:worker_threads';
import { FlambeauError } from '../../errors/index.js';
import type { LoadReply, LoadRequest } from './loader-thread.js';
import { DEFAULT_LOADERS } from './loaders.js';

const port = parentPort;
if (port === null) throw new FlambeauError('internal', 'loader-worker runs as a worker thread only.');

port.on('message', async (request: LoadRequest) => {
  let reply: LoadReply;
  try {
    const loader = DEFAULT_LOADERS.find((l) => l.isolated === true && l.extensions.includes(request.extension));
    if (loader === undefined) throw new FlambeauError('internal', `no isolated loader for ${request.extension}`);
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    reply = { id: request.id, documents: await loader.load(bytes, request.path, request.limits) };
  } catch (error) {
    reply = {
      id: request.id,
      error: { code: error instanceof FlambeauError ? error.code : null, message: error instanceof Error ? error.message : String(error) },
    };
  }
  port.postMessage(reply);
});
