import { existsSync } from 'node:fs';
import type { Engine, EngineOptions } from '../src/engine/engine.js';

/** The compiled engine when built (as users run it: its worker starts without tsx), else the TypeScript source. */
export async function loadCreateEngine(): Promise<{ createEngine: (options: EngineOptions) => Engine; from: string }> {
  const compiled = new URL('../dist/engine/child-engine.js', import.meta.url);
  if (existsSync(compiled)) return { ...((await import(compiled.href)) as { createEngine: (options: EngineOptions) => Engine }), from: 'dist/ (compiled)' };
  return { ...(await import('../src/engine/child-engine.js')), from: 'src/ (tsx)' };
}
