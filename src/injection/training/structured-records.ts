/**
 * Benign structured text of the kind documents and tools carry: key-value records (mail headers,
 * registry and order records), log lines and CSV. Random identifiers, dates and addresses: the
 * pool has almost none of these on the benign side, and a model that never saw them takes their
 * token soup for an adversarial suffix.
 */
const KEYS = [
  'Name',
  'ID',
  'Status',
  'Created',
  'Updated',
  'Expires',
  'Owner',
  'Contact Email',
  'Server',
  'Reference',
  'Amount',
  'Currency',
  'Country',
  'Phone',
  'URL',
  'Nom',
  'Référence',
  'Montant',
  'Statut',
  'Créé le',
  'Adresse',
];
const WORDS = ['ok', 'active', 'pending', 'paid', 'en attente', 'validé', 'closed', 'archived', 'n/a'];
const LEVELS = ['INFO', 'WARN', 'DEBUG', 'ERROR'];
const EVENTS = [
  'request served',
  'cache miss',
  'connection reset by peer',
  'user logged in',
  'retrying upload',
  'job finished',
  'certificate renewed',
  'disk usage 81%',
];

export function structuredRecord(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const token = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'[Math.floor(random() * 46)]).join('');
  const date = () =>
    `20${20 + Math.floor(random() * 6)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}T${String(Math.floor(random() * 24)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}:00Z`;
  const value = (key: string): string => {
    if (/Email|Contact/.test(key)) return `${token(6)}@${token(5)}.${pick(['com', 'fr', 'cn', 'net', 'org'])}`;
    if (/Created|Updated|Expires|Créé/.test(key)) return date();
    if (/URL|Server/.test(key))
      return `http${random() < 0.5 ? 's' : ''}://${pick(['www.', 'api.', ''])}${token(7)}.${pick(['com', 'fr', 'net'])}${random() < 0.5 ? `/${token(5)}` : ''}`;
    if (/Amount|Montant/.test(key)) return `${Math.floor(random() * 90000) / 100}`;
    if (/Phone/.test(key)) return `+${Math.floor(random() * 90) + 10}.${Math.floor(random() * 1e9)}`;
    if (/ID|Reference|Référence/.test(key)) return `${token(4)}-${token(8)}${random() < 0.5 ? `_${token(3)}` : ''}`;
    return random() < 0.5 ? pick(WORDS) : token(5 + Math.floor(random() * 8));
  };
  const kind = random();
  const lines: string[] = [];
  const n = 4 + Math.floor(random() * 16);
  if (kind < 0.5)
    for (let i = 0; i < n; i++) {
      const key = pick(KEYS);
      lines.push(`${key}: ${value(key)}`);
    }
  else if (kind < 0.75)
    for (let i = 0; i < n; i++) lines.push(`${date()} ${pick(LEVELS)} [${token(6)}] ${pick(EVENTS)} id=${token(10)} ms=${Math.floor(random() * 900)}`);
  else {
    lines.push('id;date;reference;amount;status');
    for (let i = 0; i < n; i++) lines.push(`${i + 1};${date().slice(0, 10)};${value('Reference')};${value('Amount')};${pick(WORDS)}`);
  }
  return lines.join('\n');
}
