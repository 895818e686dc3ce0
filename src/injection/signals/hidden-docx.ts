import { DepthBoundedParser, MAX_HTML_DEPTH } from '../../markup/depth-bounded-parser.js';
import type { HiddenHow, HiddenHtmlText } from './hidden-html.js';

/** The namespaces mammoth reads as WordprocessingML (`w:`): transitional and strict. */
const WORDPROCESSINGML = new Set(['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main']);

/**
 * Markup Compatibility (`mc:AlternateContent`): Word shows the `mc:Choice` it supports, mammoth
 * converts the `mc:Fallback` only. Text in a Fallback reaches the model, not the reader.
 */
const MARKUP_COMPATIBILITY = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/** An element of a WordprocessingML part, named `w:` + its lower-cased local name whatever its prefix (or `mc:fallback`). */
interface WordElement {
  name: string;
  /** Its attributes in the WordprocessingML namespace, by the same names (`w:val`); the last of a repeated one. */
  attributes: Record<string, string>;
}

/** The prefixes an element declares when it declares none (shared, never written to). */
const NONE: string[] = [];

/**
 * Resolves element and attribute names by namespace, as mammoth's XML reader (xmldom) does, not
 * by the prefix a file happens to use: `<x:vanish/>` under `xmlns:x="…/wordprocessingml/2006/main"`
 * and `<vanish/>` under that default namespace are both `w:vanish`; a `w:` bound to another
 * namespace is not. Bindings come from `xmlns` and `xmlns:*` attributes and end with the element
 * declaring them. Prefixes are compared as written (XML is case-sensitive), local names in lower
 * case (as the scan always did: it can only flag more). One stack per prefix keeps each lookup O(1)
 * and the memory within what was read. A `w:` declared nowhere is taken as WordprocessingML: xmldom
 * leaves such elements without a namespace, so mammoth does not convert them and flagging them costs
 * nothing.
 */
class WordNames {
  /** Prefix ('' for the default namespace) → the namespaces bound to it, innermost last. */
  readonly #bound = new Map<string, string[]>();
  /** Per open element: its resolved name (null outside WordprocessingML) and the prefixes it bound. */
  readonly #open: Array<{ name: string | null; declared: readonly string[] }> = [];
  /** Resolved names under the current bindings (attributes keyed with a leading '@'), emptied when they change. */
  readonly #resolved = new Map<string, string | null>();

  open(qualified: string, attributes: Record<string, string>): WordElement | null {
    let declared: string[] = NONE;
    for (const attribute in attributes) {
      if (!attribute.startsWith('xmlns')) continue;
      const prefix = attribute === 'xmlns' ? '' : attribute.startsWith('xmlns:') ? attribute.slice(6) : null;
      if (prefix === null) continue;
      const stack = this.#bound.get(prefix);
      if (stack === undefined) this.#bound.set(prefix, [attributes[attribute] ?? '']);
      else stack.push(attributes[attribute] ?? '');
      if (declared === NONE) declared = [];
      declared.push(prefix);
      this.#resolved.clear();
    }
    const name = this.#resolve(qualified, true) ?? this.#fallback(qualified);
    this.#open.push({ name, declared });
    if (name === null) return null;
    const words: Record<string, string> = {};
    for (const attribute in attributes) {
      const resolved = this.#resolve(attribute, false);
      if (resolved !== null) words[resolved] = attributes[attribute] ?? '';
    }
    return { name, attributes: words };
  }

  /** Closes the innermost open element, returning its resolved name. */
  close(): string | null {
    const element = this.#open.pop();
    if (element === undefined) return null;
    for (const prefix of element.declared) this.#bound.get(prefix)?.pop();
    if (element.declared.length > 0) this.#resolved.clear();
    return element.name;
  }

