import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { FlambeauError } from '../errors/index.js';
import { hostIdentity, pidAlive } from '../store/sharing-processes.js';

/**
 * A process's record journal (docs/decisions/0019): one file per process in HOME/journal, named
 * `<id>~<host>~<pid>.journal`, where `id` names the journal for good and `host`/`pid` name the
 * process that owns it now (a take-over renames the file). Each record is one line,
 * `<crc32 of the JSON, 8 hex digits> <JSON>\n`, written by one `write` call: a torn tail (a kill
 * mid-write, an OS crash) fails its checksum or lacks its newline, and replay ignores it.
 */

/** Who owns a journal: the host name (sanitised for a file name) and the process id. */
export interface JournalOwner {
  host: string;
  pid: number;
}

// The journals this process has open, or is replaying: whichever part of the process asks (two
// recorders on one home in one process, as tests and benches build them), none is an orphan. A
// process-wide fact, hence module state.
const openHere = new Set<string>();

export function thisProcess(): JournalOwner {
  // The pid namespace is part of the host: two containers with one host name share no pids.
  return { host: fileSafe(hostIdentity()), pid: process.pid };
}

export interface JournalWriter {
  readonly id: string;
  readonly path: string;
  /** Bytes in the file: the end offset of the last record. */
  readonly size: number;
  /** True once an append left bytes it could not take back: nothing more goes into this file. */
  readonly broken: boolean;
  /**
   * Appends one record (one write syscall) and returns its end offset. It survives a kill -9 of
   * the process once this returns (the page cache holds it); an OS crash may lose it, as a
   * SQLite WAL commit under synchronous=NORMAL. Throws `store_unavailable` when the write fails.
   */
  append(json: string): number;
  /**
   * Appends several records with one write call, in order, and returns each one's end offset: all
   * of them or none (a failed or short write is cut back, and throws `store_unavailable`).
   */
  appendMany(jsons: readonly string[]): number[];
  /** Marks the file alive (its mtime) for other processes looking for orphans. */
  touch(): void;
  /** Closes the file; `remove` deletes it too (everything in it is applied). */
  close(remove: boolean): void;
}

/** Creates this process's next journal file in `dir`. */
export function openJournal(dir: string, owner: JournalOwner): JournalWriter {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const path = join(dir, fileName(id, owner));
  let fd: number;
  try {
    // Usage and audit facts: readable by the gateway's user only, as the database is.
    fd = openSync(path, 'ax', 0o600);
  } catch (error) {
    throw unavailable(`cannot create the record journal ${path}`, error);
  }
  openHere.add(id);
  let size = 0;
  let broken = false;
  let open = true;
  return {
    id,
    path,
    get size() {
      return size;
    },
    get broken() {
      return broken;
    },
    append: (json) => appendMany([json])[0] as number,
    appendMany,
    touch() {
      if (!open) return;
      const now = new Date();
      try {
        futimesSync(fd, now, now);
      } catch {
        // Best effort: a stale mtime only lets another process take the file over sooner (replay is idempotent).
      }
    },
    close(remove) {
      if (!open) return;
      open = false;
      openHere.delete(id);
      closeSync(fd);
      if (remove) unlinkSync(path);
    },
  };

  /** Every line in one buffer and one write call: a batch is appended whole or cut back whole. */
  function appendMany(jsons: readonly string[]): number[] {
    if (broken || !open) throw unavailable(`the record journal ${path} takes no more records`);
    const ends: number[] = [];
    let text = '';
    let end = size;
    for (const json of jsons) {
      const line = `${crcOf(json)} ${json}\n`;
      text += line;
      end += Buffer.byteLength(line);
      ends.push(end);
    }
    const bytes = Buffer.from(text);
    let written = 0;
    try {
      written = writeSync(fd, bytes);
    } catch (error) {
      takeBack(error);
    }
    if (written !== bytes.length) takeBack(new Error(`short write: ${written} of ${bytes.length} bytes`));
    size += bytes.length;
    return ends;
  }

  /** A failed or short write: cut the file back to its last whole record, or give it up. */
  function takeBack(error: unknown): never {
    try {
      ftruncateSync(fd, size);
    } catch {
      // A torn record would sit in front of the next one's bytes: the next record goes to a new file.
      broken = true;
    }
    throw unavailable(`cannot append to the record journal ${path}`, error);
  }
}

