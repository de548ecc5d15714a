import pg from 'pg';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, request, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

const DEFAULTS = { readReceipts: true, showLastSeen: true };

/**
 * The user's own settings (`PATCH /users/me { settings }`) on two instances: validated, partial,
 * private to the user, and `showLastSeen: false` hiding `lastSeenAt` from contacts everywhere
 * presence is told.
 */
describe('user settings', () => {
  let one: TestApp;
  let two: TestApp;
  let db: pg.Client;
  const { connect } = socketsClosedAfterEach();

  beforeAll(async () => {
    [one, two] = await startTwoTestApps();
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await Promise.all([one.close(), two.close()]);
  });

  const patchMe = (t: TestApp, who: SignedIn, body: unknown) =>
    t.request('PATCH', '/api/v1/users/me', { headers: bearer(who.accessToken), body });
  const getMe = (t: TestApp, who: SignedIn) =>
    t.request('GET', '/api/v1/users/me', { headers: bearer(who.accessToken) });
  const presenceOf = async (t: TestApp, viewer: SignedIn, userId: string) =>
    expectStatus(
      await t.request('GET', `/api/v1/users/${userId}/presence`, { headers: bearer(viewer.accessToken) }),
      200,
    );
  const presenceMany = async (t: TestApp, viewer: SignedIn, userIds: string[]) =>
    expectStatus<{ items: { userId: string; lastSeenAt: string | null }[] }>(
      await t.request('POST', '/api/v1/users/presence', { headers: bearer(viewer.accessToken), body: { userIds } }),
      200,
    ).items;

  it('answers the defaults to an account that never set them, a row from before the settings existed included', async () => {
    const ann = await register(one);
    expect(expectStatus(await getMe(one, ann), 200).settings).toEqual(DEFAULTS);
    // The migration gave every existing row the defaults; a row holding them explicitly reads the same.
    await db.query('UPDATE users SET read_receipts = DEFAULT, show_last_seen = DEFAULT WHERE id = $1', [ann.user.id]);
    expect(expectStatus(await getMe(two, ann), 200).settings).toEqual(DEFAULTS);
  });

  it('changes one setting at a time, keeps the other, and shows the change at once on the other instance', async () => {
    const ann = await register(one);
    // Cached on both instances first.
    for (const t of [one, two]) expectStatus(await getMe(t, ann), 200);
    expect(expectStatus(await getMe(two, ann), 200).settings).toEqual(DEFAULTS);

    const first = await patchMe(one, ann, { settings: { readReceipts: false } });
    expect(expectStatus(first, 200).settings).toEqual({ readReceipts: false, showLastSeen: true });
    expect(first.headers.get('x-ratelimit-limit')).toBe('30');
    const after = await getMe(two, ann);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(expectStatus(after, 200).settings).toEqual({ readReceipts: false, showLastSeen: true });

    expectStatus(await patchMe(two, ann, { settings: { showLastSeen: false } }), 200);
    expect(expectStatus(await getMe(one, ann), 200).settings).toEqual({ readReceipts: false, showLastSeen: false });
    // Nothing given, nothing changed; profile fields and settings together.
    expectStatus(await patchMe(one, ann, { settings: {} }), 200);
    const both = expectStatus(await patchMe(one, ann, { displayName: 'Ann', settings: { readReceipts: true } }), 200);
    expect(both).toMatchObject({ displayName: 'Ann', settings: { readReceipts: true, showLastSeen: false } });
    expect(expectStatus(await getMe(two, ann), 200)).toMatchObject({
      displayName: 'Ann',
      settings: { readReceipts: true, showLastSeen: false },
    });
  });

  it('keeps settings out of the public profile, cached or not', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    expectStatus(await patchMe(one, ann, { settings: { readReceipts: false, showLastSeen: false } }), 200);
    for (const t of [one, two, one]) {
      const profile = expectStatus(
        await t.request('GET', `/api/v1/users/${ann.user.id}`, { headers: bearer(bob.accessToken) }),
        200,
      );
      expect(profile).not.toHaveProperty('settings');
      expect(profile).not.toHaveProperty('readReceipts');
      expect(profile).not.toHaveProperty('showLastSeen');
    }
  });

  it.each([
    ['a string', { settings: { readReceipts: 'false' } }, 'settings.readReceipts'],
    ['a number', { settings: { showLastSeen: 0 } }, 'settings.showLastSeen'],
    ['null', { settings: { showLastSeen: null } }, 'settings.showLastSeen'],
    ['an unknown setting', { settings: { readReceipts: true, typingIndicators: false } }, 'settings.typingIndicators'],
    ['settings as null', { settings: null }, 'settings'],
    ['settings as a boolean', { settings: true }, 'settings'],
    ['settings as an array', { settings: [true] }, 'settings'],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field, and changes nothing', async (_name, body, field) => {
    const ann = await register(one);
    const response = await patchMe(one, ann, body);
    expect(response.status).toBe(400);
    const error = response.json<{ code: string; details: { field: string }[] }>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((detail) => detail.field)).toContain(field);
    expect(expectStatus(await getMe(two, ann), 200).settings).toEqual(DEFAULTS);
  });

  it('showLastSeen false: contacts on the other instance get lastSeenAt null in answers, queries and the disconnect event; the user sees their own', async () => {
    const [ann, bob, cid] = [await register(one), await register(one), await register(one)];
    expectStatus(await chat(one, ann).createGroup('seen', [bob, cid]), 201);
    const bobSocket = await connect(two, bob);
    const bobEvents = collect(bobSocket, 'presence');
    const annSocket = await connect(one, ann);
    await bobEvents.until((items) => items.some((item) => item.userId === ann.user.id && item.online));
    // Shown by default: the connect carried a time.
    expect(bobEvents.received.find((item) => item.userId === ann.user.id)?.lastSeenAt).toEqual(expect.any(String));

    expectStatus(await patchMe(one, ann, { settings: { showLastSeen: false } }), 200);
    const hiddenTime = { userId: ann.user.id, online: true, status: 'online', statusText: null, lastSeenAt: null };
    expect(await presenceOf(two, bob, ann.user.id)).toEqual(hiddenTime);
    expect(await presenceMany(two, bob, [ann.user.id, cid.user.id])).toEqual([
      hiddenTime,
      expect.objectContaining({ userId: cid.user.id }),
    ]);
    expect(await request(bobSocket, 'presence.query', { userIds: [ann.user.id] })).toEqual({
      ok: true,
      data: { items: [hiddenTime] },
    });
    // Her own view keeps the time.
    const own = await presenceOf(two, ann, ann.user.id);
    expect(own).toMatchObject({ online: true, lastSeenAt: expect.any(String) });

    annSocket.close();
    await bobEvents.until((items) => items.some((item) => item.userId === ann.user.id && !item.online));
    const gone = bobEvents.received.filter((item) => item.userId === ann.user.id).at(-1);
    expect(gone).toEqual({ ...hiddenTime, online: false, status: 'offline' });
    expect(await presenceOf(one, bob, ann.user.id)).toEqual({ ...hiddenTime, online: false, status: 'offline' });
    const ownAfter = await presenceOf(one, ann, ann.user.id);
    expect(Date.parse(ownAfter.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(own.lastSeenAt));

    // A status change while connected is a presence event too, and it carries no time either.
    await connect(two, ann);
    await bobEvents.until((items) => items.filter((item) => item.userId === ann.user.id && item.online).length === 2);
    expectStatus(
      await two.request('PUT', '/api/v1/users/me/status', {
        headers: bearer(ann.accessToken),
        body: { status: 'away' },
      }),
      200,
    );
    await bobEvents.until((items) => items.some((item) => item.userId === ann.user.id && item.status === 'away'));
    expect(bobEvents.received.filter((item) => item.userId === ann.user.id).map((item) => item.lastSeenAt)).toEqual([
      expect.any(String),
      null,
      null,
      null,
    ]);

    // Back on: the time shows again, at once, on both instances.
    expectStatus(await patchMe(two, ann, { settings: { showLastSeen: true } }), 200);
    for (const t of [one, two]) {
      expect(await presenceOf(t, bob, ann.user.id)).toMatchObject({ lastSeenAt: expect.any(String) });
    }
  });
});
