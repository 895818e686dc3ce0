import { AMBIGUOUS_FIRST_NAMES, CAPITALISED_NON_NAMES, PLACE_NOUNS_AFTER, PLACE_NOUNS_BEFORE } from '../lexicons/capitalised-non-names.js';
import { FIRST_NAMES_EN } from '../lexicons/first-names-en.js';
import { FIRST_NAMES_FR } from '../lexicons/first-names-fr.js';
import { CUE_BITS, cueEntries } from '../lexicons/cue-words.js';
import { FoldedWordTable, foldedHash } from './folded-word-table.js';
import { letterClass, UPPER } from './letter-classes.js';

/** What the lexicons say about a word: a bit set, one lookup per capitalised word of the text. */
export const FIRST_NAME = 1;
/** A first name that is also an ordinary word ("Will", "Rose"): a name only with more evidence. */
export const AMBIGUOUS = 2;
/** Never starts a name, never serves as a surname. */
export const NON_NAME = 4;
export const TITLE = 8;
/** "M" and "MM" are titles only with their dot ("M. Dupont"). */
export const TITLE_NEEDS_DOT = 16;
export const LABEL_CUE = 32;
export const GREETING = 64;
/** "Hospital", "Lycée"...: after a name, the name is that of a place. */
export const PLACE_AFTER = 128;
/** Flags of words as written (case-sensitive): "Le" is a particle, "LE" is not. */
export const PARTICLE = 256;
export const SAINT = 512;
export const LEGAL_FORM = 1024;
/** "St." in "Jean St. Clair" does not end a sentence. */
export const ABBREVIATION = 2048;
/** Not from the lexicon: two upper-case letters at least and no lower-case one ("DUPONT"). */
export const ALL_CAPS = 4096;

/** Every bit of the person lexicon's case-blind words (the cue words' bits are above). */
const PERSON_BITS = ~CUE_BITS;

/** Titles before a name; `.` optional unless noted with TITLE_NEEDS_DOT. */
const TITLES = `M MM Mme Mmes Mlle Mlles Mr Mrs Ms Mx Dr Dre Drs Pr Prof Me Maître Maitre Docteur Docteure Doctor
  Professeur Professeure Professor Monsieur Madame Mademoiselle Miss Mister Sir Dame Lady Lord Sr Sœur Soeur Frère
  Abbé Mgr Inspecteur Inspectrice Commissaire Rev`;

/** Labels announcing a name: "Patient : Jeanne Roux", "Titulaire du compte : M. X". */
const LABEL_CUES = `Nom Prénom Prénoms Name Patient Patiente Client Cliente Contact Signé Signed Signature
  Employé Employée Salarié Salariée Destinataire Bénéficiaire Titulaire Beneficiary Cardholder Holder Attn Auteur Author
  Rédacteur Rédactrice Expéditeur Sender Recipient Candidat Candidate Témoin Witness Mère Père Mother Father Époux Épouse
  Conjoint Conjointe Spouse Interlocuteur Interlocutrice Référent Référente Demandeur Demandeuse Requester Assignee
  Assigné Assignée Reporter Manager Responsable Tuteur Tutrice Guardian Locataire Tenant Propriétaire Owner Débiteur
  Emprunteur Borrower Assuré Assurée Insured Élève Student Étudiant Étudiante Employee Applicant`;

/** Greetings and thanks that put a name right after them: "Bonjour Maëlle," "Dear Kwabena,". */
const GREETINGS = 'Bonjour Bonsoir Salut Coucou Cher Chère Hello Hi Hey Dear Merci Thanks Thank Bravo Congratulations Félicitations';

/** Capitalised particles that start a surname: "Anne Le Goff", "Jan Van Dyke", "Rosa Di Marco". As written. */
const PARTICLES = 'Le La De Du Des Van Von Der Di Da Del Della Dos Das Ben El Al Ter Ten Mac Mc St Saint';

/** A name right after these names a place or a feast ("St. Mary's", "Sainte-Catherine"). As written. */
const SAINTS = 'St Ste Saint Sainte San Santa Santo São Sao Sankt';

/** Legal forms: "Stone Design LLC", "Martin Conseil SARL" name a company. As written. */
const LEGAL_FORMS =
  'LLC Inc INC Ltd LTD Ltée Corp Corporation Incorporated Limited GmbH AG SA SAS SASU SARL EURL SCI SCOP SNC PLC Plc LLP LP BV NV SpA Srl SRL';

/** Shape bits of a capitalised word, computed by the tokenizer along with its hash. */
export const SHAPE_LOWER = 1;
export const SHAPE_HYPHEN = 2;

