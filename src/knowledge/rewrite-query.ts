import type { ChatMessage } from '../providers/spec.js';

/** Function words of English and French that say nothing about the topic. */
const STOP = new Set(
  ('the a an and or of to in on at for with by is are was were be been it its this that these those what when where who whom how why which i you he she we they my your his her our their ' +
    'not no yes do does did can could will would should shall may might must as if any some about before after there here have has had me him them us please hello thanks thank ' +
    'also more most very just than then so such only own same too into from over under again further once all both each few other nor out up down off above below ' +
    'tell give show find know think want need like make get say said one two ' +
    'le la les l de des du d un une et ou est sont à a en pour avec dans sur au aux je tu il elle nous vous ils elles on mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ' +
    'ce cet cette ces qui que quoi quand où pas oui non ne plus moins très bien aussi mais donc car ni se s y c qu n m t j été être avoir fait faire dit peux peut pouvez ' +
    'quel quelle quels quelles comment pourquoi combien merci bonjour svp stp alors encore déjà comme par entre sans sous chez lui eux moi toi celui celle ceux').split(' '),
);

function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (message.content === null) return '';
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
}

function salientTerms(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).map((w) => w.replace(/^[ldjmnstc]'/i, '')).filter((w) => w.length >= (/^\d+$/.test(w) ? 4 : 3) && !STOP.has(w.toLowerCase()));
}

/**
 * The search query for the last user turn. A follow-up ("and in March?", "who sent it?") names
 * little by itself, so salient terms of the previous user turns (most recent first, then the
 * last assistant answer) are appended, at most `maxExtraTerms`. Cheap and local: no model call.
 */
export function rewriteQuery(messages: readonly ChatMessage[], maxExtraTerms = 8): string {
  const users = messages.filter((m) => m.role === 'user');
  const last = users.at(-1);
  if (last === undefined) return '';
  const question = textOf(last).trim();
  if (users.length === 1) return question;
  const have = new Set(salientTerms(question).map((t) => t.toLowerCase()));
  const extra: string[] = [];
  const lastIndex = messages.lastIndexOf(last);
  const earlier = messages.slice(0, lastIndex).filter((m) => m.role === 'user').reverse();
  const answer = messages.slice(0, lastIndex).filter((m) => m.role === 'assistant').at(-1);
  for (const message of [...earlier, ...(answer === undefined ? [] : [answer])]) {
    for (const term of salientTerms(textOf(message))) {
      const key = term.toLowerCase();
      if (have.has(key)) continue;
      have.add(key);
      extra.push(term);
      if (extra.length >= maxExtraTerms) return `${question} ${extra.join(' ')}`;
    }
  }
  return extra.length === 0 ? question : `${question} ${extra.join(' ')}`;
}
