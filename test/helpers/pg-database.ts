import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL of these machines (trust auth): 127.0.0.1:5432, user postgres; FLAMBEAU_TEST_PG_URL overrides. */
export const PG_ADMIN_URL = process.env.FLAMBEAU_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty database for one test run (created here, dropped by `drop`), so that runs never
 * see each other's rows and the migrations run from scratch each time.
 */
export async function freshPgDatabase(label = 'flambeau'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${label}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
