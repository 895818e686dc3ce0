import { FlambeauError } from '../../errors/index.js';

/** Leading bytes of the image formats vision models take; Ollama sends bare base64 without a type. */
const SIGNATURES: readonly [string, readonly number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

/** An Ollama image (base64, no media type) as the data URL our ChatRequest carries; 400 when it is not one. */
export function imageDataUrl(base64: string, param: string): string {
  const head = Buffer.from(base64.slice(0, 16), 'base64');
  const type = SIGNATURES.find(([, bytes]) => bytes.every((b, i) => head[i] === b))?.[0];
  if (type === undefined) throw new FlambeauError('invalid_request', `Invalid value for '${param}': not a base64 PNG, JPEG, GIF or WebP image.`, { param });
  return `data:${type};base64,${base64}`;
}
