import { createInflateRaw } from 'node:zlib';
import { FlambeauError } from '../../errors/index.js';
import { formatBytes, type IngestLimits } from '../ingest-limits.js';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** Below this many inflated bytes the ratio is not checked: a small file that inflates well is harmless. */
const RATIO_GRACE_BYTES = 1024 * 1024;

/**
 * Refuses a zip container (DOCX) that would inflate past the limits, before any parser sees it:
 * too many entries, a declared size over `maxInflatedBytes`, or, inflating each entry for real
 * and counting (headers can lie), more than `maxInflatedBytes` or `maxInflateRatio` times the
 * file's size. Over a limit: `payload_too_large` (ingest lists the file as excluded). Found by
 * the same route the parser takes (end record, central directory, local headers).
 */
export async function checkZipBounds(bytes: Buffer, limits: Pick<IngestLimits, 'maxInflatedBytes' | 'maxInflateRatio' | 'maxZipEntries'>): Promise<void> {
  const entries = centralDirectory(bytes, limits.maxZipEntries);
  const declared = entries.reduce((sum, e) => sum + e.declaredSize, 0);
  if (declared > limits.maxInflatedBytes)
    throw tooLarge(`declares ${formatBytes(declared)} once inflated, over knowledge.max_inflated_bytes (${formatBytes(limits.maxInflatedBytes)})`);
  let inflated = 0;
  for (const entry of entries) {
    inflated += await inflatedSize(bytes, entry, limits.maxInflatedBytes - inflated);
    if (inflated > limits.maxInflatedBytes)
      throw tooLarge(`inflates to more than knowledge.max_inflated_bytes (${formatBytes(limits.maxInflatedBytes)}), whatever its headers say`);
    if (inflated > RATIO_GRACE_BYTES && inflated > bytes.length * limits.maxInflateRatio) {
      throw tooLarge(`inflates more than ${limits.maxInflateRatio} times its size (knowledge.max_inflate_ratio): a zip bomb, or not a document`);
    }
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

/**
 * The entries as the parser (jszip) finds them: every directory header in a row from the
 * directory's offset, whatever count the end record gives (it reads them all, so a lying count
 * would hide entries from a check that trusted it). What the parser would read otherwise than
 * plainly (ZIP64 fields, bytes prepended before the directory) is refused.
 */
function centralDirectory(bytes: Buffer, maxEntries: number): ZipEntry[] {
  const end = findEndRecord(bytes);
  const size = bytes.readUInt32LE(end + 12);
  const offset = bytes.readUInt32LE(end + 16);
  const sixteen = [4, 6, 8, 10].map((field) => bytes.readUInt16LE(end + field));
  if (sixteen.includes(0xffff) || size === 0xffffffff || offset === 0xffffffff) throw tooLarge('is a ZIP64 archive (over 4 GB or 65,535 entries): not read');
  if (offset + size !== end) throw notAZip('its central directory does not end where the end record begins');
  const entries: ZipEntry[] = [];
  for (let at = offset; at + 4 <= bytes.length && bytes.readUInt32LE(at) === DIRECTORY_ENTRY;) {
    if (entries.length >= maxEntries) throw tooLarge(`holds more than ${maxEntries} entries`);
    if (at + 46 > bytes.length) throw notAZip('a central directory entry is cut');
    const nameLength = bytes.readUInt16LE(at + 28);
    entries.push({
      name: bytes.toString('utf8', at + 46, Math.min(bytes.length, at + 46 + nameLength)),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return entries;
}

/** The end record is the last 22 bytes, or earlier when a comment (at most 64 KB) follows it. */
function findEndRecord(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at -= 1) {
    if (bytes.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw notAZip('no end of central directory record');
}

/** An entry's stored bytes, found through its local header. */
function entryData(bytes: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) throw notAZip('a local header is cut or missing');
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  if (start + entry.compressedSize > bytes.length) throw notAZip('an entry runs past the end of the file');
  return bytes.subarray(start, start + entry.compressedSize);
}

/** Bytes an entry really inflates to, counted without keeping them; stops once over `budget`. */
async function inflatedSize(bytes: Buffer, entry: ZipEntry, budget: number): Promise<number> {
  const data = entryData(bytes, entry);
  // Stored (0) entries are as large as they are; other methods than deflate (8) the parser refuses.
  if (entry.method !== 8) return data.length;
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw();
    let total = 0;
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) {
        inflater.destroy();
        resolve(total);
      }
    });
    inflater.on('end', () => resolve(total));
    inflater.on('error', (error) => reject(notAZip(`an entry does not inflate (${error.message})`)));
    inflater.end(data);
  });
}

function tooLarge(why: string): FlambeauError {
  return new FlambeauError('payload_too_large', `the archive ${why}`);
}

function notAZip(why: string): FlambeauError {
  return new FlambeauError('unsupported_media_type', `not a valid zip archive: ${why}`);
}
