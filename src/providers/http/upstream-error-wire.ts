import { z } from 'zod';

/**
 * The error bodies of OpenAI (`{ error: { message } }`), Anthropic (`{ type, error: { type,
 * message } }`) and servers that send `{ error: "..." }` or `{ message }`. Not strict: only the
 * message is read.
 */
const WireErrorBody = z.object({
  error: z.union([z.string(), z.object({ message: z.string().nullish() })]).nullish(),
  message: z.string().nullish(),
});

/** The message of an upstream error body, trimmed; the raw text when it has none. Never the whole body. */
export function upstreamErrorMessage(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return trim(text) || '(empty body)';
  }
  const body = WireErrorBody.safeParse(value);
  if (body.success) {
    const { error, message } = body.data;
    const found = typeof error === 'string' ? error : (error?.message ?? message);
    if (typeof found === 'string') return trim(found);
  }
  return trim(text) || '(empty body)';
}

function trim(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
