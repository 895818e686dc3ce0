/**
 * Writes recall-generated.jsonl: the generated part of the evaluation set of issue 14 (recall of
 * the privacy detectors). Development tool, not part of the runtime (it imports @faker-js/faker, a
 * devDependency); the output is committed so that the evaluation does not move with faker.
 * Run: `node --import tsx src/privacy/__fixtures__/generate-recall-set.ts`.
 *
 * Independent of the tagger's training data on purpose: its own templates (none shared with
 * src/privacy/tagger/training-texts.ts), its own renderings of names, addresses and numbers, its own
 * seed (EVAL_SEED), and locales in other proportions.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { allLocales, base, en, Faker, type LocaleDefinition } from '@faker-js/faker';

export const EVAL_SEED = 914_2026;
const COUNT = 800;

/** Locales for values, by language of the surrounding text. */
const LOCALES: Record<'fr' | 'en', string[]> = {
  fr: ['fr', 'fr', 'fr', 'fr_BE', 'fr_CH', 'fr_CA', 'de', 'it', 'es', 'pl', 'pt_PT', 'nl'],
  en: ['en_US', 'en_US', 'en_GB', 'en_GB', 'en_IE', 'en_AU', 'en_CA', 'de', 'nl', 'pl', 'cs_CZ', 'hu', 'sv', 'it', 'es', 'da', 'fi', 'hr', 'ro', 'sk'],
};

interface Piece {
  text: string;
  type?: string;
}

interface Doc {
  id: string;
  split: 'heldout';
  lang: 'fr' | 'en';
  text: string;
  spans: { type: string; start: number; end: number }[];
}

/** A template: literal strings and slot letters (P person, A address, T phone, E e-mail, ...). */
type Template = (v: Values) => Piece[];

interface Values {
  P: () => Piece;
  A: () => Piece;
  T: () => Piece;
  E: () => Piece;
  I: () => Piece;
  C: () => Piece;
  S: () => Piece;
  N: () => Piece;
  IP: () => Piece;
  first: () => string;
  city: () => string;
  n: (max: number) => number;
  date: () => string;
  time: () => string;
}

const t = (text: string): Piece => ({ text });

const EN: Template[] = [
  (v) => [t('Quick favour: can you ring '), v.P(), t(' on '), v.T(), t(' and confirm the 10:30 slot?')],
  (v) => [t('Billing contact — '), v.P(), t('\n'), v.A(), t('\nInvoice '), t(`INV-${v.n(99999)}`), t(` due ${v.date()}.`)],
  (v) => [t('Case summary: '), v.P(), t(', aged '), t(String(20 + v.n(70))), t(', lives at '), v.A(), t('. GP informed.')],
  (v) => [t('Reminder that '), v.P(), t(' has moved. New address: '), v.A(), t('. Mobile unchanged: '), v.T(), t('.')],
  (v) => [t('Hey, '), v.P(), t(' here — my new number is '), v.T(), t(', text me anytime')],
  (v) => [t('Witness statement taken from '), v.P(), t(' at '), t(v.time()), t('. Also present: '), v.P(), t('.')],
  (v) => [t('Could you proofread this cover letter? It is addressed to '), v.P(), t(', hiring manager.')],
  (v) => [t('Please wire the deposit to '), v.I(), t(' (account holder: '), v.P(), t(').')],
  (v) => [t('Card on file '), v.C(), t(' belongs to '), v.P(), t('; reach them at '), v.E(), t('.')],
  (v) => [t('Shipping label\n'), v.P(), t('\n'), v.A(), t('\nTel '), v.T()],
  (v) => [t('Login failures from '), v.IP(), t(' for user '), v.E(), t(` since ${v.time()}.`)],
  (v) => [t('Employee record: '), v.P(), t(', SSN '), v.S(), t(', start date '), t(v.date()), t('.')],
  (v) => [t(`Our office in ${v.city()} closes at 6pm on Fridays; the ${v.n(40)} parking spaces are free after 7.`)],
  (v) => [t(`Revenue grew ${v.n(30)}% in Q${1 + v.n(3)}; the board meets on ${v.date()} at ${v.time()}.`)],
  (v) => [t('What is the difference between a Roth IRA and a 401(k)? Keep it under 200 words.')],
  (v) => [t(`Order ${v.n(900000) + 100000} was refunded: $${v.n(500)}.${10 + v.n(89)} on ${v.date()}.`)],
  (v) => [t('As discussed with '), v.P(), t(' and '), v.P(), t(', the pilot starts next week.')],
  (v) => [t('Visitor log: '), v.P(), t(' signed in, badge '), t(String(v.n(9999))), t(', escorted by '), v.P(), t('.')],
  (v) => [t('The lab called about '), v.P(), t(': potassium 5.9 mmol/L at '), t(v.time()), t('. Call back on '), v.T(), t('.')],
  (v) => [t(`${v.first()}ville Library is closed for renovation until March.`)],
];

