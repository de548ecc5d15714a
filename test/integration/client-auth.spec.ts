import { jest } from '@jest/globals';
import { ApiError, MemoryTokenStore, type ChatClient } from '@chat-backend/client';
import { bearer, TEST_PASSWORD } from '../support/auth-client.js';
import {
  accessTokenExpiringIn,
  barrier,
  expiredAccessToken,
  harnessedClient,
  registerThrough,
} from '../support/chat-client-harness.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The package's client (packages/client) against a real instance: sign-in, and the token rule of
// docs/api.md: one refresh in flight per client, and a refresh lost to another client of the same
// session recovered from the shared token store instead of signing out.

const REFRESH = '/api/v1/auth/refresh';

let t: TestApp;
const clients: ChatClient[] = [];
beforeAll(async () => (t = await startTestApp()));
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await t.close();
});

/** Makes the client's stored access token an expired one of the same session. */
function expireAccessToken(client: ChatClient, store: MemoryTokenStore) {
  const tokens = store.get()!;
  store.set({ ...tokens, accessToken: expiredAccessToken(tokens.userId, tokens.sessionId) });
  expect(client.session.tokens?.accessToken).toBe(store.get()!.accessToken);
}

async function sessionIds(accessToken: string): Promise<string[]> {
  const response = await t.request('GET', '/api/v1/auth/sessions', { headers: bearer(accessToken) });
  expect(response.status).toBe(200);
  return response.json().items.map((item: { id: string }) => item.id);
}

describe('the client signs up and in', () => {
  it('registers, signs in with the username, and calls authenticated routes', async () => {
    const { client } = harnessedClient(t.baseUrl);
    const user = await registerThrough(client, 'clientreg');
    expect(client.userId).toBe(user.id);
    expect((await client.me()).username).toBe(user.username);

    const { client: other } = harnessedClient(t.baseUrl);
    const signedIn = await other.login(user.username, TEST_PASSWORD);
    expect(signedIn.id).toBe(user.id);
    expect((await other.me()).id).toBe(user.id);
    expect(other.session.tokens?.sessionId).not.toBe(client.session.tokens?.sessionId);
  });

  it('a wrong password is an ApiError with the service code, and leaves the client signed out', async () => {
    const { client } = harnessedClient(t.baseUrl);
    const user = await registerThrough(client, 'clientbad');
    const { client: other } = harnessedClient(t.baseUrl);
    const refused = await other.login(user.username, 'not the password').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('INVALID_CREDENTIALS');
    expect(other.signedIn).toBe(false);
  });
});

