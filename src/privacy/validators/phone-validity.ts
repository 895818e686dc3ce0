import { Metadata } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/metadata.max.json';

/**
 * Phone number validity with libphonenumber's own metadata, about 30 times faster than
 * `parsePhoneNumberFromString(input, country)?.isValid()` on the shapes the phone detector meets.
 *
 * libphonenumber-js spends most of a call rebuilding regexes (`new RegExp` per pattern per call) and
 * metadata wrappers. Here the same steps run over regexes compiled once per numbering plan:
 * calling code, national prefix, country among those sharing a calling code, then the type
 * patterns (fixed line, mobile, toll free...). Inputs that take the library's rarer paths (carrier
 * codes and prefix rewrites as in Argentina or Brazil, a national number starting with the IDD or
 * the calling code, non-geographic codes) go to the library itself. `phone-validity.test.ts` checks
 * that both agree on thousands of numbers of every shape, so a library upgrade that changes the
 * rules fails there rather than silently here.
 */
export function isValidPhoneNumber(input: string, country?: CountryCode): boolean {
  return fastPhoneVerdict(input, country) ?? parsePhoneNumberFromString(input, country)?.isValid() === true;
}

/** The verdict of the compiled plans, or undefined where only the library can tell. Exported for tests. */
export function fastPhoneVerdict(input: string, country?: CountryCode): boolean | undefined {
  return input.charCodeAt(0) === 43 /* + */ ? fastInternational(input) : fastNational(input, country);
}

/** The runtime API of libphonenumber-js's `Metadata` (source/metadata.js); its .d.ts declares only a part. */
interface MetadataApi {
  selectNumberingPlan(countryOrCallingCode: string): void;
  hasCallingCode(callingCode: string): boolean | undefined;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  numberingPlan: PlanApi;
}
interface PlanApi {
  callingCode(): string;
  IDDPrefix(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** Type order of libphonenumber's getNumberType: any match makes the number valid. */
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];
/** libphonenumber's MIN_LENGTH_FOR_NSN and MAX_LENGTH_FOR_NSN. */
const MIN_NSN = 2;
const MAX_NSN = 17;

interface Plan {
  callingCode: string;
  idd: RegExp;
  national: RegExp;
  lengths: readonly number[] | undefined;
  /** `^(?:national_prefix_for_parsing)`, or undefined. Its rewrite rule, if any, is only used with capture groups. */
  prefix: RegExp | undefined;
  leadingDigits: RegExp | undefined;
  hasTypes: boolean;
  types: { pattern: RegExp; lengths: readonly number[] | undefined }[];
}

// Compiled numbering plans, keyed by country or calling code, built on first use: derived from the
// library's static metadata only, never from scanned text.
const plans = new Map<string, Plan>();
let metadata: MetadataApi | undefined;

/** The metadata that `libphonenumber-js/max` validates with (the same JSON). */
function meta(): MetadataApi {
  return (metadata ??= new Metadata(maxMetadata) as unknown as MetadataApi);
}

function planFor(key: string): Plan {
  let plan = plans.get(key);
  if (plan !== undefined) return plan;
  const m = meta();
  m.selectNumberingPlan(key);
  const p = m.numberingPlan;
  const prefix = p.nationalPrefixForParsing();
  const leading = p.leadingDigits();
  plan = {
    callingCode: p.callingCode(),
    idd: new RegExp(`^(?:${p.IDDPrefix()})`),
    national: whole(p.nationalNumberPattern()),
    lengths: p.possibleLengths(),
    prefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
    leadingDigits: leading ? new RegExp(`^(?:${leading})`) : undefined,
    hasTypes: p.hasTypes(),
    types: [],
  };
  for (const name of TYPES) {
    const type = p.type(name);
    const pattern = type?.pattern();
    if (type !== undefined && pattern) plan.types.push({ pattern: whole(pattern), lengths: type.possibleLengths() });
  }
  plans.set(key, plan);
  return plan;
}

function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** getNumberType(...) !== undefined: the national pattern, then any type's lengths and pattern. */
function matchesAType(plan: Plan, nsn: string): boolean {
  if (!plan.national.test(nsn)) return false;
  for (const type of plan.types) {
    if (type.lengths !== undefined && !type.lengths.includes(nsn.length)) continue;
    if (type.pattern.test(nsn)) return true;
  }
  return false;
}

/** isValidNumber: types when the plan has them, else the national pattern alone. */
function validFor(plan: Plan, nsn: string): boolean {
  return plan.hasTypes ? matchesAType(plan, nsn) : plan.national.test(nsn);
}

/** getCountryByCallingCode: the only country, else the first whose leading digits or types match. */
function countryFor(callingCode: string, nsn: string): string | undefined {
  const countries = meta().getCountryCodesForCallingCode(callingCode);
  if (countries === undefined) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planFor(country);
    if (plan.leadingDigits !== undefined) {
      if (plan.leadingDigits.test(nsn)) return country;
    } else if (matchesAType(plan, nsn)) {
      return country;
    }
  }
  return undefined;
}

