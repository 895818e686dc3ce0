import { FlambeauError } from '../../errors/index.js';

/**
 * `decodeURIComponent` for one path segment (`/v1/models/{name}`, `/admin/keys/{id}`): a
 * malformed `%` escape (`%ZZ`, a cut UTF-8 sequence) is the caller's mistake, 400, not a
 * `URIError` that would surface as 500.
 */
export function decodePathSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new FlambeauError('invalid_request', `Malformed percent escape in the ${what} ${JSON.stringify(segment.slice(0, 100))}.`);
  }
}
