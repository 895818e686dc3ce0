import { firstMatches, MAX_MATCHES, type InjectionSignal } from './injection-signal.js';

/** Words that can only name a machine (EN and FR): not "assistant" or "agent", which are also people's jobs. */
const MACHINE_EN = String.raw`(?:ai|a\.i\.|llm|large language model|language model|chatbot|bot|gpt|chatgpt|claude|gemini|copilot|(?:ai|virtual|automated|digital) (?:assistant|agent|model|system|reader))`;
const MACHINE_FR = String.raw`(?:ia|i\.a\.|intelligence artificielle|mod[eè]le de langage|chatbot|llm|lecteur automatique|syst[eè]me automatique|outil (?:de (?:synth[eè]se|r[ée]sum[ée]|tri))|(?:assistant|agent|mod[eè]le) (?:ia|virtuel|automatique|conversationnel))`;
/** Also the job names: only in a vocative followed by an order to the one addressed. */
const ADDRESSEE = String.raw`(?:${MACHINE_EN}|${MACHINE_FR}|assistant|assistante|model|mod[eè]le|agent)`;
/** A participle or a relative clause ("the AI reading this", "any bot that processes this"), not a plain statement. */
const READS_EN = String.raw`(?:(?:that|which|who) (?:reads|is reading|summari[sz]es|processes|parses|analy[sz]es|handles|scans|screens)|reading|summari[sz]ing|processing|parsing|analy[sz]ing|handling|scanning|screening)`;
const READS_FR = String.raw`(?:lit|lira|lisent|liront|r[ée]sume|r[ée]sumera|traite|traitera|analyse|analysera|parcourt|examine|examinera|trie|triera)`;
/** Not inside a word (JavaScript's \b does not know accented letters). */
const START = String.raw`(?<![A-Za-z0-9_À-ÿ])`;
const END = String.raw`(?![A-Za-z0-9_À-ÿ-])`;

/**
 * "Assistant, when you summarise…", "IA : ne mentionne pas…": the name, a comma or colon, then a
 * second-person order (a role line "Assistant:" alone is role-markers.ts's business).
 */
const VOCATIVE = new RegExp(
  String.raw`(?:^|[.!?\n(]\s*)${ADDRESSEE}\s*[,:]\s*(?:please |now |then |s'il te pla[iî]t,? )?(?:when you|while you|before you|as you|you (?:must|should|will|need to)|quand tu|lorsque tu|avant de|tu (?:dois|devras|vas)|ne (?:mentionne|dis|parle|r[ée]v[eè]le)|ignore|forget|oublie|do not|don't|never|always|include|add|tell|send|forward|reply|respond|say|mention|write|transmets|envoie|ajoute|indique|r[ée]ponds|dis|[ée]cris)${END}`,
  'gim',
);

/**
 * Text that speaks to the model reading it rather than to a person: "if you are an AI", "note to
 * the AI", "any AI reading this", "Assistant, when you summarise…", "à l'intention de l'IA",
 * "l'IA qui lira ce message". In a mail, a document or a tool result this is how a planted
 * instruction starts (the data context); in a user's own message it is ordinary, so it weighs
 * nothing there (SIGNAL_LOGIT). Gaps are bounded, so a match costs linear time.
 */
const PHRASES: { detail: string; pattern: RegExp }[] = [
  {
    detail: 'if you are an AI',
    pattern: new RegExp(
      String.raw`${START}(?:(?:if|in case) you(?:'re| are) (?:an? |the )?(?:automated |automatic )?(?:${MACHINE_EN}|assistant)${END}|si (?:tu es|vous [eê]tes) (?:une? |l')?${MACHINE_FR}${END})`,
      'gi',
    ),
  },
  {
    detail: 'note to the AI',
    pattern: new RegExp(
      String.raw`${START}(?:(?:note|message|instructions?|reminder|attention) (?:to|for) (?:the |any |all |an? )?${MACHINE_EN}s?\s*[,:;.!)]|(?:dear|hey|hello|hi) ${MACHINE_EN}\s*[,:!]|(?:note|message|remarque|information|consignes?(?: de traitement)?|instructions?) (?:pour|[àa] l'intention d[eu]|destin[ée]es? [àa]) (?:l'|le |la |tout |toute |une? |les )?${MACHINE_FR}s?\s*[,:;.!)]|[àa] l'intention d[eu] (?:l'|la |le )?${MACHINE_FR}\s*[,:;.!)]|(?:ch[eè]re?|salut|bonjour) (?:l')?${MACHINE_FR}\s*[,:!])`,
      'gi',
    ),
  },
  {
    detail: 'the AI reading this',
    pattern: new RegExp(
      String.raw`${START}(?:(?:the|any|an?|every|whichever) ${MACHINE_EN}s? ${READS_EN} (?:this|these)${END}|(?:l'|le |la |tout |toute |une? |chaque )?${MACHINE_FR}s? qui ${READS_FR}${END}[^.\n]{0,12}?${START}(?:ce|cette|ces|le pr[ée]sent)${END})`,
      'gi',
    ),
  },
  { detail: 'vocative to the assistant', pattern: VOCATIVE },
];

