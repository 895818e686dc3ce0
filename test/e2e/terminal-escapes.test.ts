import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** What a terminal acts on or hides: C0 (but the newlines that end our lines), DEL, C1, bidi, zero-width. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;
/** Clears the screen, then sets the window title: a key name a client chose. */
const EVIL_KEY = 'ops\x1b[2J\x1b]0;pwned\x07\u202eevil';
/** Team names are restricted by the server (letters, digits, `.`, `_`, `-`); key names are free text. */
const TEAM = 'night-shift';
const EVIL_MODEL = 'gpt\x1b[2J\x9b1;1H\u2066x';

function assertClean(result: CliResult, what: string): void {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
  assert.doesNotMatch(result.stdout, RAW, `${what} printed a raw control character: ${JSON.stringify(result.stdout)}`);
  assert.doesNotMatch(result.stderr, RAW, `${what} printed a raw control character on stderr: ${JSON.stringify(result.stderr)}`);
}

describe('the CLI prints client-chosen strings without raw control characters', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let keyId = '';
  const cli = (args: string[]) => runCli([...args, '--url', gw.url, '--key', gw.key]);

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'small-1' }],
    });
    const team = await cli(['teams', 'set', TEAM, '--rpm', '100']);
    assertClean(team, 'teams set');
    const created = await cli(['keys', 'create', '--name', EVIL_KEY, '--team', TEAM]);
    assertClean(created, 'keys create');
    keyId = /Created key (\S+) /.exec(created.stdout)?.[1] ?? '';
    assert.notEqual(keyId, '');
    const key = /^ {2}(flm_\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(key, created.stdout);
    // A request naming a model with escapes: refused, but logged under the name the client sent.
    const sent = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: EVIL_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(sent.statusCode, 404);
    await sent.body.dump();
  });
  after(async () => {
    await gw?.close();
    await cloud?.close();
  });

  it('keys list and keys show escape the key name', async () => {
    const list = await cli(['keys', 'list']);
    assertClean(list, 'keys list');
    assert.ok(list.stdout.includes('ops\\x1b[2J\\x1b]0;pwned\\x07\\u{202e}evil'), list.stdout);
    const show = await cli(['keys', 'show', keyId]);
    assertClean(show, 'keys show');
    assert.match(show.stdout, /^name {8}ops\\x1b\[2J/m);
  });

  it('usage by key and by model escapes the names', async () => {
    const byKey = await cli(['usage', '--by', 'key']);
    assertClean(byKey, 'usage --by key');
    assert.ok(byKey.stdout.includes('ops\\x1b[2J'), byKey.stdout);
    const byModel = await cli(['usage', '--by', 'model']);
    assertClean(byModel, 'usage --by model');
    // A model the gateway does not serve is stored as a keyed label, never raw (issue 11, item 4).
    assert.match(byModel.stdout, /^hmac:[0-9a-f]{12} /m, byModel.stdout);
  });

  it('teams list escapes, and --json output parses to the same names with nothing raw in it', async () => {
    assertClean(await cli(['teams', 'list']), 'teams list');
    const json = await cli(['keys', 'list', '--json']);
    assertClean(json, 'keys list --json');
    const keys = JSON.parse(json.stdout) as { name: string }[];
    assert.ok(keys.some((k) => k.name === EVIL_KEY));
  });

  it('an error message carrying a client string is escaped too', async () => {
    const result = await cli(['keys', 'revoke', `nope\x1b[2J`]);
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stderr, RAW, JSON.stringify(result.stderr));
  });

  it('revoking prints the name escaped', async () => {
    const revoked = await cli(['keys', 'revoke', keyId]);
    assertClean(revoked, 'keys revoke');
    assert.match(revoked.stdout, /Revoked key \S+ "ops\\x1b\[2J/);
  });
});
