import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker, WorkerSettings } from './engine-protocol.js';
import { checkFromWorker } from './engine-wire.js';

/** Node flags that must not reach the engine process: test runner, debugger, watch, eval. */
/** Flags that load tsx (`--import tsx`, `--import=file:///…/tsx/dist/loader.mjs`, `--require tsx/cjs`). */
const TSX_LOADER = /^--(import|loader|experimental-loader|require)(=|$)|^-r$/;
const DROPPED_FLAG = /^--(test|experimental-test|inspect|debug|watch|eval|print|check|interactive|input-type)|^-[epci]$/;

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What the gateway hears from one engine process. */
export interface WorkerEvents {
  /** A message that matched the wire schema (engine-wire.ts). */
  message(message: FromWorker): void;
  /**
   * A message that did not: the process is killed at once (its later messages are dropped) and
   * `exit` follows. `reason` names paths and checks, never values.
   */
  malformed(reason: string): void;
  /** Fires once, however the process ended. */
  exit(exit: WorkerExit): void;
}

/**
 * The engine process as seen from the gateway: one `fork` of `engine-worker`, talking over IPC
 * with the advanced serialization. Every message it sends is checked before it is handed on.
 */
export class WorkerProcess {
  readonly #child: ChildProcess;
  #exited = false;
  #busy = false;
  #broken = false;

  constructor(settings: WorkerSettings, events: WorkerEvents, entry: { path: string; execArgv: string[] } = workerEntry()) {
    const { path, execArgv } = entry;
    this.#child = fork(path, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (raw) => {
      if (this.#broken) return;
      const checked = checkFromWorker(raw);
      if (checked.ok) {
        events.message(checked.message);
        return;
      }
      this.#broken = true;
      events.malformed(checked.reason);
      this.killNow();
    });
    // 'error' comes when the fork itself fails (no 'exit' then), 'exit' otherwise.
    this.#child.once('error', () => this.#ended({ code: null, signal: null }, events.exit));
    this.#child.once('exit', (code, signal) => this.#ended({ code, signal }, events.exit));
    this.send({ t: 'init', settings });
    this.#busy = true;
    this.setBusy(false);
  }

  get pid(): number | null {
    return this.#exited ? null : (this.#child.pid ?? null);
  }

  /** False once the process exited or sent a malformed message (it is being killed). */
  get alive(): boolean {
    return !this.#exited && !this.#broken;
  }

  send(message: ToWorker): void {
    if (this.#exited || !this.#child.connected) return;
    this.#child.send(message);
  }

  /**
   * While idle the process and its IPC channel do not keep the gateway's event loop alive, so a
   * CLI run or a test that forgets `shutdown()` still ends (the worker exits on disconnect).
   */
  setBusy(busy: boolean): void {
    if (this.#busy === busy) return;
    this.#busy = busy;
    const channel = this.#child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (busy) {
      this.#child.ref();
      channel?.ref?.();
    } else {
      this.#child.unref();
      channel?.unref?.();
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs: number): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Synchronous last resort, for the gateway's own `exit` event. */
  killNow(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  #ended(exit: WorkerExit, onExit: (exit: WorkerExit) => void): void {
    if (this.#exited) return;
    this.#exited = true;
    onExit(exit);
  }
}

/**
 * The worker file sits next to this one: `engine-worker.ts` under tsx (tests, dev) or
 * `engine-worker.js` in dist/. The parent's flags carry `--import tsx` when it runs TypeScript;
 * if they do not (e.g. tsx started via its own CLI), add it so the `.ts` worker can load.
 */
export function workerEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  return { path: fileURLToPath(new URL(`./engine-worker${ext}`, import.meta.url)), execArgv: workerExecArgv(process.execArgv, ext) };
}

/**
 * The parent's node flags minus those that must not reach the engine, plus tsx for a `.ts` worker.
 * A compiled (`.js`) worker loads without tsx, which a parent running TypeScript (tests, benches)
 * would otherwise pass on: the engine then runs as `flambeau serve` runs it.
 */
export function workerExecArgv(flags: readonly string[], workerExt: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] ?? '';
    if (workerExt === '.js' && TSX_LOADER.test(flag) && (flag.includes('=') ? flag.includes('tsx') : (flags[i + 1] ?? '').includes('tsx'))) {
      if (!flag.includes('=')) i++;
      continue;
    }
    if (DROPPED_FLAG.test(flag)) {
      // A value given as the next element (`--test-reporter spec`, `-e code`) goes too; execArgv
      // never holds the script, so a following element without a dash is that value.
      if (!flag.includes('=') && !(flags[i + 1] ?? '-').startsWith('-')) i++;
      continue;
    }
    kept.push(flag);
  }
  if (workerExt === '.ts' && !kept.some((flag) => flag.includes('tsx'))) kept.unshift('--import', 'tsx');
  return kept;
}