  /** `mc:fallback` for Markup Compatibility's Fallback element (whatever its prefix), else null. */
  #fallback(qualified: string): string | null {
    const colon = qualified.indexOf(':');
    if (qualified.slice(colon + 1) !== 'Fallback') return null;
    const stack = this.#bound.get(colon < 0 ? '' : qualified.slice(0, colon));
    return stack?.[stack.length - 1] === MARKUP_COMPATIBILITY ? 'mc:fallback' : null;
  }

  /** `w:` + the local name when the name is in WordprocessingML, else null. An unprefixed attribute is in no namespace. */
  #resolve(qualified: string, isElement: boolean): string | null {
    const key = isElement ? qualified : `@${qualified}`;
    const known = this.#resolved.get(key);
    if (known !== undefined) return known;
    const colon = qualified.indexOf(':');
    const prefix = colon < 0 ? '' : qualified.slice(0, colon);
    const stack = this.#bound.get(prefix);
    const namespace = stack?.[stack.length - 1];
    const inWord = (colon >= 0 || isElement) && prefix !== 'xmlns' && (namespace === undefined ? prefix === 'w' : WORDPROCESSINGML.has(namespace));
    const resolved = inWord ? `w:${qualified.slice(colon + 1).toLowerCase()}` : null;
    this.#resolved.set(key, resolved);
    return resolved;
  }
}

/** Where a handler is in the XML: the start of the tag just opened, the end of the text just read. */
interface WordXmlHandlers {
  /** `deep`: the element is nested deeper than MAX_HTML_DEPTH, where its attributes are not read. */
  open(element: WordElement, tagStart: number, deep: boolean): void;
  close(name: string): void;
  text?(text: string, textEnd: number): void;
}

/**
 * Streams a WordprocessingML part through htmlparser2, handing on only its WordprocessingML
 * elements. Bounded: htmlparser2's own Parser takes time in the square of the nesting.
 */
function parseWordXml(xml: string, on: WordXmlHandlers): void {
  const names = new WordNames();
  const parser: DepthBoundedParser = new DepthBoundedParser(
    {
      onopentag(qualified, attributes) {
        const element = names.open(qualified, attributes);
        if (element !== null) on.open(element, parser.startIndex, parser.depth > MAX_HTML_DEPTH);
      },
      // htmlparser2 closes every element it opened, once (an implied close included), so the stacks stay in step.
      onclosetag() {
        const name = names.close();
        if (name !== null) on.close(name);
      },
      ontext(text) {
        on.text?.(text, parser.endIndex + 1);
      },
    },
    { xmlMode: true, lowerCaseTags: false, lowerCaseAttributeNames: false, decodeEntities: true },
  );
  parser.parse(xml);
}

