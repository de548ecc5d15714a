import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPrivatePostgres } from '../support/embedded.js';
import { testDatabaseUrl } from '../support/test-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'db.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function db(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('schema.prisma and prisma/migrations', () => {
  it('agree (this fails when someone changes the schema without `npm run db:diff`)', async () => {
    const result = await db(['check']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('drift detection and `db diff`', () => {
  const work = mkdtempSync(join(tmpdir(), 'chat-migrations-'));
  const schemaPath = join(work, 'schema.prisma');
  const migrationsDir = join(work, 'migrations');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(() => {
    cpSync(join(ROOT, 'prisma', 'migrations'), migrationsDir, { recursive: true });
    const schema = readFileSync(join(ROOT, 'prisma', 'schema.prisma'), 'utf8');
    writeFileSync(
      schemaPath,
      `${schema}\nmodel DriftProbe {\n  id Int @id\n  label String\n  @@map("drift_probe")\n}\n`,
    );
  });

  it('fails the check, printing the missing SQL, when the schema has a change no migration contains', async () => {
    const result = await db(['check', '--schema', schemaPath, '--migrations', migrationsDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CREATE TABLE "drift_probe"');
  }, 60_000);

  it('writes the missing migration with `diff`, after which the check passes', async () => {
    const before = readdirSync(migrationsDir);
    const diff = await db(['diff', 'add_drift_probe', '--schema', schemaPath, '--migrations', migrationsDir]);
    expect(diff.code).toBe(0);
    const added = readdirSync(migrationsDir).filter((name) => !before.includes(name));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^\d{14}_add_drift_probe$/);
    expect(readFileSync(join(migrationsDir, added[0], 'migration.sql'), 'utf8')).toContain(
      'CREATE TABLE "drift_probe"',
    );

    const check = await db(['check', '--schema', schemaPath, '--migrations', migrationsDir]);
    expect(check.code).toBe(0);
    const again = await db(['diff', 'nothing_new', '--schema', schemaPath, '--migrations', migrationsDir]);
    expect(again.stdout).toContain('No schema changes');
  }, 90_000);

  it('refuses a migration name that is not lowercase letters, digits and _', async () => {
    expect((await db(['diff', 'Bad Name'])).code).toBe(2);
  });
});

describe('`db migrate`', () => {
  it('applies every migration to an empty database, records them, and is a no-op the second time', async () => {
    const postgres = await startPrivatePostgres();
    try {
      const first = await db(['migrate'], { DATABASE_URL: postgres.url });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Applied: \d{14}_init/);

      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      const { rows } = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name',
      );
      const tables = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'users'");
      await client.end();
      expect(rows.map((row) => row.migration_name)).toEqual(
        readdirSync(join(ROOT, 'prisma', 'migrations')).filter((n) => /^\d/.test(n)),
      );
      expect(tables.rowCount).toBe(1);

      const second = await db(['migrate'], { DATABASE_URL: postgres.url });
      expect(second.stdout.trim()).toBe('Database is up to date');
    } finally {
      await postgres.stop();
    }
  }, 60_000);

  it('finds the test database already up to date', async () => {
    const result = await db(['migrate'], { DATABASE_URL: testDatabaseUrl() });
    expect(result.stdout.trim()).toBe('Database is up to date');
  }, 30_000);

  it('asks for DATABASE_URL instead of guessing', async () => {
    const result = await db(['migrate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is required');
  });
});
