import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPgDatabase } from '../../../test/helpers/pg-database.js';
import { ADMIN_TEST_MASTER_KEY, startAdminTestServer, type AdminTestServer } from './__fixtures__/admin-server.js';

/** The admin API with its state on PostgreSQL, where calls run on separate pooled connections at once. */
describe('admin API on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  let server: AdminTestServer;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TEST_MASTER_KEY}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };

  before(async () => {
    database = await freshPgDatabase('flambeau_admin');
    server = await startAdminTestServer({ storeUrl: database.url });
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  it('creates the same new team from concurrent calls once: one 201, the others 200 updates, each audited', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post('/admin/teams', { name: 'racing', rpm: 100 + i })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201], JSON.stringify(answers.map((a) => a.json)));
    const lines: string[] = [];
    for await (const line of server.audit.exportLines()) lines.push(line);
    const actions = lines
      .map((l) => JSON.parse(l).event)
      .filter((e) => e.target?.team === 'racing')
      .map((e) => e.action);
    assert.deepEqual(actions, ['team.created', ...Array<string>(7).fill('team.updated')]);
  });
});
