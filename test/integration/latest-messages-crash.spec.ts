import pg from 'pg';
import { LOST_CHANGE_MS } from '#src/messages/latest-messages.cache.js';
import { instanceEnv, FAULT_HOOKS, spawnReadyApp, untilOutput, type AppProcess } from '../support/app-process.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { httpRequest, startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

// An instance process changes a message and dies (SIGKILL) after PostgreSQL committed the change and
// before its Redis write reached the cached latest-messages window. The window must then not be served.
// A fault hook holds the instance right after the commit, so the kill lands exactly in that gap.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Page {
  items: { id: string; body: string; deletedAt: string | null }[];
}

describe('the latest-messages window after an instance died between commit and Redis write', () => {
  let reader: TestApp;
  let db: pg.Client;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    reader = await startTestApp();
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    started.forEach((app) => app.kill());
    await Promise.all(started.map((app) => app.exited));
    await db.end();
    await reader.close();
  }, 20_000);

  /** Runs `change` on an instance that hangs once PostgreSQL committed it, checks `committed`, and kills it. */
  async function changeAndDie(
    conversationId: string,
    change: (app: AppProcess) => Promise<unknown>,
    committed: () => Promise<boolean>,
  ): Promise<void> {
    const app = await spawnReadyApp(instanceEnv({ FAULT_HANG_BEFORE_WINDOW_WRITE: 'true' }), started, {
      preload: [FAULT_HOOKS],
    });
    const request = change(app).catch(() => undefined);
    await untilOutput(app, `message change committed in ${conversationId}`, 20_000);
    expect(await committed()).toBe(true);
    app.kill();
    await app.exited;
    await request;
  }

  const page = async (who: SignedIn, conversationId: string) => {
    const response = await chat(reader, who).messages(conversationId);
    return { cache: response.headers.get('x-cache'), items: expectStatus<Page>(response, 200).items };
  };

  const warm = async (who: SignedIn, conversationId: string) => {
    await page(who, conversationId);
    expect((await page(who, conversationId)).cache).toBe('HIT');
  };

  it('never serves the body of a message deleted by an instance that died before its Redis write', async () => {
    const [ann, bob] = [await register(reader), await register(reader)];
    const group = expectStatus<{ id: string }>(await chat(reader, ann).createGroup('crash', [bob]), 201);
    const secret = expectStatus<{ id: string }>(await chat(reader, ann).send(group.id, 'the secret'), 201);
    expectStatus(await chat(reader, ann).send(group.id, 'small talk'), 201);
    await warm(bob, group.id);

    await changeAndDie(
      group.id,
      (app) =>
        httpRequest(app.baseUrl, 'DELETE', `/api/v1/conversations/${group.id}/messages/${secret.id}`, {
          headers: bearer(ann.accessToken),
        }),
      async () =>
        (await db.query('SELECT 1 FROM messages WHERE id = $1 AND deleted_at IS NOT NULL', [secret.id])).rows.length ===
        1,
    );

    // Read on another instance, right away and after the change is taken as lost: never the body.
    for (const when of ['now', 'again', 'later', 'rebuilt']) {
      if (when === 'later') await sleep(LOST_CHANGE_MS + 200);
      const { cache, items } = await page(bob, group.id);
      const deleted = items.find((item) => item.id === secret.id);
      expect({ when, body: deleted?.body, deleted: Boolean(deleted?.deletedAt) }).toEqual({
        when,
        body: '',
        deleted: true,
      });
      expect(items.map((item) => item.body)).not.toContain('the secret');
      // Once taken as lost, the window is rebuilt from PostgreSQL and served again.
      if (when === 'rebuilt') expect(cache).toBe('HIT');
    }
  }, 90_000);

  it('never serves the old body of a message edited by an instance that died before its Redis write', async () => {
    const [ann, bob] = [await register(reader), await register(reader)];
    const group = expectStatus<{ id: string }>(await chat(reader, ann).createGroup('crash edit', [bob]), 201);
    const typo = expectStatus<{ id: string }>(await chat(reader, ann).send(group.id, 'my password is hunter2'), 201);
    await warm(bob, group.id);

    await changeAndDie(
      group.id,
      (app) =>
        httpRequest(app.baseUrl, 'PATCH', `/api/v1/conversations/${group.id}/messages/${typo.id}`, {
          headers: bearer(ann.accessToken),
          body: { body: 'never mind' },
        }),
      async () =>
        (await db.query("SELECT 1 FROM messages WHERE id = $1 AND body = 'never mind'", [typo.id])).rows.length === 1,
    );

    for (let read = 0; read < 3; read++) {
      const { items } = await page(bob, group.id);
      expect(items.map((item) => item.body)).toEqual(['never mind']);
    }
  }, 90_000);
});
