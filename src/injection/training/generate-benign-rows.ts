/**
 * Training and calibration rows aimed at the first detector's false positives: long documents and
 * tool results that read like orders or talk about rules, prompts and passwords, and documents
 * wrapped in a user's task ("Summarise the following…"), in EN and FR; with the same kinds of
 * texts carrying one planted attack, so the model learns the attack sentence, not the genre.
 *
 * Training only: this module imports faker (a devDependency) and is never imported at run time.
 */
import { fakerEN, fakerFR, type Faker } from '@faker-js/faker';
import { ABOUT_PROMPTS, FACT_SENTENCES, HEADINGS, IMPERATIVE_SENTENCES, TASK_WRAPPERS, TOOL_FIELD_TEXTS } from '../data/benign-parts.js';
import { GREETINGS, INSTRUCTION_TALK_PARAGRAPHS, PARAGRAPHS, SIGNATURES } from '../data/document-parts.js';
import { BENIGN_PROMPTS, HARD_NEGATIVE_PROMPTS } from '../data/prompt-parts.js';
import type { InjectionSource } from '../injection-sources.js';
import { createAttackWriter, seededRandom, type Lang } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';
import { structuredRecord } from './structured-records.js';

/**
 * `train` draws from three items in four of every hand-written list, `calibration` from the
 * fourth: calibration rows are made of sentences the model was not trained on (the public pool
 * has no benign documents or tool results to calibrate on).
 */
export type BenignPart = 'train' | 'calibration';

const LANGS: readonly Lang[] = ['en', 'fr'];
const REFERENCE_DAY = '2026-01-15T09:00:00.000Z';

