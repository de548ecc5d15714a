import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import type { OutboxEventRow } from '#src/infra/outbox/outbox-event.js';
import { NotificationPlanner } from '#src/notifications/notification-planner.service.js';
import type { MessageToAnnounce } from '#src/notifications/notifications.repository.js';
import { aDirect, aGroup, newIds, T0 } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob, cid, dan, eve, messageId] = newIds(6);

/** A message as sent: who sent it and its seq travel in the outbox event, the rest is read back. */
type SentMessage = MessageToAnnounce & { senderId: string; seq: number };

interface World {
  conversation: ConversationMeta | null;
  /** The message the event announces, as stored now (null: no such message). */
  message?: SentMessage | null;
  /** Who has a live socket. */
  online?: string[];
  /** Members who blocked the author: whom their `@all` leaves out. Without it, blocks must not be looked up. */
  blockers?: string[];
  /** Who follows the thread the message replies in. Without it, followers must not be looked up. */
  followers?: string[];
}

/** Who sent the message of the next `messageEvent`, and its seq: those of the world's message. */
let sent = { senderId: ada, seq: 12 };

/** The planner over one stored conversation and message. */
const plannerIn = ({ conversation, message = null, online = [], blockers, followers }: World) => {
  sent = message ? { senderId: message.senderId, seq: message.seq } : { senderId: ada, seq: 12 };
  return newTestService(NotificationPlanner, {
    ConversationAccess: {
      find: (id: string) => Promise.resolve(id === conversation?.id ? conversation : null),
    },
    PresenceService: {
      onlineAmong: (userIds: string[]) => Promise.resolve(new Set(userIds.filter((id) => online.includes(id)))),
    },
    NotificationsRepository: {
      messageToAnnounce: (conversationId: string, id: string) =>
        Promise.resolve(
          conversationId === conversation?.id && id === messageId && message
            ? {
                body: message.body,
                deletedAt: message.deletedAt,
                mentionUserIds: message.mentionUserIds,
                mentionAll: message.mentionAll,
                threadRootId: message.threadRootId,
              }
            : null,
        ),
      ...(followers && {
        threadFollowers: () => Promise.resolve(new Set(followers)),
      }),
      ...(blockers && {
        notBlocking: (_authorId: string, userIds: string[]) =>
          Promise.resolve(userIds.filter((userId) => !blockers.includes(userId))),
      }),
    },
  });
};

const aMessageBy = (senderId: string, body: string, overrides: Partial<SentMessage> = {}): SentMessage => ({
  seq: 12,
  senderId,
  body,
  deletedAt: null,
  mentionUserIds: [],
  mentionAll: false,
  threadRootId: null,
  ...overrides,
});

const event = <E extends OutboxEventRow>(row: Omit<E, 'id' | 'createdAt' | 'attempts'>): OutboxEventRow =>
  ({ id: newIds(1)[0], createdAt: T0, attempts: 1, ...row }) as OutboxEventRow;

const messageEvent = (conversationId: string, mentions = true) =>
  event({ kind: 'message', conversationId, payload: { messageId, ...sent, mentions } });

/** Each user's notification kinds, and who gets a push. */
const summary = ({ notifications, pushes }: Awaited<ReturnType<NotificationPlanner['plan']>>) => ({
  notified: Object.fromEntries(notifications.map((n) => [n.userId, n.kind])),
  pushed: pushes.map((push) => push.userId).sort(),
});

