import { randomUUID } from 'node:crypto';
import type { Membership } from '#src/conversations/conversation-access.service.js';
import type { ConversationMeta, MemberMeta } from '#src/conversations/conversation-meta.js';
import type { Session, User } from '#src/generated/prisma/client.js';
import type { MessageRecord } from '#src/messages/message-record.js';

/** The moment every record is created at unless told otherwise, so that times in a test read plainly. */
export const T0 = new Date('2026-12-01T12:00:00.000Z');
const DAY_MS = 86_400_000;

/** `count` distinct ids, for the people of a test: `const [ada, bob] = newIds(2)`. */
export const newIds = (count: number): string[] => Array.from({ length: count }, () => randomUUID());

export function aUser(overrides: Partial<User> = {}): User {
  const id = overrides.id ?? randomUUID();
  const username = overrides.username ?? `user_${id.slice(0, 8)}`;
  return {
    id,
    email: `${username}@example.com`,
    username,
    passwordHash: '$argon2id$not-a-real-hash',
    displayName: null,
    displayNameSearch: null,
    bio: null,
    avatarUrl: null,
    lastSeenAt: null,
    createdAt: T0,
    updatedAt: T0,
    deletedAt: null,
    status: 'online',
    statusText: null,
    statusExpiresAt: null,
    readReceipts: true,
    showLastSeen: true,
    role: 'user',
    suspendedAt: null,
    suspendedUntil: null,
    suspensionReason: null,
    ...overrides,
  };
}

/** An accepted plain member. */
export function aMember(overrides: Partial<MemberMeta> = {}): MemberMeta {
  return { userId: randomUUID(), role: 'member', status: 'accepted', muted: false, hiddenBeforeSeq: 0, ...overrides };
}

/** A group: the first member is its owner unless a role says otherwise, the others plain members. */
export function aGroup(members: Partial<MemberMeta>[], overrides: Partial<Omit<ConversationMeta, 'members'>> = {}) {
  return aConversation({
    type: 'group',
    title: 'A group',
    members: members.map((member, i) => aMember({ role: i === 0 ? 'owner' : 'member', ...member })),
    ...overrides,
  });
}

/** A direct conversation of two members (both accepted unless told otherwise); neither has a role above member. */
export function aDirect(a: Partial<MemberMeta>, b: Partial<MemberMeta>): ConversationMeta {
  return aConversation({ type: 'direct', title: null, members: [aMember(a), aMember(b)] });
}

export function aConversation(overrides: Partial<ConversationMeta> = {}): ConversationMeta {
  return {
    id: randomUUID(),
    type: 'group',
    title: null,
    createdAt: T0.toISOString(),
    slowModeSeconds: 0,
    frozen: false,
    members: [],
    ...overrides,
  };
}

/** `userId`'s membership of `conversation`, as ConversationAccess answers it. */
export function membershipOf(conversation: ConversationMeta, userId: string): Membership {
  const member = conversation.members.find((candidate) => candidate.userId === userId);
  if (!member) throw new Error(`${userId} is not a member of the conversation`);
  return { conversation, member };
}

export function aMessage(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const seq = overrides.seq ?? 1;
  return {
    id: randomUUID(),
    conversationId: randomUUID(),
    seq,
    senderId: randomUUID(),
    clientMessageId: randomUUID(),
    body: `message ${seq}`,
    replyToId: null,
    threadRootId: null,
    timelinePosition: seq,
    threadReplyCount: 0,
    threadLastReplyAt: null,
    threadLastReplySeq: null,
    threadParticipantIds: [],
    mentionUserIds: [],
    mentionAll: false,
    attachments: [],
    reactions: {},
    createdAt: T0,
    editedAt: null,
    deletedAt: null,
    version: BigInt(seq),
    ...overrides,
  };
}

/** An active session, opened at T0 and never refreshed. */
export function aSession(overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    refreshGeneration: 0,
    refreshTimes: [],
    deviceName: null,
    deviceType: null,
    deviceOs: null,
    ip: '203.0.113.7',
    userAgent: null,
    createdAt: T0,
    lastActiveAt: T0,
    expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    revokedAt: null,
    ...overrides,
  };
}
