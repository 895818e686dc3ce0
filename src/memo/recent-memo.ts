import { hash } from 'node:crypto';

// ES2024's String.prototype.isWellFormed (Node 20 has it; the project's lib is ES2022).
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The key of a text for a memo of results computed from it: its SHA-256 (the text itself is not
 * kept, and two texts that share a key are, for practical purposes, the same text). Null when the
 * text cannot be keyed exactly: a lone surrogate, which UTF-8 would fold into U+FFFD.
 */
export function textKey(text: string): string | null {
  return wellFormed(text) ? hash('sha256', text, 'base64') : null;
}

export interface RecentMemoOptions<V> {
  /** Entries held at most. */
  maxEntries: number;
  /** What one value costs to hold (spans, say), and the most all of them may cost: without, only entries count. */
  weight?: (value: V) => number;
  maxWeight?: number;
}

/**
 * Results remembered by key, those used lately kept (the privacy and injection scanners' memos of
 * texts a client sends again). Two generations: hits and new entries go to `recent`; when it holds
 * half of the room it becomes `older`, the former `older` dropped whole; a hit in `older` moves to
 * `recent`. So what was used within the last half-room stays, and dropping costs nothing per entry
 * (taking the oldest entry of one Map instead made its iterator skip every deleted slot: ~15–30 µs a
 * miss once full).
 */
export class RecentMemo<V> {
  #recent = new Map<string, V>();
  #older = new Map<string, V>();
  #recentWeight = 0;
  #olderWeight = 0;
  readonly #half: number;
  readonly #halfWeight: number;
  readonly #weight: (value: V) => number;

  constructor(options: RecentMemoOptions<V>) {
    this.#half = options.maxEntries / 2;
    this.#halfWeight = (options.maxWeight ?? Number.POSITIVE_INFINITY) / 2;
    this.#weight = options.weight ?? (() => 0);
  }

  get(key: string): V | undefined {
    const found = this.#recent.get(key);
    if (found !== undefined) return found;
    const old = this.#older.get(key);
    if (old !== undefined) {
      this.#older.delete(key);
      this.#olderWeight -= this.#weight(old);
      this.#add(key, old);
    }
    return old;
  }

  /** Keeps `value` under `key`, unless the key is held already or the value alone would fill half the weight. */
  set(key: string, value: V): void {
    if (this.#weight(value) > this.#halfWeight || this.#recent.has(key) || this.#older.has(key)) return;
    this.#add(key, value);
  }

  /** Entries held (at most `maxEntries`, costing at most `maxWeight`). */
  get size(): number {
    return this.#recent.size + this.#older.size;
  }

  #add(key: string, value: V): void {
    const weight = this.#weight(value);
    if (this.#recent.size >= this.#half || this.#recentWeight + weight > this.#halfWeight) {
      this.#older = this.#recent;
      this.#olderWeight = this.#recentWeight;
      this.#recent = new Map();
      this.#recentWeight = 0;
    }
    this.#recent.set(key, value);
    this.#recentWeight += weight;
  }
}
