import type { PiiType } from './pii-types.js';

/** How a type's values are compared: "FR76 3000 6…" and "FR7630006…" are one IBAN. */
function normalise(type: PiiType, value: string): string {
  switch (type) {
    case 'IBAN':
    case 'CREDIT_CARD':
    case 'FR_NIR':
    case 'US_SSN':
    case 'PHONE':
      return value.replace(/[\s.\-()/]/g, '').toUpperCase();
    case 'EMAIL':
      return value.toLowerCase();
    default:
      return value.replace(/\s+/g, ' ');
  }
}

/**
 * The per-request map between sensitive values and their placeholders (`<PERSON_1>`). Lives in
 * memory for one request only. Values never leave through logging: `toJSON`, `toString` and
 * `util.inspect` show counts only; `valueOf` is the one way out, used by the restorers.
 */
export class PlaceholderVault {
  readonly #byValue = new Map<string, string>();
  readonly #byKey = new Map<string, string>();
  readonly #next = new Map<string, number>();
  readonly #reserved = new Set<string>();
  /** Whether the model's text answer is JSON (restored values are then JSON-escaped). */
  contentIsJson = false;

  /** Keeps `TYPE_n` out of use: the request already contains it literally (a user writing about placeholders). */
  reserve(type: string, n: number): void {
    this.#reserved.add(`${type}_${n}`);
  }

  /** The placeholder key (`PERSON_1`) for a value, allocating the next free number on first sight. */
  keyFor(type: PiiType, value: string): string {
    const id = `${type}\u0000${normalise(type, value)}`;
    const existing = this.#byValue.get(id);
    if (existing !== undefined) return existing;
    let n = this.#next.get(type) ?? 1;
    while (this.#reserved.has(`${type}_${n}`)) n++;
    const key = `${type}_${n}`;
    this.#next.set(type, n + 1);
    this.#byValue.set(id, key);
    this.#byKey.set(key, value);
    return key;
  }

  /** `<PERSON_1>`: angle brackets and upper case, the form models copy most faithfully. */
  placeholderFor(type: PiiType, value: string): string {
    return `<${this.keyFor(type, value)}>`;
  }

  /** The original value behind `TYPE_n` (first spelling seen), or undefined. */
  valueOf(type: string, n: number): string | undefined {
    return this.#byKey.get(`${type}_${n}`);
  }

  /** Types that have at least one placeholder: the restorers look for these names only. */
  types(): string[] {
    return [...this.#next.keys()];
  }

  get size(): number {
    return this.#byKey.size;
  }

  toJSON(): { placeholders: number } {
    return { placeholders: this.size };
  }

  toString(): string {
    return `[PlaceholderVault ${this.size}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
