import type pg from 'pg';

/**
 * `count` timeline messages from `senderId` written straight to the database, numbered after the
 * conversation's last seq as a send would number them (seq, version and timeline position), for
 * tests that need a history too long to send through the API. Bodies are `<prefix> <seq>`.
 */
export async function insertMessages(
  db: pg.Client,
  conversationId: string,
  senderId: string,
  count: number,
  prefix = 'bulk',
): Promise<void> {
  await db.query(
    `WITH c AS (
       UPDATE conversations
       SET last_seq = last_seq + $3, timeline_count = timeline_count + $3, version = version + $3
       WHERE id = $1
       RETURNING last_seq - $3 AS seq0, version - $3 AS version0, timeline_count - $3 AS position0
     )
     INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, created_version, version,
                           timeline_position)
     SELECT gen_random_uuid(), $1, c.seq0 + g, $2, gen_random_uuid(), $4 || ' ' || (c.seq0 + g),
            c.version0 + g, c.version0 + g, c.position0 + g
     FROM c, generate_series(1, $3::int) g`,
    [conversationId, senderId, count, prefix],
  );
}
