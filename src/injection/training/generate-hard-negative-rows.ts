import { FR_ATTACKS_DIRECT, FR_ATTACKS_PLANTED, TRAIN_HARD_NEGATIVES } from '../data/hard-negative-parts.js';
import { GREETINGS, PARAGRAPHS, SIGNATURES } from '../data/document-parts.js';
import { BENIGN_PROMPTS } from '../data/prompt-parts.js';
import type { InjectionSource } from '../injection-sources.js';
import { seededRandom, type Lang } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';

/**
 * Round 3 training rows (decision 0006) from hard-negative-parts.ts: each benign hard negative
 * alone as a user message, inside mails and notes among ordinary paragraphs (document), and in a
 * tool result (chat messages, notes); each French attack direct (user) and planted in the same
 * frames, so the model learns the sentence, not its frame. Seeded.
 */
export function generateHardNegativeRows(seed: number, scale = 1): InjectionRow[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const rows: InjectionRow[] = [];
  const add = (text: string, label: 0 | 1, lang: Lang, category: string, channel: InjectionSource, hardNegative: boolean) =>
    rows.push({ text, label, origin: `flambeau:round3/${category}`, lang, category, hardNegative, channel });
  const times = (n: number, f: () => void) => {
    for (let i = 0; i < Math.round(n * scale); i++) f();
  };
  const mail = (lang: Lang, sentences: readonly string[]): string => {
    const parts: string[] = [];
    const n = Math.floor(random() * 4);
    for (let i = 0; i < n; i++) parts.push(pick(PARAGRAPHS[lang]));
    for (const s of sentences) parts.splice(Math.floor(random() * (parts.length + 1)), 0, s);
    if (random() < 0.6) parts.unshift(pick(GREETINGS[lang]));
    if (random() < 0.6) parts.push(pick(SIGNATURES[lang]));
    return parts.join(random() < 0.5 ? '\n\n' : ' ');
  };
  const tool = (texts: readonly string[]): string => {
    const r = random();
    if (r < 0.35) return JSON.stringify({ messages: texts.map((text, i) => ({ from: `user${i + 1}`, text })) });
    if (r < 0.7) return JSON.stringify({ notes: texts.map((body, i) => ({ id: 100 + i, body })) }, null, 2);
    return texts.map((t, i) => `[${i + 1}] ${t}`).join('\n');
  };
  for (const lang of ['en', 'fr'] as const) {
    const benign: readonly string[] = TRAIN_HARD_NEGATIVES[lang];
    for (const text of benign) add(text, 0, lang, 'hard-negative-message', 'user', true);
    times(150, () => add(mail(lang, [pick(benign), ...(random() < 0.5 ? [pick(benign)] : [])]), 0, lang, 'hard-negative-mail', 'document', true));
    times(80, () => add(`${pick(BENIGN_PROMPTS[lang])}\n\n${mail(lang, [pick(benign)])}`, 0, lang, 'hard-negative-task', 'user', true));
    times(100, () => add(tool([pick(benign), pick(benign), ...(random() < 0.5 ? [pick(PARAGRAPHS[lang])] : [])]), 0, lang, 'hard-negative-tool', 'tool', true));
  }
  for (const text of FR_ATTACKS_DIRECT) add(text, 1, 'fr', 'fr-direct-attack', 'user', false);
  times(40, () => add(`${pick(FR_ATTACKS_DIRECT)}\n\n${pick(PARAGRAPHS.fr)}`, 1, 'fr', 'fr-direct-attack-context', 'user', false));
  times(120, () => add(mail('fr', [pick(FR_ATTACKS_PLANTED)]), 1, 'fr', 'fr-planted-mail', 'document', false));
  times(60, () => add(tool([pick(TRAIN_HARD_NEGATIVES.fr), pick(FR_ATTACKS_PLANTED)]), 1, 'fr', 'fr-planted-tool', 'tool', false));
  return rows;
}