describe('who hears of a new message in a group', () => {
  it('gives an offline, unmuted member a message notification and a push', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({ conversation: group, message: aMessageBy(ada, 'hello') });
    const plan = await subject.plan(messageEvent(group.id));
    expect(summary(plan)).toEqual({ notified: { [bob]: 'message' }, pushed: [bob] });
    expect(plan.notifications[0]).toMatchObject({
      conversationId: group.id,
      messageId,
      actorId: ada,
      preview: 'hello',
    });
  });

  it('gives a member who is online neither a notification nor a push: they see the message live', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }, { userId: cid }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'hello'),
      online: [bob],
    });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [cid]: 'message' },
      pushed: [cid],
    });
  });

  it('gives a member who muted the conversation no message notification and no push, even offline', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, muted: true }, { userId: cid }]);
    const { subject } = await plannerIn({ conversation: group, message: aMessageBy(ada, 'hello') });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [cid]: 'message' },
      pushed: [cid],
    });
  });

  it('gives a mentioned member a mention even when muted or online, and a push only when offline', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, muted: true }, { userId: cid }, { userId: dan }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, '@Bob @cid and @dan, look', { mentionUserIds: [bob, cid, dan] }),
      online: [cid],
    });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [bob]: 'mention', [cid]: 'mention', [dan]: 'mention' },
      pushed: [bob, dan].sort(),
    });
  });

  it('gives a mentioned member one mention, not also a message notification', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'hi @bob', { mentionUserIds: [bob] }),
    });
    const plan = await subject.plan(messageEvent(group.id));
    expect(plan.notifications.map((n) => [n.userId, n.kind])).toEqual([[bob, 'mention']]);
    expect(plan.pushes.map((push) => [push.userId, push.kind])).toEqual([[bob, 'mention']]);
  });

  it('gives the sender nothing, even when they mention themselves', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'note to @ada', { mentionUserIds: [ada] }),
    });
    const plan = await subject.plan(messageEvent(group.id));
    expect(plan.notifications.map((n) => n.userId)).not.toContain(ada);
    expect(plan.pushes.map((push) => push.userId)).not.toContain(ada);
  });

  it('gives a member whose invitation is pending or declined nothing, even when mentioned', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, status: 'pending' }, { userId: cid, status: 'declined' }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, '@bob @cid', { mentionUserIds: [bob, cid] }),
    });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({ notified: {}, pushed: [] });
  });

  it('does not even read a message that mentions nobody when every other member is connected or muted', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, muted: true }, { userId: cid }, { userId: dan }]);
    const { subject, fakes } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'hello'),
      online: [cid, dan],
    });
    expect(summary(await subject.plan(messageEvent(group.id, false)))).toEqual({ notified: {}, pushed: [] });
    expect(fakes.NotificationsRepository.messageToAnnounce).not.toHaveBeenCalled();
  });

  it('reads the message when one member is neither connected nor muted, even if it mentions nobody', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, muted: true }, { userId: cid }, { userId: dan }]);
    const { subject } = await plannerIn({ conversation: group, message: aMessageBy(ada, 'hello'), online: [cid] });
    expect(summary(await subject.plan(messageEvent(group.id, false)))).toEqual({
      notified: { [dan]: 'message' },
      pushed: [dan],
    });
  });

  it('has each push carry its kind, conversation, message, seq, author and body', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'lunch?', { seq: 41 }),
    });
    const { pushes } = await subject.plan(messageEvent(group.id));
    expect(pushes).toEqual([
      { userId: bob, kind: 'message', conversationId: group.id, messageId, seq: 41, actorId: ada, body: 'lunch?' },
    ]);
  });
});

describe('a thread reply', () => {
  it('notifies only offline members who follow the thread, and those it mentions', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }, { userId: cid }, { userId: dan }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'in the thread, @dan', { threadRootId: newIds(1)[0], mentionUserIds: [dan] }),
      followers: [ada, bob],
    });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [bob]: 'message', [dan]: 'mention' },
      pushed: [bob, dan].sort(),
    });
  });
});

describe('@all', () => {
  it('mentions every accepted member but the author and those who blocked them (who hear of it as a message)', async () => {
    const group = aGroup([
      { userId: ada },
      { userId: bob, muted: true },
      { userId: cid },
      { userId: dan, status: 'pending' },
    ]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, '@all standup', { mentionAll: true }),
      online: [bob],
      blockers: [cid],
    });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [bob]: 'mention', [cid]: 'message' },
      pushed: [cid],
    });
  });

  it('is a plain message where the send did not let it count', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({ conversation: group, message: aMessageBy(ada, '@all standup') });
    expect(summary(await subject.plan(messageEvent(group.id)))).toEqual({
      notified: { [bob]: 'message' },
      pushed: [bob],
    });
  });
});