export function generateBenignRows(seed: number, part: BenignPart, scale = 1): InjectionRow[] {
  const random = seededRandom(seed);
  const fakers: Record<Lang, Faker> = { en: fakerEN, fr: fakerFR };
  // Seeded, and dates drawn around a fixed day (faker's default is now): same seed, same rows.
  for (const [i, f] of [fakerEN, fakerFR].entries()) {
    f.seed(seed + i);
    f.setDefaultRefDate(REFERENCE_DAY);
  }
  const writer = createAttackWriter(seededRandom(seed + 2));
  const shares = new Map<readonly unknown[], readonly unknown[]>();
  const pick = <T>(list: readonly T[]): T => {
    let share = shares.get(list) as readonly T[] | undefined;
    if (share === undefined) {
      share = list.filter((_, i) => (i % 4 === 3) === (part === 'calibration'));
      if (share.length === 0) share = list;
      shares.set(list, share);
    }
    return share[Math.floor(random() * share.length)] as T;
  };
  const fill = (lang: Lang, template: string): string => {
    const f = fakers[lang];
    return template.replace(/\{(name|company|date|amount|email|city|product|number|url)\}/g, (_, k: string) => {
      switch (k) {
        case 'name':
          return f.person.fullName();
        case 'company':
          return f.company.name();
        case 'date':
          return f.date.future().toISOString().slice(0, 10);
        case 'amount':
          return lang === 'en' ? `$${f.finance.amount()}` : `${f.finance.amount()} €`;
        case 'email':
          return f.internet.email();
        case 'city':
          return f.location.city();
        case 'product':
          return f.commerce.productName();
        case 'number':
          return f.string.numeric(6);
        default:
          return f.internet.url();
      }
    });
  };
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const sentence = (lang: Lang): string => {
    const r = random();
    if (r < 0.45) return fill(lang, pick(IMPERATIVE_SENTENCES[lang]));
    if (r < 0.6) return fill(lang, pick(FACT_SENTENCES[lang]));
    if (r < 0.72) return pick(ABOUT_PROMPTS[lang]);
    if (r < 0.85) return pick(PARAGRAPHS[lang]);
    if (r < 0.9) return pick(INSTRUCTION_TALK_PARAGRAPHS[lang]);
    return fill(lang, pick(TOOL_FIELD_TEXTS[lang]));
  };
  /** A document of paragraphs, numbered steps or a FAQ: 300 to 4,000 characters. */
  const document = (lang: Lang): string[] => {
    const blocks: string[] = [];
    if (random() < 0.6) blocks.push(pick(HEADINGS[lang]));
    const style = random();
    const n = between(2, 9);
    for (let i = 0; i < n; i++) {
      const k = between(1, 4);
      const sentences = Array.from({ length: k }, () => sentence(lang));
      if (style < 0.3) blocks.push(sentences.map((s, j) => `${i * 4 + j + 1}. ${s}`).join('\n'));
      else if (style < 0.45)
        blocks.push(`${lang === 'en' ? 'Q' : 'Q'}: ${fakers[lang].lorem.sentence().replace(/\.$/, '?')}\n${lang === 'en' ? 'A' : 'R'}: ${sentences.join(' ')}`);
      else blocks.push(sentences.join(' '));
    }
    if (random() < 0.25) blocks.splice(between(0, blocks.length), 0, structuredRecord(random));
    if (random() < 0.3) blocks.unshift(pick(GREETINGS[lang]));
    if (random() < 0.3) blocks.push(pick(SIGNATURES[lang]));
    return blocks;
  };
  const toolResult = (lang: Lang, planted: string | null): string => {
    const f = fakers[lang];
    const field = () => (random() < 0.6 ? fill(lang, pick(TOOL_FIELD_TEXTS[lang])) : sentence(lang));
    const items = between(1, 6);
    const slot = planted === null ? -1 : between(0, items - 1);
    const text = (i: number) => (i === slot ? (planted as string) : field());
    const r = random();
    let value: unknown;
    if (r < 0.2)
      value = {
        status: 'ok',
        results: Array.from({ length: items }, (_, i) => ({ title: f.lorem.words(between(2, 6)), url: f.internet.url(), snippet: text(i) })),
      };
    else if (r < 0.4)
      value = {
        ticket: Number(f.string.numeric(5)),
        subject: field(),
        messages: Array.from({ length: items }, (_, i) => ({
          from: random() < 0.5 ? 'customer' : 'support',
          at: f.date.recent().toISOString(),
          text: text(i),
        })),
      };
    else if (r < 0.55)
      value = {
        inbox: Array.from({ length: items }, (_, i) => ({
          from: f.internet.email(),
          subject: f.lorem.words(between(2, 5)),
          preview: text(i),
          unread: random() < 0.5,
        })),
      };
    else if (r < 0.7)
      value = {
        rows: Array.from({ length: items }, (_, i) => ({
          id: Number(f.string.numeric(6)),
          name: f.person.fullName(),
          role: f.person.jobTitle(),
          note: text(i),
        })),
      };
    else if (r < 0.8)
      value = {
        events: Array.from({ length: items }, (_, i) => ({ title: text(i), start: f.date.soon().toISOString(), location: f.location.streetAddress() })),
      };
    else if (r < 0.9)
      // Plain-text outputs: a log or a file listing.
      return Array.from({ length: items * 2 }, (_, i) =>
        i === slot
          ? (planted as string)
          : `${f.date.recent().toISOString()} ${pick(['INFO', 'WARN', 'DEBUG'])} ${random() < 0.5 ? fakerEN.hacker.phrase() : field()}`,
      ).join('\n');
    else value = { path: fakerEN.system.filePath(), size: Number(f.string.numeric(4)), content: Array.from({ length: items }, (_, i) => text(i)).join('\n') };
    return JSON.stringify(value, null, random() < 0.5 ? 0 : 2);
  };
  const plant = (blocks: string[], lang: Lang): string => {
    const copy = [...blocks];
    copy.splice(between(0, copy.length), 0, writer.attack(lang));
    return copy.join('\n\n');
  };

  const rows: InjectionRow[] = [];
  const origin = part === 'train' ? 'flambeau:generated-benign' : 'flambeau:calibration';
  const add = (text: string, label: 0 | 1, lang: Lang, category: string, channel: InjectionSource, hardNegative: boolean) =>
    rows.push({ text, label, origin: `${origin}/${category}`, lang, category, hardNegative, channel });
  const times = (n: number, f: () => void) => {
    for (let i = 0; i < Math.round(n * scale); i++) f();
  };
  for (const lang of LANGS) {
    times(450, () => add(document(lang).join('\n\n'), 0, lang, 'imperative-document', 'document', true));
    times(200, () => add(`${pick(TASK_WRAPPERS[lang])}\n\n${document(lang).join('\n\n')}`, 0, lang, 'task-wrapped-document', 'document', true));
    times(150, () => add(`${pick(TASK_WRAPPERS[lang])}\n\n${document(lang).join('\n\n')}`, 0, lang, 'task-wrapped-document', 'user', true));
    times(350, () => add(toolResult(lang, null), 0, lang, 'tool-result', 'tool', true));
    times(150, () => {
      const ask = random() < 0.5 ? pick(BENIGN_PROMPTS[lang]) : pick(HARD_NEGATIVE_PROMPTS[lang]);
      add(`${ask}\n\n${sentence(lang)} ${sentence(lang)}`, 0, lang, 'user-question', 'user', true);
    });
    if (part === 'train') {
      times(250, () => add(plant(document(lang), lang), 1, lang, 'planted-document', 'document', false));
      times(100, () => add(`${pick(TASK_WRAPPERS[lang])}\n\n${plant(document(lang), lang)}`, 1, lang, 'planted-task-document', 'document', false));
      times(200, () => add(toolResult(lang, writer.attack(lang)), 1, lang, 'planted-tool', 'tool', false));
    }
  }
  return rows;
}
