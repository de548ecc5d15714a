import { startEmbeddedPostgres } from '#src/infra/embedded/embedded-postgres.js';
import { applyMigrations, projectMigrationSource, schemaChangesSince, type MigrationSource } from './migrator.js';

/**
 * What `schema.prisma` has that the migrations do not: builds a scratch in-memory database from the
 * migrations alone and diffs it against the schema. Empty when they agree. Needs no server.
 */
export async function unmigratedSchemaChanges(source?: MigrationSource): Promise<string> {
  const resolved = source ?? (await projectMigrationSource());
  const scratch = await startEmbeddedPostgres();
  try {
    await applyMigrations(scratch.url, resolved);
    return await schemaChangesSince(scratch.url, resolved.schema);
  } finally {
    await scratch.stop();
  }
}
