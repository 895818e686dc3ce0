import { HELDOUT_CODE_SNIPPETS, HELDOUT_HARD_NEGATIVES, HELDOUT_MAIL_FRAMES } from '../data/heldout-hard-negative-parts.js';
import { seededRandom, type Lang } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';

export const HELDOUT_HARD_NEGATIVE_ORIGIN = 'flambeau:heldout-hard-negatives';

/**
 * The held-out hard-negative set: every hand-written text of heldout-hard-negative-parts.ts as a
 * user message, inside a mail with another of them (source document), and every third one as a
 * ticket comment in a tool result; the code snippets as a file read by a tool and as a document.
 * Benign only; never trained on or calibrated on. Fixed seed: the same rows on every run.
 */
export function heldoutHardNegatives(seed = 7): InjectionRow[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const rows: InjectionRow[] = [];
  const add = (text: string, lang: Lang, category: string, channel: InjectionRow['channel']) =>
    rows.push({ text, label: 0, origin: `${HELDOUT_HARD_NEGATIVE_ORIGIN}/${category}`, lang, category, hardNegative: true, channel });
  for (const lang of ['en', 'fr'] as const) {
    const texts: readonly string[] = HELDOUT_HARD_NEGATIVES[lang];
    const frame = HELDOUT_MAIL_FRAMES[lang];
    texts.forEach((text, i) => {
      add(text, lang, 'message', 'user');
      const other = texts[(i + 1 + Math.floor(random() * (texts.length - 1))) % texts.length] as string;
      add(`${pick(frame.open)}\n\n${text} ${other}\n\n${pick(frame.close)}`, lang, 'mail', 'document');
      if (i % 3 === 0)
        add(
          JSON.stringify({
            ticket: 40_000 + i,
            status: 'open',
            comments: [
              { author: 'agent', text },
              { author: 'customer', text: other },
            ],
          }),
          lang,
          'ticket',
          'tool',
        );
    });
  }
  HELDOUT_CODE_SNIPPETS.forEach((snippet, i) => {
    const lang: Lang = /[àâçéèêëîïôûù]|Oublier|Consignes|commandes/.test(snippet) ? 'fr' : 'en';
    add(JSON.stringify({ path: `src/module${i}.txt`, content: snippet }), lang, 'code-tool', 'tool');
    add(snippet, lang, 'code-document', 'document');
  });
  return rows;
}
