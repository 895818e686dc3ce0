import { Parser, type Handler, type ParserOptions } from 'htmlparser2';

/**
 * How deep the parser follows nested elements. Chromium's HTML parser stops nesting at 512 too
 * (deeper elements become siblings); no page a person wrote comes near it.
 */
export const MAX_HTML_DEPTH = 512;

/**
 * htmlparser2's `Parser`, with the elements it keeps open bounded by `maxDepth`.
 *
 * Why: the Parser keeps its open elements in an array with the newest first (`unshift` on every
 * open tag, `indexOf` on every close tag), so each tag costs time in the nesting depth, and a file
 * of n nested elements costs n². Measured before this class (html-loader, 1.2 MB): 100,000 flat
 * `<div>`s 0.09 s, the same nested 16 s.
 *
 * How: an element that would open deeper than `maxDepth` is not given to the Parser. It is
 * reported to the handler all the same (`onopentagname`, then `onopentag` with no attributes),
 * kept on a stack of its own (push and pop at the end, a count per name), and its close tag closes
 * it there, with the deeper ones left open, as the Parser would (implied). A close tag of an
 * element the Parser holds closes the deeper ones first, then goes to the Parser; at the end, the
 * deeper ones close first, then the Parser's. Every tag then costs at most `maxDepth` steps.
 * Below `maxDepth` the handler sees exactly the Parser's events (tested against it). Beyond it,
 * the tags open inside a deep element do not close it implicitly (`<li>` after `<li>`), and the
 * element's attributes are not read: a handler that needs them must not rely on deep elements.
 *
 * The whole text must be given at once, to `parse`: tag names are read from it by position.
 */
export class DepthBoundedParser extends Parser {
  readonly #handler: Partial<Handler>;
  readonly #maxDepth: number;
  readonly #lowerCase: boolean;
  /** The names of the elements the Parser holds open, outermost first (as its own stack, in step with its events). */
  readonly #open: string[];
  /** Elements opened beyond `maxDepth`, outermost first, and how many of each name are there. */
  readonly #deep: string[] = [];
  readonly #deepCount = new Map<string, number>();
  /** The deep element whose open tag is being read (its attributes), if one is. */
  #pending: string | null = null;
  #source = '';

  constructor(handler: Partial<Handler>, options: ParserOptions & { maxDepth?: number } = {}) {
    const open: string[] = [];
    // Every element the Parser reports open, it reports closed once, innermost first (a void one
    // at once, an implied close included): so pushing and popping here tracks its stack exactly.
    super(
      {
        ...handler,
        onopentagname(name) {
          open.push(name);
          handler.onopentagname?.(name);
        },
        onclosetag(name, isImplied) {
          open.pop();
          handler.onclosetag?.(name, isImplied);
        },
      },
      options,
    );
    this.#handler = handler;
    this.#open = open;
    this.#maxDepth = options.maxDepth ?? MAX_HTML_DEPTH;
    this.#lowerCase = options.lowerCaseTags ?? !options.xmlMode;
  }

  /** Parses a whole document (then the parser is done). */
  parse(text: string): void {
    this.#source = text;
    this.end(text);
  }

  /** How many elements are open now, held by the Parser and beyond it. */
  get depth(): number {
    return this.#open.length + this.#deep.length;
  }

  /** How many elements the Parser itself holds open: never more than `maxDepth` (+1 while one opens). */
  get parserDepth(): number {
    return this.#open.length;
  }

  override onopentagname(start: number, endIndex: number): void {
    const name = this.#name(start, endIndex);
    if (this.#open.length < this.#maxDepth || this.isVoidElement(name)) return super.onopentagname(start, endIndex);
    this.#pending = name;
    this.#handler.onopentagname?.(name);
  }

  override onopentagend(endIndex: number): void {
    if (!this.#openDeep()) super.onopentagend(endIndex);
  }

  override onselfclosingtag(endIndex: number): void {
    // HTML ignores the slash of a non-void element; the Parser only honours it in <svg>/<math>,
    // which deep elements do not track: read as an open tag, as HTML does.
    if (!this.#openDeep()) super.onselfclosingtag(endIndex);
  }

  override onclosetag(start: number, endIndex: number): void {
    const name = this.#name(start, endIndex);
    if (this.#deep.length > 0 && !this.isVoidElement(name)) {
      if ((this.#deepCount.get(name) ?? 0) > 0) {
        this.#closeDeep(name);
        return;
      }
      // Closing an element the Parser holds closes everything inside it first.
      if (this.#open.lastIndexOf(name) !== -1) this.#closeDeep(null);
    }
    super.onclosetag(start, endIndex);
  }

  override onend(): void {
    this.#closeDeep(null);
    super.onend();
  }

  #name(start: number, endIndex: number): string {
    const name = this.#source.slice(start, endIndex);
    return this.#lowerCase ? name.toLowerCase() : name;
  }

  #openDeep(): boolean {
    const name = this.#pending;
    if (name === null) return false;
    this.#pending = null;
    this.#deep.push(name);
    this.#deepCount.set(name, (this.#deepCount.get(name) ?? 0) + 1);
    this.#handler.onopentag?.(name, {}, false);
    return true;
  }

  /** Closes deep elements, innermost first, down to the innermost `name` (null: all of them). */
  #closeDeep(name: string | null): void {
    while (this.#deep.length > 0) {
      const element = this.#deep.pop() as string;
      this.#deepCount.set(element, (this.#deepCount.get(element) as number) - 1);
      const last = element === name;
      this.#handler.onclosetag?.(element, !last);
      if (last) return;
    }
  }
}
