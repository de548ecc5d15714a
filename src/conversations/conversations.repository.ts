import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { outboxEvent } from '#src/infra/outbox/outbox-event.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import type { ConversationSummary } from './conversation.events.js';
import type { ConversationMeta, ConversationType, MemberRole, MemberStatus } from './conversation-meta.js';
import { MESSAGE_COLUMNS } from './message-columns.js';
import type { MessageSource } from './message.presenter.js';
import { HAS_NEWER, UNREAD_COUNT, UNREAD_MENTION_COUNT } from './unread-columns.js';

/** Where a page of the conversation list starts: after this (activity time, id). */
export interface ListPosition {
  lastActivityAt: string;
  id: string;
}

const ENTRY_COLUMNS = Prisma.sql`
  c.id, c.type, c.title, c.last_seq AS "lastSeq", c.member_count AS "memberCount",
  c.last_activity_at AS "lastActivityAt", c.created_at AS "createdAt",
  c.slow_mode_seconds AS "slowModeSeconds", c.frozen,
  m.role, m.status, m.muted, m.last_read_seq AS "lastReadSeq", m.hidden_before_seq AS "hiddenBeforeSeq",
  m.moderation_muted AS "moderationMuted", m.moderation_muted_until AS "moderationMutedUntil",
  ${UNREAD_COUNT} AS "unreadCount", ${UNREAD_MENTION_COUNT} AS "unreadMentionCount"`;

/** One row of a user's conversation list, as the repository reads it. */
export interface ConversationEntryRow {
  id: string;
  type: ConversationType;
  title: string | null;
  lastSeq: number;
  memberCount: number;
  lastActivityAt: Date;
  createdAt: Date;
  slowModeSeconds: number;
  frozen: boolean;
  role: MemberRole;
  status: MemberStatus;
  muted: boolean;
  lastReadSeq: number;
  hiddenBeforeSeq: number;
  moderationMuted: boolean;
  moderationMutedUntil: Date | null;
  /** Timeline messages past the read mark (see unread-columns.ts). */
  unreadCount: number;
  unreadMentionCount: number;
}

/** A member with their profile, as lists show the first few. */
export interface MemberRow {
  conversationId: string;
  userId: string;
  role: MemberRole;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  deletedAt: Date | null;
  moderationMuted: boolean;
  moderationMutedUntil: Date | null;
}

/** What a group's owner or admin may change on the conversation itself. */
export interface GroupChanges {
  title?: string;
  slowModeSeconds?: number;
  frozen?: boolean;
}

/** A conversation's unread counts, as `GET /conversations/unread` lists them. */
export interface UnreadCounts {
  conversationId: string;
  unreadCount: number;
  unreadMentionCount: number;
}

/** The columns of a new conversation that its `conversation.created` webhook event shows. */
const CREATED = {
  id: true,
  type: true,
  title: true,
  memberCount: true,
  createdAt: true,
  lastActivityAt: true,
  slowModeSeconds: true,
  frozen: true,
} as const;

interface CreatedRow {
  id: string;
  type: string;
  title: string | null;
  memberCount: number;
  createdAt: Date;
  lastActivityAt: Date;
  slowModeSeconds: number;
  frozen: boolean;
}

/** A `conversation.created` webhook event: the conversation as every member sees it, and who they are. */
const createdEvent = (row: CreatedRow, memberIds: string[]) => ({
  eventId: row.id,
  occurredAt: row.createdAt,
  data: {
    id: row.id,
    // The column's CHECK constraint holds it to these values.
    type: row.type as ConversationSummary['type'],
    title: row.title,
    memberCount: row.memberCount,
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    slowModeSeconds: row.slowModeSeconds,
    frozen: row.frozen,
    memberIds,
  } satisfies ConversationSummary & { memberIds: string[] },
});

