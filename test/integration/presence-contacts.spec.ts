import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach, request } from '../support/socket-client.js';
import { eventually } from '../support/eventually.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

/** Conversation lists an instance's cache warming has finished with so far, loaded or found cached. */
async function listsWarmed(t: TestApp): Promise<number> {
  const metrics = (await t.request('GET', '/health/metrics')).text;
  return [...metrics.matchAll(/^cache_warm_total\{cache="conversation-list",result="(?:warmed|cached)"\} (\d+)$/gm)]
    .map((match) => Number(match[1]))
    .reduce((sum, count) => sum + count, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hidden = (userId: string) => ({ userId, online: false, status: 'offline', statusText: null, lastSeenAt: null });

/**
 * Presence is for contacts only: users who share a conversation both have accepted, with no block
 * either way. Everyone else gets the answer of a user never seen, and no `presence` event.
 */
describe('presence, for contacts only', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();

  // Quiet heartbeats: a query count below must see only the request's own queries.
  beforeAll(async () => ([one, two] = await startTwoTestApps({ PRESENCE_HEARTBEAT_SECONDS: 600 })));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const restPresence = async (viewer: SignedIn, userId: string) =>
    expectStatus(
      await one.request('GET', `/api/v1/users/${userId}/presence`, { headers: bearer(viewer.accessToken) }),
      200,
    );
  const restMany = async (viewer: SignedIn, userIds: string[]) =>
    expectStatus(
      await one.request('POST', '/api/v1/users/presence', { headers: bearer(viewer.accessToken), body: { userIds } }),
      200,
    ).items;
  const block = async (blocker: SignedIn, blocked: SignedIn) =>
    expectStatus(
      await one.request('POST', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(blocker.accessToken) }),
      204,
    );

  /**
   * Ann and, around her: a contact (a group), a stranger, the recipient of her pending message
   * request, a member of her group who blocked her, one she blocked, and one removed from the group.
   */
  const cast = async () => {
    const [ann, contact, stranger, requested, blocker, blocked, removed, neverSeen] = await Promise.all(
      Array.from({ length: 8 }, () => register(one)),
    );
    const group = expectStatus<{ id: string }>(
      await chat(one, ann).createGroup('g', [contact, blocker, blocked, removed, neverSeen]),
      201,
    ).id;
    const pending = expectStatus<{ id: string }>(await chat(one, ann).openDirect(requested), 201).id;
    expectStatus(await chat(one, ann).send(pending, 'hello?'), 201);
    expectStatus(await chat(one, ann).call('DELETE', `/${group}/members/${removed.user.id}`), 204);
    await block(blocker, ann);
    await block(ann, blocked);
    return { ann, contact, outsiders: { stranger, requested, blocker, blocked, removed }, neverSeen, group };
  };

  it('answers everyone but contacts as for a user never seen, on REST and on the socket', async () => {
    const { ann, contact, outsiders, neverSeen } = await cast();
    const annSocket = await connect(two, ann);

    const real = await restPresence(contact, ann.user.id);
    expect(real).toEqual({
      userId: ann.user.id,
      online: true,
      status: 'online',
      statusText: null,
      lastSeenAt: expect.any(String),
    });
    expect(await restPresence(contact, neverSeen.user.id)).toEqual(hidden(neverSeen.user.id));
    expect(await restMany(ann, [ann.user.id])).toEqual([{ ...real, lastSeenAt: expect.any(String) }]);

    for (const [role, viewer] of Object.entries(outsiders)) {
      const socket = await connect(one, viewer);
      const answers = {
        rest: await restPresence(viewer, ann.user.id),
        many: await restMany(viewer, [ann.user.id, contact.user.id]),
        socket: await request(socket, 'presence.query', { userIds: [ann.user.id] }),
      };
      expect({ role, ...answers }).toEqual({
        role,
        rest: hidden(ann.user.id),
        many: [hidden(ann.user.id), expect.objectContaining({ userId: contact.user.id })],
        socket: { ok: true, data: { items: [hidden(ann.user.id)] } },
      });
      // Nor does Ann see them, though they are connected now.
      expect({ role, seen: await restPresence(ann, viewer.user.id) }).toEqual({ role, seen: hidden(viewer.user.id) });
    }
    expect(await request(annSocket, 'presence.query', { userIds: [ann.user.id, contact.user.id] })).toMatchObject({
      ok: true,
      data: { items: [{ userId: ann.user.id, online: true }, { userId: contact.user.id }] },
    });
  });

  it('sends presence events to contacts only', async () => {
    const { ann, contact, outsiders } = await cast();
    const contactEvents = collect(await connect(one, contact), 'presence');
    const outsiderEvents = await Promise.all(
      Object.values(outsiders).map(async (viewer) => collect(await connect(one, viewer), 'presence')),
    );
    const annSocket = await connect(two, ann);
    await contactEvents.until((items) => items.some((item) => item.userId === ann.user.id && item.online));
    annSocket.close();
    await contactEvents.until((items) => items.some((item) => item.userId === ann.user.id && !item.online));
    expect(contactEvents.received.filter((item) => item.userId === ann.user.id)).toEqual([
      { userId: ann.user.id, online: true, status: 'online', statusText: null, lastSeenAt: expect.any(String) },
      { userId: ann.user.id, online: false, status: 'offline', statusText: null, lastSeenAt: expect.any(String) },
    ]);
    await sleep(300);
    for (const events of outsiderEvents)
      expect(events.received.filter((item) => item.userId === ann.user.id)).toEqual([]);
  });

  it('stops the events and the real state once either one blocks the other', async () => {
    const [ann, bob, cid] = [await register(one), await register(one), await register(one)];
    expectStatus(await chat(one, ann).createGroup('g', [bob, cid]), 201);
    const bobEvents = collect(await connect(one, bob), 'presence');
    const cidEvents = collect(await connect(one, cid), 'presence');
    const first = await connect(two, ann);
    await bobEvents.until((items) => items.some((item) => item.userId === ann.user.id && item.online));
    await cidEvents.until((items) => items.some((item) => item.userId === ann.user.id && item.online));

    await block(bob, ann);
    await block(ann, cid);
    first.close();
    await sleep(500);
    await connect(two, ann);
    await sleep(500);
    expect(bobEvents.received.filter((item) => item.userId === ann.user.id).map((item) => item.online)).toEqual([true]);
    expect(cidEvents.received.filter((item) => item.userId === ann.user.id).map((item) => item.online)).toEqual([true]);
    expect(await restPresence(bob, ann.user.id)).toEqual(hidden(ann.user.id));
    expect(await restPresence(cid, ann.user.id)).toEqual(hidden(ann.user.id));
  });

  it('answers 200 ids with as many database queries as one id', async () => {
    const { ann, contact, outsiders } = await cast();
    const warmedBefore = await listsWarmed(two);
    await connect(two, ann);
    // The connect warms Ann's conversation list in the background: its queries must not fall in a count.
    expect(
      await eventually(
        () => listsWarmed(two),
        (warmed) => warmed > warmedBefore,
      ),
    ).toBeGreaterThan(warmedBefore);
    /**
     * Both instances run in this process, and their outbox, retention and sweep loops query on their
     * own timers, so a count can take in some of theirs. Those only ever add to it: the fewest of five
     * tries is the request's own count.
     */
    const countQueries = async (userIds: string[]) => {
      let fewest: { items: { userId: string }[]; count: number } | undefined;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const spy = jest.spyOn(pg.Client.prototype, 'query');
        const items = await restMany(contact, userIds);
        const count = spy.mock.calls.length;
        spy.mockRestore();
        if (!fewest || count < fewest.count) fewest = { items, count };
      }
      return fewest!;
    };
    const many = [
      ann.user.id,
      ...Object.values(outsiders).map((viewer) => viewer.user.id),
      ...Array.from({ length: 194 }, () => randomUUID()),
    ];
    expect(many).toHaveLength(200);
    await restMany(contact, [ann.user.id]); // the session's activity is recorded on its first request
    const single = await countQueries([ann.user.id]);
    const all = await countQueries(many);
    expect(single.count).toBeGreaterThan(0);
    expect(all.count).toBe(single.count);
    expect(all.items.map((item) => item.userId)).toEqual(many.slice(0, 6));
    expect(all.items[0]).toMatchObject({ userId: ann.user.id, online: true });
  });
});
