import { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { instanceEnv, FAULT_HOOKS, spawnReadyApp, untilOutput, type AppProcess } from '../support/app-process.js';
import { bearer, freshAddress, newAccount, type SignedIn } from '../support/auth-client.js';
import { httpRequest, type HttpResponse } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

// Real `node dist/main.js` processes on the test Postgres and Redis. A fault hook loaded only into
// these processes (test/support/fault-hooks.mjs) stops or delays one at the exact point under test.

const HEARTBEAT_SECONDS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const childEnv = (heartbeatSeconds: number, faults: Record<string, string> = {}) =>
  instanceEnv({ PRESENCE_HEARTBEAT_SECONDS: String(heartbeatSeconds), ...faults });

const spawned: AppProcess[] = [];
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  for (const app of spawned) app.kill();
  await Promise.all(spawned.map((app) => app.exited));
  redis.disconnect();
});

async function signUp(app: AppProcess): Promise<SignedIn> {
  const response = await httpRequest(app.baseUrl, 'POST', '/api/v1/auth/register', {
    body: newAccount('revoke'),
    headers: freshAddress(),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return response.json<SignedIn>();
}

async function signIn(app: AppProcess, account: SignedIn): Promise<SignedIn> {
  const response = await httpRequest(app.baseUrl, 'POST', '/api/v1/auth/login', {
    body: { login: account.user.username, password: 'correct horse battery' },
    headers: freshAddress(),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return response.json<SignedIn>();
}

const me = (app: AppProcess, token: string): Promise<HttpResponse> =>
  httpRequest(app.baseUrl, 'GET', '/api/v1/users/me', { headers: bearer(token) });

/** Polls until `token` is refused (401) by `app`, for at most `timeoutMs`. */
async function untilRefused(app: AppProcess, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await me(app, token)).status;
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`the revoked token is still answered ${status} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe('an instance killed between the Postgres commit of a revocation and its Redis write', () => {
  it('leaves the revoked token refused on every other instance within a heartbeat', async () => {
    // One after the other: starting them together is slow on a busy machine.
    const dying = await spawnReadyApp(
      childEnv(HEARTBEAT_SECONDS, { FAULT_HANG_BEFORE_REVOCATION_MARKERS: 'true' }),
      spawned,
      { preload: [FAULT_HOOKS] },
    );
    const one = await spawnReadyApp(childEnv(HEARTBEAT_SECONDS), spawned);
    const two = await spawnReadyApp(childEnv(HEARTBEAT_SECONDS), spawned);
    const account = await signUp(one);
    // Both survivors admit the token from the Redis mirror of its session (revoked=0).
    expect([(await me(one, account.accessToken)).status, (await me(two, account.accessToken)).status]).toEqual([
      200, 200,
    ]);
    expect(await redis.hget(RedisKeys.session(account.sessionId), 'revoked')).toBe('0');

    // The logout commits in Postgres, then the process dies before writing anything to Redis.
    void httpRequest(dying.baseUrl, 'POST', '/api/v1/auth/logout', { headers: bearer(account.accessToken) }).catch(
      () => undefined,
    );
    await untilOutput(dying, `revocation committed ${account.sessionId}`);
    dying.kill();
    await dying.exited;

    // The next heartbeat of each survivor copies the revocation from Postgres to Redis.
    const withinAHeartbeat = HEARTBEAT_SECONDS * 1000 + 3000;
    await Promise.all([
      untilRefused(one, account.accessToken, withinAHeartbeat),
      untilRefused(two, account.accessToken, withinAHeartbeat),
    ]);
    expect(await redis.hget(RedisKeys.session(account.sessionId), 'revoked')).toBe('1');
  }, 90_000);
});

describe('a session mirror rebuilt from Postgres racing a revocation', () => {
  it('never writes the session back as active: the revoked token stays refused everywhere', async () => {
    // Heartbeats far apart: nothing but the mirror write itself decides what Redis says here.
    const slow = await spawnReadyApp(childEnv(600, { FAULT_SESSION_MIRROR_DELAY_MS: '1500' }), spawned, {
      preload: [FAULT_HOOKS],
    });
    const other = await spawnReadyApp(childEnv(600), spawned);
    const phone = await signUp(other);
    const laptop = await signIn(other, phone);
    // The mirror is gone (evicted, or Redis restarted): the next request is answered from Postgres,
    // which rebuilds the mirror, as "active", after the delay.
    await redis.del(RedisKeys.session(phone.sessionId));
    expect((await me(slow, phone.accessToken)).status).toBe(200);

    // Meanwhile the phone's session is revoked from the laptop, on the other instance.
    const revoked = await httpRequest(other.baseUrl, 'DELETE', `/api/v1/auth/sessions/${phone.sessionId}`, {
      headers: bearer(laptop.accessToken),
    });
    expect(revoked.status).toBe(204);
    await untilOutput(slow, `mirrored ${phone.sessionId} revoked=false`);

    expect(await redis.hget(RedisKeys.session(phone.sessionId), 'revoked')).toBe('1');
    expect([(await me(slow, phone.accessToken)).status, (await me(other, phone.accessToken)).status]).toEqual([
      401, 401,
    ]);
    // The laptop's own session is untouched.
    expect((await me(other, laptop.accessToken)).status).toBe(200);
  }, 90_000);
});
