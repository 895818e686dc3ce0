import type { ChatEvent, ChatResult } from '../providers/spec.js';
import { PlaceholderRestorer, restoreText } from './restore-text.js';
import type { PlaceholderVault } from './vault.js';

/**
 * Puts the real values back into a streamed answer. Text deltas and each tool call's argument
 * deltas go through their own restorer (arguments in JSON mode: values are JSON-escaped). A
 * delta is held back only while its tail could start a placeholder; what is held is flushed
 * before `stream-end` (or when the source ends). Deltas that restore to nothing are dropped.
 * With an empty vault the events pass through untouched.
 */
export async function* restoreChatStream(events: AsyncIterable<ChatEvent>, vault: PlaceholderVault): AsyncGenerator<ChatEvent> {
  if (vault.size === 0) {
    yield* events;
    return;
  }
  const text = new PlaceholderRestorer(vault, vault.contentIsJson ? 'json' : 'text');
  const tools = new Map<number, PlaceholderRestorer>();
  let flushed = false;
  function* flush(): Generator<ChatEvent> {
    flushed = true;
    const rest = text.finish();
    if (rest.length > 0) yield { type: 'text-delta', text: rest };
    for (const [index, restorer] of tools) {
      const args = restorer.finish();
      if (args.length > 0) yield { type: 'tool-call-delta', index, argsDelta: args };
    }
  }
  for await (const event of events) {
    switch (event.type) {
      case 'text-delta': {
        const out = text.push(event.text);
        if (out.length > 0) yield { ...event, text: out };
        break;
      }
      case 'tool-call-delta': {
        let restorer = tools.get(event.index);
        if (restorer === undefined) tools.set(event.index, (restorer = new PlaceholderRestorer(vault, 'json')));
        const argsDelta = restorer.push(event.argsDelta);
        // The first delta of a call carries its id and name: keep it even when its args are held.
        if (argsDelta.length > 0 || event.id !== undefined || event.name !== undefined) yield { ...event, argsDelta };
        break;
      }
      case 'stream-end':
        yield* flush();
        yield event;
        break;
      default:
        yield event;
    }
  }
  if (!flushed) yield* flush();
}

/** Restores a whole (non-streamed) answer: text and every tool call's arguments. */
export function restoreChatResult(result: ChatResult, vault: PlaceholderVault): ChatResult {
  if (vault.size === 0) return result;
  return {
    ...result,
    text: result.text === null ? null : restoreText(result.text, vault, vault.contentIsJson ? 'json' : 'text'),
    toolCalls: result.toolCalls.map((call) => ({ ...call, arguments: restoreText(call.arguments, vault, 'json') })),
  };
}
