import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { INJECTION_SOURCES, type InjectionSource } from '../injection-sources.js';

/**
 * One labelled text. `origin` is where the row comes from (a repository path, or `flambeau:<set>`
 * for ours): validation is split by origin, never by row. `channel` is the source the text stands
 * for (a retrieved document, a tool result, a user message).
 */
export interface InjectionRow {
  text: string;
  label: 0 | 1;
  origin: string;
  lang: string;
  category: string;
  hardNegative: boolean;
  channel: InjectionSource;
}

const poolRow = z.object({
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  source: z.string(),
  lang: z.string(),
  category: z.string(),
  hard_negative: z.boolean(),
  label_noise_suspect: z.boolean(),
});

const ownRow = z.strictObject({
  text: z.string().min(1),
  label: z.union([z.literal(0), z.literal(1)]),
  lang: z.enum(['en', 'fr']),
  category: z.string().min(1),
  channel: z.enum(INJECTION_SOURCES),
  hard_negative: z.boolean().default(false),
});

/** Indirect injections of the public pool: text planted in documents (résumés, reports, mails). */
function channelOfPool(source: string): InjectionSource {
  return /latentinjection|llm-mailbox/.test(source) ? 'document' : 'user';
}

function parseLines(text: string, file: string, parse: (value: unknown, line: number) => InjectionRow | null): InjectionRow[] {
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new FlambeauError('invalid_request', `${file}:${i + 1} is not JSON.`, { cause });
    }
    const row = parse(value, i + 1);
    return row === null ? [] : [row];
  });
}

/**
 * JailbreakBench's optimised attacks (PAIR, GCG, DSN, random search): requests for harmful content
 * with adversarial suffixes, not injections. Their token soup teaches the model that any odd
 * structured text (WHOIS records, logs, code) is an attack.
 */
const HARMFUL_NOT_INJECTION = /JailbreakBench.*(?:PAIR|GCG|DSN|random_search)/;

/**
 * The shared pool (`train.jsonl.gz`). Rows flagged `label_noise_suspect` (persona prompts filed as
 * jailbreaks) are dropped: they teach that role-play is an attack. So are HARMFUL_NOT_INJECTION's.
 */
export function loadPoolRows(path: string): InjectionRow[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return parseLines(text, path, (value, line) => {
    const r = poolRow.safeParse(value);
    if (!r.success) throw new FlambeauError('invalid_request', `${path}:${line}: ${r.error.issues[0]?.message ?? 'invalid row'}.`);
    if (r.data.label_noise_suspect || HARMFUL_NOT_INJECTION.test(r.data.source)) return null;
    return {
      text: r.data.text,
      label: r.data.label,
      origin: r.data.source,
      lang: r.data.lang,
      category: r.data.category,
      hardNegative: r.data.hard_negative,
      channel: channelOfPool(r.data.source),
    };
  });
}

/** A JSONL file of ours (the hand-written held-out set): `{text, label, lang, category, channel, hard_negative?}`. */
export function loadOwnRows(path: string, origin: string): InjectionRow[] {
  return parseLines(readFileSync(path, 'utf8'), path, (value, line) => {
    const r = ownRow.safeParse(value);
    if (!r.success)
      throw new FlambeauError('invalid_request', `${path}:${line}: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? 'invalid row'}.`);
    return {
      text: r.data.text,
      label: r.data.label,
      origin,
      lang: r.data.lang,
      category: r.data.category,
      hardNegative: r.data.hard_negative,
      channel: r.data.channel,
    };
  });
}

/** Keeps the first row of each text (whitespace and case folded): templated sources repeat themselves. */
export function dedupeRows(rows: readonly InjectionRow[]): InjectionRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = row.text.toLowerCase().replace(/\s+/g, ' ').trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
