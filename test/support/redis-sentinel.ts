import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '#src/infra/embedded/free-port.js';
import { redisServers } from './redis-process.js';

export const SENTINEL_MASTER_NAME = 'chat-master';

/** A real Redis master watched by a real sentinel (`redis-server --sentinel`), on local ports. */
export interface RedisSentinel {
  /** For REDIS_SENTINELS. */
  sentinels: string;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function redisSentinel(): Promise<RedisSentinel> {
  const servers = redisServers('chat-redis-sentinel-');
  const [masterPort, sentinelPort] = [await freePort(), await freePort()];
  const dispose = () => servers.stopAll();
  try {
    servers.start(['--port', String(masterPort), '--save', '', '--appendonly', 'no']);
    // A sentinel rewrites its configuration file, so it gets one of its own.
    const config = join(servers.dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 2000`,
        '',
      ].join('\n'),
    );
    servers.start([config, '--sentinel']);
    const sentinel = new Redis(sentinelPort, '127.0.0.1', { retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    sentinel.on('error', () => undefined);
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const master = await sentinel
          .call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)
          .catch(() => null);
        if (Array.isArray(master) && Number(master[1]) === masterPort) break;
        if (Date.now() > deadline) throw new Error('the sentinel did not report its master within 20 s');
        await sleep(100);
      }
    } finally {
      sentinel.disconnect();
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { sentinels: `127.0.0.1:${sentinelPort}`, dispose };
}