/** Run properties (`w:rPr`) that hide a run's text from a reader of the document. */
function hiddenByRunProperty(name: string, attributes: Record<string, string>): HiddenHow | null {
  const value = (attributes['w:val'] ?? '').toLowerCase();
  const on = value === '' || !['0', 'false', 'off'].includes(value);
  // Hidden text (Word's Font > Hidden), shown neither on screen nor in print by default.
  if (name === 'w:vanish' || name === 'w:specvanish' || name === 'w:webhidden') return on ? 'vanish' : null;
  // White or near-white text on the (assumed) white page: every channel 0xF0 or more.
  if (name === 'w:color') return /^(?:f[0-9a-f]){3}$/.test(value) ? 'invisible_color' : null;
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
 * Keys of hiddenDocxStyles' map that are not style ids (a style id has no NUL): the document's
 * default run properties (`w:docDefaults`), under every run; the default paragraph style
 * (`w:default="1"`), for paragraphs that name none.
 */
export const DOC_DEFAULTS = '\u0000docDefaults';
export const DEFAULT_PARAGRAPH_STYLE = '\u0000defaultParagraph';

/**
 * Character and paragraph styles of a DOCX's styles part whose run properties hide text (hidden,
 * white, 1 pt or less), by style id, plus the document's defaults and its default paragraph
 * style when they hide (DOC_DEFAULTS, DEFAULT_PARAGRAPH_STYLE: Word applies them to every run or
 * paragraph that says nothing else, so a `w:vanish` there hides the whole document from a reader).
 * `w:basedOn` chains are followed. Names are resolved by namespace, whatever the prefix (WordNames).
 */
export function hiddenDocxStyles(stylesXml: string): Map<string, HiddenHow> {
  const own = new Map<string, HiddenHow>();
  const basedOn = new Map<string, string>();
  let id: string | null = null;
  let defaultParagraph: string | null = null;
  let inRunProperties = false;
  let inDefaults = false;
  parseWordXml(stylesXml, {
    open({ name, attributes }) {
      if (name === 'w:style') {
        id = attributes['w:styleid'] ?? null;
        const isDefault = ['1', 'true', 'on'].includes((attributes['w:default'] ?? '').toLowerCase());
        if (id !== null && isDefault && attributes['w:type'] === 'paragraph') defaultParagraph = id;
      } else if (name === 'w:docdefaults') {
        inDefaults = true;
        id = DOC_DEFAULTS;
      } else if (id !== null && name === 'w:basedon' && attributes['w:val'] !== undefined) basedOn.set(id, attributes['w:val']);
      // The defaults' paragraph properties (w:pPrDefault) may hold an rPr of the paragraph mark only.
      else if (id !== null && name === 'w:ppr' && inDefaults) id = null;
      else if (id !== null && name === 'w:rpr') inRunProperties = true;
      else if (id !== null && inRunProperties && !own.has(id)) {
        const how = hiddenByRunProperty(name, attributes);
        if (how !== null) own.set(id, how);
      }
    },
    close(name) {
      if (name === 'w:style') id = null;
      else if (name === 'w:docdefaults') {
        inDefaults = false;
        id = null;
      } else if (name === 'w:ppr' && inDefaults) id = DOC_DEFAULTS;
      else if (name === 'w:rpr') inRunProperties = false;
    },
  });
  if (defaultParagraph !== null) basedOn.set(DEFAULT_PARAGRAPH_STYLE, defaultParagraph);
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
 * The text of a DOCX part (main document, footnotes, endnotes: readDocxParts) that a reader does
 * not see but a model reading the converted text does: runs marked hidden (`w:vanish`, `w:specVanish`, `w:webHidden`), white
 * (`w:color` FFFFFF) or of 1 pt or less (`w:sz` ≤ 2 half-points), directly or through a character
 * or paragraph style of `styles` (hiddenDocxStyles). Consecutive hidden runs of a paragraph make
 * one part; offsets are into the XML. A run's direct property overrides its style's (`w:vanish
 * w:val="0"` shows a run of a hidden style). Theme colours and highlight are not resolved. Names
 * are resolved by namespace, as mammoth reads them: `x:vanish` under `xmlns:x` bound to
 * WordprocessingML, or `vanish` under that default namespace, is `w:vanish` (WordNames).
 */
export function findHiddenDocx(documentXml: string, styles: ReadonlyMap<string, HiddenHow> = new Map()): HiddenHtmlText[] {
  const found: HiddenHtmlText[] = [];
  let current: { how: HiddenHow; text: string; start: number; end: number } | null = null;
  let paragraphStyle: string | null = null;
  let run: (RunStyle & { direct: HiddenHow | null | undefined; start: number }) | null = null;
  let inRunProperties = false;
  let inParagraphProperties = false;
  let inText = false;
  // mc:Fallback elements open around this point.
  let fallbacks = 0;
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
    const byParagraph = styles.get(paragraphStyle ?? DEFAULT_PARAGRAPH_STYLE);
    if (byParagraph !== undefined) return byParagraph;
    return styles.get(DOC_DEFAULTS) ?? null;
  };
  parseWordXml(documentXml, {
    open({ name, attributes }, tagStart, deep) {
      switch (name) {
        case 'mc:fallback':
          fallbacks += 1;
          return;
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
          // A run nested deeper than any document a person wrote, whose properties go unread, or
          // in the Fallback of an alternate content Word does not show: scanned as hidden.
          run = { how: null, style: null, direct: deep ? 'deep_nesting' : fallbacks > 0 ? 'alternate_content' : undefined, start: tagStart };
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
    close(name) {
      switch (name) {
        case 'mc:fallback':
          fallbacks -= 1;
          return;
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
    text(text, textEnd) {
      if (!inText || run === null) return;
      const how = runHides();
      if (how === null) return;
      if (current === null) current = { how, text: '', start: run.start, end: textEnd };
      current.text += text;
      current.end = textEnd;
    },
  });
  flush();
  return found;
}
