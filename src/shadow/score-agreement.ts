/** How two answers were compared. */
export type AgreementMethod = 'exact' | 'json' | 'text' | 'embedding' | 'judge';

export interface Agreement {
  /** 0..1: 1 = the same answer. */
  score: number;
  method: Exclude<AgreementMethod, 'judge' | 'embedding'>;
}

/** Case, spacing and trailing punctuation do not make two answers differ. */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!。]+$/u, '');
}

/** The JSON value of an answer, fenced in ``` or not; undefined when it is not JSON. */
function jsonOf(text: string): unknown {
  const trimmed = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Leaf paths and their values (`a.b[0]` → JSON text of the value): objects compare by key, not order. */
function leaves(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) leaves(item, `${path}.${key}`, out);
  else out.set(path, typeof value === 'string' ? normalise(value) : JSON.stringify(value));
  return out;
}

/** Share of leaves (path and value) both answers hold, over the leaves of either (Jaccard). */
function jsonAgreement(a: unknown, b: unknown): number {
  const left = leaves(a, '$', new Map());
  const right = leaves(b, '$', new Map());
  if (left.size === 0 && right.size === 0) return 1;
  let same = 0;
  for (const [path, value] of left) if (right.get(path) === value) same++;
  return same / (left.size + right.size - same);
}

function words(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of normalise(text).match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** F1 of the word bags (as SQuAD scores answers): order-free, counts repeated words. */
function textAgreement(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  let total = 0;
  let leftTotal = 0;
  let rightTotal = 0;
  for (const n of left.values()) leftTotal += n;
  for (const n of right.values()) rightTotal += n;
  if (leftTotal === 0 || rightTotal === 0) return leftTotal === rightTotal ? 1 : 0;
  for (const [word, n] of left) total += Math.min(n, right.get(word) ?? 0);
  if (total === 0) return 0;
  const precision = total / leftTotal;
  const recall = total / rightTotal;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * How far two answers to the same request agree, without a judge: the same text after
 * normalising is 1 (`exact`); two JSON answers compare leaf by leaf (`json`); other text by the
 * F1 of their word bags (`text`). Cheap and deterministic: a judge model is the better witness
 * for free-form answers, this is the floor.
 */
export function scoreAgreement(a: string, b: string): Agreement {
  if (normalise(a) === normalise(b)) return { score: 1, method: 'exact' };
  const left = jsonOf(a);
  const right = jsonOf(b);
  if (left !== undefined && right !== undefined) return { score: jsonAgreement(left, right), method: 'json' };
  return { score: textAgreement(a, b), method: 'text' };
}

/** Cosine similarity of two answers' embeddings, clamped to 0..1 (a zero vector gives 0). */
export function embeddingAgreement(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return 0;
  return Math.max(0, Math.min(1, dot / Math.sqrt(normA * normB)));
}