describe('token refresh', () => {
  it('concurrent requests with an expired access token share exactly one refresh, then all succeed', async () => {
    const store = new MemoryTokenStore();
    const { client, traffic } = harnessedClient(t.baseUrl, { tokenStore: store });
    const user = await registerThrough(client, 'clientexp');
    expireAccessToken(client, store);

    const answers = await Promise.all(Array.from({ length: 6 }, () => client.me()));
    expect(answers.map((answer) => answer.id)).toEqual(Array(6).fill(user.id));
    expect(traffic.count(REFRESH)).toBe(1);
    // Each request was sent twice: refused with the expired token, then retried once with the new one.
    expect(traffic.count('/api/v1/users/me')).toBe(12);
  });

  it('two clients of one session racing a refresh both keep working, and the session is not revoked', async () => {
    for (let round = 0; round < 3; round++) {
      const store = new MemoryTokenStore();
      // Both refreshes are held until both are on their way, so they race with the same refresh token.
      const together = barrier(REFRESH, 2);
      const { client: first, traffic: firstTraffic } = harnessedClient(t.baseUrl, {
        tokenStore: store,
        beforeSend: together,
      });
      const { client: second, traffic: secondTraffic } = harnessedClient(t.baseUrl, {
        tokenStore: store,
        beforeSend: together,
      });
      const signedOut = jest.fn();
      first.session.onSignedOut(signedOut);
      second.session.onSignedOut(signedOut);
      const user = await registerThrough(first, `clientrace${round}`);
      const sessionId = store.get()!.sessionId;
      // Both hold the same expired token: each client's refresh goes out with the same refresh token.
      expireAccessToken(first, store);

      const [a, b] = await Promise.all([first.me(), second.me()]);
      expect([a.id, b.id]).toEqual([user.id, user.id]);
      expect([firstTraffic.count(REFRESH), secondTraffic.count(REFRESH)]).toEqual([1, 1]);
      expect(signedOut).not.toHaveBeenCalled();
      expect(first.session.tokens).toEqual(second.session.tokens);
      expect(await sessionIds(store.get()!.accessToken)).toContain(sessionId);
      // And the pair both ended up with refreshes on, for either client.
      expireAccessToken(second, store);
      expect((await second.me()).id).toBe(user.id);
      expect((await first.me()).id).toBe(user.id);
      expect(secondTraffic.count(REFRESH)).toBe(2);
    }
  });

  it('the loser of a refresh race with its own store (no newer pair to find) is signed out', async () => {
    const winnerStore = new MemoryTokenStore();
    const { client: winner } = harnessedClient(t.baseUrl, { tokenStore: winnerStore });
    await registerThrough(winner, 'clientlose');
    const loserStore = new MemoryTokenStore({ ...winnerStore.get()! });
    const onSignedOut = jest.fn();
    const { client: loser } = harnessedClient(t.baseUrl, {
      tokenStore: loserStore,
      onSignedOut,
      refreshRaceWaitMs: 300,
    });
    expireAccessToken(winner, winnerStore);
    await winner.me();
    expireAccessToken(loser, loserStore);

    const refused = await loser.me().catch((error: unknown) => error);
    expect((refused as ApiError).status).toBe(401);
    expect(onSignedOut).toHaveBeenCalledTimes(1);
    expect(loser.signedIn).toBe(false);
    // The session itself lives on for the winner: a lost race never revokes it.
    expect((await winner.me()).id).toBe(winner.userId);
  });

  it('a refresh refused because the session was revoked signs the client out', async () => {
    const store = new MemoryTokenStore();
    const onSignedOut = jest.fn();
    const { client } = harnessedClient(t.baseUrl, { tokenStore: store, onSignedOut });
    await registerThrough(client, 'clientrev');
    const { accessToken } = store.get()!;
    expect((await t.request('POST', '/api/v1/auth/logout', { headers: bearer(accessToken) })).status).toBe(204);

    const refused = await client.me().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(onSignedOut).toHaveBeenCalledTimes(1);
    expect(store.get()).toBeNull();
  });
});

describe('the socket and its token', () => {
  it('renews the access token on the live socket before it expires, so the socket stays up', async () => {
    const store = new MemoryTokenStore();
    // It connects with the short-lived token as it is (a reconnect would refresh it under 1 s left).
    const { client, traffic } = harnessedClient(t.baseUrl, {
      tokenStore: store,
      realtime: { minTokenValidityMs: 1000, reconnectDelayMs: 200, reconnectDelayMaxMs: 1000 },
    });
    clients.push(client);
    await registerThrough(client, 'clientsock');
    const tokens = store.get()!;
    // A token with 3 s left: renewed at half its time, well before the service would end the socket.
    store.set({ ...tokens, accessToken: accessTokenExpiringIn(tokens.userId, tokens.sessionId, 3) });
    const disconnects: string[] = [];
    const expired = jest.fn();
    client.on('disconnected', (reason) => disconnects.push(reason));
    client.on('token.expired', expired);
    await new Promise<void>((resolve) => {
      const stop = client.on('synced', () => (stop(), resolve()));
      client.connect();
    });

    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(traffic.count(REFRESH)).toBe(1);
    expect(expired).not.toHaveBeenCalled();
    expect(disconnects).toEqual([]);
    expect(client.realtime.connected).toBe(true);
  });

  it('a revoked session ends the socket and signs the client out', async () => {
    const onSignedOut = jest.fn();
    const { client } = harnessedClient(t.baseUrl, { onSignedOut });
    clients.push(client);
    await registerThrough(client, 'clientkick');
    await new Promise<void>((resolve) => {
      const stop = client.on('synced', () => (stop(), resolve()));
      client.connect();
    });
    const { accessToken } = client.session.tokens!;
    expect((await t.request('POST', '/api/v1/auth/logout', { headers: bearer(accessToken) })).status).toBe(204);

    await until(() => onSignedOut.mock.calls.length === 1);
    expect(client.realtime.connected).toBe(false);
    expect(client.signedIn).toBe(false);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
