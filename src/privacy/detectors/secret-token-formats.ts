/**
 * Token formats of common providers. A match is a secret without further evidence. A capture
 * group, when present, is the secret part of the match.
 */
export const PROVIDER_TOKENS: ReadonlyArray<RegExp> = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,16000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\s*[A-Za-z0-9+/=]{16,})+/,
  /sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?[A-Za-z0-9_-]{20,}/, // OpenAI, Anthropic, DeepSeek
  /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)[A-Z0-9]{16}\b/, // AWS access key id
  /gh[pousr]_[A-Za-z0-9]{36,255}\b/, // GitHub
  /github_pat_[A-Za-z0-9_]{22,255}\b/,
  /glpat-[A-Za-z0-9_-]{20,}/, // GitLab
  /xox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/,
  /AIza[0-9A-Za-z_-]{35}(?![\w-])/, // Google API key
  /[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/, // Stripe secret / restricted
  /whsec_[A-Za-z0-9+/=]{24,}/, // Stripe webhook secret
  /hf_[A-Za-z0-9]{30,}/, // Hugging Face
  /npm_[A-Za-z0-9]{36}\b/, // npm
  /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/, // SendGrid
  /[AS][CK][0-9a-f]{32}\b/, // Twilio account SID / API key
  /gsk_[A-Za-z0-9]{40,}/, // Groq
  /pplx-[A-Za-z0-9]{40,}/, // Perplexity
  /r8_[A-Za-z0-9]{30,}/, // Replicate
  /dop_v1_[a-f0-9]{64}\b/, // DigitalOcean
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT
  /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})/, // Azure connection strings
  /[Bb]earer\s+([A-Za-z0-9._~+/-]{20,}=*)/, // Authorization header
];

/** All formats in one sticky regex, tried only where `tokenStarts` says a token may start. */
export const PROVIDER_TOKEN_AT = new RegExp(PROVIDER_TOKENS.map((re) => re.source).join('|'), 'y');

/**
 * Where the tokens above may start. Scanning the whole text with their alternation tried every
 * lower-case letter (its first characters are common ones); instead each format has an anchor
 * found much faster:
 *  - a rare separator found with indexOf ("_", "-", "=", "://"), the token then starting at the
 *    beginning of the letters and digits before it: ghp_, github_pat_, sk_live_, whsec_, hf_,
 *    npm_, gsk_, r8_, dop_v1_, sk-, glpat-, xoxb-, pplx-, -----BEGIN, AccountKey=, https://hooks;
 *  - a short literal regex (V8 skips through the text for those): AKIA..., AIza, Twilio's
 *    AC/SK + hex, SG., eyJ, Bearer.
 * secret-token-formats.test.ts checks that an example of every format is found there.
 */
export function tokenStarts(text: string): number[] {
  const starts: number[] = [];
  for (const separator of ['_', '-', '=']) {
    for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + 1)) {
      const start = wordStart(text, at);
      if (start < at || separator === '-') starts.push(start);
    }
  }
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) if (at >= 5) starts.push(at - 5);
  LITERAL_STARTS.lastIndex = 0;
  for (let m = LITERAL_STARTS.exec(text); m !== null; m = LITERAL_STARTS.exec(text)) starts.push(m.index);
  return starts.sort((a, b) => a - b);
}

const LITERAL_STARTS = /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA|Iza)|[AS][CK][0-9a-f]{32}|SG\.|eyJ|[Bb]earer\s/g;

/** Start of the run of ASCII letters and digits that ends at `at`. */
function wordStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && start > at - 16 && isAlnum(text.charCodeAt(start - 1))) start--;
  return start;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
