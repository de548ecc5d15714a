import { execFileSync } from 'node:child_process';
import { RedisMemoryServer } from 'redis-memory-server';
import type { EmbeddedServer } from './embedded-postgres.js';

/** The `redis-server` on PATH, if there is one. */
function systemRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a private redis-server on a free local port, keeping nothing on disk (Redis holds only
 * state that can be rebuilt). Uses the `redis-server` on PATH; without one, redis-memory-server
 * builds its own.
 */
export async function startEmbeddedRedis(): Promise<EmbeddedServer> {
  const server = await RedisMemoryServer.create({
    binary: { systemBinary: process.env.REDISMS_SYSTEM_BINARY ?? systemRedisServer() },
    instance: { ip: '127.0.0.1', args: ['--save', '', '--appendonly', 'no'] },
  });
  const host = await server.getHost();
  const port = await server.getPort();
  return {
    url: `redis://${host}:${port}`,
    async stop() {
      await server.stop();
    },
  };
}
