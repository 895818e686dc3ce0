import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Secret } from '../../config/secret.js';
import { FlambeauError } from '../../errors/index.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Checks `Authorization: Bearer KEY` against the master key in constant time. Throws `unauthenticated`. */
export function createMasterKeyCheck(masterKey: Secret): (req: IncomingMessage) => void {
  const expected = digest(masterKey.reveal());
  return (req) => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      throw new FlambeauError('unauthenticated', 'Missing API key: send it as "Authorization: Bearer KEY".');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || !timingSafeEqual(digest(match[1] as string), expected)) {
      throw new FlambeauError('unauthenticated', 'Incorrect API key provided.');
    }
  };
}
