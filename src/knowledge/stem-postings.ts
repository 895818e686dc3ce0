import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/store.js';

/** FTS5's bm25() constants (fts5_aux.c): k1 and b. */
const K1 = 1.2;
const B = 0.75;

/**
 * A stemmed table's posting lists, read from FTS5's own index and kept in memory, to rank a
 * query in JavaScript with FTS5's bm25() to the bit: the same formula, the same integer counts
 * (rows, tokens per row, weighted occurrences per row) and the same order of operations and of
 * the terms' sum. bm25() costs about 1 µs per matching row in SQLite (a walk of the row's
 * positions and a look-up of its length), a posting here a few ns.
 *
 * Valid for one snapshot of the table: the caller drops it when the database changed (a write
 * from this process or another). Loaded lazily: the rows' lengths at once (one statement), each
 * term's postings the first time a query holds it, until `maxPostings` are held (then the terms
 * start over: real queries repeat a small vocabulary, Zipf).
 */
export class StemPostings {
  /** Row ids in ascending order; a row's place here is its index in the arrays below. */
  readonly #ids: Float64Array;
  /** k1 × (1 − b + b × length / mean length), per row: the part of the denominator a row fixes. */
  readonly #norms: Float64Array;
  readonly #rows: number;
  readonly #terms = new Map<string, { rows: Int32Array; freqs: Float32Array }>();
  #held = 0;
  readonly #lookup: Statement;
  readonly #log: Statement;
  /** bm25()'s weight per column code (a missing weight is 1, as bm25() has it). */
  readonly #weights: number[];
  readonly #maxPostings: number;
  /** Score per row for the query being ranked, and the rows it touched (reset after each query). */
  readonly #scores: Float64Array;
  readonly #touched: Int32Array;

  private constructor(
    ids: Float64Array,
    lengths: Float64Array,
    rows: number,
    tokens: number,
    lookup: Statement,
    log: Statement,
    weights: number[],
    maxPostings: number,
  ) {
    this.#weights = [...weights, 1, 1, 1, 1].slice(0, 4);
    this.#ids = ids;
    this.#rows = rows;
    const mean = tokens / this.#rows;
    this.#norms = lengths.map((length) => K1 * (1 - B + (B * length) / mean));
    this.#lookup = lookup;
    this.#log = log;
    this.#maxPostings = maxPostings;
    this.#scores = new Float64Array(ids.length);
    this.#touched = new Int32Array(ids.length);
  }

