/**
 * Real benign text that every machine has after `npm ci`: the README, CHANGELOG, licence and docs
 * files of the packages pinned by package-lock.json. Written by many people, full of words that
 * attacks use too (ignore, instructions, system, token, password, override), code and tables:
 * benign *documents* of a kind our own generators cannot write (decision 0006, round 6).
 *
 * Training only. Their text is read at training time and never copied into the repository; only
 * the hashed weights derived from it ship. Packages about language models or prompts are left out
 * (their docs show system prompts and chat templates, some discuss injection), and so is any file
 * that talks about prompt injection or jailbreaks.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { InjectionSource } from '../injection-sources.js';
import { createAttackWriter, seededRandom } from './generate-own-rows.js';
import type { InjectionRow } from './injection-rows.js';

/** One documentation file of one installed package. `path` is relative to node_modules. */
export interface PackageDoc {
  pkg: string;
  version: string;
  path: string;
  text: string;
}

/**
 * Packages whose docs are about language models, prompts or chat templates: left out whole (a
 * "system prompt" example there is not benign text in the sense the detector needs).
 */
export const EXCLUDED_PACKAGES: readonly RegExp[] = [
  /^ai$/,
  /^@ai-sdk\//,
  /^openai$/,
  /^@anthropic-ai\//,
  // Chat templates of language models (`[INST]`, roles): round 6's first weights had its README.
  /^@huggingface\//,
  /llama/,
  /gpt|tiktoken|tokenizer/,
  /langchain|prompt|llm|openai|anthropic|mistral|ollama/,
];

/** A file that talks about attacks on models is left out, whatever its package. */
export const EXCLUDED_TEXT =
  /prompt[\s-]*injection|jailbreak|(?:ignore|disregard) (?:all )?(?:the )?(?:previous|prior|above) instructions|chat[\s_-]?templat|\[INST\]|<\|im_start\|>|<<SYS>>|system prompt/i;

/** Files read: top-level docs of a package, and Markdown under its `docs/` or `doc/` folder. */
const TOP_LEVEL = /^(?:readme|changelog|history|changes|license|licence|notice|contributing|security|upgrading|migration)[\w.-]*$|\.(?:md|markdown|txt)$/i;
const DOCS_DIR = /^docs?$/i;
const DOC_FILE = /\.(?:md|markdown|txt)$/i;
/** Larger files are cut: a 400 KB changelog would outweigh a package's README a hundred times. */
export const MAX_DOC_CHARS = 60_000;

const lockFile = z.object({
  packages: z.record(
    z.string(),
    z.object({ version: z.string().optional(), optional: z.boolean().optional(), os: z.array(z.string()).optional(), cpu: z.array(z.string()).optional() }),
  ),
});

/**
 * The packages of a lock file that every platform installs (optional and os- or cpu-bound ones
 * differ between machines), as `node_modules/...` paths with their pinned version, sorted.
 */
