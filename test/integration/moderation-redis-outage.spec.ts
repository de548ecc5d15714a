import { chat, expectStatus } from '../support/chat-client.js';
import { answer, groupWithRoles, moderation } from '../support/moderation-client.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

describe('moderation while Redis is down', () => {
  let redis: RedisProcess;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    redis = await redisProcess();
    [one, two] = await startTwoTestApps({ REDIS_URL: redis.url });
  }, 30_000);

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await redis.dispose();
  });

  const unavailable = async (t: TestApp) => {
    const metrics = (await t.request('GET', '/health/metrics')).text;
    return Number(/^slow_mode_unavailable_total (\d+)/m.exec(metrics)?.[1] ?? 0);
  };

  it('still refuses muted members and frozen groups (from PostgreSQL), and lets slow mode fail open, counted', async () => {
    const slow = await groupWithRoles(one, 2);
    const frozen = await groupWithRoles(one, 1);
    const [paced, muted] = slow.members;
    expectStatus(await moderation(one, slow.owner, slow.id).update({ slowModeSeconds: 3600 }), 200);
    expectStatus(await moderation(one, slow.owner, slow.id).mute(muted.user.id), 200);
    expectStatus(await moderation(one, frozen.owner, frozen.id).update({ frozen: true }), 200);
    expectStatus(await chat(one, paced).send(slow.id, 'before'), 201);
    expect(answer(await chat(two, paced).send(slow.id, 'too soon'))).toEqual({ status: 429, code: 'SLOW_MODE' });

    await redis.stop();
    for (const t of [one, two]) {
      expect(answer(await chat(t, muted).send(slow.id, 'muted'))).toEqual({ status: 403, code: 'MEMBER_MUTED' });
      expect(answer(await chat(t, frozen.members[0]).send(frozen.id, 'frozen'))).toEqual({
        status: 403,
        code: 'CONVERSATION_FROZEN',
      });
    }
    const before = await unavailable(one);
    expectStatus(await chat(one, paced).send(slow.id, 'during, first'), 201);
    expectStatus(await chat(one, paced).send(slow.id, 'during, second'), 201);
    expect(await unavailable(one)).toBeGreaterThanOrEqual(before + 2);
  });
});
