import type { Redis } from 'ioredis';
import { freePort } from '#src/infra/embedded/free-port.js';
import { createRedisClient, waitUntilReady } from '#src/infra/redis/redis-client.factory.js';
import { REDIS, REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';
import { startTestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

const settings = (url: string) => ({
  topology: { kind: 'single' as const, url },
  commandTimeoutMs: 300,
  connectTimeoutMs: 500,
});

async function elapsed(call: () => Promise<unknown>): Promise<{ ms: number; error?: Error }> {
  const started = performance.now();
  try {
    await call();
    return { ms: performance.now() - started };
  } catch (error) {
    return { ms: performance.now() - started, error: error as Error };
  }
}

describe('Redis command client', () => {
  const clients: Redis[] = [];
  afterAll(() => clients.forEach((client) => client.disconnect()));

  it('fails a command at once while Redis is unreachable, instead of queueing it', async () => {
    const client = createRedisClient(settings(`redis://127.0.0.1:${await freePort()}`), 'command');
    clients.push(client);
    const { ms, error } = await elapsed(() => client.get('any'));
    expect(error?.message).toMatch(/enableOfflineQueue|Stream isn't writeable|Connection is closed/);
    expect(ms).toBeLessThan(100);
  });

  it('gives up on a command Redis does not answer within the command timeout', async () => {
    const client = createRedisClient(settings(testRedisUrl()), 'command');
    const admin = createRedisClient(settings(testRedisUrl()), 'command');
    clients.push(client, admin);
    expect(await waitUntilReady(client, 2000)).toBe(true);
    expect(await waitUntilReady(admin, 2000)).toBe(true);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const { ms, error } = await elapsed(() => client.get('paused-key'));
    expect(error?.message).toMatch(/timed out/i);
    expect(ms).toBeLessThan(1000);
  });
});

describe('Redis clients of the application', () => {
  it('are one command client and one separate subscriber, both closed on shutdown', async () => {
    const t = await startTestApp();
    const client = t.app.get<Redis>(REDIS);
    const subscriber = t.app.get<Redis>(REDIS_SUBSCRIBER);
    expect(client).not.toBe(subscriber);
    expect(await client.ping()).toBe('PONG');
    await subscriber.subscribe('test:channel:probe');
    expect(subscriber.listenerCount('error')).toBeGreaterThan(0);
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    await t.close();
    expect(client.status).toBe('end');
    expect(subscriber.status).toBe('end');
  });
});
