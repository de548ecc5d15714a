import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import { toMessageView, type Attachment } from '#src/conversations/message.presenter.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import type { MessageChange, MessageRecord } from './message-record.js';

export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  body: string;
  replyToId: string | null;
  threadRootId: string | null;
  attachments: Attachment[];
  /** Lower-case usernames the body mentions; the send keeps those of members. */
  mentionNames: string[];
  /** The body says `@all` or `@here`; the send decides whether the sender may. */
  mentionAll: boolean;
}

type ChangeRow = MessageRecord & { lastSeq: number };

/** Writes that commit with a deletion or not at all; `deleted`: the message became a tombstone there and then. */
export type WithDeletion = (tx: Prisma.TransactionClient, deleted: boolean) => Promise<void>;

/** A send's outcome: the stored message (or the copy stored before), and for a new reply its root as it now is. */
export interface StoredMessage {
  record: MessageRecord;
  created: boolean;
  root: MessageRecord | null;
}
/** Leaves thread replies out (the pages read the (conversation_id, seq) index and skip them), unless they are wanted too. */
const timelineOnly = (replies: boolean) => (replies ? Prisma.sql`TRUE` : Prisma.sql`m.thread_root_id IS NULL`);

/** `send_message` (see `insertOnce`), run through `PrismaService.rows`. */
const SEND_STATEMENT = `
  SELECT ${MESSAGE_COLUMNS.text}
  FROM send_message($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::text, $6::uuid, $7::jsonb, $8::uuid, $9::text[], $10::boolean) m`;

/** A message row as pg parses it: as Prisma does, but for `bigint`, which pg leaves as text. */
type PgMessageRow = Omit<MessageRecord, 'version'> & { version: string };
const fromPg = (row: PgMessageRow): MessageRecord => ({ ...row, version: BigInt(row.version) });

const toChange = ({ lastSeq, ...message }: ChangeRow): MessageChange => ({ message, isLast: message.seq === lastSeq });

/**
 * Messages. Every change first bumps the conversation's `version` (and, for a new message, its
 * `last_seq`) in the same statement or transaction: that row lock numbers the conversation's
 * changes in commit order, which makes `seq` gap-free and sync exact. Edits and deletions store
 * their webhook event in the same transaction; a new message's is derived from its outbox event.
 */
