// Applies and writes Prisma migrations without Prisma's native schema engine (which the CLI would
// download), through the WebAssembly schema engine driven by the pg adapter. Migrations keep Prisma's
// folder format, so `prisma migrate deploy` works unchanged where the native engine exists.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { catalogAdapter } from './catalog-adapter.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface MigrationSource {
  /** Text of the Prisma schema. */
  schema: string;
  /** Absolute path of the migrations folder. */
  migrationsDir: string;
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE = 'migration_lock.toml';
const SCHEMA_PATH = 'schema.prisma';

const projectMigrationsDir = join(ROOT, 'prisma', 'migrations');

export async function projectMigrationSource(): Promise<MigrationSource> {
  return { schema: await readFile(join(ROOT, 'prisma', SCHEMA_PATH), 'utf8'), migrationsDir: projectMigrationsDir };
}

type SchemaEngineClass = typeof SchemaEngine;

/** The slice of the WebAssembly global used here (Node has it; the Node 20 typings do not declare it). */
interface WasmRuntime {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmRuntime };
let engineClass: Promise<SchemaEngineClass> | undefined;
let lastPanic: string | undefined;

/**
 * The engine's imports with its timers unreferenced. It arms a ten-second timer that it never clears
 * (its bindings have no clearTimeout), so a process that has migrated would otherwise stay up ten
 * seconds after its work is done. What the engine waits on (its database connections) holds the
 * process open by itself.
 */
function withUnrefTimers(bindings: Record<string, unknown>): Record<string, unknown> {
  const imports = { ...bindings };
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return imports;
}

/** Instantiates the engine's WebAssembly module once; no `--experimental-wasm-modules` needed. */
function loadSchemaEngine(): Promise<SchemaEngineClass> {
  engineClass ??= (async () => {
    // The engine reports a Rust panic through this global before throwing; keep the message.
    const panics = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    panics.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message) => {
        lastPanic = message;
      },
    };
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = createRequire(import.meta.url)
      .resolve('@prisma/schema-engine-wasm/schema_engine_bg')
      .replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': withUnrefTimers(bindings),
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings.SchemaEngine;
  })();
  return engineClass;
}

async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfile = await readFile(join(migrationsDir, LOCKFILE), 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      directories.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

async function withEngine<T>(
  databaseUrl: string,
  schema: string,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadSchemaEngine();
  const adapter = catalogAdapter(databaseUrl);
  const engine = await Engine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(adapter.factory),
  );
  try {
    return await use(engine);
  } catch (error) {
    if (lastPanic) throw new Error(`schema engine failed: ${lastPanic}`, { cause: error });
    throw error;
  } finally {
    engine.free();
    await adapter.close();
  }
}

/** Applies the migrations not yet applied, recording them in `_prisma_migrations`. Returns their names. */
export async function applyMigrations(databaseUrl: string, source?: MigrationSource): Promise<string[]> {
  const { schema, migrationsDir } = source ?? (await projectMigrationSource());
  const migrationsList = await readMigrationList(migrationsDir);
  return withEngine(databaseUrl, schema, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * The SQL that would take the database at `databaseUrl` to `schema`; empty when they agree.
 * On a database built only by applying the migrations, this is exactly the migration the schema
 * still lacks.
 */
export async function schemaChangesSince(databaseUrl: string, schema: string): Promise<string> {
  return withEngine(databaseUrl, schema, async (engine) => {
    const files = [{ path: SCHEMA_PATH, content: schema }];
    const { stdout } = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: ROOT },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return isEmptyMigration(stdout ?? '') ? '' : (stdout ?? '');
  });
}

function isEmptyMigration(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