@Injectable()
export class ConversationsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhookEvents,
  ) {}

  async findMeta(id: string): Promise<ConversationMeta | null> {
    const row = await this.prisma.conversation.findUnique({
      where: { id },
      select: {
        id: true,
        type: true,
        title: true,
        createdAt: true,
        slowModeSeconds: true,
        frozen: true,
        members: {
          select: {
            userId: true,
            role: true,
            status: true,
            muted: true,
            hiddenBeforeSeq: true,
            moderationMuted: true,
            moderationMutedUntil: true,
          },
          orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
        },
      },
    });
    if (!row) return null;
    const members = row.members.map(({ moderationMuted, moderationMutedUntil, ...member }) => ({
      ...member,
      // Only the muted carry it: a 500-member list stays small.
      ...(moderationMuted ? { moderationMute: { until: moderationMutedUntil?.toISOString() ?? null } } : {}),
    }));
    // The columns' CHECK constraints hold them to these values.
    return { ...row, createdAt: row.createdAt.toISOString(), members } as ConversationMeta;
  }

  async findDirectId(pairKey: string): Promise<string | null> {
    const row = await this.prisma.directPair.findUnique({ where: { pairKey }, select: { conversationId: true } });
    return row?.conversationId ?? null;
  }

  /**
   * Throws Prisma's P2002 when the pair already has its conversation: then nothing is stored. The
   * conversation, its request's outbox event and its webhook event commit together.
   */
  async createDirect(pairKey: string, creatorId: string, otherId: string, otherStatus: MemberStatus): Promise<string> {
    const id = randomUUID();
    await this.prisma.$transaction(async (tx) => {
      await tx.directPair.create({ data: { pairKey, conversationId: id } });
      const created = await tx.conversation.create({
        data: {
          id,
          type: 'direct',
          createdById: creatorId,
          memberCount: 2,
          members: { create: [{ userId: creatorId }, { userId: otherId, status: otherStatus }] },
        },
        select: CREATED,
      });
      // A request notifies its recipient: the outbox event commits with the conversation.
      if (otherStatus === 'pending') {
        await tx.outboxEvent.create({
          data: outboxEvent('request', id, { senderId: creatorId, recipientId: otherId }, id),
          select: { id: true },
        });
      }
      await this.webhooks.record(tx, 'conversation.created', createdEvent(created, [creatorId, otherId]));
    });
    return id;
  }

  /** The group and its webhook event, in one transaction. */
  createGroup(title: string, ownerId: string, memberIds: string[]): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.conversation.create({
        data: {
          type: 'group',
          title,
          createdById: ownerId,
          memberCount: memberIds.length + 1,
          members: {
            create: [{ userId: ownerId, role: 'owner' }, ...memberIds.map((userId) => ({ userId }))],
          },
        },
        select: CREATED,
      });
      await this.webhooks.record(tx, 'conversation.created', createdEvent(created, [ownerId, ...memberIds]));
      return created.id;
    });
  }

  /** Whether the two users are members of some conversation together. */
  async shareAConversation(a: string, b: string): Promise<boolean> {
    const [row] = await this.prisma.$queryRaw<{ shared: boolean }[]>`
      SELECT EXISTS (
        SELECT 1 FROM conversation_members mine
        JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id AND theirs.user_id = ${b}::uuid
        WHERE mine.user_id = ${a}::uuid
      ) AS shared`;
    return row.shared;
  }

  /**
   * The caller's conversations, most recent activity first, after `after`: those they hid come
   * back once a newer message arrives; message requests they declined stay out.
   */
  listEntries(userId: string, limit: number, after?: ListPosition): Promise<ConversationEntryRow[]> {
    const afterAt = after ? new Date(after.lastActivityAt) : null;
    return this.prisma.$queryRaw<ConversationEntryRow[]>`
      SELECT ${ENTRY_COLUMNS}
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = ${userId}::uuid
        AND m.status <> 'declined'
        AND (m.hidden_at IS NULL OR c.last_seq > m.hidden_before_seq)
        AND (${afterAt}::timestamptz IS NULL
             OR (c.last_activity_at, c.id) < (${afterAt}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY c.last_activity_at DESC, c.id DESC
      LIMIT ${limit}`;
  }

  /** One conversation as the member sees it, hidden or not. */
  async findEntry(userId: string, conversationId: string): Promise<ConversationEntryRow | null> {
    const [row] = await this.prisma.$queryRaw<ConversationEntryRow[]>`
      SELECT ${ENTRY_COLUMNS}
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = ${userId}::uuid AND m.conversation_id = ${conversationId}::uuid`;
    return row ?? null;
  }

  /** The message at each (conversation, seq): the last messages of a list, in one query. */
  messagesAt(refs: { conversationId: string; seq: number }[]): Promise<MessageSource[]> {
    if (refs.length === 0) return Promise.resolve([]);
    const pairs = Prisma.join(refs.map((ref) => Prisma.sql`(${ref.conversationId}::uuid, ${ref.seq}::int)`));
    return this.prisma.$queryRaw<MessageSource[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE (m.conversation_id, m.seq) IN (${pairs})`;
  }

  /**
   * The first `perConversation` members of each conversation by join time, with their profiles, in
   * one query. Numbered per conversation (not a `LATERAL … LIMIT` per id, which Citus cannot run on
   * the shards), and read through the (conversation_id, joined_at) index.
   */
  firstMembers(conversationIds: string[], perConversation: number): Promise<MemberRow[]> {
    if (conversationIds.length === 0) return Promise.resolve([]);
    return this.prisma.$queryRaw<MemberRow[]>`
      SELECT f.conversation_id AS "conversationId", f.user_id AS "userId", f.role, u.username,
             u.display_name AS "displayName", u.avatar_url AS "avatarUrl", u.deleted_at AS "deletedAt",
             f.moderation_muted AS "moderationMuted", f.moderation_muted_until AS "moderationMutedUntil"
      FROM (
        SELECT conversation_id, user_id, role, joined_at, moderation_muted, moderation_muted_until,
               row_number() OVER (PARTITION BY conversation_id ORDER BY joined_at, user_id) AS place
        FROM conversation_members
        WHERE conversation_id = ANY(${conversationIds}::uuid[])
      ) f
      JOIN users u ON u.id = f.user_id
      WHERE f.place <= ${perConversation}
      ORDER BY f.conversation_id, f.joined_at, f.user_id`;
  }

  /** A group's title and moderation settings: what is given changes, the rest stays. */
  updateGroup(conversationId: string, changes: GroupChanges): Promise<unknown> {
    return this.prisma.conversation.update({ where: { id: conversationId }, data: changes, select: { id: true } });
  }

  /** Unread counts of the user's accepted conversations that have any. */
  async unreadCounts(userId: string): Promise<UnreadCounts[]> {
    const rows = await this.prisma.$queryRaw<UnreadCounts[]>`
      SELECT c.id AS "conversationId", ${UNREAD_COUNT} AS "unreadCount", ${UNREAD_MENTION_COUNT} AS "unreadMentionCount"
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = ${userId}::uuid AND m.status = 'accepted' AND ${HAS_NEWER}
      ORDER BY c.last_activity_at DESC, c.id DESC`;
    // Only thread replies past the mark: nothing the conversation counts.
    return rows.filter((row) => row.unreadCount > 0 || row.unreadMentionCount > 0);
  }
}
