import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { FlambeauError } from '../../errors/index.js';
import { parseRoutingRows, type RoutingRow } from './routing-rows-wire.js';

/** Reads labelled routing rows from a JSON Lines file, gzipped or not (sniffed, not by name). */
export async function loadRoutingRows(path: string): Promise<RoutingRow[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new FlambeauError('invalid_request', `Cannot read routing data file ${path}.`, { details: { path }, cause });
  }
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return parseRoutingRows((gzipped ? gunzipSync(bytes) : bytes).toString('utf8'));
}