  /**
   * Reads the table's row lengths (its docsize shadow table: tokens per column as varints); null
   * for an empty table. `weights`: bm25()'s column weights, in the table's column order.
   */
  static load(db: Db, table: string, columns: readonly string[], weights: readonly number[], maxPostings: number): StemPostings | null {
    // Two strings rather than 100k rows: a row object and a Buffer per row would cost ten times more.
    const ids = db.prepare(`SELECT group_concat(id, ',') FROM (SELECT id FROM ${table}_docsize ORDER BY id)`).pluck().get() as string | null;
    const sizes = db.prepare(`SELECT group_concat(hex(sz), ',') FROM (SELECT id, sz FROM ${table}_docsize ORDER BY id)`).pluck().get() as string | null;
    if (ids === null || sizes === null) return null;
    const rowIds = Float64Array.from(ids.split(','), Number);
    const lengths = Float64Array.from(sizes.split(','), varintSum);
    // bm25()'s row count and mean length come from FTS5's averages record, which deletions from a
    // contentless table do not lower: not from the rows left.
    const averages = fts5Averages(db, table);
    if (rowIds.length === 0 || lengths.length !== rowIds.length || averages === null) return null;
    const { rows, tokens } = averages;
    const codeOf = columns.map((c, i) => `WHEN '${c}' THEN ${i}`).join(' ');
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table}_instances USING fts5vocab(main, ${table}, instance)`);
    // Every occurrence as row id × 4 + column, in one JSON array: a row object each would cost three times more.
    const lookup = db.prepare(`SELECT json_group_array(doc * 4 + CASE col ${codeOf} ELSE 3 END) FROM temp.${table}_instances WHERE term = ?`).pluck();
    return new StemPostings(rowIds, lengths, rows, tokens, lookup, db.prepare('SELECT ln(?)').pluck(), [...weights], maxPostings);
  }

  /** Rows in the table as FTS5 counts them (deleted ones included, see load). */
  get rows(): number {
    return this.#rows;
  }

  #postings(term: string): { rows: Int32Array; freqs: Float32Array } {
    let postings = this.#terms.get(term);
    if (postings !== undefined) return postings;
    const found: unknown = JSON.parse((this.#lookup.get(term) as string | undefined) ?? '[]');
    const codes = Array.isArray(found) ? found : [];
    const rows = new Int32Array(codes.length);
    const freqs = new Float32Array(codes.length);
    let n = 0;
    let last = -1;
    // Occurrences come by row id, then column: a row's weights are summed (small multiples of 0.5: exact in any order).
    for (const code of codes) {
      if (typeof code !== 'number') continue;
      const id = Math.floor(code / 4);
      if (id !== last) {
        last = id;
        const row = this.#rowOf(id);
        if (row < 0) {
          last = -1; // not in the snapshot's lengths: cannot happen within one snapshot
          continue;
        }
        rows[n] = row;
        freqs[n] = 0;
        n += 1;
      }
      freqs[n - 1] = (freqs[n - 1] as number) + (this.#weights[code % 4] as number);
    }
    postings = { rows: rows.subarray(0, n), freqs: freqs.subarray(0, n) };
    if (this.#held + n > this.#maxPostings) {
      this.#terms.clear();
      this.#held = 0;
    }
    this.#terms.set(term, postings);
    this.#held += n;
    return postings;
  }

  #rowOf(id: number): number {
    const ids = this.#ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = ids[mid] as number;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The `limit` best rows for the terms (an OR of them, as `matchOf` writes it), best first, with
   * bm25()'s score (negative, lower is better); ties go to the lower id, as `ORDER BY score, rowid`.
   */
  top(terms: readonly string[], limit: number): Array<{ id: number; score: number }> {
    const scores = this.#scores;
    const touched = this.#touched;
    let count = 0;
    for (const term of terms) {
      const { rows, freqs } = this.#postings(term);
      const hits = rows.length;
      // FTS5's IDF: from the rows holding the term, clamped above 0.
      // C's log, not Math.log: V8's may differ from it in the last bit.
      let idf = this.#log.get((this.#rows - hits + 0.5) / (hits + 0.5)) as number;
      if (idf <= 0) idf = 1e-6;
      const norms = this.#norms;
      for (let i = 0; i < hits; i++) {
        const row = rows[i] as number;
        const freq = freqs[i] as number;
        const before = scores[row] as number;
        if (before === 0) touched[count++] = row;
        // As fts5Bm25Function writes it, term by term in the query's order: the same double operations.
        scores[row] = before + idf * ((freq * (K1 + 1.0)) / (freq + (norms[row] as number)));
      }
    }
    // The best `limit`: a bounded min-heap on (score, then higher id first out).
    const heap: number[] = [];
    const worse = (a: number, b: number) =>
      (scores[a] as number) < (scores[b] as number) || (scores[a] === scores[b] && (this.#ids[a] as number) > (this.#ids[b] as number));
    for (let t = 0; t < count; t++) {
      const row = touched[t] as number;
      if (heap.length < limit) {
        heap.push(row);
        siftUp(heap, heap.length - 1, worse);
      } else if (limit > 0 && worse(heap[0] as number, row)) {
        heap[0] = row;
        siftDown(heap, 0, worse);
      }
    }
    const best = heap.map((row) => ({ id: this.#ids[row] as number, score: -1.0 * (scores[row] as number) })).sort((a, b) => a.score - b.score || a.id - b.id);
    for (let t = 0; t < count; t++) scores[touched[t] as number] = 0;
    return best;
  }
}

function siftUp(heap: number[], at: number, worse: (a: number, b: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >>> 1;
    if (!worse(heap[at] as number, heap[parent] as number)) return;
    [heap[at], heap[parent]] = [heap[parent] as number, heap[at] as number];
    at = parent;
  }
}

function siftDown(heap: number[], at: number, worse: (a: number, b: number) => boolean): void {
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let least = at;
    if (left < heap.length && worse(heap[left] as number, heap[least] as number)) least = left;
    if (right < heap.length && worse(heap[right] as number, heap[least] as number)) least = right;
    if (least === at) return;
    [heap[at], heap[least]] = [heap[least] as number, heap[at] as number];
    at = least;
  }
}

/**
 * FTS5's averages record (the %_data row 1): the row count, then each column's token total, as
 * varints; null when absent or unreadable.
 */
export function fts5Averages(db: Db, table: string): { rows: number; tokens: number } | null {
  const hex = db.prepare(`SELECT hex(block) FROM ${table}_data WHERE id = 1`).pluck().get() as string | undefined;
  if (hex === undefined) return null;
  const values = varints(hex);
  const rows = values[0];
  if (rows === undefined || rows <= 0) return null;
  return { rows, tokens: values.slice(1).reduce((a, b) => a + b, 0) };
}

function varints(hex: string): number[] {
  const out: number[] = [];
  let value = 0;
  for (let i = 0; i < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      out.push(value);
      value = 0;
    }
  }
  return out;
}

/** The sum of the varints in a hex string (FTS5's docsize: each column's token count, SQLite varints, big-endian 7 bits a byte). */
function varintSum(hex: string): number {
  let sum = 0;
  let value = 0;
  for (let i = 0; i < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      sum += value;
      value = 0;
    }
  }
  return sum;
}
