import { normalizeForModel } from '../normalize-text.js';
import { anchorSearch, firstMatches, hasAnchors, type InjectionSignal } from './injection-signal.js';

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
 * Text that speaks to the model reading it rather than to a person: "if you are an AI", "note to
 * the AI", "any AI reading this", "Assistant, when you summarise…", "à l'intention de l'IA",
 * "l'IA qui lira ce message". In a mail, a document or a tool result this is how a planted
 * instruction starts (the data context); in a user's own message it is ordinary, so it weighs
 * nothing there (SIGNAL_LOGIT). Gaps are bounded, so a match costs linear time.
 */
const PHRASES: { detail: string; anchors: readonly (readonly string[])[]; pattern: RegExp }[] = [
  {
    detail: 'if you are an AI',
    anchors: [['if you are', "if you're", 'in case you are', 'si tu es', 'si vous etes']],
    pattern: new RegExp(
      String.raw`${START}(?:(?:if|in case) you(?:'re| are) (?:an? |the )?(?:automated |automatic )?(?:${MACHINE_EN}|assistant)${END}|si (?:tu es|vous [eê]tes) (?:une? |l')?${MACHINE_FR}${END})`,
      'gi',
    ),
  },
  {
    detail: 'note to the AI',
    anchors: [
      [
        'note',
        'message',
        'attention',
        'instruction',
        'reminder',
        'remarque',
        'information',
        'consigne',
        'intention',
        'destine',
        'dear',
        'cher',
        'hey',
        'hello',
        'salut',
        'bonjour',
      ],
    ],
    pattern: new RegExp(
      String.raw`${START}(?:(?:note|message|instructions?|reminder|attention) (?:to|for) (?:the |any |all |an? )?${MACHINE_EN}s?\s*[,:;.!)]|(?:dear|hey|hello|hi) ${MACHINE_EN}\s*[,:!]|(?:note|message|remarque|information|consignes?(?: de traitement)?|instructions?) (?:pour|[àa] l'intention d[eu]|destin[ée]es? [àa]) (?:l'|le |la |tout |toute |une? |les )?${MACHINE_FR}s?\s*[,:;.!)]|[àa] l'intention d[eu] (?:l'|la |le )?${MACHINE_FR}\s*[,:;.!)]|(?:ch[eè]re?|salut|bonjour) (?:l')?${MACHINE_FR}\s*[,:!])`,
      'gi',
    ),
  },
  {
    detail: 'the AI reading this',
    anchors: [['this', 'these', 'qui ', 'ce ', 'cette', 'ces ']],
    pattern: new RegExp(
      String.raw`${START}(?:(?:the|any|an?|every|whichever) ${MACHINE_EN}s? ${READS_EN} (?:this|these)${END}|(?:l'|le |la |tout |toute |une? |chaque )?${MACHINE_FR}s? qui ${READS_FR}${END}[^.\n]{0,12}?${START}(?:ce|cette|ces|le pr[ée]sent)${END})`,
      'gi',
    ),
  },
  {
    detail: 'vocative to the assistant',
    anchors: [['assistant', 'ai', 'ia', 'model', 'modele', 'bot', 'agent', 'gpt', 'claude', 'lecteur', 'llm', 'copilot', 'gemini']],
    // "Assistant, when you summarise…", "IA : ne mentionne pas…": the name, a comma or colon, then a
    // second-person order (a role line "Assistant:" alone is role-markers.ts's business).
    pattern: new RegExp(
      String.raw`(?:^|[.!?\n(]\s*)${ADDRESSEE}\s*[,:]\s*(?:please |now |then |s'il te pla[iî]t,? )?(?:when you|while you|before you|as you|you (?:must|should|will|need to)|quand tu|lorsque tu|avant de|tu (?:dois|devras|vas)|ne (?:mentionne|dis|parle|r[ée]v[eè]le)|ignore|forget|oublie|do not|don't|never|always|include|add|tell|send|forward|reply|respond|say|mention|write|transmets|envoie|ajoute|indique|r[ée]ponds|dis|[ée]cris)${END}`,
      'gim',
    ),
  },
];

/** Every anchor the phrases need (collect-signals.ts searches them once with the other rules'). */
export const ADDRESSED_ANCHORS: readonly string[] = PHRASES.flatMap((p) => p.anchors.flat());
const ANCHORS = anchorSearch(ADDRESSED_ANCHORS);

/** Phrases of `text` addressed to the model that reads it (see PHRASES); `present` as in findOverridePhrases. */
export function findAddressedToModel(text: string, present: ReadonlySet<string> = ANCHORS.present(normalizeForModel(text))): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  for (const { detail, anchors, pattern } of PHRASES) {
    if (!hasAnchors(present, anchors)) continue;
    const matches = firstMatches(text, pattern);
    if (matches.length === 0) continue;
    const first = matches[0] as RegExpExecArray;
    const last = matches[matches.length - 1] as RegExpExecArray;
    signals.push({ kind: 'addressed_to_model', detail, count: matches.length, start: first.index, end: last.index + last[0].length });
  }
  return signals;
}
