import { newAccount, register, type SignedIn } from '../support/auth-client.js';
import { asBot, createBot, deleteBot, type CreatedBot } from '../support/bot-client.js';
import { eventually } from '../support/eventually.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = `bots-outage-admin-${process.pid}@example.com`;

describe("bots' keys while Redis is down", () => {
  let redis: RedisProcess;
  let one: TestApp;
  let two: TestApp;
  let admin: SignedIn;
  let working: CreatedBot;
  let deletedBefore: CreatedBot;
  let deletedDuring: CreatedBot;

  const status = async (t: TestApp, bot: CreatedBot) =>
    (await asBot(t, bot.apiKey).request('GET', '/api/v1/users/me')).status;

  beforeAll(async () => {
    redis = await redisProcess();
    [one, two] = await startTwoTestApps({ REDIS_URL: redis.url, ADMIN_EMAILS: ADMIN_EMAIL });
    admin = await register(one, { ...newAccount('admin'), email: ADMIN_EMAIL });
    [working, deletedBefore, deletedDuring] = [
      await createBot(one, admin),
      await createBot(one, admin),
      await createBot(one, admin),
    ];
    // Every key has been used on both instances: Redis caches its owner and mirrors its session as active.
    for (const bot of [working, deletedBefore, deletedDuring]) {
      for (const t of [one, two]) expect(await status(t, bot)).toBe(200);
    }
    expect((await deleteBot(two, admin, deletedBefore.user.id)).status).toBe(204);
    await redis.stop();
  }, 30_000);

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await redis.dispose();
  });

  it('takes a live key and refuses one deleted before the outage, on both instances, from PostgreSQL', async () => {
    for (const t of [one, two]) {
      expect(await status(t, working)).toBe(200);
      expect(await status(t, deletedBefore)).toBe(401);
    }
  });

  it('deletes a bot during the outage, and its key is refused at once on both instances', async () => {
    expect((await deleteBot(one, admin, deletedDuring.user.id)).status).toBe(204);
    for (const t of [two, one]) expect(await status(t, deletedDuring)).toBe(401);
  });

  it('creates a bot during the outage whose key works at once', async () => {
    const fresh = await createBot(two, admin);
    for (const t of [one, two]) expect(await status(t, fresh)).toBe(200);
  });

  it('after Redis returns with its old entries (the key cached, the session active), the deleted bot stays refused', async () => {
    await redis.start();
    // Redis still holds the owner of the key and a mirror saying "active": not one answer may take them
    // for the truth while the instances reconnect and replay the revocations from PostgreSQL.
    const answers: number[] = [];
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) answers.push(await status(answers.length % 2 ? one : two, deletedDuring));
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.filter((answer) => answer !== 401)).toEqual([]);
    // Back on Redis, every case on both instances.
    expect(
      await eventually(
        () => status(one, working),
        (answer) => answer === 200,
      ),
    ).toBe(200);
    for (const t of [one, two]) {
      expect(await status(t, deletedDuring)).toBe(401);
      expect(await status(t, deletedBefore)).toBe(401);
      expect(await status(t, working)).toBe(200);
    }
  }, 20_000);
});
