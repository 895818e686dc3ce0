import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The dependency direction of STYLE.md, checked on import lines: the CLI talks to the server over
// HTTP; nothing imports the HTTP layer or the CLI; providers never import policy domains; the
// inference routes see only the request story; config/ and errors/ are leaves; no import cycle,
// neither between folders nor between files.
const src = fileURLToPath(new URL('.', import.meta.url));

/**
 * Known violations, each with the work that removes it. The checks fail on a violation missing
 * here AND on an entry here that no longer occurs, so this list can only shrink.
 */
// Empty since issue 12 landed: add an entry only with the work that will remove it.
const PENDING: Readonly<Record<string, string>> = {};

/** One import of a relative path, both ends relative to src/ with `.ts` names. */
interface Edge {
  from: string;
  to: string;
  /** `import type`, `export type` or `typeof import(...)`: erased at run time. */
  typeOnly: boolean;
}

// `import`/`export` ... `from '...'` at the start of a line, the clause possibly over several
// lines. `import { type A }` is not type-only: under verbatimModuleSyntax it still loads the module.
const FROM = /^[ \t]*(?:import|export)\s+(type\s+)?((?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s*as\s+[\w$]+)?)|[\w$]+)\s*from\s*(['"])([^'"\n]+)\3/gm;
const BARE = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

interface ImportLine {
  specifier: string;
  typeOnly: boolean;
  form: 'from' | 'bare' | 'dynamic';
}

/** The relative specifiers a module's text imports (packages are not edges of our graph). */
function importLines(text: string): ImportLine[] {
  const found: ImportLine[] = [];
  for (const m of text.matchAll(FROM)) found.push({ specifier: m[4] as string, typeOnly: m[1] !== undefined, form: 'from' });
  for (const m of text.matchAll(BARE)) found.push({ specifier: m[2] as string, typeOnly: false, form: 'bare' });
  for (const line of text.split('\n')) {
    if (isComment(line)) continue; // a comment that shows an example import
    for (const m of line.matchAll(DYNAMIC)) {
      // `typeof import('./x.js')` and `import('./x.js').Name` are types; `.then` and `await` are not.
      const before = line.slice(0, m.index);
      const after = line.slice(m.index + m[0].length);
      const typeOnly = /typeof\s*$/.test(before) || (/^\.(?!then\b|catch\b|finally\b)[\w$]/.test(after) && !/await\s*$/.test(before));
      found.push({ specifier: m[2] as string, typeOnly, form: 'dynamic' });
    }
  }
  return found.filter((i) => i.specifier.startsWith('.'));
}

const isComment = (line: string): boolean => /^\s*(\/\/|\/\*|\*)/.test(line);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const edges: Edge[] = files(src)
  .sort()
  .flatMap((file) =>
    importLines(readFileSync(file, 'utf8')).map(({ specifier, typeOnly }) => ({
      from: relative(src, file),
      to: relative(src, join(dirname(file), specifier)).replace(/\.js$/, '.ts'),
      typeOnly,
    })),
  );

/** `api/http/x.ts` -> `api`; `main.ts` stays `main.ts`. */
const folderOf = (file: string): string => file.split('/')[0] as string;

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) visit(w);
      if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = stack.splice(stack.indexOf(v));
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Shortest path from `start` to `goal` inside `within` (breadth first, neighbours in name order). */
function shortestPath(graph: ReadonlyMap<string, ReadonlySet<string>>, start: string, goal: string, within: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>([[start, start]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    if (v === goal) break;
    for (const w of [...(graph.get(v) ?? [])].sort()) if (within.has(w) && !previous.has(w)) (previous.set(w, v), queue.push(w));
  }
  const path = [goal];
  while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string);
  return path;
}

function graphOf(pairs: Iterable<[string, string]>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)?.add(b);
  }
  return graph;
}

