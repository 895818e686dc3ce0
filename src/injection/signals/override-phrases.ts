import { normalizeForModel } from '../normalize-text.js';
import { anchorSearch, firstMatches, hasAnchors, type InjectionSignal } from './injection-signal.js';

/**
 * The phrases a rules-only filter looks for, in English and French: orders to drop earlier
 * instructions, to take a new persona, to reveal the system prompt, to keep something from the
 * user. Alone they over-flag text that talks about instructions (the hard negatives), which is why
 * they only add to the model's logit. Gaps are bounded (`{0,40}`) so a match costs linear time.
 */
const PHRASES: { detail: string; anchors: readonly (readonly string[])[]; pattern: RegExp }[] = [
  {
    detail: 'ignore previous instructions',
    anchors: [
      ['ignore', 'disregard', 'forget', 'override', 'bypass', 'skip'],
      ['instruction', 'rules', 'prompt', 'directions', 'guidelines', 'directives', 'context', 'constraints'],
    ],
    pattern:
      /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|original|initial|system|all|any|your)\b[^.\n]{0,20}?\b(?:instructions?|rules|prompts?|directions|guidelines|directives|context|constraints)\b/gi,
  },
  {
    detail: 'ignore previous instructions (fr)',
    anchors: [
      ['ignore', 'oublie', 'ne tien', 'ne tenez pas compte', 'abstraction', 'outrepasse'],
      ['instruction', 'consigne', 'regles', 'directives', 'prompt', 'contraintes'],
    ],
    pattern:
      /\b(?:ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte|ne tenez pas compte|fais abstraction|faites abstraction|outrepasse[rsz]?)\b[^.\n]{0,40}?\b(?:instructions?|consignes?|r[eè]gles|directives|prompts?|contraintes)\b[^.\n]{0,20}?(?:pr[ée]c[ée]dent|ant[ée]rieur|ci-dessus|plus haut|initial|re[çc]u|donn[ée]|syst[eè]me|de (?:ton|votre) (?:d[ée]veloppeur|cr[ée]ateur|administrateur))/gi,
  },
  {
    detail: 'new persona',
    anchors: [['you are now', 'from now on', 'you will now act', 'act as', 'pretend', 'developer mode', 'do anything now', 'jailbr']],
    pattern:
      /\b(?:you are now|from now on,? you|you will now act|act as (?:an? )?(?:unrestricted|unfiltered|dan\b)|pretend (?:to be|you are) (?:an? )?(?:unrestricted|unfiltered|evil)|developer mode|do anything now|jailbr(?:eak|oken))/gi,
  },
  {
    detail: 'new persona (fr)',
    anchors: [
      [
        'tu es desormais',
        'tu es maintenant',
        'vous etes desormais',
        'vous etes maintenant',
        'partir de maintenant',
        'mode developpeur',
        'restriction',
        'censure',
        'filtre',
      ],
    ],
    pattern:
      /\b(?:tu es d[ée]sormais|tu es maintenant|vous [eê]tes d[ée]sormais|vous [eê]tes maintenant|[àa] partir de maintenant,? (?:tu|vous)|mode d[ée]veloppeur|sans (?:aucune )?(?:restriction|censure|filtre)s?)\b/gi,
  },
  {
    detail: 'reveal the system prompt',
    anchors: [
      ['reveal', 'print', 'show', 'repeat', 'output', 'display', 'leak', 'give me'],
      ['prompt', 'your instructions', 'original instructions'],
    ],
    pattern:
      /\b(?:reveal|print|show|repeat|output|display|leak|give me)\b[^.\n]{0,30}?\b(?:system prompt|initial prompt|hidden prompt|your instructions|original instructions|pre-?prompt)/gi,
  },
  {
    detail: 'reveal the system prompt (fr)',
    anchors: [
      ['revele', 'affiche', 'repete', 'montre', 'donne', 'recopie'],
      ['prompt', 'instructions'],
    ],
    pattern:
      /\b(?:r[ée]v[eè]le|affiche|r[ée]p[eè]te|montre|donne|recopie)[rsz]?\b[^.\n]{0,30}?\b(?:prompt (?:syst[eè]me|initial)|instructions (?:syst[eè]me|initiales|cach[ée]es)|tes instructions|vos instructions|ton prompt|votre prompt)/gi,
  },
  {
    detail: 'hide from the user',
    anchors: [['the user', "l'utilisateur", "l'usager"]],
    pattern:
      /\b(?:do not|don't|never) (?:tell|inform|mention (?:this )?to|reveal (?:this )?to|show (?:this )?to) the user\b|\bwithout (?:telling|informing) the user\b|\bne (?:le )?(?:dis|dites|mentionne[zs]?|r[ée]v[eè]le[zs]?) (?:rien |pas |jamais )(?:[àa] l'utilisateur|[àa] l'usager)|\bsans (?:le dire|pr[ée]venir|informer) (?:[àa] )?l'utilisateur/gi,
  },
];

/** Every anchor the phrases need (collect-signals.ts searches them once with the role markers'). */
export const OVERRIDE_ANCHORS: readonly string[] = PHRASES.flatMap((p) => p.anchors.flat());
const ANCHORS = anchorSearch(OVERRIDE_ANCHORS);

/**
 * Each phrase first needs its `anchors` in the folded text (normalize-text.ts; one word of each
 * list, lower case, accents removed: literal parts of the pattern, so no match is lost); plain text
 * seldom has them, and the patterns are not run on it. `present`: the anchors found there, when the
 * caller searched already.
 */
export function findOverridePhrases(text: string, present: ReadonlySet<string> = ANCHORS.present(normalizeForModel(text))): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  for (const { detail, anchors, pattern } of PHRASES) {
    if (!hasAnchors(present, anchors)) continue;
    const matches = firstMatches(text, pattern);
    if (matches.length === 0) continue;
    const first = matches[0] as RegExpExecArray;
    const last = matches[matches.length - 1] as RegExpExecArray;
    signals.push({ kind: 'override_phrase', detail, count: matches.length, start: first.index, end: last.index + last[0].length });
  }
  return signals;
}
