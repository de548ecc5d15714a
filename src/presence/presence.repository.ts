import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { hasStatusSql, type StoredStatus } from './status-rule.js';

/** What a viewer may know of one user's presence: their status as stored, and when they were last seen. */
export interface PresenceSubject extends StoredStatus {
  lastSeenAt: Date | null;
  /** The user's setting: whether contacts see `lastSeenAt`. */
  showLastSeen: boolean;
  /** The viewer themselves, or a contact of theirs. */
  visible: boolean;
}

@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async touchLastSeen(userId: string, at: Date): Promise<void> {
    await this.prisma.user.updateMany({ where: { id: userId }, data: { lastSeenAt: at } });
  }

  /**
   * Records that the user came or went at `at`, unless they are invisible: then nothing moves, so
   * `lastSeenAt` reveals no activity. Their status and `showLastSeen` setting when recorded; null
   * when invisible (or gone).
   */
  async recordSeenUnlessInvisible(
    userId: string,
    at: Date,
  ): Promise<(StoredStatus & { showLastSeen: boolean }) | null> {
    const [row] = await this.prisma.$queryRaw<(StoredStatus & { showLastSeen: boolean })[]>`
      UPDATE users u SET last_seen_at = ${at}::timestamptz
      WHERE u.id = ${userId}::uuid AND NOT ${hasStatusSql('u', 'invisible')}
      RETURNING u.status, u.status_text AS "statusText", u.status_expires_at AS "statusExpiresAt",
        u.show_last_seen AS "showLastSeen"`;
    return row ?? null;
  }

  /**
   * Each existing user among `userIds`, with whether `viewerId` sees their presence: themselves, or a
   * contact (a conversation both have accepted, and no block either way). One query for any number.
   * The shared conversations are found first, for all of them at once: a subquery over members
   * correlated with each user (not a conversation) is what Citus cannot run on the shards.
   */
  async subjectsFor(viewerId: string, userIds: string[]): Promise<Map<string, PresenceSubject>> {
    const rows = await this.prisma.$queryRaw<({ id: string } & PresenceSubject)[]>`
      WITH sharing AS (
        SELECT DISTINCT theirs.user_id
        FROM conversation_members mine
        JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
        WHERE mine.user_id = ${viewerId}::uuid AND theirs.user_id = ANY(${userIds}::uuid[])
          AND mine.status = 'accepted' AND theirs.status = 'accepted'
      )
      SELECT u.id, u.last_seen_at AS "lastSeenAt", u.show_last_seen AS "showLastSeen", u.status, u.status_text AS "statusText",
        u.status_expires_at AS "statusExpiresAt",
        (u.id = ${viewerId}::uuid OR (
          u.id IN (SELECT user_id FROM sharing)
          AND NOT EXISTS (
            SELECT 1 FROM blocks b
            WHERE (b.blocker_id = ${viewerId}::uuid AND b.blocked_id = u.id)
               OR (b.blocker_id = u.id AND b.blocked_id = ${viewerId}::uuid)))) AS visible
      FROM users u
      WHERE u.id = ANY(${userIds}::uuid[])`;
    return new Map(rows.map(({ id, ...subject }) => [id, subject]));
  }

  /** The user's contacts: who hears of their presence (a conversation both accepted, no block either way). */
  async contactsOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT theirs.user_id AS "userId"
      FROM conversation_members mine
      JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
      WHERE mine.user_id = ${userId}::uuid AND theirs.user_id <> ${userId}::uuid
        AND mine.status = 'accepted' AND theirs.status = 'accepted'
        AND NOT EXISTS (
          SELECT 1 FROM blocks b
          WHERE (b.blocker_id = mine.user_id AND b.blocked_id = theirs.user_id)
             OR (b.blocker_id = theirs.user_id AND b.blocked_id = mine.user_id))`;
    return rows.map((row) => row.userId);
  }
}
