import { AMBIGUOUS_FIRST_NAMES, CAPITALISED_NON_NAMES } from '../lexicons/capitalised-non-names.js';
import { FIRST_NAMES_EN } from '../lexicons/first-names-en.js';
import { FIRST_NAMES_FR } from '../lexicons/first-names-fr.js';

/**
 * The lookup key of a word: lower case. Sets hold each word both with and without its accents,
 * so "Hélène", "HÉLÈNE" and "Helene" all meet without normalising every token of the text.
 */
export function foldName(word: string): string {
  return word.toLowerCase();
}

function stripAccents(word: string): string {
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function foldedSet(...lists: string[]): Set<string> {
  const set = new Set<string>();
  for (const list of lists) {
    for (const w of list.split(/\s+/)) {
      if (!w) continue;
      set.add(foldName(w));
      set.add(foldName(stripAccents(w)));
    }
  }
  return set;
}

/** Titles before a name; `.` optional unless noted in `TITLES_NEED_DOT`. */
const TITLES = foldedSet(`M MM Mme Mmes Mlle Mlles Mr Mrs Ms Mx Dr Dre Drs Pr Prof Me Maître Maitre Docteur Docteure Doctor
  Professeur Professeure Professor Monsieur Madame Mademoiselle Miss Mister Sir Dame Lady Lord Sr Sœur Soeur Frère
  Abbé Mgr Inspecteur Inspectrice Commissaire Rev`);
/** "M" and "Me" are too common without their dot ("Me too"): only "M." and "Me" before a capitalised word. */
export const TITLES_NEED_DOT = new Set(['m', 'mm']);

/** Labels announcing a name: "Patient : Jeanne Roux", "Titulaire du compte : M. X". */
const LABEL_CUES = foldedSet(`Nom Prénom Prénoms Name Patient Patiente Client Cliente Contact Signé Signed Signature
  Employé Employée Salarié Salariée Destinataire Bénéficiaire Titulaire Beneficiary Cardholder Holder Attn Auteur Author
  Rédacteur Rédactrice Expéditeur Sender Recipient Candidat Candidate Témoin Witness Mère Père Mother Father Époux Épouse
  Conjoint Conjointe Spouse Interlocuteur Interlocutrice Référent Référente Demandeur Demandeuse Requester Assignee
  Assigné Assignée Reporter Manager Responsable Tuteur Tutrice Guardian Locataire Tenant Propriétaire Owner Débiteur
  Emprunteur Borrower Assuré Assurée Insured Élève Student Étudiant Étudiante Employee Applicant`);

/** Greetings and thanks that put a name right after them: "Bonjour Maëlle," "Dear Kwabena,". */
const GREETINGS = foldedSet('Bonjour Bonsoir Salut Coucou Cher Chère Hello Hi Hey Dear Merci Thanks Thank Bravo Congratulations Félicitations');

/** Capitalised particles that start a surname: "Anne Le Goff", "Jan Van Dyke", "Rosa Di Marco". */
export const CAPITAL_PARTICLES = new Set(['Le', 'La', 'De', 'Du', 'Des', 'Van', 'Von', 'Der', 'Di', 'Da', 'Del', 'Della', 'Dos', 'Das', 'Ben', 'El', 'Al', 'Ter', 'Ten', 'Mac', 'Mc', 'St', 'Saint']);

export interface PersonLexicon {
  firstNames: Set<string>;
  ambiguous: Set<string>;
  nonNames: Set<string>;
  titles: Set<string>;
  labelCues: Set<string>;
  greetings: Set<string>;
}

let cached: PersonLexicon | undefined;

/** Built once (about 3,000 words); pure data after that. */
export function personLexicon(): PersonLexicon {
  cached ??= {
    firstNames: foldedSet(FIRST_NAMES_FR, FIRST_NAMES_EN),
    ambiguous: foldedSet(AMBIGUOUS_FIRST_NAMES),
    nonNames: foldedSet(CAPITALISED_NON_NAMES, 'World Team Everyone All Tous Toutes Tout Équipe Bonjour Hello'),
    titles: TITLES,
    labelCues: LABEL_CUES,
    greetings: GREETINGS,
  };
  return cached;
}

/** A first name of the lexicon, compound ones ("Anne-Gaëlle") part by part. */
export function isFirstName(lexicon: PersonLexicon, folded: string): boolean {
  if (lexicon.firstNames.has(folded)) return true;
  if (!folded.includes('-')) return false;
  return folded.split('-').every((part) => part.length > 1 && lexicon.firstNames.has(part));
}
