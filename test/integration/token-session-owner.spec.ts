import { randomUUID } from 'node:crypto';
import { TokensService } from '#src/auth/tokens.service.js';
import { bearer, me, register } from '../support/auth-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';
import { Redis } from 'ioredis';

describe('an access token naming a session of another user', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('is refused, whether the session is mirrored in Redis or read from Postgres', async () => {
    const owner = await register(t);
    // The owner's own request puts the session's mirror in Redis.
    expect((await me(t, owner.accessToken)).status).toBe(200);
    const forged = t.app.get(TokensService).signAccess(randomUUID(), owner.sessionId);
    expect((await me(t, forged)).status).toBe(401);
    expect((await t.request('GET', '/api/v1/conversations', { headers: bearer(forged) })).status).toBe(401);

    const redis = new Redis(testRedisUrl());
    await redis.flushdb();
    await redis.quit();
    expect((await me(t, forged)).status).toBe(401);
    expect((await me(t, owner.accessToken)).status).toBe(200);
  });
});
