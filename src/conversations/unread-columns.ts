import { Prisma } from '#src/generated/prisma/client.js';

/**
 * A member's unread counts, for queries over `conversation_members m` joined to `conversations c`.
 * One place for every query that shows them (lists, `GET /unread`, read marks, push badges).
 */

/** What the member has read or hidden: messages up to this seq do not count. */
const READ_UP_TO = Prisma.sql`GREATEST(m.last_read_seq, m.hidden_before_seq)`;

/**
 * Timeline messages past the read mark: the conversation's timeline count less the timeline
 * position of the message at the mark, so thread replies never count, in one index lookup
 * whatever the number unread. The member's own messages move their mark, so they never count.
 */
export const UNREAD_COUNT = Prisma.sql`(c.timeline_count - COALESCE((
  SELECT r.timeline_position FROM messages r WHERE r.conversation_id = c.id AND r.seq = ${READ_UP_TO}), 0))`;

/** Timeline messages past the read mark that mention the member and are not deleted. */
export const UNREAD_MENTION_COUNT = Prisma.sql`(
  SELECT count(*)::int FROM message_mentions mm
  JOIN messages mx ON mx.conversation_id = mm.conversation_id AND mx.seq = mm.seq
  WHERE mm.conversation_id = c.id AND mm.user_id = m.user_id AND mm.seq > ${READ_UP_TO} AND mx.deleted_at IS NULL)`;

/** Anything past the read mark at all (replies included): the cheap test before counting. */
export const HAS_NEWER = Prisma.sql`c.last_seq > ${READ_UP_TO}`;
