// Citus is not available on these machines: on plain PostgreSQL these tests show that the command
// refuses the database and leaves it as it was, which cannot show that Citus accepts the statements
// (test/unit/citus-plan.spec.ts checks the plan). When the suite runs on a Citus coordinator, the
// global setup has distributed the schema, and the tests check that instead: every table placed as
// the layout says, and a second run changing nothing.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { distributeOnCitus } from '#src/infra/prisma/citus-distribution.js';
import { TABLE_LAYOUT } from '#src/infra/prisma/distribution-layout.js';
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

async function query<T extends object>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function foreignKeys(): Promise<string[]> {
  const rows = await query<{ key: string }>(
    `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS key
       FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY key`,
  );
  return rows.map((row) => row.key);
}

const onCitus = (await query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`)).length > 0;

describe('`db citus`', () => {
  it('asks for DATABASE_URL instead of guessing', async () => {
    const result = await dbCitus({});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is required');
  });
});

(onCitus ? describe.skip : describe)('`db citus` on a database without Citus', () => {
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
});

(onCitus ? describe : describe.skip)('`db citus` on the Citus coordinator the suite runs on', () => {
  it('placed every table as the layout says', async () => {
    const rows = await query<{ table: string; method: string; column: string | null }>(
      `SELECT c.relname AS table, p.partmethod::text AS method,
              CASE WHEN p.partkey IS NULL THEN NULL ELSE column_to_column_name(p.logicalrelid, p.partkey) END AS column
         FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
        WHERE c.relnamespace = 'public'::regnamespace`,
    );
    const placed = Object.fromEntries(rows.map((row) => [row.table, row]));
    for (const [table, placement] of Object.entries(TABLE_LAYOUT)) {
      if (placement.kind === 'local') expect([table, placed[table]]).toEqual([table, undefined]);
      if (placement.kind === 'reference') expect([table, placed[table]?.method]).toEqual([table, 'n']);
      if (placement.kind === 'distributed') {
        expect([table, placed[table]?.method, placed[table]?.column]).toEqual([table, 'h', placement.column]);
      }
    }
  });

  it('changes nothing when run again', async () => {
    const before = await foreignKeys();
    const result = await dbCitus({ DATABASE_URL: testDatabaseUrl() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The schema is already distributed');
    expect(await foreignKeys()).toEqual(before);
    await expect(distributeOnCitus(testDatabaseUrl())).resolves.toEqual([]);
  }, 30_000);
});
