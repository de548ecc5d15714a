import { Redis } from 'ioredis';
import { freshAddress, login, register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { redisSentinel, SENTINEL_MASTER_NAME, type RedisSentinel } from '../support/redis-sentinel.js';
import { collect, connectSocket, type ClientSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { rateLimitsAcrossInstances } from '../suites/rate-limits.suite.js';
import { realTimeAcrossInstances } from '../suites/realtime.suite.js';

/**
 * The service through a real Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): it asks the
 * sentinel for the master, the cross-instance messaging and rate-limit suites run unchanged, and it
 * follows a failover to the promoted replica.
 */
describe('through a Redis Sentinel', () => {
  let sentinel: RedisSentinel;
  const throughSentinel = () => ({
    REDIS_URL: undefined,
    REDIS_SENTINELS: sentinel.sentinels,
    REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
  });

  beforeAll(async () => (sentinel = await redisSentinel()), 30_000);
  afterAll(() => sentinel.dispose());

  realTimeAcrossInstances(throughSentinel);
  rateLimitsAcrossInstances(throughSentinel);

  describe('a failover', () => {
    let one: TestApp;
    let two: TestApp;
    let socket: ClientSocket | undefined;
    beforeAll(async () => ([one, two] = await startTwoTestApps(throughSentinel())));
    afterAll(async () => {
      socket?.close();
      await Promise.all([one.close(), two.close()]);
    });

    it('moves to the promoted replica: messages still cross instances and limits are still counted', async () => {
      const [ann, bob] = [await register(one), await register(one)];
      const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('failover', [bob]), 201).id;
      socket = await connectSocket(two.baseUrl, bob.accessToken);
      const delivered = collect(socket, 'message.created');
      expectStatus(await chat(one, ann).send(id, 'before'), 201);
      await delivered.until((items) => items.length === 1);

      const oldMaster = await sentinel.masterPort();
      const newMaster = await sentinel.failover();
      expect(newMaster).not.toBe(oldMaster);

      // Sends go on (they need only Postgres); live delivery across instances resumes through the new master.
      const deadline = Date.now() + 15_000;
      let sent = 1;
      while (!delivered.received.some((event) => event.message.body.startsWith('after'))) {
        if (Date.now() > deadline)
          throw new Error(`no delivery after the failover: ${JSON.stringify(delivered.received)}`);
        expectStatus(await chat(one, ann).send(id, `after ${sent++}`), 201);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      // Until an instance's command connection has moved too, its limits fail open (counted in
      // rate_limit_unavailable_total); wait for a counted hit on each (remaining 4 of 5), with an
      // account of its own (failed logins are limited per account too).
      const probe = await register(one);
      for (const t of [one, two]) {
        const moved = Date.now() + 15_000;
        for (;;) {
          const response = await login(t, probe.user.username, 'wrong password', freshAddress());
          if (response.headers.get('x-ratelimit-remaining') === '4') break;
          if (Date.now() > moved) throw new Error('an instance still does not count limits after the failover');
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }

      // The login limit is counted on the new master: 5 wrong passwords, then 429, over both instances.
      const address = freshAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const response = await login(i % 2 ? two : one, ann.user.username, 'wrong password', address);
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const promoted = new Redis(newMaster, '127.0.0.1');
      try {
        expect(await promoted.call('ROLE').then((role) => (role as string[])[0])).toBe('master');
        expect((await promoted.keys('ratelimit:login-ip:*')).length).toBeGreaterThan(0);
      } finally {
        promoted.disconnect();
      }
    }, 60_000);
  });
});
