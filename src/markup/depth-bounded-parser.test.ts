import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser, type Handler } from 'htmlparser2';
import { DepthBoundedParser, MAX_HTML_DEPTH } from './depth-bounded-parser.js';

/** Every event a handler sees, as text; `deepest` records the parser's depth at each event. */
function recorder(withAttributes: boolean, depthOf?: () => number): { handler: Partial<Handler>; events: string[]; deepest: number } {
  const out = { events: [] as string[], deepest: 0, handler: {} as Partial<Handler> };
  const note = (event: string) => {
    out.events.push(event);
    if (depthOf !== undefined) out.deepest = Math.max(out.deepest, depthOf());
  };
  out.handler = {
    onopentagname: (name) => note(`open ${name}`),
    onopentag: (name, attribs, implied) => note(`tag ${name} ${withAttributes ? JSON.stringify(attribs) : ''} ${implied}`),
    onclosetag: (name, implied) => note(`close ${name} ${implied}`),
    ontext: (data) => note(`text ${data}`),
    oncomment: (data) => note(`comment ${data}`),
  };
  return out;
}

function plainEvents(html: string, withAttributes: boolean): string[] {
  const r = recorder(withAttributes);
  const parser = new Parser(r.handler, { decodeEntities: true, lowerCaseTags: true });
  parser.end(html);
  return r.events;
}

function boundedEvents(html: string, maxDepth: number, withAttributes: boolean): { events: string[]; deepest: number } {
  let parser: DepthBoundedParser | undefined;
  const r = recorder(withAttributes, () => parser?.parserDepth ?? 0);
  parser = new DepthBoundedParser(r.handler, { decodeEntities: true, lowerCaseTags: true, maxDepth });
  parser.parse(html);
  return r;
}

/** Tag soup: implied closes (p, li, td, option), void and self-closed tags, stray and upper-case closes, raw text, svg. */
function soup(seed: number, length: number): string {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const tags = ['div', 'p', 'li', 'ul', 'b', 'span', 'h2', 'td', 'tr', 'table', 'script', 'svg', 'path', 'title', 'br', 'img', 'option', 'select', 'A'];
  const pick = () => tags[Math.floor(next() * tags.length)] as string;
  const open: string[] = [];
  let html = '';
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r < 0.4) {
      const tag = pick();
      html += `<${tag}${next() < 0.3 ? ' class="c" hidden' : ''}${next() < 0.1 ? '/' : ''}>`;
      open.push(tag);
    } else if (r < 0.7) html += ['alpha ', 'caf&eacute;', ' x\n', '<!-- note -->'][Math.floor(next() * 4)];
    else if (r < 0.95) html += `</${next() < 0.8 ? (open.pop() ?? 'p') : pick()}>`;
    else html += next() < 0.5 ? '</p>' : '</br>';
  }
  return html;
}

describe('DepthBoundedParser', () => {
  it("gives exactly htmlparser2's events, attributes included, while the nesting stays under its bound", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const html = soup(seed, 300);
      assert.deepEqual(boundedEvents(html, MAX_HTML_DEPTH, true).events, plainEvents(html, true), html);
    }
  });

  it("beyond its bound, still gives htmlparser2's events for nesting that implies no close (deep attributes aside), its own stack bounded", () => {
    const cases = [
      `${'<div><b>x</b><br>'.repeat(40)}${'</div>y'.repeat(40)}`,
      `<section>${'<span>a'.repeat(30)}</section>${'<i>b'.repeat(10)}`, // a close tag of a held element closes the deeper ones
      `${'<div id="d">'.repeat(20)}<script>s</script></div></span></p>${'</div>'.repeat(25)}tail`, // stray closes, one too many
      `${'<ul><li>'.repeat(20)}text`, // never closed: closed at the end, innermost first
    ];
    for (const html of cases) {
      const bounded = boundedEvents(html, 4, false);
      assert.deepEqual(bounded.events, plainEvents(html, false), html);
      assert.ok(bounded.deepest <= 5, `the parser held ${bounded.deepest} elements`);
    }
  });

  it('holds at most its bound of 200,000 nested elements, and closes every one', () => {
    const n = 200_000;
    let opened = 0;
    let closed = 0;
    let parser: DepthBoundedParser | undefined;
    let deepest = 0;
    parser = new DepthBoundedParser({
      onopentagname: () => {
        opened += 1;
        deepest = Math.max(deepest, parser?.parserDepth ?? 0);
      },
      onclosetag: () => (closed += 1),
    });
    parser.parse(`${'<div>'.repeat(n)}${'</div>'.repeat(n / 2)}`);
    assert.equal(opened, n);
    assert.equal(closed, n);
    assert.ok(deepest <= MAX_HTML_DEPTH + 1, `deepest ${deepest}`);
    assert.equal(parser.depth, 0);
  });
});