/** Compares what a check found (key -> how to read it) with the PENDING entries of that check. */
function expectOnlyPending(check: string, found: ReadonlyMap<string, string>): void {
  const prefix = `${check}: `;
  const pending = Object.keys(PENDING)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  const fresh = [...found]
    .filter(([key]) => !pending.includes(key))
    .map(([, shown]) => shown)
    .sort();
  const gone = pending.filter((key) => !found.has(key));
  assert.deepEqual(
    { newViolations: fresh, pendingEntriesThatNoLongerOccur: gone },
    { newViolations: [], pendingEntriesThatNoLongerOccur: [] },
    `${check}: fix the new violations; remove the entries that no longer occur from PENDING`,
  );
}

/** Inference routes: everything in api/http but these, and every inbound protocol's folder api/<protocol>/. */
const ADMIN_ROUTES = [
  'api/http/admin-routes.ts',
  'api/http/admin-wire.ts',
  'api/http/eval-admin-routes.ts',
  'api/http/dashboard-admin-routes.ts',
  'api/http/dashboard-deps.ts',
];
const ROUTE_TABLE = ['api/http/app.ts', 'api/http/routes.ts'];
/** Test fixtures wire real stores, as main.ts does. */
const isHttpFixture = (file: string): boolean => file.startsWith('api/http/__fixtures__/');
/** `api/<protocol>/` folders (Responses, Anthropic, Ollama) are inference routes too. */
const isInferenceRoute = (file: string): boolean =>
  file.startsWith('api/') && !ADMIN_ROUTES.includes(file) && !ROUTE_TABLE.includes(file) && !isHttpFixture(file);
/** `api/ollama/x.ts` -> `api/ollama/`: a protocol's files may import each other. */
const protocolFolder = (file: string): string => file.split('/').slice(0, 2).join('/') + '/';
const routeMayImport = (e: Edge): boolean =>
  /^(api\/http|gateway|errors|log)\//.test(e.to) || e.to.startsWith(protocolFolder(e.from)) || (e.to === 'providers/spec.ts' && e.typeOnly);

