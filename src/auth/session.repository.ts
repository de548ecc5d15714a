import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { Prisma, Session } from '#src/generated/prisma/client.js';
import { currentSuspension, type StoredSuspension, type Suspension } from '#src/users/suspension.js';

export interface NewSession {
  userId: string;
  deviceName?: string;
  deviceType?: string;
  deviceOs?: string;
  ip?: string;
  userAgent?: string;
  expiresAt: Date;
}

/** Session rows: Postgres is the source of truth for which sessions are revoked. */
@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Opens a session unless the account is suspended by then. The user row is read FOR SHARE, which
   * waits for a suspension being written and holds it off until this session is stored: either the
   * suspension is seen here, or its revocation of the user's sessions sees this one.
   */
  openUnlessSuspended(session: NewSession): Promise<{ session: Session } | { suspension: Suspension }> {
    return this.prisma.$transaction(async (tx) => {
      const [user] = await tx.$queryRaw<StoredSuspension[]>`
        SELECT suspended_at AS "suspendedAt", suspended_until AS "suspendedUntil", suspension_reason AS "suspensionReason"
        FROM users WHERE id = ${session.userId}::uuid FOR SHARE`;
      const suspension = user && currentSuspension(user);
      if (suspension) return { suspension };
      return { session: await tx.session.create({ data: session }) };
    });
  }

  findById(id: string): Promise<Session | null> {
    return this.prisma.session.findUnique({ where: { id } });
  }

  /** Whether the user opened a session from `ip` since `since` (revoked or not). */
  async existsFrom(userId: string, ip: string, since: Date): Promise<boolean> {
    const found = await this.prisma.session.findFirst({
      where: { userId, ip, createdAt: { gt: since } },
      select: { id: true },
    });
    return found !== null;
  }

  /** Active sessions of a user, newest first. */
  findActiveForUser(userId: string): Promise<Session[]> {
    return this.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
    });
  }

  /**
   * Moves the session from `generation` to the next, only if that is still its generation and it
   * is active: of two refreshes racing with one token, exactly one wins. `refreshTimes` replaces
   * the list of recent refresh times (read with that generation, so no other refresh changed it).
   */
  async advanceGeneration(
    id: string,
    generation: number,
    change: { expiresAt: Date; refreshTimes: Date[] },
  ): Promise<boolean> {
    const now = new Date();
    const { count } = await this.prisma.session.updateMany({
      where: { id, refreshGeneration: generation, revokedAt: null, expiresAt: { gt: now } },
      data: { refreshGeneration: generation + 1, lastActiveAt: now, ...change },
    });
    return count === 1;
  }

  /**
   * Revokes the given sessions of `userId` that are still active; returns the ids it revoked. `db`:
   * the client of a transaction the revocation belongs to (a suspension).
   */
  async revoke(userId: string, ids?: string[], db: Prisma.TransactionClient = this.prisma): Promise<string[]> {
    const where = { userId, revokedAt: null, ...(ids ? { id: { in: ids } } : {}) };
    const active = await db.session.findMany({ where, select: { id: true } });
    if (active.length === 0) return [];
    await db.session.updateMany({
      where: { ...where, id: { in: active.map((row) => row.id) } },
      data: { revokedAt: new Date() },
    });
    return active.map((row) => row.id);
  }

  /** Those of `ids` that are revoked or expired (or gone). */
  async endedAmong(ids: string[]): Promise<string[]> {
    const active = await this.prisma.session.findMany({
      where: { id: { in: ids }, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true },
    });
    const stillActive = new Set(active.map((row) => row.id));
    return ids.filter((id) => !stillActive.has(id));
  }

  /** Sessions neither revoked nor expired, of every user (reads the `revoked_at` index's null entries). */
  countActive(): Promise<number> {
    return this.prisma.session.count({ where: { revokedAt: null, expiresAt: { gt: new Date() } } });
  }

  /** Ids of sessions revoked at or after `since`. */
  async revokedSince(since: Date): Promise<string[]> {
    const rows = await this.prisma.session.findMany({ where: { revokedAt: { gte: since } }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  touch(id: string, at: Date): Promise<unknown> {
    return this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { lastActiveAt: at } });
  }
}
