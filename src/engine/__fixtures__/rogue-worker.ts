/**
 * A stand-in engine process for the wire-check tests: speaks the protocol, but answers a chat
 * whose last message is "rogue" with a malformed message (a number where text belongs).
 */
import type { FromWorker, ToWorker } from '../engine-protocol.js';

const send = (message: FromWorker | Record<string, unknown>) => process.send?.(message);
process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const message = raw as ToWorker;
  if (message.t === 'init') send({ t: 'ready', pid: process.pid });
  if (message.t !== 'chat') return;
  const last = message.job.history.at(-1);
  if (last?.type === 'user' && last.text === 'rogue') {
    send({ t: 'events', id: message.id, events: [{ type: 'text', text: 918273645 }] });
    return;
  }
  send({
    t: 'events',
    id: message.id,
    events: [
      { type: 'start', promptTokens: 3, cachedPromptTokens: 0, contextSize: 64 },
      { type: 'text', text: 'fine' },
      { type: 'end', stopReason: 'eogToken', usage: { inputTokens: 3, cachedInputTokens: 0, outputTokens: 2 } },
    ],
  });
});
