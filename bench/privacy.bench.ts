/**
 * Privacy guard benchmark: scan throughput (MB/s of CPU time, one core) on mixed French/English
 * text at 1 KB, 10 KB, 100 KB and 1 MB (it should stay flat as size grows: no quadratic step),
 * the CPU cost of one call on a tiny text (the floor under small requests), the cost
 * of each detector, the latency the guard adds to a typical chat request (pseudonymize +
 * restore of the answer, whole and streamed), and next to them what the scan finds: precision
 * and "fully covered" recall per type on the evaluation set of issue 14.
 * Run alone: `node --import tsx bench/privacy.bench.ts`, or through `npm run bench`.
 *
 * CPU time (process.cpuUsage), not wall time: the machines are shared, and a scan waiting for a
 * core is not a slower scan. Each size is measured in several short rounds over a few different
 * texts; the median round is reported (the best one too: on a busy machine it is the better
 * estimate of the code's own cost).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadLabelledSet } from '../src/privacy/__fixtures__/labelled-set.js';
import { loadRecallSet } from '../src/privacy/__fixtures__/recall-set.js';
import { formatScores } from '../src/privacy/evaluate-detectors.js';
import { evaluateScanner } from '../src/privacy/recall-evaluation.js';
import type { ChatEvent, ChatRequest } from '../src/providers/spec.js';

type PrivacyModule = typeof import('../src/privacy/index.js');

/**
 * The compiled privacy domain when built (as the gateway runs it), else the TypeScript source.
 * Under tsx every read of an imported binding is a getter call: the source runs its hot loops
 * some 25% slower than what ships.
 */
async function privacyUnderTest(): Promise<PrivacyModule & { from: string }> {
  const compiled = new URL('../dist/privacy/index.js', import.meta.url);
  if (existsSync(compiled)) return { ...((await import(compiled.href)) as PrivacyModule), from: 'dist/ (compiled)' };
  return { ...(await import('../src/privacy/index.js')), from: 'src/ (tsx)' };
}

/** Ordinary prose, with the odd name or number, as most prompts are. */
const PROSE = [
  "Le comité de direction s'est réuni mardi pour examiner le budget 2025. Après discussion, les membres ont validé une hausse de 3,5 % des investissements informatiques, principalement pour la migration vers le nouveau système de gestion. La prochaine réunion aura lieu le 14 octobre à 10 h.",
  'The quarterly review showed steady growth in the Northern region, with revenue up 12% year over year. However, customer churn increased slightly in September, mostly among small accounts. The team proposes a retention campaign and a revised onboarding flow before the end of the year.',
  "Pour préparer le dossier, merci de rassembler les justificatifs des trois derniers mois, le contrat signé et l'attestation d'assurance. Les pièces peuvent être déposées sur le portail ou envoyées par courrier. Le délai de traitement est d'environ quinze jours ouvrés.",
  'Could you summarise the attached report in five bullet points? Focus on the risks identified in Section 4 and the mitigation plan. Keep the tone neutral and avoid jargon: the summary will be read by the board on Thursday.',
  "Bonjour, j'ai une question sur la facture de mars : le montant de 1 245,80 € ne correspond pas au devis initial. Pourriez-vous vérifier la ligne 3 (prestation de maintenance) ? Merci d'avance pour votre retour.",
  'We migrated the service to Node.js 20 and the p99 latency dropped from 180 ms to 95 ms. The remaining issue is memory growth under load; heap snapshots point to a cache without eviction. A fix is planned for release 4.2.',
];

/**
 * Three prose paragraphs for one labelled document (PII-dense: e-mails, phones, IBANs, keys...).
 * Each time a document comes back, every digit but the first of each group is replaced by a
 * pseudo-random one: numbers keep their shape ("06 12 ...", "FR76 3000 ...") but do not repeat, so
 * no detector gets a free ride from seeing a value twice, and the work per byte stays the same
 * at 100 KB and at 1 MB.
 */
function redigit(text: string, seed: number): string {
  let state = seed * 2654435761;
  return text.replace(/(?<=\d)\d/g, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return String((state >>> 16) % 10);
  });
}

function mixedText(bytes: number): string {
  const docs = loadLabelledSet().map((d) => d.text);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const round = Math.floor((i >> 2) / docs.length);
    const doc = docs[(i >> 2) % docs.length]!;
    const piece = i % 4 === 3 ? (round === 0 ? doc : redigit(doc, round)) : PROSE[i % PROSE.length]!;
    parts.push(piece);
    size += Buffer.byteLength(piece) + 2;
  }
  const text = parts.join('\n\n');
  return text.slice(0, bytes); // close enough: a few multi-byte characters
}

