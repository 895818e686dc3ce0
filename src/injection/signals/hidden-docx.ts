import { Parser } from 'htmlparser2';
import type { HiddenHow, HiddenHtmlText } from './hidden-html.js';

/** Run properties (`w:rPr`) that hide a run's text from a reader of the document. */
function hiddenByRunProperty(name: string, attributes: Record<string, string>): HiddenHow | null {
  const value = (attributes['w:val'] ?? '').toLowerCase();
  const on = value === '' || !['0', 'false', 'off'].includes(value);
  // Hidden text (Word's Font > Hidden), shown neither on screen nor in print by default.
  if (name === 'w:vanish' || name === 'w:specvanish' || name === 'w:webhidden') return on ? 'vanish' : null;
  // White text on the (assumed) white page.
  if (name === 'w:color') return /^(?:fff{4}|fefefe|fdfdfd)$/.test(value) ? 'invisible_color' : null;
  // Sizes are in half-points: 2 or less is 1 pt or less.
  if (name === 'w:sz') return /^[0-9]+$/.test(value) && Number(value) <= 2 ? 'zero_size' : null;
  return null;
}

/** What a set of run properties hides by, or null. */
interface RunStyle {
  how: HiddenHow | null;
  /** `w:rStyle`'s style id, resolved against styles.xml. */
  style: string | null;
}

/**
 * Character and paragraph styles of a DOCX's `word/styles.xml` whose run properties hide text
 * (hidden, white, 1 pt or less), by style id. `w:basedOn` chains are followed.
 */
export function hiddenDocxStyles(stylesXml: string): Map<string, HiddenHow> {
  const own = new Map<string, HiddenHow>();
  const basedOn = new Map<string, string>();
  let id: string | null = null;
  let inRunProperties = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'w:style') id = attributes['w:styleid'] ?? null;
        else if (id !== null && name === 'w:basedon' && attributes['w:val'] !== undefined) basedOn.set(id, attributes['w:val']);
        else if (id !== null && name === 'w:rpr') inRunProperties = true;
        else if (id !== null && inRunProperties && !own.has(id)) {
          const how = hiddenByRunProperty(name, attributes);
          if (how !== null) own.set(id, how);
        }
      },
      onclosetag(name) {
        if (name === 'w:style') id = null;
        else if (name === 'w:rpr') inRunProperties = false;
      },
    },
    { xmlMode: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(stylesXml);
  parser.end();
  const resolved = new Map<string, HiddenHow>();
  for (const start of new Set([...own.keys(), ...basedOn.keys()])) {
    // Bounded walk up the basedOn chain (a cycle in a hostile file ends it).
    let at: string | undefined = start;
    for (let step = 0; at !== undefined && step < 16; step++, at = basedOn.get(at)) {
      const how = own.get(at);
      if (how !== undefined) {
        resolved.set(start, how);
        break;
      }
    }
  }
  return resolved;
}

/**
 * The text of a DOCX's `word/document.xml` that a reader does not see but a model reading the
 * converted text does: runs marked hidden (`w:vanish`, `w:specVanish`, `w:webHidden`), white
 * (`w:color` FFFFFF) or of 1 pt or less (`w:sz` ≤ 2 half-points), directly or through a character
 * or paragraph style of `styles` (hiddenDocxStyles). Consecutive hidden runs of a paragraph make
 * one part; offsets are into the XML. A run's direct property overrides its style's (`w:vanish
 * w:val="0"` shows a run of a hidden style). Theme colours and highlight are not resolved.
 */
export function findHiddenDocx(documentXml: string, styles: ReadonlyMap<string, HiddenHow> = new Map()): HiddenHtmlText[] {
  const found: HiddenHtmlText[] = [];
  let current: { how: HiddenHow; text: string; start: number; end: number } | null = null;
  let paragraphStyle: string | null = null;
  let run: (RunStyle & { direct: HiddenHow | null | undefined; start: number }) | null = null;
  let inRunProperties = false;
  let inParagraphProperties = false;
  let inText = false;
  const flush = () => {
    if (current !== null && current.text.trim() !== '')
      found.push({ how: current.how, text: current.text.replace(/\s+/g, ' ').trim(), start: current.start, end: current.end });
    current = null;
  };
  const runHides = (): HiddenHow | null => {
    if (run === null) return null;
    if (run.direct !== undefined) return run.direct;
    const byStyle = run.style === null ? undefined : styles.get(run.style);
    if (byStyle !== undefined) return byStyle;
    return paragraphStyle === null ? null : (styles.get(paragraphStyle) ?? null);
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        switch (name) {
          case 'w:p':
            flush();
            paragraphStyle = null;
            return;
          case 'w:ppr':
            inParagraphProperties = true;
            return;
          case 'w:pstyle':
            if (inParagraphProperties) paragraphStyle = attributes['w:val'] ?? null;
            return;
          case 'w:r':
            run = { how: null, style: null, direct: undefined, start: parser.startIndex };
            return;
          case 'w:rpr':
            // A paragraph mark's own properties (w:pPr/w:rPr) do not apply to the runs.
            if (run !== null && !inParagraphProperties) inRunProperties = true;
            return;
          case 'w:rstyle':
            if (inRunProperties && run !== null) run.style = attributes['w:val'] ?? null;
            return;
          case 'w:t':
            inText = run !== null;
            return;
          case 'w:tab':
          case 'w:br':
            if (run !== null && current !== null) current.text += ' ';
            return;
          default:
            if (inRunProperties && run !== null) {
              const how = hiddenByRunProperty(name, attributes);
              const isSwitch = name === 'w:vanish' || name === 'w:specvanish' || name === 'w:webhidden';
              // A switch turned off overrides a hiding style; another property only adds.
              if (how !== null) run.direct = how;
              else if (isSwitch && run.direct === undefined) run.direct = null;
            }
        }
      },
      onclosetag(name) {
        switch (name) {
          case 'w:ppr':
            inParagraphProperties = false;
            return;
          case 'w:rpr':
            inRunProperties = false;
            return;
          case 'w:t':
            inText = false;
            return;
          case 'w:r': {
            if (run !== null && runHides() === null) flush();
            run = null;
            return;
          }
          case 'w:p':
            flush();
            return;
        }
      },
      ontext(text) {
        if (!inText || run === null) return;
        const how = runHides();
        if (how === null) return;
        if (current === null) current = { how, text: '', start: run.start, end: parser.endIndex + 1 };
        current.text += text;
        current.end = parser.endIndex + 1;
      },
    },
    { xmlMode: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(documentXml);
  parser.end();
  flush();
  return found;
}
