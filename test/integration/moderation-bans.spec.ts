import { randomUUID } from 'node:crypto';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { answer, groupWithRoles, inMs, moderation } from '../support/moderation-client.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

interface Ban {
  userId: string;
  bannedBy: string;
  reason: string | null;
  until: string | null;
  createdAt: string;
}

describe('bans', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      BANS_AND_MUTES_PER_MINUTE_PER_USER: 1000,
      MEMBER_CHANGES_PER_MINUTE_PER_USER: 1000,
      MESSAGES_PER_MINUTE_PER_USER: 1000,
    });
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const audit = (action: string, targetId: string) =>
    one.app.get(PrismaService).auditEntry.findMany({ where: { action, targetId } });
  const isMember = async (t: TestApp, who: SignedIn, conversationId: string) =>
    (await chat(t, who).detail(conversationId)).status === 200;

  it('removes the member at once on both instances, REST and socket, and refuses adding them back (403 BANNED)', async () => {
    const { id, owner, admin, members } = await groupWithRoles(one);
    const [banned, witness] = members;
    // Every instance has the member list cached before the ban.
    expectStatus(await chat(two, banned).detail(id), 200);
    expectStatus(await chat(one, banned).detail(id), 200);
    const bannedSocket = await connect(two, banned);
    const witnessSocket = await connect(one, witness);
    const removals = collect(bannedSocket, 'member.removed');
    const bannedMessages = collect(bannedSocket, 'message.created');
    const witnessMessages = collect(witnessSocket, 'message.created');

    const ban = expectStatus<Ban>(await moderation(one, admin, id).ban(banned.user.id, { reason: ' spam ' }), 201);
    expect(ban).toEqual({
      userId: banned.user.id,
      bannedBy: admin.user.id,
      reason: 'spam',
      until: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // The removal path: the banned member hears member.removed, then nothing more of the group.
    await removals.until((items) => items.some((item) => item.conversationId === id && item.userId === banned.user.id));
    for (const t of [one, two]) {
      expect(answer(await chat(t, banned).detail(id))).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
      expect(answer(await chat(t, banned).send(id, 'still here?'))).toEqual({
        status: 404,
        code: 'CONVERSATION_NOT_FOUND',
      });
      expect(answer(await chat(t, banned).messages(id))).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
    }
    const after = expectStatus<{ id: string }>(await chat(two, owner).send(id, 'after the ban'), 201);
    await witnessMessages.until((items) => items.some((item) => item.message.id === after.id));
    expect(bannedMessages.received).toEqual([]);
    const detail = expectStatus<{ memberCount: number; members: { userId: string }[] }>(
      await chat(two, owner).detail(id),
      200,
    );
    expect(detail.members.map((member) => member.userId)).not.toContain(banned.user.id);
    expect(detail.memberCount).toBe(3);

    // No path back in while it lasts, through either instance, for the owner too.
    for (const [t, who] of [
      [one, owner],
      [two, admin],
    ] as const) {
      const refused = await moderation(t, who, id).add(banned);
      expect(answer(refused)).toEqual({ status: 403, code: 'BANNED' });
      expect(refused.json().details).toEqual([{ field: 'userIds', message: expect.stringContaining(banned.user.id) }]);
    }
    // Nobody of a batch holding a banned user is added.
    const newcomer = await register(one);
    expect(answer(await moderation(one, owner, id).add(newcomer, banned))).toEqual({ status: 403, code: 'BANNED' });
    expect(await isMember(one, newcomer, id)).toBe(false);

    const listed = expectStatus<{ items: Ban[]; nextCursor: string | null }>(
      await moderation(two, owner, id).bans(),
      200,
    );
    expect(listed).toEqual({ items: [ban], nextCursor: null });
    const [entry] = await audit('member.banned', banned.user.id);
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      targetType: 'user',
      details: { conversationId: id, until: null, reason: 'spam', wasMember: true },
    });
  });

  it('bans a non-member ahead; lifting it (idempotent, audited once) lets them be added again', async () => {
    const { id, owner } = await groupWithRoles(one, 1);
    const stranger = await register(one);
    expectStatus(await moderation(one, owner, id).ban(stranger.user.id), 201);
    expect(answer(await moderation(two, owner, id).add(stranger))).toEqual({ status: 403, code: 'BANNED' });
    expect(await isMember(one, stranger, id)).toBe(false);

    expect((await moderation(two, owner, id).unban(stranger.user.id)).status).toBe(204);
    expect((await moderation(one, owner, id).unban(stranger.user.id)).status).toBe(204);
    expect(expectStatus(await moderation(one, owner, id).bans(), 200).items).toEqual([]);
    expectStatus(await moderation(one, owner, id).add(stranger), 200);
    expect(await isMember(two, stranger, id)).toBe(true);
    expect(await audit('member.unbanned', stranger.user.id)).toEqual([
      expect.objectContaining({ actorId: owner.user.id, details: { conversationId: id } }),
    ]);
    expect(await audit('member.banned', stranger.user.id)).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ wasMember: false }) }),
    ]);
  });

  it('ends a ban by itself at its until: it no longer counts, nor is it listed', async () => {
    const { id, owner, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const ban = expectStatus<Ban>(await moderation(one, owner, id).ban(member.user.id, { until: inMs(1500) }), 201);
    expect(ban.until).not.toBeNull();
    expect(answer(await moderation(one, owner, id).add(member))).toEqual({ status: 403, code: 'BANNED' });
    const added = await eventually(
      async () => (await moderation(two, owner, id).add(member)).status,
      (status) => status === 200,
      10_000,
    );
    expect(added).toBe(200);
    expect(expectStatus(await moderation(one, owner, id).bans(), 200).items).toEqual([]);
  });

  it('mirrors the removal rules: the owner bans admins, an admin neither admins nor the owner, nobody themself', async () => {
    const { id, owner, admin, members } = await groupWithRoles(one, 1);
    const otherAdmin = members[0];
    expectStatus(await chat(one, owner).call('PATCH', `/${id}/members/${otherAdmin.user.id}`, { role: 'admin' }), 200);
    const refused = { status: 403, code: 'NOT_GROUP_ADMIN' };
    expect(answer(await moderation(one, admin, id).ban(otherAdmin.user.id))).toEqual(refused);
    expect(answer(await moderation(two, admin, id).ban(owner.user.id))).toEqual(refused);
    expect(answer(await moderation(one, admin, id).ban(admin.user.id))).toEqual(refused);
    expect(answer(await moderation(one, owner, id).ban(owner.user.id))).toEqual(refused);
    expect(await isMember(one, otherAdmin, id)).toBe(true);
    expectStatus(await moderation(two, owner, id).ban(otherAdmin.user.id), 201);
    expect(await isMember(one, otherAdmin, id)).toBe(false);
  });

  it('refuses everyone but the owner and admins on every ban route: 403 for members, 404 for outsiders, removed and banned members', async () => {
    const { id, owner, members } = await groupWithRoles(one, 3);
    const [member, removed, banned] = members;
    const outsider = await register(one);
    const target = await register(one);
    expect((await chat(one, owner).call('DELETE', `/${id}/members/${removed.user.id}`)).status).toBe(204);
    expectStatus(await moderation(one, owner, id).ban(banned.user.id), 201);
    const routes = (who: SignedIn, t: TestApp) => [
      moderation(t, who, id).ban(target.user.id),
      moderation(t, who, id).unban(banned.user.id),
      moderation(t, who, id).bans(),
      moderation(t, who, id).mute(owner.user.id),
      moderation(t, who, id).unmute(owner.user.id),
    ];
    for (const t of [one, two]) {
      for (const response of await Promise.all(routes(member, t))) {
        expect(answer(response)).toEqual({ status: 403, code: 'NOT_GROUP_ADMIN' });
      }
      for (const who of [outsider, removed, banned]) {
        for (const response of await Promise.all(routes(who, t))) {
          expect(answer(response)).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
        }
      }
    }
    // Still banned, and nobody else was.
    expect(expectStatus<{ items: Ban[] }>(await moderation(one, owner, id).bans(), 200).items).toEqual([
      expect.objectContaining({ userId: banned.user.id }),
    ]);
  });

  it('refuses bad input with 400 and unknown users with 404, and bans nothing', async () => {
    const { id, owner, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const routes = moderation(one, owner, id);
    for (const body of [
      { userId: member.user.id, until: inMs(-60_000) },
      { userId: member.user.id, until: new Date().toISOString().slice(0, 10) + 'T00:00:00Z' },
      { userId: member.user.id, until: 'tomorrow' },
      { userId: member.user.id, until: 12 },
      { userId: member.user.id, reason: 'x'.repeat(501) },
      { userId: member.user.id, reason: '   ' },
      { userId: member.user.id, extra: true },
      { userId: 'not-a-uuid' },
      {},
    ]) {
      const response = await chat(one, owner).call('POST', `/${id}/bans`, body);
      expect(answer(response)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(answer(await routes.ban(randomUUID()))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
    expect(answer(await chat(one, owner).call('POST', `/not-a-uuid/bans`, { userId: member.user.id }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(answer(await chat(one, owner).call('DELETE', `/${id}/bans/not-a-uuid`))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    for (const query of [
      '?cursor=garbage',
      '?limit=0',
      '?limit=101',
      `?cursor=${Buffer.from('{"createdAt":1}').toString('base64url')}`,
    ]) {
      expect(answer(await routes.bans(query))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await isMember(one, member, id)).toBe(true);
    expect(expectStatus(await routes.bans(), 200).items).toEqual([]);
  });

  it('answers 400 NOT_A_GROUP in a direct conversation', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expect(answer(await moderation(one, ann, direct).ban(bob.user.id))).toEqual({ status: 400, code: 'NOT_A_GROUP' });
    expect(answer(await moderation(one, ann, direct).bans())).toEqual({ status: 400, code: 'NOT_A_GROUP' });
  });

  it('lists the bans in force newest first, page by page', async () => {
    const { id, owner } = await groupWithRoles(one, 1);
    const banned = await Promise.all(Array.from({ length: 5 }, () => register(one)));
    for (const user of banned) expectStatus(await moderation(one, owner, id).ban(user.user.id), 201);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = expectStatus<{ items: Ban[]; nextCursor: string | null }>(
        await moderation(two, owner, id).bans(query),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.userId));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(banned.map((user) => user.user.id).reverse());
  });

  it('a ban racing an add of the same user, on two instances, never leaves them in the group', async () => {
    const { id, owner, admin } = await groupWithRoles(one, 1);
    for (let round = 0; round < 8; round += 1) {
      const user = await register(one);
      const [banned, added] = await Promise.all([
        moderation(one, owner, id).ban(user.user.id),
        moderation(two, admin, id).add(user),
      ]);
      expect(banned.status).toBe(201);
      expect([200, 403]).toContain(added.status);
      if (added.status === 403) expect(added.json().code).toBe('BANNED');
      expect(await isMember(one, user, id)).toBe(false);
      expect(await isMember(two, user, id)).toBe(false);
    }
  });
});
