#!/usr/bin/env node
/**
 * Regenerates the shipped weights of the prompt-injection detector, deterministically:
 *
 *   npm run train:injection -- [--data FILE] [--out FILE] [--seed N] [--l2 X] [--window CHARS] [--all]
 *                              [--tune] [--target-fpr X] [--nb-power X] [--hard-negative-weight X] [--no-round4] [--round9]
 *                              [--calibrate both|generated|docs|union] [--no-docs-train] [--no-package-docs]
 *                              [--docs-planted X] [--docs-planted-fr X] [--docs-wrapped X] [--docs-cap N] [--docs-user X]
 *                              [--extra-tuning REGEX] [--list-docs] [--user-table shared|no-docs|docs-planted] [--user-from FILE]
 *
 * - Reads the public pool (default ../shared/data/injection/train.jsonl.gz; see its README for
 *   sources and licences) and adds flambeau's own rows generated from src/injection/data/ (seeded:
 *   generate-own-rows.ts, generate-benign-rows.ts's training part, round 4's rows; round 9's with `--round9`).
 * - Reads the README, CHANGELOG, licence and docs files of the packages pinned by package-lock.json
 *   from node_modules (src/injection/training/package-docs.ts, chunked as ingest chunks documents):
 *   real benign text, split by package into training, calibration, tuning and held-out parts. It
 *   needs `npm ci` first and stops, saying so, without node_modules; `--no-package-docs` trains
 *   without them (other weights than the shipped ones).
 * - Holds out whole origins for validation (src/injection/training/split-by-origin.ts).
 * - Fits on the rest twice (round 7): the model that reads documents and tool results (package docs
 *   as benign rows), and the user messages' own table (`--user-table docs-planted`: the same rows
 *   with an attack planted in every doc chunk); about twice the time of one fit.
 * - Sets one logit per source so that the shipped threshold flags at most
 *   TARGET_FPR of each of the two benign calibration sets (`--calibrate both`): the generated one
 *   (generate-benign-rows.ts's calibration part: sentences held back from training) and the
 *   package docs' calibration part (packages never trained on); writes src/injection/injection-weights.json, and prints the figures of the
 *   full detector (model + signals) on the validation part, the hand-written held-out set
 *   (src/injection/data/heldout-handwritten.jsonl, never used for training) and the calibration
 *   rows. The blind sets are left to the bench, so that tuning never reads them.
 *
 * `--all` fits on the validation origins too; the validation table is then no longer a fair estimate.
 * `--tune` leaves the tuning origins (split-by-origin.ts) out of the fit and reports on them only:
 * choose options there, and read the held-out origins once, with the chosen options.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FlambeauError } from '../src/errors/index.js';
import { DEFAULT_FEATURIZER } from '../src/injection/featurize-window.js';
import { NO_SOURCE_BIAS, type InjectionModel, type WeightTable } from '../src/injection/injection-model.js';
import { INJECTION_SOURCES, type InjectionSource } from '../src/injection/injection-sources.js';
import { decodeInjectionModel, encodeInjectionModel } from '../src/injection/injection-weights-wire.js';
import { HANDWRITTEN_HELDOUT_PATH, SHIPPED_INJECTION_WEIGHTS } from '../src/injection/load-injection-model.js';
import { createInjectionScanner } from '../src/injection/scan-injection.js';
import { figureTable, formatFigures } from '../src/injection/training/evaluate-injection.js';
import { calibrateSourceBias, logitOfScore } from '../src/injection/training/calibrate-source-bias.js';
import { generateBenignRows } from '../src/injection/training/generate-benign-rows.js';
import { generateHardNegativeRows } from '../src/injection/training/generate-hard-negative-rows.js';
import { generateOwnRows, seededRandom } from '../src/injection/training/generate-own-rows.js';
import { generateRound4Rows } from '../src/injection/training/generate-round4-rows.js';
import { generateRound9Rows } from '../src/injection/training/generate-round9-rows.js';
import { dedupeRows, loadOwnRows, loadPoolRows, type InjectionRow } from '../src/injection/training/injection-rows.js';
import { splitByOrigin, TUNING_ORIGINS } from '../src/injection/training/split-by-origin.js';
import { trainInjectionModel } from '../src/injection/training/train-injection-model.js';
import { packageDocRows } from '../src/injection/training/package-docs.js';
import { TASK_WRAPPERS } from '../src/injection/data/benign-parts.js';
import { recallAtBenignRates } from '../src/injection/training/evaluate-injection.js';
import { loadPackageDocCorpus } from './injection-package-docs.js';
import { repoDocRows } from './injection-repo-docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const NOTICE =
  'Trained on public prompt-injection and benign prompt sets (MIT, Apache-2.0, CC-BY-4.0; list and licences in ' +
  'docs/decisions/0006-injection-detector.md) and on text written for flambeau.';

/**
 * Share of benign calibration rows per source flagged at the shipped threshold, in each of the two
 * calibration sets (the issue asks for at most 3% on benign text). Chosen on the tuning part
 * (`--tune`, never on the held-out origins): documents and tool results 2% (round 6: every benign
 * tuning yardstick of each source at or under 2%, the tuning hard negatives under 1%); user
 * messages, read by their own table since round 7, 3% (the candidate chosen by round 7's rule; the
 * stricter of the two sets' cuts applies, so the user cut often stays where 2% puts it). Round 9's
 * candidate (its rows, tool results at 1%) did not pass the held-out read and is not the default.
 */