@Injectable()
export class MessagesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhookEvents,
  ) {}

  /**
   * Stores a message under the next seq, and moves the sender's read mark to it (their mark in the
   * thread, for a reply, whose root's summary moves with it), unless the sender already stored one
   * with this `clientMessageId` in this conversation: then nothing changes and that one is returned
   * (`created: false`). `@username`s of members are resolved in the same statement. `rootDeleted`
   * when the thread's root was deleted by the time the conversation was locked: nothing is stored. Null when the sender is not a member once the
   * conversation is locked: membership is checked against rows no concurrent removal can still
   * change, whatever the caller's view of it was. One call of the `send_message` function (see its
   * migration): one round trip, and on Citus run whole on the node that holds the conversation.
   */
  async insertOnce(message: NewMessage): Promise<StoredMessage | 'rootDeleted' | null> {
    const id = randomUUID();
    const rows = (
      await this.prisma.rows<PgMessageRow>(SEND_STATEMENT, [
        message.conversationId,
        id,
        message.senderId,
        message.clientMessageId,
        message.body,
        message.replyToId,
        JSON.stringify(message.attachments),
        message.threadRootId,
        message.mentionNames,
        message.mentionAll,
      ])
    ).map(fromPg);
    const record = rows.find(
      (row) => row.clientMessageId === message.clientMessageId && row.senderId === message.senderId,
    );
    // Only the root came back: it was deleted before this reply could be stored.
    if (!record) return rows.length > 0 ? 'rootDeleted' : null;
    const created = record.id === id;
    const root = created && record.threadRootId ? (rows.find((row) => row.id === record.threadRootId) ?? null) : null;
    return { record, created, root };
  }

  async findByClientId(
    conversationId: string,
    senderId: string,
    clientMessageId: string,
  ): Promise<MessageRecord | null> {
    const [row] = await this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.sender_id = ${senderId}::uuid
        AND m.client_message_id = ${clientMessageId}::uuid`;
    return row ?? null;
  }

  /** A message by its id alone, in whichever conversation (`messages_id_idx`; on Citus every shard is asked). */
  async findById(messageId: string): Promise<MessageRecord | null> {
    const [row] = await this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ${messageId}::uuid LIMIT 1`;
    return row ?? null;
  }

  async findInConversation(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const [row] = await this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ${messageId}::uuid AND m.conversation_id = ${conversationId}::uuid`;
    return row ?? null;
  }

  /** The newest `limit` messages after seq `floor`, newest first: the timeline, or with thread replies when asked. */
  latest(conversationId: string, limit: number, { floor = 0, replies = false } = {}): Promise<MessageRecord[]> {
    return this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.seq > ${floor}::int AND ${timelineOnly(replies)}
      ORDER BY m.seq DESC LIMIT ${limit}`;
  }

  /**
   * Up to `limit` messages before seq `before` and after seq `floor`, newest first; thread replies
   * only when asked. `before` may be one past the largest seq (the latest page), which is no int.
   */
  before(
    conversationId: string,
    before: number,
    floor: number,
    limit: number,
    replies: boolean,
  ): Promise<MessageRecord[]> {
    return this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.seq < ${before}::int AND m.seq > ${floor}::int
        AND ${timelineOnly(replies)}
      ORDER BY m.seq DESC LIMIT ${limit}`;
  }

  /** Up to `limit` messages after seq `after`, oldest first; thread replies only when asked. */
  after(conversationId: string, after: number, limit: number, replies: boolean): Promise<MessageRecord[]> {
    return this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.seq > ${after}::int AND ${timelineOnly(replies)}
      ORDER BY m.seq ASC LIMIT ${limit}`;
  }

  async lastSeq(conversationId: string): Promise<number> {
    const row = await this.prisma.conversation.findUnique({
      where: { id: conversationId },
      select: { lastSeq: true },
    });
    return row?.lastSeq ?? 0;
  }

  /** The conversation's version when message `seq` was created: the point a client at `seq` had reached. */
  async createdVersionAt(conversationId: string, seq: number): Promise<bigint | null> {
    const row = await this.prisma.message.findUnique({
      where: { conversationId_seq: { conversationId, seq } },
      select: { createdVersion: true },
    });
    return row?.createdVersion ?? null;
  }

  /** Messages created or changed after `version`, in the order of their last change, above seq `floor`. */
  changedSince(conversationId: string, version: bigint, floor: number, limit: number): Promise<MessageRecord[]> {
    return this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.version > ${version}::bigint AND m.seq > ${floor}::int
      ORDER BY m.version ASC LIMIT ${limit}`;
  }

  /** New body for a message not deleted, with its `message.updated` webhook event; null when it is gone or deleted meanwhile. */
  edit(conversationId: string, messageId: string, body: string): Promise<MessageChange | null> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<ChangeRow[]>`
        WITH bumped AS (
          UPDATE conversations SET version = version + 1 WHERE id = ${conversationId}::uuid RETURNING version, last_seq
        ), m AS (
          UPDATE messages SET body = ${body}, edited_at = now(), version = bumped.version FROM bumped
          WHERE id = ${messageId}::uuid AND conversation_id = ${conversationId}::uuid AND deleted_at IS NULL
          RETURNING messages.*
        )
        SELECT ${MESSAGE_COLUMNS}, (SELECT last_seq FROM bumped) AS "lastSeq" FROM m`;
      if (!row) return null;
      const change = toChange(row);
      await this.webhooks.record(tx, 'message.updated', {
        occurredAt: change.message.editedAt ?? undefined,
        data: toMessageView(change.message),
      });
      return change;
    });
  }

  /**
   * Empties a message into a tombstone (its seq stays taken), drops its reactions and its pin
   * (`unpinned`: it had one); null when it was already deleted. The conversation is locked first,
   * in a statement of its own: the reactions and the pin are then read after every change of them
   * before this one has committed (a single statement would see them as of its start, and leave
   * behind one added while it waited). `alongside` runs in the same transaction once the message is
   * a tombstone (`deleted`: by this call), so what it writes commits with the deletion or not at all,
   * as does the `message.deleted` webhook event (the tombstone).
   */
  tombstone(
    conversationId: string,
    messageId: string,
    alongside?: WithDeletion,
  ): Promise<(MessageChange & { unpinned: boolean }) | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
      const [row] = await tx.$queryRaw<(ChangeRow & { unpinned: boolean })[]>`
        WITH bumped AS (
          UPDATE conversations SET version = version + 1 WHERE id = ${conversationId}::uuid RETURNING version, last_seq
        ), cleared AS (
          DELETE FROM message_reactions WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid
        ), released AS (
          -- Its uploads grant no more links; the upload sweep deletes those no other message carries.
          UPDATE message_attachments SET released_at = now()
          WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid AND released_at IS NULL
        ), unpinned AS (
          DELETE FROM message_pins WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid
          RETURNING 1
        ), m AS (
          UPDATE messages SET body = '', attachments = '[]', reactions = '{}', deleted_at = now(), version = bumped.version
          FROM bumped
          WHERE id = ${messageId}::uuid AND conversation_id = ${conversationId}::uuid AND deleted_at IS NULL
          RETURNING messages.*
        )
        SELECT ${MESSAGE_COLUMNS}, (SELECT last_seq FROM bumped) AS "lastSeq",
               EXISTS (SELECT 1 FROM unpinned) AS unpinned FROM m`;
      await alongside?.(tx, row !== undefined);
      if (!row) return null;
      const { unpinned, ...stored } = row;
      const change = toChange(stored);
      await this.webhooks.record(tx, 'message.deleted', {
        occurredAt: change.message.deletedAt ?? undefined,
        data: toMessageView(change.message),
      });
      return { ...change, unpinned };
    });
  }

  /**
   * Adds or removes one user's reaction. The first statement locks the conversation and the
   * message and reads the message as it is once locked; every reaction change holds both locks,
   * so its counts are exact, and so is the limit however many add at once. Two statements keep
   * the locks short: a hot message takes many reactions at the same moment. Null when the message
   * is deleted; `'full'` when a new kind of reaction would pass `maxDistinct`; `changed` false
   * when nothing moved (the reaction was already there, or already gone).
   */
  setReaction(
    conversationId: string,
    messageId: string,
    userId: string,
    emoji: string,
    present: boolean,
    maxDistinct: number,
  ): Promise<(MessageChange & { changed: boolean }) | 'full' | null> {
    return this.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<ChangeRow[]>`
        SELECT ${MESSAGE_COLUMNS}, c.last_seq AS "lastSeq"
        FROM conversations c JOIN messages m ON m.conversation_id = c.id
        WHERE c.id = ${conversationId}::uuid AND m.id = ${messageId}::uuid
        FOR UPDATE`;
      if (!current || current.deletedAt) return null;
      const counts = (current.reactions ?? {}) as Record<string, number>;
      if (present && !(emoji in counts) && Object.keys(counts).length >= maxDistinct) return 'full';
      const next = { ...counts, [emoji]: (counts[emoji] ?? 0) + (present ? 1 : -1) };
      if (next[emoji] <= 0) delete next[emoji];
      const change = present
        ? Prisma.sql`INSERT INTO message_reactions (conversation_id, message_id, user_id, emoji)
                     VALUES (${conversationId}::uuid, ${messageId}::uuid, ${userId}::uuid, ${emoji})
                     ON CONFLICT DO NOTHING RETURNING 1`
        : Prisma.sql`DELETE FROM message_reactions
                     WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid
                       AND user_id = ${userId}::uuid AND emoji = ${emoji} RETURNING 1`;
      const [row] = await tx.$queryRaw<ChangeRow[]>`
        WITH changed AS (${change}), bumped AS (
          UPDATE conversations SET version = version + 1
          WHERE id = ${conversationId}::uuid AND EXISTS (SELECT 1 FROM changed)
          RETURNING version, last_seq
        ), m AS (
          UPDATE messages SET reactions = ${JSON.stringify(next)}::jsonb, version = bumped.version FROM bumped
          WHERE id = ${messageId}::uuid AND conversation_id = ${conversationId}::uuid
          RETURNING messages.*
        )
        SELECT ${MESSAGE_COLUMNS}, (SELECT last_seq FROM bumped) AS "lastSeq" FROM m`;
      return row ? { ...toChange(row), changed: true } : { ...toChange(current), changed: false };
    });
  }

  /**
   * A message's reactions, one row per emoji: how many, whether `userId` is among them, and the
   * first `maxUserIds` reactors, earliest first. Most reactions first, then the one reacted first.
   * One query over the primary key's prefix; a message has at most 50 emoji, each given at most
   * once per member (500), so the rows it reads are bounded.
   */
  reactionDetails(
    conversationId: string,
    messageId: string,
    userId: string,
    maxUserIds: number,
  ): Promise<{ emoji: string; count: number; me: boolean; userIds: string[] }[]> {
    return this.prisma.$queryRaw`
      SELECT emoji, count(*)::int AS count, bool_or(user_id = ${userId}::uuid) AS me,
             ((array_agg(user_id ORDER BY created_at, user_id))[1:${maxUserIds}::int])::text[] AS "userIds"
      FROM message_reactions
      WHERE conversation_id = ${conversationId}::uuid AND message_id = ${messageId}::uuid
      GROUP BY emoji
      ORDER BY count(*) DESC, min(created_at) ASC, emoji ASC`;
  }
}
