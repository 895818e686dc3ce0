import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPgDatabase } from '../../../test/helpers/pg-database.js';
import { createVersionRegistry, type VersionRegistry } from '../../models/versions/version-registry.js';
import type { AdminDeps } from './admin-routes.js';
import type { DashboardDeps, DashboardModels } from './dashboard-deps.js';
import { ADMIN_TEST_MASTER_KEY, startAdminTestServer, type AdminTestServer } from './__fixtures__/admin-server.js';

const sha = (i: number) => i.toString(16).padStart(64, '0');

/**
 * The dashboard's model actions (promote, canary, rollback) over the real version registry and
 * audit chain: each action and its audit record are one transaction, and the action is announced
 * to the instance's caches only once committed.
 */
function describeModelActions(storeName: string, storeUrl: () => Promise<{ url: string | undefined; drop(): Promise<void> }>): void {
  describe(`dashboard model actions (${storeName})`, () => {
    let server: AdminTestServer;
    let registry: VersionRegistry;
    let database: { url: string | undefined; drop(): Promise<void> };
    let failAudit = false;
    const announced: Array<{ name: string; current: number | undefined }> = [];
    const announcing: Promise<void>[] = [];

    const models = (): DashboardModels => ({
      list: async () =>
        Promise.all(
          (await registry.names()).map(async (name) => {
            const p = await registry.pointer(name);
            return {
              name,
              provider: 'local',
              locality: 'device',
              loaded: null,
              detail: null,
              diskBytes: null,
              licence: null,
              versions: p === undefined ? null : { current: p.current, previous: p.previous, canary: p.canary, canaryPercent: p.canaryPercent, list: [] },
            };
          }),
        ),
      promote: async (name, version, canaryPercent, tx) => {
        await registry.promote(name, version, { ...(canaryPercent === undefined ? {} : { canaryPercent }), tx });
      },
      rollback: async (name, tx) => {
        await registry.rollback(name, tx);
      },
      // What a cache re-reading now would see: the committed pointer, or the old one.
      announce: (name) => void announcing.push(registry.pointer(name).then((p) => void announced.push({ name, current: p?.current }))),
    });

    const withDashboard = (deps: AdminDeps): AdminDeps => {
      const audit = deps.audit;
      return {
        ...deps,
        // A store failure on the audit append (the chain's insert), chosen per test.
        audit: {
          ...audit,
          append: async (event, at, tx) => {
            if (failAudit && event.type === 'admin' && event.action.startsWith('model.')) throw new Error('audit insert failed');
            return audit.append(event, at, tx);
          },
        },
        dashboard: { models: models() } as unknown as DashboardDeps,
      };
    };

    const post = async (path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TEST_MASTER_KEY}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    };
    const modelActions = async () => {
      const actions: Array<[string, unknown]> = [];
      for await (const line of server.audit.exportLines()) {
        const event = JSON.parse(line).event;
        if (event.action?.startsWith('model.')) actions.push([event.action, event.details.version]);
      }
      return actions;
    };

    before(async () => {
      database = await storeUrl();
      server = await startAdminTestServer({ ...(database.url === undefined ? {} : { storeUrl: database.url }), admin: withDashboard });
      registry = createVersionRegistry(server.store.sql);
      for (let i = 1; i <= 3; i++) await registry.add('house', sha(i));
    });
    after(async () => {
      await server.close();
      await database.drop();
    });

    it('promotes, sets a canary and rolls back, each with its audit record, announced after the commit', async () => {
      assert.equal((await post('/admin/model-versions/house/promote', { version: 2 })).json.versions.current, 2);
      assert.equal((await post('/admin/model-versions/house/canary', { version: 3, percent: 10 })).json.versions.canary, 3);
      assert.equal((await post('/admin/model-versions/house/rollback')).json.versions.canary, null);
      await Promise.all(announcing);
      assert.deepEqual(announced, [
        { name: 'house', current: 2 },
        { name: 'house', current: 2 },
        { name: 'house', current: 2 },
      ]);
      assert.deepEqual(await modelActions(), [
        ['model.promoted', 2],
        ['model.promoted', 3],
        ['model.rolled_back', null],
      ]);
    });

    it('changes nothing when the audit record cannot be written: no action without its record', async () => {
      const before = await registry.pointer('house');
      const actionsBefore = await modelActions();
      failAudit = true;
      try {
        assert.equal((await post('/admin/model-versions/house/promote', { version: 3 })).status, 500);
        assert.equal((await post('/admin/model-versions/house/rollback')).status, 500);
      } finally {
        failAudit = false;
      }
      assert.deepEqual(await registry.pointer('house'), before);
      assert.deepEqual(await modelActions(), actionsBefore);
      assert.equal(announced.length, 3, 'a failed action is not announced');
    });

    it('refuses an unknown version with 404 and changes nothing', async () => {
      const before = await registry.pointer('house');
      const answer = await post('/admin/model-versions/house/promote', { version: 9 });
      assert.deepEqual([answer.status, answer.json.error.code, answer.json.error.param], [404, 'not_found', 'version']);
      assert.deepEqual(await registry.pointer('house'), before);
    });
  });
}

describeModelActions('SQLite', async () => ({ url: undefined, drop: async () => undefined }));
describeModelActions('PostgreSQL', () => freshPgDatabase('flambeau_model_actions'));