const DEFAULT_TARGET_FPR: Record<InjectionSource, number> = { user: 0.03, document: 0.02, tool: 0.02 };

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '..', 'shared', 'data', 'injection', 'train.jsonl.gz') },
    out: { type: 'string', default: SHIPPED_INJECTION_WEIGHTS },
    seed: { type: 'string', default: '20250315' },
    l2: { type: 'string' },
    window: { type: 'string' },
    'hash-bits': { type: 'string' },
    // Word pairs one word apart as features besides bigrams.
    'skip-grams': { type: 'boolean', default: false },
    'target-fpr': { type: 'string' },
    all: { type: 'boolean', default: false },
    // Fit without the tuning origins and report on them only: the held-out origins stay unread.
    tune: { type: 'boolean', default: false },
    'no-round4': { type: 'boolean', default: false },
    // Round 9's hand-written rows (polite attacks planted in mails and tool results, four-language
    // personas): tried, not shipped (decision 0006, round 9); off in the shipped recipe.
    round9: { type: 'boolean', default: false },
    'nb-power': { type: 'string' },
    'nb-alpha': { type: 'string' },
    'hard-negative-weight': { type: 'string' },
    // Skip the fit: recalibrate and report the model of this weights file (signals and calibration experiments).
    from: { type: 'string' },
    // Train without the pinned packages' docs (node_modules absent): other weights than the shipped ones.
    'no-package-docs': { type: 'boolean', default: false },
    // Which benign rows set the operating point: generated (rounds 2-5), docs (package docs' calibration part), both.
    calibrate: { type: 'string', default: 'both' },
    // Train on the package docs (else they only calibrate and measure).
    'docs-train': { type: 'boolean', default: true },
    'no-docs-train': { type: 'boolean', default: false },
    // Share of training doc chunks also given with one planted attack.
    'docs-planted': { type: 'string', default: '0' },
    'docs-planted-fr': { type: 'string', default: '0.2' },
    // Share of training doc chunks also given wrapped in a user's task ("Summarise the following…").
    'docs-wrapped': { type: 'string', default: '0' },
    'docs-cap': { type: 'string', default: '150' },
    'docs-user': { type: 'string', default: '0.3' },
    // More origins (a regular expression) to carve out of training into the tuning part (`--tune`).
    'extra-tuning': { type: 'string' },
    // Print every package doc file read (with its part) and every one left out, then stop.
    'list-docs': { type: 'boolean', default: false },
    // What reads user messages (round 7): `shared`, the one model; a table of their own fitted on
    // the same rows without the package docs (`no-docs`: the docs teach that long English prose is
    // benign, jailbreaks included) or with an attack planted in every doc chunk (`docs-planted`;
    // decision 0006, round 7).
    'user-table': { type: 'string', default: 'docs-planted' },
    // The user table from this file's model instead (tuning runs: pair two fits without refitting).
    'user-from': { type: 'string' },
    // Round 9: a source's cut set on one calibration set only (`user=docs,document=docs`), else `--calibrate`'s.
    'calibrate-source': { type: 'string' },
    // Round 9: also a user message from every prose chunk of the package docs' calibration part
    // (about four times the user rows of other people's text; documents and tool rows unchanged).
    'cal-docs-user-all': { type: 'boolean', default: false },
    // Round 9 (tuning only): user messages read by their own table (`own`), by the higher of it and
    // the documents' table (`max`), or the documents' table read only when the user table's logit is
    // within `--cascade-margin` logits of its own cut (`cascade`).
    'user-read': { type: 'string', default: 'own' },
    'cascade-margin': { type: 'string', default: '2' },
  },
});
const seed = Number(values.seed);
// `--target-fpr 0.02` for every source, or `--target-fpr user=0.03,document=0.015`.
const TARGET_FPR = { ...DEFAULT_TARGET_FPR };
for (const part of (values['target-fpr'] ?? '').split(',').filter((p) => p !== '')) {
  const [key, value] = part.includes('=') ? part.split('=') : [undefined, part];
  for (const source of INJECTION_SOURCES) if (key === undefined || key === source) TARGET_FPR[source] = Number(value);
}
const pool = loadPoolRows(values.data);
const own = [
  ...generateOwnRows(seed),
  ...generateBenignRows(seed + 1, 'train'),
  ...generateHardNegativeRows(seed + 3),
  ...(values['no-round4'] ? [] : generateRound4Rows(seed + 4)),
  ...(values.round9 ? generateRound9Rows(seed + 10) : []),
];
const rows = dedupeRows([...pool, ...own]);
const split = splitByOrigin(rows);
const { validation } = split;
const tuningOrigins = values['extra-tuning'] === undefined ? TUNING_ORIGINS : [...TUNING_ORIGINS, new RegExp(values['extra-tuning'])];
const tuning = values.tune ? splitByOrigin(split.train, tuningOrigins) : null;
// The pinned packages' docs: training part (plus the tuning part in the shipped fit), a calibration
// part never trained on, a tuning part; the held-out part is read by the bench only.
const corpus = values['no-package-docs'] ? null : await loadPackageDocCorpus(root);
if (values['list-docs']) {
  for (const [part, docs] of Object.entries(corpus?.parts ?? {}))
    for (const d of docs) console.log(`${part}\t${d.doc.path}\t${d.doc.version}\t${d.chunks.length} chunks`);
  for (const e of corpus?.excluded ?? []) console.log(`left out\t${e.path}\t${e.reason}`);
  process.exit(0);
}
const docsOptions = {
  plantedShare: Number(values['docs-planted']),
  plantedFrenchShare: Number(values['docs-planted-fr']),
  wrappedShare: Number(values['docs-wrapped']),
  // The training three quarters of the hand-written task wrappers (the fourth is for calibration rows).
  wrappers: TASK_WRAPPERS.en.filter((_, i) => i % 4 !== 3),
  maxChunksPerPackage: Number(values['docs-cap']),
  userShare: Number(values['docs-user']),
};
const docsParts = corpus === null ? [] : values.tune ? corpus.parts.train : [...corpus.parts.train, ...corpus.parts.tuning];
const docsTrain = corpus === null || values['no-docs-train'] ? [] : packageDocRows(docsParts, seed + 5, docsOptions);
const docsCalibration =
  corpus === null
    ? []
    : dedupeRows([
        ...packageDocRows(corpus.parts.calibration, seed + 6),
        ...(values['cal-docs-user-all']
          ? packageDocRows(corpus.parts.calibration, seed + 8, { toolShare: 0, userShare: 1 }).filter((r) => r.channel === 'user')
          : []),
      ]);