/**
 * Texts of `bytes` bytes, all different (the scanner sees new values each time, as in real use,
 * and no CPU cache or branch predictor can learn one text by heart). Flat strings, as JSON.parse
 * makes them.
 */
export function textsOf(bytes: number, count: number): string[] {
  const pool = mixedText(bytes * count + bytes);
  return Array.from({ length: count }, (_, i) => JSON.parse(JSON.stringify(pool.slice(i * bytes, (i + 1) * bytes))) as string);
}

interface Rate {
  /** MB per CPU second, median round. */
  median: number;
  /** MB per CPU second, best round. */
  best: number;
  /** Wall milliseconds per scan, median round. */
  msPerScan: number;
}

/** CPU-time throughput of `scan` over `texts` (same size), in `rounds` rounds of about `roundMs`. */
export function throughput(scan: (text: string) => unknown, texts: string[], rounds = 7, roundMs = 150, warmMs = 300, settle = false): Rate {
  const mb = Buffer.byteLength(texts[0]!) / 1_048_576;
  let next = 0;
  const warmUntil = performance.now() + warmMs;
  while (performance.now() < warmUntil) scan(texts[next++ % texts.length]!); // JIT, regex tier-up, lexicons
  if (settle) {
    // Then until the rate settles (two 250 ms probes within 5%, 8 s at most): on a loaded machine
    // the optimising compiler's threads get little CPU and small texts keep paying for it for
    // seconds. A gateway runs for hours; the steady rate is the one that matters.
    const probe = (): number => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let runs = 0;
      while (performance.now() - t0 < 250) {
        scan(texts[next++ % texts.length]!);
        runs++;
      }
      const cpu = process.cpuUsage(cpu0);
      return (cpu.user + cpu.system) / runs;
    };
    const settleUntil = performance.now() + 8000;
    for (let last = probe(), now = probe(); Math.abs(now - last) > 0.05 * last && performance.now() < settleUntil; last = now, now = probe());
  }
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let runs = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < roundMs || runs < 2) {
      scan(texts[next++ % texts.length]!);
      runs++;
    }
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000 / runs);
    wallMs.push((performance.now() - t0) / runs);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  return { median: mb / (median(cpuMs) / 1000), best: mb / (Math.min(...cpuMs) / 1000), msPerScan: median(wallMs) };
}

function typicalRequest(): ChatRequest {
  return {
    model: 'bench',
    messages: [
      { role: 'system', content: 'Tu es un assistant du service client de la Banque Exemple. Réponds en français, poliment et brièvement.' },
      {
        role: 'user',
        content:
          'Bonjour, je suis Mme Sophie Lambert (sophie.lambert@exemple.fr, 06 12 34 56 78). Mon IBAN FR76 3000 6000 0112 3456 7890 189 a été débité deux fois de 49,90 € le 12 mars. Pouvez-vous vérifier ?',
      },
      { role: 'assistant', content: "Bonjour Mme Lambert, je vérifie l'opération du 12 mars." },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: 'Merci. Mon mari, Jean Lambert, a le même problème sur sa carte 4111 1111 1111 1111. Notre adresse : 12 rue des Lilas, 69003 Lyon.',
          },
        ],
      },
    ],
  };
}

const ANSWER =
  "Bonjour <PERSON_1>, j'ai bien retrouvé les deux prélèvements de 49,90 € sur le compte <IBAN_1>. " +
  "Le remboursement sera fait sous 5 jours. Pour la carte <CREDIT_CARD_1> de <PERSON_2>, merci d'appeler le service cartes ; " +
  'nous vous confirmerons par écrit à <EMAIL_1> et au <PHONE_1>, ou par courrier au <ADDRESS_1>.';

