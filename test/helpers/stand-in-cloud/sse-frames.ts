// A deliberately small, strict SSE reader for the stand-in cloud's own tests: it checks the byte
// shape (`event: X\n` optional, `data: …\n`, blank line) instead of tolerating variants.

export interface SseFrame {
  event: string | undefined;
  data: string;
}

/** Parses complete frames; throws on any line that is not `event:` or `data:` or on a trailing partial frame. */
export function parseSseFrames(text: string): SseFrame[] {
  if (text === '') return [];
  if (!text.endsWith('\n\n')) throw new Error(`SSE text does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
        else throw new Error(`unexpected SSE line: ${JSON.stringify(line)}`);
      }
      return { event, data: data.join('\n') };
    });
}
