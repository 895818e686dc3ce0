import type { Detector, Span } from '../pii-types.js';

/**
 * `[rR](?:ue|oute|...)|R(?:UE|OUTE|...)`: street words are capitalised at the start of an address
 * line, not elsewhere. Grouped by first letter (order kept within a group; words of two groups never
 * match at the same place): V8 then tries a few first letters rather than every word, at every
 * number of the text.
 */
function anyCase(words: string[]): string {
  return byFirstLetter(words)
    .map(([first, group]) => {
      const rests = (upper: boolean) => group.map((w) => escapeDots(upper ? w.slice(1).toUpperCase() : w.slice(1))).join('|');
      return `[${first}${first.toUpperCase()}](?:${rests(false)})|${first.toUpperCase()}(?:${rests(true)})`;
    })
    .join('|');
}

/** Regex sources grouped by their first character, in order of first appearance. */
function byFirstLetter(sources: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const s of sources) groups.set(s[0]!, [...(groups.get(s[0]!) ?? []), s]);
  return [...groups];
}

function escapeDots(word: string): string {
  return word.replace(/\./g, '\\.');
}

const FR_STREET = anyCase([
  'rue',
  'avenue',
  'av.',
  'boulevard',
  'bd',
  'bld',
  'place',
  'pl.',
  'allée',
  'allee',
  'chemin',
  'impasse',
  'quai',
  'route',
  'rte',
  'cours',
  'square',
  'passage',
  'voie',
  'faubourg',
  'fbg',
  'rond-point',
  'esplanade',
  'promenade',
  'parvis',
  'sentier',
  'hameau',
  'lotissement',
  'résidence',
  'cité',
  'villa',
  'mail',
  'montée',
  'traverse',
  'ruelle',
  'lieu-dit',
  'avenue du',
  'domaine',
  'clos',
]);
const UPPER = 'A-ZÀ-ÖØ-Þ';
const WORD = `[${UPPER}0-9][A-Za-zÀ-ÖØ-öø-ÿ'’.-]*`;
const LINK = "(?:de la|de l'|de l’|d'|d’|du|des|de|la|le|les|l'|l’|aux|au|et|sur|en|sous|lès|lez)";
/** The name of a French street: capitalised words, joined by articles and prepositions. */
const FR_NAME = `(?:${LINK}\\s?)?${WORD}(?:[ \\u00a0](?:${LINK}[ \\u00a0]?)?${WORD}){0,5}`;
const FR_POSTCODE_CITY = `(?:,?[ \\u00a0]*(?:\\n[ \\t]*)?(?:BP[ \\u00a0]\\d{1,5},?[ \\u00a0])?(?:\\d{5}|\\d{2}[ \\u00a0]\\d{3})[ \\u00a0]+[${UPPER}][A-Za-zÀ-ÖØ-öø-ÿ'’-]*(?:[ \\u00a0-](?:sur|sous|en|lès|le|la|les|de|du|d'|[${UPPER}][A-Za-zÀ-ÖØ-öø-ÿ'’-]*)){0,4}(?:[ \\u00a0]Cedex(?:[ \\u00a0]\\d{1,2})?)?)?`;

const EN_SUFFIX = byFirstLetter([
  'Street',
  'St\\.?',
  'Avenue',
  'Ave\\.?',
  'Road',
  'Rd\\.?',
  'Boulevard',
  'Blvd\\.?',
  'Lane',
  'Ln\\.?',
  'Drive',
  'Dr\\.?',
  'Court',
  'Ct\\.?',
  'Place',
  'Pl\\.?',
  'Square',
  'Sq\\.?',
  'Terrace',
  'Way',
  'Close',
  'Crescent',
  'Parkway',
  'Pkwy\\.?',
  'Highway',
  'Hwy\\.?',
  'Circle',
  'Cir\\.?',
  'Row',
  'Gardens',
  'Mews',
  'Hill',
  'Grove',
  'Walk',
  'Trail',
  'Plaza',
  'Alley',
])
  .map(([first, group]) => `${first}(?:${group.map((w) => w.slice(1)).join('|')})`)
  .join('|');
