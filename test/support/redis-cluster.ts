import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '#src/infra/embedded/free-port.js';
import { redisServers } from './redis-process.js';

const SLOTS = 16384;

/** A real Redis Cluster of `redis-server` processes on local ports, each a master of a third of the slots. */
export interface RedisCluster {
  /** For REDIS_CLUSTER_NODES. */
  nodes: string;
  /** Keys held by each node. */
  keysPerNode(): Promise<number[]>;
  dispose(): Promise<void>;
}

/**
 * A free port whose cluster bus port (port + 10000) is free and valid too: the OS picks ports up to
 * 60999 here, and a node whose bus port is over 65535 or taken never starts.
 */
async function nodePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 <= 65535 && (await isFree(port + 10000))) return port;
  }
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilTrue(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export async function redisCluster(size = 3): Promise<RedisCluster> {
  const servers = redisServers('chat-redis-cluster-');
  const ports: number[] = [];
  const admins: Redis[] = [];
  const dispose = async () => {
    admins.forEach((admin) => admin.disconnect());
    await servers.stopAll();
  };
  try {
    for (let i = 0; i < size; i += 1) {
      const port = await nodePort();
      ports.push(port);
      servers.start([
        ...['--port', String(port), '--save', '', '--appendonly', 'no'],
        ...[
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
        ],
      ]);
      const admin = new Redis(port, '127.0.0.1', { retryStrategy: () => 100, maxRetriesPerRequest: 1 });
      admin.on('error', () => undefined);
      admins.push(admin);
    }
    await Promise.all(
      admins.map((admin, i) => untilTrue(`node ${ports[i]} answers`, async () => (await admin.ping()) === 'PONG')),
    );
    // Slots split evenly, then every node meets the first: the cluster forms by gossip.
    await Promise.all(
      admins.map((admin, i) =>
        admin.call(
          'CLUSTER',
          'ADDSLOTSRANGE',
          Math.floor((i * SLOTS) / size),
          Math.floor(((i + 1) * SLOTS) / size) - 1,
        ),
      ),
    );
    await Promise.all(admins.slice(1).map((_, i) => admins[0].call('CLUSTER', 'MEET', '127.0.0.1', ports[i + 1])));
    await Promise.all(
      admins.map((admin) =>
        untilTrue('cluster_state:ok on every node', async () =>
          String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
        ),
      ),
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    keysPerNode: () => Promise.all(admins.map((admin) => admin.dbsize())),
    dispose,
  };
}
