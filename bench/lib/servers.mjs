import { Redis } from 'ioredis';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../dist/infra/embedded/embedded-postgres.js';
import { startEmbeddedRedis } from '../../dist/infra/embedded/embedded-redis.js';
import { applyMigrations } from '../../dist/infra/prisma/migrator.js';

/**
 * The Postgres and Redis the benchmark runs against: the configured servers (DATABASE_URL,
 * REDIS_URL) when set, else embedded ones started here. On a configured Postgres it works in a
 * database of its own (`database`, dropped and created afresh); on Redis in database `redisDb`,
 * flushed first.
 */
export async function prepareServers({ database, redisDb }, log) {
  const started = [];
  const stop = () => Promise.allSettled(started.reverse().map((server) => server.stop()));
  try {
    let databaseUrl;
    let databaseNote;
    if (process.env.DATABASE_URL) {
      databaseUrl = await freshDatabase(process.env.DATABASE_URL, database);
      databaseNote = `PostgreSQL from DATABASE_URL, database ${database} (created afresh)`;
    } else {
      log('DATABASE_URL is not set: starting embedded PostgreSQL (PGlite, in memory)');
      const postgres = await startEmbeddedPostgres();
      started.push(postgres);
      databaseUrl = postgres.url;
      databaseNote = 'embedded PostgreSQL (PGlite: one connection at a time, far slower than a server)';
    }
    await applyMigrations(databaseUrl);

    let redisUrl = process.env.REDIS_URL;
    let redisNote = `Redis from REDIS_URL, database ${redisDb} (flushed)`;
    if (!redisUrl) {
      log('REDIS_URL is not set: starting an embedded redis-server');
      const redis = await startEmbeddedRedis();
      started.push(redis);
      redisUrl = redis.url;
      redisNote = `embedded redis-server, database ${redisDb}`;
    }
    const url = new URL(redisUrl);
    url.pathname = `/${redisDb}`;
    redisUrl = url.toString();
    const redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    await redis.flushdb();
    await redis.quit();
    return { databaseUrl, redisUrl, description: `${databaseNote}; ${redisNote}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `database` is a checked identifier (bench/lib/options.mjs), so it can be written into the statements. */
async function freshDatabase(serverUrl, database) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
