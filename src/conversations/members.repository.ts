import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { outboxEvent } from '#src/infra/outbox/outbox-event.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import { BAN_IN_FORCE } from './bans.repository.js';
import type { MemberRole, MemberStatus } from './conversation-meta.js';
import type { StoredMarks } from './receipt-rule.js';
import { UNREAD_COUNT, UNREAD_MENTION_COUNT } from './unread-columns.js';

export interface ReadMark {
  lastSeq: number;
  lastReadSeq: number;
  hiddenBeforeSeq: number;
  unreadCount: number;
  unreadMentionCount: number;
  /** Whether other members may know of this member's marks (see `markAudience`). */
  sharesMarks: boolean;
}

export interface DeliveryMark extends StoredMarks {
  lastSeq: number;
  /** Whether other members may know of this member's marks (see `markAudience`). */
  sharesMarks: boolean;
}

/** One member's marks as stored, for `GET /conversations/:id/reads`. */
export interface MemberMarks extends StoredMarks {
  userId: string;
}

/**
 * Whether the member row `m` of the user row `u` shares its marks: receipts on, and the member has
 * accepted the conversation. One definition for every query that reads it.
 */
const SHARES_MARKS = Prisma.sql`(u.read_receipts AND m.status = 'accepted')`;

/** A read mark's answer, for `m` joined to `c` and `u`. */
const READ_MARK_COLUMNS = Prisma.sql`c.last_seq AS "lastSeq", m.last_read_seq AS "lastReadSeq",
  m.hidden_before_seq AS "hiddenBeforeSeq", ${UNREAD_COUNT} AS "unreadCount", ${UNREAD_MENTION_COUNT} AS "unreadMentionCount",
  ${SHARES_MARKS} AS "sharesMarks"`;

/**
 * Changes to member rows. Changes to who is a member lock the conversation row first, as sends do,
 * and store their webhook events in the same transaction.
 */