export function lockedPackages(lockText: string): { dir: string; pkg: string; version: string }[] {
  const lock = lockFile.parse(JSON.parse(lockText));
  const out: { dir: string; pkg: string; version: string }[] = [];
  for (const [dir, entry] of Object.entries(lock.packages)) {
    if (!dir.startsWith('node_modules/') || entry.optional === true || entry.os !== undefined || entry.cpu !== undefined) continue;
    if (entry.version === undefined) continue;
    out.push({ dir, pkg: dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version });
  }
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

const installedVersion = z.object({ version: z.string() });

/**
 * Reads the documentation files of the packages pinned by `lockPath`, installed under `root`
 * (the directory holding node_modules). Throws `invalid_request` naming the fix when node_modules
 * is absent or a package is not the locked version: the weights would silently differ.
 */
export function readPackageDocs(root: string): { docs: PackageDoc[]; excluded: { path: string; reason: string }[]; fingerprint: string } {
  const lockPath = join(root, 'package-lock.json');
  if (!existsSync(join(root, 'node_modules')) || !existsSync(lockPath))
    throw new FlambeauError(
      'invalid_request',
      `No node_modules or package-lock.json in ${root}: the injection trainer reads the pinned packages' docs as benign text. Run \`npm ci\` first (or pass --no-package-docs, which trains other weights).`,
    );
  const docs: PackageDoc[] = [];
  const excluded: { path: string; reason: string }[] = [];
  for (const { dir, pkg, version } of lockedPackages(readFileSync(lockPath, 'utf8'))) {
    const at = join(root, dir);
    const manifest = join(at, 'package.json');
    if (!existsSync(manifest)) throw new FlambeauError('invalid_request', `${dir} is in package-lock.json but not installed: run \`npm ci\` before training.`);
    const installed = installedVersion.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
    if (!installed.success || installed.data.version !== version)
      throw new FlambeauError('invalid_request', `${dir} is not the locked version ${version}: run \`npm ci\` before training.`);
    const files = docFiles(at);
    if (EXCLUDED_PACKAGES.some((p) => p.test(pkg))) {
      for (const f of files) excluded.push({ path: `${dir.slice('node_modules/'.length)}/${f}`, reason: 'package about language models or prompts' });
      continue;
    }
    for (const f of files) {
      const path = `${dir.slice('node_modules/'.length)}/${f}`;
      const text = readFileSync(join(at, f), 'utf8').replace(/\r\n?/g, '\n').slice(0, MAX_DOC_CHARS);
      if (EXCLUDED_TEXT.test(text)) excluded.push({ path, reason: 'talks about prompt injection or jailbreaks' });
      else if (text.trim().length >= 200) docs.push({ pkg, version, path, text });
    }
  }
  const hash = createHash('sha256');
  for (const d of docs) hash.update(`${d.path}\0${d.text}\0`);
  return { docs, excluded, fingerprint: hash.digest('hex').slice(0, 16) };
}

function docFiles(at: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(at).sort()) {
    const full = join(at, name);
    const stat = statSync(full);
    if (stat.isFile() && TOP_LEVEL.test(name)) files.push(name);
    else if (stat.isDirectory() && DOCS_DIR.test(name)) for (const f of walk(full)) files.push(`${name}/${f}`);
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) out.push(...walk(full).map((f) => `${name}/${f}`));
    else if (DOC_FILE.test(name)) out.push(name);
  }
  return out;
}

/** Which part a package's docs belong to; by package, so no package's text is on both sides. */
export type DocPart = 'train' | 'calibration' | 'tuning' | 'heldout';

/** FNV-1a of the package name, in 20 slots: 10 train, 4 calibration, 3 tuning, 3 held out. */
export function partOfPackage(pkg: string): DocPart {
  let h = 0x811c9dc5;
  for (let i = 0; i < pkg.length; i++) h = Math.imul(h ^ pkg.charCodeAt(i), 0x01000193);
  const slot = (h >>> 0) % 20;
  return slot < 10 ? 'train' : slot < 14 ? 'calibration' : slot < 17 ? 'tuning' : 'heldout';
}

export interface PackageDocRowOptions {
  /** Share of document chunks also given as a tool result (a file read by a tool). */
  toolShare: number;
  /** Share of document chunks that also give a user message of one to three of their sentences. */
  userShare: number;
  /** Share of chunks that also give a planted copy (one attack sentence inserted), label 1; training only. */
  plantedShare: number;
  /** Share of the planted attacks written in French (the rest in English). */
  plantedFrenchShare: number;
  /** Chunks kept per package, spread evenly over its files (undici's docs alone give 2,000). */
  maxChunksPerPackage: number;
  /** Share of chunks also given as a document wrapped in a user's task (one of `wrappers`, then the chunk). */
  wrappedShare: number;
  wrappers: readonly string[];
}

export const DEFAULT_PACKAGE_DOC_ROWS: PackageDocRowOptions = {
  toolShare: 0.3,
  userShare: 0.3,
  plantedShare: 0,
  plantedFrenchShare: 0.2,
  maxChunksPerPackage: 150,
  wrappedShare: 0,
  wrappers: [],
};

/** Chunked documents, as the ingest chunks them (the caller's `chunk`, so this folder needs no knowledge/ import). */
export interface ChunkedDoc {
  doc: PackageDoc;
  chunks: string[];
}

