// Database commands that need no native Prisma engine and no internet:
//   migrate            apply prisma/migrations to DATABASE_URL
//   diff <name>        write prisma/migrations/<timestamp>_<name>/migration.sql from schema.prisma
//   check              exit 1 when schema.prisma has changes no migration contains
//   citus              on a Citus coordinator, distribute the migrated schema as distribution-layout.ts
//                      places it (run after `migrate`; skips what is already placed)
// `diff` and `check` build a scratch in-memory database from the migrations, so they need no server.
// Options for diff/check: --schema <file> --migrations <dir> (default: the project's).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { distributeOnCitus } from '#src/infra/prisma/citus-distribution.js';
import { unmigratedSchemaChanges } from '#src/infra/prisma/migration-drift.js';
import { applyMigrations, projectMigrationSource, type MigrationSource } from '#src/infra/prisma/migrator.js';

const USAGE = 'usage: db migrate | db citus | db diff <name> | db check   [--schema <file>] [--migrations <dir>]';

async function source(values: { schema?: string; migrations?: string }): Promise<MigrationSource> {
  const project = await projectMigrationSource();
  return {
    schema: values.schema ? await readFile(resolve(values.schema), 'utf8') : project.schema,
    migrationsDir: values.migrations ? resolve(values.migrations) : project.migrationsDir,
  };
}

const timestamp = () => new Date().toISOString().replace(/\D/g, '').slice(0, 14);

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { schema: { type: 'string' }, migrations: { type: 'string' } },
  });
  const [command, name] = positionals;
  switch (command) {
    case 'migrate': {
      const url = process.env.DATABASE_URL;
      if (!url) {
        console.error('DATABASE_URL is required (the embedded database applies migrations itself at start)');
        return 2;
      }
      const applied = await applyMigrations(url);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
      return 0;
    }
    case 'citus': {
      const url = process.env.DATABASE_URL;
      if (!url) {
        console.error('DATABASE_URL is required: the Citus coordinator to distribute the schema on');
        return 2;
      }
      const result = await distributeOnCitus(url);
      if (result === 'not-citus') {
        console.error(
          'The database has no citus extension: nothing was changed. Run `CREATE EXTENSION citus` on the ' +
            'coordinator and every worker first (docs/citus.md).',
        );
        return 2;
      }
      console.log(result.length ? `Ran:\n${result.join(';\n')};` : 'The schema is already distributed');
      return 0;
    }
    case 'diff': {
      if (!name || !/^[a-z0-9_]+$/.test(name)) {
        console.error('diff needs a migration name of lowercase letters, digits and _');
        return 2;
      }
      const resolved = await source(values);
      const sql = await unmigratedSchemaChanges(resolved);
      if (!sql) {
        console.log('No schema changes: no migration written');
        return 0;
      }
      const dir = join(resolved.migrationsDir, `${timestamp()}_${name}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'migration.sql'), sql);
      await writeFile(join(resolved.migrationsDir, 'migration_lock.toml'), LOCKFILE);
      console.log(`Wrote ${join(dir, 'migration.sql')}`);
      return 0;
    }
    case 'check': {
      const sql = await unmigratedSchemaChanges(await source(values));
      if (!sql) {
        console.log('schema.prisma and the migrations agree');
        return 0;
      }
      console.error(`schema.prisma has changes no migration contains; run \`npm run db:diff -- <name>\`:\n${sql}`);
      return 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

const LOCKFILE = '# Written by `npm run db:diff`. Keep it in version control.\nprovider = "postgresql"\n';

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