/** One whole record read back: its JSON text and its end offset in the file. */
export interface JournalRecord {
  end: number;
  json: string;
}

/** The whole records of a journal file, in order; `torn` counts lines whose checksum failed (a torn tail). */
export function readJournal(path: string): { records: JournalRecord[]; torn: number } {
  const bytes = readFileSync(path);
  const records: JournalRecord[] = [];
  let torn = 0;
  let start = 0;
  for (;;) {
    const newline = bytes.indexOf(0x0a, start);
    if (newline === -1) {
      // No newline: the last write did not finish.
      if (start < bytes.length) torn += 1;
      break;
    }
    const json = bytes.subarray(start + 9, newline);
    if (newline - start > 9 && bytes[start + 8] === 0x20 && bytes.toString('latin1', start, start + 8) === crcOf(json)) {
      records.push({ end: newline + 1, json: json.toString('utf8') });
    } else torn += 1;
    start = newline + 1;
  }
  return { records, torn };
}

/** A journal file in the folder, by name. */
export interface JournalFile {
  id: string;
  owner: JournalOwner;
  path: string;
}

export function listJournals(dir: string): JournalFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: JournalFile[] = [];
  for (const name of names) {
    const match = /^([0-9a-z]+-[0-9a-f]+)~([A-Za-z0-9._-]*)~(\d+)\.journal$/.exec(name);
    if (match !== null) found.push({ id: match[1] as string, owner: { host: match[2] as string, pid: Number(match[3]) }, path: join(dir, name) });
  }
  return found;
}

/**
 * The journals no live process owns: on this host, those whose process is gone, or that carry
 * this process's id but are not open here (a process before this one had the same id, as in a
 * container, where the server is often pid 1); of another host, those untouched for `staleMs` (a
 * live owner touches its file every quarter of that).
 */
export function orphanJournals(dir: string, me: JournalOwner, staleMs: number, now = Date.now()): JournalFile[] {
  return listJournals(dir).filter((file) => {
    if (file.owner.host === me.host && file.owner.pid === me.pid) return !openHere.has(file.id);
    // On this host liveness is known: a live owner's journal is never taken, however long its
    // event loop stalled (it would go on appending to a file another process has applied and deleted).
    if (file.owner.host === me.host) return !pidAlive(file.owner.pid);
    try {
      return statSync(file.path).mtimeMs < now - staleMs;
    } catch {
      return false; // gone meanwhile: taken over by another process
    }
  });
}

/**
 * Takes an orphan journal over: renames it to this process's name, atomically, so that of two
 * processes trying at once one gets it and the other finds it gone (null). `release` once it is
 * applied: it deletes the file (`remove`) and lets the journal be found again otherwise.
 */
export function takeOver(file: JournalFile, me: JournalOwner): (JournalFile & { release(remove: boolean): void }) | null {
  const path = join(file.path, '..', fileName(file.id, me));
  try {
    renameSync(file.path, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  openHere.add(file.id);
  return {
    id: file.id,
    owner: me,
    path,
    release(remove) {
      openHere.delete(file.id);
      if (remove) unlinkSync(path);
    },
  };
}

function fileName(id: string, owner: JournalOwner): string {
  return `${id}~${owner.host}~${owner.pid}.journal`;
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
}

function crcOf(json: string | Uint8Array): string {
  return crc32(json).toString(16).padStart(8, '0');
}

function unavailable(message: string, cause?: unknown): FlambeauError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new FlambeauError('store_unavailable', `${message}${detail}; the request was refused rather than served unrecorded. Retry shortly.`, {
    details: { store: 'journal' },
    ...(cause === undefined ? {} : { cause }),
  });
}
