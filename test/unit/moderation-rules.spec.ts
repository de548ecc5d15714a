import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { toErrorBody } from '#src/common/errors/error-body.js';
import { BansService } from '#src/conversations/bans.service.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { ConversationMeta, MemberMeta } from '#src/conversations/conversation-meta.js';
import {
  moderationMuteOf,
  muteHolds,
  outranks,
  slowModeIntervalMs,
  untilOf,
  writeRefusal,
} from '#src/conversations/moderation-rules.js';
import { MutesService } from '#src/conversations/mutes.service.js';
import { SlowModeGate, type SlowModeTurn } from '#src/conversations/slow-mode.gate.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import type { MessageRecord } from '#src/messages/message-record.js';
import { MessagesService } from '#src/messages/messages.service.js';
import { T0, aDirect, aGroup, aMember, aMessage, membershipOf, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [owner, admin, otherAdmin, member, other] = newIds(5);
const LATER = new Date(T0.getTime() + 60_000).toISOString();
const EARLIER = new Date(T0.getTime() - 60_000).toISOString();

const group = (overrides: Partial<ConversationMeta> = {}, muted: Partial<MemberMeta> = {}) =>
  aGroup(
    [
      { userId: owner },
      { userId: admin, role: 'admin' },
      { userId: otherAdmin, role: 'admin' },
      { userId: member, ...muted },
      { userId: other },
    ],
    overrides,
  );
const role = (conversation: ConversationMeta, userId: string) => membershipOf(conversation, userId).member;

describe('moderation mutes', () => {
  it.each([
    ['without until, for ever', { until: null }, true],
    ['until a later time', { until: LATER }, true],
    ['until a time now passed', { until: EARLIER }, false],
    ['until exactly now (ended)', { until: T0.toISOString() }, false],
    ['with no mute', undefined, false],
  ])('hold %s: %s', (_case, mute, holds) => {
    expect(muteHolds(mute, T0)).toBe(holds);
  });

  it('are shown only while they hold, whatever the row says', () => {
    expect(moderationMuteOf(true, null, T0)).toEqual({ until: null });
    expect(moderationMuteOf(true, new Date(LATER), T0)).toEqual({ until: LATER });
    expect(moderationMuteOf(true, new Date(EARLIER), T0)).toBeNull();
    expect(moderationMuteOf(false, new Date(LATER), T0)).toBeNull();
  });
});

describe('who may write in a group', () => {
  it('refuses a muted member with 403 MEMBER_MUTED naming the end, and an expired mute no longer', () => {
    const muted = group({}, { moderationMute: { until: LATER } });
    expect(writeRefusal(muted, role(muted, member), T0)).toMatchObject({ status: 403, code: 'MEMBER_MUTED' });
    expect(writeRefusal(muted, role(muted, member), T0)?.message).toContain(LATER);
    expect(writeRefusal(muted, role(muted, other), T0)).toBeNull();
    const ended = group({}, { moderationMute: { until: EARLIER } });
    expect(writeRefusal(ended, role(ended, member), T0)).toBeNull();
  });

  it('refuses everyone but the owner and admins in a frozen group: 403 CONVERSATION_FROZEN', () => {
    const frozen = group({ frozen: true });
    for (const userId of [member, other]) {
      expect(writeRefusal(frozen, role(frozen, userId), T0)).toMatchObject({
        status: 403,
        code: 'CONVERSATION_FROZEN',
      });
    }
    for (const userId of [owner, admin]) expect(writeRefusal(frozen, role(frozen, userId), T0)).toBeNull();
  });

  it('holds a muted admin to the mute, frozen or not, and names the mute first', () => {
    const conversation = aGroup(
      [{ userId: owner }, { userId: admin, role: 'admin', moderationMute: { until: null } }],
      {
        frozen: true,
      },
    );
    expect(writeRefusal(conversation, role(conversation, admin), T0)).toMatchObject({ code: 'MEMBER_MUTED' });
    const muted = group({ frozen: true }, { moderationMute: { until: null } });
    expect(writeRefusal(muted, role(muted, member), T0)).toMatchObject({ code: 'MEMBER_MUTED' });
  });

  it('leaves direct conversations alone', () => {
    const direct = aDirect({ userId: owner, moderationMute: { until: null } }, { userId: member });
    expect(writeRefusal({ ...direct, frozen: true }, role(direct, owner), T0)).toBeNull();
  });

  it('holds only plain members of a group to slow mode', () => {
    const slow = group({ slowModeSeconds: 30 });
    expect(slowModeIntervalMs(slow, role(slow, member))).toBe(30_000);
    expect(slowModeIntervalMs(slow, role(slow, admin))).toBe(0);
    expect(slowModeIntervalMs(slow, role(slow, owner))).toBe(0);
    const off = group();
    expect(slowModeIntervalMs(off, role(off, member))).toBe(0);
    const direct = { ...aDirect({ userId: owner }, { userId: member }), slowModeSeconds: 30 };
    expect(slowModeIntervalMs(direct, role(direct, member))).toBe(0);
  });
});

describe('who outranks whom (removals, bans, mutes)', () => {
  const conversation = group();
  it.each([
    ['the owner', 'an admin', true, owner, admin],
    ['the owner', 'a member', true, owner, member],
    ['the owner', 'themself', false, owner, owner],
    ['an admin', 'a member', true, admin, member],
    ['an admin', 'another admin', false, admin, otherAdmin],
    ['an admin', 'the owner', false, admin, owner],
    ['an admin', 'themself', false, admin, admin],
    ['a member', 'another member', false, member, other],
  ])('%s over %s: %s', (_caller, _target, allowed, caller, target) => {
    expect(outranks(role(conversation, caller), role(conversation, target))).toBe(allowed);
  });

  it('lets the owner and admins act on a non-member, and no plain member', () => {
    expect(outranks(role(conversation, owner), undefined)).toBe(true);
    expect(outranks(role(conversation, admin), undefined)).toBe(true);
    expect(outranks(aMember(), undefined)).toBe(false);
  });
});

describe('until', () => {
  it('is for ever when absent or null, a time when it is later than now', () => {
    expect(untilOf(undefined, T0)).toBeNull();
    expect(untilOf(null, T0)).toBeNull();
    expect(untilOf(LATER, T0)).toEqual(new Date(LATER));
  });

  it.each([EARLIER, T0.toISOString(), 'not a time'])('refuses %s with 400 on until', (value) => {
    expect(() => untilOf(value, T0)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'until' })],
      }),
    );
  });
});

