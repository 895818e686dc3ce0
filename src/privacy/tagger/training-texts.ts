/**
 * Generated training texts for the privacy tagger: names and postal addresses from
 * @faker-js/faker's locales (Latin-script European ones, names with diacritics and letters
 * beyond Latin-1 included) put into templates of mails, notes, clinical and administrative text
 * and chat prompts, in French and English, written with and without cues, in lower and upper
 * case, with initials, surname first, particles and hyphens; addresses on one or several lines,
 * with units, boxes, number ranges and numbers in words; and hard negatives (places and
 * companies named like people, capitalised common words, products, dates, times, amounts).
 *
 * Training only: this module imports faker (a devDependency) and is never imported at run time.
 * Its templates and seed differ from the evaluation generator's (__fixtures__/generate-recall-set.ts).
 */
import { allLocales, base, en, Faker, type LocaleDefinition } from '@faker-js/faker';
import { negativeSentence } from './training-negatives.js';

export interface TrainingText {
  text: string;
  spans: { type: 'PERSON' | 'ADDRESS'; start: number; end: number }[];
}

const LOCALES = [
  'fr',
  'fr',
  'fr',
  'fr_BE',
  'fr_CH',
  'fr_CA',
  'en_US',
  'en_US',
  'en_GB',
  'en_GB',
  'en_IE',
  'en_AU',
  'de',
  'de_AT',
  'de_CH',
  'nl',
  'nl_BE',
  'it',
  'es',
  'pt_PT',
  'pl',
  'cs_CZ',
  'sk',
  'hu',
  'ro',
  'hr',
  'sl_SI',
  'sv',
  'da',
  'nb_NO',
  'fi',
  'lv',
  'tr',
];