const docsTuning = corpus === null || !values.tune ? [] : dedupeRows(packageDocRows(corpus.parts.tuning, seed + 7));
if (corpus !== null)
  console.log(
    `package docs: ${corpus.files} files of ${corpus.packages} packages (fingerprint ${corpus.fingerprint}), ${corpus.excluded.length} files left out; rows: training ${docsTrain.length}, calibration ${docsCalibration.length}, tuning ${docsTuning.length}`,
  );
const train = dedupeRows([...(tuning === null ? split.train : tuning.train), ...docsTrain]);
// Benign rows made of the hand-written sentences held back from training, to set the operating point.
const generatedCalibration = dedupeRows(generateBenignRows(seed + 2, 'calibration', 0.5));
const calibration =
  values.calibrate === 'docs' ? docsCalibration : values.calibrate === 'union' ? [...generatedCalibration, ...docsCalibration] : generatedCalibration;
const heldout = loadOwnRows(HANDWRITTEN_HELDOUT_PATH, 'flambeau:handwritten');
console.log(
  `pool ${pool.length} rows, generated ${own.length}, after dedupe ${rows.length}: training ${train.length}, validation ${validation.length}; calibration ${calibration.length}; hand-written held-out ${heldout.length}`,
);

const started = Date.now();
const featurizer = {
  ...DEFAULT_FEATURIZER,
  ...(values.window === undefined ? {} : { windowChars: Number(values.window), strideChars: Number(values.window) / 2 }),
  ...(values['hash-bits'] === undefined ? {} : { hashBits: Number(values['hash-bits']) }),
  ...(values['skip-grams'] ? { wordSkipBigrams: true } : {}),
};
const trainOptions = {
  featurizer,
  ...(values.l2 === undefined ? {} : { l2: Number(values.l2) }),
  ...(values['nb-power'] === undefined ? {} : { nbPower: Number(values['nb-power']) }),
  ...(values['nb-alpha'] === undefined ? {} : { nbAlpha: Number(values['nb-alpha']) }),
  ...(values['hard-negative-weight'] === undefined ? {} : { hardNegativeWeight: Number(values['hard-negative-weight']) }),
};
const fitted: InjectionModel =
  values.from === undefined
    ? trainInjectionModel(values.all ? rows : train, trainOptions, {
        seed,
        trainedOn: values.all ? 'all rows' : 'training part',
        rows: values.all ? rows.length : train.length,
      })
    : { ...decodeInjectionModel(readFileSync(values.from, 'utf8')), sourceBias: { ...NO_SOURCE_BIAS } };