@Injectable()
export class MembersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhookEvents,
  ) {}

  /** Everyone who shares a conversation with the user, in any state, the user included: whose lists show them. */
  async coMemberIds(userId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT theirs.user_id AS "userId"
      FROM conversation_members mine
      JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
      WHERE mine.user_id = ${userId}::uuid`;
    return rows.map((row) => row.userId);
  }

  /**
   * Adds those of `userIds` who are not members yet, unless the group would pass `max` or one of
   * them is banned from it (`banned`: then nobody is added); null when it is gone. The bans are read
   * under the conversation's row lock, which a ban holds too, so no one is added past a ban that
   * committed first. Their `member_added` notifications are an outbox event of the same transaction,
   * and so is the `member.added` webhook event.
   */
  add(
    conversationId: string,
    userIds: string[],
    max: number,
    actorId: string,
  ): Promise<{ added: string[]; full: boolean; banned: string[] } | null> {
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ memberCount: number }[]>`
        SELECT member_count AS "memberCount" FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
      if (!locked) return null;
      const present = await tx.conversationMember.findMany({
        where: { conversationId, userId: { in: userIds } },
        select: { userId: true },
      });
      const presentIds = new Set(present.map((member) => member.userId));
      const added = userIds.filter((userId) => !presentIds.has(userId));
      if (added.length === 0) return { added, full: false, banned: [] };
      const banned = await tx.$queryRaw<{ userId: string }[]>`
        SELECT user_id AS "userId" FROM conversation_bans
        WHERE conversation_id = ${conversationId}::uuid AND user_id = ANY(${added}::uuid[]) AND ${BAN_IN_FORCE}`;
      if (banned.length > 0) return { added: [], full: false, banned: banned.map((row) => row.userId) };
      if (locked.memberCount + added.length > max) return { added: [], full: true, banned: [] };
      await tx.conversationMember.createMany({ data: added.map((userId) => ({ conversationId, userId })) });
      await tx.conversation.update({
        where: { id: conversationId },
        data: { memberCount: { increment: added.length } },
      });
      await tx.outboxEvent.create({
        data: outboxEvent('member_added', conversationId, { userIds: added, actorId }),
        select: { id: true },
      });
      await this.webhooks.record(tx, 'member.added', { data: { conversationId, userIds: added, actorId } });
      return { added, full: false, banned: [] };
    });
  }

  /**
   * Removes a member, with its `member.removed` webhook event; when it was the owner, the
   * longest-standing admin (else member) becomes owner.
   * `alongside` is written in the same transaction under the same lock, before the removal, and
   * commits whether or not the user was a member (a ban made ahead). Answers whether a member was removed.
   */
  remove(
    conversationId: string,
    userId: string,
    alongside?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
      await alongside?.(tx);
      const removed = await tx.conversationMember.deleteMany({ where: { conversationId, userId } });
      if (removed.count === 0) return false;
      await tx.conversation.update({ where: { id: conversationId }, data: { memberCount: { decrement: 1 } } });
      const owner = await tx.conversationMember.findFirst({ where: { conversationId, role: 'owner' } });
      if (!owner) {
        // `admin` sorts before `member`, and no owner is left to sort after them.
        const heir = await tx.conversationMember.findFirst({
          where: { conversationId },
          orderBy: [{ role: 'asc' }, { joinedAt: 'asc' }, { userId: 'asc' }],
        });
        if (heir) {
          await tx.conversationMember.update({
            where: { conversationId_userId: { conversationId, userId: heir.userId } },
            data: { role: 'owner' },
          });
        }
      }
      await this.webhooks.record(tx, 'member.removed', { data: { conversationId, userId } });
      return true;
    });
  }

  async setRole(conversationId: string, userId: string, role: MemberRole): Promise<void> {
    await this.prisma.conversationMember.update({
      where: { conversationId_userId: { conversationId, userId } },
      data: { role },
    });
  }

  async setStatus(conversationId: string, userId: string, status: MemberStatus): Promise<void> {
    await this.prisma.conversationMember.update({
      where: { conversationId_userId: { conversationId, userId } },
      data: { status },
    });
  }

  /**
   * Mutes (`mute`) or unmutes the member for moderation, with `alongside` in the same transaction
   * when something changed. Answers `missing` when the user is not a member, else whether it changed
   * (unmuting someone not muted changes nothing; muting again sets the new `until`).
   */
  setModerationMute(
    conversationId: string,
    userId: string,
    mute: { until: Date | null } | null,
    alongside: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<'missing' | 'changed' | 'unchanged'> {
    return this.prisma.$transaction(async (tx) => {
      const where = { conversationId, userId, ...(mute ? {} : { moderationMuted: true }) };
      const data = { moderationMuted: mute !== null, moderationMutedUntil: mute?.until ?? null };
      const { count } = await tx.conversationMember.updateMany({ where, data });
      if (count > 0) {
        await alongside(tx);
        return 'changed';
      }
      if (mute) return 'missing';
      const member = await tx.conversationMember.findUnique({
        where: { conversationId_userId: { conversationId, userId } },
        select: { userId: true },
      });
      return member ? 'unchanged' : 'missing';
    });
  }

  async setMuted(conversationId: string, userId: string, muted: boolean): Promise<void> {
    await this.prisma.conversationMember.update({
      where: { conversationId_userId: { conversationId, userId } },
      data: { muted },
    });
  }

  /** Opening a direct conversation again brings it back to the opener's list, as an accepted one. */
  async reopen(conversationId: string, userId: string): Promise<void> {
    await this.prisma.conversationMember.update({
      where: { conversationId_userId: { conversationId, userId } },
      data: { status: 'accepted', hiddenAt: null },
    });
  }

  /** "Delete for me": everything up to the current last message is hidden and counts as read. */
  async hide(conversationId: string, userId: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE conversation_members m
      SET hidden_before_seq = c.last_seq, last_read_seq = GREATEST(m.last_read_seq, c.last_seq), hidden_at = now()
      FROM conversations c
      WHERE c.id = m.conversation_id AND m.conversation_id = ${conversationId}::uuid AND m.user_id = ${userId}::uuid`;
  }

  /**
   * Moves the read mark forward to `seq`; null when `seq` is past the last message. `moved` says
   * whether this call moved it: the update only matches while the mark is below `seq`, a condition
   * Postgres checks again on the newest row version when two marks race, so exactly one call moves
   * the mark to any one value.
   */
  async markReadUpTo(
    conversationId: string,
    userId: string,
    seq: number,
  ): Promise<(ReadMark & { moved: boolean }) | null> {
    const [moved] = await this.prisma.$queryRaw<ReadMark[]>`
      UPDATE conversation_members m SET last_read_seq = ${seq}::int
      FROM conversations c, users u
      WHERE c.id = m.conversation_id AND u.id = m.user_id AND m.conversation_id = ${conversationId}::uuid
        AND m.user_id = ${userId}::uuid AND ${seq}::int <= c.last_seq AND m.last_read_seq < ${seq}::int
      RETURNING ${READ_MARK_COLUMNS}`;
    if (moved) return { ...moved, moved: true };
    const [current] = await this.prisma.$queryRaw<ReadMark[]>`
      SELECT ${READ_MARK_COLUMNS}
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = ${conversationId}::uuid AND m.user_id = ${userId}::uuid AND ${seq}::int <= c.last_seq`;
    return current ? { ...current, moved: false } : null;
  }

  /**
   * Moves the delivery mark forward to `seq`, the way `markReadUpTo` moves the read mark: exactly
   * one call moves it to any one value, even when calls race. It moves only past the mark as shown,
   * the read mark included (reading implies delivery), so a delivery a read already covers moves
   * nothing, and a read racing a delivery to the same seq leaves the delivery unmoved.
   * `pastLastSeq` when `seq` is past the last message; null when the user is not a member.
   */
  async markDeliveredUpTo(
    conversationId: string,
    userId: string,
    seq: number,
  ): Promise<(DeliveryMark & { moved: boolean }) | 'pastLastSeq' | null> {
    const [moved] = await this.prisma.$queryRaw<DeliveryMark[]>`
      UPDATE conversation_members m SET last_delivered_seq = ${seq}::int
      FROM conversations c, users u
      WHERE c.id = m.conversation_id AND u.id = m.user_id AND m.conversation_id = ${conversationId}::uuid
        AND m.user_id = ${userId}::uuid AND ${seq}::int <= c.last_seq
        AND GREATEST(m.last_delivered_seq, m.last_read_seq, m.hidden_before_seq) < ${seq}::int
      RETURNING c.last_seq AS "lastSeq", m.last_read_seq AS "lastReadSeq", m.hidden_before_seq AS "hiddenBeforeSeq",
        m.last_delivered_seq AS "lastDeliveredSeq", ${SHARES_MARKS} AS "sharesMarks"`;
    if (moved) return { ...moved, moved: true };
    const [current] = await this.prisma.$queryRaw<DeliveryMark[]>`
      SELECT c.last_seq AS "lastSeq", m.last_read_seq AS "lastReadSeq", m.hidden_before_seq AS "hiddenBeforeSeq",
        m.last_delivered_seq AS "lastDeliveredSeq", ${SHARES_MARKS} AS "sharesMarks"
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = ${conversationId}::uuid AND m.user_id = ${userId}::uuid`;
    if (!current) return null;
    return seq > current.lastSeq ? 'pastLastSeq' : { ...current, moved: false };
  }

  /**
   * The marks of the members who share them, in join order: every one of them, which the group cap
   * (500) bounds. Served by the primary key's conversation prefix.
   */
  sharedMarks(conversationId: string): Promise<MemberMarks[]> {
    return this.prisma.$queryRaw<MemberMarks[]>`
      SELECT m.user_id AS "userId", m.last_read_seq AS "lastReadSeq", m.last_delivered_seq AS "lastDeliveredSeq",
        m.hidden_before_seq AS "hiddenBeforeSeq"
      FROM conversation_members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = ${conversationId}::uuid AND ${SHARES_MARKS}
      ORDER BY m.joined_at, m.user_id`;
  }
}
