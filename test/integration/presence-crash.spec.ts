import { register } from '../support/auth-client.js';
import { instanceEnv, spawnApp, type AppProcess } from '../support/app-process.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Short presence timings, so a crash shows within seconds rather than the production 90 s.
const PRESENCE = { PRESENCE_TTL_SECONDS: 3, PRESENCE_HEARTBEAT_SECONDS: 1 };

describe('an instance killed without shutting down', () => {
  let survivor: TestApp;
  let doomed: AppProcess;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    survivor = await startTestApp(PRESENCE);
    doomed = await spawnApp(
      instanceEnv({
        PRESENCE_TTL_SECONDS: String(PRESENCE.PRESENCE_TTL_SECONDS),
        PRESENCE_HEARTBEAT_SECONDS: String(PRESENCE.PRESENCE_HEARTBEAT_SECONDS),
      }),
    );
    await doomed.waitUntilReady();
  }, 60_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    doomed.kill();
    await survivor.close();
  });

  it('sets its users offline by itself, tells their contacts, and keeps their messages flowing elsewhere', async () => {
    const [ann, bob] = [await register(survivor), await register(survivor)];
    const id = expectStatus<{ id: string }>(await chat(survivor, ann).createGroup('g', [bob]), 201).id;
    const annSocket = await connectSocket(survivor.baseUrl, ann.accessToken);
    sockets.push(annSocket);
    const presence = collect(annSocket, 'presence');
    const bobSocket = await connectSocket(doomed.baseUrl, bob.accessToken);
    sockets.push(bobSocket);
    await presence.until((items) => items.some((item) => item.userId === bob.user.id && item.online));

    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    await presence.until((items) => items.some((item) => item.userId === bob.user.id && !item.online), 15_000);
    expect(Date.now() - killedAt).toBeLessThan(120_000);
    const query = await request(annSocket, 'presence.query', { userIds: [bob.user.id] });
    expect(query).toMatchObject({ ok: true, data: { items: [{ userId: bob.user.id, online: false }] } });

    // Bob reconnects to the surviving instance and is online again, with nothing lost.
    const sent = expectStatus(await chat(survivor, ann).send(id, 'while you were away'), 201);
    const back = await connectSocket(survivor.baseUrl, bob.accessToken);
    sockets.push(back);
    await presence.until((items) => items.filter((item) => item.userId === bob.user.id && item.online).length === 2);
    const synced = await request(back, 'sync', { conversationId: id, since: 0 });
    expect(synced).toMatchObject({ ok: true, data: { items: [{ id: sent.id }] } });
  }, 30_000);
});
