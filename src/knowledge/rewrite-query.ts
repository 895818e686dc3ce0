import type { ChatMessage } from '../providers/spec.js';

/** Function words of English and French that say nothing about the topic. */
const STOP = new Set(
  (
    'the a an and or of to in on at for with by is are was were be been it its this that these those what when where who whom how why which i you he she we they my your his her our their ' +
    'not no yes do does did can could will would should shall may might must as if any some about before after there here have has had me him them us please hello thanks thank ' +
    'also more most very just than then so such only own same too into from over under again further once all both each few other nor out up down off above below ' +
    'because while since until though although whether tell give show find know think want need like make get say said one two ' +
    'le la les l de des du d un une et ou est sont à a en pour avec dans sur au aux je tu il elle nous vous ils elles on mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ' +
    'ce cet cette ces qui que quoi quand où pas oui non ne plus moins très bien aussi mais donc car ni se s y c qu n m t j été être avoir fait faire dit peux peut pouvez ' +
    'ont avons avez avait avaient sera seront était étaient suis êtes quel quelle quels quelles comment pourquoi combien merci bonjour svp stp alors encore déjà comme par entre sans sous chez lui eux moi toi celui celle ceux'
  ).split(' '),
);

function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (message.content === null) return '';
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
}

function salientTerms(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [])
    .map((w) => w.replace(/^[ldjmnstc]'/i, ''))
    .filter((w) => w.length >= (/^\d+$/.test(w) ? 4 : 3) && !STOP.has(w.toLowerCase()));
}

/** Salient terms taken from the last answer when the question points at none of its list items: its longest words. */
const ANSWER_TERMS = 4;

/** Ordinals a follow-up uses to point at an item of the answer's list ("the second one", "le deuxième"); -1 is the last. */
const ORDINALS = new Map<string, number>([
  ['first', 1],
  ['second', 2],
  ['third', 3],
  ['fourth', 4],
  ['fifth', 5],
  ['sixth', 6],
  ['last', -1],
  ['premier', 1],
  ['première', 1],
  ['deuxième', 2],
  ['seconde', 2],
  ['troisième', 3],
  ['quatrième', 4],
  ['cinquième', 5],
  ['sixième', 6],
  ['dernier', -1],
  ['dernière', -1],
]);

/**
 * The 1-based item (-1: the last) a question points at: "the second one", "la dernière", "the
 * 2nd", "le 3e", "number 2", "#2". A spelled ordinal counts only after an article, so "last
 * week" or "when did we first meet" point at nothing.
 */
function referencedPosition(question: string): number | null {
  const lower = question.toLowerCase();
  for (const [, word] of lower.matchAll(/(?:^|[^\p{L}])(?:(?:the|le|la|au|du)\s+|l['’]\s*)(\p{L}+)/gu)) {
    const position = ORDINALS.get(word ?? '');
    if (position !== undefined) return position;
  }
  const numbered =
    /(?:^|[^\p{L}\p{N}])(\d{1,2})(?:st|nd|rd|th|e|er|re|ème|eme)(?![\p{L}\p{N}])|(?:#|n°\s*|number\s+|numéro\s+|item\s+|point\s+)(\d{1,2})(?!\p{N})/u.exec(
      lower,
    );
  const digits = numbered?.[1] ?? numbered?.[2];
  return digits === undefined ? null : Number(digits);
}

/** The items of a bulleted or numbered list in an answer, in order. */
function listItems(answer: string): string[] {
  return answer.split('\n').flatMap((line) => {
    const item = /^\s*(?:[-*•]|\d{1,2}[.)])\s+(.+)$/u.exec(line);
    return item?.[1] === undefined ? [] : [item[1]];
  });
}

/** The answer's list item that the question points at, when it does and the answer has that item. */
function referencedItem(question: string, answer: string): string | null {
  const position = referencedPosition(question);
  if (position === null) return null;
  const items = listItems(answer);
  return (position === -1 ? items.at(-1) : items[position - 1]) ?? null;
}

/** The `count` longest salient terms of a text not in `known` (lower case), in their order: long words are the rarer ones (Zipf). */
function longestTerms(text: string, count: number, known: ReadonlySet<string>): string[] {
  const terms = [...new Map(salientTerms(text).map((t) => [t.toLowerCase(), t])).values()].filter((t) => !known.has(t.toLowerCase()));
  const kept = new Set([...terms].sort((a, b) => b.length - a.length).slice(0, count));
  return terms.filter((t) => kept.has(t));
}

/**
 * The search query for the last user turn. A follow-up ("and in March?", "who sent it?", "and the
 * second one?") names little by itself, so salient terms of the conversation are appended, most
 * recent first, at most `maxExtraTerms`: from the last answer, the list item the question points at
 * or else a few of its longest words; then the earlier user turns, latest first. A
 * question without a letter or digit is returned as it is (retrieval skips it). Cheap and local:
 * no model call.
 */
export function rewriteQuery(messages: readonly ChatMessage[], maxExtraTerms = 10): string {
  const users = messages.filter((m) => m.role === 'user');
  const last = users.at(-1);
  if (last === undefined) return '';
  const question = textOf(last).trim();
  if (users.length === 1 || !/[\p{L}\p{N}]/u.test(question)) return question;
  const earlier = messages.slice(0, messages.lastIndexOf(last));
  const lastAnswer = earlier.filter((m) => m.role === 'assistant').at(-1);
  const answer = lastAnswer === undefined ? '' : textOf(lastAnswer);
  const have = new Set(salientTerms(question).map((t) => t.toLowerCase()));
  const item = referencedItem(question, answer);
  const sources = [
    item === null ? longestTerms(answer, ANSWER_TERMS, have) : salientTerms(item),
    ...earlier
      .filter((m) => m.role === 'user')
      .reverse()
      .map((m) => salientTerms(textOf(m))),
  ];
  const extra: string[] = [];
  for (const term of sources.flat()) {
    const key = term.toLowerCase();
    if (have.has(key)) continue;
    have.add(key);
    extra.push(term);
    if (extra.length >= maxExtraTerms) break;
  }
  return extra.length === 0 ? question : `${question} ${extra.join(' ')}`;
}