const rules: { name: string; covers: (file: string) => boolean; allows: (e: Edge) => boolean }[] = [
  { name: 'nothing but main.ts imports the HTTP layer', covers: (f) => !/^(api\/|main\.ts)/.test(f), allows: (e) => !e.to.startsWith('api/') },
  { name: 'nothing imports the CLI', covers: (f) => !f.startsWith('cli/'), allows: (e) => !e.to.startsWith('cli/') },
  {
    name: 'providers never import policy domains',
    covers: (f) => f.startsWith('providers/'),
    allows: (e) => !/^(router|privacy|auth|audit|api|gateway)\//.test(e.to),
  },
  {
    name: 'domains do not know the CLI',
    covers: (f) => /^(gateway|providers|engine|privacy|router|store|usage|models)\//.test(f),
    allows: (e) => !e.to.startsWith('cli/'),
  },
  { name: 'inference routes', covers: isInferenceRoute, allows: routeMayImport },
  { name: 'admin routes', covers: (f) => ADMIN_ROUTES.includes(f), allows: (e) => routeMayImport(e) || /^(auth|usage|audit|eval)\//.test(e.to) },
  { name: 'config is a leaf', covers: (f) => f.startsWith('config/'), allows: (e) => /^(config|errors)\//.test(e.to) },
  { name: 'errors is a leaf', covers: (f) => f.startsWith('errors/'), allows: (e) => e.to.startsWith('errors/') },
];

describe('architecture', () => {
  it('reads every form of relative import', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      'import {',
      '  c,',
      '  type C,',
      "} from './c.js';",
      "import d, { e } from './d.js';",
      "import * as f from './f.js';",
      "import g from './g.js';",
      "export { h } from './h.js';",
      "export type { I } from './i.js';",
      "export * from './j.js';",
      "export * as k from './k.js';",
      "import './l.js';",
      "const m = await import('./m.js');",
      "type N = typeof import('./n.js');",
      "type O = import('./o.js').O;",
      "import('./p.js').then((p) => p.run());",
      "import { z } from 'zod';",
      "// import { q } from './q.js';",
      " * import('./r.js')",
      'export interface Q { a: number }',
      'const s = `import(${x})`;',
    ].join('\n');
    assert.deepEqual(importLines(text), [
      { specifier: './a.js', typeOnly: false, form: 'from' },
      { specifier: '../b.js', typeOnly: true, form: 'from' },
      { specifier: './c.js', typeOnly: false, form: 'from' },
      { specifier: './d.js', typeOnly: false, form: 'from' },
      { specifier: './f.js', typeOnly: false, form: 'from' },
      { specifier: './g.js', typeOnly: false, form: 'from' },
      { specifier: './h.js', typeOnly: false, form: 'from' },
      { specifier: './i.js', typeOnly: true, form: 'from' },
      { specifier: './j.js', typeOnly: false, form: 'from' },
      { specifier: './k.js', typeOnly: false, form: 'from' },
      { specifier: './l.js', typeOnly: false, form: 'bare' },
      { specifier: './m.js', typeOnly: false, form: 'dynamic' },
      { specifier: './n.js', typeOnly: true, form: 'dynamic' },
      { specifier: './o.js', typeOnly: true, form: 'dynamic' },
      { specifier: './p.js', typeOnly: false, form: 'dynamic' },
    ]);
  });

  it('reads the import lines of the real tree', () => {
    // Outside comments, each `from '.` ends an import or export the reader must see.
    for (const file of files(src)) {
      const text = readFileSync(file, 'utf8');
      const code = text.split('\n').filter((line) => !isComment(line));
      const expected = code.join('\n').match(/\bfrom\s*['"]\./g)?.length ?? 0;
      const read = importLines(text).filter((i) => i.form === 'from').length;
      assert.equal(read, expected, relative(src, file));
    }
    assert.ok(edges.some((e) => e.from === 'api/http/app.ts' && e.to === 'log/logger.ts' && e.typeOnly));
    assert.ok(
      edges.every((e) => !e.to.startsWith('..')),
      'every relative import stays inside src/',
    );
  });

  for (const rule of rules) {
    it(`imports follow the rule: ${rule.name}`, () => {
      const broken = new Map<string, string>();
      for (const e of edges) {
        if (!rule.covers(e.from) || rule.allows(e)) continue;
        const key = `${e.from} -> ${e.to}`;
        broken.set(key, e.to === 'providers/spec.ts' ? `${key} (a value import: use import type)` : key);
      }
      expectOnlyPending(rule.name, broken);
    });
  }

  it('no import cycle between folders', () => {
    const example = new Map<string, string>();
    for (const e of edges) {
      const hop = `${folderOf(e.from)} -> ${folderOf(e.to)}`;
      if (folderOf(e.from) !== folderOf(e.to) && !example.has(hop)) example.set(hop, `${e.from} -> ${e.to}`);
    }
    const graph = graphOf([...example.keys()].map((hop) => hop.split(' -> ') as [string, string]));
    const found = new Map<string, string>();
    // Every edge inside a component lies on a cycle: report the shortest cycle through each one.
    for (const component of cycles(graph)) {
      const within = new Set(component);
      for (const a of component) {
        for (const b of [...(graph.get(a) ?? [])].filter((w) => within.has(w))) {
          const loop = [a, ...shortestPath(graph, b, a, within)];
          const start = loop.indexOf([...loop].sort()[0] as string);
          const cycle = [...loop.slice(start, -1), ...loop.slice(0, start), loop[start] as string];
          const hops = cycle.slice(1).map((to, i) => example.get(`${cycle[i]} -> ${to}`));
          found.set(cycle.join(' -> '), `${cycle.join(' -> ')} (${hops.join('; ')})`);
        }
      }
    }
    expectOnlyPending('folder cycles', found);
  });

  it('no import cycle between files', () => {
    const graph = graphOf(edges.map((e) => [e.from, e.to]));
    const found = new Map<string, string>();
    for (const component of cycles(graph)) {
      const first = component[0] as string;
      const second = [...(graph.get(first) ?? [])].sort().find((w) => component.includes(w)) as string;
      const loop = [first, ...shortestPath(graph, second, first, new Set(component))];
      found.set(component.join(' <-> '), `${component.join(' <-> ')} (${loop.join(' -> ')})`);
    }
    expectOnlyPending('file cycles', found);
  });
});