const userTable = userTableOf();
if (userTable !== null) fitted.sourceTables = { user: userTable };
console.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
// Calibrate on the weights as written (quantised), exactly as the gateway will read them.
const uncalibrated = decodeInjectionModel(encodeInjectionModel(fitted, NOTICE));
const raw = createInjectionScanner({ loadModel: () => uncalibrated, threshold: 0.5 });
const plainLogit = (text: string, source: InjectionSource) => logitOfScore(raw.scan(text, source).score);
// Per-source calibration set (round 9): `--calibrate-source user=docs` overrides `--calibrate` for that source.
const calibrateBy: Record<InjectionSource, string> = { user: values.calibrate, document: values.calibrate, tool: values.calibrate };
for (const part of (values['calibrate-source'] ?? '').split(',').filter((p) => p !== '')) {
  const [key, value] = part.split('=');
  if (!INJECTION_SOURCES.includes(key as InjectionSource) || !['both', 'docs', 'generated'].includes(value ?? ''))
    throw new FlambeauError('invalid_request', `--calibrate-source: source=both|docs|generated, not ${part}`);
  calibrateBy[key as InjectionSource] = value as string;
}
const calibrateWith = (logitOf: (r: InjectionRow) => number) => {
  const onGenerated = calibrateSourceBias(calibration, logitOf, TARGET_FPR);
  if (docsCalibration.length === 0) return onGenerated;
  // Both yardsticks: each source's cut is the stricter of the two (neither set flagged above its target).
  const onDocs = calibrateSourceBias(docsCalibration, logitOf, TARGET_FPR);
  console.log(`source bias on generated rows ${JSON.stringify(onGenerated.bias)}, on package docs ${JSON.stringify(onDocs.bias)}`);
  const out = { bias: { ...onGenerated.bias }, rows: { ...onGenerated.rows } };
  for (const source of INJECTION_SOURCES) {
    const by = calibrateBy[source];
    if (by === 'docs' && onDocs.rows[source] > 0) out.bias[source] = onDocs.bias[source];
    if (by === 'both' && onDocs.rows[source] > 0) out.bias[source] = Math.min(onGenerated.bias[source], onDocs.bias[source]);
    if (by === 'docs') out.rows[source] = onDocs.rows[source];
    if (by === 'both') out.rows[source] += onDocs.rows[source];
  }
  return out;
};
// Round 9 (tuning only): user messages also read by the documents' table (the model's own).
const userRead = values['user-read'];
if (!['own', 'max', 'cascade'].includes(userRead)) throw new FlambeauError('invalid_request', `--user-read: own, max or cascade, not ${userRead}`);
const second =
  userRead === 'own' || uncalibrated.sourceTables?.user === undefined
    ? null
    : createInjectionScanner({ loadModel: () => ({ ...uncalibrated, sourceTables: {} }), threshold: 0.5 });
