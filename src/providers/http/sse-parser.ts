/** One Server-Sent Event: `event` is undefined when the stream named none. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Parses an SSE byte stream (WHATWG rules: LF, CR or CRLF line ends, multi-line `data`, comments)
 * whatever the chunk boundaries. Yields one event per blank-line-terminated block that had data.
 */
export async function* parseSse(source: AsyncIterable<Buffer | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  let event: string | undefined;
  let data: string[] = [];
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const lf = pending.indexOf('\n', start);
      const cr = pending.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for more bytes.
        if (cr === pending.length - 1) break;
        end = cr;
        next = pending[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      const line = pending.slice(start, end);
      start = next;
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = undefined;
        data = [];
        continue;
      }
      if (line.charCodeAt(0) === 58 /* ':' */) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '' && pending !== '\r') {
    // The stream ended without a final blank line: a last `data:` line still counts.
    const line = pending.replace(/\r$/, '');
    if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length > 0) yield { event, data: data.join('\n') };
}