describe("slow mode's turn", () => {
  const stored = (conversation: ConversationMeta) => ({ findMeta: () => Promise.resolve(conversation) });
  const access = (conversation: ConversationMeta, take: () => Promise<SlowModeTurn>) =>
    newTestService(ConversationAccess, { ConversationsRepository: stored(conversation), SlowModeGate: { take } });

  it.each([
    [1500, '2'],
    [10, '1'],
    [60_000, '60'],
  ])(
    'refuses a turn still %i ms away with 429 SLOW_MODE, Retry-After %s (rounded up), in the body too',
    async (ms, header) => {
      const slow = group({ slowModeSeconds: 60 });
      const { subject, fakes } = await access(slow, () => Promise.resolve({ allowed: false, retryAfterMs: ms }));
      const refusal = await subject.takeSendTurn(membershipOf(slow, member)).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ status: 429, code: 'SLOW_MODE', headers: { 'retry-after': header } });
      expect(toErrorBody(refusal, 'r')).toMatchObject({ code: 'SLOW_MODE', retryAfterSeconds: Number(header) });
      expect(fakes.SlowModeGate.take).toHaveBeenCalledWith(slow.id, member, 60_000);
    },
  );

  it('asks Redis nothing for the owner, admins, or a group without slow mode', async () => {
    const slow = group({ slowModeSeconds: 60 });
    // No SlowModeGate given: any call of it fails the test.
    const { subject } = await newTestService(ConversationAccess, { ConversationsRepository: stored(slow) });
    await expect(subject.takeSendTurn(membershipOf(slow, admin))).resolves.toBeDefined();
    await expect(subject.takeSendTurn(membershipOf(slow, owner))).resolves.toBeDefined();
    const off = group();
    await expect(subject.takeSendTurn(membershipOf(off, member))).resolves.toBeDefined();
  });
});

describe('the slow-mode gate', () => {
  it('gives the turn when Redis does not answer (failing open), and counts it', async () => {
    const metrics = new MetricsService();
    const redis = {
      defineCommand: () => undefined,
      slowModeTake: () => Promise.reject(new Error('Connection is closed.')),
    } as unknown as Redis;
    const gate = new SlowModeGate(redis, metrics);
    await expect(gate.take('c', 'u', 1000)).resolves.toMatchObject({ allowed: true });
    expect(await metrics.render()).toMatch(/^slow_mode_unavailable_total 1$/m);
  });
});

