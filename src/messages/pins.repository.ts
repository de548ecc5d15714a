import { Injectable } from '@nestjs/common';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { MessageRecord } from './message-record.js';

export interface PinRecord {
  message: MessageRecord;
  pinnedBy: string;
  pinnedAt: Date;
}

/** What pinning answered: the pin (new or already there), or why there is none. */
export type PinOutcome = { pinnedBy: string; pinnedAt: Date; created: boolean } | 'deleted' | 'full';

type PinnedRow = MessageRecord & { pinnedBy: string; pinnedAt: Date };

/** A conversation's pinned messages (`message_pins`, keyed by conversation and message). */
@Injectable()
export class PinsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Pins a message unless it is deleted or the conversation already holds `maxPins`. The
   * conversation row is locked first, in a statement of its own, so the count is read after every
   * pin and tombstone before this one has committed (a single statement would count as of its
   * start): concurrent pins never pass the cap, and a message deleted meanwhile is never pinned.
   * A message already pinned keeps its pin (`created: false`).
   */
  pin(conversationId: string, messageId: string, userId: string, maxPins: number): Promise<PinOutcome> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
      const [row] = await tx.$queryRaw<
        { live: boolean; created: boolean; pinnedBy: string | null; pinnedAt: Date | null }[]
      >`
        WITH target AS (
          SELECT id FROM messages
          WHERE conversation_id = ${conversationId}::uuid AND id = ${messageId}::uuid AND deleted_at IS NULL
        ), existing AS (
          SELECT pinned_by, pinned_at FROM message_pins
          WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid
        ), inserted AS (
          INSERT INTO message_pins (conversation_id, message_id, pinned_by)
          SELECT ${conversationId}::uuid, target.id, ${userId}::uuid FROM target
          WHERE NOT EXISTS (SELECT 1 FROM existing)
            AND (SELECT count(*) FROM message_pins WHERE conversation_id = ${conversationId}::uuid) < ${maxPins}
          RETURNING pinned_by, pinned_at
        )
        SELECT EXISTS (SELECT 1 FROM target) AS live,
               EXISTS (SELECT 1 FROM inserted) AS created,
               COALESCE((SELECT pinned_by FROM inserted), (SELECT pinned_by FROM existing)) AS "pinnedBy",
               COALESCE((SELECT pinned_at FROM inserted), (SELECT pinned_at FROM existing)) AS "pinnedAt"`;
      if (!row.live) return 'deleted';
      if (row.pinnedBy === null || row.pinnedAt === null) return 'full';
      return { pinnedBy: row.pinnedBy, pinnedAt: row.pinnedAt, created: row.created };
    });
  }

  /** Removes a pin; false when there was none. */
  async unpin(conversationId: string, messageId: string): Promise<boolean> {
    const removed = await this.prisma.$executeRaw`
      DELETE FROM message_pins WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid`;
    return removed > 0;
  }

  /** The pins of messages above seq `floor` (the reader's hide point), newest pin first; at most the cap. */
  async listAbove(conversationId: string, floor: number): Promise<PinRecord[]> {
    const rows = await this.prisma.$queryRaw<PinnedRow[]>`
      SELECT ${MESSAGE_COLUMNS}, p.pinned_by AS "pinnedBy", p.pinned_at AS "pinnedAt"
      FROM message_pins p JOIN messages m ON m.conversation_id = p.conversation_id AND m.id = p.message_id
      WHERE p.conversation_id = ${conversationId}::uuid AND m.seq > ${floor}::int AND m.deleted_at IS NULL
      ORDER BY p.pinned_at DESC, m.seq DESC`;
    return rows.map(({ pinnedBy, pinnedAt, ...message }) => ({ message, pinnedBy, pinnedAt }));
  }
}
