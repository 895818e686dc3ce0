import { loadLabelledSet } from '../src/privacy/__fixtures__/labelled-set.js';
/** Ordinary prose, with the odd name or number, as most prompts are. */
const PROSE = [
  "Le comité de direction s'est réuni mardi pour examiner le budget 2025. Après discussion, les membres ont validé une hausse de 3,5 % des investissements informatiques, principalement pour la migration vers le nouveau système de gestion. La prochaine réunion aura lieu le 14 octobre à 10 h.",
  'The quarterly review showed steady growth in the Northern region, with revenue up 12% year over year. However, customer churn increased slightly in September, mostly among small accounts. The team proposes a retention campaign and a revised onboarding flow before the end of the year.',
  "Pour préparer le dossier, merci de rassembler les justificatifs des trois derniers mois, le contrat signé et l'attestation d'assurance. Les pièces peuvent être déposées sur le portail ou envoyées par courrier. Le délai de traitement est d'environ quinze jours ouvrés.",
  'Could you summarise the attached report in five bullet points? Focus on the risks identified in Section 4 and the mitigation plan. Keep the tone neutral and avoid jargon: the summary will be read by the board on Thursday.',
  "Bonjour, j'ai une question sur la facture de mars : le montant de 1 245,80 € ne correspond pas au devis initial. Pourriez-vous vérifier la ligne 3 (prestation de maintenance) ? Merci d'avance pour votre retour.",
  'We migrated the service to Node.js 20 and the p99 latency dropped from 180 ms to 95 ms. The remaining issue is memory growth under load; heap snapshots point to a cache without eviction. A fix is planned for release 4.2.',
];

/**
 * Three prose paragraphs for one labelled document (PII-dense: e-mails, phones, IBANs, keys...).
 * Each time a document comes back, every digit but the first of each group is replaced by a
 * pseudo-random one: numbers keep their shape ("06 12 ...", "FR76 3000 ...") but do not repeat, so
 * no detector gets a free ride from seeing a value twice, and the work per byte stays the same
 * at 100 KB and at 1 MB.
 */
function redigit(text: string, seed: number): string {
  let state = seed * 2654435761;
  return text.replace(/(?<=\d)\d/g, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return String((state >>> 16) % 10);
  });
}

export function mixedTextForBench(bytes: number): string {
  const docs = loadLabelledSet().map((d) => d.text);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const round = Math.floor((i >> 2) / docs.length);
    const doc = docs[(i >> 2) % docs.length]!;
    const piece = i % 4 === 3 ? (round === 0 ? doc : redigit(doc, round)) : PROSE[i % PROSE.length]!;
    parts.push(piece);
    size += Buffer.byteLength(piece) + 2;
  }
  const text = parts.join('\n\n');
  return text.slice(0, bytes); // close enough: a few multi-byte characters
}

