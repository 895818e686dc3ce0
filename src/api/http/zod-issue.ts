import type { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';

/** `messages[0].content` from a zod path. */
export function paramPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out;
}

/** The first zod issue as a 400 `invalid_request` that names the field. */
export function invalidRequestFrom(error: z.ZodError): FlambeauError {
  const issue = error.issues[0];
  if (issue === undefined) return new FlambeauError('invalid_request', 'Invalid request.');
  const param = paramPath(issue.path);
  const message = param === '' ? `Invalid request: ${issue.message}.` : `Invalid value for '${param}': ${issue.message}.`;
  return new FlambeauError('invalid_request', message, { param: param === '' ? null : param });
}
