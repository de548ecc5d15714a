import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '#src/infra/embedded/free-port.js';
import { redisServers } from './redis-process.js';

export const SENTINEL_MASTER_NAME = 'chat-master';

/** A real Redis master and replica watched by a real sentinel (`redis-server --sentinel`), on local ports. */
export interface RedisSentinel {
  /** For REDIS_SENTINELS. */
  sentinels: string;
  /** The port of the server the sentinel names master now. */
  masterPort(): Promise<number>;
  /** Has the sentinel promote the replica (`SENTINEL FAILOVER`); resolves once it names the new master. */
  failover(): Promise<number>;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function redisSentinel(): Promise<RedisSentinel> {
  const servers = redisServers('chat-redis-sentinel-');
  const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const sentinel = new Redis(sentinelPort, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => 100,
    maxRetriesPerRequest: 1,
  });
  sentinel.on('error', () => undefined);
  const dispose = async () => {
    sentinel.disconnect();
    await servers.stopAll();
  };
  const currentMaster = async () => {
    const master = await sentinel.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME).catch(() => null);
    return Array.isArray(master) ? Number(master[1]) : 0;
  };
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`Redis Sentinel: ${what} within 20 s`);
      await sleep(100);
    }
  };
  try {
    servers.start(['--port', String(masterPort), '--save', '', '--appendonly', 'no']);
    servers.start([
      '--port',
      String(replicaPort),
      '--save',
      '',
      '--appendonly',
      'no',
      '--replicaof',
      '127.0.0.1',
      String(masterPort),
    ]);
    // A sentinel rewrites its configuration file, so it gets one of its own.
    const config = join(servers.dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 2000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 10000`,
        '',
      ].join('\n'),
    );
    servers.start([config, '--sentinel']);
    await sentinel.connect().catch(() => undefined);
    await until('the sentinel names its master', async () => (await currentMaster()) === masterPort);
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    sentinels: `127.0.0.1:${sentinelPort}`,
    masterPort: currentMaster,
    async failover() {
      const before = await currentMaster();
      // The sentinel learns of the replica from the master's INFO; it can only promote one it knows in sync.
      await until('the sentinel knows an in-sync replica', async () => {
        const replicas = (await sentinel.call('SENTINEL', 'replicas', SENTINEL_MASTER_NAME)) as string[][];
        return replicas.some((fields) => fields.includes('master-link-status') && fields.includes('ok'));
      });
      await sentinel.call('SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME);
      await until('the sentinel names the promoted replica', async () => ![0, before].includes(await currentMaster()));
      return currentMaster();
    },
    dispose,
  };
}
