import { GREETINGS, PARAGRAPHS, SIGNATURES } from '../data/document-parts.js';
import { TOOL_RESULTS } from '../data/prompt-parts.js';
import { OTHER_LANGUAGE_PERSONAS, OTHER_LANGUAGE_REQUESTS, POLITE_ATTACKS, POLITE_REQUESTS } from '../data/round9-parts.js';
import type { InjectionSource } from '../injection-sources.js';
import { createAttackWriter, seededRandom, type Lang } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';

/**
 * Round 9 training rows (decision 0006) from round9-parts.ts: polite and indirect attacks planted
 * in mails (document) and tool results (tool), with the same frames carrying a polite request to
 * the human reader as the benign twin; persona and hypothetical-framing attacks in Albanian, Zulu,
 * Scottish Gaelic and Irish, alone (user) and inside English mails (document), with ordinary
 * requests in those languages as twins. Polite attacks are not given as user messages: a user who
 * asks the assistant to forward an invoice is the principal, not an attacker. Seeded.
 */
export function generateRound9Rows(seed: number, scale = 1): InjectionRow[] {
  const random = seededRandom(seed);
  const { pick, fill } = createAttackWriter(seededRandom(seed + 1));
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const rows: InjectionRow[] = [];
  const add = (text: string, label: 0 | 1, lang: string, category: string, channel: InjectionSource) =>
    rows.push({ text, label, origin: `flambeau:round9/${category}`, lang, category, hardNegative: label === 0, channel });
  const times = (n: number, f: () => void) => {
    for (let i = 0; i < Math.round(n * scale); i++) f();
  };
  const mail = (lang: Lang, inside: string) => {
    const parts: string[] = Array.from({ length: between(1, 3) }, () => pick(PARAGRAPHS[lang]));
    parts.splice(between(0, parts.length), 0, inside);
    return [pick(GREETINGS[lang]), ...parts, pick(SIGNATURES[lang])].join('\n\n');
  };
  const tool = (lang: Lang, inside: string) => pick(TOOL_RESULTS[lang]).replace('{x}', () => inside.replace(/"/g, '\\"'));
  for (const lang of ['en', 'fr'] as const) {
    times(150, () => add(mail(lang, fill(pick(POLITE_ATTACKS[lang]))), 1, lang, 'polite-planted-mail', 'document'));
    times(80, () => add(tool(lang, fill(pick(POLITE_ATTACKS[lang]))), 1, lang, 'polite-planted-tool', 'tool'));
    times(150, () => add(mail(lang, pick(POLITE_REQUESTS[lang])), 0, lang, 'polite-request-mail', 'document'));
    times(80, () => add(tool(lang, pick(POLITE_REQUESTS[lang])), 0, lang, 'polite-request-tool', 'tool'));
  }
  for (const lang of ['sq', 'zu', 'gd', 'ga'] as const) {
    times(30, () => add(fill(pick(OTHER_LANGUAGE_PERSONAS[lang])), 1, lang, 'other-language-persona', 'user'));
    times(20, () => add(mail('en', fill(pick(OTHER_LANGUAGE_PERSONAS[lang]))), 1, lang, 'other-language-persona-mail', 'document'));
    times(30, () => add(pick(OTHER_LANGUAGE_REQUESTS[lang]), 0, lang, 'other-language-request', 'user'));
    times(20, () => add(mail('en', pick(OTHER_LANGUAGE_REQUESTS[lang])), 0, lang, 'other-language-request-mail', 'document'));
  }
  return rows;
}
