// Picks the servers the tests run against: TEST_DATABASE_URL / TEST_REDIS_URL when set (CI sets
// them to the machine's services), otherwise embedded ones started here and stopped in teardown.
// The database gets a fresh `public` schema with every migration applied; on a Citus coordinator it
// is then distributed as `npm run db:citus` does, so the suite runs on the distributed schema.
import pg from 'pg';
import { startEmbeddedPostgres } from '../../dist/infra/embedded/embedded-postgres.js';
import { startEmbeddedRedis } from '../../dist/infra/embedded/embedded-redis.js';
import { distributeOnCitus } from '../../dist/infra/prisma/citus-distribution.js';
import { applyMigrations } from '../../dist/infra/prisma/migrator.js';

export default async function globalSetup() {
  const started = [];
  if (!process.env.TEST_DATABASE_URL) {
    const postgres = await startEmbeddedPostgres();
    started.push(postgres);
    process.env.TEST_DATABASE_URL = postgres.url;
  } else {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await client.end();
  }
  await applyMigrations(process.env.TEST_DATABASE_URL);
  // Answers 'not-citus' and changes nothing on plain PostgreSQL.
  await distributeOnCitus(process.env.TEST_DATABASE_URL);
  if (!process.env.TEST_REDIS_URL) {
    const redis = await startEmbeddedRedis();
    started.push(redis);
    process.env.TEST_REDIS_URL = redis.url;
  }
  globalThis.__embeddedServers = started;
}
