import type { EnvSchema } from './env.schema.js';

/**
 * The configuration the application runs with: the validated environment, with the database,
 * Redis and JWT secret resolved (from the environment, or from the embedded servers): Redis is
 * REDIS_URL, or a Sentinel or Cluster (REDIS_SENTINELS, REDIS_CLUSTER_NODES).
 * Classes read it through slices of it (`configSlice`).
 */
export interface AppConfig extends Omit<EnvSchema, 'DATABASE_URL' | 'JWT_SECRET'> {
  DATABASE_URL: string;
  JWT_SECRET: string;
}
