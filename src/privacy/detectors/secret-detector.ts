import type { Detector, Span } from '../pii-types.js';
import { shannonEntropy } from './shannon-entropy.js';

/**
 * Token formats of common providers. Each pattern starts with a literal (V8 then scans for it as
 * fast as `indexOf`); the word boundary before it is checked by hand, since a leading `\b` would
 * make the engine try every position. They run as one alternation (one pass over the text,
 * measured faster than twenty literal scans). A match is a secret without further evidence.
 * A capture group, when present, is the secret part of the match.
 */
const PROVIDER_TOKENS: ReadonlyArray<RegExp> = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,16000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\s*[A-Za-z0-9+/=]{16,})+/g,
  /sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic, DeepSeek
  /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)[A-Z0-9]{16}\b/g, // AWS access key id
  /gh[pousr]_[A-Za-z0-9]{36,255}\b/g, // GitHub
  /github_pat_[A-Za-z0-9_]{22,255}\b/g,
  /glpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /xox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g,
  /AIza[0-9A-Za-z_-]{35}(?![\w-])/g, // Google API key
  /[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe secret / restricted
  /whsec_[A-Za-z0-9+/=]{24,}/g, // Stripe webhook secret
  /hf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /npm_[A-Za-z0-9]{36}\b/g, // npm
  /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g, // SendGrid
  /[AS][CK][0-9a-f]{32}\b/g, // Twilio account SID / API key
  /gsk_[A-Za-z0-9]{40,}/g, // Groq
  /pplx-[A-Za-z0-9]{40,}/g, // Perplexity
  /r8_[A-Za-z0-9]{30,}/g, // Replicate
  /dop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})/g, // Azure connection strings
  /[Bb]earer\s+([A-Za-z0-9._~+/-]{20,}=*)/g, // Authorization header
];

const PROVIDER_TOKEN = new RegExp(PROVIDER_TOKENS.map((re) => re.source).join('|'), 'g');

function gluedBefore(text: string, at: number): boolean {
  const c = text.charCodeAt(at - 1);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A keyword naming a secret, then `:` `=` `is` `est` (quotes allowed), then the value.
 * Group 1: the keyword; group 2: the value.
 */
const KEYWORD_VALUE = /(?<![A-Za-z0-9])(api[_ -]?key|apikey|secret(?:[_ -]?key)?|client[_ -]?secret|access[_ -]?(?:key|token)|auth[_ -]?token|token|private[_ -]?key|passwd|password|pwd|pass|mot de passe|mdp|clé(?: d'API| API| secrète| privée)?|cle api)\b["']?\s{0,3}(?:[:=]|=>|\bis\b|\best\b|:=)\s{0,3}["'`]?([^\s"'`,;<>]{6,200})/gi;

/** Looks like code or a reference rather than a value: `getToken()`, `process.env.X`, `${X}`, `string`. */
const NOT_A_VALUE = /^(?:[A-Za-z_$][\w$]*(?:\.[\w$]+)*\(|process\.env|os\.environ|env\.|\$\{|\$[A-Z_]|\{\{|<|%|string\b|str\b|number\b|boolean\b|null\b|undefined\b|none\b|true\b|false\b|required\b|optional\b|z\.|\*{3,}|x{4,}|\.{3})/i;
const PASSWORD_WORDS = /^(?:passwd|password|pwd|pass|mot de passe|mdp)$/i;

/** API keys and tokens of common providers, private keys, and secret-looking values after a keyword. */
export const secretDetector: Detector = {
  name: 'secret',
  type: 'SECRET',
  detect(text) {
    const spans: Span[] = [];
    for (const m of text.matchAll(PROVIDER_TOKEN)) {
      if (gluedBefore(text, m.index)) continue;
      const inner = m.length > 1 ? m.slice(1).find((g) => g !== undefined) : undefined;
      const start = inner === undefined ? m.index : m.index + m[0].lastIndexOf(inner);
      const end = inner === undefined ? m.index + m[0].length : start + inner.length;
      spans.push({ type: 'SECRET', start, end, detector: 'secret' });
    }
    spans.push(...urlCredentials(text));
    for (const m of text.matchAll(KEYWORD_VALUE)) {
      const value = trimValue(m[2]!);
      if (!isSecretValue(value, PASSWORD_WORDS.test(m[1]!))) continue;
      const start = m.index + m[0].length - m[2]!.length;
      spans.push({ type: 'SECRET', start, end: start + value.length, score: 0.8, detector: 'secret' });
    }
    return spans;
  },
};

/** Sentence punctuation after a value is not part of it. */
function trimValue(value: string): string {
  return value.replace(/[.,:)\]}]+$/, '');
}

/**
 * A password is secret however weak, but must look like one (letters with digits or symbols);
 * a key or token must be long and random (Shannon entropy over 3 bits per character).
 */
function isSecretValue(value: string, isPassword: boolean): boolean {
  if (value.length < 6 || NOT_A_VALUE.test(value)) return false;
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
  if (isPassword) return classes >= 2 && /[A-Za-z]/.test(value) && !/^[A-Za-z][a-z]+$/.test(value);
  return value.length >= 16 && classes >= 2 && /\d/.test(value) && shannonEntropy(value) >= 3;
}

/** `user:password@` right after `scheme://`. */
const URL_USERINFO = /[^\s:/@]{1,64}:([^\s/@]{3,128})@/y;

/**
 * Passwords in URLs (`postgres://app:S3cret@db`). Anchored on "://" with indexOf: a regex starting
 * with the scheme would be tried at every lower-case letter of the text.
 */
function urlCredentials(text: string): Span[] {
  const spans: Span[] = [];
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    URL_USERINFO.lastIndex = at + 3;
    const m = URL_USERINFO.exec(text);
    if (m === null) continue;
    const end = m.index + m[0].length - 1;
    spans.push({ type: 'SECRET', start: end - m[1]!.length, end, detector: 'secret' });
  }
  return spans;
}
