import { bearer, register } from '../support/auth-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('the conversation list, read from Redis with the session check', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const list = (token: string, query = '') =>
    t.request('GET', `/api/v1/conversations${query}`, { headers: bearer(token) });

  it('serves the cached first page to an admitted caller, and a revoked one gets 401 though it is cached', async () => {
    const [alice, bob] = await Promise.all([register(t), register(t)]);
    const opened = await t.request('POST', '/api/v1/conversations', {
      headers: bearer(alice.accessToken),
      body: { type: 'direct', userId: bob.user.id },
    });
    expect(opened.status).toBe(201);

    const miss = await list(alice.accessToken);
    const hit = await list(alice.accessToken);
    expect([miss.status, miss.headers.get('x-cache')]).toEqual([200, 'MISS']);
    expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
    expect(hit.json()).toEqual(miss.json());
    expect(hit.json().items).toHaveLength(1);

    // Any page size is cut from the cached head.
    const limited = (await list(alice.accessToken, '?limit=1')).json();
    expect(limited.items).toHaveLength(1);
    expect(limited.nextCursor).toBeNull();

    const logout = await t.request('POST', '/api/v1/auth/logout', { headers: bearer(alice.accessToken) });
    expect(logout.status).toBeLessThan(300);
    const refused = await list(alice.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-cache')).toBeNull();
    expect(refused.text).not.toContain(bob.user.id);
  });

  it('shows a change made between two reads', async () => {
    const [alice, bob] = await Promise.all([register(t), register(t)]);
    expect((await list(alice.accessToken)).json().items).toEqual([]);
    await t.request('POST', '/api/v1/conversations', {
      headers: bearer(alice.accessToken),
      body: { type: 'direct', userId: bob.user.id },
    });
    const after = await list(alice.accessToken);
    expect(after.json().items).toHaveLength(1);
  });
});