/**
 * Where a phrase may be: the machine's names (AI, IA, LLM, GPT in capitals; assistant, chatbot,
 * model, agent… in any case). Plain text seldom names them, so most texts stop at this one search;
 * the phrases then run only on the text around each name (WINDOW characters either side), which
 * keeps their cost off long texts.
 */
const NAMES_CAPITALS = /AI|IA|A\.I\.|I\.A\.|LLM|GPT/g;
const NAMES_ANY_CASE =
  /assistante?|chatbot|bot|agent|model|mod[eè]le|intelligence artificielle|copilot|claude|gemini|lecteur automatique|syst[eè]me automatique|outil de (?:synth[eè]se|r[ée]sum[ée]|tri)/gi;
const WINDOW = 100;
/**
 * What the folded text (lower case, accents removed: normalize-text.ts) holds wherever one of the
 * two name patterns matches the text: their literal parts, lower-cased, `[eè]` as `e`. Only ASCII
 * letters match the patterns' ASCII letters (case-insensitive matching without the `u` flag never
 * maps a non-ASCII character to ASCII), and the fold keeps those letters and single spaces.
 * None of them in the folded text: no name, so no phrase (see findAddressedToModel's `present`).
 */
export const NAME_ANCHORS: readonly string[] = [
  'ai',
  'ia',
  'a.i.',
  'i.a.',
  'llm',
  'gpt',
  'assistant',
  'bot',
  'agent',
  'model',
  'intelligence artificielle',
  'copilot',
  'claude',
  'gemini',
  'lecteur automatique',
  'systeme automatique',
  'outil de ',
];
const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 0xc0 && c <= 0x24f);

/** Spans of `text` around the machine's names, merged, at most MAX_MATCHES names (exported for the tests of NAME_ANCHORS). */
export function spansAroundNames(text: string): { start: number; end: number }[] {
  const hits: number[] = [];
  for (const pattern of [NAMES_CAPITALS, NAMES_ANY_CASE]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null && hits.length < MAX_MATCHES; m = pattern.exec(text)) {
      // Whole words only (a plural s allowed): not "both", "robot", "modeling".
      const before = m.index === 0 ? 32 : text.charCodeAt(m.index - 1);
      let after = m.index + m[0].length;
      if ((text.charCodeAt(after) | 32) === 115) after++;
      if (!isWordCode(before) && !isWordCode(after < text.length ? text.charCodeAt(after) : 32)) hits.push(m.index);
    }
  }
  hits.sort((a, b) => a - b);
  const spans: { start: number; end: number }[] = [];
  for (const at of hits) {
    const start = Math.max(0, at - WINDOW);
    const end = Math.min(text.length, at + WINDOW);
    const last = spans[spans.length - 1];
    if (last !== undefined && start <= last.end) last.end = end;
    else spans.push({ start, end });
  }
  return spans;
}

/**
 * Phrases of `text` addressed to the model that reads it (see PHRASES). `present`: the anchors
 * found in the folded text, when the caller searched already (collect-signals.ts); without any of
 * NAME_ANCHORS there the text names no machine and the name patterns are not run.
 */
export function findAddressedToModel(text: string, present?: ReadonlySet<string>): InjectionSignal[] {
  if (present !== undefined && !NAME_ANCHORS.some((a) => present.has(a))) return [];
  const spans = spansAroundNames(text);
  if (spans.length === 0) return [];
  const signals: InjectionSignal[] = [];
  for (const { detail, pattern } of PHRASES) {
    let count = 0;
    let first = -1;
    let last = -1;
    for (const span of spans) {
      // A span starts WINDOW characters before a name, so a vocative's line start (^) is the text's own.
      const slice = text.slice(span.start, span.end);
      for (const m of firstMatches(slice, pattern)) {
        count++;
        if (first === -1) first = span.start + m.index;
        last = span.start + m.index + m[0].length;
      }
      if (count >= MAX_MATCHES) break;
    }
    if (count > 0) signals.push({ kind: 'addressed_to_model', detail, count: Math.min(count, MAX_MATCHES), start: first, end: last });
  }
  return signals;
}