describe('a send under slow mode', () => {
  const slow = group({ slowModeSeconds: 60 });
  const dto = () => ({ clientMessageId: randomUUID(), body: 'hello' });
  const sending = (repository: object, turn: SlowModeTurn) =>
    newTestService(
      MessagesService,
      {
        MessagesRepository: repository,
        ConversationsRepository: { findMeta: () => Promise.resolve(slow) },
        SlowModeGate: { take: () => Promise.resolve(turn) },
        MessageAttachments: { resolve: () => Promise.resolve([]) },
      },
      { real: [ConversationAccess] },
    );

  it('answers a retry of a stored message with it rather than 429', async () => {
    const sent = dto();
    const first = aMessage({ conversationId: slow.id, senderId: member, ...sent, seq: 4 });
    const { subject } = await sending(
      { findByClientId: () => Promise.resolve(first) },
      { allowed: false, retryAfterMs: 30_000 },
    );
    await expect(subject.send(member, slow.id, sent)).resolves.toMatchObject({
      created: false,
      message: { id: first.id },
    });
  });

  it('refuses a new message with 429 SLOW_MODE, storing nothing', async () => {
    const { subject } = await sending(
      { findByClientId: () => Promise.resolve(null) },
      { allowed: false, retryAfterMs: 30_000 },
    );
    await expect(subject.send(member, slow.id, dto())).rejects.toMatchObject({ status: 429, code: 'SLOW_MODE' });
  });

  const giveBack = () => jest.fn(() => Promise.resolve());
  it.each([
    ['a retry that stored nothing new', () => Promise.resolve({ record: aMessage(), created: false, root: null })],
    ['no longer a member', () => Promise.resolve(null)],
    ['a failed insert', () => Promise.reject(new Error('down'))],
  ])('gives the turn back after %s', async (_case, insertOnce) => {
    const turn = { allowed: true as const, giveBack: giveBack() };
    const { subject } = await sending({ insertOnce }, turn);
    await subject.send(member, slow.id, dto()).catch(() => undefined);
    expect(turn.giveBack).toHaveBeenCalledTimes(1);
  });

  it('keeps the turn of a message stored', async () => {
    const turn = { allowed: true as const, giveBack: giveBack() };
    const stored = (): Promise<{ record: MessageRecord; created: boolean; root: null }> =>
      Promise.resolve({ record: aMessage({ conversationId: slow.id, senderId: member }), created: true, root: null });
    const { subject } = await sending({ insertOnce: stored }, turn);
    await expect(subject.send(member, slow.id, dto())).resolves.toMatchObject({ created: true });
    expect(turn.giveBack).not.toHaveBeenCalled();
  });
});

describe('bans and mutes refused before anything is written', () => {
  const conversation = group();
  const bans = (fakes: Record<string, object> = {}) =>
    newTestService(
      BansService,
      { ConversationsRepository: { findMeta: () => Promise.resolve(conversation) }, ...fakes },
      { real: [ConversationAccess] },
    );
  const mutes = () =>
    newTestService(
      MutesService,
      { ConversationsRepository: { findMeta: () => Promise.resolve(conversation) } },
      { real: [ConversationAccess] },
    );
  const refused = { status: 403, code: 'NOT_GROUP_ADMIN' };

  // No MembersService, BansRepository or AuditRepository is given: a write would fail the test.
  it.each([
    ['an admin bans another admin', admin, otherAdmin],
    ['an admin bans the owner', admin, owner],
    ['the owner bans themself', owner, owner],
    ['a member bans another', member, other],
  ])('when %s: 403 NOT_GROUP_ADMIN', async (_case, caller, target) => {
    const { subject } = await bans();
    await expect(subject.ban(caller, conversation.id, { userId: target }, 'ip')).rejects.toMatchObject(refused);
    const { subject: muting } = await mutes();
    await expect(muting.mute(caller, conversation.id, target, {}, 'ip')).rejects.toMatchObject(refused);
  });

  it('answers 404 for an outsider, whoever they name', async () => {
    const { subject } = await bans();
    await expect(subject.ban(randomUUID(), conversation.id, { userId: member }, 'ip')).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('answers 404 USER_NOT_FOUND for a ban ahead of a user who does not exist', async () => {
    const { subject } = await bans({ UsersService: { activeIds: () => Promise.resolve(new Set<string>()) } });
    await expect(subject.ban(owner, conversation.id, { userId: randomUUID() }, 'ip')).rejects.toMatchObject({
      status: 404,
      code: 'USER_NOT_FOUND',
    });
  });

  it('refuses an until already passed with 400 before writing', async () => {
    const { subject } = await bans();
    await expect(subject.ban(owner, conversation.id, { userId: member, until: EARLIER }, 'ip')).rejects.toMatchObject({
      status: 400,
    });
  });

  it('answers 404 MEMBER_NOT_FOUND for muting a non-member', async () => {
    const { subject } = await mutes();
    await expect(subject.mute(owner, conversation.id, randomUUID(), {}, 'ip')).rejects.toMatchObject({
      status: 404,
      code: 'MEMBER_NOT_FOUND',
    });
  });
});
