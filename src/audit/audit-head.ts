import { createHmac } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { z } from 'zod';

/**
 * The chain's head, kept outside the database (HOME/audit.head) and MACed with the audit key:
 * `from` is the first keyed record (older ones predate the key), `seq`/`hash` the last record
 * appended. A tail cut, or a tail rewritten with recomputed hashes, no longer reaches it.
 */
export interface AuditHead {
  from: number;
  seq: number;
  hash: string;
  mac: string;
}

const headSchema = z.strictObject({
  from: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Fixed size, so that each update is one positional write of the whole file (no truncation window). */
const HEAD_BYTES = 256;

export function recordMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`record\0${seq}\0${hash}`).digest('hex');
}

export function headMac(key: Buffer, from: number, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`head\0${from}\0${seq}\0${hash}`).digest('hex');
}

/** Reads a head file; null when absent. A file that does not parse is reported as such (it was tampered with or is not ours). */
export function readHead(path: string): AuditHead | 'unreadable' | null {
  if (!existsSync(path)) return null;
  return parseHead(readFileSync(path, 'utf8'));
}

function parseHead(raw: string): AuditHead | 'unreadable' | null {
  const text = raw.trim();
  // Created but never written (the process died in between): no head yet.
  if (text === '') return null;
  const parsed = headSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : 'unreadable';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The head file, open for the process's life. `write` is one `pwrite` of 256 bytes at offset 0:
 * it reaches the page cache whole or not at all, so a kill -9 leaves the previous head or the new
 * one, never a torn file (an OS crash may lose the last writes, as with synchronous=NORMAL).
 */
export class HeadFile {
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(HEAD_BYTES);
  // The bytes last read or written and what they parse to: the file is read at every append
  // transaction, and mostly holds what this process wrote, so the parse is skipped then.
  #raw = '';
  #parsed: AuditHead | 'unreadable' | null = null;
  constructor(readonly path: string) {
    this.#fd = openSync(path, existsSync(path) ? 'r+' : 'w+', 0o600);
  }
  read(): AuditHead | 'unreadable' | null {
    const length = readSync(this.#fd, this.#buffer, 0, HEAD_BYTES, 0);
    const raw = this.#buffer.toString('utf8', 0, length);
    if (raw !== this.#raw) {
      this.#parsed = parseHead(raw);
      this.#raw = raw;
    }
    return this.#parsed;
  }
  write(head: AuditHead): void {
    const line = JSON.stringify(head);
    const buffer = Buffer.alloc(HEAD_BYTES, ' ');
    buffer.write(line, 0, 'utf8');
    buffer[HEAD_BYTES - 1] = 0x0a;
    writeSync(this.#fd, buffer, 0, HEAD_BYTES, 0);
    this.#raw = buffer.toString('utf8');
    this.#parsed = { ...head };
  }
  close(): void {
    closeSync(this.#fd);
  }
}
