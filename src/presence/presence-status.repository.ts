import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { StoredStatus, UserStatus } from './status-rule.js';

export interface StatusChoice {
  status: UserStatus;
  statusText: string | null;
  statusExpiresAt: Date | null;
}

/** A status replaced: what it was just before, and when the user was last seen. */
export interface StatusReplaced {
  before: StoredStatus;
  lastSeenAt: Date | null;
  /** The user's setting: whether contacts see `lastSeenAt`. */
  showLastSeen: boolean;
}

/** An expired status cleared by the sweep. */
export interface StatusExpired {
  userId: string;
  /** The status that expired, and its text. */
  status: string;
  statusText: string | null;
  lastSeenAt: Date | null;
  showLastSeen: boolean;
}

/** The status columns of `users`. */
@Injectable()
export class PresenceStatusRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores the user's new status; null when the account is gone. The row is locked while the old
   * one is read, so two changes of one user each see what the other left.
   */
  replaceStatus(userId: string, choice: StatusChoice): Promise<StatusReplaced | null> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<(StoredStatus & { lastSeenAt: Date | null; showLastSeen: boolean })[]>`
        SELECT status, status_text AS "statusText", status_expires_at AS "statusExpiresAt", last_seen_at AS "lastSeenAt",
          show_last_seen AS "showLastSeen"
        FROM users WHERE id = ${userId}::uuid AND deleted_at IS NULL
        FOR UPDATE`;
      if (!row) return null;
      await tx.user.update({ where: { id: userId }, data: choice });
      const { lastSeenAt, showLastSeen, ...before } = row;
      return { before, lastSeenAt, showLastSeen };
    });
  }

  /**
   * Clears every status whose expiry has passed, back to `online` with no text, answering each with
   * the status that expired. Instances sweep concurrently: a row another one cleared first no longer
   * matches once its lock is released, so each expiry is answered to one instance only.
   */
  expireDue(): Promise<StatusExpired[]> {
    return this.prisma.$queryRaw<StatusExpired[]>`
      UPDATE users u SET status = 'online', status_text = NULL, status_expires_at = NULL
      FROM (SELECT id, status, status_text FROM users WHERE status_expires_at <= now()) due
      WHERE u.id = due.id AND u.status_expires_at <= now()
      RETURNING u.id AS "userId", due.status, due.status_text AS "statusText", u.last_seen_at AS "lastSeenAt",
        u.show_last_seen AS "showLastSeen"`;
  }
}
