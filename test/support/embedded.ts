// The embedded servers run PGlite on a worker thread, which loads compiled JavaScript: tests take
// them from dist/ (`npm test` builds first), typed by their sources.
import type { EmbeddedServer } from '#src/infra/embedded/embedded-postgres.js';

export type { EmbeddedServer };

const dist = new URL('../../dist/infra/embedded/', import.meta.url).href;

interface EmbeddedModules {
  startEmbeddedPostgres(options?: { dataDir?: string }): Promise<EmbeddedServer>;
  startEmbeddedRedis(): Promise<EmbeddedServer>;
}

async function load(): Promise<EmbeddedModules> {
  const postgres = (await import(`${dist}embedded-postgres.js`)) as Pick<EmbeddedModules, 'startEmbeddedPostgres'>;
  const redis = (await import(`${dist}embedded-redis.js`)) as Pick<EmbeddedModules, 'startEmbeddedRedis'>;
  return { ...postgres, ...redis };
}

export const startPrivatePostgres = async (): Promise<EmbeddedServer> => (await load()).startEmbeddedPostgres();
export const startPrivateRedis = async (): Promise<EmbeddedServer> => (await load()).startEmbeddedRedis();
