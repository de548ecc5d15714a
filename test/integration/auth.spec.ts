import { bearer, freshAddress, login, me, newAccount, register } from '../support/auth-client.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';

describe('auth across two instances sharing Postgres and Redis', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('register → login → me → logout: the same token is then refused by the other instance', async () => {
    const account = newAccount('ada');
    const registered = await one.request('POST', '/api/v1/auth/register', { body: account, headers: freshAddress() });
    expect(registered.status).toBe(201);
    expect(registered.json()).toMatchObject({
      user: { email: account.email, username: account.username },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      sessionId: expect.any(String),
    });
    expect(registered.text).not.toContain('password');

    const signedIn = await login(one, account.username.toUpperCase(), account.password);
    expect(signedIn.status).toBe(200);
    const { accessToken, user } = signedIn.json();

    for (const instance of [one, two]) {
      const profile = await me(instance, accessToken);
      expect(profile.status).toBe(200);
      expect(profile.json()).toMatchObject({ id: user.id, username: account.username });
    }

    expect((await one.request('POST', '/api/v1/auth/logout', { headers: bearer(accessToken) })).status).toBe(204);
    for (const instance of [two, one]) {
      const refused = await me(instance, accessToken);
      expect(refused.status).toBe(401);
      expect(refused.json().code).toBe('UNAUTHORIZED');
    }
  });

  it('refuses duplicate email and username, ignoring case', async () => {
    const account = newAccount('dup');
    await register(one, account);
    const sameEmail = await two.request('POST', '/api/v1/auth/register', {
      body: { ...newAccount('other'), email: account.email.toUpperCase() },
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.json().code).toBe('EMAIL_TAKEN');
    const sameUsername = await two.request('POST', '/api/v1/auth/register', {
      body: { ...newAccount('other'), username: account.username.toUpperCase() },
    });
    expect(sameUsername.status).toBe(409);
    expect(sameUsername.json().code).toBe('USERNAME_TAKEN');
  });

  it('validates registration fields, naming each bad one', async () => {
    const response = await one.request('POST', '/api/v1/auth/register', {
      body: { email: 'nope', username: 'a b', password: 'short' },
    });
    expect(response.status).toBe(400);
    const fields = response.json().details.map((detail: { field: string }) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'username', 'password']));
  });

  it('answers an unknown account and a wrong password with the same 401', async () => {
    const account = newAccount('same');
    await register(one, account);
    const wrongPassword = await login(one, account.email, 'not the password', { 'x-forwarded-for': '10.0.0.1' });
    const unknown = await login(two, 'nobody@example.com', 'not the password');
    expect(wrongPassword.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrongPassword.json())).toEqual(strip(unknown.json()));
  });

  it('refuses requests without a token, with a malformed one, or with a forged one', async () => {
    const { accessToken } = await register(one);
    const [header, payload] = accessToken.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    for (const headers of [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Basic abc' },
      bearer('x.y.z'),
      bearer(none),
      bearer(`${header}.${payload}.forged`),
    ]) {
      const response = await two.request('GET', '/api/v1/users/me', { headers });
      expect(response.status).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });
});

describe('refreshes racing with one token (REFRESH_REUSE_GRACE_SECONDS, 10 s by default), over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const refreshOn = (t: TestApp, refreshToken: string) =>
    t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  /** The session is alive, and `pair` works: its access token on both instances, its refresh token once. */
  async function expectWorking(pair: { accessToken: string; refreshToken: string }, sessionId: string) {
    for (const instance of [one, two]) expect((await me(instance, pair.accessToken)).status).toBe(200);
    const sessions = (await one.request('GET', '/api/v1/auth/sessions', { headers: bearer(pair.accessToken) })).json();
    expect(sessions.items.map((item: { id: string }) => item.id)).toContain(sessionId);
    const next = await refreshOn(two, pair.refreshToken);
    expect(next.status).toBe(200);
    return next.json<{ accessToken: string; refreshToken: string }>();
  }

  it('a second use within the grace gets 401 REFRESH_TOKEN_ALREADY_USED, and the session lives on', async () => {
    const first = await register(one);
    const won = await refreshOn(one, first.refreshToken);
    expect(won.status).toBe(200);
    const late = await refreshOn(two, first.refreshToken);
    expect(late.status).toBe(401);
    expect(late.json()).toMatchObject({ statusCode: 401, code: 'REFRESH_TOKEN_ALREADY_USED' });
    // Again, still within the grace: the same answer, still no revocation.
    expect((await refreshOn(one, first.refreshToken)).json().code).toBe('REFRESH_TOKEN_ALREADY_USED');

    const next = await expectWorking(won.json(), first.sessionId);
    // The token of two refreshes back, still within the grace of its first use: refused, not revoked.
    expect((await refreshOn(two, first.refreshToken)).json().code).toBe('REFRESH_TOKEN_ALREADY_USED');
    await expectWorking(next, first.sessionId);
    for (const instance of [one, two]) {
      expect((await instance.request('GET', '/health/metrics')).text).toMatch(/^auth_refresh_reuse_total 0$/m);
    }
  });

  it('5 parallel refreshes of one token over two instances: one new pair, 4 × ALREADY_USED, and the pair works', async () => {
    for (let round = 0; round < 3; round++) {
      const signedIn = await register(one);
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => refreshOn(i % 2 ? two : one, signedIn.refreshToken)),
      );
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      const losers = answers.filter((answer) => answer.status !== 200);
      expect(losers.map((answer) => [answer.status, answer.json().code])).toEqual(
        Array(4).fill([401, 'REFRESH_TOKEN_ALREADY_USED']),
      );
      await expectWorking(winners[0].json(), signedIn.sessionId);
    }
  });
});

