import type { ChatClient, MessageView } from '@chat-backend/client';
import { freePort } from '#src/infra/embedded/free-port.js';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';
import { harnessedClient, registerThrough } from '../support/chat-client-harness.js';

// The package's client across two real instance processes: messages sent through one client reach
// another client on the other instance, and a message sent while the receiver's instance is down
// arrives once that client has reconnected (to the instance started again on the same address), through
// `sync`, exactly once.

const spawned: AppProcess[] = [];
const clients: ChatClient[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
  for (const app of spawned) app.kill();
});

/** Retries `assertion` until it passes or `timeoutMs` passes (then its failure is the test's). */
async function eventually(assertion: () => void, { timeoutMs = 5000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function received(client: ChatClient): MessageView[] {
  const messages: MessageView[] = [];
  client.on('message.created', ({ message }) => messages.push(message));
  return messages;
}

function connected(client: ChatClient): Promise<void> {
  return new Promise((resolve) => {
    const stop = client.on('synced', () => {
      stop();
      resolve();
    });
    client.connect();
  });
}

it('delivers across instances, and after the receiver instance is killed, catches up exactly once via sync', async () => {
  const portB = await freePort();
  const [one, two] = await Promise.all([
    spawnReadyApp(instanceEnv(), spawned),
    spawnReadyApp(instanceEnv({ PORT: String(portB) }), spawned),
  ]);
  const { client: alice } = harnessedClient(one.baseUrl);
  const { client: bob } = harnessedClient(two.baseUrl);
  clients.push(alice, bob);
  const bobUser = await registerThrough(bob, 'rtbob');
  await registerThrough(alice, 'rtalice');
  const conversation = await alice.openDirect(bobUser.username);
  expect(conversation.type).toBe('direct');

  const bobGot = received(bob);
  const aliceGot = received(alice);
  await Promise.all([connected(alice), connected(bob)]);
  // Bob's client tracks the conversation from its list, as an app that shows it does.
  expect((await bob.conversations()).items.map((item) => item.id)).toContain(conversation.id);

  const first = await alice.send(conversation.id, 'hello across instances');
  await eventually(() => expect(bobGot.map((message) => message.seq)).toEqual([first.seq]));
  expect(bobGot[0].body).toBe('hello across instances');
  // The sender's own message reaches its listeners once, from the send's answer or the event.
  await eventually(() => expect(aliceGot.map((message) => message.id)).toEqual([first.id]));

  // Bob's instance dies; Alice goes on sending through hers.
  two.kill();
  await two.exited;
  const missed = [await alice.send(conversation.id, 'while you were away')];
  missed.push(await alice.send(conversation.id, 'and one more'));
  expect(bobGot).toHaveLength(1);

  // The instance comes back on the same address; Bob's client reconnects by itself and syncs.
  await spawnReadyApp(instanceEnv({ PORT: String(portB) }), spawned);
  await eventually(
    () => expect(bobGot.map((message) => message.seq)).toEqual([first.seq, ...missed.map((m) => m.seq)]),
    {
      timeoutMs: 20_000,
    },
  );
  expect(bobGot.map((message) => message.body)).toEqual([
    'hello across instances',
    'while you were away',
    'and one more',
  ]);

  // Live delivery works on the new connection, and nothing arrives twice.
  const after = await alice.send(conversation.id, 'welcome back');
  await eventually(() => expect(bobGot.at(-1)?.id).toBe(after.id));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(new Set(bobGot.map((message) => message.id)).size).toBe(bobGot.length);
  expect(bobGot).toHaveLength(4);
}, 90_000);
