import { Cluster } from 'ioredis';
import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { rateLimitsAcrossInstances } from '../suites/rate-limits.suite.js';
import { realTimeAcrossInstances } from '../suites/realtime.suite.js';
import { sendLimitAcrossInstances } from '../suites/send-limit.suite.js';

/**
 * The service on a real three-node Redis Cluster (REDIS_CLUSTER_NODES): the cross-instance
 * messaging, presence and rate-limit suites run unchanged against it, with the sharded Socket.IO
 * adapter; keys spread over the nodes, and the keys a script uses together share a slot.
 */
describe('on a Redis Cluster', () => {
  let cluster: RedisCluster;
  const onCluster = () => ({ REDIS_URL: undefined, REDIS_CLUSTER_NODES: cluster.nodes });

  beforeAll(async () => (cluster = await redisCluster(3)), 30_000);
  afterAll(() => cluster.dispose());

  realTimeAcrossInstances(onCluster);
  rateLimitsAcrossInstances(onCluster);
  sendLimitAcrossInstances(onCluster);

  describe('caches and keys', () => {
    let one: TestApp;
    let two: TestApp;
    beforeAll(async () => ([one, two] = await startTwoTestApps(onCluster())));
    afterAll(() => Promise.all([one.close(), two.close()]));

    it('serves the conversation list and the latest messages from the cluster, updated by sends on the other instance', async () => {
      const [ann, bob] = [await register(one), await register(one)];
      const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('cluster', [bob]), 201).id;
      expectStatus(await chat(one, ann).send(id, 'first'), 201);
      await chat(two, bob).list();
      await chat(two, bob).messages(id);
      const warmList = await chat(two, bob).list();
      const warmPage = await chat(two, bob).messages(id);
      expect([warmList.headers.get('x-cache'), warmPage.headers.get('x-cache')]).toEqual(['HIT', 'HIT']);

      expectStatus(await chat(one, ann).send(id, 'second'), 201);
      const page = await chat(two, bob).messages(id);
      expect(page.headers.get('x-cache')).toBe('HIT');
      expect(page.json().items.map((message: { body: string }) => message.body)).toEqual(['first', 'second']);
      const list = expectStatus(await chat(two, bob).list(), 200);
      expect(list.items[0]).toMatchObject({ id, unreadCount: 2, lastMessage: { body: 'second' } });
    });

    it('spreads keys over every node, and keeps a conversation latest messages and its fence in one slot', async () => {
      const counts = await cluster.keysPerNode();
      expect(counts).toHaveLength(3);
      expect(counts.every((count) => count > 0)).toBe(true);

      const client = new Cluster(
        cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
      );
      try {
        await new Promise((resolve) => client.once('ready', resolve));
        const keys: string[] = [];
        for (const node of client.nodes('master')) keys.push(...(await node.keys('conv:timeline:*')));
        expect(keys.length).toBeGreaterThan(0);
        const slots = new Set(
          await Promise.all(keys.map(async (key) => Number(await client.call('CLUSTER', 'KEYSLOT', key)))),
        );
        const conversations = new Set(keys.map((key) => /\{([^}]+)\}/.exec(key)?.[1]));
        expect(slots.size).toBe(conversations.size);
      } finally {
        client.disconnect();
      }
    });
  });
});
