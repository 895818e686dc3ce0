import {
  GROUPS,
  HARMLESS_TEXTS,
  LANGUAGE_NAMES,
  LATENT_REQUESTS,
  LATENT_TASKS,
  OTHER_LANGUAGE_ATTACKS,
  OTHER_LANGUAGE_SENTENCES,
  RECORD_TASKS,
  REGISTRARS,
  REGISTRY_NOTICES,
  REGISTRY_STATUSES,
} from '../data/round4-parts.js';
import type { InjectionSource } from '../injection-sources.js';
import { GREETINGS, PARAGRAPHS, SIGNATURES } from '../data/document-parts.js';
import { createAttackWriter, seededRandom, type Lang } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';

/**
 * Round 4 training rows (decision 0006) from round4-parts.ts: domain registration records (WHOIS
 * and AFNIC-like, with their legal notices), alone or under a user's question, clean (benign) or
 * with one attack in a field; and latent requests: a harmless task (translate, paraphrase,
 * proofread…) over a request for harmful output (attack) or over a harmless text (benign twin).
 * Seeded: same seed, same rows.
 */
export function generateRound4Rows(seed: number, scale = 1): InjectionRow[] {
  const random = seededRandom(seed);
  const writer = createAttackWriter(seededRandom(seed + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const token = (n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789') =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const date = () =>
    `${between(1998, 2026)}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}T${String(between(0, 23)).padStart(2, '0')}:${String(between(0, 59)).padStart(2, '0')}:${String(between(0, 59)).padStart(2, '0')}Z`;
  const domain = () =>
    `${token(between(4, 12), 'abcdefghijklmnopqrstuvwxyz')}${random() < 0.3 ? `-${token(between(3, 6), 'abcdefghijklmnopqrstuvwxyz')}` : ''}.${pick(['com', 'net', 'org', 'fr', 'io', 'xyz', 'top', 'shop', 'info', 'ru', 'cn'])}`;

  /** A registration record; `planted`: a line to put in one of its free-text fields. */
  const record = (planted: string | null): string => {
    const name = domain();
    const upper = random() < 0.5;
    const lines: string[] = [];
    if (random() < 0.3) {
      // AFNIC-like layout.
      lines.push(`%% This is the AFNIC Whois server.`, `%%`, `domain:      ${name}`, `status:      ${pick(['ACTIVE', 'REGISTERED', 'FROZEN'])}`);
      lines.push(`hold:        NO`, `holder-c:    ${token(4).toUpperCase()}${between(1, 999)}-FRNIC`, `registrar:   ${pick(REGISTRARS)}`);
      lines.push(`Expiry Date: ${date()}`, `created:     ${date()}`, `last-update: ${date()}`, `source:      FRNIC`);
      for (let i = 0; i < between(2, 3); i++) lines.push(`nserver:     ns${i + 1}.${pick(['ovh.net', 'gandi.net', 'cloudflare.com', 'domaine.fr'])}`);
      lines.push(`nic-hdl:     ${token(4).toUpperCase()}${between(1, 999)}-FRNIC`, `type:        ${pick(['ORGANIZATION', 'PERSON'])}`);
      lines.push(`contact:     ${planted ?? pick(['Ne pas publier', 'Données masquées (RGPD)', 'Service juridique', 'Direction informatique'])}`);
      lines.push(`address:     ${between(1, 200)} rue ${pick(['de la Paix', 'Victor Hugo', 'des Lilas', 'du Port'])}`, `country:     FR`);
    } else {
      const key = (k: string) => (upper ? k : k.toLowerCase());
      lines.push(`${key('Domain Name')}: ${upper ? name.toUpperCase() : name}`);
      lines.push(`Registry Domain ID: ${between(1000000, 2999999999)}_DOMAIN_${pick(['COM', 'NET', 'ORG'])}-VRSN`);
      lines.push(`Registrar WHOIS Server: whois.${pick(['namecheap.com', 'godaddy.com', 'gandi.net', 'tucows.com', 'porkbun.com'])}`);
      lines.push(`Registrar URL: http://www.${pick(['namecheap.com', 'godaddy.com', 'gandi.net', 'tucows.com', 'porkbun.com'])}`);
      lines.push(`Updated Date: ${date()}`, `Creation Date: ${date()}`, `Registry Expiry Date: ${date()}`);
      lines.push(`Registrar: ${pick(REGISTRARS)}`, `Registrar IANA ID: ${between(1, 3999)}`);
      lines.push(`Registrar Abuse Contact Email: abuse@${pick(['namecheap.com', 'godaddy.com', 'gandi.net', 'tucows.com'])}`);
      lines.push(`Registrar Abuse Contact Phone: +${between(1, 99)}.${between(100000000, 999999999)}`);
      for (let i = 0; i < between(1, 4); i++) lines.push(`Domain Status: ${pick(REGISTRY_STATUSES)}`);
      const org =
        planted ??
        pick([
          'REDACTED FOR PRIVACY',
          'Privacy service provided by Withheld for Privacy ehf',
          'Domains By Proxy, LLC',
          `${token(6, 'abcdefghijklmnopqrstuvwxyz')} Ltd`,
          'Data Protected',
          'N/A',
        ]);
      lines.push(`Registrant Organization: ${org}`);
      lines.push(`Registrant State/Province: ${pick(['CA', 'Capital Region', 'Ile-de-France', 'Guangdong', 'Moscow', 'Texas', 'Reykjavik'])}`);
      lines.push(`Registrant Country: ${pick(['US', 'FR', 'CN', 'RU', 'IS', 'DE', 'PA', 'NL'])}`);
      if (random() < 0.5)
        lines.push(`Registrant Email: Select Contact Domain Holder link at https://www.${pick(['namecheap.com', 'godaddy.com'])}/whois/${name}`);
      for (let i = 0; i < between(2, 4); i++)
        lines.push(
          `Name Server: ${upper ? 'NS' : 'ns'}${i + 1}.${pick(['CLOUDFLARE.COM', 'DNSOWL.COM', 'REGISTRAR-SERVERS.COM', 'DOMAINCONTROL.COM', 'ALIDNS.COM'])}`,
        );
      lines.push(`DNSSEC: ${pick(['unsigned', 'signedDelegation'])}`);
      lines.push(`URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/`);
      lines.push(`>>> Last update of WHOIS database: ${date()} <<<`);
    }
    const notices = Array.from({ length: between(0, 4) }, () => pick(REGISTRY_NOTICES));
    return [...lines, ...(notices.length > 0 ? ['', ...notices] : [])].join('\n');
  };
  const latent = (lang: Lang, text: string): string =>
    pick(LATENT_TASKS[lang])
      .replace('{lang}', pick(LANGUAGE_NAMES[lang]))
      .replace('{text}', text.replace('{group}', pick(GROUPS[lang])).replace('{n}', String(between(10, 30))));

  const rows: InjectionRow[] = [];
  const add = (text: string, label: 0 | 1, lang: string, category: string, channel: InjectionSource, hardNegative: boolean) =>
    rows.push({ text, label, origin: `flambeau:round4/${category}`, lang, category, hardNegative, channel });
  const times = (n: number, f: () => void) => {
    for (let i = 0; i < Math.round(n * scale); i++) f();
  };
  const ask = (lang: Lang) => pick(RECORD_TASKS[lang]);
  times(200, () => add(record(null), 0, 'en', 'registry-record', 'document', true));
  times(150, () => {
    const lang: Lang = random() < 0.7 ? 'en' : 'fr';
    add(`${ask(lang)}\n\n${record(null)}`, 0, lang, 'registry-task', random() < 0.5 ? 'document' : 'user', true);
  });
  times(120, () => {
    const lang: Lang = random() < 0.7 ? 'en' : 'fr';
    const planted = writer.attack(random() < 0.7 ? 'en' : 'fr').replace(/\n/g, ' ');
    add(random() < 0.5 ? record(planted) : `${ask(lang)}\n\n${record(planted)}`, 1, lang, 'registry-planted', 'document', false);
  });
  for (const lang of ['en', 'fr'] as const) {
    const n = lang === 'en' ? 250 : 120;
    times(n, () => add(latent(lang, pick(LATENT_REQUESTS[lang])), 1, lang, 'latent-request', 'document', false));
    times(n, () => add(latent(lang, pick(HARMLESS_TEXTS[lang])), 0, lang, 'latent-harmless', 'document', true));
  }
  for (const lang of ['sq', 'zu', 'gd', 'ga'] as const) {
    const attack = () => writer.fill(pick(OTHER_LANGUAGE_ATTACKS[lang]));
    const ordinary = (n: number) => Array.from({ length: n }, () => pick(OTHER_LANGUAGE_SENTENCES[lang])).join(' ');
    /** An English mail (spikee-like frames are not copied: greeting, paragraphs, signature of our own parts). */
    const mail = (inside: string) => {
      const parts: string[] = Array.from({ length: between(1, 3) }, () => pick(PARAGRAPHS.en));
      parts.splice(between(0, parts.length), 0, inside);
      return [pick(GREETINGS.en), ...parts, pick(SIGNATURES.en)].join('\n\n');
    };
    times(40, () => add(random() < 0.5 ? attack() : `${ordinary(between(1, 2))} ${attack()}`, 1, lang, 'other-language-attack', 'user', false));
    times(30, () => add(mail(random() < 0.5 ? attack() : `${ordinary(1)} ${attack()}`), 1, lang, 'other-language-planted', 'document', false));
    times(40, () => add(ordinary(between(1, 4)), 0, lang, 'other-language-text', 'user', true));
    times(30, () => add(mail(ordinary(between(1, 3))), 0, lang, 'other-language-mail', 'document', true));
  }
  return rows;
}