// The cascade's gate: the user table's logit within `--cascade-margin` of the cut it has alone.
const gate = second === null || userRead !== 'cascade' ? 0 : -calibrateWith((r) => plainLogit(r.text, r.channel)).bias.user - Number(values['cascade-margin']);
let secondReads = 0;
const combinedLogit = (text: string, source: InjectionSource) => {
  const own = plainLogit(text, source);
  if (second === null || source !== 'user' || (userRead === 'cascade' && own < gate)) return own;
  secondReads += 1;
  return Math.max(own, logitOfScore(second.scan(text, source).score));
};
const rawLogit = (r: InjectionRow) => combinedLogit(r.text, r.channel);
const calibrated = calibrateWith(rawLogit);
console.log(
  `source bias ${JSON.stringify(calibrated.bias)} from ${JSON.stringify(calibrated.rows)} benign calibration rows, target FPR ${JSON.stringify(TARGET_FPR)}`,
);
fitted.sourceBias = calibrated.bias;
fitted.provenance = {
  ...fitted.provenance,
  calibration: {
    rows: calibrated.rows,
    targetFpr: TARGET_FPR,
    on: values.calibrate,
    ...(values['calibrate-source'] === undefined ? {} : { bySource: calibrateBy }),
  },
  ...(userTable === null ? {} : { userTable: values['user-from'] === undefined ? values['user-table'] : 'file' }),
  ...(corpus === null
    ? {}
    : {
        packageDocs: {
          files: corpus.files,
          packages: corpus.packages,
          fingerprint: corpus.fingerprint,
          planted: docsOptions.plantedShare,
          wrapped: docsOptions.wrappedShare,
          cap: docsOptions.maxChunksPerPackage,
          user: docsOptions.userShare,
        },
      }),
};
const text = encodeInjectionModel(fitted, NOTICE);
writeFileSync(values.out, text);
console.log(`wrote ${values.out} (${(text.length / 1024).toFixed(0)} KiB)`);