/**
 * Benign rows from chunked package docs: each chunk as a `document`; some as a `tool` result (the
 * file read by a tool, raw or inside JSON); some give a `user` message of one to three sentences of
 * their prose. With `plantedShare`, a copy of some chunks with one attack sentence written by
 * flambeau's attack writer inserted between two paragraphs (so the model learns the sentence, not
 * that Markdown is benign). Seeded: same docs, same seed, same rows.
 */
export function packageDocRows(chunked: readonly ChunkedDoc[], seed: number, options: Partial<PackageDocRowOptions> = {}): InjectionRow[] {
  const o = { ...DEFAULT_PACKAGE_DOC_ROWS, ...options };
  const random = seededRandom(seed);
  const { attack } = createAttackWriter(seededRandom(seed + 1));
  const rows: InjectionRow[] = [];
  const add = (text: string, label: 0 | 1, origin: string, category: string, channel: InjectionSource) =>
    rows.push({ text, label, origin, lang: 'en', category, hardNegative: false, channel });
  for (const { doc, chunks } of capChunksPerPackage(chunked, o.maxChunksPerPackage)) {
    const origin = `npm:${doc.path}`;
    for (const chunk of chunks) {
      if (chunk.trim().length < 40) continue;
      add(chunk, 0, origin, 'package-doc', 'document');
      if (random() < o.toolShare) add(random() < 0.5 ? chunk : JSON.stringify({ path: doc.path, content: chunk }), 0, origin, 'package-doc-tool', 'tool');
      if (random() < o.userShare && !/licen[cs]e|notice/i.test(doc.path)) {
        const prose = sentencesOf(chunk);
        if (prose.length > 0) {
          const from = Math.floor(random() * prose.length);
          add(prose.slice(from, from + 1 + Math.floor(random() * 3)).join(' '), 0, origin, 'package-doc-sentences', 'user');
        }
      }
      if (o.wrappers.length > 0 && random() < o.wrappedShare)
        add(
          `${o.wrappers[Math.floor(random() * o.wrappers.length)] as string}\n\n${chunk}`,
          0,
          origin,
          'package-doc-task',
          random() < 0.5 ? 'document' : 'user',
        );
      if (random() < o.plantedShare) {
        const paragraphs = chunk.split('\n\n');
        paragraphs.splice(Math.floor(random() * (paragraphs.length + 1)), 0, attack(random() < o.plantedFrenchShare ? 'fr' : 'en'));
        add(paragraphs.join('\n\n'), 1, origin, 'package-doc-planted', random() < 0.75 ? 'document' : 'tool');
      }
    }
  }
  return rows;
}

/** Sentences of a chunk's prose lines (not code, tables, lists of links or headings). */
export function sentencesOf(chunk: string): string[] {
  const prose = chunk
    .split('\n')
    .filter((line) => /^[A-Za-z]/.test(line.trim()) && !/[|`{};]|^\s*#/.test(line) && line.split(' ').length >= 5)
    .join(' ')
    .replace(/\s+/g, ' ');
  return (prose.match(/[^.!?]+[.!?](?=\s|$)/g) ?? []).map((s) => s.trim()).filter((s) => s.split(' ').length >= 5);
}

/** Keeps at most `cap` chunks of each package, taken evenly over its chunks in file order. */
export function capChunksPerPackage(chunked: readonly ChunkedDoc[], cap: number): ChunkedDoc[] {
  const total = new Map<string, number>();
  for (const c of chunked) total.set(c.doc.pkg, (total.get(c.doc.pkg) ?? 0) + c.chunks.length);
  const seen = new Map<string, number>();
  return chunked.map(({ doc, chunks }) => {
    const n = total.get(doc.pkg) as number;
    const kept = chunks.filter(() => {
      const i = seen.get(doc.pkg) ?? 0;
      seen.set(doc.pkg, i + 1);
      // The i-th chunk is kept when it starts a new one of `cap` equal slices of the package.
      return n <= cap || Math.floor((i * cap) / n) !== Math.floor(((i - 1) * cap) / n) || i === 0;
    });
    return { doc, chunks: kept };
  });
}
