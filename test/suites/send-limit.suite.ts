import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';

/** Sends `count` messages one after another, alternating REST on `rest` and `message.send` on `socket`. */
async function sendAlternately(rest: ReturnType<typeof chat>, socket: ClientSocket, id: string, count: number) {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) {
      const response = await rest.send(id, `rest ${i}`);
      outcomes.push(response.status === 201 ? 'sent' : response.json<{ code: string }>().code);
    } else {
      const ack = await request(socket, 'message.send', {
        conversationId: id,
        clientMessageId: crypto.randomUUID(),
        body: `socket ${i}`,
      });
      outcomes.push(ack.ok ? 'sent' : ack.error.code);
    }
  }
  return outcomes;
}

/**
 * The message send limit, over REST and sockets, across instances.
 * `config` adds settings to both instances (a Redis Cluster, say).
 */
export function sendLimitAcrossInstances(config: () => Partial<AppConfig> = () => ({})): void {
  describe('message send limit', () => {
    const sockets: ClientSocket[] = [];
    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

    describe('by default', () => {
      let one: TestApp;
      let two: TestApp;
      beforeAll(async () => ([one, two] = await startTwoTestApps(config())));
      afterAll(() => Promise.all([one.close(), two.close()]));

      it('allows 30 messages a minute per user, counted over REST on one instance and sockets on the other', async () => {
        const [ann, bob] = [await register(one), await register(one)];
        const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('limits', [bob]), 201).id;
        const socket = await connectSocket(two.baseUrl, ann.accessToken);
        sockets.push(socket);

        const outcomes = await sendAlternately(chat(one, ann), socket, id, 32);

        expect(outcomes.slice(0, 30)).toEqual(Array(30).fill('sent'));
        expect(outcomes.slice(30)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
        const page = expectStatus<{ items: unknown[] }>(await chat(two, bob).messages(id, '?limit=100'), 200);
        expect(page.items).toHaveLength(30);
        // Another user is counted on their own.
        expect((await chat(one, bob).send(id, 'hello')).status).toBe(201);
      });
    });

    describe('with MESSAGES_PER_MINUTE_PER_USER set', () => {
      let app: TestApp;
      beforeAll(async () => (app = await startTestApp({ ...config(), MESSAGES_PER_MINUTE_PER_USER: 3 })));
      afterAll(() => app.close());

      it('allows that many, then answers 429 with Retry-After', async () => {
        const [ann, bob] = [await register(app), await register(app)];
        const id = expectStatus<{ id: string }>(await chat(app, ann).createGroup('limits', [bob]), 201).id;
        const socket = await connectSocket(app.baseUrl, ann.accessToken);
        sockets.push(socket);

        expect(await sendAlternately(chat(app, ann), socket, id, 4)).toEqual(['sent', 'sent', 'sent', 'RATE_LIMITED']);
        const refused = await chat(app, ann).send(id, 'one more');
        expect(refused.status).toBe(429);
        expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      });
    });
  });
}