// Score with the weights as written (quantised), exactly as the gateway will.
const model = decodeInjectionModel(text);
const shippedScanner = createInjectionScanner({ loadModel: () => model, threshold: 0.5 });
// The detector as tuned: the scanner itself, or (`--user-read max|cascade`) the combined logit plus the calibrated bias.
const scanner = {
  scan(text: string, source: InjectionSource): { score: number; flagged: boolean } {
    if (second === null || source !== 'user') return shippedScanner.scan(text, source);
    const score = 1 / (1 + Math.exp(-(combinedLogit(text, source) + calibrated.bias[source])));
    return { score, flagged: score >= 0.5 };
  },
};
const report = (title: string, set: InjectionRow[]) => {
  console.log(`\n${title}`);
  console.log(
    formatFigures(
      figureTable(
        set,
        set.map((r) => scanner.scan(r.text, r.channel).flagged),
      ),
    ),
  );
};
if (tuning !== null) {
  report(`tuning part (${TUNING_ORIGINS.length} training origins left out of this fit)`, tuning.validation);
  report('package docs, tuning part (benign; packages left out of this fit)', docsTuning);
  const repoDocs = await repoDocRows(root);
  report(`flambeau's own docs not about injection (benign; ${repoDocs.length} rows; a yardstick only)`, repoDocs);
  // Recall at the global cut where a given share of all benign tuning rows (origins + docs) is flagged.
  const all = [...tuning.validation, ...docsTuning];
  console.log(
    recallAtBenignRates(
      all,
      all.map((r) => scanner.scan(r.text, r.channel).score),
      [0.01, 0.02, 0.03, 0.05],
    ),
  );
  // Recall and FPR by threshold: separation, whatever the calibration.
  const scores = tuning.validation.map((r) => scanner.scan(r.text, r.channel).score);
  for (const t of [0.3, 0.4, 0.5, 0.6]) {
    const f = figureTable(
      tuning.validation,
      scores.map((s) => s >= t),
    )[0]?.figures;
    console.log(`threshold ${t}: recall ${(100 * (f?.recall ?? 0)).toFixed(1)}%, FPR ${(100 * (f?.falsePositiveRate ?? 0)).toFixed(1)}%`);
  }
} else {
  report('validation part (held-out origins)', validation);
  report('hand-written held-out set', heldout);
}
report('generated calibration rows (benign only)', generatedCalibration);
if (docsCalibration.length > 0) report('package docs, calibration part (benign only)', docsCalibration);
if (tuning !== null) {
  // Tuning attacks (short ones) planted between two paragraphs of the tuning packages' docs: does a
  // model that learned Markdown is benign still see an instruction planted in it?
  const random = seededRandom(seed + 9);
  const short = tuning.validation.filter((r) => r.label === 1 && r.text.length <= 400);
  const plantedDocs = docsTuning
    .filter((r) => r.channel === 'document')
    .map((r): InjectionRow => {
      const paragraphs = r.text.split('\n\n');
      paragraphs.splice(Math.floor(random() * (paragraphs.length + 1)), 0, (short[Math.floor(random() * short.length)] as InjectionRow).text);
      return { ...r, text: paragraphs.join('\n\n'), label: 1, category: 'planted-tuning-attack' };
    });
  // One line to compare runs: the calibrated point on every tuning yardstick.
  const rate = (set: InjectionRow[], keep: (r: InjectionRow) => boolean = () => true) => {
    const picked = set.filter(keep);
    const f = figureTable(
      picked,
      picked.map((r) => scanner.scan(r.text, r.channel).flagged),
    )[0]?.figures;
    return `${(100 * (f?.recall ?? f?.falsePositiveRate ?? 0)).toFixed(1)}`;
  };
  const benign = (source: InjectionSource) => (r: InjectionRow) => r.label === 0 && r.channel === source;
  console.log(
    [
      `SUMMARY tuning recall ${rate(tuning.validation, (r) => r.label === 1)} (English ${rate(tuning.validation, (r) => r.label === 1 && r.lang === 'en')})`,
      `FPR u/d/t ${INJECTION_SOURCES.map((s) => rate(tuning.validation, benign(s))).join('/')}`,
      `hard-neg ${rate(tuning.validation, (r) => r.label === 0 && r.hardNegative)}`,
      `docs-tuning u/d/t ${INJECTION_SOURCES.map((s) => rate(docsTuning, benign(s))).join('/')}`,
      `generated-cal u/d/t ${INJECTION_SOURCES.map((s) => rate(generatedCalibration, benign(s))).join('/')}`,
      `docs-cal u/d/t ${INJECTION_SOURCES.map((s) => rate(docsCalibration, benign(s))).join('/')}`,
      `planted-in-docs recall ${rate(plantedDocs)} (${plantedDocs.length})`,
      `user-read ${userRead}${second === null ? '' : ` (documents' table read ${secondReads} times)`}`,
    ].join('; '),
  );
}
/**
 * The user messages' own table, or null when they share the model's: `--user-from FILE` (that
 * file's model), `--user-table no-docs` or `docs-planted` (fitted on the same rows without the
 * package docs, or with an attack planted in every doc chunk; with `--from`, the file's own user
 * table is kept), `shared`.
 */
function userTableOf(): WeightTable | null {
  if (values['user-from'] !== undefined) {
    const other = decodeInjectionModel(readFileSync(values['user-from'], 'utf8'));
    return other.sourceTables?.user ?? other;
  }
  if (values.from !== undefined) return fitted.sourceTables?.user ?? null;
  const recipe = values['user-table'];
  if (recipe !== 'shared' && recipe !== 'no-docs' && recipe !== 'docs-planted')
    throw new FlambeauError('invalid_request', `--user-table: shared, no-docs or docs-planted, not ${recipe}`);
  // Without the package docs (`--no-package-docs`) both tables would be the same fit: share one.
  if (recipe === 'shared' || corpus === null) return null;
  const base = values.all ? rows : tuning === null ? split.train : tuning.train;
  const userRows = recipe === 'no-docs' ? dedupeRows(base) : dedupeRows([...base, ...packageDocRows(docsParts, seed + 5, { ...docsOptions, plantedShare: 1 })]);
  const fit = trainInjectionModel(userRows, trainOptions);
  return { bias: fit.bias, weights: fit.weights };
}
// The blind sets are read by the bench only (npm run bench), not while tuning the training.
