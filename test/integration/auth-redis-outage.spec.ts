import { bearer, login, me, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

describe('auth while Redis is down', () => {
  let redis: RedisProcess;
  let one: TestApp;
  let two: TestApp;
  let revokedBefore: SignedIn;
  let valid: SignedIn;
  let revokedDuring: SignedIn;

  beforeAll(async () => {
    redis = await redisProcess();
    [one, two] = await startTwoTestApps({ REDIS_URL: redis.url });
    [revokedBefore, valid, revokedDuring] = await Promise.all([register(one), register(one), register(one)]);
    // Every token has been checked once, so Redis mirrors each session as active.
    for (const session of [revokedBefore, valid, revokedDuring])
      expect((await me(two, session.accessToken)).status).toBe(200);
    expect(
      (await one.request('POST', '/api/v1/auth/logout', { headers: bearer(revokedBefore.accessToken) })).status,
    ).toBe(204);
    await redis.stop();
  }, 30_000);

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await redis.dispose();
  });

  it('still refuses a token revoked before the outage, and accepts a valid one, on both instances', async () => {
    for (const instance of [one, two]) {
      expect((await me(instance, revokedBefore.accessToken)).status).toBe(401);
      expect((await me(instance, valid.accessToken)).status).toBe(200);
    }
  });

  it('revokes during the outage, and the revocation holds on the other instance', async () => {
    expect(
      (await one.request('POST', '/api/v1/auth/logout', { headers: bearer(revokedDuring.accessToken) })).status,
    ).toBe(204);
    expect((await me(two, revokedDuring.accessToken)).status).toBe(401);
  });

  it('signs in without Redis: rate limits fail open and are counted', async () => {
    const account = newAccount('offline');
    const registered = await one.request('POST', '/api/v1/auth/register', { body: account });
    expect(registered.status).toBe(201);
    expect((await login(two, account.username, account.password)).status).toBe(200);
    const metrics = (await one.request('GET', '/health/metrics')).text;
    expect(metrics).toMatch(/rate_limit_unavailable_total [1-9]/);
  });

  it('after Redis returns (with its old data), revocations made during the outage still hold', async () => {
    await redis.start();
    // The mirror Redis kept says "active" for revokedDuring; the replay from Postgres must win.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await me(two, revokedDuring.accessToken)).status;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    // Give the clients time to be back on Redis, then check every case again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const instance of [one, two]) {
      expect((await me(instance, revokedDuring.accessToken)).status).toBe(401);
      expect((await me(instance, revokedBefore.accessToken)).status).toBe(401);
      expect((await me(instance, valid.accessToken)).status).toBe(200);
    }
  }, 20_000);
});