describe('refresh rotation and sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  it('rotates: each refresh token works once, and the new pair works', async () => {
    const first = await register(t);
    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = rotated.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(t, second.accessToken)).status).toBe(200);
    const third = await refresh(second.refreshToken);
    expect(third.status).toBe(200);
  });

  it('revokes the whole session when a used refresh token comes back after the reuse grace (theft)', async () => {
    const graceful = await startTestApp({ REFRESH_REUSE_GRACE_SECONDS: 1 });
    try {
      const again = (refreshToken: string) =>
        graceful.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      const first = await register(graceful);
      const second = (await again(first.refreshToken)).json();
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const reused = await again(first.refreshToken);
      expect(reused.status).toBe(401);
      expect(reused.json().code).toBe('REFRESH_TOKEN_REUSED');

      // Both the thief's and the owner's tokens of that session are dead now.
      expect((await me(graceful, second.accessToken)).status).toBe(401);
      expect((await again(second.refreshToken)).status).toBe(401);

      const metrics = await graceful.request('GET', '/health/metrics');
      expect(metrics.text).toMatch(/auth_refresh_reuse_total [1-9]/);
    } finally {
      await graceful.close();
    }
  });

  it('with REFRESH_REUSE_GRACE_SECONDS=0, any reuse revokes the session at once', async () => {
    const strict = await startTestApp({ REFRESH_REUSE_GRACE_SECONDS: 0 });
    try {
      const again = (refreshToken: string) =>
        strict.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      const first = await register(strict);
      const second = (await again(first.refreshToken)).json();
      expect((await again(first.refreshToken)).json().code).toBe('REFRESH_TOKEN_REUSED');
      expect((await me(strict, second.accessToken)).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const first = await register(t);
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('refuses forged and malformed refresh tokens', async () => {
    const { refreshToken } = await register(t);
    const [prefix, sessionId, generation] = refreshToken.split('.');
    for (const token of ['garbage', `${prefix}.${sessionId}.${Number(generation) + 1}.AAAA`, `${refreshToken}x`]) {
      const response = await refresh(token);
      expect(response.status).toBe(401);
    }
    // A forged token is not a reuse: the session still works.
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it('lists sessions, revokes one, and logs out everywhere', async () => {
    const account = newAccount('multi');
    const phone = await register(t, account);
    const laptop = (
      await t.request('POST', '/api/v1/auth/login', {
        body: {
          login: account.email,
          password: account.password,
          device: { name: 'Laptop', type: 'desktop', os: 'Linux' },
        },
        headers: { 'user-agent': 'chat-tests/1.0', 'x-forwarded-for': '10.200.0.1' },
      })
    ).json();

    const listed = await t.request('GET', '/api/v1/auth/sessions', { headers: bearer(laptop.accessToken) });
    expect(listed.status).toBe(200);
    const items = listed.json().items;
    expect(items).toHaveLength(2);
    expect(items.find((item: { current: boolean }) => item.current)).toMatchObject({
      id: laptop.sessionId,
      device: { name: 'Laptop', type: 'desktop', os: 'Linux' },
      userAgent: 'chat-tests/1.0',
      ip: '10.200.0.1',
    });

    const revoke = await t.request('DELETE', `/api/v1/auth/sessions/${phone.sessionId}`, {
      headers: bearer(laptop.accessToken),
    });
    expect(revoke.status).toBe(204);
    expect((await me(t, phone.accessToken)).status).toBe(401);
    expect((await me(t, laptop.accessToken)).status).toBe(200);
    expect(
      (await t.request('DELETE', `/api/v1/auth/sessions/${phone.sessionId}`, { headers: bearer(laptop.accessToken) }))
        .status,
    ).toBe(404);
    expect(
      (await t.request('DELETE', '/api/v1/auth/sessions/not-a-uuid', { headers: bearer(laptop.accessToken) })).status,
    ).toBe(400);

    const tablet = (await login(t, account.username, account.password)).json();
    expect((await t.request('POST', '/api/v1/auth/logout-all', { headers: bearer(tablet.accessToken) })).status).toBe(
      204,
    );
    expect((await me(t, laptop.accessToken)).status).toBe(401);
    expect((await me(t, tablet.accessToken)).status).toBe(401);
    expect((await refresh(laptop.refreshToken)).status).toBe(401);
  });

  it('never shows one user another user’s sessions or lets them revoke one', async () => {
    const alice = await register(t);
    const bob = await register(t);
    const bobsList = (await t.request('GET', '/api/v1/auth/sessions', { headers: bearer(bob.accessToken) })).json();
    expect(bobsList.items.map((item: { id: string }) => item.id)).toEqual([bob.sessionId]);
    const attempt = await t.request('DELETE', `/api/v1/auth/sessions/${alice.sessionId}`, {
      headers: bearer(bob.accessToken),
    });
    expect(attempt.status).toBe(404);
    expect((await me(t, alice.accessToken)).status).toBe(200);
  });

  it('keeps at most SESSIONS_MAX_PER_USER sessions, revoking the oldest', async () => {
    const capped = await startTestApp({ SESSIONS_MAX_PER_USER: 2 });
    try {
      const account = newAccount('cap');
      const first = await register(capped, account);
      const second = (await login(capped, account.email, account.password, { 'x-forwarded-for': '10.0.0.2' })).json();
      const third = (await login(capped, account.email, account.password)).json();
      expect((await me(capped, first.accessToken)).status).toBe(401);
      expect((await me(capped, second.accessToken)).status).toBe(200);
      expect((await me(capped, third.accessToken)).status).toBe(200);
    } finally {
      await capped.close();
    }
  });
});