/** Places, companies and things named like people: never a PERSON here. */
const NAMESAKE_PLACES = [
  'Brittany',
  'Florence',
  'Victoria',
  'Jordan',
  'Georgia',
  'Virginia',
  'Charlotte',
  'Sydney',
  'Austin',
  'Dallas',
  'Lourdes',
  'Adelaide',
  'Chelsea',
  'Savannah',
  'Orlando',
  'Regina',
  'Valencia',
  'Verona',
  'Santiago',
  'Nancy',
  'Lorraine',
  'Madison',
  'Lincoln',
  'Houston',
  'Denver',
  'Aurora',
  'Beverly Hills',
  'Marie-Galante',
  'Saint-Étienne',
  'Montpellier',
  'Bretagne',
];
const ORGS = [
  'Crédit Agricole',
  'Banque Populaire',
  'Johns Hopkins Hospital',
  'Hôpital Necker',
  'Lycée Victor Hugo',
  'Stone Design LLC',
  'Air France',
  'Société Générale',
  'Ford Motor Company',
  'Martin Conseil SARL',
  'Clinique Pasteur',
  'Collège Jean Moulin',
  'Warren Mills Consulting Ltd',
  'Georges Pompidou Center',
  'Mayo Clinic',
  'Marks & Spencer',
  'Morgan Stanley',
  'Harvey Nichols',
];
const PRODUCTS = ['iPhone 15 Pro', 'Galaxy S24', 'Windows 11', 'Model 3', 'Clio V', 'PlayStation 5', 'ThinkPad X1', 'Office 365', 'Kindle Paperwhite'];
const COMMON_STARTS = [
  'Merci',
  'Bonjour',
  'Cordialement',
  'Suite',
  'Concernant',
  'Attention',
  'Urgent',
  'Rappel',
  'Thanks',
  'Regards',
  'Please',
  'Note',
  'Update',
  'Meeting',
  'Budget',
  'Planning',
  'Report',
  'Summary',
  'Agenda',
  'Follow-up',
  'Invoice',
  'Commande',
];
const TITLES_FR = ['M.', 'Mme', 'Mlle', 'Dr', 'Dr.', 'Pr', 'Me', 'Monsieur', 'Madame', 'Docteur'];
const TITLES_EN = ['Mr', 'Mr.', 'Mrs', 'Mrs.', 'Ms', 'Ms.', 'Dr', 'Dr.', 'Prof.', 'Miss', 'Sir'];
const PARTICLES = ['de', 'de la', 'du', 'van', 'van der', 'von', 'di', 'da', 'del', 'dos', 'le', 'El', 'Le', 'Ben', "d'", 'ter'];
const FR_NUMBER_WORDS = ['un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'quinze', 'vingt'];
const FR_STREETS = ['rue', 'allée', 'avenue', 'impasse', 'chemin', 'place', 'boulevard', 'quai', 'route'];

type Part = string | { type: 'PERSON' | 'ADDRESS'; text: string };

interface Gen {
  f: Faker;
  lang: 'fr' | 'en';
  int: (max: number) => number;
  pick: <T>(items: readonly T[]) => T;
}

function person(g: Gen): string {
  const { f, int, pick } = g;
  const first = f.person.firstName();
  const second = f.person.firstName();
  let last = f.person.lastName();
  if (int(12) === 0) last = `${pick(PARTICLES)}${int(3) === 0 ? '' : ' '}${last}`.replace("d' ", "d'");
  if (int(15) === 0) last = `${last}-${f.person.lastName()}`;
  const r = int(100);
  if (r < 22) return `${first} ${last}`;
  if (r < 27) return `${first} ${second} ${last}`;
  if (r < 34) return `${last.toUpperCase()} ${first}`;
  if (r < 38) return `${last} ${first}`;
  if (r < 43) return `${first} ${last.toUpperCase()}`;
  if (r < 48) return `${first[0]}. ${last}`;
  if (r < 50) return `${first[0]} ${last}`;
  if (r < 53) return `${last} ${first[0]}.${int(2) === 0 ? `${second[0]}.` : ''}`;
  if (r < 58) return `${first} ${second[0]}${int(2) === 0 ? '.' : ''} ${last}`;
  if (r < 66) return `${first} ${int(4) === 0 ? `${second} ` : ''}${last}`.toLowerCase();
  if (r < 69) return `${first} ${int(2) === 0 ? `${second} ` : ''}${last}`.toUpperCase();
  if (r < 72) return `${first}-${second} ${last}`;
  if (r < 79) return `${int(5) === 0 ? last.toUpperCase() : last}, ${int(4) === 0 ? `${first} ${second[0]}.` : first}`;
  if (r < 81) return `${last}, ${first}`.toLowerCase();
  if (r < 90) return last;
  return first;
}

function addressLines(g: Gen, code: string): string {
  const { f, int, pick } = g;
  const zip = f.location.zipCode();
  const city = f.location.city();
  const us = ['en_US', 'en_AU'].includes(code);
  const uk = ['en_GB', 'en_IE'].includes(code);
  const tail = us ? `${city}, ${f.location.state({ abbreviated: true })} ${zip}` : uk ? `${city} ${zip}` : `${zip} ${city}`;
  const r = int(100);
  const street = f.location.streetAddress(false);
  const sep = int(3) === 0 ? '\n' : ', ';
  if (r < 30) return `${street}${sep}${tail}`;
  if (r < 40) return street;
  if (r < 50) return `${f.location.secondaryAddress()}${sep}${street}${sep}${tail}`;
  if (r < 55) return `${street}${int(2) === 0 ? ',' : ''} ${f.location.secondaryAddress()}${sep}${tail}`;
  if (r < 60) return `${pick(['PO Box', 'P.O. Box', 'BP', 'Boîte postale', 'Postfach', 'CS'])} ${1 + int(9999)}${sep}${tail}`;
  if (r < 63)
    return `${pick(['PSC', 'Unit', 'CMR'])} ${1000 + int(8999)}, Box ${1000 + int(8999)}${sep}${pick(['APO', 'FPO', 'DPO'])} ${pick(['AE', 'AP', 'AA'])} ${f.location.zipCode('#####')}`;
  if (r < 67) {
    const a = 1 + int(80);
    return `${a}-${a + 2 + int(40)} ${street.replace(/^\d+[a-zA-Z]?\s*/, '')}${sep}${tail}`;
  }
  if (r < 71)
    return `${pick(FR_NUMBER_WORDS)} ${pick(FR_STREETS)} ${pick(['des', 'du', 'de la'])} ${f.word.noun()}${int(2) === 0 ? `, ${tail}` : ''}`.toLowerCase();
  if (r < 76) return `${street}${sep}${tail}`.toLowerCase();
  if (r < 80) return `${street.replace(/^(\d+)/, `$1 ${pick(['bis', 'ter', 'B'])}`)}${sep}${tail}`;
  if (r < 84)
    return `${pick(['Résidence', 'Bâtiment', 'Bât.', 'Immeuble', 'Appartement', 'Apt', 'Flat', 'Suite', 'Escalier'])} ${pick([f.person.lastName(), String(1 + int(40)), 'C', 'B2'])}${sep}${street}${sep}${tail}`;
  if (r < 88) return `${street}\n${tail}\n${f.location.country()}`;
  return `${street} ${tail}`;
}

/** Shorthands used by the templates: P person, A address, X a negative filler. */
type Template = (g: Gen, P: () => Part, A: () => Part, x: Fillers) => Part[];

interface Fillers {
  date: () => string;
  time: () => string;
  phone: () => string;
  email: () => string;
  money: () => string;
  ref: () => string;
  city: () => string;
  place: () => string;
  org: () => string;
  product: () => string;
  common: () => string;
  title: () => string;
}

const EN: Template[] = [
  (g, P, A, x) => ['Dear ', P(), ',\nFollowing our call on ', x.date(), ', I enclose the signed form.\nBest wishes,\n', P()],
  (g, P, A, x) => ['From: ', P(), ' <', x.email(), '>\nTo: ', P(), '\nSubject: ', x.common(), ' for ', x.date()],
  (g, P, A, x) => ['Patient: ', P(), '\nDOB: ', x.date(), '\nAddress: ', A(), '\nGP: ', x.title(), ' ', P()],
  (g, P, A, x) => ['Please send the parcel to ', A(), ' before ', x.date(), '.'],
  (g, P, A, x) => [x.title(), ' ', P(), ' called at ', x.time(), ' about order ', x.ref(), '.'],
  (g, P, A, x) => ['my name is ', P(), ' and I live at ', A(), ', can you write a letter to my bank?'],
  (g, P, A, x) => ['Ship to:\n', P(), '\n', A()],
  (g, P, A, x) => ['Signed by ', P(), ' on behalf of ', x.org(), '.'],
  (g, P, A, x) => ['Hi ', P(), ', ', P(), ' asked me to forward this. Call ', x.phone(), ' if needed.'],
  (g, P, A, x) => ['What is the capital of ', x.place(), '? And how far is it from ', x.city(), '?'],
  (g, P, A, x) => [x.common(), ' from the ', x.org(), ' team: the ', x.product(), ' launch moved to ', x.date(), '.'],
  (g, P, A, x) => ['Next of kin: ', P(), ' (', g.pick(['wife', 'husband', 'son', 'daughter', 'brother', 'sister']), '), ', A(), '.'],
  (g, P, A, x) => ['Landlord: ', P(), '. Property address: ', A(), '. Rent ', x.money(), ' per month.'],
  (g, P, A, x) => ['The meeting with ', P(), ' is at ', x.time(), ' in the ', x.place(), ' room.'],
  (g, P, A, x) => ['Thanks ', P(), '! See you in ', x.place(), ' next week.'],
  (g, P, A, x) => ['Return address: ', A(), '. Reference ', x.ref(), '.'],
  (g, P, A, x) => ['Can you summarise the report ', P(), ' wrote about ', x.org(), '?'],
  (g, P, A, x) => [x.common(), ': ', x.money(), ' paid on ', x.date(), ' for the ', x.product(), '.'],
  (g, P, A, x) => ['Seen today by ', x.title(), ' ', P(), '. Blood pressure 130/85 at ', x.time(), '.'],
  (g, P, A, x) => ['Visit ', A(), ' - the office of ', P(), ' - on ', x.date(), '.'],
  (g, P, A, x) => [P(), ' wrote: "I moved to ', A(), ', please update my file."'],
  (g, P, A, x) => ['Employee ', P(), ', badge ', x.ref(), ', based in ', x.city(), '.'],
  (g, P, A, x) => ['Tell ', P(), ' that ', P(), ' will be late.'],
  (g, P, A, x) => ['We toured ', x.place(), ' and ', x.city(), ' in ', g.pick(['May', 'June', 'August']), '.'],
  (g, P, A, x) => ['Present: ', P(), ', ', P(), ' and ', P(), '.'],
  (g, P, A, x) => ['I met ', P(), ' and ', P(), ' at the ', x.org(), ' event.'],
  (g, P, A, x) => ['cc ', P(), '; ', P()],
  (g, P, A, x) => [P(), ' and ', P(), ' will join us on ', x.date(), '.'],
  (g, P, A, x) => [P(), ', ', String(18 + g.int(80)), ' y/o, admitted for ', g.pick(['chest pain', 'fever', 'a fall', 'dyspnea']), ' at ', x.time(), '.'],
  (g, P, A, x) => [P(), ' (', String(18 + g.int(80)), ', retired) lives alone at ', A(), '; daughter visits weekly.'],
  (g, P, A, x) => ['Owner: ', P(), ' - ', x.org(), ', ', x.city(), '. Status: Active.'],
  (g, P, A, x) => ['Contact person ', P(), ', Head of ', g.pick(['Sales', 'Finance', 'Nursing', 'IT']), ', ext. ', String(100 + g.int(900)), '.'],
  (g, P, A, x) => [x.common(), '\n', P(), '\n', A(), '\n', x.phone()],
  (g, P, A, x) => ['I spoke with ', P(), ' yesterday; ', P(), ' will send the figures by ', x.date(), '.'],
  (g, P, A, x) => ['Please phone ', P(), ' at ', x.phone(), ' to reschedule.'],
  (g, P, A, x) => ['Appointment for ', P(), ' on ', x.date(), ' at ', x.time(), '.'],
  (g, P, A, x) => ['Forwarded on behalf of ', P(), '. Reply to ', x.email(), '.'],
  (g, P, A, x) => ['ask ', P(), ' about the ', x.product(), ' invoice'],
  (g, P, A, x) => ['Attendance: ', P(), '; ', P(), '; ', P(), '.'],
  (g, P, A, x) => ['The report by ', P(), ' was approved. Mail it to ', A(), '.'],
  (g, P, A, x) => ['Discharged home to ', A(), ' in the care of ', P(), '.'],
  (g, P, A, x) => ['Account opened for ', P(), ', residing at ', A(), ', on ', x.date(), '.'],
  (g, P, A, x) => ['Tenant ', P(), ' (', A(), ') reported a leak at ', x.time(), '.'],
  (g, P, A, x) => ['Lab results for ', P(), ': sodium 139 mmol/L, hemoglobin 13.2 g/dL.'],
];

const FR: Template[] = [
  (g, P, A, x) => ['Bonjour ', P(), ',\nSuite à notre échange du ', x.date(), ', je vous adresse le dossier complet.\nCordialement,\n', P()],
  (g, P, A, x) => ['De : ', P(), ' <', x.email(), '>\nÀ : ', P(), '\nObjet : ', x.common(), ' du ', x.date()],
  (g, P, A, x) => ['Patient : ', P(), '\nNé(e) le ', x.date(), '\nDomicile : ', A(), '\nMédecin traitant : ', x.title(), ' ', P()],
  (g, P, A, x) => ["Merci d'envoyer le colis au ", A(), ' avant le ', x.date(), '.'],
  (g, P, A, x) => [x.title(), ' ', P(), ' a appelé à ', x.time(), ' au sujet de la commande ', x.ref(), '.'],
  (g, P, A, x) => ["je m'appelle ", P(), " et j'habite ", A(), ", tu peux m'aider à écrire à ma banque ?"],
  (g, P, A, x) => ['Livraison chez ', P(), '\n', A()],
  (g, P, A, x) => ['Signé par ', P(), ' pour le compte de ', x.org(), '.'],
  (g, P, A, x) => ['Salut ', P(), ', ', P(), " m'a demandé de te transférer ça. Appelle le ", x.phone(), ' si besoin.'],
  (g, P, A, x) => ['Quelle est la capitale de la région ', x.place(), " ? Et la distance jusqu'à ", x.city(), ' ?'],
  (g, P, A, x) => [x.common(), " de l'équipe ", x.org(), ' : le lancement du ', x.product(), ' est reporté au ', x.date(), '.'],
  (g, P, A, x) => ['Personne à prévenir : ', P(), ' (', g.pick(['épouse', 'époux', 'fils', 'fille', 'frère', 'sœur']), '), ', A(), '.'],
  (g, P, A, x) => ['Bailleur : ', P(), '. Logement situé ', A(), '. Loyer ', x.money(), ' par mois.'],
  (g, P, A, x) => ['Réunion avec ', P(), ' à ', x.time(), ' salle ', x.place(), '.'],
  (g, P, A, x) => ['Merci ', P(), ' ! On se voit à ', x.place(), ' la semaine prochaine.'],
  (g, P, A, x) => ['Adresse de retour : ', A(), '. Référence ', x.ref(), '.'],
  (g, P, A, x) => ['Peux-tu résumer la note que ', P(), ' a écrite sur ', x.org(), ' ?'],
  (g, P, A, x) => [x.common(), ' : ', x.money(), ' réglés le ', x.date(), ' pour le ', x.product(), '.'],
  (g, P, A, x) => ['Vu ce jour par le ', x.title(), ' ', P(), '. TA 13/8 à ', x.time(), '.'],
  (g, P, A, x) => ['Rendez-vous au ', A(), ', cabinet de ', P(), ', le ', x.date(), '.'],
  (g, P, A, x) => [P(), " écrit : « J'ai déménagé au ", A(), ', merci de mettre à jour mon dossier. »'],
  (g, P, A, x) => ['Salarié ', P(), ', matricule ', x.ref(), ', affecté à ', x.city(), '.'],
  (g, P, A, x) => ['Dis à ', P(), ' que ', P(), ' sera en retard.'],
  (g, P, A, x) => ['Nous avons visité ', x.place(), ' et ', x.city(), ' en ', g.pick(['mai', 'juin', 'août']), '.'],
  (g, P, A, x) => ['chez ', P(), ', ', A()],
  (g, P, A, x) => ['Né le ', x.date(), ' à ', x.city(), ', ', P(), ' demeure ', A(), '.'],
  (g, P, A, x) => ['Étaient présents : ', P(), ', ', P(), ' et ', P(), '.'],
  (g, P, A, x) => ["J'ai croisé ", P(), ' et ', P(), ' chez ', x.org(), '.'],
  (g, P, A, x) => ['Copie : ', P(), ' ; ', P()],
  (g, P, A, x) => [P(), ' et ', P(), ' nous rejoindront le ', x.date(), '.'],
  (g, P, A, x) => [P(), ' (', String(18 + g.int(80)), ' ans, retraité) vit seul ', A(), ' ; sa fille passe chaque semaine.'],
  (g, P, A, x) => [
    P(),
    ', ',
    String(18 + g.int(80)),
    ' ans, hospitalisé pour ',
    g.pick(['douleur thoracique', 'fièvre', 'chute', 'dyspnée']),
    ' à ',
    x.time(),
    '.',
  ],
  (g, P, A, x) => [
    'Interlocuteur : ',
    P(),
    ', responsable ',
    g.pick(['commercial', 'financier', 'des soins', 'informatique']),
    ', poste ',
    String(100 + g.int(900)),
    '.',
  ],
  (g, P, A, x) => ['Propriétaire : ', P(), ' - ', x.org(), ', ', x.city(), '. Statut : actif.'],
  (g, P, A, x) => [x.common(), '\n', P(), '\n', A(), '\n', x.phone()],
  (g, P, A, x) => ["J'ai eu ", P(), ' au téléphone ; ', P(), ' envoie les chiffres le ', x.date(), '.'],
  (g, P, A, x) => ['Merci de rappeler ', P(), ' au ', x.phone(), ' pour décaler le rendez-vous.'],
  (g, P, A, x) => ['Rendez-vous pour ', P(), ' le ', x.date(), ' à ', x.time(), '.'],
  (g, P, A, x) => ['Transmis de la part de ', P(), '. Répondre à ', x.email(), '.'],
  (g, P, A, x) => ['demande à ', P(), ' pour la facture du ', x.product()],
  (g, P, A, x) => ['Liste des présents : ', P(), ' ; ', P(), ' ; ', P(), '.'],
  (g, P, A, x) => ['Le rapport de ', P(), ' est validé. Envoyez-le au ', A(), '.'],
  (g, P, A, x) => ['Retour à domicile, ', A(), ', accompagné de ', P(), '.'],
  (g, P, A, x) => ['Compte ouvert au nom de ', P(), ', demeurant ', A(), ', le ', x.date(), '.'],
  (g, P, A, x) => ['Le locataire ', P(), ' (', A(), ') signale une fuite à ', x.time(), '.'],
  (g, P, A, x) => ['Bilan biologique de ', P(), ' : natrémie 139 mmol/L, hémoglobine 13,2 g/dL.'],
];

function fakerFor(code: string, seed: number): Faker {
  const locale = (allLocales as Record<string, LocaleDefinition>)[code]!;
  const f = new Faker({ locale: [locale, en, base] });
  f.seed(seed);
  return f;
}

/** `count` training texts, the same for the same seed. */
export function generateTrainingTexts(count: number, seed: number): TrainingText[] {
  const chooser = new Faker({ locale: [en, base] });
  chooser.seed(seed);
  const out: TrainingText[] = [];
  for (let k = 0; k < count; k++) {
    const code = chooser.helpers.arrayElement(LOCALES);
    const f = fakerFor(code, seed * 31 + k);
    const lang: 'fr' | 'en' = code.startsWith('fr') ? (f.number.int(4) === 0 ? 'en' : 'fr') : f.number.int(3) === 0 ? 'fr' : 'en';
    const g: Gen = { f, lang, int: (max) => f.number.int(Math.max(0, max - 1)), pick: (items) => f.helpers.arrayElement(items) };
    const x: Fillers = {
      date: () =>
        g.pick([
          `${1 + g.int(28)}/${1 + g.int(12)}/${2000 + g.int(26)}`,
          `${1 + g.int(28)} ${g.pick(['mars', 'avril', 'March', 'April', 'juin', 'June'])} ${2000 + g.int(26)}`,
          `20${10 + g.int(16)}-0${1 + g.int(9)}-1${g.int(9)}`,
        ]),
      time: () => g.pick([`${g.int(24)}:${String(g.int(60)).padStart(2, '0')}`, `${g.int(24)} h ${String(g.int(60)).padStart(2, '0')}`, `${1 + g.int(12)}pm`]),
      phone: () => f.phone.number(),
      email: () => f.internet.email().toLowerCase(),
      money: () => g.pick([`${g.int(5000)},${g.int(99)} €`, `$${g.int(5000)}.${g.int(99)}`, `£${g.int(900)}`]),
      ref: () => g.pick([`${g.int(999999)}`, `INV-${2000 + g.int(26)}-${g.int(99999)}`, `CMD-${g.int(99999)}`, `#${g.int(99999)}`]),
      city: () => f.location.city(),
      place: () => g.pick(NAMESAKE_PLACES),
      org: () => g.pick([...ORGS, f.company.name()]),
      product: () => g.pick(PRODUCTS),
      common: () => g.pick(COMMON_STARTS),
      title: () => g.pick(lang === 'fr' ? TITLES_FR : TITLES_EN),
    };
    const P = (): Part => ({ type: 'PERSON', text: person(g) });
    const A = (): Part => ({ type: 'ADDRESS', text: addressLines(g, code) });
    const template = g.pick(lang === 'fr' ? FR : EN);
    // A quarter of the texts hold no name or address at all; the others have text without any around them.
    let parts: Part[] = g.int(4) === 0 ? [] : template(g, P, A, x);
    const around = () => `${negativeSentence(f, lang)}${g.pick([' ', ' ', '\n', '\n\n'])}`;
    for (let k = g.int(3); k >= 0; k--) parts = [around(), ...parts];
    for (let k = g.int(2); k > 0; k--) parts = [...parts, g.pick([' ', '\n']), around()];
    // Names anywhere: one slipped between two words of a sentence about something else.
    if (g.int(3) === 0) {
      const words = negativeSentence(f, lang).split(' ');
      const at = g.int(words.length + 1);
      parts = [...parts, ' ', `${words.slice(0, at).join(' ')}${at > 0 ? ' ' : ''}`, P(), `${at < words.length ? ' ' : ''}${words.slice(at).join(' ')}`];
    }
    if (g.int(12) === 0) parts = parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : { ...p, text: p.text.toLowerCase() }));
    out.push(assemble(parts));
  }
  return out;
}

function assemble(parts: Part[]): TrainingText {
  let text = '';
  const spans: TrainingText['spans'] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
    } else {
      spans.push({ type: part.type, start: text.length, end: text.length + part.text.length });
      text += part.text;
    }
  }
  return { text, spans };
}
