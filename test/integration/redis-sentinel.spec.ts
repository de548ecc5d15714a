import { Redis } from 'ioredis';
import { unpack } from 'msgpackr';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { bearer, freshAddress, login, me, register } from '../support/auth-client.js';
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

    it('honours a revocation and a cache invalidation that reached only the old master', async () => {
      const ann = await register(one);
      const laptop = expectStatus<{ accessToken: string }>(
        await login(one, ann.user.username, 'correct horse battery', freshAddress()),
        200,
      );
      const profile = (t: TestApp) =>
        t.request('GET', `/api/v1/users/${ann.user.id}`, { headers: bearer(laptop.accessToken) });
      // The profile is cached, and the session mirrored as active, on the master and its replica.
      for (const t of [one, two]) {
        expect((await me(t, ann.accessToken)).status).toBe(200);
        expect((await profile(t)).status).toBe(200);
      }
      const master = new Redis(await sentinel.masterPort(), '127.0.0.1');
      // After the failover above, the demoted master rejoins as a replica of the promoted one.
      const rejoined = Date.now() + 20_000;
      let replicaPort: number | undefined;
      while (!replicaPort) {
        const [, , replicas] = (await master.call('ROLE')) as [string, number, [string, string, string][]];
        if (replicas.length > 0) replicaPort = Number(replicas[0][1]);
        else if (Date.now() > rejoined) throw new Error('the master has no replica');
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const replica = new Redis(replicaPort, '127.0.0.1');
      try {
        const [sessionKey, profileKey] = [RedisKeys.session(ann.sessionId), RedisKeys.userProfile(ann.user.id)];
        const staleProfile = await master.dumpBuffer(profileKey);
        expect(staleProfile).not.toBeNull();

        // The phone's session is revoked from the laptop and the profile changes, both through the master.
        expectStatus(
          await one.request('DELETE', `/api/v1/auth/sessions/${ann.sessionId}`, {
            headers: bearer(laptop.accessToken),
          }),
          204,
        );
        expectStatus(
          await one.request('PATCH', '/api/v1/users/me', {
            headers: bearer(laptop.accessToken),
            body: { displayName: 'After the change' },
          }),
          200,
        );
        // The replica is made to have missed both writes, as when the master fails before sending them.
        const replicated = Date.now() + 10_000;
        while ((await replica.hget(sessionKey, 'revoked')) !== '1' || (await replica.exists(profileKey)) === 1) {
          if (Date.now() > replicated) throw new Error('the writes did not reach the replica');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await replica.config('SET', 'replica-read-only', 'no');
        await replica.hset(sessionKey, 'revoked', '0');
        await replica.restore(profileKey, 0, staleProfile, 'REPLACE');

        const newMaster = await sentinel.failover();
        expect(newMaster).toBe(replicaPort);
        // Wait until both instances' command connections are on the promoted replica.
        const moved = Date.now() + 15_000;
        for (;;) {
          const clients = String(await replica.client('LIST'));
          if ((clients.match(/name=chat-command/g) ?? []).length >= 2) break;
          if (Date.now() > moved) throw new Error(`the instances did not move to the new master:\n${clients}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }

        for (const t of [one, two]) {
          expect((await me(t, ann.accessToken)).status).toBe(401);
          const answer = await profile(t);
          expect(answer.status).toBe(200);
          expect(answer.json()).toMatchObject({ displayName: 'After the change' });
        }
        // Both were made good on the new master: the revocation replayed, the stale entry dropped (and
        // the next read stored the new profile).
        const storedName = async () => {
          const packed = await replica.getBuffer(profileKey);
          return packed ? (unpack(packed) as { displayName?: string }).displayName : undefined;
        };
        const madeGood = Date.now() + 10_000;
        while ((await replica.hget(sessionKey, 'revoked')) !== '1' || (await storedName()) !== 'After the change') {
          if (Date.now() > madeGood) throw new Error('the new master still holds what it missed');
          await new Promise((resolve) => setTimeout(resolve, 100));
          await profile(one);
        }
      } finally {
        master.disconnect();
        replica.disconnect();
      }
    }, 60_000);
  });
});
