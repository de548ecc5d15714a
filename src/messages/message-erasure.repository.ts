import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** A message to erase, by its key. */
export interface MessageRef {
  conversationId: string;
  id: string;
}

/** Where a sender's messages were read up to: the next page starts after it. */
export interface SenderPosition {
  conversationId: string;
  seq: number;
}

/** What became of one erased message: enough to tell caches and members. */
export interface ErasedMessage {
  id: string;
  seq: number;
  threadRootId: string | null;
  mentionAll: boolean;
  mentionUserIds: string[];
}

/** One conversation's share of an erasure. */
export interface ErasedInConversation {
  messages: ErasedMessage[];
  /** The conversation's last seq: an erased message at it is what lists show. */
  lastSeq: number;
  /** A pin went with one of them. */
  unpinned: boolean;
  /** Uploads the erased messages carried: they grant no more links, and go once nothing carries them. */
  releasedUploadIds: string[];
}

const NOTHING = (lastSeq = 0): ErasedInConversation => ({
  messages: [],
  lastSeq,
  unpinned: false,
  releasedUploadIds: [],
});

/**
 * Messages tombstoned many at a time (an account's erasure, retention): the same tombstone as one
 * deleted by its author, `seq` kept.
 */
@Injectable()
export class MessageErasureRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Up to `limit` of the sender's messages not deleted yet, by conversation and seq, after
   * `after` (the `messages_sender_idx` index, read from where the previous page stopped).
   */
  sentBy(senderId: string, limit: number, after?: SenderPosition): Promise<(MessageRef & SenderPosition)[]> {
    return this.prisma.$queryRaw`
      SELECT conversation_id AS "conversationId", id, seq FROM messages
      WHERE sender_id = ${senderId}::uuid AND deleted_at IS NULL
        AND (${after?.conversationId ?? null}::uuid IS NULL
             OR (conversation_id, seq) > (${after?.conversationId ?? null}::uuid, ${after?.seq ?? 0}::int))
      ORDER BY conversation_id, seq
      LIMIT ${limit}::int`;
  }

  /** Up to `limit` messages not deleted yet created before `cutoff`, oldest first (`messages_retention_idx`). */
  createdBefore(cutoff: Date, limit: number): Promise<MessageRef[]> {
    return this.prisma.$queryRaw`
      SELECT conversation_id AS "conversationId", id FROM messages
      WHERE deleted_at IS NULL AND created_at < ${cutoff}
      ORDER BY created_at
      LIMIT ${limit}::int`;
  }

  /**
   * Tombstones those of `ids` not deleted yet, in one transaction on the conversation's row lock:
   * bodies and attachments emptied, reactions and pins dropped, the uploads released. Each gets a
   * version of its own, in seq order, so that sync pages, which split on versions, never cut
   * between two of them.
   */
  tombstoneMany(conversationId: string, ids: string[]): Promise<ErasedInConversation> {
    return this.prisma.$transaction(async (tx) => {
      const [conversation] = await tx.$queryRaw<{ version: bigint; lastSeq: number }[]>`
        SELECT version, last_seq AS "lastSeq" FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
      if (!conversation) return NOTHING();
      const messages = await tx.$queryRaw<ErasedMessage[]>`
        WITH targets AS (
          SELECT id, row_number() OVER (ORDER BY seq) AS n FROM messages
          WHERE conversation_id = ${conversationId}::uuid AND id = ANY(${ids}::uuid[]) AND deleted_at IS NULL
        )
        UPDATE messages m
        SET body = '', attachments = '[]', reactions = '{}', deleted_at = now(),
            version = ${conversation.version}::bigint + t.n
        FROM targets t
        WHERE m.conversation_id = ${conversationId}::uuid AND m.id = t.id
        RETURNING m.id, m.seq, m.thread_root_id AS "threadRootId", m.mention_all AS "mentionAll",
                  m.mention_user_ids AS "mentionUserIds"`;
      if (messages.length === 0) return NOTHING(conversation.lastSeq);
      const erased = messages.map((message) => message.id);
      await tx.$executeRaw`
        UPDATE conversations SET version = version + ${messages.length}::int WHERE id = ${conversationId}::uuid`;
      await tx.$executeRaw`
        DELETE FROM message_reactions
        WHERE conversation_id = ${conversationId}::uuid AND message_id = ANY(${erased}::uuid[])`;
      const unpinned = await tx.$executeRaw`
        DELETE FROM message_pins WHERE conversation_id = ${conversationId}::uuid AND message_id = ANY(${erased}::uuid[])`;
      const released = await tx.$queryRaw<{ uploadId: string }[]>`
        UPDATE message_attachments SET released_at = now()
        WHERE conversation_id = ${conversationId}::uuid AND message_id = ANY(${erased}::uuid[]) AND released_at IS NULL
        RETURNING upload_id AS "uploadId"`;
      return {
        messages: messages.sort((a, b) => a.seq - b.seq),
        lastSeq: conversation.lastSeq,
        unpinned: unpinned > 0,
        releasedUploadIds: [...new Set(released.map((row) => row.uploadId))],
      };
    });
  }
}
