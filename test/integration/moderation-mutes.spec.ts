import { randomUUID } from 'node:crypto';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { answer, groupWithRoles, inMs, moderation } from '../support/moderation-client.js';
import { collect, request, socketsClosedAfterEach, type ClientSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

interface Member {
  userId: string;
  moderationMute: { until: string | null } | null;
}
interface Conversation {
  moderationMute: { until: string | null } | null;
  muted: boolean;
  members: Member[];
}

describe('moderation mutes', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      BANS_AND_MUTES_PER_MINUTE_PER_USER: 1000,
      MESSAGES_PER_MINUTE_PER_USER: 1000,
      REACTIONS_PER_MINUTE_PER_USER: 1000,
    });
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const react = (t: TestApp, who: SignedIn, id: string, messageId: string) =>
    chat(t, who).call('PUT', `/${id}/messages/${messageId}/reactions/%F0%9F%91%8D`);
  const socketSend = (socket: ClientSocket, conversationId: string) =>
    request(socket, 'message.send', { conversationId, clientMessageId: randomUUID(), body: 'over the socket' });
  const refusedWith = (code: string) => ({ ok: false, error: expect.objectContaining({ statusCode: 403, code }) });

  it('refuses a muted member send, react, edit and typing on both instances, REST and socket; they still read', async () => {
    const { id, owner, members } = await groupWithRoles(one, 2);
    const [muted, other] = members;
    const earlier = expectStatus<{ id: string }>(await chat(one, muted).send(id, 'before the mute'), 201);
    const byOther = expectStatus<{ id: string }>(await chat(one, other).send(id, 'hello'), 201);
    // Both instances have the metadata cached before the mute.
    expectStatus(await chat(two, muted).detail(id), 200);
    const sockets = [await connect(one, muted), await connect(two, muted)];
    const updates = collect(await connect(two, other), 'member.updated');

    const answered = expectStatus(await moderation(one, owner, id).mute(muted.user.id), 200);
    expect(answered).toEqual({ conversationId: id, userId: muted.user.id, until: null });
    await updates.until((items) =>
      items.some((item) => item.userId === muted.user.id && item.moderationMute?.until === null),
    );

    const refused = { status: 403, code: 'MEMBER_MUTED' };
    for (const t of [one, two]) {
      expect(answer(await chat(t, muted).send(id, 'let me speak'))).toEqual(refused);
      expect(answer(await react(t, muted, id, byOther.id))).toEqual(refused);
      expect(
        answer(await chat(t, muted).call('PATCH', `/${id}/messages/${earlier.id}`, { body: 'edited while muted' })),
      ).toEqual(refused);
      expect(answer(await chat(t, muted).reply(id, byOther.id, 'in a thread'))).toEqual(refused);
    }
    for (const socket of sockets) {
      expect(await socketSend(socket, id)).toEqual(refusedWith('MEMBER_MUTED'));
      expect(await request(socket, 'typing.start', { conversationId: id })).toEqual(refusedWith('MEMBER_MUTED'));
      expect(await request(socket, 'typing.stop', { conversationId: id })).toMatchObject({ ok: true });
    }

    // Reading, marking read and leaving their own messages alone all still work.
    for (const t of [one, two]) {
      const page = expectStatus<{ items: { body: string }[] }>(await chat(t, muted).messages(id), 200);
      expect(page.items.map((item) => item.body)).toEqual(['before the mute', 'hello']);
      expectStatus(await chat(t, muted).read(id, 2), 200);
    }
    expect(expectStatus<{ items: unknown[] }>(await chat(two, muted).sync(id), 200).items).toHaveLength(2);
    const seen = expectStatus<Conversation>(await chat(two, muted).detail(id), 200);
    expect(seen.moderationMute).toEqual({ until: null });
    // The notification setting is another thing.
    expect(seen.muted).toBe(false);
    const asOwner = expectStatus<Conversation>(await chat(one, owner).detail(id), 200);
    expect(asOwner.members.find((member) => member.userId === muted.user.id)?.moderationMute).toEqual({ until: null });
    expect(asOwner.members.find((member) => member.userId === other.user.id)?.moderationMute).toBeNull();

    expect((await moderation(two, owner, id).unmute(muted.user.id)).status).toBe(204);
    await updates.until((items) => items.some((item) => item.userId === muted.user.id && item.moderationMute === null));
    for (const t of [one, two]) expectStatus(await chat(t, muted).send(id, 'free again'), 201);
    for (const socket of sockets) expect(await socketSend(socket, id)).toMatchObject({ ok: true });
    expectStatus(await react(two, muted, id, byOther.id), 200);

    const stored = expectStatus<{ items: { body: string }[] }>(await chat(one, owner).messages(id), 200);
    expect(stored.items.map((item) => item.body)).toEqual([
      'before the mute',
      'hello',
      'free again',
      'free again',
      'over the socket',
      'over the socket',
    ]);
    const audited = await one.app.get(PrismaService).auditEntry.findMany({
      where: { targetId: muted.user.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(audited.map((entry) => [entry.action, entry.actorId])).toEqual([
      ['member.muted', owner.user.id],
      ['member.unmuted', owner.user.id],
    ]);
  });

  it('ends a mute by itself at its until', async () => {
    const { id, admin, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const until = inMs(1500);
    expectStatus(await moderation(two, admin, id).mute(member.user.id, { until }), 200);
    expect(answer(await chat(one, member).send(id, 'too early'))).toEqual({ status: 403, code: 'MEMBER_MUTED' });
    const refusal = (await chat(two, member).send(id, 'too early')).json<{ message: string }>();
    expect(refusal.message).toContain(new Date(until).toISOString());
    const status = await eventually(
      async () => (await chat(two, member).send(id, 'on time')).status,
      (value) => value === 201,
      10_000,
    );
    expect(status).toBe(201);
  });

  it('lets the owner mute an admin, who then cannot write; an admin mutes neither admins nor the owner', async () => {
    const { id, owner, admin, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const refused = { status: 403, code: 'NOT_GROUP_ADMIN' };
    expect(answer(await moderation(one, admin, id).mute(owner.user.id))).toEqual(refused);
    expect(answer(await moderation(one, admin, id).mute(admin.user.id))).toEqual(refused);
    expect(answer(await moderation(one, owner, id).mute(owner.user.id))).toEqual(refused);
    expect(answer(await moderation(one, member, id).mute(member.user.id))).toEqual(refused);
    expectStatus(await moderation(one, owner, id).mute(admin.user.id), 200);
    expect(answer(await chat(two, admin).send(id, 'admins are muted too'))).toEqual({
      status: 403,
      code: 'MEMBER_MUTED',
    });
    // Only who could mute them lifts it.
    expect(answer(await moderation(one, admin, id).unmute(admin.user.id))).toEqual(refused);
    expect((await moderation(one, owner, id).unmute(admin.user.id)).status).toBe(204);
    expectStatus(await chat(two, admin).send(id, 'back'), 201);
  });

  it('answers 404 MEMBER_NOT_FOUND for a non-member, 400 for bad input, and 204 for unmuting someone not muted', async () => {
    const { id, owner, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const stranger = await register(one);
    const routes = moderation(one, owner, id);
    expect(answer(await routes.mute(stranger.user.id))).toEqual({ status: 404, code: 'MEMBER_NOT_FOUND' });
    expect(answer(await routes.unmute(stranger.user.id))).toEqual({ status: 404, code: 'MEMBER_NOT_FOUND' });
    for (const body of [{ until: inMs(-1000) }, { until: 'soon' }, { until: true }, { forever: true }]) {
      expect(answer(await routes.mute(member.user.id, body))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(answer(await chat(one, owner).call('POST', `/${id}/members/not-a-uuid/mute`, {}))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect((await routes.unmute(member.user.id)).status).toBe(204);
    expectStatus(await chat(one, member).send(id, 'never muted'), 201);
    // Nothing changed, so nothing was audited.
    expect(await one.app.get(PrismaService).auditEntry.count({ where: { targetId: member.user.id } })).toBe(0);
  });

  it('counts bans and mutes, placed or lifted, against BANS_AND_MUTES_PER_MINUTE_PER_USER on every instance', async () => {
    const { id, owner, members } = await groupWithRoles(one, 1);
    const [member] = members;
    const limited = await startTwoTestApps({ BANS_AND_MUTES_PER_MINUTE_PER_USER: 2 });
    try {
      const [a, b] = limited;
      expectStatus(await moderation(a, owner, id).mute(member.user.id), 200);
      expect((await moderation(b, owner, id).unmute(member.user.id)).status).toBe(204);
      const third = await moderation(a, owner, id).ban(member.user.id);
      expect(answer(third)).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(
        await chat(b, member)
          .detail(id)
          .then((response) => response.status),
      ).toBe(200);
    } finally {
      await Promise.all(limited.map((t) => t.close()));
    }
  });
});
