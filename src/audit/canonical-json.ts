/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, `undefined` members
 * dropped; strings and numbers as JSON.stringify writes them. That is RFC 8785 (JCS) for the
 * values we hash (JCS specifies ECMAScript's number and string serialisation), so another tool
 * can recompute an audit hash from the exported record.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
  // Loops and string appends rather than entries/filter/sort/map/join: this runs for every audit record.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Objects built with their keys in order (the request recorder's) skip the sort. The default
  // sort and `>` both compare UTF-16 code units, as JCS asks.
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    out += quotedKey(key);
    out += canonicalJson(item);
  }
  return `${out}}`;
}

// `"key":` for the keys seen so far: audit events repeat a few dozen. Bounded, for content kept
// with arbitrary keys (`audit.include_content`).
const QUOTED = new Map<string, string>();
const MAX_QUOTED = 4096;

function quotedKey(key: string): string {
  let quoted = QUOTED.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (QUOTED.size < MAX_QUOTED) QUOTED.set(key, quoted);
  }
  return quoted;
}
