import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import webpush from 'web-push';
import type { AppConfig } from '#src/infra/config/app-config.js';
import type { EnvSchema } from '#src/infra/config/env.schema.js';
import { ConfigValidationError } from '#src/infra/config/env.validate.js';
import { applyMigrations } from '#src/infra/prisma/migrator.js';
import { describeTopology, redisTopology } from '#src/infra/redis/redis-topology.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import { startEmbeddedRedis } from './embedded-redis.js';

export interface Runtime {
  config: AppConfig;
  /** Plain words for the log: which servers this process uses. */
  description: string;
  /** Stops whatever was started here (embedded servers); external servers are left alone. */
  stop(): Promise<void>;
}

/** The embedded default keeps one JWT secret under the data directory, so tokens survive restarts. */
function embeddedJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * The embedded default keeps one VAPID key pair under the data directory: browsers bind their
 * subscriptions to the public key, so a new pair on each start would orphan every one of them.
 */
function embeddedVapidKeys(dataDir: string): { publicKey: string; privateKey: string } {
  const file = join(dataDir, 'vapid.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  mkdirSync(dataDir, { recursive: true });
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  writeFileSync(file, JSON.stringify({ publicKey, privateKey }), { mode: 0o600 });
  return { publicKey, privateKey };
}

/**
 * Resolves the servers the application runs against. With DATABASE_URL and a Redis (REDIS_URL,
 * REDIS_SENTINELS or REDIS_CLUSTER_NODES) set, those are used and nothing is started. Without them,
 * embedded servers start here: PostgreSQL (PGlite, data under EMBEDDED_DATA_DIR/pg, migrations
 * applied) and a private redis-server; without DATABASE_URL or VAPID keys, a VAPID pair kept there too.
 */
export async function startRuntime(env: EnvSchema, log: (message: string) => void): Promise<Runtime> {
  const dataDir = resolve(env.EMBEDDED_DATA_DIR);
  if (env.DATABASE_URL && !env.JWT_SECRET) {
    throw new ConfigValidationError(
      'Invalid configuration: JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)',
    );
  }
  const started: EmbeddedServer[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((server) => server.stop()));
  };
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log('DATABASE_URL is not set: starting embedded PostgreSQL (PGlite) and applying migrations');
      const postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg') });
      started.push(postgres);
      await applyMigrations(postgres.url);
      databaseUrl = postgres.url;
    }
    const topology = redisTopology(env);
    let redisUrl = env.REDIS_URL;
    if (!topology) {
      log(
        'No Redis is configured (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES): starting an embedded redis-server',
      );
      const redis = await startEmbeddedRedis();
      started.push(redis);
      redisUrl = redis.url;
    }
    const description = [
      env.DATABASE_URL
        ? 'PostgreSQL from DATABASE_URL'
        : `embedded PostgreSQL (PGlite, data in ${join(dataDir, 'pg')})`,
      topology ? describeTopology(topology) : `embedded Redis (${redisUrl})`,
    ].join(', ');
    const vapid =
      env.DATABASE_URL || env.WEBPUSH_VAPID_PUBLIC_KEY
        ? { publicKey: env.WEBPUSH_VAPID_PUBLIC_KEY, privateKey: env.WEBPUSH_VAPID_PRIVATE_KEY }
        : embeddedVapidKeys(dataDir);
    const config: AppConfig = {
      ...env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      JWT_SECRET: env.JWT_SECRET ?? embeddedJwtSecret(dataDir),
      WEBPUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      WEBPUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
    };
    return { config, description, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
