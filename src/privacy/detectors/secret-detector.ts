import type { Detector, Span } from '../pii-types.js';
import { PROVIDER_TOKEN_AT, tokenStarts } from './secret-token-formats.js';
import { shannonEntropy } from './shannon-entropy.js';

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A letter, digit or `_` right before: the match is the tail of a longer word. */
function gluedBefore(text: string, at: number): boolean {
  const c = text.charCodeAt(at - 1);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A keyword naming a secret, then `:` `=` `is` `est` (quotes allowed), then the value.
 * Group 1: the keyword; group 2: the value. The keywords are factored by first letter
 * (`a(?:pi…|ccess…|uth…)`, `p(?:rivate…|ass…|wd)`): V8 tries fewer alternatives at each letter
 * of the text. A keyword glued to a preceding letter or digit ("xtoken") is not one: checked by
 * hand in detect(), a leading lookbehind costing a quarter of the pass.
 */
const KEYWORD_VALUE =
  /(a(?:pi[_ -]?key|pikey|ccess[_ -]?(?:key|token)|uth[_ -]?token)|secret(?:[_ -]?key)?|client[_ -]?secret|token|p(?:rivate[_ -]?key|ass(?:wd|word)?|wd)|m(?:ot de passe|dp)|cl(?:é(?: d'API| API| secrète| privée)?|e api))\b["']?\s{0,3}(?:[:=]|=>|\bis\b|\best\b|:=)\s{0,3}["'`]?([^\s"'`,;<>]{6,200})/gi;

/** Looks like code or a reference rather than a value: `getToken()`, `process.env.X`, `${X}`, `string`. */
const NOT_A_VALUE =
  /^(?:[A-Za-z_$][\w$]*(?:\.[\w$]+)*\(|process\.env|os\.environ|env\.|\$\{|\$[A-Z_]|\{\{|<|%|string\b|str\b|number\b|boolean\b|null\b|undefined\b|none\b|true\b|false\b|required\b|optional\b|z\.|\*{3,}|x{4,}|\.{3})/i;
const PASSWORD_WORDS = /^(?:passwd|password|pwd|pass|mot de passe|mdp)$/i;

/** API keys and tokens of common providers, private keys, and secret-looking values after a keyword. */
export const secretDetector: Detector = {
  name: 'secret',
  type: 'SECRET',
  detect(text) {
    const spans = providerTokens(text);
    spans.push(...urlCredentials(text));
    KEYWORD_VALUE.lastIndex = 0;
    for (let m = KEYWORD_VALUE.exec(text); m !== null; m = KEYWORD_VALUE.exec(text)) {
      if (isAlnum(text.charCodeAt(m.index - 1))) {
        KEYWORD_VALUE.lastIndex = m.index + 1; // as a lookbehind would: try again from the next character
        continue;
      }
      const value = trimValue(m[2]!);
      if (!isSecretValue(value, PASSWORD_WORDS.test(m[1]!))) continue;
      const start = m.index + m[0].length - m[2]!.length;
      spans.push({ type: 'SECRET', start, end: start + value.length, score: 0.8, detector: 'secret' });
    }
    return spans;
  },
};

/**
 * Provider tokens, tried at the positions where one may start (see tokenStarts), leftmost first,
 * without overlaps. A token glued to a preceding word is not one ("xsk-..."), nor is anything inside it.
 */
function providerTokens(text: string): Span[] {
  const spans: Span[] = [];
  let covered = 0;
  for (const at of tokenStarts(text)) {
    if (at < covered) continue;
    PROVIDER_TOKEN_AT.lastIndex = at; // sticky and module-wide: safe, detect() runs to completion
    const m = PROVIDER_TOKEN_AT.exec(text);
    if (m === null) continue;
    covered = at + m[0].length;
    if (gluedBefore(text, at)) continue;
    const inner = m.length > 1 ? m.slice(1).find((g) => g !== undefined) : undefined;
    if (inner === undefined) {
      spans.push({ type: 'SECRET', start: at, end: covered, detector: 'secret' });
      continue;
    }
    const start = at + m[0].lastIndexOf(inner);
    let end = start + inner.length;
    while (text.charCodeAt(end - 1) === 46 /* . */) end--; // "Bearer abc." ends a sentence
    spans.push({ type: 'SECRET', start, end, detector: 'secret' });
  }
  return spans;
}

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
