import { BlocksService } from '#src/users/blocks.service.js';
import { bearer, freshAddress, login, me, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { redisProcess } from '../support/redis-process.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';

const loadsOf = async (t: TestApp, cache: string): Promise<number> => {
  const metrics = (await t.request('GET', '/health/metrics')).text;
  const match = metrics.match(new RegExp(`cache_load_duration_seconds_count\\{cache="${cache}"\\} (\\d+)`));
  return match ? Number(match[1]) : 0;
};

describe('profiles and the profile cache, over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('serves the second read of a profile from the cache, and the read after PATCH /me fresh', async () => {
    const ada = await register(one);
    const viewer = await register(one);
    const path = `/api/v1/users/${ada.user.id}`;

    const first = await one.request('GET', path, { headers: bearer(viewer.accessToken) });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.json()).toMatchObject({
      id: ada.user.id,
      username: ada.user.username,
      displayName: null,
      deleted: false,
    });
    expect(first.json()).not.toHaveProperty('email');

    const second = await two.request('GET', path, { headers: bearer(viewer.accessToken) });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.json()).toEqual(first.json());

    const patched = await two.request('PATCH', '/api/v1/users/me', {
      headers: bearer(ada.accessToken),
      body: { displayName: 'Ada Lovelace', bio: 'Analyst' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({ displayName: 'Ada Lovelace', bio: 'Analyst' });

    const third = await one.request('GET', path, { headers: bearer(viewer.accessToken) });
    expect(third.headers.get('x-cache')).toBe('MISS');
    expect(third.json()).toMatchObject({ displayName: 'Ada Lovelace', bio: 'Analyst' });
  });

  it('loads a cold profile from Postgres exactly once for 200 concurrent reads over two instances', async () => {
    const target = await register(one);
    const reader = await register(one);
    const before = (await loadsOf(one, 'user-profile')) + (await loadsOf(two, 'user-profile'));
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? two : one).request('GET', `/api/v1/users/${target.user.id}`, { headers: bearer(reader.accessToken) }),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const after = (await loadsOf(one, 'user-profile')) + (await loadsOf(two, 'user-profile'));
    expect(after - before).toBe(1);
  });

  it('never returns one user’s cached /me to another user', async () => {
    const alice = await register(one);
    const bob = await register(one);
    expect((await me(one, alice.accessToken)).headers.get('x-cache')).toBe('MISS');
    const aliceAgain = await me(two, alice.accessToken);
    expect(aliceAgain.headers.get('x-cache')).toBe('HIT');
    expect(aliceAgain.json().id).toBe(alice.user.id);

    const bobs = await me(one, bob.accessToken);
    expect(bobs.json()).toMatchObject({ id: bob.user.id, email: bob.user.email });
    expect(bobs.headers.get('x-cache')).toBe('MISS');
    expect(bobs.text).not.toContain(alice.user.id);
  });

  it('answers 404 for an unknown id and 400 for a malformed one, and 401 without a token', async () => {
    const viewer = await register(one);
    const unknown = await one.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000', {
      headers: bearer(viewer.accessToken),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json().code).toBe('USER_NOT_FOUND');
    expect((await one.request('GET', '/api/v1/users/nope', { headers: bearer(viewer.accessToken) })).status).toBe(400);
    for (const [method, path] of [
      ['GET', '/api/v1/users/me'],
      ['PATCH', '/api/v1/users/me'],
      ['DELETE', '/api/v1/users/me'],
      ['GET', `/api/v1/users/${viewer.user.id}`],
      ['GET', '/api/v1/users?search=a'],
      ['GET', '/api/v1/users/me/blocks'],
      ['POST', `/api/v1/users/${viewer.user.id}/block`],
      ['DELETE', `/api/v1/users/${viewer.user.id}/block`],
    ]) {
      expect((await one.request(method, path)).status).toBe(401);
    }
  });

  it('validates profile changes, naming each bad field, and clears a field with null', async () => {
    const user = await register(one);
    const bad = await one.request('PATCH', '/api/v1/users/me', {
      headers: bearer(user.accessToken),
      body: { displayName: '', bio: 'x'.repeat(501), avatarUrl: 'javascript:alert(1)', email: 'evil@example.com' },
    });
    expect(bad.status).toBe(400);
    const fields = bad.json().details.map((detail: { field: string }) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['displayName', 'bio', 'avatarUrl', 'email']));

    await one.request('PATCH', '/api/v1/users/me', { headers: bearer(user.accessToken), body: { bio: 'hello' } });
    const cleared = await one.request('PATCH', '/api/v1/users/me', {
      headers: bearer(user.accessToken),
      body: { bio: null },
    });
    expect(cleared.json().bio).toBeNull();
  });
});