async function* streamOf(text: string, chunk: number): AsyncGenerator<ChatEvent> {
  yield { type: 'stream-start', warnings: [] };
  for (let i = 0; i < text.length; i += chunk) yield { type: 'text-delta', text: text.slice(i, i + chunk) };
  yield { type: 'stream-end', finish: { reason: 'stop' }, usage: { inputTokens: null, outputTokens: null, estimated: false } };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(): Promise<void> {
  const { createPrivacyGuard, createScanner, detectorsFor, privacyConfigSchema, from } = await privacyUnderTest();
  const config = privacyConfigSchema.parse({});
  const guard = createPrivacyGuard(config);
  console.log(`privacy: scan throughput, mixed FR/EN text, all built-in detectors, MB per CPU second on one core, steady state (${from})`);
  const rates: Rate[] = [];
  const sizes = [
    ['1 KB', 1024, 64],
    ['10 KB', 10 * 1024, 32],
    ['100 KB', 100 * 1024, 16],
    ['1 MB', 1024 * 1024, 4],
  ] as const;
  const samples = sizes.map(([, bytes, count]) => textsOf(bytes, count));
  // Largest first, each warmed for a second and until its rate settles: the optimising compiler
  // and the garbage collector work on background threads whose CPU time process.cpuUsage counts,
  // and the first texts scanned (or the first after megabyte strings) would pay for them.
  const lines: string[] = [];
  for (let n = sizes.length - 1; n >= 0; n--) {
    const r = throughput((t) => guard.scanText(t), samples[n]!, 7, 150, 1000, true);
    rates[n] = r;
    lines[n] =
      `  ${sizes[n]![0].padEnd(7)} ${r.median.toFixed(1).padStart(6)} MB/s  (best round ${r.best.toFixed(1)} MB/s, ${r.msPerScan.toFixed(3)} ms per scan)`;
  }
  for (const line of lines) console.log(line);
  console.log(`  1 MB vs 100 KB: ${(rates[3]!.median / rates[2]!.median).toFixed(2)}x the rate (about 1 when the scan is linear)`);
  // What a call costs before any text: the floor under the small texts requests carry.
  const hello = 'Hello there, how are you?';
  const tiny = throughput((t) => guard.scanText(t), [hello], 5, 100);
  console.log(
    `  per-call floor: ${((Buffer.byteLength(hello) / 1_048_576 / tiny.median) * 1e6).toFixed(1)} µs CPU per scan of a ${Buffer.byteLength(hello)}-byte text`,
  );

  const recallSet = loadRecallSet();
  for (const recall of ['high', 'balanced'] as const) {
    const scanner = createScanner({ ...config, recall });
    console.log(
      formatScores(
        `privacy: what the scan finds, recall ${recall}, generated evaluation texts (covered = fully covered recall)`,
        evaluateScanner(scanner, recallSet.generated),
      ),
    );
    console.log(
      formatScores(
        `privacy: recall ${recall}, hand-written held-out texts`,
        evaluateScanner(
          scanner,
          recallSet.handwritten.filter((e) => e.split === 'heldout'),
        ),
      ),
    );
  }

  const sample = textsOf(100 * 1024, 8);
  const costs = detectorsFor(config).map((d) => ({ name: d.name, rate: throughput((t) => d.detect(t), sample, 3, 100) }));
  console.log(
    `privacy: CPU ms per MB by detector (100 KB texts, each alone): ${costs.map((c) => `${c.name} ${(1000 / c.rate.median).toFixed(1)}`).join(', ')}`,
  );

  const request = typicalRequest();
  const whole: number[] = [];
  const streamed: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    const prepared = guard.prepareChat(request, 'cloud');
    if (!prepared.allowed) throw new Error('bench: request unexpectedly refused');
    guard.restoreResult(
      { text: ANSWER, toolCalls: [], finish: { reason: 'stop' }, usage: { inputTokens: null, outputTokens: null, estimated: false }, warnings: [] },
      prepared.vault,
    );
    const t1 = performance.now();
    let out = '';
    for await (const e of guard.restoreStream(streamOf(ANSWER, 4), prepared.vault)) if (e.type === 'text-delta') out += e.text;
    const t2 = performance.now();
    if (i >= 200) {
      whole.push((t1 - t0) * 1000);
      streamed.push((t2 - t1) * 1000);
    }
    if (out.length === 0) throw new Error('bench: empty restore');
  }
  whole.sort((a, b) => a - b);
  streamed.sort((a, b) => a - b);
  const bytes = Buffer.byteLength(JSON.stringify(request.messages));
  console.log(`privacy: added latency on a typical chat request (${request.messages.length} messages, ${bytes} B, 7 findings)`);
  console.log(
    `  prepareChat + restoreResult   p50 ${percentile(whole, 50).toFixed(0).padStart(5)} µs   p99 ${percentile(whole, 99).toFixed(0).padStart(5)} µs`,
  );
  console.log(
    `  restoreStream (4-char deltas) p50 ${percentile(streamed, 50).toFixed(0).padStart(5)} µs   p99 ${percentile(streamed, 99).toFixed(0).padStart(5)} µs  (whole answer)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