const FR: Template[] = [
  (v) => [t('Petit service : peux-tu joindre '), v.P(), t(' au '), v.T(), t(' pour confirmer le créneau de 10 h 30 ?')],
  (v) => [t('Contact facturation — '), v.P(), t('\n'), v.A(), t(`\nFacture n° ${v.n(99999)} à régler avant le ${v.date()}.`)],
  (v) => [t('Synthèse : '), v.P(), t(', '), t(String(20 + v.n(70))), t(' ans, domicilié(e) '), v.A(), t('. Médecin traitant prévenu.')],
  (v) => [t('Pour info, '), v.P(), t(' a déménagé : '), v.A(), t('. Portable inchangé : '), v.T(), t('.')],
  (v) => [t("coucou c'est "), v.P(), t(", mon nouveau numéro c'est le "), v.T()],
  (v) => [t('Audition de '), v.P(), t(` à ${v.time()}, en présence de `), v.P(), t('.')],
  (v) => [t('Peux-tu relire cette lettre de motivation ? Elle est adressée à '), v.P(), t(', responsable RH.')],
  (v) => [t("Merci de virer l'acompte sur "), v.I(), t(' (titulaire : '), v.P(), t(').')],
  (v) => [t('La carte '), v.C(), t(' est au nom de '), v.P(), t(' ; écrire à '), v.E(), t('.')],
  (v) => [t("Étiquette d'envoi\n"), v.P(), t('\n'), v.A(), t('\nTél. '), v.T()],
  (v) => [t('Assuré : '), v.P(), t(', NIR '), v.N(), t(', né le '), t(v.date()), t('.')],
  (v) => [t(`Notre agence de ${v.city()} ferme à 18 h le vendredi ; les ${v.n(40)} places de parking sont libres après 19 h.`)],
  (v) => [t(`Le chiffre d'affaires a progressé de ${v.n(30)} % au T${1 + v.n(3)} ; prochain comité le ${v.date()} à ${v.time()}.`)],
  (v) => [t('Quelle est la différence entre un PEA et une assurance-vie ? Réponds en moins de 200 mots.')],
  (v) => [t(`Commande ${v.n(900000) + 100000} remboursée : ${v.n(500)},${10 + v.n(89)} € le ${v.date()}.`)],
  (v) => [t('Comme convenu avec '), v.P(), t(' et '), v.P(), t(', le pilote démarre la semaine prochaine.')],
  (v) => [t('Le laboratoire a appelé pour '), v.P(), t(` : kaliémie 5,9 mmol/L à ${v.time()}. Rappeler au `), v.T(), t('.')],
  (v) => [t('Connexions refusées depuis '), v.IP(), t(' pour le compte '), v.E(), t('.')],
  (v) => [t(`La médiathèque ${v.first()} est fermée pour travaux jusqu'en mars.`)],
  (v) => [t('Visite à domicile chez '), v.P(), t(', '), v.A(), t(', prévue mardi.')],
];

function luhnCard(next: (max: number) => number): string {
  const digits = [4 + next(2)]; // 4 (Visa) or 5 (Mastercard)
  if (digits[0] === 5) digits.push(1 + next(5));
  while (digits.length < 15) digits.push(next(10));
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits[i]!;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  digits.push((10 - (sum % 10)) % 10);
  return digits.join('').replace(/(\d{4})(?=\d)/g, next(3) === 0 ? '$1' : '$1 ');
}

function nir(next: (max: number) => number): string {
  const head = `${1 + next(2)}${String(next(100)).padStart(2, '0')}${String(1 + next(12)).padStart(2, '0')}${String(1 + next(95)).padStart(2, '0')}${String(1 + next(998)).padStart(3, '0')}${String(1 + next(998)).padStart(3, '0')}`;
  const key = String(97 - (Number(head) % 97)).padStart(2, '0');
  return next(2) === 0 ? head + key : `${head[0]} ${head.slice(1, 3)} ${head.slice(3, 5)} ${head.slice(5, 7)} ${head.slice(7, 10)} ${head.slice(10)} ${key}`;
}

