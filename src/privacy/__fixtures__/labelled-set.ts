import { readFileSync } from 'node:fs';

/** One labelled document: `text` without markup, gold spans as offsets into it. */
export interface LabelledExample {
  id: string;
  split: 'dev' | 'heldout';
  lang: 'fr' | 'en';
  text: string;
  spans: { type: string; start: number; end: number }[];
}

const HEADER = /^### (dev|heldout) (fr|en) (\S+)\s*$/;
const MARK = /⟦([A-Z_]+)\|([^⟧]*)⟧/g;

/** Parses the markup of labelled-set.txt (see its header). */
export function parseLabelledSet(source: string): LabelledExample[] {
  const examples: LabelledExample[] = [];
  let current: { head: RegExpMatchArray; lines: string[] } | null = null;
  const close = () => {
    if (current === null) return;
    const [, split, lang, id] = current.head;
    examples.push({ id: id!, split: split as 'dev' | 'heldout', lang: lang as 'fr' | 'en', ...unmark(current.lines.join('\n').trim()) });
  };
  for (const line of source.split('\n')) {
    const head = line.match(HEADER);
    if (head !== null) {
      close();
      current = { head, lines: [] };
    } else if (current !== null) {
      current.lines.push(line);
    }
  }
  close();
  return examples;
}

function unmark(marked: string): Pick<LabelledExample, 'text' | 'spans'> {
  const spans: LabelledExample['spans'] = [];
  let text = '';
  let at = 0;
  for (const m of marked.matchAll(MARK)) {
    text += marked.slice(at, m.index);
    const value = m[2]!;
    spans.push({ type: m[1]!, start: text.length, end: text.length + value.length });
    text += value;
    at = m.index + m[0].length;
  }
  text += marked.slice(at);
  return { text, spans };
}

/** The labelled set shipped next to this file. */
export function loadLabelledSet(): LabelledExample[] {
  return parseLabelledSet(readFileSync(new URL('./labelled-set.txt', import.meta.url), 'utf8'));
}
