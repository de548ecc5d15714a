// Citus is not available here: the test database is plain PostgreSQL. These tests show that the
// command refuses such a database and leaves it as it was; they do not run any Citus function, so
// they cannot show that Citus accepts the statements (test/unit/citus-plan.spec.ts checks the plan).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { distributeOnCitus } from '#src/infra/prisma/citus-distribution.js';
import { testDatabaseUrl } from '../support/test-config.js';

const CLI = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist', 'cli', 'db.js');

function dbCitus(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'citus'],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function foreignKeys(): Promise<string[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string }>(
      `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS key
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY key`,
    );
    return rows.map((row) => row.key);
  } finally {
    await client.end();
  }
}

describe('`db citus` on a database without Citus', () => {
  it('exits 2 saying the database has no citus extension, and changes nothing', async () => {
    const before = await foreignKeys();
    expect(before.length).toBeGreaterThan(0);

    const result = await dbCitus({ DATABASE_URL: testDatabaseUrl() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The database has no citus extension: nothing was changed');
    expect(result.stdout).toBe('');
    expect(await foreignKeys()).toEqual(before);
  }, 30_000);

  it('answers the test setup with not-citus instead of failing', async () => {
    await expect(distributeOnCitus(testDatabaseUrl())).resolves.toBe('not-citus');
  });

  it('asks for DATABASE_URL instead of guessing', async () => {
    const result = await dbCitus({});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is required');
  });
});
