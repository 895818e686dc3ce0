/** A run of base64 or hex in the text that decodes to readable text, to be scored in its turn. */
export interface DecodedPayload {
  encoding: 'base64' | 'hex';
  start: number;
  end: number;
  text: string;
}

/** Bounds on decode work per scanned text: a megabyte of base64 (an inline image) costs no more. */
export interface DecodeLimits {
  maxCandidates: number;
  /** Characters of each candidate that are decoded. */
  maxCandidateChars: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxCandidates: 16, maxCandidateChars: 4096 };

const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes base64 (standard or URL-safe) and hex runs and keeps those that read as text: valid
 * UTF-8, mostly letters, spaces and punctuation, with a few words. Binary (images, keys, hashes)
 * is skipped. At most `maxCandidates` runs are decoded, each cut to `maxCandidateChars`.
 */
export function findEncodedPayloads(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedPayload[] {
  const found: DecodedPayload[] = [];
  let candidates = 0;
  // The patterns only ever match inside a run of at least 24 base64 characters (hex is a subset):
  // such runs are found by one loop over the character codes, and the patterns only read them.
  const runs = base64Runs(text);
  if (runs.length === 0) return found;
  for (const [encoding, pattern] of [
    ['hex', HEX],
    ['base64', BASE64],
  ] as const) {
    for (const run of runs) {
      // Two characters past the run: the '=' padding base64 may end with.
      const slice = text.slice(run.start, Math.min(text.length, run.end + 2));
      for (const m of slice.matchAll(pattern)) {
        if (candidates >= limits.maxCandidates) return found;
        const raw = m[0];
        const start = run.start + m.index;
        if (encoding === 'base64' && (!/[a-z]/.test(raw) || !/[A-Z]/.test(raw) || found.some((f) => f.start <= start && start < f.end))) continue;
        candidates++;
        const decoded = decode(encoding, raw.slice(0, limits.maxCandidateChars));
        if (decoded !== null && readsAsText(decoded)) found.push({ encoding, start, end: start + raw.length, text: decoded });
      }
    }
  }
  return found;
}

const BASE64_CHAR = Uint8Array.from({ length: 128 }, (_, c) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 47 && c <= 57) || c === 43 || c === 45 || c === 95 ? 1 : 0,
);

/** Maximal runs of base64 characters (A-Z a-z 0-9 + / _ -) at least 24 long. */
function base64Runs(text: string): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const inRun = c < 128 && BASE64_CHAR[c] === 1;
    if (inRun) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start >= 24) runs.push({ start, end: i });
      start = -1;
    }
  }
  return runs;
}

function decode(encoding: 'base64' | 'hex', raw: string): string | null {
  const bytes =
    encoding === 'hex' ? Buffer.from(raw.length % 2 === 0 ? raw : raw.slice(0, -1), 'hex') : Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  try {
    return utf8.decode(bytes);
  } catch {
    // A cut at the candidate limit may split a character: retry without the last three bytes.
    try {
      return utf8.decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    } catch {
      return null;
    }
  }
}

function readsAsText(s: string): boolean {
  if (s.length < 12) return false;
  let plain = 0;
  let spaces = 0;
  for (const ch of s) {
    if (ch === ' ') spaces++;
    if (/[\p{L}\p{N}\p{P}\s]/u.test(ch)) plain++;
  }
  return plain / s.length >= 0.9 && spaces >= 2;
}
