import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ADMIN_SETTINGS, admin, registerAdmin } from '../support/admin-client.js';
import { deleteAccount, freshAddress, login, me, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { expectStatus } from '../support/chat-client.js';
import { refusedWith, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

const PASSWORD = newAccount().password;

describe('suspending an account', () => {
  let one: TestApp;
  let two: TestApp;
  let boss: SignedIn;
  let db: pg.Client;
  const { connect } = socketsClosedAfterEach();

  beforeAll(async () => {
    [one, two] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(one);
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await Promise.all([one.close(), two.close()]);
  });

  const signIn = (t: TestApp, who: SignedIn, password = PASSWORD) =>
    login(t, who.user.username, password, freshAddress());
  const refresh = (t: TestApp, refreshToken: string) =>
    t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const activeSessions = async (userId: string) =>
    (await db.query('SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount;

  it('closes the sockets on both instances, refuses the access token at once, and refuses sign-in and refresh with 403', async () => {
    const eve = await register(one);
    const laptop = expectStatus<SignedIn>(await signIn(two, eve), 200);
    const onTwo = await connect(two, eve);
    const onOne = await connect(one, laptop);
    const notices: string[] = [];
    onTwo.on('session.revoked', ({ sessionId }) => notices.push(sessionId));
    const closed = [onTwo, onOne].map(
      (socket) => new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason))),
    );

    const suspended = expectStatus(await admin(one, boss).suspend(eve.user.id, { reason: 'spam waves' }), 200);
    expect(suspended).toMatchObject({
      id: eve.user.id,
      email: eve.user.email,
      role: 'user',
      admin: false,
      suspension: { until: null, reason: 'spam waves' },
      deletedAt: null,
    });

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(notices).toEqual([eve.sessionId]);
    for (const t of [one, two]) {
      expect((await me(t, eve.accessToken)).status).toBe(401);
      expect((await me(t, laptop.accessToken)).status).toBe(401);
    }
    expect(await refusedWith(two.baseUrl, laptop.accessToken)).toBe('UNAUTHORIZED');
    expect(await activeSessions(eve.user.id)).toBe(0);

    const signInRefused = await signIn(one, eve);
    expect(signInRefused.status).toBe(403);
    expect(signInRefused.json()).toMatchObject({ code: 'ACCOUNT_SUSPENDED', message: 'This account is suspended' });
    // Only the right password learns of the suspension.
    expect((await signIn(one, eve, 'not the password')).json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const refreshRefused = await refresh(two, laptop.refreshToken);
    expect(refreshRefused.status).toBe(403);
    expect(refreshRefused.json().code).toBe('ACCOUNT_SUSPENDED');
    expect(await activeSessions(eve.user.id)).toBe(0);
  });

  it('ends a suspension with until by itself, and unsuspend lifts one at once', async () => {
    const [fay, gus] = await Promise.all([register(one), register(one)]);
    const until = new Date(Date.now() + 3000);
    const suspended = expectStatus(
      await admin(one, boss).suspend(fay.user.id, { until: until.toISOString(), reason: 'cool off' }),
      200,
    );
    expect(suspended.suspension).toEqual({ since: expect.any(String), until: until.toISOString(), reason: 'cool off' });
    const refused = await signIn(two, fay);
    expect(refused.json()).toMatchObject({
      code: 'ACCOUNT_SUSPENDED',
      message: `This account is suspended until ${until.toISOString()}`,
    });
    // The old refresh token stays dead: its session was revoked, the suspension's end does not revive it.
    await sleep(Math.max(0, until.getTime() - Date.now()) + 200);
    expect((await refresh(one, fay.refreshToken)).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const back = expectStatus<SignedIn>(await signIn(two, fay), 200);
    expect((await me(one, back.accessToken)).status).toBe(200);
    const listed = expectStatus(await admin(one, boss).users(`?search=${fay.user.username}`), 200);
    expect(listed.items).toEqual([expect.objectContaining({ id: fay.user.id, suspension: null })]);

    expectStatus(await admin(two, boss).suspend(gus.user.id, { reason: 'mistake' }), 200);
    expect((await signIn(one, gus)).status).toBe(403);
    const lifted = expectStatus(await admin(two, boss).unsuspend(gus.user.id), 200);
    expect(lifted).toMatchObject({ id: gus.user.id, suspension: null });
    expect((await signIn(one, gus)).status).toBe(200);
    // Lifting what is not there changes nothing and is not audited.
    expectStatus(await admin(two, boss).unsuspend(gus.user.id), 200);
    expect((await admin(one, boss).auditOf(gus.user.id)).map((row) => row.action)).toEqual([
      'user.unsuspended',
      'user.suspended',
    ]);
  });

  it('audits each suspension with the admin, their address and what was decided, in the same transaction', async () => {
    const hal = await register(one);
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expectStatus(await admin(one, boss).suspend(hal.user.id, { until, reason: 'threats' }, from), 200);
    const [row] = await admin(one, boss).auditOf(hal.user.id);
    expect(row).toMatchObject({
      actorId: boss.user.id,
      action: 'user.suspended',
      targetType: 'user',
      targetId: hal.user.id,
      ip: '198.51.100.23',
      details: { until, reason: 'threats', sessionsRevoked: 1 },
    });
  });

  it('refuses to suspend oneself, an admin, an unknown or deleted account, or with bad input, and audits none of it', async () => {
    const [ivy, deleted] = await Promise.all([register(one), register(one)]);
    const second = await register(one);
    await db.query("UPDATE users SET role = 'admin' WHERE id = $1", [second.user.id]);
    expect((await deleteAccount(one, deleted)).status).toBe(204);
    const as = admin(one, boss);
    const refusals: [string, unknown, number, string][] = [
      [boss.user.id, { reason: 'x' }, 400, 'CANNOT_SUSPEND_SELF'],
      [second.user.id, { reason: 'x' }, 403, 'CANNOT_SUSPEND_ADMIN'],
      ['00000000-0000-4000-8000-000000000000', { reason: 'x' }, 404, 'USER_NOT_FOUND'],
      [deleted.user.id, { reason: 'x' }, 404, 'USER_NOT_FOUND'],
      [ivy.user.id, {}, 400, 'VALIDATION_FAILED'],
      [ivy.user.id, { reason: '   ' }, 400, 'VALIDATION_FAILED'],
      [ivy.user.id, { reason: 'x'.repeat(501) }, 400, 'VALIDATION_FAILED'],
      [ivy.user.id, { reason: 'x', until: new Date(Date.now() - 1000).toISOString() }, 400, 'VALIDATION_FAILED'],
      [ivy.user.id, { reason: 'x', until: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      [ivy.user.id, { reason: 'x', until: 12 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [userId, body, status, code] of refusals) {
      const response = await as.suspend(userId, body);
      expect({ userId, status: response.status, code: response.json().code }).toEqual({ userId, status, code });
    }
    expect((await as.call('POST', '/users/not-a-uuid/suspend', { reason: 'x' })).status).toBe(400);
    // An ADMIN_EMAILS admin is one too, whatever the role column says.
    expect((await admin(one, second).suspend(boss.user.id)).json().code).toBe('CANNOT_SUSPEND_ADMIN');
    for (const who of [boss, second, ivy]) expect(await as.auditOf(who.user.id)).toEqual([]);
    expect((await me(one, ivy.accessToken)).status).toBe(200);
  });

  it('leaves no session behind when sign-ins race the suspension', async () => {
    const jo = await register(one);
    const attempts = Array.from({ length: 6 }, (_, i) => signIn(i % 2 ? one : two, jo));
    const [suspension, ...signIns] = await Promise.all([admin(one, boss).suspend(jo.user.id), ...attempts]);
    expect(suspension.status).toBe(200);
    for (const response of signIns) {
      expect([200, 403]).toContain(response.status);
      // A sign-in that got in first had its session revoked with the others.
      if (response.status === 200) expect((await me(two, response.json<SignedIn>().accessToken)).status).toBe(401);
    }
    expect(await activeSessions(jo.user.id)).toBe(0);
  });

  it('is an admin action only: 403 FORBIDDEN for anyone else, and nothing changes', async () => {
    const [kim, lee] = await Promise.all([register(one), register(one)]);
    const response = await admin(one, kim).suspend(lee.user.id);
    expect(response.status).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
    expect((await me(one, lee.accessToken)).status).toBe(200);
  });
});

describe('the admin list of users', () => {
  let t: TestApp;
  let other: TestApp;
  let boss: SignedIn;

  beforeAll(async () => {
    [t, other] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(t);
  });
  afterAll(() => Promise.all([t.close(), other.close()]));

  type Listed = { id: string; email: string; username: string; role: string; admin: boolean; deletedAt: string | null };
  const list = async (query: string) =>
    expectStatus<{ items: Listed[]; nextCursor: string | null }>(await admin(t, boss).users(query), 200);

  it('finds accounts by the start of their email, username or display name, without case', async () => {
    const tag = `zq${process.pid}`;
    const byName = await register(t, { ...newAccount(`${tag}_name`), email: `first.${tag}@example.com` });
    const byMail = await register(t, { ...newAccount('plain'), email: `${tag}.mail@example.com` });
    const byDisplay = await register(t, {
      ...newAccount('shown'),
      displayName: `${tag.toUpperCase()} Display`,
    } as ReturnType<typeof newAccount>);
    const found = await list(`?search=${tag.toUpperCase()}`);
    expect(found.items.map((item) => item.id).sort()).toEqual(
      [byName.user.id, byMail.user.id, byDisplay.user.id].sort(),
    );
    expect((await list(`?search=${encodeURIComponent(`${tag}%`)}`)).items).toEqual([]);
    expect((await list('?search=first.')).items.map((item) => item.email)).toContain(byName.user.email);
  });

  it('shows role, admin and deleted state, pages by username, and refuses a forged cursor', async () => {
    const gone = await register(t);
    expect((await deleteAccount(t, gone)).status).toBe(204);
    const seen: Listed[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Listed[]; nextCursor: string | null } = await list(
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const usernames = seen.map((item) => item.username);
    expect(new Set(usernames).size).toBe(usernames.length);
    expect(seen.find((item) => item.id === boss.user.id)).toMatchObject({ role: 'user', admin: true, deletedAt: null });
    expect(seen.find((item) => item.id === gone.user.id)).toMatchObject({
      admin: false,
      deletedAt: expect.any(String),
    });
    for (const bad of ['nope', Buffer.from(JSON.stringify({ $gt: '' })).toString('base64url')]) {
      expect((await admin(t, boss).users(`?cursor=${bad}`)).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await admin(t, boss).users(`?search=${'a'.repeat(255)}`)).status).toBe(400);
    expect((await admin(other, boss).users('?limit=101')).status).toBe(400);
  });
});

describe('the admin actions limit', () => {
  it('counts suspensions, unsuspensions and admin deletions in one budget per admin (ADMIN_ACTIONS_PER_MINUTE_PER_USER)', async () => {
    const t = await startTestApp({ ...ADMIN_SETTINGS, ADMIN_ACTIONS_PER_MINUTE_PER_USER: 2 });
    try {
      const boss = await registerAdmin(t);
      const target = await register(t);
      expect((await admin(t, boss).suspend(target.user.id)).status).toBe(200);
      expect((await admin(t, boss).unsuspend(target.user.id)).status).toBe(200);
      const limited = await admin(t, boss).deleteMessage('00000000-0000-4000-8000-000000000000');
      expect(limited.status).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
      expect((await admin(t, boss).users()).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