function ssn(next: (max: number) => number): string {
  let area = 1 + next(898);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(1 + next(98)).padStart(2, '0')}-${String(1 + next(9998)).padStart(4, '0')}`;
}

function fakerFor(code: string, seed: number): Faker {
  const locale = (allLocales as Record<string, LocaleDefinition>)[code]!;
  const f = new Faker({ locale: [locale, en, base] });
  f.seed(seed);
  return f;
}

/** How a person is written in the evaluation texts. */
function personPiece(f: Faker, lang: 'fr' | 'en'): Piece {
  const first = f.person.firstName();
  const last = f.person.lastName();
  const r = f.number.int(99);
  const title = lang === 'fr' ? f.helpers.arrayElement(['M.', 'Mme', 'Dr', 'Me']) : f.helpers.arrayElement(['Mr', 'Mrs', 'Ms', 'Dr.']);
  if (r < 35) return { text: `${first} ${last}`, type: 'PERSON' };
  if (r < 45) return { text: `${last.toUpperCase()} ${first}`, type: 'PERSON' };
  if (r < 52) return { text: `${first[0]}. ${last}`, type: 'PERSON' };
  if (r < 60) return { text: `${first} ${f.person.firstName()[0]}. ${last}`, type: 'PERSON' };
  if (r < 66) return { text: `${first.toLowerCase()} ${last.toLowerCase()}`, type: 'PERSON' };
  if (r < 72) return { text: `${last}, ${first}`, type: 'PERSON' };
  if (r < 80) return { text: `${first} ${last.toUpperCase()}`, type: 'PERSON' };
  if (r < 86) return { text: `${first}-${f.person.firstName()} ${last}`, type: 'PERSON' };
  // A title, outside the span: the evaluation counts the name.
  return { text: `${title} \u0000${r < 93 ? last : `${first} ${last}`}`, type: 'PERSON' };
}

function addressPiece(f: Faker, code: string): Piece {
  const street = f.location.streetAddress(false);
  const r = f.number.int(99);
  const unit = r % 5 === 0 ? `${f.location.secondaryAddress()}, ` : '';
  const zip = f.location.zipCode();
  const city = f.location.city();
  const us = code === 'en_US' || code === 'en_CA' || code === 'en_AU';
  const tail = us
    ? `${city}, ${f.location.state({ abbreviated: true })} ${zip}`
    : code.startsWith('en_GB') || code === 'en_IE'
      ? `${city} ${zip}`
      : `${zip} ${city}`;
  if (r < 40) return { text: `${street}, ${unit}${tail}`, type: 'ADDRESS' };
  if (r < 60) return { text: `${street}`, type: 'ADDRESS' };
  if (r < 85) return { text: `${unit ? `${unit.slice(0, -2)}\n` : ''}${street}\n${tail}`, type: 'ADDRESS' };
  return { text: `${street}, ${tail}`.toLowerCase(), type: 'ADDRESS' };
}

function phonePiece(f: Faker): Piece {
  const r = f.number.int(99);
  if (r < 55) return { text: f.phone.number(), type: 'PHONE' };
  if (r < 80) return { text: f.phone.number({ style: 'international' }), type: 'PHONE' };
  const d = () => String(f.number.int(9));
  const groups = Array.from({ length: 5 }, () => d() + d());
  if (r < 90)
    return {
      text: `0${1 + f.number.int(8)}${f.helpers.arrayElement([' ', '.', '-', ''])}${groups.slice(1).join(f.helpers.arrayElement([' ', '.', '-']))}`,
      type: 'PHONE',
    };
  return { text: `+${f.helpers.arrayElement(['33', '44', '49', '32', '41', '39', '34', '31'])} ${d()}${d()} ${groups.slice(0, 4).join(' ')}`, type: 'PHONE' };
}

export function generateRecallSet(seed = EVAL_SEED, count = COUNT): Doc[] {
  const pick = new Faker({ locale: [en, base] });
  pick.seed(seed);
  const docs: Doc[] = [];
  for (let k = 0; k < count; k++) {
    const lang = k % 2 === 0 ? 'en' : 'fr';
    const code = pick.helpers.arrayElement(LOCALES[lang]);
    const f = fakerFor(code, seed * 7 + k);
    const n = (max: number) => f.number.int(Math.max(0, max - 1));
    const values: Values = {
      P: () => personPiece(f, lang),
      A: () => addressPiece(f, code),
      T: () => phonePiece(f),
      E: () => ({ text: f.internet.email().toLowerCase(), type: 'EMAIL' }),
      I: () => ({
        text: f.finance.iban({ formatted: n(2) === 0, countryCode: f.helpers.arrayElement(['FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'GB']) }),
        type: 'IBAN',
      }),
      C: () => ({ text: luhnCard(n), type: 'CREDIT_CARD' }),
      S: () => ({ text: ssn(n), type: 'US_SSN' }),
      N: () => ({ text: nir(n), type: 'FR_NIR' }),
      IP: () => ({ text: n(4) === 0 ? f.internet.ipv6() : f.internet.ipv4(), type: 'IP_ADDRESS' }),
      first: () => f.person.firstName(),
      city: () => f.location.city(),
      n,
      date: () => `${1 + n(28)}/${1 + n(12)}/20${10 + n(15)}`,
      time: () => `${String(n(24)).padStart(2, '0')}:${String(n(60)).padStart(2, '0')}`,
    };
    const template = pick.helpers.arrayElement(lang === 'fr' ? FR : EN);
    docs.push(assemble(`gen-${lang}-${k}`, lang, template(values)));
  }
  return docs;
}

/** Joins pieces; a NUL marks where a title ends and the labelled name starts. */
function assemble(id: string, lang: 'fr' | 'en', pieces: Piece[]): Doc {
  let text = '';
  const spans: Doc['spans'] = [];
  for (const piece of pieces) {
    let value = piece.text;
    const cut = value.indexOf('\u0000');
    if (cut !== -1) {
      text += value.slice(0, cut);
      value = value.slice(cut + 1);
    }
    if (piece.type !== undefined) spans.push({ type: piece.type, start: text.length, end: text.length + value.length });
    text += value;
  }
  return { id, split: 'heldout', lang, text, spans };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const docs = generateRecallSet();
  writeFileSync(new URL('./recall-generated.jsonl', import.meta.url), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  console.log(`${docs.length} documents, ${docs.reduce((s, d) => s + d.spans.length, 0)} spans`);
}
