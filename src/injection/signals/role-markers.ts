import { normalizeForModel } from '../normalize-text.js';
import { anchorSearch, firstMatches, hasAnchors, type InjectionSignal } from './injection-signal.js';

/**
 * Chat-template control tokens (ChatML, Llama 2/3, Gemma, Phi, Mistral): text that carries them
 * tries to open a turn of its own inside ours.
 */
const TEMPLATE_TOKEN =
  /<\|(?:im_start|im_end|system|user|assistant|end|endoftext|begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|eom_id|tool|ipython)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:start|end)_of_turn>|\[\/?(?:SYSTEM_PROMPT|TOOL_RESULTS|AVAILABLE_TOOLS)\]/gi;

/**
 * A line that opens like a chat turn or an order to the model: "System:", "### Assistant:",
 * "New instructions:", "Nouvelles consignes :". "User:" is left out: transcripts and forms use it.
 */
/** XML-like role tags that open or close a turn inside data: `<system>`, `</assistant>`, `<instructions>`. */
const ROLE_TAG = /<\/?(?:system|assistant|developer|instructions?|admin|im_start|sys)(?:\s[^<>]{0,40})?>/gi;

const ROLE_LINE =
  /^[ \t>*#-]*(?:\[|\()?(?:system|assistant|developer|ai assistant|system prompt|system message|new instructions?|updated instructions?|admin override|syst[eè]me|nouvelles? (?:instructions?|consignes?)|instructions? (?:syst[eè]me|pour l'(?:ia|assistant)))(?:\]|\))?[ \t]*:/gim;

/** Literal parts each pattern needs in the folded text (see hasAnchors); plain text skips the patterns. */
const TEMPLATE_ANCHORS = [['<|', 'inst]', 'sys>>', '_of_turn>', 'system_prompt]', 'tool_results]', 'available_tools]']];
const ROLE_WORDS = ['sys', 'assistant', 'developer', 'instruction', 'admin', 'im_start', 'consigne'];
const ROLE_TAG_ANCHORS = [['<'], ROLE_WORDS];
const ROLE_LINE_ANCHORS = [[':'], ROLE_WORDS];
/** Anchors searched in one alternation ('<' and ':' are everywhere: they are tested apart, with includes). */
export const ROLE_ANCHORS: readonly string[] = [...TEMPLATE_ANCHORS.flat(), ...ROLE_WORDS];
const ANCHORS = anchorSearch(ROLE_ANCHORS);

/**
 * `present`: the ROLE_ANCHORS found in the folded text (normalize-text.ts), when the caller searched
 * already; each pattern runs only when its anchors are there.
 */
export function findRoleMarkers(text: string, present: ReadonlySet<string> = ANCHORS.present(normalizeForModel(text))): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  // '<' and ':' are not in the automaton's vocabulary: added to a copy only when the text has them.
  const lt = text.includes('<');
  const colon = text.includes(':');
  const has = lt || colon ? new Set(present) : present;
  if (lt) (has as Set<string>).add('<');
  if (colon) (has as Set<string>).add(':');
  const tokens = hasAnchors(has, TEMPLATE_ANCHORS) ? firstMatches(text, TEMPLATE_TOKEN) : [];
  if (tokens.length > 0) {
    const distinct = [...new Set(tokens.map((m) => m[0].toLowerCase()))].slice(0, 4).join(' ');
    signals.push(signalOf('template_token', distinct, tokens));
  }
  const roles = [
    ...(hasAnchors(has, ROLE_LINE_ANCHORS) ? firstMatches(text, ROLE_LINE) : []),
    ...(hasAnchors(has, ROLE_TAG_ANCHORS) ? firstMatches(text, ROLE_TAG) : []),
  ].sort((a, b) => a.index - b.index);
  if (roles.length > 0) {
    const distinct = [
      ...new Set(
        roles.map((m) =>
          m[0]
            .replace(/[^\p{L} ]/gu, '')
            .trim()
            .toLowerCase(),
        ),
      ),
    ]
      .slice(0, 4)
      .join(', ');
    signals.push(signalOf('role_marker', distinct, roles));
  }
  return signals;
}

function signalOf(kind: 'template_token' | 'role_marker', detail: string, matches: RegExpExecArray[]): InjectionSignal {
  const first = matches[0] as RegExpExecArray;
  const last = matches[matches.length - 1] as RegExpExecArray;
  return { kind, detail, count: matches.length, start: first.index, end: last.index + last[0].length };
}
