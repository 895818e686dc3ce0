import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL of these machines (trust auth): 127.0.0.1:5432, user postgres; FLAMBEAU_TEST_PG_URL overrides. */
export const PG_ADMIN_URL = process.env.FLAMBEAU_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty database for one test file (created here, dropped by `drop`, even while a
 * gateway still holds connections to it), so that runs never see each other's rows and the
 * migrations run from scratch.
 */
export async function scratchPgDatabase(label = 'flambeau'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${label}_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
