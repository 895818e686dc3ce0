/**
 * The one place where text from outside (key, team, model and collection names, file names, GGUF
 * metadata, server error messages, model answers) becomes terminal output. A raw ESC lets such a
 * string clear the screen, move the cursor over other rows, set the window title or write the
 * clipboard (OSC 52); a bidi override or isolate reorders the rest of its row ("Trojan Source");
 * zero-width and other invisible characters make two names look alike. Each such character is
 * printed as a visible escape instead: `\x1b`, `\u{202e}`.
 *
 * Escaped: C0 controls (newline and tab included: one value stays on one line), DEL, C1 controls
 * (`\p{Cc}`); format characters (`\p{Cf}`: bidi embeddings, overrides, isolates and marks,
 * zero-width space/joiners, word joiner, BOM, soft hyphen, tag characters...); the line and
 * paragraph separators; and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * Free text (a model's answer) keeps its newlines and tabs, and the zero-width joiner and
 * non-joiner that emoji sequences and scripts such as Persian need. Lone surrogates pass: a
 * stream may split a pair between two chunks, and the terminal receives U+FFFD for a lone one.
 */
const UNSAFE_IN_PROSE = /(?![\n\t\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** In JSON output: what `JSON.stringify` leaves raw (DEL, C1, format characters, separators). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One value (a name, a cell, a message) made safe to print: nothing in it acts on the terminal or hides. */
export function terminalSafe(value: string): string {
  return value.replace(UNSAFE, visible);
}

/** Free text made safe to print, keeping its line breaks and tabs. */
export function terminalSafeProse(text: string): string {
  return text.replace(UNSAFE_IN_PROSE, visible);
}

/**
 * A template whose literal text is ours (its newlines kept) and whose every interpolated value
 * is escaped with `terminalSafe`: `` out(safe`Created key ${id} "${name}".\n`) ``.
 */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += terminalSafe(String(value)) + (strings[i + 1] ?? '');
  });
  return text;
}

/**
 * `--json` output: `JSON.stringify` escapes C0 controls but not DEL, C1 or format characters; those
 * become `\uXXXX` escapes here, so the JSON parses to the same value and prints harmlessly.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) =>
    [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