describe('a message that no longer announces anything', () => {
  it('yields nothing when the message was deleted before the event was processed', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({
      conversation: group,
      message: aMessageBy(ada, 'oops', { deletedAt: T0 }),
    });
    expect(await subject.plan(messageEvent(group.id))).toEqual({ notifications: [], pushes: [] });
  });

  it('yields nothing when the message is missing', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await plannerIn({ conversation: group, message: null });
    expect(await subject.plan(messageEvent(group.id))).toEqual({ notifications: [], pushes: [] });
  });

  it('yields nothing when the conversation is missing', async () => {
    const { subject } = await plannerIn({ conversation: null });
    const plan = await subject.plan(messageEvent(newIds(1)[0]));
    expect(plan).toEqual({ notifications: [], pushes: [] });
  });
});

describe('who hears of a new message in a direct conversation', () => {
  it('notifies and pushes to the offline other member', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob });
    const { subject } = await plannerIn({ conversation: direct, message: aMessageBy(ada, 'hey') });
    expect(summary(await subject.plan(messageEvent(direct.id, false)))).toEqual({
      notified: { [bob]: 'message' },
      pushed: [bob],
    });
  });

  it('gives a mentioned other member a mention, even while connected or muted', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, muted: true });
    const { subject } = await plannerIn({
      conversation: direct,
      message: aMessageBy(ada, 'hey @bob', { mentionUserIds: [bob] }),
      online: [bob],
    });
    expect(summary(await subject.plan(messageEvent(direct.id)))).toEqual({
      notified: { [bob]: 'mention' },
      pushed: [],
    });
  });

  it('does not even read a message that mentions nobody when the other member is connected', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob });
    const { subject, fakes } = await plannerIn({ conversation: direct, message: aMessageBy(ada, 'hi'), online: [bob] });
    expect(summary(await subject.plan(messageEvent(direct.id, false)))).toEqual({ notified: {}, pushed: [] });
    expect(fakes.NotificationsRepository.messageToAnnounce).not.toHaveBeenCalled();
  });

  it('gives a recipient who has not accepted the request nothing for its messages', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'pending' });
    const { subject } = await plannerIn({ conversation: direct, message: aMessageBy(ada, 'hello?') });
    expect(summary(await subject.plan(messageEvent(direct.id)))).toEqual({ notified: {}, pushed: [] });
  });
});

describe('who hears of a message request', () => {
  const request = (conversationId: string) =>
    event({ kind: 'request', conversationId, payload: { senderId: ada, recipientId: eve } });

  it('gives the recipient a request notification and, when offline, a push', async () => {
    const direct = aDirect({ userId: ada }, { userId: eve, status: 'pending' });
    const { subject } = await plannerIn({ conversation: direct });
    const plan = await subject.plan(request(direct.id));
    expect(plan.notifications).toEqual([{ userId: eve, kind: 'request', conversationId: direct.id, actorId: ada }]);
    expect(plan.pushes).toEqual([
      {
        userId: eve,
        kind: 'request',
        conversationId: direct.id,
        messageId: null,
        seq: null,
        actorId: ada,
        body: null,
      },
    ]);
  });

  it('gives an online recipient the notification but no push', async () => {
    const direct = aDirect({ userId: ada }, { userId: eve, status: 'pending' });
    const { subject } = await plannerIn({ conversation: direct, online: [eve] });
    expect(summary(await subject.plan(request(direct.id)))).toEqual({ notified: { [eve]: 'request' }, pushed: [] });
  });
});

describe('who hears of members added to a group', () => {
  it('gives each added user a member_added notification, and never a push', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }, { userId: cid }]);
    const { subject } = await plannerIn({ conversation: group });
    const plan = await subject.plan(
      event({ kind: 'member_added', conversationId: group.id, payload: { userIds: [bob, cid], actorId: ada } }),
    );
    expect(plan.notifications).toEqual([
      { userId: bob, kind: 'member_added', conversationId: group.id, actorId: ada },
      { userId: cid, kind: 'member_added', conversationId: group.id, actorId: ada },
    ]);
    expect(plan.pushes).toEqual([]);
  });
});