const EN_UNIT = `(?:,?[ \\u00a0](?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|Floor|#)[ \\u00a0]?[\\w-]{1,6})?`;
const US_TAIL = `(?:,[ \\u00a0]*[A-Z][a-z]+(?:[ \\u00a0][A-Z][a-z]+){0,2},?[ \\u00a0]+[A-Z]{2}[ \\u00a0]+\\d{5}(?:-\\d{4})?)`;
const UK_TAIL = `(?:,[ \\u00a0]*(?:[A-Z][a-z]+(?:[ \\u00a0][A-Z][a-z]+){0,2},?[ \\u00a0]+)?[A-Z]{1,2}\\d[A-Z\\d]?[ \\u00a0]?\\d[A-Z]{2}\\b)`;
/** Just a city, when the sentence or line ends right after it: "14 Grafton Street, Dublin." */
const CITY_TAIL = `(?:,[ \\u00a0]*[A-Z][a-z]+(?:[ \\u00a0][A-Z][a-z]+)?(?=[ \\t]*(?:$|\\n|[.;)])))`;
const EN_NAME = `(?:[NSEW]\\.?[ \\u00a0])?(?:[A-Z][A-Za-z'’-]+\\.?[ \\u00a0]){1,4}`;

/**
 * One pass, anchored on numbers. Numbered addresses, French and English:
 * "12 rue des Lilas[, 69003 Lyon]", "12 bis, avenue Jean-Jaurès", "221B Baker Street[, London NW1 6XE]",
 * "1600 Pennsylvania Ave NW, Washington, DC 20500"; else (group 1) a French postcode and city, the
 * anchor of addresses written without a number. A postcode inside a numbered address is consumed
 * with it. (Two passes over the text cost about a third more.)
 */
const ADDRESS = new RegExp(
  `\\b\\d{1,5}(?:(?:[ \\u00a0]?(?:bis|ter|quater|[A-Da-d])\\b)?,?[ \\u00a0](?:${FR_STREET})[ \\u00a0]+${FR_NAME}${FR_POSTCODE_CITY}` +
    `|[A-Za-z]?[ \\u00a0]${EN_NAME}(?:${EN_SUFFIX})(?![\\w])(?:[ \\u00a0](?:NW|NE|SW|SE|N|S|E|W)\\b)?${EN_UNIT}(?:${US_TAIL}|${UK_TAIL}|${CITY_TAIL})?)` +
    `|(\\b(?:\\d{5}|\\d{2}[ \\u00a0]\\d{3})[ \\u00a0]+[${UPPER}][A-Za-zÀ-ÖØ-öø-ÿ'’-]+)`,
  'g',
);
/** "rue des Lilas, " right before a postcode (tested on the few characters before it). */
const STREET_BEFORE = new RegExp(`(?<![\\wÀ-ÿ])(?:${FR_STREET})[ \\u00a0]+${FR_NAME},?[ \\u00a0]+$`);
const LOOK_BACK = 80;
/** An abbreviated street word keeps its dot at the end of a match ("12 Baker St."). */
const ABBREVIATED = /\b(?:St|Ave|Rd|Blvd|Dr|Ln|Ct|Pl|Sq|Pkwy|Hwy|Cir|av|pl)$/;

/** French and English street addresses: number, street word, name, then postcode and city when present. */
export const addressDetector: Detector = {
  name: 'address',
  type: 'ADDRESS',
  detect(text) {
    const spans: Span[] = [];
    ADDRESS.lastIndex = 0; // a module regex, reset then run with exec (see Detector)
    for (let m = ADDRESS.exec(text); m !== null; m = ADDRESS.exec(text)) {
      if (m[1] === undefined) {
        spans.push({ type: 'ADDRESS', start: m.index, end: m.index + trimmedLength(m[0]), detector: 'address' });
        continue;
      }
      // Without a number, a street is an address only when a postcode and city follow it.
      const from = Math.max(0, m.index - LOOK_BACK);
      const street = STREET_BEFORE.exec(text.slice(from, m.index));
      if (street !== null) spans.push({ type: 'ADDRESS', start: from + street.index, end: m.index + m[0].length, detector: 'address' });
    }
    return spans.sort((a, b) => a.start - b.start);
  },
};

/** Trailing blanks, commas and dots are not part of an address, but the dot of "St." is. */
function trimmedLength(match: string): number {
  let n = match.length;
  while (n > 0 && /[\s,.]/.test(match[n - 1]!)) n--;
  if (n < match.length && match[n] === '.' && ABBREVIATED.test(match.slice(0, n))) n++;
  return n;
}
