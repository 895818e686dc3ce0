import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { checkRouteRules } from './check-route-rules.js';

const CLOUD =
  'providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: https://api.example.com/v1\n    locality: cloud\nmodels:\n  - name: cloud-big\n    provider: cloud\n';

function loaded(routes: string) {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-routes-'));
  try {
    writeFileSync(join(dir, 'flambeau.yaml'), CLOUD + routes);
    return loadConfig({ configPath: join(dir, 'flambeau.yaml'), home: dir, env: {}, cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('checkRouteRules (serve and config check, after loadConfig)', () => {
  it('refuses a rule naming a model the config does not declare, naming the rule', () => {
    const config = loaded('routes:\n  - name: hard\n    to: [nope]\n');
    assert.throws(
      () => checkRouteRules(config),
      (e: Error & { code?: string }) => e.code === 'config_invalid' && /routes\[0\] \(hard\): target nope is not a configured model/.test(e.message),
    );
  });

  it('accepts rules over declared models, complexity shares included', () => {
    assert.doesNotThrow(() => checkRouteRules(loaded('routes:\n  - name: hard\n    when: { complexity_top_share: 0.2 }\n    to: [cloud-big]\n')));
  });
});