describe('search', () => {
  let t: TestApp;
  let viewer: SignedIn;
  beforeAll(async () => {
    t = await startTestApp();
    viewer = await register(t);
    for (const [username, displayName] of [
      ['zeta_one', 'Omega'],
      ['zeta_two', 'Alpha'],
      ['zeta_three', undefined],
      ['omega_fan', 'Zeta Fan'],
      ['zetax', undefined],
      ['z_eta', undefined],
    ]) {
      await t.request('POST', '/api/v1/auth/register', {
        body: { ...newAccount('s'), username, displayName },
        headers: freshAddress(),
      });
    }
  });
  afterAll(() => t.close());

  const search = (query: string) => t.request('GET', `/api/v1/users?${query}`, { headers: bearer(viewer.accessToken) });
  const names = (body: { items: { username: string }[] }) => body.items.map((item) => item.username);

  it('matches a prefix of the username or the display name, case-insensitively, ordered by username', async () => {
    const response = await search('search=ZETA');
    expect(response.status).toBe(200);
    expect(names(response.json())).toEqual(['omega_fan', 'zeta_one', 'zeta_three', 'zeta_two', 'zetax']);
  });

  it('treats LIKE wildcards in the prefix literally', async () => {
    expect(names((await search('search=z_')).json())).toEqual(['z_eta']);
    expect(names((await search('search=%25')).json())).toEqual([]);
  });

  it('pages with limit and cursor', async () => {
    const first = (await search('search=zeta&limit=2')).json();
    expect(names(first)).toEqual(['omega_fan', 'zeta_one']);
    const second = (await search(`search=zeta&limit=2&cursor=${first.nextCursor}`)).json();
    expect(names(second)).toEqual(['zeta_three', 'zeta_two']);
    const third = (await search(`search=zeta&limit=2&cursor=${second.nextCursor}`)).json();
    expect(names(third)).toEqual(['zetax']);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses a missing prefix, a bad limit and a forged cursor with 400', async () => {
    for (const query of ['', 'search=', 'search=a&limit=0', 'search=a&limit=101', 'search=a&cursor=%7Bbad']) {
      const response = await search(query);
      expect(response.status).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('blocks', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('blocks and unblocks idempotently, lists the blocked users, and keeps lists private', async () => {
    const [alice, bob, carol] = [await register(t), await register(t), await register(t)];
    const blockPath = (user: SignedIn) => `/api/v1/users/${user.user.id}/block`;
    expect((await t.request('POST', blockPath(bob), { headers: bearer(alice.accessToken) })).status).toBe(204);
    expect((await t.request('POST', blockPath(bob), { headers: bearer(alice.accessToken) })).status).toBe(204);
    expect((await t.request('POST', blockPath(carol), { headers: bearer(alice.accessToken) })).status).toBe(204);

    const blocks = t.app.get(BlocksService);
    expect(await blocks.blockersAmong(bob.user.id, [alice.user.id, carol.user.id])).toEqual([alice.user.id]);
    expect(await blocks.blockersAmong(alice.user.id, [bob.user.id])).toEqual([]);
    expect(await blocks.blockedEitherWay(bob.user.id, alice.user.id)).toBe(true);

    const list = (
      await t.request('GET', '/api/v1/users/me/blocks?limit=1', { headers: bearer(alice.accessToken) })
    ).json();
    expect(list.items.map((item: { user: { id: string } }) => item.user.id)).toEqual([carol.user.id]);
    const rest = (
      await t.request('GET', `/api/v1/users/me/blocks?cursor=${list.nextCursor}`, {
        headers: bearer(alice.accessToken),
      })
    ).json();
    expect(rest.items.map((item: { user: { id: string } }) => item.user.id)).toEqual([bob.user.id]);
    expect(rest.nextCursor).toBeNull();

    const bobsList = (await t.request('GET', '/api/v1/users/me/blocks', { headers: bearer(bob.accessToken) })).json();
    expect(bobsList.items).toEqual([]);

    expect((await t.request('DELETE', blockPath(bob), { headers: bearer(alice.accessToken) })).status).toBe(204);
    expect((await t.request('DELETE', blockPath(bob), { headers: bearer(alice.accessToken) })).status).toBe(204);
    expect(await blocks.blockedEitherWay(alice.user.id, bob.user.id)).toBe(false);
  });

  it('refuses to block oneself or an unknown user', async () => {
    const alice = await register(t);
    const self = await t.request('POST', `/api/v1/users/${alice.user.id}/block`, {
      headers: bearer(alice.accessToken),
    });
    expect(self.status).toBe(400);
    expect(self.json().code).toBe('CANNOT_BLOCK_SELF');
    const unknown = await t.request('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/block', {
      headers: bearer(alice.accessToken),
    });
    expect(unknown.status).toBe(404);
  });
});

describe('account deletion', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('revokes every session, anonymises the profile, and frees the email and username', async () => {
    const account = newAccount('gone');
    const phone = await register(t, account);
    const laptop = (await login(t, account.email, account.password)).json();
    const viewer = await register(t);
    await t.request('GET', `/api/v1/users/${phone.user.id}`, { headers: bearer(viewer.accessToken) });

    const deletion = { headers: bearer(phone.accessToken), body: { password: account.password } };
    expect((await t.request('DELETE', '/api/v1/users/me', deletion)).status).toBe(204);
    expect((await me(t, phone.accessToken)).status).toBe(401);
    expect((await me(t, laptop.accessToken)).status).toBe(401);
    expect(
      (await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: laptop.refreshToken } })).status,
    ).toBe(401);
    expect((await login(t, account.email, account.password)).status).toBe(401);

    const profile = await t.request('GET', `/api/v1/users/${phone.user.id}`, { headers: bearer(viewer.accessToken) });
    expect(profile.headers.get('x-cache')).toBe('MISS');
    expect(profile.json()).toMatchObject({ id: phone.user.id, deleted: true, displayName: null, bio: null });
    expect(profile.json().username).not.toBe(account.username);

    const again = await t.request('POST', '/api/v1/auth/register', { body: account, headers: freshAddress() });
    expect(again.status).toBe(201);
  });
});

describe('profiles while Redis is down', () => {
  it('still answers GET /users/:id from Postgres, in under 1 s', async () => {
    const redis = await redisProcess();
    const t = await startTestApp({ REDIS_URL: redis.url });
    try {
      const target = await register(t);
      const viewer = await register(t);
      await redis.stop();
      const started = performance.now();
      const response = await t.request('GET', `/api/v1/users/${target.user.id}`, {
        headers: bearer(viewer.accessToken),
      });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(response.json().id).toBe(target.user.id);
      expect(response.headers.get('x-cache')).toBe('MISS');
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await t.close();
      await redis.dispose();
    }
  });
});