export interface PersonLexicon {
  /**
   * Flags of the capitalised word text[start, end) in any case ("Marie", "MARIE", "MacKenzie"),
   * given its foldedHash and shape bits. Adds ALL_CAPS from the shape. `keep` (default: the
   * person bits only) may let the cue words' bits through (the tagger's lookups).
   */
  lookup(text: string, start: number, end: number, hash: number, shape: number, keep?: number): number;
  /**
   * The one case-blind table of the PERSON detector and the tagger: the person lexicon's words
   * and the tagger's cue words (lexicons/cue-words.ts), their bits or-ed. Sharing it keeps one
   * table in the CPU caches instead of two during a scan.
   */
  words: FoldedWordTable;
  /** PARTICLE, SAINT, LEGAL_FORM and ABBREVIATION: of words as written, case-sensitive. */
  asWritten(word: string): number;
  /** Lower-case words before a name that make it the name of a place ("salle Victor Hugo"). */
  placeNounsBefore: ReadonlySet<string>;
  /** The case-blind words and their flags (lower-cased, with and without accents), for tables built on top. */
  entries(): ReadonlyMap<string, number>;
}

let cached: PersonLexicon | undefined;

/** Built once (about 3,000 words, with and without accents); pure data after that. */
export function personLexicon(): PersonLexicon {
  if (cached !== undefined) return cached;
  const folded = new Map<string, number>();
  const add = (list: string, flag: number) => {
    for (const word of words(list)) {
      for (const lower of [word.toLowerCase(), stripAccents(word).toLowerCase()]) folded.set(lower, (folded.get(lower) ?? 0) | flag);
    }
  };
  add(FIRST_NAMES_FR, FIRST_NAME);
  add(FIRST_NAMES_EN, FIRST_NAME);
  add(AMBIGUOUS_FIRST_NAMES, AMBIGUOUS);
  add(CAPITALISED_NON_NAMES, NON_NAME);
  add('World Team Everyone All Tous Toutes Tout Équipe Bonjour Hello', NON_NAME);
  add(TITLES, TITLE);
  add('M MM', TITLE_NEEDS_DOT);
  add(LABEL_CUES, LABEL_CUE);
  add(GREETINGS, GREETING);
  add(PLACE_NOUNS_AFTER, PLACE_AFTER);
  const shared = new Map(folded);
  for (const [word, bits] of cueEntries()) shared.set(word, (shared.get(word) ?? 0) | bits);
  const table = new FoldedWordTable(shared);

  const written = new Map<string, number>();
  const addAsWritten = (list: string, flag: number) => {
    for (const word of words(list)) written.set(word, (written.get(word) ?? 0) | flag);
  };
  addAsWritten(PARTICLES, PARTICLE);
  addAsWritten(SAINTS, SAINT);
  addAsWritten(LEGAL_FORMS, LEGAL_FORM);
  addAsWritten('St Ste', ABBREVIATION);

  function lookup(text: string, start: number, end: number, hash: number, shape: number, keep = PERSON_BITS): number {
    let f = table.get(text, start, end, hash) & keep;
    // A compound first name ("Anne-Gaëlle") is a first name when each part is one.
    if ((f & FIRST_NAME) === 0 && (shape & SHAPE_HYPHEN) !== 0 && compoundFirstName(text, start, end)) f |= FIRST_NAME;
    if ((shape & SHAPE_LOWER) === 0 && end - start > 1 && isUpperLetter(text.charCodeAt(start + 1))) f |= ALL_CAPS;
    return f;
  }

  function compoundFirstName(text: string, start: number, end: number): boolean {
    for (let from = start; from <= end;) {
      let to = from;
      while (to < end && text.charCodeAt(to) !== 45 /* - */) to++;
      if (to - from < 2 || (table.get(text, from, to, foldedHash(text, from, to)) & FIRST_NAME) === 0) return false;
      from = to + 1;
    }
    return true;
  }

  cached = {
    lookup,
    words: table,
    entries: () => folded,
    asWritten: (word) => written.get(word) ?? 0,
    placeNounsBefore: new Set(words(PLACE_NOUNS_BEFORE).flatMap((w) => [w.toLowerCase(), stripAccents(w).toLowerCase()])),
  };
  return cached;
}

function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

function stripAccents(word: string): string {
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** A capital letter, Latin-1 or beyond ("Ł", "Š"). */
export function isUpperLetter(c: number): boolean {
  return (letterClass(c) & UPPER) !== 0;
}
