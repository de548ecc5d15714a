import pg from 'pg';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, request, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hidden = (userId: string) => ({ userId, online: false, status: 'offline', statusText: null, lastSeenAt: null });

/**
 * The status users choose (`PUT /users/me/status`), across two instances: a status set through one
 * reaches contacts connected to the other, an invisible user never looks online to anyone else, and
 * an expiry ends a status without any request.
 */
describe('presence status', () => {
  let one: TestApp;
  let two: TestApp;
  let db: pg.Client;
  const { connect } = socketsClosedAfterEach();

  // A 1 s heartbeat: each instance also sweeps expired statuses that often.
  beforeAll(async () => {
    [one, two] = await startTwoTestApps({ PRESENCE_HEARTBEAT_SECONDS: 1 });
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await Promise.all([one.close(), two.close()]);
  });

  const setStatus = (t: TestApp, who: SignedIn, body: unknown) =>
    t.request('PUT', '/api/v1/users/me/status', { headers: bearer(who.accessToken), body });
  const presenceOf = async (t: TestApp, viewer: SignedIn, userId: string) =>
    expectStatus(
      await t.request('GET', `/api/v1/users/${userId}/presence`, { headers: bearer(viewer.accessToken) }),
      200,
    );
  /** Ann, a contact of hers (a group) and a stranger. */
  const cast = async () => {
    const [ann, bob, stranger] = await Promise.all([register(one), register(one), register(one)]);
    expectStatus(await chat(one, ann).createGroup('g', [bob]), 201);
    return { ann, bob, stranger };
  };
  const of =
    (userId: string) =>
    <T extends { userId: string }>(items: T[]) =>
      items.filter((item) => item.userId === userId);

  it('shows away and dnd with their text to a contact on the other instance, on REST, in queries and as events', async () => {
    const { ann, bob, stranger } = await cast();
    const bobSocket = await connect(two, bob);
    const bobEvents = collect(bobSocket, 'presence');
    const strangerEvents = collect(await connect(two, stranger), 'presence');
    await connect(one, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 1);

    const own = expectStatus(await setStatus(one, ann, { status: 'dnd', statusText: 'deep work 🎧' }), 200);
    expect(own).toEqual({
      userId: ann.user.id,
      online: true,
      status: 'dnd',
      statusText: 'deep work 🎧',
      lastSeenAt: expect.any(String),
    });
    await bobEvents.until((items) => of(ann.user.id)(items).length === 2);
    const dnd = { ...own };
    expect(of(ann.user.id)(bobEvents.received)[1]).toEqual(dnd);
    expect(await presenceOf(two, bob, ann.user.id)).toEqual(dnd);
    expect(await request(bobSocket, 'presence.query', { userIds: [ann.user.id] })).toEqual({
      ok: true,
      data: { items: [dnd] },
    });

    expectStatus(await setStatus(one, ann, { status: 'away', statusText: 'lunch' }), 200);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 3);
    expect(of(ann.user.id)(bobEvents.received)[2]).toMatchObject({ online: true, status: 'away', statusText: 'lunch' });

    // The same status again tells no one anything.
    expectStatus(await setStatus(one, ann, { status: 'away', statusText: 'lunch' }), 200);
    await sleep(300);
    expect(of(ann.user.id)(bobEvents.received)).toHaveLength(3);

    // A stranger learns nothing, then or now.
    expect(strangerEvents.received).toEqual([]);
    expect(await presenceOf(two, stranger, ann.user.id)).toEqual(hidden(ann.user.id));
  });

  it('keeps an invisible user offline to everyone else while they stay connected and active, and announces their return', async () => {
    const { ann, bob, stranger } = await cast();
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('h', [bob]), 201).id;
    const bobSocket = await connect(two, bob);
    const bobEvents = collect(bobSocket, 'presence');
    const strangerEvents = collect(await connect(two, stranger), 'presence');
    await connect(one, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 1);

    const own = expectStatus(await setStatus(one, ann, { status: 'invisible', statusText: 'shh' }), 200);
    expect(own).toMatchObject({ online: true, status: 'invisible', statusText: 'shh' });
    await bobEvents.until((items) => of(ann.user.id)(items).length === 2);
    const offline = of(ann.user.id)(bobEvents.received)[1];
    // Exactly what a disconnect looks like.
    expect(offline).toEqual({
      userId: ann.user.id,
      online: false,
      status: 'offline',
      statusText: null,
      lastSeenAt: expect.any(String),
    });

    // Active meanwhile: more sockets on both instances, some closed, messages sent, status text changed.
    const extra = await connect(two, ann);
    await connect(one, ann);
    expectStatus(await chat(two, ann).send(group, 'still here'), 201);
    extra.close();
    expectStatus(await setStatus(two, ann, { status: 'invisible', statusText: 'still hiding' }), 200);
    await sleep(1500);

    expect(of(ann.user.id)(bobEvents.received)).toHaveLength(2);
    for (const t of [one, two]) expect(await presenceOf(t, bob, ann.user.id)).toEqual(offline);
    expect(await request(bobSocket, 'presence.query', { userIds: [ann.user.id] })).toEqual({
      ok: true,
      data: { items: [offline] },
    });
    expect(await presenceOf(one, stranger, ann.user.id)).toEqual(hidden(ann.user.id));
    // She sees her own status as she chose it.
    expect(await presenceOf(two, ann, ann.user.id)).toMatchObject({
      online: true,
      status: 'invisible',
      statusText: 'still hiding',
    });

    expectStatus(await setStatus(two, ann, { status: 'online' }), 200);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 3);
    const back = of(ann.user.id)(bobEvents.received)[2];
    expect(back).toEqual({
      userId: ann.user.id,
      online: true,
      status: 'online',
      statusText: null,
      lastSeenAt: expect.any(String),
    });
    expect(Date.parse(back.lastSeenAt!)).toBeGreaterThan(Date.parse(offline.lastSeenAt!));
    expect(await presenceOf(one, bob, ann.user.id)).toEqual(back);
    expect(strangerEvents.received).toEqual([]);
  });

  it('tells nothing of an invisible user connecting and leaving', async () => {
    const { ann, bob } = await cast();
    const bobEvents = collect(await connect(two, bob), 'presence');
    expectStatus(await setStatus(one, ann, { status: 'invisible' }), 200);
    const before = await presenceOf(one, bob, ann.user.id);
    expect(before).toEqual({ ...hidden(ann.user.id), lastSeenAt: null });

    const annSocket = await connect(one, ann);
    await sleep(500);
    annSocket.close();
    await sleep(500);
    expect(bobEvents.received).toEqual([]);
    expect(await presenceOf(two, bob, ann.user.id)).toEqual(before);
  });

  it('ends a status at its expiry without any request, and tells connected contacts', async () => {
    const { ann, bob, stranger } = await cast();
    const bobEvents = collect(await connect(two, bob), 'presence');
    const strangerEvents = collect(await connect(one, stranger), 'presence');
    await connect(one, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 1);

    const expiresAt = new Date(Date.now() + 1500).toISOString();
    expectStatus(await setStatus(one, ann, { status: 'away', statusText: 'brb', expiresAt }), 200);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 2);
    expect(of(ann.user.id)(bobEvents.received)[1]).toMatchObject({ status: 'away', statusText: 'brb' });

    await bobEvents.until((items) => of(ann.user.id)(items).length === 3, 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(of(ann.user.id)(bobEvents.received)[2]).toMatchObject({ online: true, status: 'online', statusText: null });
    expect(await presenceOf(two, bob, ann.user.id)).toMatchObject({ online: true, status: 'online', statusText: null });
    expect(await presenceOf(one, ann, ann.user.id)).toMatchObject({ status: 'online', statusText: null });

    // An invisible spell that ends shows her coming online.
    const until = new Date(Date.now() + 1500).toISOString();
    expectStatus(await setStatus(two, ann, { status: 'invisible', expiresAt: until }), 200);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 4);
    expect(of(ann.user.id)(bobEvents.received)[3]).toMatchObject({ online: false, status: 'offline' });
    await bobEvents.until((items) => of(ann.user.id)(items).length === 5, 5000);
    expect(of(ann.user.id)(bobEvents.received)[4]).toMatchObject({ online: true, status: 'online' });
    await sleep(1200);
    expect(of(ann.user.id)(bobEvents.received)).toHaveLength(5);
    expect(strangerEvents.received).toEqual([]);
  });

  it('expires a status no instance has a timer for (its instance crashed) by the sweep, announced once', async () => {
    const { ann, bob } = await cast();
    const bobEvents = collect(await connect(two, bob), 'presence');
    await connect(one, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 1);
    // Stored as an instance that died right after would have left it.
    await db.query(
      `UPDATE users SET status = 'dnd', status_text = 'gone', status_expires_at = now() + interval '1 second' WHERE id = $1`,
      [ann.user.id],
    );
    expect(await presenceOf(two, bob, ann.user.id)).toMatchObject({ status: 'dnd', statusText: 'gone' });

    await bobEvents.until((items) => of(ann.user.id)(items).length === 2, 5000);
    expect(of(ann.user.id)(bobEvents.received)[1]).toMatchObject({ online: true, status: 'online', statusText: null });
    await sleep(2500);
    expect(of(ann.user.id)(bobEvents.received)).toHaveLength(2);
    const { rows } = await db.query('SELECT status, status_text, status_expires_at FROM users WHERE id = $1', [
      ann.user.id,
    ]);
    expect(rows).toEqual([{ status: 'online', status_text: null, status_expires_at: null }]);
  });

  it('keeps the status across reconnects, on any instance, and shows no text while offline', async () => {
    const { ann, bob } = await cast();
    const bobEvents = collect(await connect(two, bob), 'presence');
    expect(expectStatus(await setStatus(one, ann, { status: 'dnd', statusText: 'on a call' }), 200)).toMatchObject({
      online: false,
      status: 'dnd',
      statusText: 'on a call',
    });
    await sleep(300);
    expect(bobEvents.received).toEqual([]);
    expect(await presenceOf(two, bob, ann.user.id)).toMatchObject({
      online: false,
      status: 'offline',
      statusText: null,
    });

    const first = await connect(two, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 1);
    expect(of(ann.user.id)(bobEvents.received)[0]).toMatchObject({
      online: true,
      status: 'dnd',
      statusText: 'on a call',
    });
    first.close();
    await bobEvents.until((items) => of(ann.user.id)(items).length === 2);
    expect(of(ann.user.id)(bobEvents.received)[1]).toMatchObject({
      online: false,
      status: 'offline',
      statusText: null,
    });

    await connect(one, ann);
    await bobEvents.until((items) => of(ann.user.id)(items).length === 3);
    expect(of(ann.user.id)(bobEvents.received)[2]).toMatchObject({
      online: true,
      status: 'dnd',
      statusText: 'on a call',
    });
    expect(await presenceOf(two, bob, ann.user.id)).toMatchObject({
      online: true,
      status: 'dnd',
      statusText: 'on a call',
    });
  });

  it('is documented with its body, its answer and its error statuses', async () => {
    const document = (await one.request('GET', '/docs-json')).json();
    const route = document.paths['/api/v1/users/me/status'].put;
    expect(Object.keys(route.responses).sort()).toEqual(['200', '400', '401', '413', '415', '429', '503']);
    expect(route.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Presence',
    });
    expect(route.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    expect(document.components.schemas.Presence.properties.status.enum).toEqual([
      'online',
      'away',
      'dnd',
      'invisible',
      'offline',
    ]);
    expect(document.components.schemas.PresenceStatusDto.properties.status.enum).toEqual([
      'online',
      'away',
      'dnd',
      'invisible',
    ]);
  });

  it('refuses bad input with 400 naming the field, and anyone not signed in with 401', async () => {
    const ann = await register(one);
    const cases: [unknown, string][] = [
      [{}, 'status'],
      [{ status: 'busy' }, 'status'],
      [{ status: 'ONLINE' }, 'status'],
      [{ status: 'offline' }, 'status'],
      [{ status: 42 }, 'status'],
      [{ status: 'away', statusText: 'x'.repeat(101) }, 'statusText'],
      [{ status: 'away', statusText: '😀'.repeat(101) }, 'statusText'],
      [{ status: 'away', statusText: 7 }, 'statusText'],
      [{ status: 'away', expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ status: 'away', expiresAt: '2026-13-45T10:00:00Z' }, 'expiresAt'],
      [{ status: 'away', expiresAt: 1_900_000_000_000 }, 'expiresAt'],
      [{ status: 'away', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ status: 'away', userId: ann.user.id }, 'userId'],
    ];
    for (const [body, field] of cases) {
      const response = await setStatus(one, ann, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
    expect(
      expectStatus(await setStatus(one, ann, { status: 'away', statusText: '😀'.repeat(100) }), 200),
    ).toMatchObject({
      status: 'away',
    });
    expect((await one.request('PUT', '/api/v1/users/me/status', { body: { status: 'away' } })).status).toBe(401);
  });
});