/**
 * extractNationalNumber: strips the national prefix unless that leaves an impossible number.
 * Undefined when the plan's prefix rule captures groups (carrier codes, rewrites): library path.
 */
function nationalSignificant(plan: Plan, number: string): string | undefined {
  if (plan.prefix === undefined) return number;
  const m = plan.prefix.exec(number);
  if (m === null) return number;
  if (m.length > 1 && m.slice(1).some((g) => g)) return undefined;
  const stripped = number.slice(m[0].length);
  if (stripped === number) return number;
  if (plan.national.test(number) && !plan.national.test(stripped)) return number;
  if (plan.lengths !== undefined) {
    const country = countryFor(plan.callingCode, stripped);
    const lengths = country === undefined ? plan.lengths : planFor(country).lengths;
    if (lengths !== undefined && !possibleIncomplete(stripped.length, lengths)) return number;
  }
  return stripped;
}

/** checkNumberLength is neither TOO_SHORT nor INVALID_LENGTH (TOO_LONG counts as possible). */
function possibleIncomplete(length: number, lengths: readonly number[]): boolean {
  if (lengths[0]! > length) return false;
  return length > lengths[lengths.length - 1]! || lengths.includes(length);
}

function verdict(callingCode: string, planKey: string, number: string): boolean | undefined {
  const nsn = nationalSignificant(planFor(planKey), number);
  if (nsn === undefined) return undefined;
  if (nsn.length < MIN_NSN || nsn.length > MAX_NSN) return false;
  const country = countryFor(callingCode, nsn);
  return validFor(planFor(country ?? planKey), nsn);
}

/** "+<digits>": the calling code is the shortest known prefix (calling codes are prefix-free). */
function fastInternational(input: string): boolean | undefined {
  if (input.charCodeAt(1) === 48 /* 0 */) return false;
  for (let end = 2; end <= 4 && end <= input.length; end++) {
    const callingCode = input.slice(1, end);
    if (meta().getCountryCodesForCallingCode(callingCode) !== undefined) {
      return end < input.length ? verdict(callingCode, callingCode, input.slice(end)) : false;
    }
    if (meta().hasCallingCode(callingCode)) return undefined; // non-geographic (+800...): library path
  }
  return false; // no such calling code
}

/** National digits dialled in `country`. */
function fastNational(digits: string, country: CountryCode | undefined): boolean | undefined {
  if (country === undefined) return undefined;
  const plan = planFor(country);
  if (plan.idd.test(digits)) return undefined; // dialled with the IDD ("011 44..."): library path
  if (digits.startsWith(plan.callingCode)) return withCallingCode(plan, country, digits);
  return verdict(plan.callingCode, country, digits);
}

/**
 * "1 212 555 0199" in the US: extractCountryCallingCodeFromInternationalNumberWithoutPlusSign reads
 * the leading calling code as such when the rest is the better national number, or the whole too long.
 */
function withCallingCode(plan: Plan, country: CountryCode, digits: string): boolean | undefined {
  const shorter = digits.slice(plan.callingCode.length);
  const nsnShorter = nationalSignificant(plan, shorter);
  const nsnWhole = nationalSignificant(plan, digits);
  if (nsnShorter === undefined || nsnWhole === undefined) return undefined;
  const tooLong = plan.lengths !== undefined && nsnWhole.length > plan.lengths[plan.lengths.length - 1]!;
  if (tooLong || (!plan.national.test(nsnWhole) && plan.national.test(nsnShorter))) return verdict(plan.callingCode, plan.callingCode, shorter);
  return verdict(plan.callingCode, country, digits);
}
