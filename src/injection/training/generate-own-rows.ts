import { ADDRESSES, ANSWER_BENDING, EXTRACTION, FILLERS, FR_DIRECT_ATTACKS, OPENERS, PAYLOADS } from '../data/attack-parts.js';
import { GREETINGS, INSTRUCTION_TALK_PARAGRAPHS, PARAGRAPHS, SIGNATURES } from '../data/document-parts.js';
import {
  BENIGN_PROMPTS,
  HARD_NEGATIVE_FORMS,
  HARD_NEGATIVE_PROMPTS,
  ROLE_PLAY,
  SECURITY_TOPICS,
  TOOL_BENIGN_SLOTS,
  TOOL_RESULTS,
} from '../data/prompt-parts.js';
import type { InjectionSource } from '../injection-sources.js';
import type { InjectionRow } from './injection-rows.js';
import { structuredRecord } from './structured-records.js';

export type Lang = 'en' | 'fr';
const LANGS: readonly Lang[] = ['en', 'fr'];

/** mulberry32: a small seeded generator, so the same seed gives the same rows everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes attack sentences (direct, or addressed to the assistant, to be planted) from the hand-written parts. */
export function createAttackWriter(random: () => number): {
  pick: <T>(list: readonly T[]) => T;
  fill: (template: string) => string;
  attack: (lang: Lang) => string;
} {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const fill = (template: string): string => template.replace(/\{(email|url|amount|iban|brand)\}/g, (_, k: keyof typeof FILLERS) => pick(FILLERS[k]));
  const attack = (lang: Lang): string => {
    const payload = fill(pick(PAYLOADS[lang]));
    const r = random();
    if (r < 0.3) return `${pick(OPENERS[lang])} ${payload}`;
    if (r < 0.45) return payload;
    if (r < 0.55) return `${pick(OPENERS[lang])}\n${payload} ${fill(pick(PAYLOADS[lang]))}`;
    if (r < 0.6) return `${lang === 'en' ? 'System' : 'Système'}: ${payload}`;
    const bend = fill(pick(ANSWER_BENDING[lang]));
    const address = pick(ADDRESSES[lang]);
    const text = `${address} ${random() < 0.5 ? bend : payload.charAt(0).toLowerCase() + payload.slice(1)}`;
    return address.startsWith('(') ? `${text})` : text;
  };
  return { pick, fill, attack };
}

/**
 * flambeau's own training rows, generated from the hand-written parts in `../data/` (the
 * hand-written held-out set is separate and never generated). Covers what the public pool lacks:
 * French, long benign documents, benign text about instructions and passwords, instructions
 * planted in mails and tool results (with the same document, clean, as the negative).
 */
export function generateOwnRows(seed: number, scale = 1): InjectionRow[] {
  const random = seededRandom(seed);
  const { pick, fill, attack } = createAttackWriter(random);
  const document = (lang: Lang, talk: number): string[] => {
    const parts: string[] = [];
    const n = 1 + Math.floor(random() * 7);
    for (let i = 0; i < n; i++) parts.push(random() < talk ? pick(INSTRUCTION_TALK_PARAGRAPHS[lang]) : pick(PARAGRAPHS[lang]));
    if (random() < 0.7) parts.unshift(pick(GREETINGS[lang]));
    if (random() < 0.7) parts.push(pick(SIGNATURES[lang]));
    return parts;
  };
  const rows: InjectionRow[] = [];
  const add = (text: string, label: 0 | 1, lang: Lang, category: string, channel: InjectionSource, hardNegative = false) =>
    rows.push({ text, label, origin: `flambeau:generated/${category}`, lang, category, hardNegative, channel });
  const times = (n: number, f: (i: number) => void) => {
    for (let i = 0; i < Math.round(n * scale); i++) f(i);
  };

  times(300, () => {
    const payload = fill(pick(PAYLOADS.fr));
    add(
      random() < 0.5
        ? fill(pick(FR_DIRECT_ATTACKS))
            .replace('{payload}', payload)
            .replace('{payloadLower}', payload.charAt(0).toLowerCase() + payload.slice(1))
        : attack('fr'),
      1,
      'fr',
      'direct-attack',
      'user',
    );
  });
  for (const lang of LANGS) {
    times(320, () => {
      const parts = document(lang, 0.25);
      parts.splice(Math.floor(random() * (parts.length + 1)), 0, attack(lang));
      add(parts.join('\n\n'), 1, lang, 'planted-document', 'document');
    });
    times(320, () => add(document(lang, 0.25).join('\n\n'), 0, lang, 'clean-document', 'document'));
    times(120, () => add(document(lang, 0.8).join('\n\n'), 0, lang, 'instruction-talk-document', 'document', true));
    times(120, () =>
      add(
        pick(TOOL_RESULTS[lang]).replace('{x}', () => attack(lang).replace(/"/g, '\\"')),
        1,
        lang,
        'planted-tool',
        'tool',
      ),
    );
    times(120, () =>
      add(
        pick(TOOL_RESULTS[lang]).replace('{x}', () => pick(TOOL_BENIGN_SLOTS[lang])),
        0,
        lang,
        'clean-tool',
        'tool',
      ),
    );
    times(150, () => {
      const prompt = pick(BENIGN_PROMPTS[lang]);
      add(random() < 0.5 ? prompt : `${prompt}\n\n${document(lang, 0.3).join('\n\n')}`, 0, lang, 'benign-prompt', 'user');
    });
    times(150, () => {
      const prompt = pick(HARD_NEGATIVE_PROMPTS[lang]);
      add(random() < 0.5 ? prompt : `${prompt}\n\n${document(lang, 0.6).join('\n\n')}`, 0, lang, 'hard-negative', 'user', true);
    });
    times(60, () => add(random() < 0.5 ? pick(EXTRACTION[lang]) : `${pick(BENIGN_PROMPTS[lang])} ${pick(EXTRACTION[lang])}`, 1, lang, 'extraction', 'user'));
    times(150, () => add(`${pick(BENIGN_PROMPTS[lang])}\n\n${structuredRecord(random)}`, 0, lang, 'structured-record', 'document'));
    times(150, () => add(pick(HARD_NEGATIVE_FORMS[lang]).replace('{t}', pick(SECURITY_TOPICS[lang])), 0, lang, 'security-question', 'user', true));
    times(100, () =>
      add(pick(ROLE_PLAY[lang]).replace('{r}', pick(ROLE_PLAY.roles[lang])).replace('{k}', pick(ROLE_PLAY.tasks[lang])), 0, lang, 'role-play', 'user', true),
    );
  }
  return rows;
}
