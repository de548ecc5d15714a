import { Prisma } from '#src/generated/prisma/client.js';

/**
 * A message's columns as MessageRecord holds them, for queries on `messages m`: one list for every
 * query that reads messages (lists' last messages here, the messages feature's reads and writes).
 */
export const MESSAGE_COLUMNS = Prisma.sql`
  m.id, m.conversation_id AS "conversationId", m.seq, m.sender_id AS "senderId",
  m.client_message_id AS "clientMessageId", m.body, m.reply_to_id AS "replyToId", m.attachments, m.reactions,
  m.created_at AS "createdAt", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt", m.version,
  m.thread_root_id AS "threadRootId", m.timeline_position AS "timelinePosition",
  m.thread_reply_count AS "threadReplyCount", m.thread_last_reply_at AS "threadLastReplyAt",
  m.thread_last_reply_seq AS "threadLastReplySeq", m.thread_participant_ids AS "threadParticipantIds",
  m.mention_user_ids AS "mentionUserIds", m.mention_all AS "mentionAll"`;
